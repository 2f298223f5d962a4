package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

type restaffSide struct {
	Label              string           `json:"label"`
	TotalMicros        int64            `json:"total_micros"`
	AmountByCategory   map[string]int64 `json:"amount_micros_by_category"`
	BillableByCategory map[string]int64 `json:"billable_by_category"`
	RepliesWanted      int64            `json:"replies_wanted"`
	InWindow           int64            `json:"answered_in_window"`
	Late               int64            `json:"late_replies"`
	LateUtility        int64            `json:"late_utility_templates"`
	Dropped            int64            `json:"dropped_replies"`
	Unanswered         int64            `json:"unanswered"`
	BotReplies         int64            `json:"bot_replies"`
	InWindowShare      *float64         `json:"in_window_share"`
	LateShare          *float64         `json:"late_share"`
	LateReplyShare     *float64         `json:"late_reply_share"`
	P50                *float64         `json:"first_response_p50_s"`
	P90                *float64         `json:"first_response_p90_s"`
}

type restaffJSON struct {
	Scenario         string      `json:"scenario"`
	Seed             uint64      `json:"seed"`
	RemovedReplies   int64       `json:"removed_replies"`
	SimulatedReplies int64       `json:"simulated_replies"`
	Old              restaffSide `json:"old"`
	New              restaffSide `json:"new"`
	Difference       struct {
		TotalMicros int64  `json:"total_micros"`
		Total       string `json:"total"`
	} `json:"difference"`
}

type restaffMsg struct {
	Line            int64   `parquet:"line"`
	TS              int64   `parquet:"ts"`
	Type            string  `parquet:"type"`
	Category        *string `parquet:"category,optional"`
	PricingCategory *string `parquet:"pricing_category,optional"`
	Billable        bool    `parquet:"billable"`
	AmountMicros    int64   `parquet:"amount_micros"`
}

