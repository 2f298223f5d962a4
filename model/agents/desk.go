package agents

import (
	"math"
	"math/rand/v2"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/dist"
	"github.com/spendsim/spendsim/model/fifo"
)

// DeskEvent is an event the desk asks its owner to schedule (Scheduler.Schedule) and
// expects back, at its time, through the method its comment names.
type DeskEvent uint8

const (
	DeskReply   DeskEvent = iota // the agents' reply to conversation ID is ready: the owner sends it, then releases or keeps the conversation
	DeskBot                      // the bot's reply to conversation ID is ready: Bot, then the owner sends it
	DeskHandoff                  // the bot hands conversation ID to the agents: HandOver
	DeskGiveUp                   // the customer of conversation ID runs out of patience: GiveUp
	// DeskEvents is the number of desk events: an owner that keeps the desk's events
	// in its own queue as kinds 0 to DeskEvents-1 numbers its other events from here.
	DeskEvents
)

// Scheduler is all a desk sees of its owner: the owner's event queue, and an ear for
// pickups. The desk never sees the owner's other events.
type Scheduler interface {
	// Schedule asks for ev about conversation id to come back at at; ties in time come
	// back in the order they were scheduled.
	Schedule(at model.Time, ev DeskEvent, id int32)
	// PickedUp says an agent took conversation id, which joined the queue at queued,
	// at at.
	PickedUp(id int32, queued, at model.Time)
}

// Streams are a desk's random sources, by name: "handle", "response", "patience",
// "bot" and "ignore". A run and a restaffing name their streams apart (sim.Run draws from "handle",
// restaff from "restaff.handle"), so the desk asks for each through this function.
type Streams func(name string) rand.Source

// Where a conversation is on the agents' side.
const (
	convBotFirst  uint8 = iota // waiting for the bot's first reply
	convBotOnly                // the bot resolves it alone
	convHandoff                // the bot has answered first and is handing it over
	convQueued                 // waiting in the agents' queue
	convServing                // an agent holds it (or, by response time, the team)
	convAbandoned              // its customer gave up waiting; still in the queue's ring, skipped
	convDone                   // over, but its give-up event is still pending: the slot waits for it
)

type deskConv[C any] struct {
	queued    model.Time // joined the agents' queue: its arrival, or the bot's hand-off
	state     uint8      // convBotFirst, ...
	pending   bool       // a give-up event for this slot is scheduled
	ad        bool       // it came through an ad or a Page button (AdsFirst)
	uncounted bool       // it arrived before CountFrom: left out of Counts
	data      C          // the owner's
}

// DeskCounts are what a desk counts over its life, for the conversations that arrived
// from CountFrom on.
type DeskCounts struct {
	Abandoned   int64 // conversations whose customer gave up waiting in the queue
	Ignored     int64 // conversations the agents never took up (Staffing.IgnoreShare)
	BotReplies  int64 // replies the bot produced (the owner may still drop them)
	BotResolved int64 // conversations the bot took on alone (no agent)
	BotHandoffs int64 // conversations the bot answered first and handed to the agents
}

