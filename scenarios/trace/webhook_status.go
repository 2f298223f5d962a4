package trace

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
)

// A business message's statuses, by index: the order of outcomes (furthest last,
// played with read), and the rank of a status when two carry what one record keeps.
const (
	wsSent = iota
	wsDelivered
	wsRead
	wsPlayed
	wsFailed
	nStatuses
)

var whStatusNames = [nStatuses]string{"sent", "delivered", "read", "played", "failed"}

// whEvent is one status of a business message, or the merge of several with the same
// key. Merging is commutative and associative — each field keeps a minimum, or the
// value of the status with the least (time, rank), ties broken by the value itself — so
// a message's record does not depend on the order its statuses were logged in.
type whEvent struct {
	key   string // statuses[].id
	line  int64  // the smallest line of the statuses merged
	seen  uint8  // 1<<ws… for each status seen
	times [nStatuses]model.Time

	// whom the message went to (user, uc), from which number (business), and Meta's
	// own message id where a BSP's id is the key (wamid): from the status idAt names.
	user, business, wamid string
	uc                    uint8
	// meta's pricing fields come from the status priceAt names, its conversation
	// fields from convAt's.
	meta                  model.MetaPricing
	idAt, priceAt, convAt carrier
}

// carrier names the status a kept value came from: its time and 1 + its index; rank 0
// means no status carried one.
type carrier struct {
	t    model.Time
	rank uint8
}

// wins reports whether a value carried by a should replace one carried by b; tie
// compares the values themselves.
func (a carrier) wins(b carrier, tie func() int) bool {
	switch {
	case a.rank == 0:
		return false
	case b.rank == 0:
		return true
	case a.t != b.t:
		return a.t < b.t
	case a.rank != b.rank:
		return a.rank < b.rank
	}
	return tie() < 0
}

// eventsByID is the order status events are merged in: by message id, in any order
// within one id (merging is commutative). The sort moves pointers: an event is some
// 250 bytes.
var eventsByID = extSort[*whEvent]{
	cmp:     func(a, b *whEvent) int { return strings.Compare(a.key, b.key) },
	anyTies: true,
	put:     func(b []byte, e **whEvent) []byte { return appendEvent(b, *e) },
	get: func(br *bufio.Reader, scratch *[]byte, e **whEvent) error {
		*e = new(whEvent)
		return readEvent(br, scratch, *e)
	},
}

// status reads one status into an event for the sort by id.
func (s *webhookSource) status(st *whStatus, v *whValue, business string, n int64) {
	if st.Type != "" && st.Type != "message" {
		s.skip("statuses of type " + st.Type) // payments
		return
	}
	idx := slices.Index(whStatusNames[:], st.Status)
	switch {
	case st.Status == "":
		s.fail(n, "statuses.status", "missing (required)")
		return
	case idx < 0:
		s.fail(n, "statuses.status", quote(st.Status)+" is not one of sent, delivered, read, played, failed")
		return
	}
	t, ok := s.unixTime(n, "statuses.timestamp", st.Timestamp)
	if !ok {
		return
	}
	if st.ID == "" {
		s.fail(n, "statuses.id", "missing (required to match a message's statuses)")
		return
	}
	for _, f := range [...]struct{ col, v string }{{"statuses.id", st.ID}, {"statuses.meta_msg_id", st.MetaMsgID}} {
		if msg := checkID(f.v); msg != "" {
			s.fail(n, f.col, msg)
			return
		}
	}
	at := carrier{t: t, rank: uint8(idx + 1)}
	e := &whEvent{key: st.ID, line: n, seen: 1 << idx}
	e.times[idx] = t
	if p := st.Pricing; p != nil {
		if p.Category != "" {
			if _, _, ok := webhookCategory(p.Category); !ok {
				s.fail(n, "statuses.pricing.category", quote(p.Category)+badCategory)
				return
			}
		}
		e.meta.PricingModel, e.meta.PricingType, e.meta.Category = s.word(p.PricingModel), s.word(p.Type), s.word(p.Category)
		if p.Billable != nil {
			e.meta.Billable = model.NotBillable
			if *p.Billable {
				e.meta.Billable = model.IsBillable
			}
		}
		e.priceAt = at
	}
	if c := st.Conversation; c != nil {
		e.meta.ConversationID = c.ID
		if c.Origin != nil {
			e.meta.ConversationOrigin = s.word(c.Origin.Type)
		}
		o := e.meta.ConversationOrigin
		if e.meta.Category == "" && o != "" {
			if _, _, ok := webhookCategory(o); !ok {
				s.fail(n, "statuses.conversation.origin.type", quote(o)+badCategory)
				return
			}
		}
		e.convAt = at
	}
	for _, f := range [...]struct{ col, v string }{
		{"statuses.pricing.pricing_model", e.meta.PricingModel}, {"statuses.pricing.type", e.meta.PricingType},
		{"statuses.conversation.id", e.meta.ConversationID},
	} {
		if msg := checkID(f.v); msg != "" {
			s.fail(n, f.col, msg)
			return
		}
	}
	if user, uc := s.recipient(st, v); user != "" {
		if msg := checkID(user); msg != "" {
			s.fail(n, userCols[uc], msg)
			return
		}
		e.user, e.uc, e.business, e.wamid, e.idAt = user, uc, business, st.MetaMsgID, at
	}
	if err := s.events.add(&e); err != nil {
		s.q = append(s.q, whItem{err: err})
	}
}

