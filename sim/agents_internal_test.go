package sim

import (
	"slices"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/model/dist"
	"github.com/spendsim/spendsim/model/pricing"
)

// pickupLog records when each conversation (named by its queue-entry time) was picked
// up, and checks at every pickup that the agents hold no more chats than they have
// slots.
type pickupLog struct {
	t      *testing.T
	r      *run
	queued []Time
	at     []Time
}

func (p *pickupLog) Message(*model.Message, *pricing.Charge) {}
func (p *pickupLog) Reply(Time, ReplyOutcome)                {}
func (p *pickupLog) FirstResponse(Time, Time)                {}
func (p *pickupLog) Pickup(start, at Time) {
	p.queued, p.at = append(p.queued, start), append(p.at, at)
	if p.r != nil && p.r.desk.Busy() > p.r.desk.Slots() {
		p.t.Fatalf("pickup at %s: %d chats held, %d slots on duty", at, p.r.desk.Busy(), p.r.desk.Slots())
	}
}

// handMade is one agent holding one chat, a constant 10-minute handle time, one message
// per conversation, and next to no Poisson arrivals: the test starts conversations by
// hand.
func handMade(t *testing.T, priority agents.Priority) (*run, *pickupLog) {
	t.Helper()
	cfg, err := MMc(model.FromStd(time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)), 1000, 1, 1e-9, 6, 24)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Staffing.HandleTime = dist.Spec{Kind: dist.Constant, MeanS: 600}
	cfg.Staffing.Priority = priority
	log := &pickupLog{t: t}
	r, err := newRun(cfg, 1, log)
	if err != nil {
		t.Fatal(err)
	}
	r.step() // the shift starts: one slot on duty
	if r.desk.Slots() != 1 || r.conversations != 0 {
		t.Fatalf("after the first event: %d slots, %d conversations; want 1 and 0", r.desk.Slots(), r.conversations)
	}
	return r, log
}

// TestPriorityAdsFirst: while the one agent handles a direct conversation that came at
// 0 s, four more wait: direct at 1 s, ad at 2 s, direct at 3 s, Page button at 4 s.
// First come first served picks them up in arrival order; ads_first takes the two ad
// leads first (in their own arrival order), then the others, one every 10 minutes.
func TestPriorityAdsFirst(t *testing.T) {
	entries := []model.EntryPoint{model.EntryNone, model.EntryNone, model.EntryCTWA, model.EntryNone, model.EntryPageCTA}
	for _, c := range []struct {
		priority agents.Priority
		order    []int // seconds after the start at which each picked-up conversation came
	}{
		{agents.FIFO, []int{0, 1, 2, 3, 4}},
		{"", []int{0, 1, 2, 3, 4}},
		{agents.AdsFirst, []int{0, 2, 4, 1, 3}},
	} {
		r, log := handMade(t, c.priority)
		t0 := r.cfg.Start
		for i, e := range entries {
			r.startConversation(t0+Time(i)*model.Second, int32(i), e)
		}
		for r.step() {
		}
		var got, want []Time
		for i, s := range c.order {
			want = append(want, t0+Time(s)*model.Second)
			// Each pickup comes when the previous chat ends: 10 minutes after the last.
			if at := t0 + Time(i)*10*model.Minute; i < len(log.at) && log.at[i] != at {
				t.Errorf("%q: pickup %d at %s, want %s", c.priority, i, log.at[i], at)
			}
		}
		got = log.queued
		if !slices.Equal(got, want) {
			t.Errorf("%q: picked up conversations that came at %v, want %v", c.priority, got, want)
		}
	}
}

// TestConcurrencyWithBot: two agents on duty around the clock, each holding up to
// three chats, behind a bot that resolves half the conversations and hands over the
// rest, with three messages a conversation and more work than the agents can do. After
// every event the agents hold at most six chats, and they do fill all six.
func TestConcurrencyWithBot(t *testing.T) {
	cfg, err := MMc(model.FromStd(time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)), 100_000, 2, 30, 4, 24*14)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Staffing.Concurrency = 3
	cfg.Staffing.Bot = &agents.Bot{ReplyS: 5, ResolveShare: 0.5, HandoffS: 20}
	cfg.Staffing.Patience = dist.Spec{Kind: dist.Exponential, MeanS: 1800}
	cfg.Conversation.MessagesMean = 3
	cfg.Conversation.ThinkTime = dist.Spec{Kind: dist.Exponential, MeanS: 120}
	log := &pickupLog{t: t}
	r, err := newRun(cfg, 3, log)
	if err != nil {
		t.Fatal(err)
	}
	log.r = r
	most := 0
	for r.step() {
		if r.desk.Busy() > 6 || r.desk.Busy() > r.desk.Slots() {
			t.Fatalf("at event %d: %d chats held, %d slots", r.events, r.desk.Busy(), r.desk.Slots())
		}
		most = max(most, r.desk.Busy())
	}
	o := r.outcome()
	if most != 6 || len(log.at) == 0 || o.BotResolved == 0 || o.Abandoned == 0 {
		t.Errorf("at most %d chats held (want 6), %d pickups, %d resolved by the bot, %d gave up", most, len(log.at), o.BotResolved, o.Abandoned)
	}
}
