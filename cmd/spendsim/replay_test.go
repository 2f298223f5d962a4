package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

type msgRow struct {
	Line         int64   `parquet:"line"`
	PricingModel *string `parquet:"pricing_model,optional"`
	PricingType  *string `parquet:"pricing_type,optional"`
	Category     *string `parquet:"pricing_category,optional"`
	Billable     bool    `parquet:"billable"`
	AmountMicros int64   `parquet:"amount_micros"`
	Market       string  `parquet:"market"`
}

type billRow struct {
	Market       string `parquet:"market"`
	AmountMicros int64  `parquet:"amount_micros"`
	Billable     int64  `parquet:"billable"`
}

type replaySummary struct {
	TotalMicros        int64            `json:"total_micros"`
	Total              string           `json:"total"`
	BillableByCategory map[string]int64 `json:"billable_by_category"`
	CardsUsed          []struct {
		Effective string `json:"effective_from"`
	} `json:"cards_used"`
}

func replayOK(t *testing.T, csv string, args ...string) (replaySummary, []msgRow, []billRow) {
	t.Helper()
	dir := t.TempDir()
	trace := writeFile(t, dir, "trace.csv", csv)
	out := filepath.Join(dir, "out")
	code, _, stderr := spendsim(t, append([]string{"replay", "--trace", trace, "--out", out, "-q"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var s replaySummary
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	msgs, err := parquet.ReadFile[msgRow](filepath.Join(out, "messages.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	bill, err := parquet.ReadFile[billRow](filepath.Join(out, "bill.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	return s, msgs, bill
}

// A small PMP 2025 timeline: a user writes; the business answers with text, a utility
// template and a marketing template inside the window; two days later a utility
// template outside the window (charged), one that was only sent (never charged), and an
// authentication template to India.
const pmpTimeline = `ts,user,direction,type,category,status
2025-09-01T10:00:00Z,5511987654321,user,,,
2025-09-01T10:05:00Z,5511987654321,business,text,,delivered
2025-09-01T10:06:00Z,5511987654321,business,template,utility,read
2025-09-01T10:07:00Z,5511987654321,business,template,marketing,delivered
2025-09-03T10:07:00Z,5511987654321,business,template,utility,delivered
2025-09-03T10:08:00Z,5511987654321,business,template,utility,sent
2025-09-03T10:09:00Z,919876543210,business,template,authentication,delivered
`

// TestReplayThreeTotalsAgree: messages.parquet, bill.parquet and summary.json give the
// same total to the micro, and the charges are the 2025-07-01 card's list rates.
func TestReplayThreeTotalsAgree(t *testing.T) {
	s, msgs, bill := replayOK(t, pmpTimeline)
	// Brazil marketing 0.0625 + Brazil utility 0.0068 + India authentication 0.0014.
	if s.TotalMicros != 62_500+6_800+1_400 || s.Total != "0.070700" {
		t.Errorf("total %d (%s), want 70700", s.TotalMicros, s.Total)
	}
	want := map[string]int64{"marketing": 1, "utility": 1, "authentication": 1, "service": 0}
	for cat, n := range want {
		if s.BillableByCategory[cat] != n {
			t.Errorf("billable %s = %d, want %d", cat, s.BillableByCategory[cat], n)
		}
	}
	var msgSum, billSum int64
	for _, m := range msgs {
		msgSum += m.AmountMicros
	}
	for _, b := range bill {
		billSum += b.AmountMicros
	}
	if msgSum != s.TotalMicros || billSum != s.TotalMicros {
		t.Errorf("messages %d, bill %d, summary %d micros: the totals must agree", msgSum, billSum, s.TotalMicros)
	}
	if len(msgs) != 6 {
		t.Fatalf("%d message rows, want 6 business messages", len(msgs))
	}
	if m := msgs[1]; m.Line != 4 || *m.PricingType != "free_customer_service" || m.Billable {
		t.Errorf("in-window utility: %+v", m)
	}
	if len(s.CardsUsed) != 1 || s.CardsUsed[0].Effective != "2025-07-01" {
		t.Errorf("cards used %+v", s.CardsUsed)
	}
}

// TestReplayEraCounterfactual: the same trace under every era. Delivered messages are
// the same; what is billable changes.
func TestReplayEraCounterfactual(t *testing.T) {
	for _, c := range []struct {
		era  string
		want map[string]int64
	}{
		{"pmp-2025", map[string]int64{"marketing": 1, "utility": 1, "authentication": 1, "service": 0}},
		// From 2026-10 rules: text in the window is a service message, free within the
		// 1,000 a month; in-window utility is charged.
		{"pmp-2026-10", map[string]int64{"marketing": 1, "utility": 2, "authentication": 1, "service": 0}},
	} {
		s, _, _ := replayOK(t, pmpTimeline, "--pricing", c.era)
		for cat, n := range c.want {
			if s.BillableByCategory[cat] != n {
				t.Errorf("%s: billable %s = %d, want %d", c.era, cat, s.BillableByCategory[cat], n)
			}
		}
	}
}

// TestReplayCardShapes: the built-in CBP cards in EUR are of 2022-02-01 only, of the
// user-/business-initiated shape, which the CBP 2023 rules never read (docs/billing.md,
// "Rate cards"). A review's repro (eur23.csv): replay asked for a 2022-02-01 marketing
// cell, and once given one (eur_fix.csv) billed 2023 and 2024 conversations from the 2022
// card. Every era that bills those dates, and --pricing all, must say there is no CBP
// 2023 card in EUR and show a row dated in the CBP 2023 range.
func TestReplayCardShapes(t *testing.T) {
	dir := t.TempDir()
	trace := writeFile(t, dir, "eur23.csv", "ts,user,direction,type,category\n"+
		"2023-07-03T10:00:00Z,+4915110000000,business,template,marketing\n"+
		"2024-07-03T10:00:00Z,+4915110000001,business,template,marketing\n")
	wrongFix := writeFile(t, dir, "eur_fix.csv", "effective_from,pricing_model,market,category,currency,rate\n2022-02-01,CBP,Germany,marketing,EUR,0.1000\n")
	for i, args := range [][]string{
		{"--pricing", "auto"},
		{"--pricing", "auto", "--rates", wrongFix},
		{"--pricing", "cbp-2023", "--rates", wrongFix},
		{"--pricing", "all"},
	} {
		code, _, stderr := spendsim(t, append([]string{"replay", "--trace", trace, "--currency", "EUR", "-q", "--out", filepath.Join(dir, fmt.Sprint(i))}, args...)...)
		if code != 1 || !strings.Contains(stderr, "no cbp-2023 rate card in EUR") || !strings.Contains(stderr, "2023-06-01,CBP,<market>,<category>,EUR,<rate>") {
			t.Errorf("%v: exit %d, want 1 and no CBP 2023 card in EUR:\n%s", args, code, stderr)
		}
	}
	fix := writeFile(t, dir, "eur23_fix.csv", "effective_from,pricing_model,market,category,currency,rate\n2023-06-01,CBP,Germany,marketing,EUR,0.1000\n")
	code, stdout, stderr := spendsim(t, "replay", "--trace", trace, "--currency", "EUR", "--rates", fix, "-q", "--out", filepath.Join(dir, "fixed"))
	if code != 0 || !strings.Contains(stdout, "card: CBP EUR effective 2023-06-01 (2 charged conversations)") {
		t.Errorf("with a 2023-06-01 EUR card: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestReplayShareOfNothing: a bill of 0 rests on no rate, so its share priced from
// derived or third-party rates is null, as docs/formats.md says of a share of nothing
// (a review found 0 for the Twitter customer-care trace under cbp-2022, all free tier).
func TestReplayShareOfNothing(t *testing.T) {
	dir := t.TempDir()
	trace := writeFile(t, dir, "free.csv", "ts,user,direction,type,category\n"+
		"2025-09-01T10:00:00Z,5511987654321,user,,\n2025-09-01T10:05:00Z,5511987654321,business,text,\n")
	code, _, stderr := spendsim(t, "replay", "--trace", trace, "-q", "--out", filepath.Join(dir, "out"))
	raw, err := os.ReadFile(filepath.Join(dir, "out", "summary.json"))
	if code != 0 || err != nil {
		t.Fatalf("exit %d, %v: %s", code, err, stderr)
	}
	if !strings.Contains(string(raw), `"total_micros": 0,`) || !strings.Contains(string(raw), `"derived_or_third_party_share": null`) {
		t.Errorf("a bill of 0: want derived_or_third_party_share null:\n%s", raw)
	}
}

func TestReplayMalformedLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.csv", "ts,user,direction,type,category\n2025-09-01T10:00:00Z,5511987654321,user,,\n2025-09-01T10:06:00Z,5511987654321,business,template,marketting\n")
	out := filepath.Join(dir, "out")
	code, _, stderr := spendsim(t, "replay", "--trace", bad, "--out", out)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if want := `bad.csv:3: column category: "marketting" is not one of marketing, utility, authentication`; !strings.Contains(stderr, want) {
		t.Errorf("stderr %q lacks %q", stderr, want)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		entries, _ := os.ReadDir(out)
		t.Errorf("a failed replay left %s behind (%d entries)", out, len(entries))
	}
}

func TestReplayTwitterSampleWithMapping(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := spendsim(t, "replay", "--trace", "../../scenarios/trace/testdata/twcs_sample.csv",
		"--mapping", "../../scenarios/trace/testdata/twcs.yaml", "--sort", "--skip-invalid", "--out", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// Every brand reply in the sample is a text answer within minutes or hours: free.
	if !strings.Contains(stdout, "42 business messages (42 delivered)") || lineWith(stdout, "total ") != "total                                                            0.00" {
		t.Errorf("unexpected summary:\n%s", stdout)
	}
}

// TestReplayErasSideBySide: --pricing with a list bills under each era in one pass,
// prints them side by side and writes one folder per era and eras.json; several eras
// are a usage error with --restaff and on reconcile.
func TestReplayErasSideBySide(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "t.csv", pmpTimeline)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := spendsim(t, "replay", "--trace", tr, "--pricing", "pmp-2025,pmp-2026-10", "--out", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "pmp-2025") || !strings.Contains(stdout, "pmp-2026-10") || !strings.Contains(stdout, "billable units") {
		t.Errorf("stdout lacks the eras side by side:\n%s", stdout)
	}
	for _, f := range []string{"eras.json", "eras.png", "eras.svg", "manifest.json", "pmp-2025/summary.json", "pmp-2026-10/messages.parquet"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	for _, args := range [][]string{
		{"replay", "--trace", tr, "--pricing", "all", "--restaff", "small"},
		{"reconcile", "--trace", tr, "--pricing", "all"},
	} {
		if code, _, stderr := spendsim(t, append(args, "--out", filepath.Join(dir, "x"))...); code != 2 || !strings.Contains(stderr, "names several eras") {
			t.Errorf("%v: exit %d, %s", args, code, stderr)
		}
	}
}

// TestReplayPricingSpelling: an era named in capitals is the era in its one spelling
// everywhere: the same summary.json bytes as a replay naming it in lower case, and
// shards billed under "PMP-2025" merge under --pricing pmp-2025.
func TestReplayPricingSpelling(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "t.csv", pmpTimeline)
	summary := func(pricing string) string {
		t.Helper()
		out := filepath.Join(dir, pricing)
		if code, _, stderr := spendsim(t, "replay", "--trace", tr, "--pricing", pricing, "--out", out, "-q"); code != 0 {
			t.Fatalf("--pricing %s: exit %d: %s", pricing, code, stderr)
		}
		b, err := os.ReadFile(filepath.Join(out, "summary.json"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if upper, lower := summary("PMP-2025"), summary("pmp-2025"); upper != lower {
		t.Errorf("--pricing PMP-2025 wrote another summary.json than pmp-2025:\n%s\n%s", upper, lower)
	}
	out := filepath.Join(dir, "shards")
	for k := range 2 {
		if code, _, stderr := spendsim(t, "replay", "--trace", tr, "--out", out, "--pricing", "PMP-2025", "--shard", strconv.Itoa(k)+"/2", "-q"); code != 0 {
			t.Fatalf("shard %d: exit %d: %s", k, code, stderr)
		}
	}
	if code, _, stderr := spendsim(t, "merge", out, "--pricing", "pmp-2025"); code != 0 {
		t.Errorf("merge --pricing pmp-2025 of shards billed under PMP-2025: exit %d: %s", code, stderr)
	}
}