// Desk is the agents' side of a support centre, the one model of it that sim.Run and
// restaffing share: conversations waiting for an agent, the queue's order (Priority),
// chat slots on duty and in use, customers' patience, the bot's first reply and its
// choice to resolve a conversation or hand it over, and a team modelled by its response
// time instead (no queue). It is pure and single-threaded; time moves only through the
// events it schedules with its owner and the calls the owner makes.
//
// A conversation comes in with Arrive. With a bot, the bot answers first (DeskBot):
// Bot says whether it resolves the conversation alone or hands it over (DeskHandoff,
// handoff_s later). Without one, or once handed over, the conversation joins the queue
// (except the IgnoreShare the agents never take up, drawn from the "ignore" stream as
// each comes: those are over at once, unanswered); each group of the queue (ad leads
// under ads_first, then everyone) is first come, first served. An agent with a free
// chat slot picks one up and replies one handle-time draw later (DeskReply). A customer who waits with no slot free may give up (DeskGiveUp);
// patience ends when an agent picks the conversation up. A response-time team answers
// each conversation one draw of it after it joins, whoever is on duty.
//
// After a reply the owner either releases the conversation (Release: the agent frees
// the slot) or keeps it: the agent keeps the slot while the customer thinks, and
// FollowUp schedules the reply to their next message. That is the one
// place run and restaff differ: a run knows each conversation's length and holds the
// slot to its last message; a trace does not say whether the customer will write
// again, so restaff releases at every reply and a later message is a new conversation.
//
// Conversations live in a slab with a free list, each with the owner's data C beside
// the desk's state: the steady state allocates nothing. Ids are slab slots, reused once
// a conversation is over and no event about it is pending.
type Desk[C any] struct {
	sched    Scheduler
	convs    []deskConv[C]
	free     []int32
	fifo     fifo.Ring[int32]
	ads      fifo.Ring[int32] // with AdsFirst: queued ad leads, picked before fifo
	adsFirst bool

	concurrency int
	slots       int // chat slots on duty
	busy        int // chat slots in use
	// busyArea is the integral of busy slots on duty (min(busy, slots)) over time up to
	// lastChange, for utilisation: the chats an agent finishes after the shift are not
	// on paid slot-time, so they do not count as its use.
	busyArea, lastChange model.Time

	handle               *dist.Sampler
	respond              *dist.Sampler // the team's response time, when modelled by it; else nil
	patience             *dist.Sampler // nil: customers wait for ever
	bot                  *Bot          // nil without a bot
	rngBot               *rand.Rand    // which conversations the bot resolves; nil without a bot
	rngIgnore            *rand.Rand    // which conversations the agents never take up; nil with IgnoreShare 0
	ignoreShare          float64
	botReply, botHandoff model.Time

	countFrom  model.Time // conversations arriving before it are not counted
	capacity   bool       // some shift has someone on it, or a response time answers every conversation
	inFlight   int64      // conversations arrived and not yet released or abandoned
	botPending int64      // bot replies and hand-offs scheduled
	counts     DeskCounts
}

// NewDesk is the desk of s (valid: Staffing.Validate), scheduling through sched and
// drawing from streams, with no slot on duty until SetAgents; its clock starts at start
// (for BusyTime).
func NewDesk[C any](s Staffing, start model.Time, sched Scheduler, streams Streams) *Desk[C] {
	d := &Desk[C]{
		sched: sched, adsFirst: s.Priority == AdsFirst, concurrency: s.Concurrency,
		handle: dist.New(s.HandleTime, streams("handle")), lastChange: start,
		countFrom: math.MinInt64,
	}
	for _, sh := range s.Shifts {
		d.capacity = d.capacity || sh.Headcount > 0
	}
	if s.ByResponseTime() {
		d.respond = dist.New(s.ResponseTime, streams("response"))
		d.capacity = true
	}
	if !s.Patient() {
		d.patience = dist.New(s.Patience, streams("patience"))
	}
	if s.IgnoreShare > 0 {
		d.rngIgnore, d.ignoreShare = rand.New(streams("ignore")), s.IgnoreShare
	}
	if b := s.Bot; b != nil {
		d.bot, d.rngBot = b, rand.New(streams("bot"))
		d.botReply, d.botHandoff = model.FromSeconds(b.ReplyS), model.FromSeconds(b.HandoffS)
	}
	return d
}

// CountFrom leaves the conversations that arrive before t out of Counts: a run's
// warm-up is simulated but not counted.
func (d *Desk[C]) CountFrom(t model.Time) { d.countFrom = t }

// Conv is the owner's data of conversation id, valid until the next Arrive.
func (d *Desk[C]) Conv(id int32) *C { return &d.convs[id].data }

