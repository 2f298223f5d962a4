package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/spendsim/spendsim/internal/table/tabletest"
)

// Issue 11: answers an analyst can act on. Every conversation counts in the SLA, a
// run bills the backlog it leaves, and daily.parquet adds up to runs.parquet.

// understaffed has a bot that answers everyone first and resolves 30% alone, customers
// who give up after half an hour on average in the agents' queue, and one 24/7 shift
// to staff.
const understaffed = `name: understaffed
seed: 3
start: 2025-09-01
days: 7
timezone: America/Sao_Paulo
pricing: pmp-2025
customers: {count: 10000, countries: [{country: BR, share: 1}]}
load: {conversations_per_customer_month: 1}
agents:
  handle_time: {dist: exponential, mean_s: 600}
  cost_per_hour: 8
  patience: {dist: exponential, mean_s: 1800}
  bot: {reply_s: 5, resolve_share: 0.3}
  shifts: [{name: all, days: [mon, tue, wed, thu, fri, sat, sun], start: "00:00", end: "24:00", headcount: 1}]
`

// TestOptimizeCountsTheUnanswered: with a bot and impatient customers, the bot alone
// (no agent) answers 30% of conversations within seconds; over the answered only, its
// p90 was 5 s and optimize recommended it. Every conversation counts now: no plan
// whose unanswered share is above the tenth that p90<=1h allows is returned, the
// bot-only plan is evaluated and fails, and the table shows the answered share.
func TestOptimizeCountsTheUnanswered(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "understaffed.yaml", understaffed)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := spendsim(t, "optimize", sc, "--sla", "p90<=1h", "--max-headcount", "6", "-r", "2", "--out", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		Best *struct {
			Label           string
			AnsweredShare   *float64 `json:"answered_share"`
			UnansweredShare *float64 `json:"unanswered_share"`
		}
		Evaluated []struct {
			Label           string
			Headcounts      []int
			UnansweredShare *float64 `json:"unanswered_share"`
			P90             *float64 `json:"first_response_p90_s"`
			Feasible        bool
		}
	}
	data, err := os.ReadFile(filepath.Join(out, "optimize.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	if res.Best == nil || res.Best.UnansweredShare == nil || *res.Best.UnansweredShare > 0.1 {
		t.Fatalf("best plan %+v leaves more than a tenth of conversations unanswered, which p90<=1h does not allow", res.Best)
	}
	botOnly := false
	for _, p := range res.Evaluated {
		if p.Feasible && (p.UnansweredShare == nil || *p.UnansweredShare > 0.1) {
			t.Errorf("plan %s meets p90<=1h with %v of conversations unanswered", p.Label, p.UnansweredShare)
		}
		if p.Headcounts[0] == 0 {
			botOnly = true
			if p.Feasible || p.P90 != nil {
				t.Errorf("the bot alone: feasible %v, p90 %v; want not answered (null) and infeasible", p.Feasible, p.P90)
			}
		}
	}
	if !botOnly {
		t.Error("the bot-only plan (no agent) was not evaluated")
	}
	header, _, _ := strings.Cut(strings.SplitN(stdout, "\n", 4)[2], "\n")
	if !strings.Contains(header, "answered") || !strings.Contains(stdout, "not answered") || !strings.Contains(stdout, "% of conversations answered") {
		t.Errorf("the table shows no answered shares:\n%s", stdout)
	}
}

// heavy is one agent on weekdays against a load that needs several, under 2025
// per-message pricing: replies inside the window are free, late ones paid utility
// templates.
const heavy = `name: heavy
seed: 5
start: 2025-09-01
days: 14
timezone: America/Sao_Paulo
pricing: pmp-2025
customers: {count: 5000, countries: [{country: BR, share: 1}]}
load: {conversations_per_customer_month: 1}
agents:
  handle_time: {dist: exponential, mean_s: 600}
  cost_per_hour: 8
  late_reply: utility
  shifts: [{name: day, days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00", headcount: 1}]
sweep:
  - {path: "agents.shifts[0].headcount", name: agents, values: [1, 2, 4, 8]}
`

