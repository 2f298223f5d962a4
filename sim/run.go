package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/blocking"
	"github.com/spendsim/spendsim/model/dist"
	"github.com/spendsim/spendsim/model/load"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/pricing"
)

// Config is one fully resolved simulation: everything a run needs, nothing it must
// look up elsewhere. It is read-only during runs and may be shared between them.
//
// A run counts what the conversations that arrive inside the horizon [Start, End) cause,
// whenever it happens: after End no customer starts a conversation and the business
// sends no template of its own, but the conversations still open are followed to their
// end (answered, abandoned, or a late reply dropped), with the shifts going on as
// planned, and what that costs is billed to the run. Before Start, Warmup is simulated
// and counts nothing.
type Config struct {
	Start, End model.Time     // horizon [Start, End)
	Location   *time.Location // the business's time zone: profiles, shifts, days, months
	// Warmup, if above zero, is simulated before Start (customers write, agents answer,
	// templates go out, windows open and counters move) and counts nothing: its
	// conversations, their messages whenever sent, its templates, blocks and agent-hours
	// are left out of every figure, so the horizon starts with the queue a running
	// business has rather than an empty one. Zero: the run starts empty at Start.
	Warmup model.Time

	Customers int // size of the customer base
	// Growth, for forecasts, scales the customer base over the horizon: from
	// Growth[i].At on, CustomersGrown(Customers, Growth[i].Factor) customers are active
	// and conversations arrive at Factor times the base rate. Sorted by At; nil (a plain
	// run): the base throughout.
	Growth []load.Step
	// Levels scale the rate at which customers start conversations over the horizon,
	// not the customer base: from Levels[i].At on, Factor times the (grown) base rate
	// (load.LevelSteps lays a scenario's load.levels). Sorted by At; nil: the base
	// throughout.
	Levels       []load.Step
	Countries    []load.Share // market mix of the customer base
	Profile      load.Profile
	Conversation load.Conversation
	// EntryPoints is the share of customer-started conversations whose first message
	// came through an ad or a Page button (a free entry point); zero: none.
	EntryPoints load.EntryPoints
	Staffing    agents.Staffing

	Markets *market.Table
	Billing billing.Options // pricing era, rate cards, currency; one Biller is made per run

	// Notifications and Campaigns are templates the business sends on its own
	// initiative, Blocking what users and WhatsApp make of them (sim/outbound.go);
	// zero values: none.
	Notifications []load.Notification
	Campaigns     []load.Campaign
	Blocking      blocking.Spec
}

// ReplyOutcome is what became of a reply the agents produced.
type ReplyOutcome uint8

const (
	InWindow      ReplyOutcome = iota // free-form text inside the customer service window
	LateUtility                       // window closed: sent as a utility template
	LateMarketing                     // window closed: sent as a marketing template
	Dropped                           // window closed: not sent, customer unanswered
)

// LateOutcome is what the late-reply policy p makes of a reply ready after the
// customer service window closed; "" is the default, utility.
func LateOutcome(p agents.LatePolicy) ReplyOutcome {
	switch p {
	case agents.LateMarketing:
		return LateMarketing
	case agents.LateDrop:
		return Dropped
	}
	return LateUtility
}

// BlockRecorder is a Recorder that also wants to know when a customer blocks the
// business (Stats counts blocks per day). Optional, so that recorders that only want
// messages need not implement it.
type BlockRecorder interface {
	Block(at Time)
}

// ConversationRecorder is a Recorder that also wants to know when a conversation
// starts (Stats counts conversations per day). Optional, like BlockRecorder.
type ConversationRecorder interface {
	Conversation(at Time)
}

// Recorder receives what happens in a run, in virtual-time order, for the
// conversations the run counts (those that arrive inside the horizon, followed to
// their end) and the templates the business sends inside it. It is the only way out
// of a run; implementations must not retain the pointers they are given.
type Recorder interface {
	// Message is called for every message sent, by either side, with its pricing.
	Message(m *model.Message, c *pricing.Charge)
	// Reply is called for every reply the agents or the bot produced, sent or dropped.
	Reply(at Time, o ReplyOutcome)
	// Pickup is called when an agent takes a conversation from the queue.
	Pickup(start, at Time)
	// FirstResponse is called when a conversation gets its first reply.
	FirstResponse(start, at Time)
}

