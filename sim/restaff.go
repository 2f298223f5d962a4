package sim

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/DataDog/sketches-go/ddsketch"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/model/dist"
	"github.com/spendsim/spendsim/model/window"
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

// Responses are the reply figures of one side of a restaffing. A conversation counts
// as in window, late or dropped by the reply that ends it (the agent's, or the bot's
// when the bot resolves it alone): Wanted = InWindow + Late + Dropped + Unanswered.
// Its first response is its first reply sent that answers it: the bot's when the bot
// resolves it alone, else the agent's (the bot's hand-over message does not count).
type Responses struct {
	Wanted        int64 // conversations that wanted a reply
	InWindow      int64 // answered inside the customer service window
	Late          int64 // answered after the window closed
	LateUtility   int64 // of Late, sent as a utility template (restaffed only)
	LateMarketing int64 // of Late, sent as a marketing template (restaffed only)
	Dropped       int64 // late replies the late-reply policy dropped (restaffed only)
	Unanswered    int64 // conversations without a reply at the end
	BotReplies    int64 // replies the bot produced, sent or dropped (restaffed only)
	BotResolved   int64 // conversations the bot answered alone (restaffed only)
	Abandoned     int64 // of Unanswered, customers who gave up waiting for an agent (restaffed only)

	// First response, seconds, over the conversations answered (in window or late);
	// NaN when none was. Percentiles come from a DDSketch (SketchAccuracy).
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
	sk, err := ddsketch.NewDefaultDDSketch(SketchAccuracy)
	if err != nil {
		panic("sim: " + err.Error())
	}
	return responseTally{sketch: sk}
}

func (t *responseTally) answered(start, at Time) {
	sec := (at - start).Seconds()
	t.sum += sec
	t.n++
	if err := t.sketch.Add(sec); err != nil {
		panic("sim: " + err.Error())
	}
}

