package sim_test

import (
	"fmt"
	"testing"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/model/dist"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/sim"
)

// lastReply notes, beside the standard statistics, when the last reply went out: with
// one message a conversation and no patience, the reply that closes the last
// conversation, where the drain ends.
type lastReply struct {
	*sim.Stats
	at model.Time
}

func (l *lastReply) Reply(at model.Time, o sim.ReplyOutcome) {
	l.Stats.Reply(at, o)
	l.at = max(l.at, at)
}

// runLast runs cfg and returns its result and the time of its last reply.
func runLast(t *testing.T, cfg *sim.Config, seed uint64) (sim.RunResult, model.Time) {
	t.Helper()
	rec := &lastReply{Stats: sim.NewStats("t", cfg.Start, cfg.End, cfg.Location)}
	return run(t, cfg, seed, rec), rec.at
}

// TestDrainStaffingCost: one agent on duty around the clock against 1.3 conversations
// an hour that take an hour each leaves a backlog at the end of the 100-hour horizon,
// which the agent answers after it. The agent is paid for the drain too, until the
// reply that clears the backlog: cost = 1 agent × (100 h + drain hours) × 10 USD/h,
// rounded to the micro.
func TestDrainStaffingCost(t *testing.T) {
	cfg := mmc(t, 1, 1.3, 1, 100)
	cfg.Staffing.CostPerHour = 10_000_000
	res, last := runLast(t, cfg, 7)
	drain := last - cfg.End
	if drain <= 10*model.Hour {
		t.Fatalf("the backlog was cleared %v after the horizon: want an understaffed run with a long drain", drain)
	}
	agentTime := 100*model.Hour + drain
	if want := money.Micros((agentTime*10_000_000 + model.Hour/2) / model.Hour); res.StaffingMicros != want {
		t.Errorf("staffing %d micros, want 1 agent × (100 h + %.4f h of drain) × 10 USD = %d", res.StaffingMicros, drain.Hours(), want)
	}
	if res.AgentHours != agentTime.Hours() {
		t.Errorf("agent hours %v, want %v (horizon and drain)", res.AgentHours, agentTime.Hours())
	}
	if res.Utilisation <= 0.99 || res.Utilisation > 1 {
		t.Errorf("utilisation %v: an agent busy from the first hour to the last reply is busy almost all the time, and never more", res.Utilisation)
	}
}

// TestDrainResponseTimeStaffing: a team modelled by its response time (here always
// 30 h) answers the horizon's last conversations after it, whoever is on duty, so the
// run still drains (the replies are sent and billed after the horizon) but nobody is
// needed for it: the staffing is the horizon's shifts alone, 1 agent × 100 h × 10 USD,
// and none of it is the drain's. It was billed the drain's 30 h of shifts too (the
// support lead's review: 72 days of drain shifts on a fitted 20-day scenario).
func TestDrainResponseTimeStaffing(t *testing.T) {
	cfg := mmc(t, 1, 1.3, 1, 100)
	cfg.Staffing.CostPerHour = 10_000_000
	cfg.Staffing.ResponseTime = dist.Spec{Kind: dist.Constant, MeanS: 30 * 3600}
	res, last := runLast(t, cfg, 7)
	if last <= cfg.End+29*model.Hour {
		t.Fatalf("the last reply went %v after the horizon: want the 30 h response time to drain past it", last-cfg.End)
	}
	if res.DrainDays == 0 {
		t.Errorf("no drain days: the replies after the horizon are the run's")
	}
	if res.StaffingMicros != 1_000_000_000 || res.DrainStaffingMicros != 0 || res.AgentHours != 100 {
		t.Errorf("staffing %d micros (drain %d), %v agent hours; want 1 agent × 100 h × 10 USD = 1000000000, none of it the drain's",
			res.StaffingMicros, res.DrainStaffingMicros, res.AgentHours)
	}
}

// TestUtilisationAtMostOne: whatever the staffing, the backlog or the warm-up, busy
// slot-time never exceeds the staffed slot-time it is counted over (the horizon and
// the drain), so utilisation stays in [0, 1].
func TestUtilisationAtMostOne(t *testing.T) {
	cases := map[string]func(*sim.Config){
		"balanced":     func(*sim.Config) {},
		"understaffed": func(c *sim.Config) { c.Conversation.PerCustomerMonth *= 4 },
		"weekday shifts, bot, patience, two chats": func(c *sim.Config) {
			c.Staffing.Shifts = []agents.Shift{{Start: "09:00", End: "18:00", Headcount: 3}}
			c.Staffing.Concurrency = 2
			c.Staffing.Bot = &agents.Bot{ReplyS: 5, ResolveShare: 0.3, HandoffS: 30}
			c.Staffing.Patience = dist.Spec{Kind: dist.LogNormal, MeanS: 3600, SDS: 5400}
			c.Conversation.MessagesMean = 3
			c.Conversation.ThinkTime = dist.Spec{Kind: dist.Exponential, MeanS: 300}
		},
		"night shift understaffed, warm-up": func(c *sim.Config) {
			c.Staffing.Shifts = []agents.Shift{{Start: "22:00", End: "06:00", Headcount: 1}}
			c.Warmup = 3 * 24 * model.Hour
		},
	}
	for name, change := range cases {
		for seed := uint64(1); seed <= 3; seed++ {
			t.Run(fmt.Sprintf("%s/seed=%d", name, seed), func(t *testing.T) {
				cfg := mmc(t, 2, 3, 1, 24*7)
				change(cfg)
				if errs := cfg.Staffing.Validate("agents"); len(errs) > 0 {
					t.Fatal(errs)
				}
				res := runStats(t, cfg, seed)
				if res.Utilisation < 0 || res.Utilisation > 1 {
					t.Errorf("utilisation %v, want within [0, 1] (%.1f agent-hours)", res.Utilisation, res.AgentHours)
				}
			})
		}
	}
}