// Arrive opens a conversation at t with the owner's data: the bot's reply is scheduled,
// or it joins the queue. ad says it came through an ad or a Page button. ignored says
// the agents will never take it up (IgnoreShare; without a bot, decided here): the
// conversation is over at once, unanswered, and id is free for the next Arrive.
func (d *Desk[C]) Arrive(t model.Time, ad bool, data C) (id int32, ignored bool) {
	if n := len(d.free); n > 0 {
		id, d.free = d.free[n-1], d.free[:n-1]
	} else {
		id = int32(len(d.convs))
		d.convs = append(d.convs, deskConv[C]{})
	}
	d.convs[id] = deskConv[C]{ad: ad, uncounted: t < d.countFrom, data: data}
	d.inFlight++
	if d.bot != nil {
		d.botPending++
		d.sched.Schedule(t+d.botReply, DeskBot, id)
		return id, false
	}
	return id, d.enqueue(t, id)
}

// SetAgents puts agents on duty from t (each with Concurrency chat slots) and hands
// waiting conversations to any slot that came free. An agent whose shift ends finishes
// the chats in hand.
func (d *Desk[C]) SetAgents(t model.Time, agents int) {
	d.setBusy(t, d.busy) // the busy time on duty so far, under the slots until t
	d.slots = agents * d.concurrency
	d.dispatch(t)
}

// Bot is the bot's reply to conversation id at t (DeskBot). Its first reply to a
// conversation decides, from the "bot" stream, whether it resolves the conversation
// alone (then it answers like an agent: the owner sends the reply and releases or holds
// the conversation) or hands it over: then its reply does not answer the customer, who
// still waits for an agent, and the conversation joins the queue handoff_s later.
// It reports whether the reply answers the customer.
func (d *Desk[C]) Bot(t model.Time, id int32) (answers bool) {
	c := &d.convs[id]
	d.botPending--
	var one int64 // 1 if the conversation is counted
	if !c.uncounted {
		one = 1
	}
	d.counts.BotReplies += one
	if c.state == convBotFirst {
		c.state = convHandoff
		if d.rngBot.Float64() < d.bot.ResolveShare {
			c.state = convBotOnly
			d.counts.BotResolved += one
		}
	}
	if c.state != convHandoff {
		return true
	}
	d.counts.BotHandoffs += one
	d.botPending++
	d.sched.Schedule(t+d.botHandoff, DeskHandoff, id)
	return false
}

// HandOver puts conversation id, handed over by the bot, in the agents' queue at t
// (DeskHandoff). ignored says the agents will never take it up (IgnoreShare): it is
// over, unanswered.
func (d *Desk[C]) HandOver(t model.Time, id int32) (ignored bool) {
	d.botPending--
	return d.enqueue(t, id)
}

// GiveUp is conversation id's customer running out of patience (DeskGiveUp). If no
// agent has picked the conversation up, they leave the queue unanswered: it reports
// true, and the conversation is over.
func (d *Desk[C]) GiveUp(id int32) (abandoned bool) {
	c := &d.convs[id]
	c.pending = false
	switch c.state {
	case convQueued:
		// Left in the ring, to be skipped when its turn comes: removing it from the
		// middle would cost a scan.
		c.state = convAbandoned
		if !c.uncounted {
			d.counts.Abandoned++
		}
		d.inFlight--
		return true
	case convDone:
		d.free = append(d.free, id)
	}
	return false
}

// FollowUp schedules the reply to a further message the customer of conversation id,
// held after a reply, sent at t: the bot's, when it resolves the conversation alone,
// else the agent's after a handle time (or the team's after its response time).
func (d *Desk[C]) FollowUp(t model.Time, id int32) {
	if d.convs[id].state == convBotOnly {
		d.botPending++
		d.sched.Schedule(t+d.botReply, DeskBot, id)
		return
	}
	if d.respond != nil {
		d.sched.Schedule(t+d.respond.Draw(), DeskReply, id)
		return
	}
	d.sched.Schedule(t+d.handle.Draw(), DeskReply, id)
}

