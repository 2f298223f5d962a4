package replay

import (
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// A replay splits by user (billing.NewSplit): a Dealer reads the trace in order, checks
// each record against the one before, names its business number and deals it, by a
// hash of its user, to one of N Parts; each Part resolves its users and bills their
// messages at delivery time with a split Biller of its own; a Ledger settles every
// message's claim on the account counters in billing order, the order of Key. Replay
// is one Part; a parallel or sharded replay runs N of them apart and merges what they
// billed by Key before settling (internal/rebill). Pair ids, which conversation ids
// carry, are given by each Part in its own order of first appearance; Renumber turns
// them into the ids one Part would have given.

// Key orders billed messages: by evaluation time, then by place in the trace.
type Key struct {
	At  model.Time
	Seq uint64
}

// Less reports whether k comes before o.
func (k Key) Less(o Key) bool { return k.At < o.At || k.At == o.At && k.Seq < o.Seq }

// Dealt is a record as a Dealer deals it to a Part.
type Dealt struct {
	Rec    model.Record
	Seq    uint64 // the record's place in the trace, from 0
	Number uint16 // dense id of its business number, in order of first appearance
}

// PartSink receives what a Part billed, in Key order; its claim is still to be settled
// (billing.Ledger). The pointers are valid only during the call; ch and c may be
// changed there.
type PartSink interface {
	Billed(k Key, rec *model.Record, m *model.Message, ch *pricing.Charge, c *billing.Claim) error
}

// Dealer reads a trace's records in order: it checks each against the one before, gives
// its business number a dense id, and picks the Part its user belongs to.
type Dealer struct {
	parts        int
	numbers      map[string]uint16
	named        int    // numbers named beforehand (SetAccounts), ids 0..named-1; the only ones allowed when > 0
	seen         []bool // which named numbers the trace has
	accounts     []uint16
	perNumber    bool
	lastBusiness string // the previous record's business number, and its id
	lastNumber   uint16
	haveLast     bool
	lastTS       model.Time
	seq          uint64
}

// NewDealer deals to parts Parts.
func NewDealer(parts int) *Dealer {
	return &Dealer{parts: max(parts, 1), numbers: map[string]uint16{}, lastTS: minTime}
}

const minTime = model.Time(-1 << 63)

// SetAccounts gives the numbers o names (billing.Options.Numbers) the ids 0, 1, … in
// that order, which o.NumberAccount indexes, and makes any other number of the trace an
// error; it also says which account each number is in, for Accounts. Call it before
// dealing, with the Options the Parts and the Ledger bill with.
func (d *Dealer) SetAccounts(o billing.Options) {
	d.accounts, d.perNumber = o.NumberAccount, o.AccountPerNumber
	if len(o.Numbers) == 0 {
		return
	}
	for i, n := range o.Numbers {
		// "+15550001111" and "15550001111" are one number, as a trace's users are.
		n = market.NormNumber(n)
		if _, ok := d.numbers[n]; !ok && i < 1<<16 {
			d.numbers[n] = uint16(i)
		}
	}
	d.named, d.seen = len(o.Numbers), make([]bool, len(o.Numbers))
}

// Check checks rec against the previous record. Its error comes before any message due
// by rec's send time is billed (no Part may flush to rec.TS).
func (d *Dealer) Check(rec *model.Record) error {
	if rec.TS < d.lastTS {
		return lineErrorf(rec, "ts %s is earlier than the previous row's %s; sort the trace by ts (or pass --sort)", rec.TS, d.lastTS)
	}
	d.lastTS = rec.TS
	if rec.DeliveredTS != 0 && rec.DeliveredTS < rec.TS {
		return lineErrorf(rec, "column delivered_ts: %s is before ts %s; a message is delivered after it is sent", rec.DeliveredTS, rec.TS)
	}
	return nil
}

// Deal fills dl with rec, its place and its number's id, and returns the Part rec
// goes to. Its error comes after every message due by rec's send time is billed.
func (d *Dealer) Deal(rec *model.Record, dl *Dealt) (int, error) {
	business := rec.Business
	if business == "" {
		business = "default"
	}
	if !d.haveLast || business != d.lastBusiness {
		// Traces rarely switch numbers from one row to the next: the last is remembered.
		key := business
		if d.named > 0 {
			key = market.NormNumber(business) // as SetAccounts keyed the file's numbers
		}
		num, ok := d.numbers[key]
		if !ok && d.named > 0 {
			about := ""
			if rec.Business == "" {
				about = " (the number of rows that give no business)"
			}
			return 0, lineErrorf(rec, "column business: number %q%s is not in the accounts file, which must give every number of the trace its account: add a line %q",
				business, about, business+",ACCOUNT")
		}
		if d.named > 0 {
			d.seen[num] = true
		}
		if !ok {
			if len(d.numbers) >= 1<<16 {
				return 0, lineErrorf(rec, "more than 65536 business numbers in one trace")
			}
			num = uint16(len(d.numbers))
			business = strings.Clone(business)
			d.numbers[business] = num
		}
		d.lastBusiness, d.lastNumber, d.haveLast = business, num, true
	}
	dl.Rec, dl.Seq, dl.Number = *rec, d.seq, d.lastNumber
	d.seq++
	if d.parts == 1 {
		return 0, nil
	}
	return PartOf(rec.User, d.parts), nil
}

// Numbers is how many business numbers the Dealer has seen.
func (d *Dealer) Numbers() int {
	if d.named == 0 {
		return len(d.numbers)
	}
	n := 0
	for _, s := range d.seen {
		if s {
			n++
		}
	}
	return n
}

// Accounts is how many business accounts the numbers the Dealer has seen are in (see
// SetAccounts): one for all unless numbers are an account each or mapped to several.
func (d *Dealer) Accounts() int {
	switch {
	case d.perNumber:
		return d.Numbers()
	case len(d.numbers) == 0:
		return 0
	case d.accounts == nil:
		return 1
	}
	in := map[uint16]bool{}
	for _, id := range d.numbers {
		if d.named == 0 || d.seen[id] {
			in[d.accountOf(id)] = true
		}
	}
	return len(in)
}

// accountOf is the account of number id, as billing.Ledger counts it.
func (d *Dealer) accountOf(id uint16) uint16 {
	if int(id) < len(d.accounts) {
		return d.accounts[id]
	}
	return 0
}

// PartOf is the Part, of parts, that bills user: the high bits of the hash the users
// table files them by, whose low bits place them in its slots.
func PartOf(user string, parts int) int {
	return int((userHash(user) >> 32) * uint64(parts) >> 32)
}

// Part bills the messages of the users dealt to it: each record gets a dense id for
// its (number, user) pair, a market from its country or phone number at its evaluation
// time, and its charge from a split Biller, at its delivery time: records come in send
// order, so a reorder buffer holds those whose delivery lies ahead. Memory grows with
// the Part's users, not with messages.
type Part struct {
	biller   *billing.Biller
	local    *market.Local // markets change at midnight in the account's zone
	markets  *market.Table
	users    userTable
	more     map[numberPair]uint32 // pairs beyond each user's first
	nextPair uint32
	// redelivered counts the business records that are a message's second record
	// (model.Record.Redelivered): Stats counts each business message once.
	redelivered int64
	// Held records wait in one of two queues. Most are evaluated at their send time
	// (user messages, and business messages without a delivery time): they come in
	// billing order already and wait in due, first in, first out. The others, billed
	// at a delivery time ahead, are ordered by q (evaluation time, arrival).
	atSend  bool // billing.Options.AtSendTime: evaluated at the send time, held in no queue
	q       sim.Queue
	due     []int32 // slots of held records, due[dueHead:] waiting
	dueHead int
	held    []pending // slot per queued record, reused through free
	free    []int32
	charge  pricing.Charge
	claim   billing.Claim
	stop    Key // where Feed or Flush stopped on an error
	idx     [lookahead]uint64
	names   [lookahead]string
	pairs   [lookahead]uint32 // the pair of each record of the group Feed holds
	fresh   [lookahead]bool   // whether it was the pair's first record
}

// pending is a record waiting for its delivery time to come round.
type pending struct {
	seq uint64
	rec model.Record
	msg model.Message
}

// lookahead is how many records' users-table slots are touched at once.
const lookahead = 32

// NewPart returns an empty Part billing under opts.
func NewPart(opts billing.Options) (*Part, error) {
	b, err := billing.NewSplit(opts)
	if err != nil {
		return nil, err
	}
	markets := opts.Markets
	if markets == nil {
		markets = market.Builtin()
	}
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	return &Part{biller: b, local: markets.In(loc), markets: markets, more: map[numberPair]uint32{}, atSend: opts.AtSendTime}, nil
}

// Feed takes the records dealt to the Part, in order. Every held message due by a
// record's send time is billed into sink before anything due later, as in a replay of
// the whole trace.
// It reports each record that is its pair's first to newPair (nil: none). On an error
// Stopped says where in billing order it happened.
func (p *Part) Feed(ds []Dealt, sink PartSink, newPair func(seq uint64)) error {
	for len(ds) > 0 {
		n := min(len(ds), lookahead)
		// Touch this group's users-table slots first: those loads do not depend on one
		// another, so the memory system fetches them together, where resolving records
		// one by one waited for one cache miss after another.
		for k := range n {
			p.names[k] = ds[k].Rec.User
		}
		p.users.touch(p.names[:n], p.idx[:])
		// The group is held before what is due by its records' send times is billed:
		// no record is due before its own send time and place, so the same messages are
		// billed in the same order, and the pairs' window states, known once the group
		// is resolved, are fetched together too.
		held, herr := n, error(nil)
		for k := range n {
			first := p.nextPair
			pair, err := p.hold(&ds[k])
			if err != nil {
				held, herr = k, err
				break
			}
			p.pairs[k], p.fresh[k] = pair, p.nextPair != first
		}
		p.biller.Touch(p.pairs[:held])
		for k := range held {
			d := &ds[k]
			// Every later record is evaluated at or after its own send time.
			if err := p.Flush(Key{d.Rec.TS, d.Seq}, sink); err != nil {
				return err
			}
			if p.fresh[k] && newPair != nil {
				newPair(d.Seq)
			}
		}
		if herr != nil {
			d := &ds[held]
			if err := p.Flush(Key{d.Rec.TS, d.Seq}, sink); err != nil {
				return err
			}
			p.stop = Key{d.Rec.TS, d.Seq}
			return herr
		}
		ds = ds[n:]
	}
	return nil
}

// Flush bills the held messages whose Key comes before k into sink: after Feed, the
// Part is where a replay of the whole trace is once it has read the record k names
// (Key{its send time, its place}), whichever Part held that record.
func (p *Part) Flush(k Key, sink PartSink) error {
	for {
		id, fromDue, ok := p.next()
		if !ok {
			return nil
		}
		if h := &p.held[id]; h.msg.At() > k.At || h.msg.At() == k.At && h.seq >= k.Seq {
			return nil
		}
		if err := p.pop(id, fromDue, sink); err != nil {
			return err
		}
	}
}

// FlushAll bills every held message into sink: the trace has ended.
func (p *Part) FlushAll(sink PartSink) error {
	for {
		id, fromDue, ok := p.next()
		if !ok {
			return nil
		}
		if err := p.pop(id, fromDue, sink); err != nil {
			return err
		}
	}
}

// next returns the slot of the held message billed first, and whether it waits in
// due; false when none is held.
func (p *Part) next() (id int32, fromDue, ok bool) {
	haveDue := p.dueHead < len(p.due)
	if p.q.Len() == 0 {
		if !haveDue {
			return 0, false, false
		}
		return p.due[p.dueHead], true, true
	}
	e := p.q.Peek()
	if haveDue {
		d := p.due[p.dueHead]
		if h := &p.held[d]; h.msg.TS < e.T || h.msg.TS == e.T && h.seq < p.held[e.ID].seq {
			return d, true, true
		}
	}
	return e.ID, false, true
}

// pop bills the held message in slot id, the first in billing order (next).
func (p *Part) pop(id int32, fromDue bool, sink PartSink) error {
	if fromDue {
		if p.dueHead++; p.dueHead == len(p.due) {
			p.due, p.dueHead = p.due[:0], 0
		}
	} else {
		p.q.Pop()
	}
	h := &p.held[id]
	if err := p.bill(h, sink); err != nil {
		p.stop = Key{h.msg.At(), h.seq}
		return err
	}
	p.free = append(p.free, id)
	return nil
}

// Stopped is the Key of the message or record the last error was about.
func (p *Part) Stopped() Key { return p.stop }

// Pairs is the number of (number, user) pairs the Part has seen.
func (p *Part) Pairs() int64 { return int64(p.nextPair) }

// Stats are the Part's billing counts, less what its claims settle.
// A status log's sent row and its delivered row are one business message: the biller
// saw two, and the delivered one is counted once.
func (p *Part) Stats() billing.Stats {
	s := p.biller.Stats()
	s.Business -= p.redelivered
	return s
}

func (p *Part) bill(h *pending, sink PartSink) error {
	// The market is resolved at the evaluation time: markets move between groups.
	m := &h.msg
	if m.Country != [2]byte{} {
		m.Market = uint16(p.local.ForCountry(m.Country, m.At()))
	}
	var err error
	if p.charge, err = p.biller.Bill(m); err != nil {
		return &LineError{Source: h.rec.Source, Line: h.rec.Line, Err: err}
	}
	p.claim = p.biller.Claim()
	return sink.Billed(Key{m.At(), h.seq}, &h.rec, m, &p.charge, &p.claim)
}

// hold resolves the record and holds it until its evaluation time; it returns its pair.
func (p *Part) hold(d *Dealt) (uint32, error) {
	var id int32
	if n := len(p.free); n > 0 {
		id, p.free = p.free[n-1], p.free[:n-1]
	} else {
		id = int32(len(p.held))
		p.held = append(p.held, pending{})
	}
	h := &p.held[id]
	h.seq, h.rec = d.Seq, d.Rec
	if err := p.resolve(&h.rec, d.Number, &h.msg); err != nil {
		p.free = append(p.free, id)
		return 0, err
	}
	// A record evaluated at its send time comes after every one in due: records come
	// in send-time order (Dealer.Check), and due holds only such records.
	if at := h.msg.At(); at == h.msg.TS && (p.dueHead == len(p.due) || at >= p.held[p.due[len(p.due)-1]].msg.TS) {
		// The billed front of due goes once it is half of it: Feed bills up to each
		// record's send time, not the record itself, so due seldom empties, and without
		// this it would keep a slot for every record of a trace (memory per message).
		if p.dueHead > 0 && 2*p.dueHead >= len(p.due) {
			p.due, p.dueHead = p.due[:copy(p.due, p.due[p.dueHead:])], 0
		}
		p.due = append(p.due, id)
	} else {
		p.q.Push(at, 0, id)
	}
	return h.msg.Pair, nil
}

// resolve gives the record's parties their dense ids and the recipient's country. It
// costs one probe of the users table per record: a user's slot holds their country and
// their pair with the first business number they talked to; pairs with further
// numbers (rare) are in more.
func (p *Part) resolve(rec *model.Record, num uint16, m *model.Message) error {
	*m = model.Message{
		TS: rec.TS, DeliveredTS: rec.DeliveredTS,
		Direction: rec.Direction, Kind: rec.Kind, Category: rec.Category,
		Status: rec.Status, EntryPoint: rec.EntryPoint, Stated: rec.Stated(),
	}
	m.Number = num
	if rec.Redelivered && rec.Direction == model.FromBusiness {
		p.redelivered++
	}
	if p.atSend {
		// Evaluated at its send time (docs/billing.md, "Which time"): billed in send
		// order, in the month, market and card of ts. The record keeps delivered_ts.
		m.DeliveredTS = 0
	}
	slot, key := p.users.find(rec.User)
	var u userSlot
	if slot.key == 0 {
		if len(rec.Country) == 2 {
			// Later rows may leave the column empty: the user's country is known.
			u.country = [2]byte{rec.Country[0], rec.Country[1]}
		} else if rec.Country == "" {
			_, iso, err := p.markets.ForNumber(rec.User, rec.At())
			if err != nil {
				return lineErrorf(rec, "column user: %q: %v; give the recipient's country in a country column", rec.User, err)
			}
			if len(iso) == 2 {
				u.country = [2]byte{iso[0], iso[1]}
			}
		}
		u.number, u.pair = num, p.nextPair
		p.nextPair++
		p.users.insert(slot, key, rec.User, u)
	} else {
		u = *slot
	}
	pair := u.pair
	if u.number != num {
		k := numberPair{u.pair, num}
		q, ok := p.more[k]
		if !ok {
			q = p.nextPair
			p.nextPair++
			p.more[k] = q
		}
		pair = q
	}
	m.Pair = pair
	switch {
	case rec.Country == "" && u.country != [2]byte{}:
		m.Country = u.country
	case len(rec.Country) == 2:
		m.Country = [2]byte{rec.Country[0], rec.Country[1]}
	default:
		return lineErrorf(rec, "column country: %q is not an ISO 3166-1 alpha-2 code", rec.Country)
	}
	return nil
}

// numberPair names a user's pair with a business number other than their first: the
// user by their first pair, and the number.
type numberPair struct {
	first  uint32
	number uint16
}
