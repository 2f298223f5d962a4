package trace

import (
	"encoding/json"
	"io"
	"os"

	"github.com/spendsim/spendsim/model"
)

// Webhook logs: one Meta payload per line, as received. Each status of a business
// message (sent, delivered, read, failed) arrives separately, so statuses are
// collapsed per message id into one record:
//
//   - TS is the sent status's time (else the earliest status seen); DeliveredTS the
//     delivered status's time, else the read status's (a message read at once may
//     have no delivered status).
//   - Status: read if a read arrived, else delivered, else failed, else sent.
//   - Kind and Category come from pricing.category, else conversation.origin.type
//     (table in webhookCategory); no pricing at all reads as a text message.
//
// When a message is complete: at once on read or failed (nothing later changes the
// bill); a delivered message waits webhookReadWait of webhook time for a read; a
// sent-only message waits webhookSentTTL (WhatsApp stops trying to deliver after
// 30 days), then is emitted as sent. Webhook time is the latest timestamp seen so
// far; at the end of the file everything still waiting is emitted. Statuses for an
// id already emitted are ignored (they are remembered in two generations of
// webhookDoneMemory ids). Memory is therefore bounded by messages in flight: those
// delivered in the last hour plus those sent and not delivered in the last 30 days.
//
// Records complete in delivery order, not send order, so the reader always sorts
// webhook logs (see Options.Sort).
const (
	webhookReadWait   = model.Hour
	webhookSentTTL    = 30 * model.Day
	webhookDoneMemory = 1 << 18
)

