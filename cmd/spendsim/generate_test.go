package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/spendsim/spendsim/model/money"
)

// generateScenario is understaffed on purpose: agents work weekdays 09:00–17:00 in São
// Paulo, so replies to weekend and night messages come after the 24-hour window has
// closed and go out as paid utility templates. Three countries, two markets' rates, and
// conversations of two user messages on average; a third of them from ads or Page
// buttons, whose free entry point windows the replay must see too.
const generateScenario = `name: gen-test
seed: 11
start: 2024-03-01
days: 4
timezone: America/Sao_Paulo
customers:
  count: 3000
  countries:
    - {country: BR, share: 0.5}
    - {country: IN, share: 0.3}
    - {country: DE, share: 0.2}
load:
  conversations_per_customer_month: 3
  messages_per_conversation: 2
  think_time: {dist: exponential, mean_s: 120}
  entry_points: {ctwa: 0.2, page_cta: 0.1}
agents:
  concurrency: 2
  handle_time: {dist: exponential, mean_s: 400}
  shifts:
    - {name: day, days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00", headcount: 2}
`

var spendLine = regexp.MustCompile(`(?m)^messaging spend \S+ USD \(total_micros (\d+)\)$`)

// generateOK runs generate and returns the spend it reports and the replay command.
func generateOK(t *testing.T, args ...string) (money.Micros, string) {
	t.Helper()
	code, stdout, stderr := spendsim(t, append([]string{"generate"}, args...)...)
	if code != 0 {
		t.Fatalf("generate %v: exit %d: %s", args, code, stderr)
	}
	m := spendLine.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no spend line in:\n%s", stdout)
	}
	micros, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	spend := money.Micros(micros)
	_, cmd, ok := strings.Cut(stdout, "bill it again: spendsim ")
	if !ok {
		t.Fatalf("no replay command in:\n%s", stdout)
	}
	return spend, strings.TrimSpace(cmd)
}

