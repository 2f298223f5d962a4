package trace

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
)

// Webhook logs: one payload per line, in whichever shape the platform logged it —
//
//   - the Cloud API envelope, {"object", "entry": [{"changes": [{"value", "field"}]}]},
//     with any number of entries and changes (BSPs add keys of their own: ignored);
//   - one change, {"value", "field"}, or a value on its own, {"metadata", "statuses",
//     "messages", …}: what many applications log;
//   - an On-Premises API payload, {"statuses"} or {"contacts", "messages"}: no envelope,
//     a status's recipient possibly under "message". Every NBP-era log has this shape.
//
// Changes of other fields (account_update, phone_number_quality_update,
// user_preferences, …), statuses of other types (payments) and system messages are
// read past and counted (Ignored). Each inbound message is a record. The statuses of a
// business message (sent, delivered, read, played, failed) arrive one by one, in any
// order, duplicated at times, so they are merged by statuses[].id into one record,
// whatever their order in the log (webhook_status.go):
//
//   - the outcome is the furthest status reached: read (or played) over delivered over
//     failed over sent — a message delivered after a failed status (another of the
//     user's devices) was delivered;
//   - TS is the sent status's time (else the earliest status's), DeliveredTS the
//     earliest delivered, read or played time (never before TS);
//   - Meta's pricing (pricing_model, type, category, billable) and conversation (id,
//     origin.type) are kept word for word in Record.Meta, each from the earliest status
//     that carried one, and Kind and Category are read from pricing.category, else
//     conversation.origin.type (webhookCategory); a message with neither is a text.
//
// Nothing about a message is known until the log ends — a sent status with its pricing
// may be the last line — so records come out only then, and in an order that does not
// depend on the order of the lines (ts, then the record's content): shuffling a log
// changes nothing but Line. Memory: the status events go through the external sort by
// message id, so memory grows with the log's statuses up to one chunk of
// Options.SortChunkRows of them (about 300 bytes each with their ids: some 80 MB at
// the default) and no further; beyond it they spill to temp files (about 100 bytes a
// status). The records then go through the sort by ts like any unsorted trace.
//
// A user is messages.from or statuses.recipient_id; a user known only by a
// business-scoped user id (from_user_id, recipient_user_id, a contact's user_id) is
// keyed by it, with the country its prefix names (US.1349…), and a group message by
// the group id. Their countries, when no prefix names one, come from
// Options.DefaultCountry or the row is invalid. Placeholders and impossible numbers are
// invalid rows (userRule). A log with lines but not one message read is an error.

type whItem struct {
	r   row
	err error
}

// The phases of a webhook source: lines are read (user messages come out at once,
// statuses go to the sort by id), then the sorted statuses are merged, then the end.
const (
	whReading = iota
	whMerging
	whDone
	whEnded
)

type webhookSource struct {
	f              io.Closer
	lr             *lineReader
	b              *builder
	defaultCountry string
	lines          int64
	q              []whItem
	head           int
	phase          int

	events *sorter[*whEvent]
	cur    *whEvent          // the message being merged; nil before the first
	words  map[string]string // interned pricing and conversation vocabulary
	keys   keyScan

	read     int64 // records produced
	bad      int64 // bad messages, statuses and lines
	firstBad error
	ignored  int64
	fields   []string // the first few fields of ignored changes, for the empty-log error
}

func (s *webhookSource) builder() *builder { return s.b }

// order is the webhook's record order: ts, then content, so that it does not depend
// on the order of the lines.
func (s *webhookSource) order() extSort[row] { return rowsByContent }

// Ignored counts the changes, statuses and messages read past (see the doc above).
func (s *webhookSource) Ignored() int64 { return s.ignored }

// openWebhook reads a webhook log from st (closed with the source).
func openWebhook(st *stream, name string, o Options) (source, error) {
	return &webhookSource{f: st, lr: newLineReader(st), b: newBuilder(name), defaultCountry: o.DefaultCountry,
		events: newSorter(o.SortChunkRows, o.TempDir, eventsByID), words: map[string]string{}, keys: keyScan{rules: webhookKeys}}, nil
}

func (s *webhookSource) close() error {
	err := s.events.close()
	if e := s.f.Close(); err == nil {
		err = e
	}
	return err
}

func (s *webhookSource) next(r *row) error {
	for s.head >= len(s.q) {
		s.q, s.head = s.q[:0], 0
		switch s.phase {
		case whReading:
			line, err := s.lr.next()
			if err == io.EOF {
				if s.lines == 0 {
					return &Error{File: s.b.file, Msg: "empty file, no payloads"}
				}
				if err := s.events.finish(); err != nil {
					return err
				}
				s.phase = whMerging
				continue
			}
			if err != nil {
				return lineErr(s.b.file, s.lr, err)
			}
			if len(line) == 0 {
				continue
			}
			s.lines++
			s.process(line, s.lr.line)
		case whMerging:
			if err := s.merge(); err != nil {
				return err
			}
		case whDone:
			s.phase = whEnded
			if s.read == 0 {
				return s.nothingRead()
			}
		default:
			return io.EOF
		}
	}
	it := &s.q[s.head]
	s.head++
	if it.err != nil {
		return it.err
	}
	*r = it.r
	it.r = row{}
	return nil
}