// Event kinds: the agent desk's own (agents.DeskReply, ...) are kinds 0 to
// agents.DeskEvents-1, scheduled through run.Schedule; the run's follow.
const (
	evStaff     = uint8(agents.DeskEvents) + iota // capacity changes; ID = timeline step
	evArrival                                     // a customer starts a conversation
	evUser                                        // the customer of conversation ID writes again
	evStaffMore                                   // after the horizon: lay the next week of shifts
)

// conv is what the run keeps of a conversation beside the desk's state.
type conv struct {
	start    Time // first user message
	customer int32
	left     int32 // user messages still to come
	answered bool  // first response sent
	counted  bool  // it arrived inside the horizon (not in the warm-up): the run counts it
}

// run is the state of one simulation run. Per-customer state lives in slices indexed
// by customer; per-conversation state in the desk's slab, so the steady state
// allocates nothing.
type run struct {
	cfg *Config
	rec Recorder
	// blockRec is rec when it also wants to hear of blocks (BlockRecorder), else nil;
	// convRec when it wants to hear of conversations (ConversationRecorder).
	blockRec BlockRecorder
	convRec  ConversationRecorder
	q        Queue
	clock    horizon // warm-up, horizon and drain

	arrivals           *load.Arrivals
	rngArrival, rngWho *rand.Rand
	rngLength          *rand.Rand
	rngEntry           *rand.Rand // entry points of customer-started conversations; nil without them
	think              *dist.Sampler
	desk               *agents.Desk[conv]
	biller             *billing.Biller
	timeline           agents.Timeline
	country            []uint8 // per customer: index into cfg.Countries
	active             int     // customers active now (all of them without growth)
	growthNext         int     // next cfg.Growth step to apply
	countryCode        [][2]byte
	markets            *market.Local // markets in the business's zone, day cached
	// marketOf is each country's market (by index into cfg.Countries) on the local day
	// [marketFrom, marketUntil): resolved once a day, not once a message.
	marketOf                []uint16
	marketFrom, marketUntil Time
	waitingReplies          int64 // user messages of counted conversations not yet answered
	conversations           int64 // counted conversations
	droppedConversations    int64
	answeredInWindow        int64 // counted conversations whose first response was sent inside the window
	events                  int64
	policy                  agents.LatePolicy
	msg                     model.Message
	charge                  pricing.Charge
	err                     error
	out                     *outbound // business-initiated traffic; nil without it
}

// Outcome is what a run knows at its end that no single event told the Recorder.
type Outcome struct {
	Conversations int64 // conversations customers started (on their own, or answering a template) inside the horizon
	// Unanswered is the user messages never answered: their customer gave up, or they
	// were still waiting when the run ended (after the horizon, only when nobody was
	// left on duty to answer them).
	Unanswered int64
	Abandoned  int64 // conversations whose customer gave up waiting in the queue
	Ignored    int64 // conversations the agents never took up (agents.ignore_share); also in Unanswered
	// DroppedConversations are conversations whose first reply came after the window
	// closed and was dropped (late_reply: drop): never answered.
	DroppedConversations int64
	AnsweredInWindow     int64 // conversations whose first response was sent inside the window
	BotReplies           int64 // replies the bot produced, sent or dropped
	BotResolved          int64 // conversations the bot took on alone (no agent)
	BotHandoffs          int64 // conversations the bot answered first and handed to the agents
	AgentTime            Time  // agent-time on duty from Start until the backlog is cleared (agents × duration)
	BusySlotTime         Time  // chat-slot time in use over the same span
	Slots                int   // chat slots per agent (concurrency)
	Events               int64 // events processed, for throughput figures
	Outbound             OutboundCounts
}