// TestGenerateReplaysToRunSpend: the trace generate writes, replayed with the command
// it prints, bills exactly the run's messaging spend, to the micro, in every format; and
// that spend is replication 0 of `spendsim run` on the same scenario. They cannot
// differ: a run bills each message once, when it is sent (the simulation has no delivery
// delay, so delivered_ts is never set), the trace keeps the run's order for messages
// sent in the same millisecond, and replay bills the same message stream under the same
// era, rate cards, time zone and business settings.
func TestGenerateReplaysToRunSpend(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "gen.yaml", generateScenario)
	runOut := filepath.Join(dir, "run")
	if code, _, stderr := spendsim(t, "run", sc, "--out", runOut, "-q"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	runs, err := parquet.ReadFile[runRow](filepath.Join(runOut, "runs.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 {
		t.Fatalf("%d runs, want 1", len(runs))
	}
	for _, ext := range []string{"csv", "parquet", "jsonl"} {
		path := filepath.Join(dir, "trace."+ext)
		spend, cmd := generateOK(t, sc, "-o", path)
		if int64(spend) != runs[0].MessagingMicros {
			t.Errorf("%s: generate reports %d micros, spendsim run %d", ext, spend, runs[0].MessagingMicros)
		}
		if spend < 1_000_000 {
			t.Errorf("%s: spend %s: the scenario should pay for late replies", ext, spend)
		}
		out := filepath.Join(dir, "replay-"+ext)
		args := append(strings.Fields(cmd), "--out", out, "-q")
		if code, _, stderr := spendsim(t, args...); code != 0 {
			t.Fatalf("%s: %v: exit %d: %s", ext, args, code, stderr)
		}
		var s replaySummary
		data, err := os.ReadFile(filepath.Join(out, "summary.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &s); err != nil {
			t.Fatal(err)
		}
		if s.TotalMicros != int64(spend) {
			t.Errorf("%s: replay bills %d micros, the run %d", ext, s.TotalMicros, spend)
		}
		if s.BillableByCategory["utility"] == 0 {
			t.Errorf("%s: no utility template billed: %+v", ext, s.BillableByCategory)
		}
	}
}

// TestGenerateDeterministic: the same seed writes the same bytes; another seed does not.
func TestGenerateDeterministic(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "gen.yaml", generateScenario)
	for _, ext := range []string{"csv", "parquet", "jsonl"} {
		a, b, c := filepath.Join(dir, "a."+ext), filepath.Join(dir, "b."+ext), filepath.Join(dir, "c."+ext)
		generateOK(t, sc, "-o", a)
		generateOK(t, sc, "-o", b, "--seed", "11")
		generateOK(t, sc, "-o", c, "--seed", "12")
		da, _ := os.ReadFile(a)
		db, _ := os.ReadFile(b)
		dc, _ := os.ReadFile(c)
		if len(da) == 0 || !bytes.Equal(da, db) {
			t.Errorf("%s: same seed, different bytes (%d and %d)", ext, len(da), len(db))
		}
		if bytes.Equal(da, dc) {
			t.Errorf("%s: seeds 11 and 12 wrote the same trace", ext)
		}
	}
	// No temporary file is left beside the traces.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestGenerateTraceColumns(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "gen.yaml", generateScenario)
	path := filepath.Join(dir, "t.csv")
	generateOK(t, sc, "-o", path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if lines[0] != "ts,user,direction,type,category,country,business,entry_point,status,delivered_ts,message_id" {
		t.Errorf("header %q", lines[0])
	}
	ids := map[string]bool{}
	entries := map[string]int{}
	templates := 0
	for i, l := range lines[1:] {
		f := strings.Split(l, ",")
		if len(f) != 11 {
			t.Fatalf("line %d: %q", i+2, l)
		}
		if ids[f[10]] {
			t.Errorf("line %d: message_id %s repeated", i+2, f[10])
		}
		ids[f[10]] = true
		if !strings.HasPrefix(f[1], "c") || (f[5] != "BR" && f[5] != "IN" && f[5] != "DE") || f[6] != "default" {
			t.Errorf("line %d: user, country or business: %q", i+2, l)
		}
		switch {
		case f[2] == "user" && f[3] == "" && f[8] == "":
			entries[f[7]]++
		case f[2] == "business" && f[3] == "text" && f[4] == "" && f[8] == "delivered":
		case f[2] == "business" && f[3] == "template" && f[4] == "utility" && f[8] == "delivered":
			templates++
		default:
			t.Errorf("line %d: unexpected row %q", i+2, l)
		}
	}
	if templates == 0 {
		t.Error("no late reply sent as a utility template")
	}
	if len(entries) != 3 || entries["ctwa"] == 0 || entries["page_cta"] == 0 {
		t.Errorf("entry points of user messages: %v", entries)
	}
}

func TestGenerateErrors(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "gen.yaml", generateScenario)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{sc, "-o", filepath.Join(dir, "t.txt")}, 2, "cannot tell the format"},
		{[]string{sc, "-o", filepath.Join(dir, "t.csv"), "--point", "nope"}, 2, `--point "nope" is not a sweep point of gen-test; its points are base`},
		{[]string{"-o", filepath.Join(dir, "t.csv")}, 2, "generate takes one scenario"},
		{[]string{sc, "-o", filepath.Join(dir, "missing", "t.csv")}, 1, "no such file or directory"},
		// A folder is refused before the run (it failed after it, at the rename).
		{[]string{sc, "-o", dir, "--format", "csv"}, 2, "is a folder; generate writes one trace file"},
	} {
		code, _, stderr := spendsim(t, append([]string{"generate"}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("failed generates left files: %d entries", len(entries))
	}
}

// TestGeneratePoint: --point picks a sweep point; the customers are the same
// (common random numbers), the replies are not.
func TestGeneratePoint(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	generateOK(t, "small", "-o", a)
	code, stdout, stderr := spendsim(t, "generate", "small", "-o", b, "--point", "agents=2")
	if code != 0 || !strings.Contains(stdout, "point agents=2") {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	firstUser := func(d []byte) string { return strings.Split(string(d), "\n")[1] }
	if firstUser(da) != firstUser(db) || bytes.Equal(da, db) {
		t.Errorf("points agents=1 and agents=2: first rows %q and %q; want the same first customer message and different traces", firstUser(da), firstUser(db))
	}
}

// TestGeneratePointLHS: in a Latin-hypercube sweep --point takes the labels run's
// table and summary.json show ("agents=3"), and finds the point whose point_id
// summary.json gives it ("lhs-002"); replay --restaff likewise. It took only the
// lhs-NNN ids, and its error listed them: ids run never shows.
func TestGeneratePointLHS(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "lhs.yaml", `name: lhs
seed: 3
start: 2025-09-01
days: 2
customers: {count: 300, countries: [{country: BR, share: 1}]}
load: {conversations_per_customer_month: 2}
agents:
  cost_per_hour: 8
  shifts: [{start: "09:00", end: "17:00", headcount: 1}]
sweep_mode: lhs
samples: 3
sweep:
  - {path: "agents.shifts[0].headcount", name: agents, min: 1, max: 3}
`)
	out := filepath.Join(dir, "run")
	code, table, stderr := spendsim(t, "run", sc, "--out", out, "-q")
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	var s struct {
		Points []struct {
			PointID string `json:"point_id"`
			Label   string `json:"label"`
		} `json:"points"`
	}
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &s); err != nil || len(s.Points) != 3 {
		t.Fatalf("summary.json: %v, %d points", err, len(s.Points))
	}
	var labels []string
	for _, p := range s.Points {
		if !strings.Contains(table, "  "+p.Label+"  ") || !strings.HasPrefix(p.PointID, "lhs-") {
			t.Errorf("point %s labelled %q: not in run's table\n%s", p.PointID, p.Label, table)
		}
		code, stdout, stderr := spendsim(t, "generate", sc, "-o", filepath.Join(dir, p.PointID+".csv"), "--point", p.Label)
		// The point as the user named it, then its id: it said "point lhs-002", a name
		// the user never gave.
		if want := "lhs: point " + p.Label + " (" + p.PointID + "), replication 0"; code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("generate --point %q: exit %d, want %q: %s%s", p.Label, code, want, stdout, stderr)
		}
		labels = append(labels, p.Label+" ("+p.PointID+")")
	}
	code, _, stderr = spendsim(t, "generate", sc, "-o", filepath.Join(dir, "x.csv"), "--point", "agents=9")
	if want := "its points are " + strings.Join(labels, "; "); code != 2 || !strings.Contains(stderr, want) {
		t.Errorf("generate --point agents=9: exit %d, %s; want 2 and %q", code, stderr, want)
	}
	tr := filepath.Join(dir, s.Points[0].PointID+".csv")
	code, _, stderr = spendsim(t, "replay", "--trace", tr, "--restaff", sc, "--point", s.Points[1].Label, "--out", filepath.Join(dir, "restaff"), "-q")
	if code != 0 {
		t.Errorf("replay --restaff --point %q: exit %d: %s", s.Points[1].Label, code, stderr)
	}
}

