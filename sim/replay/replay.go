package replay

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// RecordSource yields trace records in send-time order; io.EOF ends it.
type RecordSource interface {
	Next(r *model.Record) error
}

// Sink receives every message of a replay with its pricing, in evaluation-time order.
// rec and m are only valid during the call.
type Sink interface {
	Message(rec *model.Record, m *model.Message, c *pricing.Charge) error
}

// Stats is what a replay saw, beyond the charges.
type Stats struct {
	Records  int64
	Users    int64 // distinct (business number, user) pairs
	Numbers  int64 // distinct business numbers
	Billing  billing.Stats
	Cards    []billing.CardUse
	Markets  *market.Table
	Currency string
}

// pending is a record waiting for its delivery time to come round.
type pending struct {
	rec model.Record
	msg model.Message
}

// Replay bills a trace: each record gets dense ids for its business number and
// (number, user) pair, a market from its country or phone number at its evaluation time,
// and its charge from a Biller. Records come in send order but are billed at delivery
// time, so a small reorder buffer holds messages whose delivery lies ahead of the
// stream; it never holds more than the messages in flight at once. Memory grows with
// distinct users, not with messages.
func Replay(src RecordSource, opts billing.Options, sink Sink) (Stats, error) {
	b, err := billing.New(opts)
	if err != nil {
		return Stats{}, err
	}
	markets := opts.Markets
	if markets == nil {
		markets = market.Builtin()
	}
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	rp := &replayer{
		local:   markets.In(loc),
		biller:  b,
		markets: markets,
		numbers: map[string]uint16{},
		more:    map[numberPair]uint32{},
		sink:    sink,
	}
	st, err := rp.run(src)
	st.Markets, st.Currency = markets, opts.Currency
	if st.Currency == "" {
		st.Currency = "USD"
	}
	return st, err
}

type replayer struct {
	local        *market.Local // markets change at midnight in the account's zone
	biller       *billing.Biller
	markets      *market.Table
	numbers      map[string]uint16
	users        userTable
	more         map[numberPair]uint32 // pairs beyond each user's first
	nextPair     uint32
	lastBusiness string // the previous record's business number, and its id
	lastNumber   uint16
	haveLast     bool
	sink         Sink
	q            sim.Queue // orders pending records by (evaluation time, arrival)
	held         []pending // slot per queued record, reused through free
	free         []int32
	stats        Stats
	charge       pricing.Charge
	lastTS       model.Time
}

// lookahead is how many records the replay reads ahead of the one it resolves.
const lookahead = 32

// ahead holds the records read ahead; err came after recs[:n].
type ahead struct {
	recs  [lookahead]model.Record
	i, n  int
	err   error
	users [lookahead]string
	idx   [lookahead]uint64
}

// next returns the next record, reading lookahead at a time. Each batch's users-table
// slots are touched as it arrives: those loads do not depend on one another, so the
// memory system fetches them together, where resolving records one by one waited for
// one cache miss after another (a 1M-user table is 32 MB).
func (rp *replayer) next(src RecordSource, a *ahead) (*model.Record, error) {
	if a.i == a.n {
		if a.err != nil {
			return nil, a.err
		}
		a.i, a.n = 0, 0
		for a.n < lookahead {
			if err := src.Next(&a.recs[a.n]); err != nil {
				a.err = err
				break
			}
			a.n++
		}
		for k := range a.n {
			a.users[k] = a.recs[k].User
		}
		rp.users.touch(a.users[:a.n], a.idx[:])
		if a.n == 0 {
			return nil, a.err
		}
	}
	a.i++
	return &a.recs[a.i-1], nil
}

func (rp *replayer) run(src RecordSource) (Stats, error) {
	var a ahead
	rp.lastTS = math.MinInt64 // no row yet: the first is never "earlier than the previous"
	for {
		rec, err := rp.next(src, &a)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rp.stats, err
		}
		rp.stats.Records++
		if rec.TS < rp.lastTS {
			return rp.stats, lineErrorf(rec, "ts %s is earlier than the previous row's %s; sort the trace by ts (or pass --sort)", rec.TS, rp.lastTS)
		}
		rp.lastTS = rec.TS
		if rec.DeliveredTS != 0 && rec.DeliveredTS < rec.TS {
			return rp.stats, lineErrorf(rec, "column delivered_ts: %s is before ts %s; a message is delivered after it is sent", rec.DeliveredTS, rec.TS)
		}
		// Everything held whose evaluation time is not after this record's send time
		// can go: every later record is evaluated at or after its own send time.
		if err := rp.flush(rec.TS, false); err != nil {
			return rp.stats, err
		}
		if err := rp.hold(rec); err != nil {
			return rp.stats, err
		}
	}
	if err := rp.flush(0, true); err != nil {
		return rp.stats, err
	}
	rp.stats.Users = int64(rp.nextPair)
	rp.stats.Numbers = int64(len(rp.numbers))
	rp.stats.Billing = rp.biller.Stats()
	rp.stats.Cards = rp.biller.CardUsed()
	return rp.stats, nil
}