// Stopper is a Recorder that can end a run early: every stopEvery events the run asks
// Err, and an error ends the run with it. It is how a run in flight stops when its
// sweep is cancelled (Ctrl-C), or when the file it is being written to fails.
type Stopper interface {
	Err() error
}

// stopEvery is how often, in events, a run asks its Stopper: a few milliseconds.
const stopEvery = 1 << 14

// Run simulates cfg once with seed and reports through rec. If rec is a Stopper, its
// error ends the run early and is Run's error.
func Run(cfg *Config, seed uint64, rec Recorder) (Outcome, error) {
	r, err := newRun(cfg, seed, rec)
	if err != nil {
		return Outcome{}, err
	}
	if st, ok := rec.(Stopper); ok {
		for r.step() {
			if r.events%stopEvery == 0 {
				if err := st.Err(); err != nil && r.err == nil {
					r.err = err
				}
			}
		}
	} else {
		for r.step() {
		}
	}
	return r.outcome(), r.err
}

// newRun prepares a run of cfg with seed: its random streams, the customers, and the
// first events in the queue.
func newRun(cfg *Config, seed uint64, rec Recorder) (*run, error) {
	r := &run{cfg: cfg, rec: rec, policy: cfg.Staffing.LateReply}
	r.blockRec, _ = rec.(BlockRecorder)
	r.convRec, _ = rec.(ConversationRecorder)
	from := r.startClock()
	var err error
	if r.biller, err = billing.New(cfg.Billing); err != nil {
		return nil, err
	}
	mix := load.NewMix(cfg.Countries)
	// With growth, every customer the base ever reaches is drawn up front; customer i
	// joins when the active count passes i.
	r.active = cfg.Customers
	all := cfg.Customers
	for _, g := range cfg.Growth {
		all = max(all, CustomersGrown(cfg.Customers, g.Factor))
	}
	r.country = mix.Assign(all, Stream(seed, "customers"))
	r.countryCode = make([][2]byte, len(cfg.Countries))
	r.markets = cfg.Markets.In(cfg.Location)
	r.marketOf = make([]uint16, len(cfg.Countries))
	r.marketFrom, r.marketUntil = 1, 0 // empty: the first message resolves
	for i, s := range cfg.Countries {
		copy(r.countryCode[i][:], s.Country)
	}
	ratePerHour := float64(cfg.Customers) * cfg.Conversation.PerCustomerMonth / (30 * 24)
	r.arrivals = load.NewGrowingArrivals(from, cfg.End, cfg.Location, ratePerHour, cfg.Profile, load.Combine(cfg.Growth, cfg.Levels))
	r.rngArrival = Stream(seed, "arrivals")
	r.rngWho = Stream(seed, "who")
	r.rngLength = Stream(seed, "length")
	if cfg.EntryPoints.Any() {
		r.rngEntry = Stream(seed, "entry")
	}
	think := cfg.Conversation.ThinkTime
	if think.MeanS == 0 {
		think.MeanS = 1 // unused: conversations have one message
	}
	r.think = dist.New(think, StreamSource(seed, "think"))
	r.desk = agents.NewDesk[conv](cfg.Staffing, from, r, func(name string) rand.Source {
		return StreamSource(seed, name)
	})
	r.desk.CountFrom(cfg.Start)
	r.timeline = cfg.Staffing.Timeline(from, cfg.End, cfg.Location)

	for i, st := range r.timeline.Steps {
		r.q.Push(st.At, evStaff, int32(i))
	}
	if t, ok := r.arrivals.Next(from-1, r.rngArrival); ok {
		r.q.Push(t, evArrival, 0)
	}
	r.startOutbound(seed, from)
	r.q.Push(cfg.End, evStaffMore, 0)
	return r, nil
}