type whPayload struct {
	Entry []struct {
		Changes []struct {
			Field string `json:"field"`
			Value struct {
				Metadata struct {
					PhoneNumberID string `json:"phone_number_id"`
				} `json:"metadata"`
				Statuses []whStatus  `json:"statuses"`
				Messages []whMessage `json:"messages"`
			} `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

type whStatus struct {
	ID           string     `json:"id"`
	Status       string     `json:"status"`
	Timestamp    flexString `json:"timestamp"`
	RecipientID  string     `json:"recipient_id"`
	Conversation *struct {
		Origin struct {
			Type string `json:"type"`
		} `json:"origin"`
	} `json:"conversation"`
	Pricing *struct {
		Category string `json:"category"`
	} `json:"pricing"`
}

type whMessage struct {
	From      string          `json:"from"`
	ID        string          `json:"id"`
	Timestamp flexString      `json:"timestamp"`
	Referral  json.RawMessage `json:"referral"`
}

// flexString accepts a JSON string or number: Meta sends timestamps as strings, but
// logs that went through other tools sometimes hold numbers.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if string(b) == "null" {
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n)
	return nil
}

// isWebhookPayload reports whether a JSON line is a webhook payload, by its keys.
func isWebhookPayload(line []byte) bool {
	var p struct {
		Object *string          `json:"object"`
		Entry  *json.RawMessage `json:"entry"`
	}
	return json.Unmarshal(line, &p) == nil && p.Object != nil && p.Entry != nil
}

// webhookCategory maps Meta's pricing.category and conversation.origin.type
// (BILLING.md, webhook vocabulary). business_initiated (CBP 2022) names no category;
// it reads as a marketing template, the dearest, so counterfactual bills err high.
func webhookCategory(s string) (model.Kind, model.Category, bool) {
	switch s {
	case "marketing", "marketing_lite":
		return model.Template, model.Marketing, true
	case "utility":
		return model.Template, model.Utility, true
	case "authentication", "authentication_international", "authentication-international":
		return model.Template, model.Authentication, true
	case "business_initiated":
		return model.Template, model.Marketing, true
	case "service", "user_initiated", "referral_conversion":
		return model.Text, model.CatNone, true
	}
	return 0, 0, false
}

const (
	stSent = 1 << iota
	stDelivered
	stRead
	stFailed
)

type whMsg struct {
	id       string
	rec      row
	seen     uint8
	times    [4]model.Time // by status bit index
	first    model.Time
	kind     model.Kind
	cat      model.Category
	catSet   bool
	deadline model.Time
	hi       int // index in the deadline heap
}

type whItem struct {
	r   row
	err error
}

type webhookSource struct {
	f     *os.File
	lr    *lineReader
	b     *builder
	lines int64
	eof   bool
	q     []whItem
	head  int

	pending map[string]*whMsg
	heap    []*whMsg // min-heap by (deadline, first line)
	done    *recent[struct{}]
	now     model.Time
}

func (s *webhookSource) builder() *builder { return s.b }

func openWebhook(path, name string) (source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &webhookSource{f: f, lr: newLineReader(f), b: newBuilder(name),
		pending: map[string]*whMsg{}, done: newRecent[struct{}](webhookDoneMemory)}, nil
}

func (s *webhookSource) close() error { return s.f.Close() }

func (s *webhookSource) next(r *row) error {
	for s.head >= len(s.q) {
		if s.eof {
			return io.EOF
		}
		s.q, s.head = s.q[:0], 0
		line, err := s.lr.next()
		if err == io.EOF {
			s.eof = true
			if s.lines == 0 {
				return &Error{File: s.b.file, Msg: "empty file, no payloads"}
			}
			for len(s.heap) > 0 {
				s.emit(s.heap[0])
			}
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

func (s *webhookSource) fail(line int64, col, msg string) {
	s.q = append(s.q, whItem{err: &Error{File: s.b.file, Line: line, Column: col, Msg: msg, row: true}})
}

func (s *webhookSource) unixTime(line int64, col string, v flexString) (model.Time, bool) {
	if v == "" {
		s.fail(line, col, "missing (required)")
		return 0, false
	}
	t, msg := parseUnix(string(v), false)
	if msg != "" {
		s.fail(line, col, msg)
		return 0, false
	}
	return t, true
}

func (s *webhookSource) process(line []byte, n int64) {
	if msg := badUTF8(line); msg != "" {
		s.q = append(s.q, whItem{err: &Error{File: s.b.file, Line: n, Msg: msg, row: true}})
		return
	}
	var p whPayload
	if err := json.Unmarshal(line, &p); err != nil {
		s.q = append(s.q, whItem{err: jsonErr(s.b.file, n, err)})
		return
	}
	latest := s.now
	for _, e := range p.Entry {
		for _, c := range e.Changes {
			if c.Field != "" && c.Field != "messages" {
				continue // account, template and quality updates carry no messages
			}
			v := &c.Value
			if msg := checkID(v.Metadata.PhoneNumberID); msg != "" {
				s.fail(n, "metadata.phone_number_id", msg)
				continue
			}
			business := s.b.business(v.Metadata.PhoneNumberID)
			for _, m := range v.Messages {
				t, ok := s.unixTime(n, "messages.timestamp", m.Timestamp)
				if !ok {
					continue
				}
				if m.From == "" {
					s.fail(n, "messages.from", "missing (required)")
					continue
				}
				if msg := checkID(m.From); msg != "" {
					s.fail(n, "messages.from", msg)
					continue
				}
				if msg := checkID(m.ID); msg != "" {
					s.fail(n, "messages.id", msg)
					continue
				}
				var r row
				r.TS, r.Line = t, n
				r.Direction = model.FromUser
				r.User, r.Business, r.MessageID = normUser(m.From), business, m.ID
				if len(m.Referral) > 0 && string(m.Referral) != "null" {
					r.EntryPoint = model.EntryCTWA
				}
				s.q = append(s.q, whItem{r: r})
				latest = max(latest, t)
			}
			for i := range v.Statuses {
				if t, ok := s.status(&v.Statuses[i], business, n); ok {
					latest = max(latest, t)
				}
			}
		}
	}
	s.now = latest
	for len(s.heap) > 0 && s.heap[0].deadline <= s.now {
		s.emit(s.heap[0])
	}
}

func (s *webhookSource) status(st *whStatus, business string, n int64) (model.Time, bool) {
	var bit uint8
	switch st.Status {
	case "sent":
		bit = stSent
	case "delivered":
		bit = stDelivered
	case "read":
		bit = stRead
	case "failed":
		bit = stFailed
	case "":
		s.fail(n, "statuses.status", "missing (required)")
		return 0, false
	default:
		s.fail(n, "statuses.status", quote(st.Status)+" is not one of sent, delivered, read, failed")
		return 0, false
	}
	t, ok := s.unixTime(n, "statuses.timestamp", st.Timestamp)
	if !ok {
		return 0, false
	}
	if st.ID == "" {
		s.fail(n, "statuses.id", "missing (required to match a message's statuses)")
		return 0, false
	}
	if msg := checkID(st.ID); msg != "" {
		s.fail(n, "statuses.id", msg)
		return 0, false
	}
	cat := ""
	col := "statuses.pricing.category"
	if st.Pricing != nil && st.Pricing.Category != "" {
		cat = st.Pricing.Category
	} else if st.Conversation != nil {
		cat, col = st.Conversation.Origin.Type, "statuses.conversation.origin.type"
	}
	kind, category, catOK := webhookCategory(cat)
	if cat != "" && !catOK {
		s.fail(n, col, quote(cat)+" is not one of marketing, utility, authentication, authentication_international, service, referral_conversion, user_initiated, business_initiated")
		return 0, false
	}
	if _, done := s.done.get(st.ID); done {
		return t, true // a late status (read after the wait): the message is out
	}
	m := s.pending[st.ID]
	if m == nil {
		if st.RecipientID == "" {
			s.fail(n, "statuses.recipient_id", "missing (required)")
			return 0, false
		}
		if msg := checkID(st.RecipientID); msg != "" {
			s.fail(n, "statuses.recipient_id", msg)
			return 0, false
		}
		m = &whMsg{id: st.ID, first: t, hi: -1}
		m.rec.Line = n
		m.rec.Direction = model.FromBusiness
		m.rec.User, m.rec.Business, m.rec.MessageID = normUser(st.RecipientID), business, st.ID
		s.pending[st.ID] = m
	}
	idx := 0
	for bit>>idx != 1 {
		idx++
	}
	if m.seen&bit == 0 || t < m.times[idx] {
		m.times[idx] = t
	}
	m.seen |= bit
	m.first = min(m.first, t)
	if catOK && !m.catSet {
		m.kind, m.cat, m.catSet = kind, category, true
	}
	switch {
	case m.seen&(stRead|stFailed) != 0:
		s.emit(m)
	case m.seen&stDelivered != 0:
		s.schedule(m, m.times[1]+webhookReadWait)
	default:
		s.schedule(m, m.times[0]+webhookSentTTL)
	}
	return t, true
}

// emit completes m: it leaves the pending set and heap and joins the output.
func (s *webhookSource) emit(m *whMsg) {
	if m.hi >= 0 {
		s.heapRemove(m.hi)
	}
	delete(s.pending, m.id)
	s.done.put(m.id, struct{}{})
	r := m.rec
	r.TS = m.first
	if m.seen&stSent != 0 {
		r.TS = m.times[0]
	}
	switch {
	case m.seen&stDelivered != 0:
		r.DeliveredTS = m.times[1]
	case m.seen&stRead != 0:
		r.DeliveredTS = m.times[2]
	}
	if r.DeliveredTS != 0 && r.DeliveredTS < r.TS {
		r.DeliveredTS = r.TS // second-granular clocks disagree; it was not delivered before sent
	}
	switch {
	case m.seen&stRead != 0:
		r.Status = model.Read
	case m.seen&stDelivered != 0:
		r.Status = model.Delivered
	case m.seen&stFailed != 0:
		r.Status = model.Failed
	default:
		r.Status = model.Sent
	}
	if m.catSet {
		r.Kind, r.Category = m.kind, m.cat
	}
	s.q = append(s.q, whItem{r: r})
}

// The deadline heap, indexed so that completed messages leave it at once.
func (s *webhookSource) schedule(m *whMsg, deadline model.Time) {
	m.deadline = deadline
	if m.hi < 0 {
		m.hi = len(s.heap)
		s.heap = append(s.heap, m)
		s.up(m.hi)
		return
	}
	if !s.down(m.hi) {
		s.up(m.hi)
	}
}

func (s *webhookSource) less(i, j int) bool {
	a, b := s.heap[i], s.heap[j]
	return a.deadline < b.deadline || a.deadline == b.deadline && a.rec.Line < b.rec.Line ||
		a.deadline == b.deadline && a.rec.Line == b.rec.Line && a.id < b.id
}

func (s *webhookSource) swap(i, j int) {
	s.heap[i], s.heap[j] = s.heap[j], s.heap[i]
	s.heap[i].hi, s.heap[j].hi = i, j
}

func (s *webhookSource) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !s.less(i, p) {
			return
		}
		s.swap(i, p)
		i = p
	}
}

func (s *webhookSource) down(i int) bool {
	start, n := i, len(s.heap)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && s.less(r, l) {
			m = r
		}
		if !s.less(m, i) {
			break
		}
		s.swap(i, m)
		i = m
	}
	return i > start
}

func (s *webhookSource) heapRemove(i int) {
	last := len(s.heap) - 1
	m := s.heap[i]
	if i != last {
		s.swap(i, last)
	}
	s.heap = s.heap[:last]
	m.hi = -1
	if i < last && !s.down(i) {
		s.up(i)
	}
}
