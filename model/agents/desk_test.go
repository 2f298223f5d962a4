package agents

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/dist"
)

// owner is the smallest owner a desk can have: a time-ordered list of its events, a
// log of what happened, and every conversation released at its reply (as restaff
// does). Conversations are named by a letter, their data.
type owner struct {
	desk   *Desk[string]
	events []scheduled
	seq    int
	log    []string
}

type scheduled struct {
	at  model.Time
	seq int
	ev  DeskEvent
	id  int32
}

func (o *owner) Schedule(at model.Time, ev DeskEvent, id int32) {
	o.seq++
	o.events = append(o.events, scheduled{at, o.seq, ev, id})
}

func (o *owner) PickedUp(id int32, queued, at model.Time) {
	o.log = append(o.log, fmt.Sprintf("%d %s picked up (queued %d)", at/model.Second, *o.desk.Conv(id), queued/model.Second))
}

func newOwner(s Staffing) *owner {
	o := &owner{}
	o.desk = NewDesk[string](s, 0, o, func(name string) rand.Source { return rand.NewPCG(1, uint64(len(name))) })
	return o
}

// run hands the desk its events in (time, scheduling) order up to until.
func (o *owner) run(until model.Time) {
	for len(o.events) > 0 {
		i := 0
		for j, e := range o.events {
			if e.at < o.events[i].at || (e.at == o.events[i].at && e.seq < o.events[i].seq) {
				i = j
			}
		}
		e := o.events[i]
		if e.at > until {
			return
		}
		o.events = slices.Delete(o.events, i, i+1)
		name := *o.desk.Conv(e.id)
		switch e.ev {
		case DeskReply:
			o.log = append(o.log, fmt.Sprintf("%d %s answered", e.at/model.Second, name))
			o.desk.Release(e.at, e.id)
		case DeskBot:
			if o.desk.Bot(e.at, e.id) {
				o.log = append(o.log, fmt.Sprintf("%d %s resolved by the bot", e.at/model.Second, name))
				o.desk.Release(e.at, e.id)
			} else {
				o.log = append(o.log, fmt.Sprintf("%d %s handed over by the bot", e.at/model.Second, name))
			}
		case DeskHandoff:
			if o.desk.HandOver(e.at, e.id) {
				o.log = append(o.log, fmt.Sprintf("%d %s ignored", e.at/model.Second, name))
			}
		case DeskGiveUp:
			if o.desk.GiveUp(e.id) {
				o.log = append(o.log, fmt.Sprintf("%d %s gave up", e.at/model.Second, name))
			}
		}
	}
}

// oneChat is one agent with one chat slot and a 600 s handle time.
func oneChat() Staffing {
	return Staffing{
		Shifts:      []Shift{{Start: "00:00", End: "24:00", Headcount: 1}},
		Concurrency: 1,
		HandleTime:  dist.Spec{Kind: dist.Constant, MeanS: 600},
	}
}

func sec(s int) model.Time { return model.Time(s) * model.Second }