// TestBacklogIsBilled: the backlog the horizon leaves is answered after it, late, with
// paid templates billed to the run, so messaging spend falls as agents are added (it
// rose, 1.37 → 2.61 → 4.65 → 6.19 USD, when the backlog was never answered). Every
// run's days, those after the horizon included, add up to the run.
func TestBacklogIsBilled(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "heavy.yaml", heavy)
	out := filepath.Join(dir, "out")
	if code, _, stderr := spendsim(t, "run", sc, "--out", out, "-q"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	runs := tabletest.Read(t, filepath.Join(out, "runs.parquet"))
	var spend []int64
	for i := range runs.Rows {
		spend = append(spend, runs.Value(t, i, "messaging_micros").Int64())
		if a := runs.Value(t, i, "answered_share").Double(); a != 1 {
			t.Errorf("run %d: answered share %v; the shifts come round after the horizon, so every conversation is answered", i, a)
		}
	}
	for i := 1; i < len(spend); i++ {
		if spend[i] >= spend[i-1] {
			t.Errorf("messaging spend %v micros for 1, 2, 4, 8 agents: want it falling as agents are added", spend)
			break
		}
	}
	days := tabletest.Read(t, filepath.Join(out, "daily.parquet"))
	after := 0
	for i := range days.Rows {
		if days.Value(t, i, "after_horizon").Boolean() {
			after++
		}
	}
	if after == 0 {
		t.Error("no day after the horizon: the backlog was not followed")
	}
	dailyAddsUp(t, out)
}

// TestDailyEveryColumn: in the default scenario (notifications, a campaign, blocking, a
// bot), and with impatient customers, every run's daily figures add up to the run's.
func TestDailyEveryColumn(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "understaffed.yaml", understaffed)
	if code, _, stderr := spendsim(t, "run", sc, "--out", dir, "-q"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	dailyAddsUp(t, dir)
}

// dailyAddsUp checks, reading both files with parquet-go, that every column of
// daily.parquet adds up over each run's days to its figure in runs.parquet, as
// docs/formats.md lists them; a daily column with no run figure fails the test.
func dailyAddsUp(t *testing.T, dir string) {
	t.Helper()
	runs := tabletest.Read(t, filepath.Join(dir, "runs.parquet"))
	days := tabletest.Read(t, filepath.Join(dir, "daily.parquet"))
	num := func(v parquet.Value) float64 {
		if v.Kind() == parquet.Double {
			return v.Double()
		}
		return float64(v.Int64())
	}
	// The runs.parquet columns each daily column adds up to (their sum).
	runCols := func(daily string) []string {
		switch daily {
		case "late_replies":
			return []string{"late_utility", "late_marketing"}
		case "billable":
			var cs []string
			for _, c := range runs.Names() {
				if strings.HasPrefix(c, "billable_") {
					cs = append(cs, c)
				}
			}
			return cs
		}
		for _, c := range runs.Names() {
			if c == daily {
				return []string{c}
			}
		}
		return nil
	}
	sums := map[string]map[string]float64{} // run → daily column → sum
	for i := range days.Rows {
		run := string(days.Value(t, i, "run_id").ByteArray())
		if sums[run] == nil {
			sums[run] = map[string]float64{}
		}
		for _, c := range days.Names() {
			switch c {
			case "run_id", "day", "after_horizon":
				continue
			}
			sums[run][c] += num(days.Value(t, i, c))
		}
	}
	if len(sums) != len(runs.Rows) {
		t.Errorf("daily.parquet has %d runs, runs.parquet %d", len(sums), len(runs.Rows))
	}
	for i := range runs.Rows {
		run := string(runs.Value(t, i, "run_id").ByteArray())
		for _, c := range days.Names() {
			switch c {
			case "run_id", "day", "after_horizon":
				continue
			case "first_response_sum_s":
				want := runs.Value(t, i, "first_response_mean_s").Double() * num(runs.Value(t, i, "first_responses"))
				if got := sums[run][c]; math.Abs(got-want) > 1e-9*math.Max(1, want) {
					t.Errorf("run %s: daily %s add up to %v, runs.parquet's mean × first responses is %v", run, c, got, want)
				}
				continue
			}
			cols := runCols(c)
			if len(cols) == 0 {
				t.Errorf("daily column %s has no runs.parquet figure to add up to", c)
				continue
			}
			var want float64
			for _, rc := range cols {
				want += num(runs.Value(t, i, rc))
			}
			if got := sums[run][c]; got != want {
				t.Errorf("run %s: daily %s add up to %v, runs.parquet says %v", run, c, got, want)
			}
		}
	}
}