// recipient names whom a status's message went to: recipient_id (a group's id for a
// group message), the On-Premises message.recipient_id, or a business-scoped
// recipient_user_id (by phone number where a contact of the payload gives one).
func (s *webhookSource) recipient(st *whStatus, v *whValue) (string, uint8) {
	switch {
	case st.RecipientID != "" && st.RecipientType == "group":
		return string(st.RecipientID), ucGroup
	case st.RecipientID != "":
		return string(st.RecipientID), ucRecipient
	case st.Message != nil && st.Message.RecipientID != "":
		return string(st.Message.RecipientID), ucOnPremRecipient
	case st.RecipientUserID != "":
		return s.byUserID(st.RecipientUserID, v, ucRecipientUserID)
	}
	return "", ucNone
}

// merge folds the sorted events of one message id into s.cur and queues the record of
// the one before, until something is queued or the events end.
func (s *webhookSource) merge() error {
	for {
		var e *whEvent
		err := s.events.next(&e)
		if err == io.EOF {
			if s.cur != nil {
				s.record(s.cur)
				s.cur = nil
			}
			s.phase = whDone
			return nil
		}
		if err != nil {
			return err
		}
		if s.cur != nil && e.key == s.cur.key {
			s.cur.merge(e)
			continue
		}
		prev := s.cur
		s.cur = e
		if prev != nil {
			s.record(prev)
			return nil
		}
	}
}

func (e *whEvent) merge(o *whEvent) {
	e.line = min(e.line, o.line)
	for i := range nStatuses {
		if o.seen&(1<<i) != 0 && (e.seen&(1<<i) == 0 || o.times[i] < e.times[i]) {
			e.times[i] = o.times[i]
		}
	}
	e.seen |= o.seen
	if o.idAt.wins(e.idAt, func() int {
		return cmp.Or(strings.Compare(o.user, e.user), cmp.Compare(o.uc, e.uc),
			strings.Compare(o.business, e.business), strings.Compare(o.wamid, e.wamid))
	}) {
		e.user, e.uc, e.business, e.wamid, e.idAt = o.user, o.uc, o.business, o.wamid, o.idAt
	}
	if o.priceAt.wins(e.priceAt, func() int {
		return cmp.Or(strings.Compare(o.meta.PricingModel, e.meta.PricingModel), strings.Compare(o.meta.PricingType, e.meta.PricingType),
			strings.Compare(o.meta.Category, e.meta.Category), cmp.Compare(o.meta.Billable, e.meta.Billable))
	}) {
		e.meta.PricingModel, e.meta.PricingType, e.meta.Category, e.meta.Billable = o.meta.PricingModel, o.meta.PricingType, o.meta.Category, o.meta.Billable
		e.priceAt = o.priceAt
	}
	if o.convAt.wins(e.convAt, func() int {
		return cmp.Or(strings.Compare(o.meta.ConversationID, e.meta.ConversationID), strings.Compare(o.meta.ConversationOrigin, e.meta.ConversationOrigin))
	}) {
		e.meta.ConversationID, e.meta.ConversationOrigin, e.convAt = o.meta.ConversationID, o.meta.ConversationOrigin, o.convAt
	}
}