func restaffOK(t *testing.T, out string, args ...string) (string, restaffJSON) {
	t.Helper()
	code, stdout, stderr := spendsim(t, append([]string{"replay", "--out", out, "-q"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r restaffJSON
	data, err := os.ReadFile(filepath.Join(out, "restaff.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return stdout, r
}

// handTrace is sim's hand-made restaff timeline three hours later in UTC, that is at
// the same local times in São Paulo, where one-agent.yaml lays its 09:00–17:00 shift
// (UTC−3, no daylight saving since 2019). 2025-09-01 is a Monday. It ends with an
// authentication code to India after C's Monday reply.
const handTrace = `ts,user,direction,type,category
2025-09-01T11:00:00Z,5511987654321,user,,
2025-09-01T11:30:00Z,5511900000002,user,,
2025-09-01T12:05:00Z,5511987654321,business,text,
2025-09-01T12:15:00Z,5511900000002,user,,
2025-09-01T19:55:00Z,5511987654321,user,,
2025-09-01T19:58:00Z,5511900000002,user,,
2025-09-03T15:00:00Z,5511900000003,business,template,marketing
2025-09-05T20:30:00Z,5511900000003,user,,
2025-09-05T20:45:00Z,5511900000003,business,text,
2025-09-08T15:00:00Z,919876543210,business,template,authentication
`

// TestRestaffHandTrace: every restaffed reply time and charge, worked out by hand. The
// agent starts at 09:00 local (12:00Z): A's reply at 12:10Z, B's (which waited for A's)
// at 12:20Z, A's evening message answered at 20:05Z after the shift (the chat in hand is
// finished), B's evening one the next morning at 12:10Z, and C, who wrote on Friday
// evening, on Monday 2025-09-08 at 12:10Z — after the window closed, so as a utility
// template: Brazil, PMP 2025 card, 0.0068 USD. The trace's marketing template (0.0625)
// is charged on both sides; its two text replies are replaced.
func TestRestaffHandTrace(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "hand.csv", handTrace)
	out := filepath.Join(dir, "out")
	stdout, r := restaffOK(t, out, "--trace", tr, "--pricing", "pmp-2025", "--restaff", "testdata/restaff/one-agent.yaml")

	msgs, err := parquet.ReadFile[restaffMsg](filepath.Join(out, "messages.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range msgs {
		cat := ""
		if m.PricingCategory != nil {
			cat = *m.PricingCategory
		}
		got = append(got, strings.Join([]string{
			time.UnixMilli(m.TS).UTC().Format("01-02T15:04"), m.Type, cat,
			map[bool]string{true: "billable", false: "free"}[m.Billable], itoa64(m.AmountMicros), "line " + itoa64(m.Line),
		}, " "))
	}
	want := []string{
		"09-01T12:10 text service free 0 line 0",
		"09-01T12:20 text service free 0 line 0",
		"09-01T20:05 text service free 0 line 0",
		"09-02T12:10 text service free 0 line 0",
		"09-03T15:00 template marketing billable 62500 line 8",
		"09-08T12:10 template utility billable 6800 line 0",
		"09-08T15:00 template authentication billable 1400 line 11",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("messages.parquet:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	var s replaySummary
	data, _ := os.ReadFile(filepath.Join(out, "summary.json"))
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if s.TotalMicros != 70_700 || r.New.TotalMicros != 70_700 || r.Old.TotalMicros != 63_900 ||
		r.Difference.TotalMicros != 6_800 || r.Difference.Total != "0.006800" {
		t.Errorf("summary %d; restaff old %d new %d difference %d (%s); want 70700, 63900, 70700, 6800",
			s.TotalMicros, r.Old.TotalMicros, r.New.TotalMicros, r.Difference.TotalMicros, r.Difference.Total)
	}
	if r.New.AmountByCategory["utility"] != 6_800 || r.New.BillableByCategory["utility"] != 1 || r.Old.BillableByCategory["utility"] != 0 {
		t.Errorf("utility: new %d micros (%d), old %d billable", r.New.AmountByCategory["utility"], r.New.BillableByCategory["utility"], r.Old.BillableByCategory["utility"])
	}
	// Original: A answered in 65 min, C in 15 min; A's evening message and B never.
	o, n := r.Old, r.New
	if o.RepliesWanted != 4 || o.InWindow != 2 || o.Late != 0 || o.Unanswered != 2 || *o.LateShare != 0.5 {
		t.Errorf("original %+v", o)
	}
	if n.RepliesWanted != 5 || n.InWindow != 4 || n.Late != 1 || n.LateUtility != 1 || n.Unanswered != 0 ||
		*n.InWindowShare != 0.8 || math.Abs(*n.LateReplyShare-0.2) > 1e-12 {
		t.Errorf("restaffed %+v", n)
	}
	if r.RemovedReplies != 2 || r.SimulatedReplies != 5 || r.Scenario != "one-agent" || r.Seed != 1 {
		t.Errorf("removed %d, simulated %d, scenario %s seed %d", r.RemovedReplies, r.SimulatedReplies, r.Scenario, r.Seed)
	}
	// Sorted first responses 600, 3000, 4200, 58320, 229200 s: p50 is 4200 s (70 min)
	// to the sketch's 0.5%.
	if math.Abs(*n.P50-4200) > 0.005*4200 {
		t.Errorf("restaffed p50 %v s, want 4200", *n.P50)
	}
	for _, line := range []string{
		"spend (USD)                                0.06                   0.07          +0.01",
		"  utility                              0.00 (0)               0.01 (1)          +0.01",
		"  late (templates)                            0                      1             +1",
	} {
		if !strings.Contains(stdout, line) {
			t.Errorf("stdout lacks %q:\n%s", line, stdout)
		}
	}
}

func itoa64(v int64) string { return strconv.FormatInt(v, 10) }

// twitterRestaff restaffs the Twitter customer-support sample with a scenario.
func twitterRestaff(t *testing.T, scenario string, extra ...string) (string, restaffJSON, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	stdout, r := restaffOK(t, out, append([]string{"--trace", "../../scenarios/trace/testdata/twcs_sample.csv",
		"--mapping", "../../scenarios/trace/testdata/twcs.yaml", "--sort", "--skip-invalid",
		"--pricing", "pmp-2025", "--restaff", scenario}, extra...)...)
	return stdout, r, out
}

// TestRestaffTwitterFasterSlower is issue 4's check on the Twitter sample. The original
// brands answered 41 of 48 conversations inside the window and left 7 unanswered: a
// late share (not answered in the window) of 7/48. A faster team (20 agents round the
// clock, 1-minute replies) answers all of them inside the window and far sooner, so
// its late share falls to 0. A slower team (one agent two hours a weekday, 30-minute
// replies) answers most of them late, as paid utility templates, so its late share and
// spend rise. Both reports show both sides.
func TestRestaffTwitterFasterSlower(t *testing.T) {
	fastOut, fast, fastDir := twitterRestaff(t, "testdata/restaff/faster.yaml")
	slowOut, slow, slowDir := twitterRestaff(t, "testdata/restaff/slower.yaml")
	o := fast.Old
	if o.RepliesWanted != 48 || o.InWindow != 41 || o.Late != 0 || o.Unanswered != 7 ||
		math.Abs(*o.LateShare-7.0/48) > 1e-12 || *o.LateReplyShare != 0 {
		t.Fatalf("original %+v", o)
	}
	if slow.Old.RepliesWanted != o.RepliesWanted || slow.Old.TotalMicros != 0 {
		t.Errorf("the original side differs between runs: %+v", slow.Old)
	}
	f := fast.New
	// The original left 7 of 48 unanswered, so its p90 is not answered (null): the
	// faster team's, a time, is better whatever it is.
	if *f.LateShare != 0 || *f.LateShare >= *o.LateShare || f.P90 == nil || (o.P90 != nil && *f.P90 >= *o.P90) || f.Unanswered != 0 {
		t.Errorf("faster team: late share %v (original %v), p90 %v s (%v s), unanswered %d",
			*f.LateShare, *o.LateShare, f.P90, o.P90, f.Unanswered)
	}
	if f.TotalMicros != 0 {
		t.Errorf("faster team spends %d micros; every reply is free text in the window", f.TotalMicros)
	}
	s := slow.New
	if *s.LateShare <= *o.LateShare || *s.LateShare <= *f.LateShare || *s.LateReplyShare <= *o.LateReplyShare || s.Late == 0 {
		t.Errorf("slower team: late share %v (original %v, faster %v), late replies %v", *s.LateShare, *o.LateShare, *f.LateShare, *s.LateReplyShare)
	}
	// Every late reply is a US utility template (PMP 2025 card, 0.004 USD).
	if s.TotalMicros != 4_000*s.LateUtility || s.LateUtility != s.Late || s.BillableByCategory["utility"] != s.Late {
		t.Errorf("slower team spends %d micros on %d late replies", s.TotalMicros, s.Late)
	}
	// The README's excerpt is this very output.
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, excerpt, ok := strings.Cut(string(readme), "--restaff cmd/spendsim/testdata/restaff/slower.yaml\n")
	excerpt, _, _ = strings.Cut(excerpt, "```")
	if !ok || excerpt == "" {
		t.Error("README.md has no restaff example of slower.yaml")
	}
	for _, line := range strings.Split(strings.TrimSpace(excerpt), "\n") {
		if !strings.Contains(slowOut, line+"\n") {
			t.Errorf("README.md shows %q; spendsim prints:\n%s", line, slowOut)
		}
	}
	for _, c := range []struct {
		name, stdout, dir string
		r                 restaffJSON
	}{{"faster", fastOut, fastDir, fast}, {"slower", slowOut, slowDir, slow}} {
		page, err := os.ReadFile(filepath.Join(c.dir, "restaff.html"))
		if err != nil {
			t.Fatal(err)
		}
		row := "<td>late share</td><td>14.6%</td><td>" + pct(*c.r.New.LateShare) + "</td>"
		if !bytes.Contains(page, []byte(row)) {
			t.Errorf("%s: restaff.html lacks %q", c.name, row)
		}
		line := "late share                                14.6%"
		if !strings.Contains(c.stdout, line) || !strings.Contains(c.stdout, pct(*c.r.New.LateShare)) {
			t.Errorf("%s: stdout lacks the late share row:\n%s", c.name, c.stdout)
		}
	}
}

func pct(x float64) string { return strconv.FormatFloat(100*x, 'f', 1, 64) + "%" }

// TestRestaffDeterministic: the same seed gives the same bytes in every output; another
// seed draws other handle times.
func TestRestaffDeterministic(t *testing.T) {
	files := []string{"messages.parquet", "bill.parquet", "summary.json", "restaff.json", "restaff.html"}
	_, a, dirA := twitterRestaff(t, "testdata/restaff/slower.yaml")
	_, _, dirB := twitterRestaff(t, "testdata/restaff/slower.yaml")
	for _, f := range files {
		x, err := os.ReadFile(filepath.Join(dirA, f))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(dirB, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs of seed %d", f, a.Seed)
		}
	}
	src, err := os.ReadFile("testdata/restaff/slower.yaml")
	if err != nil {
		t.Fatal(err)
	}
	other := writeFile(t, t.TempDir(), "slower.yaml", strings.Replace(string(src), "seed: 7", "seed: 8", 1))
	_, b, _ := twitterRestaff(t, other)
	if b.Seed != 8 || *b.New.P50 == *a.New.P50 {
		t.Errorf("seed %d gives p50 %v s, seed %d %v s: another seed should draw other handle times", a.Seed, *a.New.P50, b.Seed, *b.New.P50)
	}
}

// TestRestaffBadScenario: a scenario that is wrong is a usage error (exit 2), one that
// is missing a failure (exit 1, as for spendsim run); both name the problem and leave no
// output behind.
func TestRestaffBadScenario(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "hand.csv", handTrace)
	src, _ := os.ReadFile("testdata/restaff/one-agent.yaml")
	bad := writeFile(t, dir, "bad.yaml", strings.Replace(string(src), "late_reply: utility", "late_reply: never", 1))
	for _, c := range []struct {
		scenario string
		code     int
		want     string
	}{
		{filepath.Join(dir, "none.yaml"), 1, "none.yaml: no such file"},
		{bad, 2, `bad.yaml:20:15: agents.late_reply: "never" is not one of utility, marketing, drop`},
	} {
		out := filepath.Join(dir, "out")
		code, _, stderr := spendsim(t, "replay", "--trace", tr, "--restaff", c.scenario, "--out", out, "-q")
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", c.scenario, code, stderr, c.code, c.want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%s: a failed restaff left %s behind", c.scenario, out)
		}
	}
}

// TestRestaffStdin: --restaff reads the trace twice, so a trace on standard input is a
// flag clash, exit 2 as every other (it exited 1), and nothing is read.
func TestRestaffStdin(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "hand.csv", handTrace)
	defer feedStdin(t, tr, false)()
	code, _, stderr := spendsim(t, "replay", "--trace", "-", "--restaff", "testdata/restaff/one-agent.yaml", "--out", filepath.Join(dir, "out"))
	if want := "--restaff reads the trace twice (the original, then the restaffed one): give a file, not standard input"; code != 2 || !strings.Contains(stderr, want) {
		t.Errorf("--trace - --restaff: exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
}

// TestRestaffBotHandTrace: one-agent.yaml behind a bot that answers 30 s after each
// conversation starts and hands it to the agent 60 s later. The bot's five replies are
// free text in the window and make every first response 30 s; the agent's replies come
// as in TestRestaffHandTrace except A's evening one (handed over at 19:56:30Z, answered
// 20:06:30Z); C's late utility template is charged the same.
func TestRestaffBotHandTrace(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "hand.csv", handTrace)
	out := filepath.Join(dir, "out")
	stdout, r := restaffOK(t, out, "--trace", tr, "--pricing", "pmp-2025", "--restaff", "testdata/restaff/one-agent-bot.yaml")
	msgs, err := parquet.ReadFile[restaffMsg](filepath.Join(out, "messages.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	var bot, agentEvening int
	for _, m := range msgs {
		ts := time.UnixMilli(m.TS).UTC()
		if ts.Second() == 30 && m.Type == "text" {
			bot++
		}
		if ts.Format("01-02T15:04:05") == "09-01T20:06:30" {
			agentEvening++
		}
	}
	if len(msgs) != 12 || bot != 6 || agentEvening != 1 {
		t.Errorf("%d business messages, %d text at :30 (the bot's 5 and the agent's 20:06:30), want 12 and 6", len(msgs), bot)
	}
	if n := r.New; n.RepliesWanted != 5 || n.BotReplies != 5 || n.InWindow != 4 || n.Late != 1 || r.New.TotalMicros != 70_700 || math.Abs(*n.P50-4200) > 0.005*4200 {
		t.Errorf("restaffed %+v", n)
	}
	if !strings.Contains(stdout, "bot replies                                   0                      5             +5\n") {
		t.Errorf("stdout lacks the bot's replies:\n%s", stdout)
	}
}

// TestRestaffSweptScenario: a scenario with a sweep is refused without --point (it
// used to restaff silently with the base headcounts), restaffs with the agents of the
// point named, and reports that team's staffing cost: small's agents=2 is two agents,
// 09:00-18:00 on weekdays, at 8.00 an hour, over the three weekdays of the trace.
func TestRestaffSweptScenario(t *testing.T) {
	dir := t.TempDir()
	args := []string{"replay", "--trace", "../../scenarios/trace/testdata/twcs_sample.csv",
		"--mapping", "../../scenarios/trace/testdata/twcs.yaml", "--sort", "--skip-invalid", "--pricing", "pmp-2025", "-q"}
	out := filepath.Join(dir, "out")
	code, _, stderr := spendsim(t, append(args, "--restaff", "small", "--out", out)...)
	if code != 2 || !strings.Contains(stderr, "small sweeps 2 points") || !strings.Contains(stderr, "--point ID (agents=1; agents=2)") {
		t.Errorf("exit %d: %s; want 2, naming the points", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused restaff left %s behind", out)
	}
	if code, _, stderr := spendsim(t, append(args, "--point", "agents=2", "--out", out)...); code != 2 || !strings.Contains(stderr, "give --restaff too") {
		t.Errorf("--point without --restaff: exit %d: %s", code, stderr)
	}
	stdout, _ := restaffOK(t, out, append(args[1:len(args)-1], "--restaff", "small", "--point", "agents=2")...)
	if !strings.Contains(stdout, "restaffed with small at agents=2") ||
		!strings.Contains(stdout, "staffing (USD)                          unknown                 432.00") {
		t.Errorf("table:\n%s", stdout)
	}
	var r struct {
		Point string
		Old   struct {
			StaffingMicros *int64 `json:"staffing_micros"`
		}
		New struct {
			StaffingMicros *int64 `json:"staffing_micros"`
		}
	}
	data, err := os.ReadFile(filepath.Join(out, "restaff.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if r.Point != "agents=2" || r.Old.StaffingMicros != nil || r.New.StaffingMicros == nil || *r.New.StaffingMicros != 432_000_000 {
		t.Errorf("restaff.json: point %q, staffing %v and %v", r.Point, r.Old.StaffingMicros, r.New.StaffingMicros)
	}
	// The point as a table prints it, spaced, is found, and restaff.json names it as
	// runs.parquet's point_id does.
	spaced := filepath.Join(dir, "spaced")
	restaffOK(t, spaced, append(args[1:len(args)-1], "--restaff", "small", "--point", "agents = 2")...)
	data, err = os.ReadFile(filepath.Join(spaced, "restaff.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &r); err != nil || r.Point != "agents=2" {
		t.Errorf("--point 'agents = 2': restaff.json names point %q (%v), want agents=2", r.Point, err)
	}
}