// TestGenerateNotificationsExample: the embedded example with notifications, campaigns,
// blocking, the marketing cap and messaging limits. Templates to users who blocked the
// business are written as sent and refused ones as failed, and the replay charges
// neither, as the run did: the totals agree to the micro.
func TestGenerateNotificationsExample(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "n.parquet")
	spend, cmd := generateOK(t, "notifications", "-o", path)
	out := filepath.Join(dir, "replay")
	if code, _, stderr := spendsim(t, append(strings.Fields(cmd), "--out", out, "-q")...); code != 0 {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	var s replaySummary
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if s.TotalMicros != int64(spend) || s.BillableByCategory["marketing"] == 0 || s.BillableByCategory["authentication"] == 0 {
		t.Errorf("replay bills %d micros (%v), the run %d", s.TotalMicros, s.BillableByCategory, spend)
	}
	type statusRow struct {
		Status *string `parquet:"status,optional"`
	}
	rows, err := parquet.ReadFile[statusRow](path)
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[string]int{}
	for _, r := range rows {
		if r.Status != nil {
			statuses[*r.Status]++
		}
	}
	if statuses["sent"] == 0 || statuses["failed"] == 0 || statuses["delivered"] == 0 {
		t.Errorf("statuses %v: want delivered, sent (blocked) and failed (refused) templates", statuses)
	}
}