// step processes the next event; it reports false when the run is over (no events
// left, every conversation of the horizon over, or an error).
func (r *run) step() bool {
	if r.q.Len() == 0 || r.err != nil || r.clock.over(r) {
		return false
	}
	e := r.q.Pop()
	if !r.clock.advance(r, e) {
		return true // business-initiated traffic after the horizon: not sent
	}
	r.events++
	switch e.Kind {
	case evStaff:
		r.desk.SetAgents(e.T, r.timeline.Steps[e.ID].Agents)
	case evStaffMore:
		r.layShifts(e.T)
	case evArrival:
		r.arrive(e.T)
		if t, ok := r.arrivals.Next(e.T, r.rngArrival); ok {
			r.q.Push(t, evArrival, 0)
		}
	case uint8(agents.DeskReply):
		r.reply(e.T, e.ID)
	case evUser:
		c := r.desk.Conv(e.ID)
		c.left--
		r.userMessage(e.T, c.customer, model.EntryNone, c.counted)
		r.desk.FollowUp(e.T, e.ID)
	case uint8(agents.DeskBot):
		r.botAnswer(e.T, e.ID)
	case uint8(agents.DeskHandoff):
		r.desk.HandOver(e.T, e.ID)
	case uint8(agents.DeskGiveUp):
		r.desk.GiveUp(e.ID)
	default:
		r.outboundEvent(e)
	}
	return true
}

// Schedule implements agents.Scheduler: the desk's events go in the run's queue.
func (r *run) Schedule(at Time, ev agents.DeskEvent, id int32) { r.q.Push(at, uint8(ev), id) }

// PickedUp implements agents.Scheduler.
func (r *run) PickedUp(id int32, queued, at Time) {
	if r.desk.Conv(id).counted {
		r.rec.Pickup(queued, at)
	}
}

// outcome closes the run's books once every conversation of the horizon is over.
func (r *run) outcome() Outcome {
	r.clock.finish(r)
	dc := r.desk.Counts()
	return Outcome{
		Conversations:        r.conversations,
		Unanswered:           r.waitingReplies,
		DroppedConversations: r.droppedConversations,
		AnsweredInWindow:     r.answeredInWindow,
		BotReplies:           dc.BotReplies,
		BotResolved:          dc.BotResolved,
		BotHandoffs:          dc.BotHandoffs,
		Abandoned:            dc.Abandoned,
		Ignored:              dc.Ignored,
		AgentTime:            r.clock.agentTime,
		BusySlotTime:         r.clock.busyEnd - r.clock.busyStart,
		Slots:                r.cfg.Staffing.Concurrency,
		Events:               r.events,
		Outbound:             r.outboundOutcome(),
	}
}

// CustomersGrown is the customer base of base customers grown by factor, rounded to
// the nearest customer and at least one.
func CustomersGrown(base int, factor float64) int {
	return max(1, int(math.Round(float64(base)*factor)))
}

func (r *run) arrive(t Time) {
	for r.growthNext < len(r.cfg.Growth) && r.cfg.Growth[r.growthNext].At <= t {
		r.active = CustomersGrown(r.cfg.Customers, r.cfg.Growth[r.growthNext].Factor)
		r.growthNext++
	}
	who := int32(r.rngWho.IntN(r.active))
	entry := model.EntryNone
	if r.rngEntry != nil {
		entry = r.cfg.EntryPoints.Draw(r.rngEntry)
	}
	r.startConversation(t, who, entry)
}

// startConversation opens a conversation: customer writes at t (through entry, for a
// user who came from an ad or a Page button), and the conversation goes to the agents'
// desk. Customer-started arrivals and replies to templates both come through here.
func (r *run) startConversation(t Time, customer int32, entry model.EntryPoint) {
	left := int32(r.cfg.Conversation.Messages(r.rngLength)) - 1
	counted := t >= r.cfg.Start
	if counted {
		r.conversations++
		if r.convRec != nil {
			r.convRec.Conversation(t)
		}
	}
	r.userMessage(t, customer, entry, counted)
	r.desk.Arrive(t, entry != model.EntryNone, conv{customer: customer, start: t, left: left, counted: counted})
}

