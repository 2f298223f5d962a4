package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/sharedtest"
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
		sharedtest.Missing(t, "the webhook corpus", err)
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
		sharedtest.Missing(t, "the webhook corpus", err)
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

// TestRunRecordsRates: a run's summary.json and manifest.json record the rate and tier
// files (path as given, SHA-256), summary.json the cards in force over the horizon and
// each point's share priced from derived or third-party cells; a rate file in another
// currency than the scenario's is refused rather than passed over, and --rates-model
// takes the models Meta's CSVs have.
func TestRunRecordsRates(t *testing.T) {
	dir := t.TempDir()
	// Utility notifications give the run a bill: a bill of 0 has no share (null).
	sc := writeFile(t, dir, "tiny.yaml", strings.Replace(validScenario, "conversations_per_customer_month: 1\n",
		"conversations_per_customer_month: 1\n  notifications:\n    - {name: updates, category: utility, per_customer_month: 30}\n", 1)+"seed: 7\n")
	body := "effective_from,pricing_model,market,category,currency,rate\n2025-07-01,PMP,Brazil,utility,USD,0.0100\n"
	rates := writeFile(t, dir, "mine.csv", body)
	out := filepath.Join(dir, "o")
	if code, _, stderr := spendsim(t, "run", sc, "--rates", rates, "--out", out, "-q"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	sum := sha256.Sum256([]byte(body))
	var s struct {
		RateFiles []struct{ Role, Path, SHA256 string } `json:"rate_files"`
		Cards     []struct {
			Model     string `json:"pricing_model"`
			Effective string `json:"effective_from"`
			First     string `json:"first_day"`
			Last      string `json:"last_day"`
		} `json:"cards_in_force"`
		Points []struct {
			DerivedShare *float64 `json:"derived_or_third_party_share"`
		} `json:"points"`
	}
	var m struct {
		RateFiles []struct{ Role, Path, SHA256 string } `json:"rate_files"`
	}
	for name, v := range map[string]any{"summary.json": &s, "manifest.json": &m} {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, v); err != nil {
			t.Fatal(err)
		}
	}
	want := struct{ Role, Path, SHA256 string }{"rates", rates, hex.EncodeToString(sum[:])}
	if len(s.RateFiles) != 1 || s.RateFiles[0] != want || len(m.RateFiles) != 1 || m.RateFiles[0] != want {
		t.Errorf("rate files: summary %+v, manifest %+v; want %+v", s.RateFiles, m.RateFiles, want)
	}
	if len(s.Cards) != 1 || s.Cards[0].Model != "PMP" || s.Cards[0].Effective != "2025-07-01" || s.Cards[0].First != "2025-09-01" || s.Cards[0].Last != "2025-09-02" {
		t.Errorf("cards in force %+v", s.Cards)
	}
	if len(s.Points) != 1 || s.Points[0].DerivedShare == nil {
		t.Errorf("points %+v: want a derived_or_third_party_share", s.Points)
	}
	brl := writeFile(t, dir, "brl.csv", strings.ReplaceAll(body, "USD", "BRL"))
	code, _, stderr := spendsim(t, "run", sc, "--rates", brl, "--out", filepath.Join(dir, "b"))
	if want := "currency: rates " + brl + " is in BRL, but the bill is in USD"; code != 2 || !strings.Contains(stderr, want) {
		t.Errorf("BRL rates for a USD scenario: exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
	code, _, stderr = spendsim(t, "run", sc, "--rates", rates, "--rates-model", "NBP", "--out", filepath.Join(dir, "n"))
	if code != 2 || !strings.Contains(stderr, `--rates-model "NBP" is not one of CBP, PMP`) {
		t.Errorf("--rates-model NBP: exit %d, stderr %q", code, stderr)
	}
}

// TestForecastMarksWhatPricesRestOn: the forecast across 2026-10-01 marks the months
// priced from carried-forward or derived cells, and October's service at the utility
// rate, in its table and forecast.json, and lists the cards in force.
func TestForecastMarksWhatPricesRestOn(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := spendsim(t, "forecast", "forecast-quarter", "--replications", "2", "--out", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"rests on", "*+\n", "* priced from carried-forward or derived rate cells: 100.0% of the month's messaging bill, none of it from official or BSP cells",
		"+ service charged at the utility rate (a decision: docs/billing.md, PMP 2026-10)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
	var f struct {
		Cards []struct {
			Effective string `json:"effective_from"`
			Carried   string `json:"carried_forward_from"`
		} `json:"cards_in_force"`
		Months []struct {
			Month        string   `json:"month"`
			DerivedShare float64  `json:"derived_share"`
			RestsOn      []string `json:"rests_on"`
		} `json:"months"`
	}
	data, err := os.ReadFile(filepath.Join(out, "forecast.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	oct := f.Months[len(f.Months)-1]
	if oct.Month != "2026-10" || oct.DerivedShare <= 0 || strings.Join(oct.RestsOn, ",") != "carried_forward_or_derived_rates,service_at_utility_rate" {
		t.Errorf("October: %+v", oct)
	}
	if n := len(f.Cards); n == 0 || f.Cards[n-1].Effective != "2026-10-01" || f.Cards[n-1].Carried == "" {
		t.Errorf("cards in force %+v: want the 2026-10-01 card, carried forward from its predecessor", f.Cards)
	}
}

// TestValidateWarnsOfCellGaps: validate said ok to a scenario whose run stopped at once:
// the built-in PMP USD cards of 2025-07-01 to 2026-01-01 have no utility or
// authentication cell for Turkey, and a run sending authentication codes to Turkish
// customers stops at the first. validate now says so, naming the era, the market and
// category, the card and the row to add: an error (exit 1, not "ok"), as the codes are
// a notification's, sent whatever the customers do, and no free tier spares them, so
// that `validate && run` stops at validate; the utility cell only replies and late
// replies need is a warning. run fails as validate says; with those rows in --rates,
// validate says nothing and the run bills. (Should the shipped
// cards gain Turkey's cells, this test needs another gap of theirs, or cards of its own.)
func TestValidateWarnsOfCellGaps(t *testing.T) {
	dir := t.TempDir()
	tr := strings.Replace(tinyScenario, "countries: [{country: BR, share: 1}]", "countries: [{country: BR, share: 0.5}, {country: TR, share: 0.5}]", 1)
	tr = strings.Replace(tr, "  conversations_per_customer_month: 3\n", "  conversations_per_customer_month: 3\n  notifications:\n    - {name: codes, category: authentication, per_customer_month: 4}\n", 1)
	if !strings.Contains(tr, "TR") || !strings.Contains(tr, "codes") {
		t.Fatalf("tinyScenario changed:\n%s", tinyScenario)
	}
	sc := writeFile(t, dir, "tr.yaml", tr)
	code, stdout, stderr := spendsim(t, "validate", sc)
	want := sc + ": error: a run stops at the first message it charges that no rate card cell prices: from 2025-09-01 the pmp-2025 rules charge " +
		"authentication templates to customers in TR at a rate the card lacks: the PMP USD card of 2025-07-01 has no authentication rate for Turkey; " +
		"supply it with --rates FILE, a CSV with header effective_from,pricing_model,market,category,currency,rate and a row such as " +
		"2025-07-01,PMP,Turkey,authentication,USD,<rate>\n"
	if code != 1 || !strings.Contains(stdout, ": valid, but a run stops for want of rates (") || !strings.Contains(stderr, want) ||
		!strings.Contains(stderr, ": warning: ") || !strings.Contains(stderr, "2025-07-01,PMP,Turkey,utility,USD,<rate>") ||
		!strings.Contains(stderr, "spendsim: 1 of 1 files would not run: a run stops at the first message it charges at a missing rate listed above") {
		t.Errorf("validate: exit %d\nstdout %s\nstderr %s\nwant %s", code, stdout, stderr, want)
	}
	// The run stops at the first such charge, with the error the warning quotes.
	code, _, runErr := spendsim(t, "run", sc, "--seed", "1", "--out", filepath.Join(dir, "out"), "--quiet")
	_, missing, _ := strings.Cut(runErr, "pricing: ")
	missing, _, _ = strings.Cut(missing, ";")
	if code != 1 || !strings.Contains(missing, "rate for Turkey") || !strings.Contains(stderr, ": "+missing+";") {
		t.Errorf("run: exit %d, stderr %q: want the error a warning of validate's quotes", code, runErr)
	}
	rows := writeFile(t, dir, "tr.csv", "effective_from,pricing_model,market,category,currency,rate\n"+
		"2025-07-01,PMP,Turkey,utility,USD,0.0053\n2025-07-01,PMP,Turkey,authentication,USD,0.0083\n")
	// The drain, should it last into the next cards, would send late replies (utility
	// templates) to Turkey under them: warned of apart, as the drain's days.
	_, _, stderr = spendsim(t, "validate", sc, "--rates", rows)
	if strings.Count(stderr, "warning: ") != 2 || strings.Count(stderr, "warning: a run still answering its last conversations after the horizon (the drain, at most 366 days) stops at ") != 2 ||
		!strings.Contains(stderr, "2025-10-01,PMP,Turkey,utility,USD,<rate>") || !strings.Contains(stderr, "2026-01-01,PMP,Turkey,utility,USD,<rate>") {
		t.Errorf("validate with the rows of the horizon's card: stderr %q, want the drain's two utility cells", stderr)
	}
	rows = writeFile(t, dir, "tr.csv", "effective_from,pricing_model,market,category,currency,rate\n"+
		"2025-07-01,PMP,Turkey,utility,USD,0.0053\n2025-07-01,PMP,Turkey,authentication,USD,0.0083\n"+
		"2025-10-01,PMP,Turkey,utility,USD,0.0053\n2026-01-01,PMP,Turkey,utility,USD,0.0053\n")
	if code, _, stderr := spendsim(t, "validate", sc, "--rates", rows); code != 0 || stderr != "" {
		t.Errorf("validate with the rows: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := spendsim(t, "run", sc, "--seed", "1", "--rates", rows, "--out", filepath.Join(dir, "out2"), "--quiet"); code != 0 {
		t.Errorf("run with the rows: exit %d, stderr %q", code, stderr)
	}
}

// TestValidateWarnsOfDrainCellGaps: validate checked the cells only over the horizon,
// but a run bills on in the drain after it, while its last conversations are answered.
// Here the horizon ends on 2025-07-01, where the pmp-2025 rules and their PMP USD card
// (no utility cell for Turkey) begin; the one agent works Sundays, so the conversations
// of Monday 30 June are answered on 6 July, their window long closed, by a late-reply
// utility template: the run stops there. validate said ok; it now warns of the drain's
// days, the run fails as the warning says, and with the row both are content.
func TestValidateWarnsOfDrainCellGaps(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "drain.yaml", `name: drain
start: 2025-06-28
days: 3
replications: 1
customers:
  count: 300
  countries: [{country: BR, share: 0.5}, {country: TR, share: 0.5}]
load:
  conversations_per_customer_month: 3
agents:
  late_reply: utility
  shifts:
    - {days: [sun], start: "09:00", end: "17:00", headcount: 1}
`)
	code, stdout, stderr := spendsim(t, "validate", sc)
	want := sc + ": warning: a run still answering its last conversations after the horizon (the drain, at most 366 days) stops at the first message it charges " +
		"that no rate card cell prices: from 2025-07-01 the pmp-2025 rules charge utility templates to customers in TR at a rate the card lacks: " +
		"the PMP USD card of 2025-07-01 has no utility rate for Turkey; supply it with --rates FILE"
	if code != 0 || !strings.Contains(stdout, ": ok (") || !strings.Contains(stderr, want) {
		t.Errorf("validate: exit %d\nstdout %s\nstderr %s\nwant %s", code, stdout, stderr, want)
	}
	code, _, runErr := spendsim(t, "run", sc, "--seed", "1", "--out", filepath.Join(dir, "out"), "--quiet")
	if code != 1 || !strings.Contains(runErr, "sim: 2025-07-06T") || !strings.Contains(runErr, "pricing: the PMP USD card of 2025-07-01 has no utility rate for Turkey;") {
		t.Errorf("run: exit %d, stderr %q: want it stopped in the drain, on 6 July, as validate's warning says", code, runErr)
	}
	rows := writeFile(t, dir, "tr.csv", "effective_from,pricing_model,market,category,currency,rate\n"+
		"2025-07-01,PMP,Turkey,utility,USD,0.0053\n2025-10-01,PMP,Turkey,utility,USD,0.0053\n2026-01-01,PMP,Turkey,utility,USD,0.0053\n")
	if code, _, stderr := spendsim(t, "validate", sc, "--rates", rows); code != 0 || stderr != "" {
		t.Errorf("validate with the rows: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := spendsim(t, "run", sc, "--seed", "1", "--rates", rows, "--out", filepath.Join(dir, "out2"), "--quiet"); code != 0 {
		t.Errorf("run with the rows: exit %d, stderr %q", code, stderr)
	}
}

// TestValidateWarnsOfCardGaps: validate said ok to a scenario fitted from the Twitter
// trace (2018–2020, NBP days) that run refused at once for want of an NBP card. It now
// warns on stderr, naming what to pass (exit 0: a run that charges nothing there needs
// no card), says nothing once --rates gives the card, and a scenario priced under
// nbp-2018 alone, which no run of starts, is invalid.
func TestValidateWarnsOfCardGaps(t *testing.T) {
	dir := t.TempDir()
	old := strings.Replace(tinyScenario, "start: 2025-09-01", "start: 2019-05-02", 1) // pricing: auto, the default
	if !strings.Contains(old, "2019-05-02") {
		t.Fatalf("tinyScenario has no start to move:\n%s", tinyScenario)
	}
	sc := writeFile(t, dir, "old.yaml", old)
	code, stdout, stderr := spendsim(t, "validate", sc)
	if code != 0 || !strings.Contains(stdout, ": ok (") || !strings.Contains(stderr, "old.yaml: warning: a run stops at the first message it charges on days no rate card prices: nbp-2018 rules at 2019-05-02") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	card := writeFile(t, dir, "nbp.csv", "effective_from,pricing_model,market,category,currency,rate\n2017-01-01,NBP,Brazil,template,USD,0.0085\n")
	if code, _, stderr := spendsim(t, "validate", sc, "--rates", card); code != 0 || stderr != "" {
		t.Errorf("with the card: exit %d, stderr %q", code, stderr)
	}
	nbp := writeFile(t, dir, "nbp.yaml", old+"pricing: nbp-2018\n")
	// Not "ok" on stdout, and the problem names its file.
	if code, stdout, stderr := spendsim(t, "validate", nbp); code != 2 || stdout != "" || !strings.Contains(stderr, nbp+": pricing: the nbp-2018 rules need an NBP rate card") {
		t.Errorf("nbp-2018 alone: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
