package optimize

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/scenarios"
)

const optScenario = `name: opt
seed: 11
start: 2025-09-01
days: 7
replications: 2
customers:
  count: 2000
  countries: [{country: BR, share: 1}]
load:
  conversations_per_customer_month: 2
agents:
  handle_time: {dist: exponential, mean_s: 300}
  cost_per_hour: 10
  shifts:
    - {name: day, days: [mon, tue, wed, thu, fri, sat, sun], start: "08:00", end: "16:00", headcount: 1}
    - {name: evening, days: [mon, tue, wed, thu, fri, sat, sun], start: "16:00", end: "24:00", headcount: 1}
    - {name: night, days: [mon, tue, wed, thu, fri, sat, sun], start: "00:00", end: "08:00", headcount: 1}
`

func search(t *testing.T, yaml, sla string, max int, bot bool) (*Result, error) {
	t.Helper()
	sc, err := scenarios.Parse([]byte(yaml), "opt.yaml")
	if err != nil {
		t.Fatal(err)
	}
	target, err := stats.ParseSLA(sla)
	if err != nil {
		t.Fatal(err)
	}
	return Search(context.Background(), sc, Options{SLA: target, MaxHeadcount: max, Bot: bot})
}

// TestSearch: the plan found meets the SLA (its whole 95% interval does), no evaluated
// plan meeting it is cheaper, and an SLA out of reach within the cap fails naming the best figure reached.
func TestSearch(t *testing.T) {
	res, err := search(t, optScenario, "p90 <= 20m", 5, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Best == nil || len(res.Evaluated) < 3 || res.Runs < 2*len(res.Evaluated) {
		t.Fatalf("best %+v, %d plans, %d runs", res.Best, len(res.Evaluated), res.Runs)
	}
	bests := 0
	var bestTotal int64
	for _, c := range res.Evaluated {
		// Judged as run judges a point: the upper end of the p90's 95% interval.
		if c.SLAFigure.CI95 == nil || c.Feasible != (float64(c.SLAFigure.CI95.High) <= 1200) {
			t.Errorf("%s: p90 %.0f s, interval %v, marked feasible=%v against p90<=20m", c.Label, float64(c.FirstResponseP90S), c.SLAFigure.CI95, c.Feasible)
		}
		if c.Best {
			bests++
			bestTotal = c.TotalWithStaffingMicros
			if !c.Feasible || c.Label != res.Best.Label {
				t.Errorf("best %s: feasible %v, best is %s", c.Label, c.Feasible, res.Best.Label)
			}
		}
	}
	if bests != 1 {
		t.Fatalf("%d plans marked best", bests)
	}
	for _, c := range res.Evaluated {
		if c.Feasible && c.TotalWithStaffingMicros < bestTotal {
			t.Errorf("%s meets the SLA at %d micros, cheaper than the best's %d", c.Label, c.TotalWithStaffingMicros, bestTotal)
		}
	}

	// Handle times alone (exponential, mean 5 min) put p90 above 11 min at any headcount.
	one := strings.Replace(optScenario, "replications: 2", "replications: 1", 1)
	if _, err := search(t, one, "p90<=5m", 3, false); err == nil || !strings.Contains(err.Error(), "cannot be met within --max-headcount 3: the best p90 reached is") {
		t.Errorf("infeasible: %v", err)
	}
}

// TestSearchBot: with Bot the search also switches the scenario's bot. A free bot that
// resolves 90% of conversations at once meets p90<=20m with it on and fewer agents
// than without it; at 5 USD a conversation it costs more than the agents it saves, so
// the best plan has it off.
func TestSearchBot(t *testing.T) {
	best := func(cost string) string {
		t.Helper()
		res, err := search(t, optScenario+"  bot: {reply_s: 5, resolve_share: 0.9, cost_per_conversation: "+cost+"}\n", "p90<=20m", 5, true)
		if err != nil {
			t.Fatal(err)
		}
		if res.Best == nil || res.Best.Bot == nil {
			t.Fatalf("best %+v", res.Best)
		}
		if *res.Best.Bot != strings.HasSuffix(res.Best.Label, "bot=on") {
			t.Errorf("best %s, bot %v", res.Best.Label, *res.Best.Bot)
		}
		return res.Best.Label
	}
	if free := best("0"); !strings.HasSuffix(free, "bot=on") {
		t.Errorf("a free bot resolving 90%%: best plan %s, want the bot on", free)
	}
	if dear := best("5"); !strings.HasSuffix(dear, "bot=off") {
		t.Errorf("a bot at 5 USD a conversation: best plan %s, want the bot off", dear)
	}
}

// plateauScenario: a long weekday shift and short weekend ones, sized so that the
// one-step descent stops at weekday=4,saturday=4,sunday=1 (p90<=48h), every neighbour
// dearer or missing the SLA, while weekday=3,saturday=6,sunday=1 meets it for about
// 10% less: one agent off the long shift and two onto Saturday, a move of two steps.
const plateauScenario = `name: plateau
seed: 11
start: 2025-09-01
days: 7
replications: 1
customers:
  count: 4000
  countries: [{country: BR, share: 1}]
load:
  conversations_per_customer_month: 2
agents:
  handle_time: {dist: exponential, mean_s: 600}
  cost_per_hour: 10
  shifts:
    - {name: weekday, days: [mon, tue, wed, thu, fri], start: "08:00", end: "20:00", headcount: 2}
    - {name: saturday, days: [sat], start: "09:00", end: "17:00", headcount: 1}
    - {name: sunday, days: [sun], start: "10:00", end: "16:00", headcount: 0}
`

// TestSearchLeavesPlateau: the descent alone (as the search was before its escapes)
// stops on a plateau and never evaluates the cheaper plan; the search with escapes
// finds it, with the same answer and the same plans evaluated at any worker count.
func TestSearchLeavesPlateau(t *testing.T) {
	run := func(workers int, noEscape bool) *Result {
		t.Helper()
		sc, err := scenarios.Parse([]byte(plateauScenario), "plateau.yaml")
		if err != nil {
			t.Fatal(err)
		}
		target, err := stats.ParseSLA("p90<=48h")
		if err != nil {
			t.Fatal(err)
		}
		op := &optimizer{sc: sc, sla: target, max: 6, workers: workers, cache: map[string]*Plan{}, noEscape: noEscape}
		res, err := op.search(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	const cheaper = "weekday=3,saturday=6,sunday=1"
	old := run(2, true)
	if old.Best.Label != "weekday=4,saturday=4,sunday=1" {
		t.Errorf("the descent alone: best %s, want it stuck at weekday=4,saturday=4,sunday=1", old.Best.Label)
	}
	for _, p := range old.Evaluated {
		if p.Label == cheaper {
			t.Errorf("the descent alone evaluated %s: the test no longer shows a plateau", cheaper)
		}
	}
	got := run(2, false)
	if got.Best.Label != cheaper || got.Best.TotalWithStaffingMicros >= old.Best.TotalWithStaffingMicros {
		t.Errorf("with escapes: best %s at %s, want %s, cheaper than %s", got.Best.Label, got.Best.TotalWithStaffing, cheaper, old.Best.TotalWithStaffing)
	}
	if n := len(got.Evaluated); n > 100 {
		t.Errorf("%d plans evaluated, want at most 100", n)
	}
	one := run(1, false)
	labels := func(r *Result) string {
		var s []string
		for _, p := range r.Evaluated {
			s = append(s, p.Label+" "+p.TotalWithStaffing)
		}
		return strings.Join(s, "\n")
	}
	if labels(one) != labels(got) {
		t.Errorf("1 worker and 2 workers evaluated different plans:\n%s\n--\n%s", labels(one), labels(got))
	}
}

// TestSearchRefusesResponseTime: a team modelled by its response time replies after it
// whoever is on shift, so every headcount has the same waits and the cheapest plan
// would be no agents at all (the support lead's review: "best: fitted=0"). Search
// refuses it as a scenario error saying why and what to change, and simulates nothing.
func TestSearchRefusesResponseTime(t *testing.T) {
	yaml := strings.Replace(optScenario, "  handle_time: {dist: exponential, mean_s: 300}\n",
		"  response_time: {dist: lognormal, mean_s: 2000, sd_s: 3000}\n", 1)
	res, err := search(t, yaml, "p50<=1h", 5, false)
	var se *scenarios.Error
	if !errors.As(err, &se) || res != nil {
		t.Fatalf("got %+v, %v; want a *scenarios.Error", res, err)
	}
	for _, want := range []string{"agents.response_time", "no headcount changes the waits", "replace response_time with handle_time"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v: want it to say %q", err, want)
		}
	}
}