// TestSweepLateReply: a sweep ranges over late_reply, a field of names: runs.parquet
// holds the names in a STRING column, summary.json's params and the table's labels
// show them, the drop policy's unanswered customers show as dropped, and shards merge
// to the same files.
func TestSweepLateReply(t *testing.T) {
	dir := t.TempDir()
	body := strings.Replace(heavy, "values: [1, 2, 4, 8]}", "values: [1]}\n  - {path: agents.late_reply, values: [utility, marketing, drop]}", 1)
	sc := writeFile(t, dir, "late.yaml", body)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := spendsim(t, "run", sc, "--out", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"late_reply=marketing", "late_reply=drop", "dropped"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
	runs := tabletest.Read(t, filepath.Join(out, "runs.parquet"))
	if got := runs.TypeOf(t, "param_agents_late_reply"); !strings.HasPrefix(got, "BYTE_ARRAY") {
		t.Errorf("param_agents_late_reply is %s, want a string column", got)
	}
	var names []string
	for i := range runs.Rows {
		names = append(names, string(runs.Value(t, i, "param_agents_late_reply").ByteArray()))
	}
	if strings.Join(names, ",") != "utility,marketing,drop" {
		t.Errorf("late_reply per run: %v", names)
	}
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"path": "agents.late_reply",
          "value": "marketing"`) {
		t.Errorf("summary.json's params do not name the policy:\n%.2000s", data)
	}
	shards := filepath.Join(dir, "shards")
	for _, k := range []string{"0/2", "1/2"} {
		if code, _, stderr := spendsim(t, "run", sc, "--shard", k, "--out", shards, "-q"); code != 0 {
			t.Fatalf("shard %s: exit %d: %s", k, code, stderr)
		}
	}
	if code, _, stderr := spendsim(t, "merge", shards); code != 0 {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	sameFiles(t, out, shards, "runs.parquet", "daily.parquet", "summary.json")
	dailyAddsUp(t, out)
}

// TestDrainIsStaffed: the agents who answer the backlog after the horizon are paid for
// it. One agent on heavy leaves a backlog that takes weeks of its shifts to clear; when
// only the horizon's 80 hours were costed (640 USD), agents=1 looked cheapest in total
// (655.32 USD against 1,294.16 for two agents). Costing the drain's hours, it is not,
// and utilisation, over the same hours, stays at most 1.
func TestDrainIsStaffed(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "heavy.yaml", heavy)
	out := filepath.Join(dir, "out")
	if code, _, stderr := spendsim(t, "run", sc, "--out", out, "-q"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var sum struct {
		Cheapest struct{ Label string }
	}
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Cheapest.Label == "agents=1" || sum.Cheapest.Label == "" {
		t.Errorf("cheapest in total: %q; one agent leaves weeks of backlog whose hours must be paid", sum.Cheapest.Label)
	}
	runs := tabletest.Read(t, filepath.Join(out, "runs.parquet"))
	for i := range runs.Rows {
		hours := runs.Value(t, i, "agent_hours").Double()
		staff := runs.Value(t, i, "staffing_micros").Int64()
		if u := runs.Value(t, i, "utilisation").Double(); u < 0 || u > 1 {
			t.Errorf("run %d: utilisation %v, want within [0, 1]", i, u)
		}
		if want := int64(math.Round(hours * 8_000_000)); math.Abs(float64(staff-want)) > 1 {
			t.Errorf("run %d: staffing %d micros, want %.4f agent-hours × 8 USD = %d", i, staff, hours, want)
		}
		if i == 0 && hours <= 80 {
			t.Errorf("one agent: %.1f agent-hours, want the horizon's 80 and the drain's", hours)
		}
	}
}

// TestDrainCardsInForce: a horizon that ends on 30 September 2025 leaves one agent a
// backlog answered in October, under the PMP card effective 1 October: cards_in_force
// lists it beside September's, up to the last day of the drain.
func TestDrainCardsInForce(t *testing.T) {
	dir := t.TempDir()
	sc := strings.Replace(heavy, "start: 2025-09-01", "start: 2025-09-17", 1)
	sc, _, _ = strings.Cut(sc, "sweep:")
	out := filepath.Join(dir, "out")
	if code, _, stderr := spendsim(t, "run", writeFile(t, dir, "heavy.yaml", sc), "--out", out, "-q"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var sum struct {
		Cards []struct {
			Effective string `json:"effective_from"`
			FirstDay  string `json:"first_day"`
			LastDay   string `json:"last_day"`
		} `json:"cards_in_force"`
	}
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &sum); err != nil {
		t.Fatal(err)
	}
	if len(sum.Cards) != 2 || sum.Cards[0].Effective != "2025-07-01" || sum.Cards[1].Effective != "2025-10-01" ||
		sum.Cards[1].FirstDay != "2025-10-01" || sum.Cards[1].LastDay <= "2025-10-01" {
		t.Errorf("cards in force %+v: want the July card for September and the October card for the drain's days", sum.Cards)
	}
}