func (t *responseTally) result() (Responses, error) {
	r := t.r
	r.FirstResponseMeanS, r.FirstResponseP50S, r.FirstResponseP90S, r.FirstResponseP99S = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	if t.n == 0 {
		return r, nil
	}
	r.FirstResponseMeanS = t.sum / float64(t.n)
	qs, err := t.sketch.GetValuesAtQuantiles([]float64{0.5, 0.9, 0.99})
	if err != nil {
		return r, fmt.Errorf("sim: first-response percentiles: %w", err)
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
	start, cswEnd Time // the waiting conversation's first message; the window's end
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
	late := rec.At() >= p.cswEnd
	if text || (late && (rec.Category == model.Utility || rec.Category == model.Marketing)) {
		p.waiting = false
		return origReply
	}
	return origOther
}

// ResponseMeter passes a trace through unchanged and measures its replies (see the
// rules above). Memory grows with users.
type ResponseMeter struct {
	src     RecordSource
	pairs   map[pairKey]*origPair
	waiting int64
	tally   responseTally
}

// NewResponseMeter measures the replies of the records src yields.
func NewResponseMeter(src RecordSource) *ResponseMeter {
	return &ResponseMeter{src: src, pairs: map[pairKey]*origPair{}, tally: newResponseTally()}
}

// Next implements RecordSource.
func (m *ResponseMeter) Next(r *model.Record) error {
	if err := m.src.Next(r); err != nil {
		return err
	}
	k := keyOf(r)
	p := m.pairs[k]
	if p == nil && r.Direction == model.FromUser {
		p = &origPair{}
		m.pairs[k.clone()] = p
	}
	switch p.observe(r) {
	case origStarts:
		m.waiting++
		m.tally.r.Wanted++
	case origReply:
		m.waiting--
		if r.At() < p.cswEnd {
			m.tally.r.InWindow++
		} else {
			m.tally.r.Late++
		}
		m.tally.answered(p.start, r.TS)
	}
	return nil
}

// Responses is what the meter saw; call it after the source ended.
func (m *ResponseMeter) Responses() (Responses, error) {
	m.tally.r.Unanswered = m.waiting
	return m.tally.result()
}

// RestaffConfig is the staffing a trace is restaffed with.
type RestaffConfig struct {
	Staffing agents.Staffing // shifts, concurrency, handle time, late-reply policy
	Location *time.Location  // the zone the shifts are laid in; nil = UTC
	Seed     uint64          // handle times come from the stream "restaff.handle"
}

// Restaffer is a RecordSource that yields a trace as it would have been under other
// staffing: the trace's user messages and templates at their own times, its replies
// (free-form business messages, late-reply templates) removed, and one simulated reply
// per conversation (Line 0, status delivered) at the time the staffing would have sent
// it, merged in send-time order.
//
// With a bot (agents.bot), each conversation gets the bot's reply reply_s after it
// starts; the bot resolves resolve_share of them alone and hands the rest to the agents
// handoff_s after its reply, while the customer still waits (messages join as usual).
// A conversation as formed here goes to the bot first each time, where Run's bot also
// answers every later message of a conversation it resolved. With patience
// (agents.patience), a customer who waits in the agents' queue longer than a draw of
// it gives up: the conversation ends unanswered (and abandoned), and their next message
// starts a new one; patience ends when an agent picks the conversation up.
//
// The agents work as in Run: with a response-time distribution (agents.response_time),
// each conversation is answered that long after its first message, with no queue.
// Otherwise shifts give chat slots (agents × concurrency) over time;
// a conversation queues first come, first served until a slot is free, an agent holds
// it for one handle-time draw and then replies, free-form inside the window, else by
// the late-reply policy (a utility or marketing template, or nothing). An agent whose
// shift ends finishes the chat in hand. After the trace ends, the agents keep working
// until every conversation is answered (or, when no shift has anyone on it, stop with
// those left unanswered): the restaffed bill holds the reply to every conversation of
// the trace, a backlog's late templates included, whenever they would have gone out.
// The original's unanswered are those its trace shows no reply to.
//
// Memory grows with users and with conversations in flight, not with messages: shifts
// are laid one local day at a time, and the only queue holds shift changes and replies
// being drafted.
type Restaffer struct {
	src      RecordSource
	staffing agents.Staffing
	loc      *time.Location
	policy   agents.LatePolicy
	handle   *dist.Sampler
	respond  *dist.Sampler // the team's response time, when modelled by it; else nil
	capacity bool          // some shift has someone on it, or a response time answers all

	bot                  *agents.Bot // nil without a bot
	rngBot               *rand.Rand  // which conversations the bot resolves
	botReply, botHandoff Time
	patience             *dist.Sampler // nil: customers wait for ever
	botPending           int           // bot replies and hand-offs in the queue

	q        Queue
	steps    []agents.Step // the current local day's capacity steps
	pairs    map[pairKey]*restaffPair
	convs    []restaffConv
	free     []int32
	fifo     ring[int32]
	slots    int
	busy     int
	inFlight int64

	next     model.Record
	haveNext bool
	srcDone  bool
	started  bool
	lastTS   Time
	removed  int64
	replies  int64
	err      error
	tally    responseTally
	finished bool
}

type restaffPair struct {
	user, business, country string
	orig                    origPair // along the original timeline; its cswEnd is the same on both
	conv                    int32    // the restaffed conversation waiting for a reply; -1 none
}

type restaffConv struct {
	pair     *restaffPair
	start    Time
	answered bool  // has had a first reply (the agent's, when the bot hands over)
	state    uint8 // rcWaiting, ...
	pending  bool  // its customer's give-up event is still in the queue
}

const (
	rcWaiting   uint8 = iota // for the bot, or the response-time team
	rcQueued                 // in the agents' queue
	rcServing                // an agent has it
	rcAbandoned              // its customer gave up; still in the queue's ring, skipped
	rcDone                   // ended while its give-up event was pending
)

const (
	rsStaff   uint8 = iota // capacity changes; ID = index into steps
	rsDay                  // lay the next local day's shifts
	rsReply                // the agents' reply to conversation ID is ready
	rsBot                  // the bot's reply to conversation ID is ready
	rsHandoff              // the bot hands conversation ID to the agents
	rsGiveUp               // the customer of conversation ID runs out of patience
)

// NewRestaffer restaffs the trace src yields (in send-time order) with cfg.
func NewRestaffer(src RecordSource, cfg RestaffConfig) (*Restaffer, error) {
	if errs := cfg.Staffing.Validate("agents"); len(errs) > 0 {
		return nil, fmt.Errorf("sim: restaff: %s", strings.Join(errs, "; "))
	}
	r := &Restaffer{
		src: src, staffing: cfg.Staffing, loc: cfg.Location, policy: cfg.Staffing.LateReply,
		handle: dist.New(cfg.Staffing.HandleTime, StreamSource(cfg.Seed, "restaff.handle")),
		pairs:  map[pairKey]*restaffPair{}, tally: newResponseTally(),
	}
	if r.loc == nil {
		r.loc = time.UTC
	}
	if r.policy == "" {
		r.policy = agents.LateUtility
	}
	for _, sh := range cfg.Staffing.Shifts {
		// Validate rejected shifts of no length; an empty day list means mon–fri.
		r.capacity = r.capacity || sh.Headcount > 0
	}
	if cfg.Staffing.ByResponseTime() {
		r.respond = dist.New(cfg.Staffing.ResponseTime, StreamSource(cfg.Seed, "restaff.response"))
		r.capacity = true
	}
	if !cfg.Staffing.Patient() {
		r.patience = dist.New(cfg.Staffing.Patience, StreamSource(cfg.Seed, "restaff.patience"))
	}
	if b := cfg.Staffing.Bot; b != nil {
		r.bot, r.rngBot = b, Stream(cfg.Seed, "restaff.bot")
		r.botReply, r.botHandoff = model.FromSeconds(b.ReplyS), model.FromSeconds(b.HandoffS)
	}
	return r, nil
}

// Next implements RecordSource.
func (r *Restaffer) Next(out *model.Record) error {
	if r.err != nil {
		return r.err
	}
	for {
		if !r.haveNext && !r.srcDone {
			err := r.src.Next(&r.next)
			switch {
			case errors.Is(err, io.EOF):
				r.srcDone = true
			case err != nil:
				r.err = err
				return err
			default:
				if r.started && r.next.TS < r.lastTS {
					r.err = fmt.Errorf("line %d: ts %s is earlier than the previous row's %s; sort the trace by ts (or pass --sort)", r.next.Line, r.next.TS, r.lastTS)
					return r.err
				}
				if !r.started {
					r.started = true
					if r.respond == nil {
						r.layDay(r.next.TS)
					}
				}
				r.lastTS, r.haveNext = r.next.TS, true
			}
		}
		if r.srcDone && (r.inFlight == 0 || (!r.capacity && r.botPending == 0)) {
			r.finished = true
			return io.EOF
		}
		// Replies ready at a record's time go first: they were drafted before it came.
		if r.q.Len() > 0 && (!r.haveNext || r.q.Peek().T <= r.next.TS) {
			if r.event(r.q.Pop(), out) {
				return nil
			}
			continue
		}
		r.haveNext = false
		switch r.next.Direction {
		case model.FromBusiness:
			var op *origPair
			if p := r.pairs[keyOf(&r.next)]; p != nil {
				op = &p.orig
			}
			if kind := op.observe(&r.next); kind == origReply || r.next.Kind == model.Text {
				r.removed++ // the original team's reply: the restaffed one answers instead
				continue
			}
		case model.FromUser:
			r.userMessage(&r.next)
		}
		*out = r.next
		return nil
	}
}

// layDay lays the shifts from t to the next local midnight.
func (r *Restaffer) layDay(t Time) {
	lt := t.In(r.loc)
	end := model.FromStd(model.DayStart(lt.Year(), lt.Month(), lt.Day()+1, r.loc))
	tl := r.staffing.Timeline(t, end, r.loc)
	r.steps = append(r.steps[:0], tl.Steps...)
	for i, st := range r.steps {
		r.q.Push(st.At, rsStaff, int32(i))
	}
	r.q.Push(end, rsDay, 0)
}

func (r *Restaffer) userMessage(rec *model.Record) {
	k := keyOf(rec)
	p := r.pairs[k]
	if p == nil {
		k = k.clone()
		p = &restaffPair{user: k.user, business: strings.Clone(rec.Business), conv: -1}
		r.pairs[k] = p
	}
	if rec.Country != "" && rec.Country != p.country {
		p.country = strings.Clone(rec.Country)
	}
	p.orig.observe(rec)
	if p.conv >= 0 {
		return // joins the conversation waiting for a reply
	}
	var id int32
	if n := len(r.free); n > 0 {
		id, r.free = r.free[n-1], r.free[:n-1]
	} else {
		id = int32(len(r.convs))
		r.convs = append(r.convs, restaffConv{})
	}
	r.convs[id] = restaffConv{pair: p, start: rec.TS, state: rcWaiting}
	p.conv = id
	r.inFlight++
	r.tally.r.Wanted++
	if r.bot != nil {
		r.botPending++
		r.q.Push(rec.TS+r.botReply, rsBot, id)
		return
	}
	r.enqueue(rec.TS, id)
}

// enqueue hands conversation id to the agents at t.
func (r *Restaffer) enqueue(t Time, id int32) {
	if r.respond != nil {
		// No queue: the team answers after its response time, whoever is on duty.
		r.q.Push(t+r.respond.Draw(), rsReply, id)
		return
	}
	c := &r.convs[id]
	c.state = rcQueued
	r.fifo.push(id)
	if r.patience != nil && r.busy >= r.slots {
		// It will wait (with a free slot it is picked up at once, below).
		c.pending = true
		r.q.Push(t+r.patience.Draw(), rsGiveUp, id)
	}
	r.dispatch(t)
}

// dispatch hands queued conversations to free slots, first come, first served.
func (r *Restaffer) dispatch(t Time) {
	for r.busy < r.slots && r.fifo.len() > 0 {
		id := r.fifo.pop()
		if r.convs[id].state != rcQueued {
			r.free = append(r.free, id) // abandoned: its give-up event has passed
			continue
		}
		r.convs[id].state = rcServing
		r.busy++
		r.q.Push(t+r.handle.Draw(), rsReply, id)
	}
}

// event handles one queued event; it reports whether it filled out with a reply.
func (r *Restaffer) event(e Event, out *model.Record) bool {
	switch e.Kind {
	case rsStaff:
		r.slots = r.steps[e.ID].Agents * r.staffing.Concurrency
		r.dispatch(e.T)
	case rsDay:
		r.layDay(e.T)
	case rsHandoff:
		r.botPending--
		r.enqueue(e.T, e.ID)
	case rsGiveUp:
		// If no agent has picked the conversation up, the customer leaves unanswered;
		// their next message starts a new conversation.
		c := &r.convs[e.ID]
		c.pending = false
		switch c.state {
		case rcQueued:
			c.state = rcAbandoned
			c.pair.conv = -1
			r.inFlight--
			r.tally.r.Abandoned++
		case rcDone:
			r.free = append(r.free, e.ID)
		}
	case rsReply, rsBot:
		c := &r.convs[e.ID]
		ends := true
		if e.Kind == rsBot {
			// The bot answers first; it resolves the conversation alone, or the
			// customer still waits for an agent, who gets it handoff_s later.
			r.botPending--
			r.tally.r.BotReplies++
			if r.rngBot.Float64() < r.bot.ResolveShare {
				r.tally.r.BotResolved++
			} else {
				ends = false
				r.botPending++
				r.q.Push(e.T+r.botHandoff, rsHandoff, e.ID)
			}
		}
		o := r.send(e.T, c.pair, out)
		if o != Dropped && ends && !c.answered {
			c.answered = true
			r.tally.answered(c.start, e.T)
		}
		if ends {
			switch o {
			case InWindow:
				r.tally.r.InWindow++
			case LateUtility:
				r.tally.r.Late++
				r.tally.r.LateUtility++
			case LateMarketing:
				r.tally.r.Late++
				r.tally.r.LateMarketing++
			case Dropped:
				r.tally.r.Dropped++
			}
			c.pair.conv = -1
			if c.pending {
				c.state = rcDone // freed when its give-up event passes
			} else {
				r.free = append(r.free, e.ID)
			}
			r.inFlight--
			if e.Kind == rsReply && r.respond == nil {
				r.busy--
				r.dispatch(e.T)
			}
		}
		if o == Dropped {
			return false
		}
		r.replies++
		return true
	}
	return false
}

// send fills out with a reply to p at t: free-form inside the window, else what the
// late-reply policy says (out is left alone when it drops the reply).
func (r *Restaffer) send(t Time, p *restaffPair, out *model.Record) ReplyOutcome {
	o := InWindow
	if t >= p.orig.cswEnd {
		switch r.policy {
		case agents.LateDrop:
			return Dropped
		case agents.LateMarketing:
			o = LateMarketing
		default:
			o = LateUtility
		}
	}
	*out = model.Record{TS: t, User: p.user, Business: p.business, Country: p.country,
		Direction: model.FromBusiness, Status: model.Delivered}
	switch o {
	case LateUtility:
		out.Kind, out.Category = model.Template, model.Utility
	case LateMarketing:
		out.Kind, out.Category = model.Template, model.Marketing
	}
	return o
}

// Responses are the restaffed trace's reply figures; call it after Next returned io.EOF.
func (r *Restaffer) Responses() (Responses, error) {
	if !r.finished {
		return Responses{}, errors.New("sim: restaff: Responses before the trace ended")
	}
	r.tally.r.Unanswered = r.inFlight + r.tally.r.Abandoned
	return r.tally.result()
}

// Removed is the number of the trace's business messages left out: its free-form ones
// and its late-reply templates.
func (r *Restaffer) Removed() int64 { return r.removed }

// Replies is the number of simulated replies sent.
func (r *Restaffer) Replies() int64 { return r.replies }
