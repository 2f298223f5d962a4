package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const optScenario = `name: opt
seed: 11
start: 2025-09-01
days: 7
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

// TestOptimize: the plan found meets the SLA, no evaluated plan meeting it is cheaper,
// and an SLA out of reach within the cap fails naming the best figure reached.
func TestOptimize(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "opt.yaml", optScenario)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := spendsim(t, "optimize", sc, "--sla", "p90 <= 20m", "--max-headcount", "5", "-r", "2", "--out", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d:\n%s%s", code, stdout, stderr)
	}
	var res struct {
		Best      *struct{ Label string } `json:"best"`
		Evaluated []struct {
			Label    string  `json:"label"`
			Total    int64   `json:"total_with_staffing_micros"`
			P90      float64 `json:"first_response_p90_s"`
			Feasible bool    `json:"feasible"`
			Best     bool    `json:"best"`
		} `json:"evaluated"`
	}
	for _, f := range []string{"optimize_frontier.png", "optimize_frontier.svg"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	data, err := os.ReadFile(filepath.Join(out, "optimize.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	if res.Best == nil || len(res.Evaluated) < 3 {
		t.Fatalf("optimize.json: %s", data)
	}
	bests := 0
	var bestTotal int64
	for _, c := range res.Evaluated {
		if c.Feasible != (c.P90 <= 1200) {
			t.Errorf("%s: p90 %.0f s marked feasible=%v against p90<=20m", c.Label, c.P90, c.Feasible)
		}
		if c.Best {
			bests++
			bestTotal = c.Total
			if !c.Feasible || c.Label != res.Best.Label {
				t.Errorf("best %s: feasible %v, best is %s", c.Label, c.Feasible, res.Best.Label)
			}
		}
	}
	if bests != 1 {
		t.Fatalf("%d plans marked best", bests)
	}
	for _, c := range res.Evaluated {
		if c.Feasible && c.Total < bestTotal {
			t.Errorf("%s meets the SLA at %d micros, cheaper than the best's %d", c.Label, c.Total, bestTotal)
		}
	}
	if !strings.Contains(stdout, res.Best.Label+" *") || !strings.Contains(stdout, "best: "+res.Best.Label) {
		t.Errorf("table does not mark %s:\n%s", res.Best.Label, stdout)
	}

	// Handle times alone (exponential, mean 5 min) put p90 above 11 min at any headcount.
	code, _, stderr = spendsim(t, "optimize", sc, "--sla", "p90<=5m", "--max-headcount", "3", "-r", "1", "--out", out)
	if code != 1 || !strings.Contains(stderr, "cannot be met within --max-headcount 3: the best p90 reached is") {
		t.Errorf("infeasible: exit %d: %s", code, stderr)
	}
}

func TestOptimizeUsage(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "opt.yaml", optScenario)
	for _, c := range []struct{ sla, want string }{
		{"p95<=1h", "want p50|p90|p99 <= DURATION"},
		{"p90>=1h", "a response time is a ceiling"},
		{"p90<=soon", "not a positive Go duration"},
		{"in_window<=0.9", "in_window is a floor"},
		{"in_window>=150%", "between 0% and 100%"},
	} {
		code, _, stderr := spendsim(t, "optimize", sc, "--sla", c.sla)
		if code != 2 || !strings.Contains(stderr, "--sla") || !strings.Contains(stderr, c.want) {
			t.Errorf("--sla %q: exit %d: %s (want 2 and %q)", c.sla, code, stderr, c.want)
		}
	}
	for _, args := range [][]string{
		{"optimize", sc, "--sla", "p90<=1h", "--bot"},
		{"optimize", sc, "--sla", "p90<=1h", "--max-headcount", "0"},
		{"optimize", "small", "--sla", "p90<=1h"}, // has a sweep
		{"optimize", sc}, // no --sla
	} {
		if code, _, stderr := spendsim(t, args...); code != 2 {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
}

// TestOptimizeInWindow: a share target, and a plan with no agents (nobody answered,
// percentiles unknown) written as null rather than failing on NaN.
func TestOptimizeInWindow(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "one.yaml", `name: one
seed: 3
start: 2025-09-01
days: 7
customers: {count: 500, countries: [{country: BR, share: 1}]}
load: {conversations_per_customer_month: 2}
agents: {cost_per_hour: 5, shifts: [{name: weekday, start: "09:00", end: "18:00", headcount: 1}]}
`)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := spendsim(t, "optimize", sc, "--sla", "in_window>=90%", "--max-headcount", "3", "--out", out, "-q")
	if code != 0 || !strings.Contains(stdout, "best: weekday=1,") {
		t.Fatalf("exit %d:\n%s%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(filepath.Join(out, "optimize.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"first_response_p90_s": null`) {
		t.Errorf("weekday=0 has no first responses; want a null p90:\n%s", data)
	}
}

// TestOptimizeBot: with --bot the search also switches the scenario's bot. A free bot
// that resolves 90% of conversations at once meets p90<=20m with it on and fewer
// agents than without it; at 5 USD a conversation it costs more than the agents it
// saves, so the best plan has it off. A scenario without a bot is refused with --bot.
func TestOptimizeBot(t *testing.T) {
	dir := t.TempDir()
	best := func(cost string) (label string, staffing int64) {
		t.Helper()
		sc := writeFile(t, dir, "bot"+cost+".yaml", optScenario+"  bot: {reply_s: 5, resolve_share: 0.9, cost_per_conversation: "+cost+"}\n")
		out := filepath.Join(dir, "out"+cost)
		code, stdout, stderr := spendsim(t, "optimize", sc, "--bot", "--sla", "p90<=20m", "--max-headcount", "5", "-r", "2", "--out", out, "-q")
		if code != 0 {
			t.Fatalf("exit %d:\n%s%s", code, stdout, stderr)
		}
		var res struct {
			Best *struct {
				Label    string `json:"label"`
				Bot      *bool  `json:"bot"`
				Staffing int64  `json:"staffing_micros"`
			} `json:"best"`
		}
		data, err := os.ReadFile(filepath.Join(out, "optimize.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &res); err != nil || res.Best == nil || res.Best.Bot == nil {
			t.Fatalf("optimize.json (%v): %s", err, data)
		}
		if *res.Best.Bot != strings.HasSuffix(res.Best.Label, "bot=on") {
			t.Errorf("best %s, bot %v", res.Best.Label, *res.Best.Bot)
		}
		return res.Best.Label, res.Best.Staffing
	}
	free, _ := best("0")
	if !strings.HasSuffix(free, "bot=on") {
		t.Errorf("a free bot resolving 90%%: best plan %s, want the bot on", free)
	}
	dear, _ := best("5")
	if !strings.HasSuffix(dear, "bot=off") {
		t.Errorf("a bot at 5 USD a conversation: best plan %s, want the bot off", dear)
	}
	sc := writeFile(t, dir, "nobot.yaml", optScenario)
	code, _, stderr := spendsim(t, "optimize", sc, "--bot", "--sla", "p90<=20m", "-q")
	if code != 2 || !strings.Contains(stderr, "no agents.bot to switch on or off") {
		t.Errorf("--bot without a bot: exit %d, %s", code, stderr)
	}
}
