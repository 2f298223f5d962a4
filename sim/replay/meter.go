package replay

import (
	"fmt"
	"math"
	"strings"

	"github.com/DataDog/sketches-go/ddsketch"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/model/window"
	"github.com/spendsim/spendsim/sim"
)

// Restaffing a trace: what its replies would have been under other staffing.
//
// Conversations. A user message starts a conversation when the user (per business
// number) is not already waiting for a reply; a message while they wait (queued, or
// while an agent drafts the reply) joins that conversation. The first business reply
// after it answers the whole conversation, and the next user message starts a new one.
// The same rule measures the original trace (its free-form business messages are its
// replies) and the restaffed one (the simulated replies), so each side forms its
// conversations along its own timeline: a follow-up that the original answered
// separately may join a slower team's pending conversation. A conversation's first
// response time runs from its first user message to that reply, both by send time.
//
// A reply is inside the window when it is evaluated before the customer service window
// of the user's latest message closes (window.CSW after it). In the original, a
// free-form reply after that is counted late (it could only have gone out as a
// template). A utility or marketing template is the original's reply only when it is
// the first business message to a waiting user after the window closed: what a
// late-reply policy sends (spendsim generate writes such traces). Any other template is
// a notification or campaign, kept on both sides; so is a late template to a user who
// waits for no reply. The restaffed trace loses the original's replies, late templates
// included, and its own team's replies take their place.
//
// A late free-form reply is one WhatsApp would have refused: outside the window only
// templates go out. Billed as traced it is priced as free-form (billing counts it in
// Stats.TextOutsideWindow), so the original would pay nothing for a reply the restaffed
// team pays a template for. To compare like for like, ResponseMeter.SendLateAs yields
// each one as the restaffed team's late-reply policy sends its own late replies (the
// same template, or nothing), through the one rule both use (lateAs). The same holds
// for every other free-form business message outside the window (origPair.closed): a
// second message after the late reply, before the customer writes again, or one to a
// user who never wrote; the meter counts them apart (Responses.LateFreeFormFurther),
// as they answer no conversation.

// Responses are the reply figures of one side of a restaffing. A conversation counts
// as in window, late or dropped by the reply that ends it (the agent's, or the bot's
// when the bot resolves it alone): Wanted = InWindow + Late + Dropped + Unanswered.
// Its first response is its first reply sent that answers it: the bot's when the bot
// resolves it alone, else the agent's (the bot's hand-over message does not count).
type Responses struct {
	Wanted        int64 // conversations that wanted a reply
	InWindow      int64 // answered inside the customer service window
	Late          int64 // answered after the window closed
	LateUtility   int64 // of Late, sent as a utility template
	LateMarketing int64 // of Late, sent as a marketing template
	LateFreeForm  int64 // of Late, a free-form message WhatsApp would have refused (original only)
	Dropped       int64 // late replies the late-reply policy dropped (restaffed only)
	Unanswered    int64 // conversations without a reply at the end
	BotReplies    int64 // replies the bot produced, sent or dropped (restaffed only)
	BotResolved   int64 // conversations the bot answered alone (restaffed only)
	Abandoned     int64 // of Unanswered, customers who gave up waiting for an agent (restaffed only)

	// LateFreeFormFurther counts the other free-form business messages outside the
	// window, which answer no conversation: sent after a reply before the customer
	// wrote again, or to a user who never wrote (original only; not part of Wanted).
	LateFreeFormFurther int64

	// First response, seconds. The percentiles are over every conversation that wanted
	// a reply, as a run's are: one never answered sorts after every answered one, so a
	// percentile that falls among them is sim.NotAnswered (+Inf). The mean is over the
	// answered (in window or late), NaN when none was. Percentiles come from a
	// DDSketch (SketchAccuracy).
	FirstResponseMeanS float64
	FirstResponseP50S  float64
	FirstResponseP90S  float64
	FirstResponseP99S  float64
}

type responseTally struct {
	r      Responses
	sketch *ddsketch.DDSketch
	sum    float64
	n      int64
}

func newResponseTally() responseTally {
	sk, err := ddsketch.NewDefaultDDSketch(sim.SketchAccuracy)
	if err != nil {
		panic("replay: " + err.Error())
	}
	return responseTally{sketch: sk}
}

func (t *responseTally) answered(start, at model.Time) {
	sec := (at - start).Seconds()
	t.sum += sec
	t.n++
	if err := t.sketch.Add(sec); err != nil {
		panic("replay: " + err.Error())
	}
}

func (t *responseTally) result() (Responses, error) {
	r := t.r
	r.FirstResponseMeanS, r.FirstResponseP50S, r.FirstResponseP90S, r.FirstResponseP99S = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	if t.n > 0 {
		r.FirstResponseMeanS = t.sum / float64(t.n)
	}
	if r.Wanted == 0 {
		return r, nil
	}
	qs, err := sim.Quantiles(t.sketch, []float64{0.5, 0.9, 0.99}, t.n, r.Wanted)
	if err != nil {
		return r, fmt.Errorf("replay: first-response percentiles: %w", err)
	}
	r.FirstResponseP50S, r.FirstResponseP90S, r.FirstResponseP99S = qs[0], qs[1], qs[2]
	return r, nil
}

