package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// spendsim runs the command line in-process and returns exit code, stdout and stderr.
func spendsim(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(append([]string{"spendsim"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type runRow struct {
	RunID           string `parquet:"run_id"`
	MessagingMicros int64  `parquet:"messaging_micros"`
	StaffingMicros  int64  `parquet:"staffing_micros"`
}

type dayRow struct {
	RunID           string `parquet:"run_id"`
	MessagingMicros int64  `parquet:"messaging_micros"`
}

// TestRunDefaultScenario is the new user's first command: the embedded default
// scenario writes every promised file, an independent Parquet reader reads them, and
// each run's daily spend adds up exactly to its total.
func TestRunDefaultScenario(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := spendsim(t, "run", "--out", dir, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d\nstderr: %s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("--quiet run wrote to stderr: %q", stderr)
	}
	for _, want := range []string{"retail-month", "p90 first response", "weekday=4, sunday=0", "cheapest in total"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
	for _, f := range []string{"runs.parquet", "daily.parquet", "summary.json", "manifest.json", "spend_vs_sla.png", "spend_vs_sla.svg",
		"first_response_cdf.png", "first_response_cdf.svg", "spend_by_category.png", "spend_by_category.svg", "outbound_by_day.png", "outbound_by_day.svg", "report.html"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 13 {
		t.Errorf("output dir holds %d entries, want exactly the 13 files (no temporaries)", len(entries))
	}
	runs, err := parquet.ReadFile[runRow](filepath.Join(dir, "runs.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	days, err := parquet.ReadFile[dayRow](filepath.Join(dir, "daily.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 8 {
		t.Fatalf("%d runs, want 8 (4 weekday × 2 sunday staffing levels)", len(runs))
	}
	daily := map[string]int64{}
	for _, d := range days {
		daily[d.RunID] += d.MessagingMicros
	}
	dailyAddsUp(t, dir) // every column, not only spend
	for _, r := range runs {
		if r.MessagingMicros <= 0 || r.StaffingMicros <= 0 {
			t.Errorf("run %s: messaging %d, staffing %d micros: both should be positive", r.RunID, r.MessagingMicros, r.StaffingMicros)
		}
		if daily[r.RunID] != r.MessagingMicros {
			t.Errorf("run %s: daily spend sums to %d micros, run total is %d", r.RunID, daily[r.RunID], r.MessagingMicros)
		}
	}
	// Issue 4: the default scenario has notifications, a weekly campaign, ad-driven
	// conversations, blocking and a bot, and its summary shows what they did.
	raw, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	type stat struct{ Mean float64 }
	var sum struct {
		Points []struct {
			Label                  string
			AmountMicrosByCategory map[string]int64 `json:"amount_micros_by_category"`
			MessagesByPricingType  map[string]int64 `json:"messages_by_pricing_type"`
			Outbound               *struct {
				TemplatesSent   stat `json:"templates_sent"`
				TemplateReplies stat `json:"template_replies"`
				Blocks          stat
				ReachLost       stat `json:"reach_lost"`
				CapRefused      stat `json:"cap_refused"`
			}
			Agents *struct {
				BotReplies  stat `json:"bot_replies"`
				BotResolved stat `json:"bot_resolved"`
			}
		}
	}
	if err := json.Unmarshal(raw, &sum); err != nil {
		t.Fatal(err)
	}
	if len(sum.Points) != 8 {
		t.Fatalf("summary.json has %d points, want 8", len(sum.Points))
	}
	for _, p := range sum.Points {
		for _, c := range []string{"marketing", "utility", "authentication"} {
			if p.AmountMicrosByCategory[c] <= 0 {
				t.Errorf("%s: no %s spend: %v", p.Label, c, p.AmountMicrosByCategory)
			}
		}
		if p.MessagesByPricingType["free_entry_point"] <= 0 {
			t.Errorf("%s: no free entry point messages: the ads brought no conversations", p.Label)
		}
		o, a := p.Outbound, p.Agents
		if o == nil || o.TemplatesSent.Mean <= 0 || o.TemplateReplies.Mean <= 0 || o.Blocks.Mean <= 0 || o.ReachLost.Mean <= 0 || o.CapRefused.Mean <= 0 {
			t.Errorf("%s: outbound %+v: want templates, replies to them, blocks, reach lost and cap refusals", p.Label, o)
		}
		if a == nil || a.BotReplies.Mean <= 0 || a.BotResolved.Mean <= 0 {
			t.Errorf("%s: agents %+v: want the bot's replies and resolutions", p.Label, a)
		}
	}
}

// TestDeterminism: the same seed gives byte-identical results at 1 and 2 workers, and
// twice in a row.
func TestDeterminism(t *testing.T) {
	base := t.TempDir()
	dirs := []string{filepath.Join(base, "w1"), filepath.Join(base, "w2"), filepath.Join(base, "w2again")}
	for i, w := range []string{"1", "2", "2"} {
		if code, _, stderr := spendsim(t, "run", "small", "--seed", "99", "--workers", w, "--out", dirs[i], "-q"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	}
	for _, f := range []string{"runs.parquet", "daily.parquet", "summary.json", "spend_vs_sla.svg", "spend_vs_sla.png",
		"first_response_cdf.png", "first_response_cdf.svg", "spend_by_category.png", "spend_by_category.svg", "report.html"} {
		a, err := os.ReadFile(filepath.Join(dirs[0], f))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range dirs[1:] {
			b, err := os.ReadFile(filepath.Join(d, f))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Errorf("%s differs between %s and %s", f, dirs[0], d)
			}
		}
	}
	// A different seed must change the results (the test above would pass for a
	// simulator that ignored its seed).
	other := filepath.Join(base, "seed100")
	if code, _, stderr := spendsim(t, "run", "small", "--seed", "100", "--out", other, "-q"); code != 0 {
		t.Fatal(stderr)
	}
	a, _ := os.ReadFile(filepath.Join(dirs[0], "runs.parquet"))
	b, _ := os.ReadFile(filepath.Join(other, "runs.parquet"))
	if bytes.Equal(a, b) {
		t.Error("seeds 99 and 100 gave identical runs.parquet")
	}
}

const validScenario = `name: tiny
start: 2025-09-01
days: 2
customers:
  count: 100
  countries: [{country: BR, share: 1}]
load:
  conversations_per_customer_month: 1
agents:
  shifts:
    - {start: "09:00", end: "17:00", headcount: 1}
`

func TestScenarioErrors(t *testing.T) {
	dir := t.TempDir()
	misspelt := writeFile(t, dir, "misspelt.yaml", strings.Replace(validScenario, "headcount: 1", "headcont: 1", 1))
	code, _, stderr := spendsim(t, "run", misspelt, "--out", filepath.Join(dir, "o"))
	if code != 2 {
		t.Errorf("misspelt key: exit %d, want 2", code)
	}
	if want := misspelt + `:11:38: agents.shifts[0]: unknown field "headcont"`; !strings.Contains(stderr, want) {
		t.Errorf("misspelt key: stderr %q lacks %q", stderr, want)
	}
	negative := writeFile(t, dir, "negative.yaml", strings.Replace(validScenario, "headcount: 1", "headcount: -3", 1)+"timezone: Mars/Olympus\n")
	code, _, stderr = spendsim(t, "validate", negative)
	if code != 2 {
		t.Errorf("negative headcount: exit %d, want 2", code)
	}
	for _, want := range []string{"agents.shifts[0].headcount: must be >= 0, got -3", `timezone: "Mars/Olympus" is not an IANA time zone`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q lacks %q", stderr, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "o")); err == nil {
		t.Error("a failed run created its output directory")
	}
	ok := writeFile(t, dir, "ok.yaml", validScenario)
	if code, stdout, stderr := spendsim(t, "validate", ok); code != 0 || !strings.Contains(stdout, "ok.yaml: ok") {
		t.Errorf("valid scenario: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestScenarioErrorPositions: every command that loads a scenario names the line and
// column of an invalid value, before the field path and message, and exits 2.
func TestScenarioErrorPositions(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.yaml", strings.Replace(validScenario, "headcount: 1", "headcount: -3", 1))
	ok := writeFile(t, dir, "ok.yaml", validScenario)
	tr := writeFile(t, dir, "hand.csv", handTrace)
	out := filepath.Join(dir, "out")
	want := bad + ":11:49: agents.shifts[0].headcount: must be >= 0, got -3\n"
	for _, args := range [][]string{
		{"validate", bad},
		{"run", bad, "--out", out},
		{"optimize", bad, "--sla", "p90<=1h", "--out", out},
		{"forecast", bad, "--out", out},
		{"compare", ok, bad, "--out", out},
		{"replay", "--trace", tr, "--restaff", bad, "--out", out},
	} {
		code, _, stderr := spendsim(t, args...)
		if code != 2 || !strings.Contains(stderr, want) {
			t.Errorf("spendsim %s: exit %d, stderr %q; want 2 and %q", args[0], code, stderr, want)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"run", "--no-such-flag"},
		{"run", "a.yaml", "b.yaml"},
		{"run", "--workers", "-1"},
		{"validate"},
		{"scenarios", "extra"},
	} {
		if code, _, _ := spendsim(t, args...); code != 2 {
			t.Errorf("spendsim %s: exit %d, want 2", strings.Join(args, " "), code)
		}
	}
	if code, _, stderr := spendsim(t, "run", "no-such-scenario.yaml"); code != 1 || !strings.Contains(stderr, "no such file") {
		t.Errorf("missing file: exit %d, stderr %q", code, stderr)
	}
}

func TestFlagsAfterArguments(t *testing.T) {
	dir := t.TempDir()
	ok := writeFile(t, dir, "ok.yaml", validScenario)
	out := filepath.Join(dir, "out")
	if code, _, stderr := spendsim(t, "run", ok, "--out", out, "--seed", "5", "-q"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "runs.parquet")); err != nil {
		t.Fatal(err)
	}
}

func TestScenariosList(t *testing.T) {
	code, stdout, _ := spendsim(t, "scenarios")
	if code != 0 || !strings.Contains(stdout, "retail-month (default)") || !strings.Contains(stdout, "mmc") {
		t.Fatalf("exit %d:\n%s", code, stdout)
	}
	code, stdout, _ = spendsim(t, "scenarios", "--show", "small")
	if code != 0 || !strings.HasPrefix(stdout, "# A small") {
		t.Fatalf("--show: exit %d:\n%s", code, stdout)
	}
}

func TestRates(t *testing.T) {
	code, stdout, stderr := spendsim(t, "rates", "--at", "2025-09-15", "--market", "Brazil")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// The era in force that day heads the table.
	if want := "# 2025-09-15: billing era pmp-2025 in force (PMP rules, since 2025-07-01; pmp-2026-10 from 2026-10-01)\n"; !strings.HasPrefix(stdout, want) {
		t.Errorf("rates --at: want the era first, %q; got\n%s", want, stdout)
	}
	// The 2025-07-01 PMP USD card, as in model/pricing/data/ratecards.csv, and nothing
	// else: the 2022 CBP EUR card is still the latest EUR card, but bills nothing in a
	// PMP era.
	ratesAre(t, stdout, `
# 2025-09-15: billing era pmp-2025 in force (PMP rules, since 2025-07-01; pmp-2026-10 from 2026-10-01)
CARD        MODEL  CURRENCY  MARKET  CATEGORY        RATE    CONFIDENCE   FROM CARD
2025-07-01  PMP    USD       Brazil  marketing       0.0625  third_party
2025-07-01  PMP    USD       Brazil  utility         0.0068  third_party
2025-07-01  PMP    USD       Brazil  authentication  0.0068  derived`)
	// A CBP date lists the CBP cards the era's rules read: per category from 2023-06-01,
	// never the user-/business-initiated cards of 2022 before it.
	_, stdout, _ = spendsim(t, "rates", "--at", "2024-03-01", "--market", "Brazil")
	ratesAre(t, stdout, `
# 2024-03-01: billing era cbp-2023 in force (CBP rules, since 2023-06-01; pmp-2025 from 2025-07-01)
CARD        MODEL  CURRENCY  MARKET  CATEGORY        RATE    CONFIDENCE  FROM CARD
2023-06-01  CBP    USD       Brazil  marketing       0.0625  derived
2023-06-01  CBP    USD       Brazil  utility         0.0350  derived
2023-06-01  CBP    USD       Brazil  authentication  0.0315  derived
2023-06-01  CBP    USD       Brazil  service         0.0300  derived`)
	_, stdout, _ = spendsim(t, "rates", "--at", "2023-01-10", "--market", "Brazil")
	ratesAre(t, stdout, `
# 2023-01-10: billing era cbp-2022 in force (CBP rules, since 2022-02-01; cbp-2023 from 2023-06-01)
CARD        MODEL  CURRENCY  MARKET  CATEGORY            RATE    CONFIDENCE  FROM CARD
2022-02-01  CBP    EUR       Brazil  user_initiated      0.0248  bsp
2022-02-01  CBP    EUR       Brazil  business_initiated  0.0414  bsp
2022-02-01  CBP    USD       Brazil  user_initiated      0.0300  derived
2022-02-01  CBP    USD       Brazil  business_initiated  0.0500  derived`)
	if code, _, stderr := spendsim(t, "rates", "--market", "Narnia"); code != 2 || !strings.Contains(stderr, `"Narnia" is not a market`) {
		t.Errorf("unknown market: exit %d, %s", code, stderr)
	}
	if code, _, _ := spendsim(t, "rates", "--at", "yesterday"); code != 2 {
		t.Errorf("bad date: exit %d, want 2", code)
	}
}

// ratesAre checks that stdout is want's lines exactly, trailing blanks aside.
func ratesAre(t *testing.T, stdout, want string) {
	t.Helper()
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		got = append(got, strings.TrimRight(l, " "))
	}
	if g, w := strings.Join(got, "\n"), strings.TrimSpace(want); g != w {
		t.Errorf("rates: got\n%s\nwant\n%s", g, w)
	}
}

// TestExitCodes: every usage error exits 2 with one line on stderr that points to
// --help, never the help itself; data and I/O errors exit 1.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	trace := writeFile(t, dir, "t.csv", "ts,user,direction,type,category\n2025-08-01T10:00:00Z,5511987654321,business,template,marketing\n")
	bad := writeFile(t, dir, "bad.csv", "ts,user,direction,type,category\n2025-08-01T10:00:00Z,5511987654321,business,template,marketting\n")
	out := filepath.Join(dir, "out")
	for _, c := range []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"missing flag", []string{"replay"}, 2, "required flag --trace not set (see spendsim replay --help)"},
		{"missing flag of fit", []string{"fit", "--trace", trace}, 2, "required flag --out not set (see spendsim fit --help)"},
		{"missing flag of generate", []string{"generate", "small"}, 2, "required flag --out not set (see spendsim generate --help)"},
		{"flag without its value", []string{"replay", "--trace"}, 2, "flag needs an argument"},
		{"unknown flag", []string{"run", "--no-such-flag"}, 2, "flag provided but not defined: -no-such-flag (see spendsim run --help)"},
		{"unknown global flag", []string{"--no-such-flag", "run"}, 2, "flag provided but not defined"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"; the commands are run, compare`},
		{"help for an unknown command", []string{"help", "frobnicate"}, 2, "frobnicate"},
		{"unknown scenario name", []string{"run", "no-such-scenario", "--out", out}, 2, "no embedded scenario of that name (embedded: forecast-quarter"},
		{"unknown scenario name, forecast", []string{"forecast", "nosuch", "--out", out}, 2, "no embedded scenario"},
		{"unknown format", []string{"replay", "--trace", trace, "--format", "xml", "--out", out}, 2, `--format "xml" is not one of csv, jsonl, parquet, webhook (see spendsim replay --help)`},
		{"unknown format, fit", []string{"fit", "--trace", trace, "--format", "xml", "-o", filepath.Join(dir, "f.yaml")}, 2, `--format "xml"`},
		{"fit to a JSON file", []string{"fit", "--trace", trace, "-o", filepath.Join(dir, "f.json")}, 2, `f.json": fit writes a scenario in YAML; name the file .yaml or .yml`},
		{"fit to a file with no extension", []string{"fit", "--trace", trace, "-o", filepath.Join(dir, "fitted")}, 2, "name the file .yaml or .yml"},
		{"unknown era", []string{"replay", "--trace", trace, "--pricing", "pmp-2030", "--out", out}, 2, "--pricing"},
		// Trace arguments that do not go together are the command line's to fix; "given
		// twice" exited 1, as if the data were wrong.
		{"trace named twice", []string{"replay", "--trace", trace, "--trace", trace, "--out", out}, 2, "t.csv: given twice; name each file once (a folder or a glob names every trace file in it) (see spendsim replay --help)"},
		{"trace named in its folder too", []string{"replay", "--trace", dir, trace, "--out", out}, 2, "t.csv: given twice"},
		{"trace named by a glob too", []string{"fit", "--trace", filepath.Join(dir, "t.*"), "--trace", trace, "-o", filepath.Join(dir, "f.yaml")}, 2, "t.csv: given twice"},
		{"trace named twice, reconcile", []string{"reconcile", "--trace", trace, "--trace", trace}, 2, "t.csv: given twice"},
		{"standard input beside a file", []string{"replay", "--trace", "-", "--trace", trace, "--out", out}, 2, "-: standard input must be the only trace (see spendsim replay --help)"},
		{"missing scenario file", []string{"run", filepath.Join(dir, "no-such.yaml"), "--out", out}, 1, "no such file"},
		{"missing trace file", []string{"replay", "--trace", filepath.Join(dir, "no-such.csv"), "--out", out}, 1, "no-such.csv"},
		// validate: a file it cannot read is an I/O error (exit 1),
		// and any unread file makes the whole check exit 1, whatever the order.
		{"validate a missing file", []string{"validate", filepath.Join(dir, "no-such.yaml")}, 1, "1 of 1 files could not be read"},
		{"validate invalid, then missing", []string{"validate", writeFile(t, dir, "inv.yaml", "name: x\ndays: abc\n"), filepath.Join(dir, "no-such.yaml")}, 1, "1 of 2 files could not be read, 1 invalid"},
		{"bad trace row", []string{"replay", "--trace", bad, "--out", out}, 1, `bad.csv:2: column category: "marketting" is not one of`},
	} {
		code, stdout, stderr := spendsim(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: spendsim %s: exit %d, stderr %q; want exit %d and %q", c.name, strings.Join(c.args, " "), code, stderr, c.code, c.want)
		}
		if c.code == 2 && (strings.Count(strings.TrimSpace(stderr), "\n") > 0 || strings.Contains(stdout, "USAGE:")) {
			t.Errorf("%s: want one line on stderr and no help, got stdout %q, stderr %q", c.name, stdout, stderr)
		}
	}
}