// nothingRead is the error for a log of lines from which not one message was read.
func (s *webhookSource) nothingRead() error {
	if s.bad > 0 {
		return &Error{File: s.b.file, Msg: fmt.Sprintf("not one message could be read from %s (%d invalid; the first: %v)",
			words.Count(s.lines, "line"), s.bad, s.firstBad)}
	}
	msg := fmt.Sprintf("no messages or statuses in %s: nothing to bill", words.Count(s.lines, "payload"))
	if s.ignored > 0 {
		msg = fmt.Sprintf("no messages or statuses in %s, only %s (%s), read past: nothing to bill",
			words.Count(s.lines, "payload"), otherFields(s.ignored), strings.Join(s.fields, ", "))
	}
	return &Error{File: s.b.file, Msg: msg}
}

// otherFields is "1 change of another field", "2 changes of other fields".
func otherFields(n int64) string {
	if n == 1 {
		return "1 change of another field"
	}
	return fmt.Sprintf("%d changes of other fields", n)
}

// fail queues a bad row.
func (s *webhookSource) fail(line int64, col, msg string) {
	s.bad1(&Error{File: s.b.file, Line: line, Column: col, Msg: msg, row: true})
}

// bad1 queues the error of one bad message, status or line.
func (s *webhookSource) bad1(err error) {
	s.bad++
	if s.firstBad == nil {
		s.firstBad = err
	}
	s.q = append(s.q, whItem{err: err})
}

func (s *webhookSource) ok(r *row) {
	s.read++
	s.q = append(s.q, whItem{r: *r})
}

// skip counts something read past; field names it for the empty-log error.
func (s *webhookSource) skip(field string) {
	s.ignored++
	if field != "" && len(s.fields) < 4 && !slices.Contains(s.fields, field) {
		s.fields = append(s.fields, strings.Clone(field))
	}
}

// word interns the small vocabulary of pricing and conversation fields, so a chunk of
// status events does not hold a copy of "marketing" each.
func (s *webhookSource) word(w string) string {
	if v, ok := s.words[w]; ok {
		return v
	}
	if len(s.words) < 256 {
		s.words[w] = w
	}
	return w
}

func (s *webhookSource) unixTime(line int64, col string, v flexString) (model.Time, bool) {
	if v == "" {
		s.fail(line, col, "missing (required)")
		return 0, false
	}
	t, msg := parseUnix(string(v), false)
	if msg == "" {
		msg = checkRange(t, string(v))
	}
	if msg != "" {
		s.fail(line, col, msg)
		return 0, false
	}
	return t, true
}

func (s *webhookSource) process(line []byte, n int64) {
	if msg := badUTF8(line); msg != "" {
		s.fail(n, "", msg)
		return
	}
	var p whLine
	if err := json.Unmarshal(line, &p); err != nil {
		s.bad1(jsonErr(s.b.file, n, err))
		return
	}
	if kp := s.keys.check(line); kp != nil {
		s.fail(n, kp.where, kp.msg)
		return
	}
	switch {
	case p.Entry != nil:
		if p.Object != nil && *p.Object != "whatsapp_business_account" {
			s.skip("object " + *p.Object) // another product's webhook (page, instagram)
			return
		}
		for i := range p.Entry {
			for j := range p.Entry[i].Changes {
				c := &p.Entry[i].Changes[j]
				s.change(c.Field, &c.Value, n)
			}
		}
	case p.Value != nil:
		field := ""
		if p.Field != nil {
			field = *p.Field
		}
		s.change(field, p.Value, n)
	case p.Statuses != nil || p.Messages != nil || p.Metadata != nil || p.MessagingProduct != nil || p.Contacts != nil:
		s.change("", &p.whValue, n)
	default:
		s.fail(n, "", "not a WhatsApp webhook payload: none of entry, value, statuses or messages")
	}
}

// change reads one change's value; field "" is a value logged without its field.
func (s *webhookSource) change(field string, v *whValue, n int64) {
	if field != "" && field != "messages" {
		s.skip(field) // account, template, quality and preference updates carry no messages
		return
	}
	if len(v.Statuses) == 0 && len(v.Messages) == 0 {
		s.skip("messages without messages or statuses")
		return
	}
	business := ""
	if v.Metadata != nil {
		business = string(v.Metadata.PhoneNumberID)
	}
	if msg := checkID(business); msg != "" {
		s.fail(n, "metadata.phone_number_id", msg)
		return
	}
	business = s.b.business(business)
	for i := range v.Messages {
		s.message(&v.Messages[i], v, business, n)
	}
	for i := range v.Statuses {
		s.status(&v.Statuses[i], v, business, n)
	}
}

// message reads one user message.
func (s *webhookSource) message(m *whMessage, v *whValue, business string, n int64) {
	if m.Type == "system" {
		s.skip("system messages") // a number change, not something the user sent
		return
	}
	t, ok := s.unixTime(n, "messages.timestamp", m.Timestamp)
	if !ok {
		return
	}
	user, uc := string(m.From), ucFrom
	if user == "" {
		user, uc = s.sender(m, v)
		if user == "" {
			s.fail(n, "messages.from", "missing (required; no from_user_id or contact names the sender either)")
			return
		}
	}
	if msg := checkID(user); msg != "" {
		s.fail(n, userCols[uc], msg)
		return
	}
	if v.Metadata != nil && user == string(v.Metadata.PhoneNumberID) {
		s.fail(n, userCols[uc], quote(user)+" is the business's own metadata.phone_number_id, not a customer")
		return
	}
	if msg := checkID(m.ID); msg != "" {
		s.fail(n, "messages.id", msg)
		return
	}
	var r row
	r.TS, r.Line = t, n
	r.Direction = model.FromUser
	r.User, r.Business, r.MessageID = market.NormNumber(user), business, m.ID
	if len(m.Referral) > 0 && string(m.Referral) != "null" {
		r.EntryPoint = model.EntryCTWA
	}
	if s.place(&r, uc) {
		s.ok(&r)
	}
}
