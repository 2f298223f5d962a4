package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/stats/statstest"
	"github.com/spendsim/spendsim/reports"
)

func readComparison(t *testing.T, dir string) stats.Comparison {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, reports.CompareFile))
	if err != nil {
		t.Fatal(err)
	}
	var c stats.Comparison
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCompareWithItself: on common random numbers a scenario against itself differs
// by exactly nothing, and the paired interval has no width at all.
func TestCompareWithItself(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := spendsim(t, "compare", "small", "small", "-r", "4", "--out", dir, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "paired 95% CI") {
		t.Errorf("table lacks its header:\n%s", stdout)
	}
	c := readComparison(t, dir)
	if c.Replications != 4 || c.Seed != 7 {
		t.Errorf("replications %d, seed %d; want 4 and small's seed 7", c.Replications, c.Seed)
	}
	for name, d := range map[string]stats.MoneyDiff{
		"messaging": c.BMinusA.MessagingMicros, "staffing": c.BMinusA.StaffingMicros, "total": c.BMinusA.TotalMicros,
	} {
		if d.MeanMicros != 0 || d.CI95 == nil || d.CI95.LowMicros != 0 || d.CI95.HighMicros != 0 {
			t.Errorf("%s: B − A = %d micros, interval %+v; want exactly 0 and [0, 0]", name, d.MeanMicros, d.CI95)
		}
	}
	p := c.BMinusA.FirstResponseP90S
	if p.Mean != 0 || p.CI95 == nil || p.CI95.Low != 0 || p.CI95.High != 0 {
		t.Errorf("p90: B − A = %v s, interval %+v; want exactly 0 and [0, 0]", p.Mean, p.CI95)
	}
	if a := c.BMinusA.AnsweredShare; a.Mean != 0 || a.CI95 == nil || a.CI95.Low != 0 || a.CI95.High != 0 || c.A.AnsweredShare.Mean != c.B.AnsweredShare.Mean {
		t.Errorf("answered share: B − A = %v, interval %+v; want exactly 0 and [0, 0]", a.Mean, a.CI95)
	}
	if !strings.Contains(stdout, "answered  100.0% (0 unanswered)  100.0% (0 unanswered)  +0.0 pts") {
		t.Errorf("table lacks the answered row beside the p90:\n%s", stdout)
	}
	if c.A.TotalMicros != c.B.TotalMicros || c.A.TotalMicros == 0 {
		t.Errorf("A total %d, B total %d micros: want equal and non-zero", c.A.TotalMicros, c.B.TotalMicros)
	}
	for _, f := range []string{"compare.png", "compare.svg"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

const busyDesk = `name: busy-HEADCOUNT
seed: 11
start: 2025-09-01
days: 7
timezone: America/Sao_Paulo
customers:
  count: 20000
  countries: [{country: BR, share: 1}]
load:
  conversations_per_customer_month: 1
agents:
  handle_time: {dist: exponential, mean_s: 600}
  cost_per_hour: 10
  late_reply: utility
  shifts:
    - {start: "09:00", end: "18:00", headcount: HEADCOUNT}
`

// TestComparePairedIsNarrower: 3 against 4 agents on the same customers. Common random
// numbers cancel most of the run-to-run noise, so the paired interval of the
// difference is narrower than the unpaired one from the very same runs.
func TestComparePairedIsNarrower(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "three.yaml", strings.ReplaceAll(busyDesk, "HEADCOUNT", "3"))
	b := writeFile(t, dir, "four.yaml", strings.ReplaceAll(busyDesk, "HEADCOUNT", "4"))
	out := filepath.Join(dir, "out")
	if code, _, stderr := spendsim(t, "compare", a, b, "-r", "8", "--seed", "3", "--out", out, "-q"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	c := readComparison(t, out)
	width := func(iv *stats.MoneyInterval) int64 { return iv.HighMicros - iv.LowMicros }
	for name, d := range map[string]stats.MoneyDiff{"messaging": c.BMinusA.MessagingMicros, "total": c.BMinusA.TotalMicros} {
		if d.CI95 == nil || d.UnpairedCI95 == nil {
			t.Fatalf("%s: missing intervals: %+v", name, d)
		}
		if !(width(d.CI95) < width(d.UnpairedCI95)) {
			t.Errorf("%s: paired interval %d micros wide, unpaired %d: common random numbers should narrow it", name, width(d.CI95), width(d.UnpairedCI95))
		}
		t.Logf("%s: B − A %d micros, paired ±%d, unpaired ±%d", name, d.MeanMicros, width(d.CI95)/2, width(d.UnpairedCI95)/2)
	}
	// The mean of the differences and the difference of the means agree to the micro
	// of rounding.
	if diff := c.BMinusA.TotalMicros.MeanMicros - (c.B.TotalMicros - c.A.TotalMicros); diff > 1 || diff < -1 {
		t.Errorf("total: mean difference %d, difference of means %d", c.BMinusA.TotalMicros.MeanMicros, c.B.TotalMicros-c.A.TotalMicros)
	}
	p := c.BMinusA.FirstResponseP90S
	t.Logf("p90: paired %+v, unpaired %+v", p.CI95, p.UnpairedCI95)
	if p.CI95 == nil || p.UnpairedCI95 == nil || !(p.CI95.High-p.CI95.Low < p.UnpairedCI95.High-p.UnpairedCI95.Low) {
		t.Errorf("p90: paired %+v, unpaired %+v: want the paired one narrower", p.CI95, p.UnpairedCI95)
	}
	// One more agent on 5 weekdays × 9 h at 10/h is 450 units over the horizon (the
	// difference was exactly that before the drain was paid). Both desks are far below
	// the load (about 670 conversations a day against 162 and 216 handled), and each
	// pays its agents after the horizon until its backlog is cleared: the fourth agent
	// clears it sooner, so the difference is positive and well under 450 units.
	if d := c.BMinusA.StaffingMicros.MeanMicros; d <= 0 || d >= 450*1_000_000 {
		t.Errorf("one more agent on 5 weekdays × 9 h at 10/h, both desks draining a backlog: staffing difference %d micros, want above 0 and below 450 units", d)
	}
}

func TestCompareUsage(t *testing.T) {
	for _, args := range [][]string{
		{"compare", "small"},                            // one scenario without --pricing-b
		{"compare", "small", "small", "small"},          // three
		{"compare", "small", "small", "-r", "1"},        // no interval from one
		{"compare", "small", "--pricing-b", "pmp-1999"}, // no such era
	} {
		if code, _, _ := spendsim(t, args...); code != 2 {
			t.Errorf("spendsim %s: exit %d, want 2", strings.Join(args, " "), code)
		}
	}
	if code, stdout, _ := spendsim(t, "compare", "--help"); code != 0 || !strings.Contains(stdout, "spendsim compare") {
		t.Errorf("compare --help: exit %d", code)
	}
}

// TestCompareSameNameTwoFiles: two files whose scenarios share a name (a copy edited
// for more agents) are told apart by their files, in the table, compare.json and the
// chart's legend; the chart does not call them two pricing eras. The same scenario
// on both sides names no file.
func TestCompareSameNameTwoFiles(t *testing.T) {
	dir := t.TempDir()
	body := func(headcount string) string {
		return `name: desk
seed: 5
start: 2025-09-01
days: 7
customers: {count: 500, countries: [{country: BR, share: 1}]}
load: {conversations_per_customer_month: 1}
agents: {cost_per_hour: 8, shifts: [{start: "08:00", end: "20:00", headcount: ` + headcount + `}]}
`
	}
	a, b := writeFile(t, dir, "two.yaml", body("2")), writeFile(t, dir, "four.yaml", body("4"))
	code, stdout, stderr := spendsim(t, "compare", a, b, "-r", "2", "--out", filepath.Join(dir, "out"), "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "A: desk from "+a+" (base, pricing auto)\nB: desk from "+b+" (base, pricing auto)\n") {
		t.Errorf("the table does not tell the sides apart:\n%s", stdout)
	}
	c := readComparison(t, filepath.Join(dir, "out"))
	if c.A.Source != a || c.B.Source != b {
		t.Errorf("compare.json sources %q and %q, want %q and %q", c.A.Source, c.B.Source, a, b)
	}
	if c.BMinusA.StaffingMicros.MeanMicros <= 0 {
		t.Errorf("four agents cost %d micros more than two, want more", c.BMinusA.StaffingMicros.MeanMicros)
	}
	code, stdout, stderr = spendsim(t, "compare", a, a, "-r", "2", "--out", filepath.Join(dir, "same"), "-q")
	if code != 0 || !strings.Contains(stdout, "A: desk (base, pricing auto)\nB: desk (base, pricing auto)\n") {
		t.Errorf("a scenario against itself: exit %d, %s%s", code, stdout, stderr)
	}
	if c := readComparison(t, filepath.Join(dir, "same")); c.A.Source != "" || c.B.Source != "" {
		t.Errorf("a scenario against itself names sources %q and %q", c.A.Source, c.B.Source)
	}
	// One file spelt two ways is one scenario.
	code, stdout, stderr = spendsim(t, "compare", a, filepath.Join(dir, ".", "..", filepath.Base(dir), "two.yaml"), "-r", "2", "--out", filepath.Join(dir, "spelt"), "-q")
	if code != 0 || !strings.Contains(stdout, "A: desk (base, pricing auto)\nB: desk (base, pricing auto)\n") {
		t.Errorf("one file spelt two ways: exit %d, %s%s", code, stdout, stderr)
	}
}

// TestCompareEmptyReplications: a desk so quiet that some of the 8 replications have no
// conversation at all, against the same desk with customers who give up after about
// ten minutes (exponential patience), so that those who write off duty leave
// unanswered. A replication with no conversation has no answered share; as in
// summary.json it is left out of the answered shares and their difference, which it
// made unknown ("–") for the whole comparison.
func TestCompareEmptyReplications(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "patient.yaml", statstest.QuietDesk("quiet-patient", false))
	b := writeFile(t, dir, "impatient.yaml", statstest.QuietDesk("quiet-impatient", true))
	// The premise: A's runs, on the seeds compare gives them, include some with no
	// conversation and some with.
	runOut := filepath.Join(dir, "run")
	if code, _, stderr := spendsim(t, "run", a, "--out", runOut, "-q"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	runs, err := parquet.ReadFile[convRow](filepath.Join(runOut, "runs.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	var empty int
	for _, r := range runs {
		if r.Conversations == 0 {
			empty++
		}
	}
	if len(runs) != 8 || empty == 0 || empty == len(runs) {
		t.Fatalf("%d runs, %d with no conversation: the test needs some of each", len(runs), empty)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := spendsim(t, "compare", a, b, "-r", "8", "--out", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	c := readComparison(t, out)
	if c.Replications != 8 || c.Seed != 3 {
		t.Fatalf("replications %d, seed %d; want 8 and 3, as run's", c.Replications, c.Seed)
	}
	d := c.BMinusA.AnsweredShare
	if c.A.AnsweredShare.Mean != 1 || !(c.B.AnsweredShare.Mean < 1) || !(d.Mean < 0) || d.CI95 == nil {
		t.Errorf("answered share A %v, B %v, B − A %v (paired %+v); want 1, under 1 and below 0, with an interval",
			c.A.AnsweredShare.Mean, c.B.AnsweredShare.Mean, d.Mean, d.CI95)
	}
	// The p90 likewise: a replication with no conversation has none (it made A's p90
	// unknown). B's customers who give up leave more than a tenth unanswered: its p90
	// is "not answered", and the difference unknown.
	if p := c.A.FirstResponseP90S; math.IsNaN(float64(p.Mean)) || p.CI95 == nil || !strings.Contains(stdout, "p90 first response                  7.4 h            not answered") {
		t.Errorf("p90 A %+v; want known, with an interval, and 7.4 h against not answered:\n%s", p, stdout)
	}
	if strings.Contains(stdout, "answered  – (") || !strings.Contains(stdout, "answered  100.0% (0 unanswered)") {
		t.Errorf("the answered row is unknown, or not A's 100%%:\n%s", stdout)
	}
}