func (rp *replayer) hold(rec *model.Record) error {
	var id int32
	if n := len(rp.free); n > 0 {
		id, rp.free = rp.free[n-1], rp.free[:n-1]
	} else {
		id = int32(len(rp.held))
		rp.held = append(rp.held, pending{})
	}
	p := &rp.held[id]
	p.rec = *rec
	if err := rp.resolve(&p.rec, &p.msg); err != nil {
		return err
	}
	rp.q.Push(p.rec.At(), 0, id)
	return nil
}

// flush bills held records evaluated at or before t (all of them if all).
func (rp *replayer) flush(t model.Time, all bool) error {
	for rp.q.Len() > 0 && (all || rp.q.Peek().T <= t) {
		e := rp.q.Pop()
		p := &rp.held[e.ID]
		if err := rp.bill(p); err != nil {
			return err
		}
		rp.free = append(rp.free, e.ID)
	}
	return nil
}

func (rp *replayer) bill(p *pending) error {
	// The market is resolved at the evaluation time: markets move between groups.
	m := &p.msg
	if m.Country != [2]byte{} {
		m.Market = uint16(rp.local.ForCountry(m.Country, m.At()))
	}
	var err error
	if rp.charge, err = rp.biller.Bill(m); err != nil {
		return &LineError{Source: p.rec.Source, Line: p.rec.Line, Err: err}
	}
	return rp.sink.Message(&p.rec, m, &rp.charge)
}

// resolve gives the record's parties their dense ids and the recipient's country. It
// costs one probe of the users table per record: a user's slot holds their country and
// their pair with the first business number they talked to; pairs with further
// numbers (rare) are in more.
func (rp *replayer) resolve(rec *model.Record, m *model.Message) error {
	*m = model.Message{
		TS: rec.TS, DeliveredTS: rec.DeliveredTS,
		Direction: rec.Direction, Kind: rec.Kind, Category: rec.Category,
		Status: rec.Status, EntryPoint: rec.EntryPoint, Stated: rec.Stated(),
	}
	num, err := rp.number(rec)
	if err != nil {
		return err
	}
	m.Number = num
	slot, key := rp.users.find(rec.User)
	var u userSlot
	if slot.key == 0 {
		if len(rec.Country) == 2 {
			// Later rows may leave the column empty: the user's country is known.
			u.country = [2]byte{rec.Country[0], rec.Country[1]}
		} else if rec.Country == "" {
			_, iso, err := rp.markets.ForNumber(rec.User, rec.At())
			if err != nil {
				return lineErrorf(rec, "column user: %q: %v; give the recipient's country in a country column", rec.User, err)
			}
			if len(iso) == 2 {
				u.country = [2]byte{iso[0], iso[1]}
			}
		}
		u.number, u.pair = num, rp.nextPair
		rp.nextPair++
		rp.users.insert(slot, key, rec.User, u)
	} else {
		u = *slot
	}
	pair := u.pair
	if u.number != num {
		k := numberPair{u.pair, num}
		p, ok := rp.more[k]
		if !ok {
			p = rp.nextPair
			rp.nextPair++
			rp.more[k] = p
		}
		pair = p
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

// number is the dense id of the record's business number; traces rarely switch
// numbers from one row to the next, so the last one is remembered.
func (rp *replayer) number(rec *model.Record) (uint16, error) {
	business := rec.Business
	if business == "" {
		business = "default"
	}
	if rp.haveLast && business == rp.lastBusiness {
		return rp.lastNumber, nil
	}
	num, ok := rp.numbers[business]
	if !ok {
		if len(rp.numbers) >= 1<<16 {
			return 0, lineErrorf(rec, "more than 65536 business numbers in one trace")
		}
		num = uint16(len(rp.numbers))
		business = strings.Clone(business)
		rp.numbers[business] = num
	}
	rp.lastBusiness, rp.lastNumber, rp.haveLast = business, num, true
	return num, nil
}

// numberPair names a user's pair with a business number other than their first: the
// user by their first pair, and the number.
type numberPair struct {
	first  uint32
	number uint16
}

// MonthOf returns the first day of t's calendar month in loc, for per-month bills.
func MonthOf(t model.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	return model.DayStart(lt.Year(), lt.Month(), 1, loc)
}

// LineError is a problem with one record of the trace. It reads "line N: …"; Source is
// the index of the record's file among the trace's files (model.Record.Source), for
// the caller to name it (trace.AtFiles).
type LineError struct {
	Source uint16
	Line   int64
	Err    error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// SourceLine says which file and line the error is about.
func (e *LineError) SourceLine() (uint16, int64) { return e.Source, e.Line }

func lineErrorf(rec *model.Record, format string, a ...any) error {
	return &LineError{Source: rec.Source, Line: rec.Line, Err: fmt.Errorf(format, a...)}
}
