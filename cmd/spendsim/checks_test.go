package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const probeLogs = "../../../shared/datasets/webhooks/logs/"

// TestCountryUKFails: `country: UK` (GB is meant) is refused with GB suggested, in a
// scenario and in a trace, where it used to be priced as market Other.
func TestCountryUKFails(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "uk.yaml", strings.Replace(validScenario, "country: BR", "country: UK", 1))
	code, _, stderr := spendsim(t, "validate", sc)
	if want := `customers.countries[0].country: "UK" is not an ISO 3166-1 alpha-2 code; did you mean GB (United Kingdom)?`; code != 2 || !strings.Contains(stderr, want) {
		t.Errorf("scenario: exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
	tr := writeFile(t, dir, "uk.csv", "ts,user,direction,type,category,country\n2025-08-01T10:00:00Z,cust-1,business,template,marketing,UK\n")
	code, _, stderr = spendsim(t, "replay", "--trace", tr, "--out", filepath.Join(dir, "o"))
	if want := `uk.csv:2: column country: "UK" is not an ISO 3166-1 alpha-2 code; did you mean GB (United Kingdom)?`; code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("trace: exit %d, stderr %q; want 1 and %q", code, stderr, want)
	}
	code, _, stderr = spendsim(t, "replay", "--trace", tr, "--default-country", "UK", "--out", filepath.Join(dir, "o"))
	if code != 2 || !strings.Contains(stderr, "--default-country: \"UK\" is not an ISO 3166-1 alpha-2 code; did you mean GB") {
		t.Errorf("--default-country UK: exit %d, stderr %q", code, stderr)
	}
}

// TestCountryContradictsNumber: a country column that contradicts the E.164 number is
// an error; with --country-overrides the column decides and the row is counted.
func TestCountryContradictsNumber(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "t.csv", "ts,user,direction,type,category,country\n"+
		"2025-08-01T10:00:00Z,447700900001,business,template,marketing,US\n"+
		"2025-08-01T10:01:00Z,5511987654321,business,template,marketing,BR\n")
	code, _, stderr := spendsim(t, "replay", "--trace", tr, "--out", filepath.Join(dir, "o"))
	if want := `t.csv:2: column country: "US" contradicts user 447700900001, which is a +44 number (GB, GG, IM, JE), not of US`; code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, want)
	}
	out := filepath.Join(dir, "over")
	code, _, stderr = spendsim(t, "replay", "--trace", tr, "--country-overrides", "--out", out, "-q")
	if code != 0 || !strings.Contains(stderr, "1 rows priced by a country column that contradicts their phone number (--country-overrides)") {
		t.Fatalf("--country-overrides: exit %d, stderr %q", code, stderr)
	}
	var s struct {
		Overrides int64 `json:"country_overrides"`
	}
	data, _ := os.ReadFile(filepath.Join(out, "summary.json"))
	if err := json.Unmarshal(data, &s); err != nil || s.Overrides != 1 {
		t.Errorf("country_overrides %d (%v), want 1", s.Overrides, err)
	}
}

// TestSkipInvalidOnStderr is the webhook corpus's probe: a placeholder number among
// real ones. Without --skip-invalid the replay stops on it; with it, stderr says how
// many rows were skipped and why, and summary.json counts them.
func TestSkipInvalidOnStderr(t *testing.T) {
	probe := probeLogs + "probe_skip_invalid_number.csv"
	if _, err := os.Stat(probe); err != nil {
		t.Skip("no webhook corpus")
	}
	dir := t.TempDir()
	code, _, stderr := spendsim(t, "replay", "--trace", probe, "--out", filepath.Join(dir, "strict"))
	if want := `probe_skip_invalid_number.csv:2: column user: "1111111111111" is too long for calling code +1`; code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("strict: exit %d, stderr %q; want 1 and %q", code, stderr, want)
	}
	out := filepath.Join(dir, "skip")
	code, _, stderr = spendsim(t, "replay", "--trace", probe, "--skip-invalid", "--out", out, "-q")
	want := "1 invalid row skipped (--skip-invalid):\n  probe_skip_invalid_number.csv:2: column user: \"1111111111111\" is too long for calling code +1; want a complete international number\n"
	if code != 0 || stderr != want {
		t.Errorf("--skip-invalid: exit %d, stderr %q; want 0 and %q", code, stderr, want)
	}
	var s struct {
		Skipped int64 `json:"skipped_invalid_rows"`
		Records int64 `json:"records"`
	}
	data, _ := os.ReadFile(filepath.Join(out, "summary.json"))
	if err := json.Unmarshal(data, &s); err != nil || s.Skipped != 1 || s.Records != 1 {
		t.Errorf("summary: %d skipped, %d records (%v); want 1, 1", s.Skipped, s.Records, err)
	}
}

// TestNoCardBeforeEffective is the webhook corpus's probe: a user NBP card effective
// 2018-08-01 must not price a template of 2018-05-10 (it used to, as the NBP model's
// first card), under auto or under nbp-2018, whose rules were in force then; the
// template of 2018-09-10 alone prices. A counterfactual era still reads its first card:
// 2024 traffic under pmp-2025 is priced at the 2025-07-01 card.
func TestNoCardBeforeEffective(t *testing.T) {
	probe := probeLogs + "probe_nbp_before_card.csv"
	if _, err := os.Stat(probe); err != nil {
		t.Skip("no webhook corpus")
	}
	dir := t.TempDir()
	card := writeFile(t, dir, "nbp.csv", "effective_from,pricing_model,market,category,currency,rate\n2018-08-01,NBP,United Kingdom,template,USD,0.0500\n")
	for _, era := range []string{"auto", "nbp-2018"} {
		code, _, stderr := spendsim(t, "replay", "--trace", probe, "--rates", card, "--pricing", era, "--out", filepath.Join(dir, era))
		if want := "probe_nbp_before_card.csv:2: billing: nbp-2018 rules at 2018-05-10T10:00:00Z: pricing: no NBP card in USD in force on 2018-05-10: the earliest is effective 2018-08-01"; code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q", era, code, stderr, want)
		}
	}
	s, _, _ := replayOK(t, "ts,user,direction,type,category,country\n2018-09-10T10:00:00Z,447700900001,business,template,utility,GB\n", "--rates", card)
	if s.TotalMicros != 50000 {
		t.Errorf("2018-09-10: total %d, want 50000", s.TotalMicros)
	}
	s, _, _ = replayOK(t, "ts,user,direction,type,category\n2024-03-01T10:00:00Z,5511987654321,business,template,marketing\n", "--pricing", "pmp-2025")
	if len(s.CardsUsed) != 1 || s.CardsUsed[0].Effective != "2025-07-01" || s.TotalMicros == 0 {
		t.Errorf("2024 under pmp-2025: cards %+v, total %d; want the 2025-07-01 card", s.CardsUsed, s.TotalMicros)
	}
}