func checkLog(t *testing.T, o *owner, want ...string) {
	t.Helper()
	if got := strings.Join(o.log, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("log:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// TestDeskAdsFirst: a busy agent, then b (ad), c (direct), d (ad) waiting: ads_first
// takes the ad leads first, each group first come, first served.
func TestDeskAdsFirst(t *testing.T) {
	s := oneChat()
	s.Priority = AdsFirst
	o := newOwner(s)
	o.desk.SetAgents(0, 1)
	for i, c := range []struct {
		name string
		ad   bool
	}{{"a", false}, {"b", true}, {"c", false}, {"d", true}} {
		o.desk.Arrive(sec(i), c.ad, c.name)
	}
	o.run(sec(10_000))
	checkLog(t, o,
		"0 a picked up (queued 0)",
		"600 a answered", "600 b picked up (queued 1)",
		"1200 b answered", "1200 d picked up (queued 3)",
		"1800 d answered", "1800 c picked up (queued 2)",
		"2400 c answered")
	if o.desk.InFlight() != 0 || o.desk.Busy() != 0 || o.desk.BusyTime(sec(3000)) != sec(2400) {
		t.Errorf("%d in flight, %d busy, %v busy time", o.desk.InFlight(), o.desk.Busy(), o.desk.BusyTime(sec(3000)))
	}
}

// TestDeskPatience: customers wait 300 s at most. b and c find the agent busy and give
// up; d comes when the agent is free and is picked up at once (no patience drawn). The
// slots of b and c are reused only once their give-up events have passed.
func TestDeskPatience(t *testing.T) {
	s := oneChat()
	s.Patience = dist.Spec{Kind: dist.Constant, MeanS: 300}
	o := newOwner(s)
	o.desk.SetAgents(0, 1)
	o.desk.Arrive(0, false, "a")
	o.desk.Arrive(sec(1), false, "b")
	o.desk.Arrive(sec(2), false, "c")
	o.run(sec(700))
	if id, _ := o.desk.Arrive(sec(700), false, "d"); id != 2 {
		t.Errorf("d got slot %d, want 2 (c's, the last freed)", id)
	}
	o.run(sec(10_000))
	checkLog(t, o,
		"0 a picked up (queued 0)",
		"301 b gave up", "302 c gave up",
		"600 a answered",
		"700 d picked up (queued 700)",
		"1300 d answered")
	if c := o.desk.Counts(); c != (DeskCounts{Abandoned: 2}) || o.desk.InFlight() != 0 || !o.desk.Settled() {
		t.Errorf("counts %+v, %d in flight", c, o.desk.InFlight())
	}
}

// TestDeskBot: a bot answers in 5 s and, resolving nothing, hands over 10 s later; with
// nobody on duty the conversation waits in the queue, and the desk is settled once the
// bot has nothing left to do, since no shift has anyone on it.
func TestDeskBot(t *testing.T) {
	s := oneChat()
	s.Shifts[0].Headcount = 0
	s.Bot = &Bot{ReplyS: 5, HandoffS: 10}
	o := newOwner(s)
	o.desk.Arrive(0, false, "a")
	if o.desk.Settled() {
		t.Error("settled with the bot's reply to come")
	}
	o.run(sec(10))
	if o.desk.Settled() {
		t.Error("settled with the hand-over to come")
	}
	o.run(sec(10_000))
	checkLog(t, o, "5 a handed over by the bot")
	if c := o.desk.Counts(); c != (DeskCounts{BotReplies: 1, BotHandoffs: 1}) || o.desk.InFlight() != 1 || !o.desk.Settled() {
		t.Errorf("counts %+v, %d in flight, settled %v", c, o.desk.InFlight(), o.desk.Settled())
	}
	s.Bot.ResolveShare = 1
	o = newOwner(s)
	o.desk.Arrive(0, false, "b")
	o.run(sec(10_000))
	checkLog(t, o, "5 b resolved by the bot")
	if c := o.desk.Counts(); c != (DeskCounts{BotReplies: 1, BotResolved: 1}) || o.desk.InFlight() != 0 {
		t.Errorf("counts %+v, %d in flight", c, o.desk.InFlight())
	}
}

// TestDeskIgnoreShare: with ignore_share 1 the agents take up nothing: each
// conversation is over at once, unanswered, its slot free for the next, and the desk is
// settled (an owner draining its backlog stops); with a bot, the bot still answers
// first and the conversation ends at the hand-over. With a share of 0.3, about 30% of
// 10,000 conversations are ignored (four standard errors: ±0.018).
func TestDeskIgnoreShare(t *testing.T) {
	s := oneChat()
	s.IgnoreShare = 1
	o := newOwner(s)
	o.desk.SetAgents(0, 1)
	for i, name := range []string{"a", "b"} {
		if id, ignored := o.desk.Arrive(sec(i), false, name); !ignored || id != 0 {
			t.Errorf("%s: slot %d, ignored %v; want slot 0, ignored", name, id, ignored)
		}
	}
	o.run(sec(10_000))
	checkLog(t, o)
	if c := o.desk.Counts(); c != (DeskCounts{Ignored: 2}) || o.desk.InFlight() != 0 || !o.desk.Settled() {
		t.Errorf("counts %+v, %d in flight, settled %v", c, o.desk.InFlight(), o.desk.Settled())
	}
	s.Bot = &Bot{ReplyS: 5}
	o = newOwner(s)
	o.desk.SetAgents(0, 1)
	if _, ignored := o.desk.Arrive(0, false, "c"); ignored {
		t.Error("ignored before the bot answered")
	}
	o.run(sec(10_000))
	checkLog(t, o, "5 c handed over by the bot", "5 c ignored")
	if c := o.desk.Counts(); c != (DeskCounts{Ignored: 1, BotReplies: 1, BotHandoffs: 1}) || o.desk.InFlight() != 0 {
		t.Errorf("with a bot: counts %+v, %d in flight", c, o.desk.InFlight())
	}

	s = oneChat()
	s.IgnoreShare = 0.3
	s.Shifts[0].Headcount = 100
	o = newOwner(s)
	o.desk.SetAgents(0, 100)
	const n = 10_000
	for i := range n {
		o.desk.Arrive(sec(i), false, "x")
		o.run(sec(i))
	}
	if got := float64(o.desk.Counts().Ignored) / n; got < 0.282 || got > 0.318 {
		t.Errorf("ignored share %.4f of %d, want 0.3 ± 0.018", got, n)
	}
}