func (r *run) message(t Time, customer int32, dir model.Direction) *model.Message {
	m := &r.msg
	*m = model.Message{TS: t, Pair: uint32(customer), Direction: dir}
	ci := r.country[customer]
	if t < r.marketFrom || t >= r.marketUntil {
		for i, code := range r.countryCode {
			r.marketOf[i] = uint16(r.markets.ForCountry(code, t))
		}
		r.marketFrom, r.marketUntil = r.markets.Day()
	}
	m.Country = r.countryCode[ci]
	m.Market = r.marketOf[ci]
	return m
}

// bill bills m (every message moves the windows and counters) and, when the run
// counts it, records it.
func (r *run) bill(m *model.Message, counted bool) {
	var err error
	// The charge lives in the run, not on the stack: a pointer to a local passed
	// through the Recorder interface would escape to the heap on every message.
	if r.charge, err = r.biller.Bill(m); err != nil && r.err == nil {
		r.err = fmt.Errorf("sim: %s: %w", m.TS, err)
	}
	if counted {
		r.rec.Message(m, &r.charge)
	}
}

func (r *run) userMessage(t Time, customer int32, entry model.EntryPoint, counted bool) {
	if counted {
		r.waitingReplies++
	}
	r.out.userWrote(customer)
	m := r.message(t, customer, model.FromUser)
	m.EntryPoint = entry
	r.bill(m, counted)
}

// reply sends (or drops) the agent's reply to conversation id at t. Inside the window
// it is free-form text; after it closes, the late-reply policy decides.
func (r *run) reply(t Time, id int32) {
	if r.desk.Conv(id).counted {
		r.waitingReplies--
	}
	r.answer(t, id)
}

// botAnswer sends (or drops) the bot's reply to conversation id at t (agents.Desk.Bot
// says what it is). Its hand-over message ("an agent will be with you") does not answer
// the customer: their message still waits for an agent, and their first response is
// the agent's reply.
func (r *run) botAnswer(t Time, id int32) {
	if !r.desk.Bot(t, id) {
		r.send(t, r.desk.Conv(id), false)
		return
	}
	if r.desk.Conv(id).counted {
		r.waitingReplies--
	}
	r.answer(t, id)
}

// answer sends the reply to the customer's latest message in conversation id, then
// waits for their next message or ends the conversation.
func (r *run) answer(t Time, id int32) {
	c := r.desk.Conv(id)
	if r.send(t, c, true) == Dropped {
		// The customer goes unanswered: the conversation ends, and the agent is free.
		r.desk.Release(t, id)
		return
	}
	if c.left > 0 {
		// The agent (or the bot) keeps the chat open while the customer thinks.
		r.q.Push(t+r.think.Draw(), evUser, id)
		return
	}
	r.desk.Release(t, id)
}

// send sends a reply in conversation c at t, by the agents or the bot alike: inside
// the window it is free-form text; after it closes, the late-reply policy decides.
// answers says whether it answers the customer (every reply but the bot's hand-over),
// so whether it can be the conversation's first response.
func (r *run) send(t Time, c *conv, answers bool) ReplyOutcome {
	outcome := InWindow
	if !r.biller.WindowOpen(uint32(c.customer), t) {
		outcome = LateOutcome(r.policy)
	}
	if answers && c.counted {
		// The replies counted (and the in-window share) are the ones that answer the
		// customer; the bot's hand-over messages are counted as bot_handoffs.
		r.rec.Reply(t, outcome)
	}
	if outcome == Dropped {
		if answers && !c.answered && c.counted {
			r.droppedConversations++ // its first reply dropped: never answered
		}
		return outcome
	}
	m := r.message(t, c.customer, model.FromBusiness)
	switch outcome {
	case LateUtility:
		m.Kind, m.Category = model.Template, model.Utility
	case LateMarketing:
		m.Kind, m.Category = model.Template, model.Marketing
	}
	r.bill(m, c.counted)
	if answers && !c.answered {
		c.answered = true
		if c.counted {
			if outcome == InWindow {
				r.answeredInWindow++
			}
			r.rec.FirstResponse(c.start, t)
		}
	}
	return outcome
}
