package replay

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/sim"
)

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
// The agents are sim.Run's (agents.Desk, the one model of them): shifts give chat slots
// (agents × concurrency) over time, laid in Location, holidays closed; a conversation
// queues until a slot is free, first come, first served or, under priority ads_first,
// ad leads first (a conversation is an ad lead when the user message that started it
// came through an entry point: a click-to-WhatsApp ad or a Page button); an agent holds
// it for one handle-time draw and then replies, free-form inside the window, else by the
// late-reply policy (a utility or marketing template, or nothing). An agent whose shift
// ends finishes the chat in hand. With a response-time distribution
// (agents.response_time), each conversation is answered that long after it joins, with
// no queue. With a bot (agents.bot), each conversation gets the bot's reply reply_s
// after it starts; the bot resolves resolve_share of them alone and hands the rest to
// the agents handoff_s after its reply, while the customer still waits (messages join
// as usual). With patience (agents.patience), a customer who waits in the agents' queue
// longer than a draw of it gives up: the conversation ends unanswered (and abandoned),
// and their next message starts a new one; patience ends when an agent picks the
// conversation up. With agents.ignore_share, that share of the conversations reaching
// the agents is never taken up: it ends unanswered at once, as if its customer gave up.
//
// Where Run differs is what a conversation is: here it ends at its reply, so the agent
// frees the chat slot when it replies (the trace does not say whether the customer will
// write again), and a later message starts a new conversation that goes to the bot and
// the queue again; Run's agent (or bot) keeps a conversation to its last message.
//
// After the trace ends, the agents keep working until every conversation is answered
// (or, when no shift has anyone on it, stop with those left unanswered): the restaffed
// bill holds the reply to every conversation of the trace, a backlog's late templates
// included, whenever they would have gone out. The original's unanswered are those its
// trace shows no reply to.
//
// Memory grows with users and with conversations in flight, not with messages: shifts
// are laid one local day at a time, and the only queue holds shift changes and the
// desk's events.
type Restaffer struct {
	src      RecordSource
	staffing agents.Staffing
	loc      *time.Location
	policy   agents.LatePolicy

	q     sim.Queue
	desk  *agents.Desk[restaffConv]
	steps []agents.Step // the current local day's capacity steps
	pairs map[pairKey]*restaffPair

	next     model.Record
	haveNext bool
	srcDone  bool
	started  bool
	firstTS  model.Time
	lastTS   model.Time
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

// restaffConv is what the restaffer keeps of a conversation beside the desk's state.
type restaffConv struct {
	pair     *restaffPair
	start    model.Time
	answered bool // has had a first reply (the agent's, when the bot hands over)
}

// Event kinds: the desk's (agents.DeskReply, ...), then the restaffer's own.
const (
	rsStaff = uint8(agents.DeskEvents) + iota // capacity changes; ID = index into steps
	rsDay                                     // lay the next local day's shifts
)

// NewRestaffer restaffs the trace src yields (in send-time order) with cfg.
func NewRestaffer(src RecordSource, cfg RestaffConfig) (*Restaffer, error) {
	if errs := cfg.Staffing.Validate("agents"); len(errs) > 0 {
		return nil, fmt.Errorf("replay: restaff: %s", strings.Join(errs, "; "))
	}
	r := &Restaffer{
		src: src, staffing: cfg.Staffing, loc: cfg.Location, policy: cfg.Staffing.LateReply,
		pairs: map[pairKey]*restaffPair{}, tally: newResponseTally(),
	}
	if r.loc == nil {
		r.loc = time.UTC
	}
	r.desk = agents.NewDesk[restaffConv](cfg.Staffing, 0, r, func(name string) rand.Source {
		return sim.StreamSource(cfg.Seed, "restaff."+name)
	})
	return r, nil
}

// Schedule implements agents.Scheduler: the desk's events go in the restaffer's queue.
func (r *Restaffer) Schedule(at model.Time, ev agents.DeskEvent, id int32) {
	r.q.Push(at, uint8(ev), id)
}

// PickedUp implements agents.Scheduler; a restaffing does not measure pickups.
func (r *Restaffer) PickedUp(int32, model.Time, model.Time) {}

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
					r.err = lineErrorf(&r.next, "ts %s is earlier than the previous row's %s; sort the trace by ts (or pass --sort)", r.next.TS, r.lastTS)
					return r.err
				}
				if !r.started {
					r.started, r.firstTS = true, r.next.TS
					if !r.staffing.ByResponseTime() {
						r.layDay(r.next.TS)
					}
				}
				r.lastTS, r.haveNext = r.next.TS, true
			}
		}
		if r.srcDone && r.desk.Settled() {
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
func (r *Restaffer) layDay(t model.Time) {
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
	r.tally.r.Wanted++
	// A conversation the agents never take up (agents.ignore_share) is over at once,
	// like one whose customer gave up: the user's next message starts another.
	if id, ignored := r.desk.Arrive(rec.TS, rec.EntryPoint != model.EntryNone, restaffConv{pair: p, start: rec.TS}); !ignored {
		p.conv = id
	}
}

// event handles one queued event; it reports whether it filled out with a reply.
func (r *Restaffer) event(e sim.Event, out *model.Record) bool {
	switch e.Kind {
	case rsStaff:
		r.desk.SetAgents(e.T, r.steps[e.ID].Agents)
	case rsDay:
		r.layDay(e.T)
	case uint8(agents.DeskHandoff):
		if r.desk.HandOver(e.T, e.ID) {
			r.desk.Conv(e.ID).pair.conv = -1 // ignored by the agents, like a customer who gave up
		}
	case uint8(agents.DeskGiveUp):
		// If no agent has picked the conversation up, the customer leaves unanswered;
		// their next message starts a new conversation.
		if r.desk.GiveUp(e.ID) {
			r.desk.Conv(e.ID).pair.conv = -1
		}
	case uint8(agents.DeskReply), uint8(agents.DeskBot):
		// The bot answers first; it resolves the conversation alone, or the customer
		// still waits for an agent, who gets it handoff_s later.
		ends := e.Kind == uint8(agents.DeskReply) || r.desk.Bot(e.T, e.ID)
		c := r.desk.Conv(e.ID)
		o := r.send(e.T, c.pair, out)
		if o != sim.Dropped && ends && !c.answered {
			c.answered = true
			r.tally.answered(c.start, e.T)
		}
		if ends {
			switch o {
			case sim.InWindow:
				r.tally.r.InWindow++
			case sim.LateUtility:
				r.tally.r.Late++
				r.tally.r.LateUtility++
			case sim.LateMarketing:
				r.tally.r.Late++
				r.tally.r.LateMarketing++
			case sim.Dropped:
				r.tally.r.Dropped++
			}
			c.pair.conv = -1
			r.desk.Release(e.T, e.ID) // the agent frees the slot: the conversation is over
		}
		if o == sim.Dropped {
			return false
		}
		r.replies++
		return true
	}
	return false
}

// send fills out with a reply to p at t: free-form inside the window, else what the
// late-reply policy says (out is left alone when it drops the reply).
func (r *Restaffer) send(t model.Time, p *restaffPair, out *model.Record) sim.ReplyOutcome {
	o := sim.InWindow
	if t >= p.orig.cswEnd {
		if o = sim.LateOutcome(r.policy); o == sim.Dropped {
			return o
		}
	}
	*out = model.Record{TS: t, User: p.user, Business: p.business, Country: p.country,
		Direction: model.FromBusiness, Status: model.Delivered}
	lateAs(out, o)
	return o
}

// lateAs makes rec, a reply, what outcome o sends: a utility or marketing template; it
// reports false for a reply the policy drops (rec is then not sent), and leaves rec
// alone inside the window. Restaffed late replies and the original's free-form
// messages outside the window, billed like for like, go out by this one rule.
func lateAs(rec *model.Record, o sim.ReplyOutcome) bool {
	switch o {
	case sim.LateUtility:
		rec.Kind, rec.Category = model.Template, model.Utility
	case sim.LateMarketing:
		rec.Kind, rec.Category = model.Template, model.Marketing
	case sim.Dropped:
		return false
	}
	return true
}

// Responses are the restaffed trace's reply figures; call it after Next returned io.EOF.
func (r *Restaffer) Responses() (Responses, error) {
	if !r.finished {
		return Responses{}, errors.New("replay: restaff: Responses before the trace ended")
	}
	dc := r.desk.Counts()
	r.tally.r.BotReplies, r.tally.r.BotResolved, r.tally.r.Abandoned = dc.BotReplies, dc.BotResolved, dc.Abandoned
	r.tally.r.Unanswered = r.desk.InFlight() + dc.Abandoned + dc.Ignored
	return r.tally.result()
}

// Staffing is what the restaffed team's cost is counted on: the agent-time on duty
// over the trace's local days (from the first record's day to the last's, whole days
// in the shifts' zone; the work after the trace's end is the next days' shifts, as
// spendsim run counts its horizon's), and the conversations the bot took on. Call it
// after Next returned io.EOF.
func (r *Restaffer) Staffing() (agentTime model.Time, botConversations int64) {
	if !r.started {
		return 0, 0
	}
	first, last := r.firstTS.In(r.loc), r.lastTS.In(r.loc)
	from := model.FromStd(model.DayStart(first.Year(), first.Month(), first.Day(), r.loc))
	to := model.FromStd(model.DayStart(last.Year(), last.Month(), last.Day()+1, r.loc))
	dc := r.desk.Counts()
	return r.staffing.Timeline(from, to, r.loc).AgentTime, dc.BotResolved + dc.BotHandoffs
}

// Customers is the number of (business number, user) pairs who wrote: the original's
// (ResponseMeter.Customers), whatever the staffing.
func (r *Restaffer) Customers() int64 { return int64(len(r.pairs)) }

// Removed is the number of the trace's business messages left out: its free-form ones
// and its late-reply templates.
func (r *Restaffer) Removed() int64 { return r.removed }

// Replies is the number of simulated replies sent.
func (r *Restaffer) Replies() int64 { return r.replies }