// record turns a message's merged statuses into its record (see webhook.go).
func (s *webhookSource) record(e *whEvent) {
	if e.idAt.rank == 0 {
		s.fail(e.line, "statuses.recipient_id", fmt.Sprintf("missing from every status of message %s (required: whom it went to)", quote(e.key)))
		return
	}
	var r row
	r.Line, r.Direction = e.line, model.FromBusiness
	r.User, r.Business, r.MessageID = market.NormNumber(e.user), e.business, e.key
	if e.wamid != "" {
		r.MessageID = e.wamid
	}
	has := func(i int) bool { return e.seen&(1<<i) != 0 }
	var first, delivered model.Time
	firstSet, deliveredSet := false, false
	for i := range nStatuses {
		if !has(i) {
			continue
		}
		if !firstSet || e.times[i] < first {
			first, firstSet = e.times[i], true
		}
		if i != wsSent && i != wsFailed && (!deliveredSet || e.times[i] < delivered) {
			delivered, deliveredSet = e.times[i], true
		}
	}
	r.TS = first
	if has(wsSent) {
		r.TS = e.times[wsSent]
	}
	if deliveredSet {
		r.DeliveredTS = max(delivered, r.TS) // second-granular clocks disagree; not delivered before sent
	}
	switch {
	case has(wsRead) || has(wsPlayed):
		r.Status = model.Read
	case has(wsDelivered):
		r.Status = model.Delivered
	case has(wsFailed):
		r.Status = model.Failed
	default:
		r.Status = model.Sent
	}
	c, col := "", "statuses.pricing.category"
	if e.priceAt.rank != 0 {
		c = e.meta.Category
	}
	if c == "" && e.convAt.rank != 0 {
		c, col = e.meta.ConversationOrigin, "statuses.conversation.origin.type"
	}
	if c != "" {
		k, cat, ok := webhookCategory(c)
		if !ok {
			s.fail(e.line, col, quote(c)+badCategory)
			return
		}
		r.Kind, r.Category = k, cat
	}
	if e.priceAt.rank != 0 || e.convAt.rank != 0 {
		m := e.meta
		r.Meta = &m
	}
	if s.place(&r, e.uc) {
		s.ok(&r)
	}
}

// The event run format: uvarint line; seen, uc, billable; varint times of the statuses
// seen; varint time and rank of idAt, priceAt, convAt; then key, user, business, wamid
// and meta's five strings as a string block.
func appendEvent(b []byte, e *whEvent) []byte {
	b = binary.AppendUvarint(b, uint64(e.line))
	b = append(b, e.seen, e.uc, byte(e.meta.Billable))
	for i := range nStatuses {
		if e.seen&(1<<i) != 0 {
			b = binary.AppendVarint(b, int64(e.times[i]))
		}
	}
	for _, c := range [...]carrier{e.idAt, e.priceAt, e.convAt} {
		b = binary.AppendVarint(b, int64(c.t))
		b = append(b, c.rank)
	}
	m := &e.meta
	return appendStrings(b, []string{e.key, e.user, e.business, e.wamid, m.PricingModel, m.PricingType, m.Category, m.ConversationID, m.ConversationOrigin})
}

func readEvent(br *bufio.Reader, scratch *[]byte, e *whEvent) error {
	line, err := binary.ReadUvarint(br)
	if err != nil {
		return err // io.EOF only here, at an event boundary
	}
	*e = whEvent{line: int64(line)}
	var head [3]byte
	if _, err := io.ReadFull(br, head[:]); err != nil {
		return midValue(err)
	}
	e.seen, e.uc, e.meta.Billable = head[0], head[1], model.Billable(head[2])
	for i := range nStatuses {
		if e.seen&(1<<i) != 0 {
			t, err := binary.ReadVarint(br)
			if err != nil {
				return midValue(err)
			}
			e.times[i] = model.Time(t)
		}
	}
	for _, c := range [...]*carrier{&e.idAt, &e.priceAt, &e.convAt} {
		t, err := binary.ReadVarint(br)
		if err != nil {
			return midValue(err)
		}
		rank, err := br.ReadByte()
		if err != nil {
			return midValue(err)
		}
		c.t, c.rank = model.Time(t), rank
	}
	var strs [9]string
	if err := readStrings(br, scratch, strs[:]); err != nil {
		return err
	}
	m := &e.meta
	e.key, e.user, e.business, e.wamid = strs[0], strs[1], strs[2], strs[3]
	m.PricingModel, m.PricingType, m.Category, m.ConversationID, m.ConversationOrigin = strs[4], strs[5], strs[6], strs[7], strs[8]
	return nil
}
