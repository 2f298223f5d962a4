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
// whenever it happens, and every template the business asks for inside it: after End
// no customer starts a conversation and the business starts no template of its own,
// but the conversations still open are followed to their end (answered, abandoned, or
// a late reply dropped), with the shifts going on as planned, and the templates the
// messaging limit still holds go as it lets them; what that costs is billed to the run. Before Start, Warmup is simulated
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
	Levels []load.Step
	// Periods, for forecasts, are the starts of the months after the first, sorted:
	// the run's Stats also figures how fast the conversations that arrived in each
	// period, [Start, Periods[0]), [Periods[0], Periods[1]), ... up to End, were
	// answered (RunResult.Periods). Nil: the whole horizon only.
	Periods      []model.Time
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

// Event kinds: the agent desk's own (agents.DeskReply, ...) are kinds 0 to
// agents.DeskEvents-1, scheduled through run.Schedule; the run's follow.
const (
	evStaff     = uint8(agents.DeskEvents) + iota // a capacity change: the horizon's next (ID -1) or the drain's (ID = step)
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
	botRec   BotRecorder
	q        Queue
	clock    horizon // warm-up, horizon and drain

	arrivals           *load.Arrivals
	rngArrival, rngWho *rand.Rand
	rngLength          *rand.Rand
	rngEntry           *rand.Rand // entry points of customer-started conversations; nil without them
	think              *dist.Sampler
	desk               *agents.Desk[conv]
	biller             *billing.Biller
	pattern            *agents.Pattern
	staff              *agents.Cursor // the horizon's capacity changes, laid as they come
	staffNext          agents.Step    // the change scheduled next (evStaff, ID -1)
	drain              []agents.Step  // capacity changes after the horizon (layShifts)
	country            []uint8        // per customer: index into cfg.Countries
	active             int            // customers active now (all of them without growth)
	growthNext         int            // next cfg.Growth step to apply
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
	r.botRec, _ = rec.(BotRecorder)
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
	if len(cfg.Countries) == 1 {
		r.country = make([]uint8, all) // what the draws give: the one country, and the stream is the base's alone
	} else {
		r.country = mix.Assign(all, Stream(seed, "customers"))
	}
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
	r.pattern = cfg.Staffing.Pattern()
	r.staff = r.pattern.Cursor(from, cfg.End, cfg.Location)
	r.nextStaff()
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
		r.setAgents(e)
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

// setAgents applies a capacity change (evStaff): the horizon's next one, or one the
// drain laid.
func (r *run) setAgents(e Event) {
	if e.ID >= 0 {
		r.desk.SetAgents(e.T, r.drain[e.ID].Agents)
		return
	}
	r.desk.SetAgents(e.T, r.staffNext.Agents)
	r.nextStaff()
}

// nextStaff schedules the horizon's next capacity change, one at a time. It comes
// before any other event of its instant, as it did when a run scheduled every change
// of the horizon before anything else.
func (r *run) nextStaff() {
	if st, ok := r.staff.Next(); ok {
		r.staffNext = st
		r.q.PushFirst(st.At, evStaff, -1)
	}
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
		DrainAgentTime:       r.clock.drainTime,
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
	ci := uint8(0)
	if len(r.countryCode) > 1 { // one country: no look at the customer's, a cache miss in a big base
		ci = r.country[customer]
	}
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
	before := r.desk.Counts()
	answers := r.desk.Bot(t, id)
	if after := r.desk.Counts(); r.botRec != nil {
		if n := after.BotResolved + after.BotHandoffs - before.BotResolved - before.BotHandoffs; n > 0 {
			r.botRec.BotConversations(t, n)
		}
	}
	if !answers {
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