// Release ends conversation id at t: its slab slot is freed (once no event about it is
// pending) and, if an agent held it, so is the agent's chat slot, which goes to the
// next conversation in the queue.
func (d *Desk[C]) Release(t model.Time, id int32) {
	c := &d.convs[id]
	held := d.respond == nil && c.state == convServing
	if c.pending {
		c.state = convDone // the give-up event frees the slot
	} else {
		d.free = append(d.free, id)
	}
	d.inFlight--
	if !held {
		return // no chat slot was taken
	}
	d.setBusy(t, d.busy-1)
	d.dispatch(t)
}

// enqueue puts conversation id in the agents' queue at t, or, for a team modelled by
// its response time, schedules the team's reply; or, for the IgnoreShare the agents
// never take up, ends it unanswered and reports true.
func (d *Desk[C]) enqueue(t model.Time, id int32) (ignored bool) {
	if d.rngIgnore != nil && d.rngIgnore.Float64() < d.ignoreShare {
		d.counts.Ignored++
		d.inFlight--
		d.convs[id].state = convDone
		d.free = append(d.free, id) // no event about it is pending: a bot's are done
		return true
	}
	c := &d.convs[id]
	c.queued = t
	c.state = convServing
	if d.respond != nil {
		// No queue: the team answers after its response time, whoever is on duty.
		d.sched.Schedule(t+d.respond.Draw(), DeskReply, id)
		return false
	}
	c.state = convQueued
	if d.adsFirst && c.ad {
		d.ads.Push(id)
	} else {
		d.fifo.Push(id)
	}
	if d.patience != nil && d.busy >= d.slots {
		// It will wait (with a free slot it is picked up at once, below).
		c.pending = true
		d.sched.Schedule(t+d.patience.Draw(), DeskGiveUp, id)
	}
	d.dispatch(t)
	return false
}

// next takes the next conversation an agent should pick up from the queue: the
// longest-waiting ad lead under ads_first, else the longest-waiting conversation.
func (d *Desk[C]) next() (int32, bool) {
	for d.ads.Len() > 0 || d.fifo.Len() > 0 {
		var id int32
		if d.ads.Len() > 0 {
			id = d.ads.Pop()
		} else {
			id = d.fifo.Pop()
		}
		if d.convs[id].state == convQueued {
			return id, true
		}
		d.free = append(d.free, id) // abandoned: its give-up event has passed
	}
	return 0, false
}

// dispatch hands queued conversations to free slots, in the queue's order.
func (d *Desk[C]) dispatch(t model.Time) {
	for d.busy < d.slots {
		id, ok := d.next()
		if !ok {
			return
		}
		c := &d.convs[id]
		c.state = convServing
		d.setBusy(t, d.busy+1)
		d.sched.PickedUp(id, c.queued, t)
		d.sched.Schedule(t+d.handle.Draw(), DeskReply, id)
	}
}

func (d *Desk[C]) setBusy(t model.Time, busy int) {
	d.busyArea += model.Time(min(d.busy, d.slots)) * (t - d.lastChange)
	d.lastChange, d.busy = t, busy
}

// Slots is the number of chat slots on duty.
func (d *Desk[C]) Slots() int { return d.slots }

// Busy is the number of chat slots in use.
func (d *Desk[C]) Busy() int { return d.busy }

// BusyTime is the chat-slot time in use on duty (at most the slots on duty at each
// moment) from the desk's start to t (not before the last change of it).
func (d *Desk[C]) BusyTime(t model.Time) model.Time {
	return d.busyArea + model.Time(min(d.busy, d.slots))*(t-d.lastChange)
}

// Counts are the desk's counts so far.
func (d *Desk[C]) Counts() DeskCounts { return d.counts }

// InFlight is the number of conversations arrived and not yet over (released or
// abandoned).
func (d *Desk[C]) InFlight() int64 { return d.inFlight }

// Settled reports whether the desk will do nothing more for the conversations in
// flight: there are none, or nobody can answer them (no shift has anyone on it, no
// response time) and the bot has nothing scheduled. An owner that works on until its
// conversations are answered stops there.
func (d *Desk[C]) Settled() bool {
	return d.inFlight == 0 || (!d.capacity && d.botPending == 0)
}
