package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// nbpScenario is a week of 2021 (NBP) with Brazilian customers who get order updates:
// every update outside the window is a charged template, so billing needs an NBP card,
// which spendsim does not ship.
const nbpScenario = `name: nbp-week
seed: 3
start: 2021-03-01
days: 7
timezone: America/Sao_Paulo
customers:
  count: 2000
  countries: [{country: BR, share: 1}]
load:
  conversations_per_customer_month: 0.2
  notifications:
    - {name: updates, category: utility, per_customer_month: 3}
agents:
  handle_time: {dist: exponential, mean_s: 300}
  cost_per_hour: 8
  shifts:
    - {name: day, start: "09:00", end: "18:00", headcount: 2}
`

// TestRatesFlagsBill: run, compare, optimize, forecast and generate take --rates like
// replay does. Without a card, run fails with the missing card named and --rates
// suggested; with the test NBP card (Brazil 0.05 USD a template) every command bills,
// generate's replay command carries the flag, and that replay bills the same amount.
func TestRatesFlagsBill(t *testing.T) {
	dir := t.TempDir()
	sc := filepath.Join(dir, "nbp.yaml")
	if err := os.WriteFile(sc, []byte(nbpScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	card := "testdata/timelines/cards/nbp.csv"
	code, _, stderr := spendsim(t, "run", sc, "--out", filepath.Join(dir, "none"), "-q")
	if code != 1 || !strings.Contains(stderr, "need an NBP rate card") || !strings.Contains(stderr, "--rates FILE") {
		t.Fatalf("run without a card: exit %d, %s", code, stderr)
	}
	code, stdout, stderr := spendsim(t, "run", sc, "--rates", card, "--out", filepath.Join(dir, "run"), "-q")
	if code != 0 || !strings.Contains(stdout, "nbp-week") {
		t.Fatalf("run --rates: exit %d\n%s%s", code, stdout, stderr)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "run", "summary.json"))
	if err != nil || !strings.Contains(string(raw), `"utility": `) || strings.Contains(string(raw), `"total_micros": 0,`) {
		t.Errorf("run --rates: summary.json bills nothing:\n%.600s", raw)
	}
	for _, args := range [][]string{
		{"compare", sc, "--pricing-b", "nbp-2018", "-r", "2", "--rates", card, "--out", filepath.Join(dir, "cmp")},
		{"optimize", sc, "--sla", "p90<=48h", "--max-headcount", "3", "--rates", card, "--out", filepath.Join(dir, "opt")},
		{"forecast", sc, "--months", "1", "-r", "2", "--rates", card, "--out", filepath.Join(dir, "fc")},
	} {
		if code, stdout, stderr := spendsim(t, append(args, "-q")...); code != 0 {
			t.Errorf("%s --rates: exit %d\n%s%s", args[0], code, stdout, stderr)
		}
	}
	trace := filepath.Join(dir, "week.csv")
	code, stdout, stderr = spendsim(t, "generate", sc, "-o", trace, "--rates", card, "-q")
	if code != 0 || !strings.Contains(stdout, "--rates "+card) {
		t.Fatalf("generate --rates: exit %d\n%s%s", code, stdout, stderr)
	}
	spend := strings.TrimPrefix(lineWith(stdout, "messaging spend "), "messaging spend ")
	code, out, stderr := spendsim(t, "replay", "--trace", trace, "--pricing", "auto", "--timezone", "America/Sao_Paulo", "--rates", card, "--out", filepath.Join(dir, "rp"), "-q")
	if code != 0 || spend == "" || !strings.Contains(lineWith(out, "total "), strings.Fields(spend)[0]) {
		t.Errorf("replay of the generated week: exit %d, generate spent %q, replay says\n%s%s", code, spend, out, stderr)
	}
}

// lineWith is the first line of s that contains sub, or "".
func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// TestRatesNoneOnNBPDay: on a day of the NBP era spendsim has no card to list; it says
// so and why on stderr, with no empty table on stdout.
func TestRatesNoneOnNBPDay(t *testing.T) {
	code, stdout, stderr := spendsim(t, "rates", "--at", "2019-01-01")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stdout, "CARD") || !strings.Contains(stdout, "nbp-2018") {
		t.Errorf("stdout %q: want the era line and no table header", stdout)
	}
	if !strings.Contains(stderr, "no rates match") || !strings.Contains(stderr, "--rates FILE") {
		t.Errorf("stderr %q: want no rates match and how to bring an NBP card", stderr)
	}
}

// TestRatesFromNeedsAMetaFile: --rates-from with a rate file in spendsim's layout, whose
// rows carry their own effective_from, dates nothing: a usage error (exit 2), not a
// flag silently dropped (a review's replay exited 0).
func TestRatesFromNeedsAMetaFile(t *testing.T) {
	dir := t.TempDir()
	trace := writeFile(t, dir, "t.csv", "ts,user,direction,type,category\n2021-03-01T10:00:00Z,5511987654321,business,template,utility\n")
	code, _, stderr := spendsim(t, "replay", "--trace", trace, "--rates", "testdata/timelines/cards/nbp.csv", "--rates-from", "2025-07-01", "-q", "--out", filepath.Join(dir, "out"))
	if code != 2 || !strings.Contains(stderr, "--rates-from 2025-07-01 dates no file") || !strings.Contains(stderr, "nbp.csv is in spendsim's rate card layout") {
		t.Errorf("exit %d, want 2 and --rates-from dating no file:\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Error("a usage error left an output folder")
	}
}
