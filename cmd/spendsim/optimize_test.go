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

// TestOptimize: the command writes optimize.json and the frontier plot, its table marks
// the best plan, and an SLA out of reach fails with exit 1 (the search itself:
// internal/optimize's TestSearch).
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
			Label string `json:"label"`
			Best  bool   `json:"best"`
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
	// A week from Monday with a weekday shift: the weekend's customers are answered
	// on Monday, after the window, so no headcount answers 90% in it (every message
	// counts, the weekend's too).
	code, stdout, stderr := spendsim(t, "optimize", sc, "--sla", "in_window>=70%", "--max-headcount", "3", "--out", out, "-q")
	if code != 0 || !strings.Contains(stdout, "best: weekday=1,") {
		t.Fatalf("exit %d:\n%s%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(filepath.Join(out, "optimize.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"first_response_p90_s": null`) {
		t.Errorf("weekday=0 answers nobody; want a null p90 (not answered):\n%s", data)
	}
}

// TestOptimizeBot: --bot writes the bot's switch into optimize.json; a scenario without
// a bot is refused with --bot (which plan wins: internal/optimize's TestSearchBot).
func TestOptimizeBot(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "bot.yaml", optScenario+"  bot: {reply_s: 5, resolve_share: 0.9, cost_per_conversation: 0}\n")
	out := filepath.Join(dir, "out")
	code, stdout, stderr := spendsim(t, "optimize", sc, "--bot", "--sla", "p90<=20m", "--max-headcount", "5", "-r", "2", "--out", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d:\n%s%s", code, stdout, stderr)
	}
	var res struct {
		Best *struct {
			Label string `json:"label"`
			Bot   *bool  `json:"bot"`
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
	sc = writeFile(t, dir, "nobot.yaml", optScenario)
	code, _, stderr = spendsim(t, "optimize", sc, "--bot", "--sla", "p90<=20m", "-q")
	if code != 2 || !strings.Contains(stderr, "no agents.bot to switch on or off") {
		t.Errorf("--bot without a bot: exit %d, %s", code, stderr)
	}
}

// TestOptimizeResponseTime: a scenario whose replies come after a response time, whoever
// is on shift (spendsim fit keeping response_time), is refused with exit 2 and why,
// and leaves no output folder: before, optimize printed "best: ...=0" (no agents), a
// staffing answer the model cannot give.
func TestOptimizeResponseTime(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "rt.yaml", strings.Replace(optScenario, "  handle_time: {dist: exponential, mean_s: 300}\n",
		"  response_time: {dist: lognormal, mean_s: 2000, sd_s: 3000}\n", 1))
	out := filepath.Join(dir, "out")
	code, stdout, stderr := spendsim(t, "optimize", sc, "--sla", "p50<=1h", "--out", out)
	if code != 2 || stdout != "" || !strings.Contains(stderr, "no headcount changes the waits") || !strings.Contains(stderr, "replace response_time with handle_time") {
		t.Errorf("exit %d:\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s: %v, want no folder", out, err)
	}
}