// pairKey names a (business number, user) pair; "" and "default" are the same number.
type pairKey struct{ business, user string }

func keyOf(rec *model.Record) pairKey {
	b := rec.Business
	if b == "" {
		b = "default"
	}
	return pairKey{b, rec.User}
}

func (k pairKey) clone() pairKey { return pairKey{strings.Clone(k.business), strings.Clone(k.user)} }

// origPair is a pair's state along the original trace's timeline.
type origPair struct {
	start, cswEnd model.Time // the waiting conversation's first message; the window's end
	waiting       bool
}

// origKind is what a record is to the original trace's conversations.
type origKind uint8

const (
	origOther   origKind = iota // a template that answers nobody, or nothing to count
	origUser                    // a user message
	origStarts                  // a user message that starts a conversation
	origReply                   // the reply to the waiting conversation
	origNoReply                 // free-form business message to a user who waits for none
)

// observe applies rec (of this pair; p may be nil for a business message to a user
// who never wrote) to the original timeline and says what it was.
func (p *origPair) observe(rec *model.Record) origKind {
	if rec.Direction == model.FromUser {
		p.cswEnd = max(p.cswEnd, rec.At()+window.CSW)
		if p.waiting {
			return origUser
		}
		p.waiting, p.start = true, rec.TS
		return origStarts
	}
	text := rec.Kind == model.Text
	if p == nil || !p.waiting {
		if text {
			return origNoReply
		}
		return origOther
	}
	if text || (p.closed(rec.At()) && (rec.Category == model.Utility || rec.Category == model.Marketing)) {
		p.waiting = false
		return origReply
	}
	return origOther
}

// closed says whether the pair's customer service window is closed at t: t is not
// before the end of the window of its user's latest message, or (p nil) its user never
// wrote. A free-form message then is one WhatsApp refuses.
func (p *origPair) closed(t model.Time) bool { return p == nil || t >= p.cswEnd }

// ResponseMeter passes a trace through unchanged (but see SendLateAs) and measures its
// replies (see the rules above). Memory grows with users.
type ResponseMeter struct {
	src     RecordSource
	pairs   map[pairKey]*origPair
	waiting int64
	tally   responseTally
	late    sim.ReplyOutcome // what a late free-form reply becomes; InWindow: stays as it is
}

// NewResponseMeter measures the replies of the records src yields.
func NewResponseMeter(src RecordSource) *ResponseMeter {
	return &ResponseMeter{src: src, pairs: map[pairKey]*origPair{}, tally: newResponseTally()}
}

// SendLateAs makes the meter yield each free-form business message outside the window
// (a late reply, or a further one: Responses.LateFreeFormFurther) as the late-reply
// policy p sends a late reply (a utility or marketing template; under drop, not at
// all): the original trace as its team would have had to send it, to bill like for
// like with a restaffing under p. What the meter measures is unchanged.
func (m *ResponseMeter) SendLateAs(p agents.LatePolicy) { m.late = sim.LateOutcome(p) }

// Next implements RecordSource.
func (m *ResponseMeter) Next(r *model.Record) error {
	for {
		if err := m.src.Next(r); err != nil {
			return err
		}
		if m.observe(r) {
			return nil
		}
	}
}

// observe measures r and, under SendLateAs, rewrites a free-form business message
// outside the window; it reports whether r is to be yielded (false: dropped by the
// late-reply policy).
func (m *ResponseMeter) observe(r *model.Record) bool {
	k := keyOf(r)
	p := m.pairs[k]
	if p == nil && r.Direction == model.FromUser {
		p = &origPair{}
		m.pairs[k.clone()] = p
	}
	kind := p.observe(r)
	switch kind {
	case origStarts:
		m.waiting++
		m.tally.r.Wanted++
	case origReply:
		m.waiting--
		m.tally.answered(p.start, r.TS)
		if r.At() < p.cswEnd {
			m.tally.r.InWindow++
			break
		}
		m.tally.r.Late++
		switch {
		case r.Kind == model.Text:
			m.tally.r.LateFreeForm++
		case r.Category == model.Utility:
			m.tally.r.LateUtility++
		default:
			m.tally.r.LateMarketing++ // observe takes no other late template for a reply
		}
	}
	// WhatsApp refuses every free-form message outside the window, the late reply and
	// any after it alike: like for like, each goes out as the late-reply policy says.
	if r.Direction != model.FromBusiness || r.Kind != model.Text || !p.closed(r.At()) {
		return true
	}
	if kind != origReply {
		m.tally.r.LateFreeFormFurther++
	}
	if m.late != sim.InWindow {
		return lateAs(r, m.late)
	}
	return true
}

// Customers is the number of (business number, user) pairs who wrote.
func (m *ResponseMeter) Customers() int64 { return int64(len(m.pairs)) }

// Responses is what the meter saw; call it after the source ended.
func (m *ResponseMeter) Responses() (Responses, error) {
	m.tally.r.Unanswered = m.waiting
	return m.tally.result()
}
