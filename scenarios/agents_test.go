package scenarios

import (
	"context"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// agentsYAML uses every agent-side key of issue 4: ad entry points, a bot, patience,
// ads first, a holiday. Thursday 4 September is closed, so customers writing then wait
// until Friday or give up.
const agentsYAML = `
name: agents-e2e
seed: 3
start: 2025-09-01
days: 7
timezone: America/Sao_Paulo
customers:
  count: 5000
  countries: [{country: BR, share: 1}]
load:
  conversations_per_customer_month: 2
  messages_per_conversation: 2
  think_time: {dist: exponential, mean_s: 180}
  entry_points: {ctwa: 0.2, page_cta: 0.05}
agents:
  concurrency: 2
  handle_time: {dist: gamma, mean_s: 240, sd_s: 120}
  shifts:
    - {start: "09:00", end: "18:00", headcount: 2}
  bot: {reply_s: 5, resolve_share: 0.4, handoff_s: 10}
  patience: {dist: lognormal, mean_s: 7200, sd_s: 7200}
  priority: ads_first
  holidays: [2025-09-04]
`

// TestAgentsScenario parses the keys, resolves them into the engine's configuration
// and runs it: the bot answers and resolves, customers give up, ad leads ride free
// entry point windows.
func TestAgentsScenario(t *testing.T) {
	sc, err := Parse([]byte(agentsYAML), "agents.yaml")
	if err != nil {
		t.Fatal(err)
	}
	jobs, err := sc.Jobs(sc.Seed, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := sim.RunAll(context.Background(), jobs, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	t.Logf("%d conversations, %d bot replies, %d resolved by the bot, %d gave up, %d free entry point messages",
		r.Conversations, r.BotReplies, r.BotResolved, r.Abandoned, r.MessagesByType[pricing.FreeEntryPoint])
	if r.BotReplies == 0 || r.BotResolved == 0 || r.Abandoned == 0 || r.MessagesByType[pricing.FreeEntryPoint] == 0 {
		t.Errorf("bot replies %d, resolved %d, gave up %d, free entry point %d: want all above 0",
			r.BotReplies, r.BotResolved, r.Abandoned, r.MessagesByType[pricing.FreeEntryPoint])
	}
	// Four working days of 2 agents × 9 h: the holiday is not staffed.
	if r.AgentHours != 4*2*9 {
		t.Errorf("%v agent hours, want 72 (Thursday closed)", r.AgentHours)
	}
}

// TestResponseTimeScenario: a fitted-style team described only by its response time
// needs no shifts.
func TestResponseTimeScenario(t *testing.T) {
	y := strings.Replace(agentsYAML, `  shifts:
    - {start: "09:00", end: "18:00", headcount: 2}
  bot: {reply_s: 5, resolve_share: 0.4, handoff_s: 10}
  patience: {dist: lognormal, mean_s: 7200, sd_s: 7200}
  priority: ads_first
`, "  response_time: {dist: lognormal, mean_s: 900, sd_s: 1800}\n", 1)
	sc, err := Parse([]byte(y), "rt.yaml")
	if err != nil {
		t.Fatal(err)
	}
	jobs, err := sc.Jobs(sc.Seed, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := sim.RunAll(context.Background(), jobs, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := res[0]; r.FirstResponses == 0 || r.AgentHours != 0 {
		t.Errorf("%d first responses, %v agent hours; want answers and no shifts", r.FirstResponses, r.AgentHours)
	}
}

// TestAgentsScenarioErrors: each new key's problems are reported with its path.
func TestAgentsScenarioErrors(t *testing.T) {
	y := strings.NewReplacer(
		"ctwa: 0.2", "ctwa: 0.99",
		"resolve_share: 0.4", "resolve_share: 1.4",
		"dist: lognormal, mean_s: 7200", "dist: gamma, mean_s: 7200",
		"priority: ads_first", "priority: vip",
		"[2025-09-04]", "[04/09/2025]",
	).Replace(agentsYAML)
	_, err := Parse([]byte(y), "bad.yaml")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		"load.entry_points: ctwa + page_cta is 1.0",
		"agents.bot.resolve_share: must be a share between 0 and 1, got 1.4",
		`agents.patience.dist: "gamma" is not one of exponential, lognormal`,
		`agents.priority: "vip" is not one of fifo, ads_first`,
		`agents.holidays[0]: "04/09/2025" is not a date YYYY-MM-DD`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
