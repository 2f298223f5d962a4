package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/spendsim/spendsim/scenarios"
)

type forecastRow struct {
	Customers      int64  `parquet:"customers"`
	MessagingP10   int64  `parquet:"messaging_p10_micros"`
	MessagingP50   int64  `parquet:"messaging_p50_micros"`
	MessagingP90   int64  `parquet:"messaging_p90_micros"`
	ServiceP50     int64  `parquet:"amount_service_p50_micros"`
	StaffingMicros int64  `parquet:"staffing_micros"`
	TotalP50       int64  `parquet:"total_with_staffing_p50_micros"`
	TotalMean      int64  `parquet:"total_with_staffing_mean_micros"`
	MessagingMean  int64  `parquet:"messaging_mean_micros"`
	UtilityMean    int64  `parquet:"amount_utility_mean_micros"`
	ServiceMean    int64  `parquet:"amount_service_mean_micros"`
	MarketingMean  int64  `parquet:"amount_marketing_mean_micros"`
	AuthMean       int64  `parquet:"amount_authentication_mean_micros"`
	Pricing        string `parquet:"pricing"`
}

// TestForecastQuarter runs the embedded forecast example (few replications): three
// months across the 2026-10-01 rules, customers growing 4% a month, service messages
// charged from October only, bands ordered, and the same bytes at any worker count.
func TestForecastQuarter(t *testing.T) {
	dirs := []string{t.TempDir(), t.TempDir()}
	for i, w := range []string{"1", "3"} {
		code, stdout, stderr := spendsim(t, "forecast", "forecast-quarter", "--replications", "5", "--workers", w, "--out", dirs[i], "-q")
		if code != 0 {
			t.Fatalf("exit %d:\n%s%s", code, stdout, stderr)
		}
		if i == 0 && (!strings.Contains(stdout, "2026-10  pmp-2026-10") || !strings.Contains(stdout, "nearest rank")) {
			t.Errorf("table:\n%s", stdout)
		}
	}
	for _, f := range []string{"forecast.parquet", "forecast.json", "forecast_fan.png", "forecast_fan.svg",
		"forecast_by_category.png", "forecast_by_category.svg", "report.html", "manifest.json"} {
		a, err := os.ReadFile(filepath.Join(dirs[0], f))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dirs[1], f))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between --workers 1 and 3 (%v)", f, err)
		}
	}
	rows, err := parquet.ReadFile[forecastRow](filepath.Join(dirs[0], "forecast.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d months, want 3", len(rows))
	}
	wantCustomers := []int64{8000, 8320, 8653} // 8000 × 1.04^m, rounded
	wantPricing := []string{"pmp-2025", "pmp-2025", "pmp-2026-10"}
	for m, r := range rows {
		if r.Customers != wantCustomers[m] || r.Pricing != wantPricing[m] {
			t.Errorf("month %d: customers %d pricing %s, want %d %s", m, r.Customers, r.Pricing, wantCustomers[m], wantPricing[m])
		}
		if !(r.MessagingP10 <= r.MessagingP50 && r.MessagingP50 <= r.MessagingP90) {
			t.Errorf("month %d: P10 %d, P50 %d, P90 %d out of order", m, r.MessagingP10, r.MessagingP50, r.MessagingP90)
		}
		// Staffing is fixed before the last month; the last carries the drain's shifts,
		// whose length depends on chance, and gives their mean, as the totals' mean does.
		if m < 2 && r.TotalP50 != r.MessagingP50+r.StaffingMicros {
			t.Errorf("month %d: total P50 %d != messaging P50 %d + staffing %d (staffing is fixed)", m, r.TotalP50, r.MessagingP50, r.StaffingMicros)
		}
		if d := r.TotalMean - (r.MessagingMean + r.StaffingMicros); d < -1 || d > 1 {
			t.Errorf("month %d: total mean %d != messaging mean %d + staffing mean %d", m, r.TotalMean, r.MessagingMean, r.StaffingMicros)
		}
		// Category means are each rounded once, so they add up to the bill's mean
		// within one micro per category.
		sum := r.UtilityMean + r.ServiceMean + r.MarketingMean + r.AuthMean
		if d := sum - r.MessagingMean; d < -4 || d > 4 {
			t.Errorf("month %d: category means add up to %d, bill mean %d", m, sum, r.MessagingMean)
		}
		if service := r.ServiceP50 > 0; service != (m == 2) {
			t.Errorf("month %d: service P50 %d; service is charged from 2026-10-01 only", m, r.ServiceP50)
		}
	}
	var f struct {
		Replications int    `json:"replications"`
		Quantiles    string `json:"quantiles"`
		Horizon      struct {
			Messaging struct {
				P50Micros int64 `json:"p50_micros"`
			} `json:"messaging"`
		} `json:"horizon"`
		Months []struct {
			Month string `json:"month"`
		} `json:"months"`
	}
	data, err := os.ReadFile(filepath.Join(dirs[0], "forecast.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if f.Replications != 5 || len(f.Months) != 3 || f.Months[2].Month != "2026-10" || f.Horizon.Messaging.P50Micros <= 0 || !strings.Contains(f.Quantiles, "ceil") {
		t.Errorf("forecast.json: %s", data)
	}
}

func TestForecastErrors(t *testing.T) {
	dir := t.TempDir()
	// EUR cards stop before the forecast's months: a failure naming currency and date.
	eur := writeFile(t, dir, "eur.yaml", `name: eur
seed: 1
start: 2026-08-01
currency: EUR
customers: {count: 200, countries: [{country: BR, share: 1}]}
load: {conversations_per_customer_month: 1}
agents: {shifts: [{start: "09:00", end: "17:00", headcount: 1}]}
`)
	code, _, stderr := spendsim(t, "forecast", eur, "--replications", "2", "--out", filepath.Join(dir, "o"))
	if code != 1 || !strings.Contains(stderr, "EUR") || !strings.Contains(stderr, "2026-08") {
		t.Errorf("missing rate: exit %d: %s", code, stderr)
	}
	// The 2026-07-01 USD card has no marketing rate for Italy: the error names market,
	// category and card, and --rates fills the gap.
	it := writeFile(t, dir, "it.yaml", `name: it
seed: 1
start: 2026-08-01
customers: {count: 300, countries: [{country: IT, share: 1}]}
load: {conversations_per_customer_month: 2}
agents: {late_reply: marketing, shifts: [{start: "09:00", end: "17:00", headcount: 1}]}
`)
	code, _, stderr = spendsim(t, "forecast", it, "-r", "2", "--out", filepath.Join(dir, "o"))
	if code != 1 || !strings.Contains(stderr, "no marketing rate for Italy") || !strings.Contains(stderr, "2026-07-01") {
		t.Errorf("missing Italy marketing: exit %d: %s", code, stderr)
	}
	rates := writeFile(t, dir, "it.csv", "effective_from,pricing_model,market,category,currency,rate\n2026-07-01,PMP,Italy,marketing,USD,0.0700\n")
	code, stdout, stderr := spendsim(t, "forecast", it, "-r", "2", "--rates", rates, "--out", filepath.Join(dir, "o"), "-q")
	if code != 0 || !strings.Contains(stdout, "marketing P50") {
		t.Errorf("with --rates: exit %d: %s%s", code, stdout, stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"forecast", "forecast-quarter", "--months", "0"}, "forecast.months: must be between 1 and 120"},
		{[]string{"forecast", "forecast-quarter", "--growth", "-1.5"}, `--growth: "-1.5" would be -150% a month: write -1.5% or -0.015 for -1.5%`},
		// An analyst's "5" meant 5%, and ran as +500% a month; "5%" was a parse error.
		{[]string{"forecast", "forecast-quarter", "--growth", "5"}, `--growth: "5" would be +500% a month: write 5% or 0.05 for 5%`},
		{[]string{"forecast", "forecast-quarter", "--growth", "3", "--months", "0"}, `--growth: "3" would be +300% a month`},
		{[]string{"forecast", "small"}, "has a sweep"},
		{[]string{"forecast"}, "forecast takes one scenario"},
	} {
		code, _, stderr := spendsim(t, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", c.args, code, stderr, c.want)
		}
	}
	bad := writeFile(t, dir, "bad.yaml", `name: bad
start: 2026-08-01
forecast: {months: 200, growth_per_month: 0.05, grwoth: 1}
customers: {count: 200, countries: [{country: BR, share: 1}]}
load: {conversations_per_customer_month: 1}
agents: {shifts: [{start: "09:00", end: "17:00", headcount: 1}]}
`)
	code, _, stderr = spendsim(t, "validate", bad)
	if code != 2 || !strings.Contains(stderr, `unknown field "grwoth" (valid keys here: months, growth_per_month)`) {
		t.Errorf("unknown key: exit %d: %s", code, stderr)
	}
	pct := writeFile(t, dir, "pct.yaml", strings.Replace(strings.Replace(readFile(t, bad), ", grwoth: 1", "", 1), "months: 200, growth_per_month: 0.05", "months: 2, growth_per_month: 5", 1))
	code, _, stderr = spendsim(t, "validate", pct)
	if code != 2 || !strings.Contains(stderr, "pct.yaml:3:41: forecast.growth_per_month: 5 would be +500% a month: write 0.05 for 5% (a share under 1)") {
		t.Errorf("a percent as a number: exit %d: %s", code, stderr)
	}
	bad = writeFile(t, dir, "bad2.yaml", strings.Replace(readFile(t, bad), ", grwoth: 1", "", 1))
	code, _, stderr = spendsim(t, "validate", bad)
	if code != 2 || !strings.Contains(stderr, "forecast.months: must be between 1 and 120, got 200") {
		t.Errorf("months: exit %d: %s", code, stderr)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestForecastOptimizeHelp(t *testing.T) {
	for _, cmd := range []string{"forecast", "optimize"} {
		code, stdout, _ := spendsim(t, cmd, "--help")
		if code != 0 || !strings.Contains(stdout, "Examples:") || !strings.Contains(stdout, "spendsim "+cmd+" ") {
			t.Errorf("%s --help: exit %d:\n%s", cmd, code, stdout)
		}
	}
}

type forecastDay struct {
	RunID     string `parquet:"run_id"`
	Day       int32  `parquet:"day"` // days since 1970-01-01
	Messaging int64  `parquet:"messaging_micros"`
	Service   int64  `parquet:"amount_service_micros"`
	After     bool   `parquet:"after_horizon"`
}

// TestForecastMatchesDaily checks the forecast's bands against an independent
// reckoning: spendsim run of the same scenario and seed writes every replication's
// days; summed into months here and ranked, they give the forecast's P10/P50/P90.
func TestForecastMatchesDaily(t *testing.T) {
	dir := t.TempDir()
	_, src, err := scenarios.Load("forecast-quarter")
	if err != nil {
		t.Fatal(err)
	}
	sc := writeFile(t, dir, "fq.yaml", strings.Replace(string(src), "replications: 20", "replications: 7", 1))
	days, rows := forecastAndRun(t, sc, "7")
	monthStart := func(m time.Month) int32 { return int32(time.Date(2026, m, 1, 0, 0, 0, 0, time.UTC).Unix() / 86400) }
	bounds := []int32{monthStart(8), monthStart(9), monthStart(10), monthStart(11)}
	perRun := map[string]*[3][2]int64{} // run → month → messaging, service
	for _, d := range days {
		if perRun[d.RunID] == nil {
			perRun[d.RunID] = &[3][2]int64{}
		}
		for m := range 3 {
			// The replies sent after the horizon to its last conversations are the
			// last month's.
			if d.Day >= bounds[m] && d.Day < bounds[m+1] || d.After && m == 2 {
				perRun[d.RunID][m][0] += d.Messaging
				perRun[d.RunID][m][1] += d.Service
			}
		}
	}
	if len(perRun) != 7 || len(rows) != 3 {
		t.Fatalf("%d runs in daily.parquet, %d months in forecast.parquet", len(perRun), len(rows))
	}
	for m, r := range rows {
		var msg, svc []int64
		for _, v := range perRun {
			msg = append(msg, v[m][0])
			svc = append(svc, v[m][1])
		}
		slices.Sort(msg)
		slices.Sort(svc)
		// Nearest rank with R = 7: P10 is the 1st, P50 the 4th, P90 the 7th smallest.
		if r.MessagingP10 != msg[0] || r.MessagingP50 != msg[3] || r.MessagingP90 != msg[6] || r.ServiceP50 != svc[3] {
			t.Errorf("month %d: forecast P10/P50/P90 %d/%d/%d, service P50 %d; from daily.parquet %d/%d/%d, %d",
				m, r.MessagingP10, r.MessagingP50, r.MessagingP90, r.ServiceP50, msg[0], msg[3], msg[6], svc[3])
		}
	}
}

// forecastAndRun runs spendsim forecast (reps replications) and spendsim run of the
// scenario file sc into f/ and r/ beside it, and reads run's daily.parquet and the
// forecast's forecast.parquet.
func forecastAndRun(t *testing.T, sc, reps string) ([]forecastDay, []forecastRow) {
	t.Helper()
	dir := filepath.Dir(sc)
	if code, _, stderr := spendsim(t, "forecast", sc, "--replications", reps, "--out", filepath.Join(dir, "f"), "-q"); code != 0 {
		t.Fatalf("forecast: exit %d: %s", code, stderr)
	}
	if code, _, stderr := spendsim(t, "run", sc, "--out", filepath.Join(dir, "r"), "-q"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	days, err := parquet.ReadFile[forecastDay](filepath.Join(dir, "r", "daily.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := parquet.ReadFile[forecastRow](filepath.Join(dir, "f", "forecast.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	return days, rows
}

// TestForecastStaffingIsTheRuns: an understaffed desk (one agent, two weekday hours)
// whose backlog takes days of shifts after the horizon. The forecast's staffing over
// its months is the run's, to the micro: the agents who answer the backlog are paid,
// in the last month with the replies they send, and each replication's total pairs
// its own bill with its own staffing.
func TestForecastStaffingIsTheRuns(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "under.yaml", `name: under
seed: 7
start: 2026-08-01
replications: 3
forecast: {months: 2}
customers: {count: 3000, countries: [{country: BR, share: 1}]}
load: {conversations_per_customer_month: 0.3}
agents:
  cost_per_hour: 9.50
  late_reply: utility
  shifts: [{days: [mon, tue, wed, thu, fri], start: "09:00", end: "11:00", headcount: 1}]
`)
	days, rows := forecastAndRun(t, sc, "3")
	runs, err := parquet.ReadFile[runRow](filepath.Join(dir, "r", "runs.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 3 || len(rows) != 2 {
		t.Fatalf("%d runs, %d months", len(runs), len(rows))
	}
	drain := map[string]int{}
	sept := int32(time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC).Unix() / 86400)
	lastBill := map[string]int64{} // run → September's messaging, the drain's included
	for _, d := range days {
		if d.After {
			drain[d.RunID]++
		}
		if d.Day >= sept {
			lastBill[d.RunID] += d.Messaging
		}
	}
	var sum int64
	var lastTotals []int64
	for _, r := range runs {
		if drain[r.RunID] < 3 {
			t.Errorf("run %s: the backlog is cleared in %d days after the horizon; the test needs days", r.RunID, drain[r.RunID])
		}
		sum += r.StaffingMicros
		lastTotals = append(lastTotals, lastBill[r.RunID]+r.StaffingMicros-rows[0].StaffingMicros)
	}
	mean := (sum + 1) / 3 // rounded half away from zero (positive)
	if got := rows[0].StaffingMicros + rows[1].StaffingMicros; got != mean {
		t.Errorf("forecast staffing %d + %d = %d, the run's mean staffing %d", rows[0].StaffingMicros, rows[1].StaffingMicros, got, mean)
	}
	var f struct {
		Horizon struct {
			StaffingMicros int64 `json:"staffing_micros"`
		} `json:"horizon"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "f", "forecast.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &f); err != nil || f.Horizon.StaffingMicros != mean {
		t.Errorf("forecast.json horizon staffing %d, the run's mean %d (%v)", f.Horizon.StaffingMicros, mean, err)
	}
	slices.Sort(lastTotals)
	if rows[1].TotalP50 != lastTotals[1] {
		t.Errorf("September total P50 %d, from the runs %v", rows[1].TotalP50, lastTotals)
	}
}

// TestForecastBotFeesByMonth: the bot's fee per conversation is charged in the month the
// bot took the conversation on, not all in the last month. The same scenario (and name,
// which seeds its streams) with and without the fee runs the same conversations; each
// month's staffing differs by the fees of its own conversations: every month pays some,
// in proportion to its conversations, and they add up to the runs' bot fees.
func TestForecastBotFeesByMonth(t *testing.T) {
	dir := t.TempDir()
	scenario := func(name, fee string) string {
		return writeFile(t, dir, name+".yaml", `name: bot-fees
seed: 11
start: 2026-06-01
replications: 2
forecast: {months: 3}
customers: {count: 4000, countries: [{country: BR, share: 1}]}
load: {conversations_per_customer_month: 0.4}
agents:
  cost_per_hour: 9.50
  shifts: [{days: [mon, tue, wed, thu, fri], start: "09:00", end: "18:00", headcount: 2}]
  bot: {reply_s: 5, resolve_share: 0.3, cost_per_conversation: `+fee+`}
`)
	}
	monthly := func(sc, out string) []forecastRow {
		if code, _, stderr := spendsim(t, "forecast", sc, "--replications", "2", "--out", filepath.Join(dir, out), "-q"); code != 0 {
			t.Fatalf("forecast: exit %d: %s", code, stderr)
		}
		rows, err := parquet.ReadFile[forecastRow](filepath.Join(dir, out, "forecast.parquet"))
		if err != nil || len(rows) != 3 {
			t.Fatalf("%d months, %v", len(rows), err)
		}
		return rows
	}
	with, without := monthly(scenario("fee", "0.10"), "f1"), monthly(scenario("nofee", "0"), "f0")
	sc := filepath.Join(dir, "fee.yaml")
	if code, _, stderr := spendsim(t, "run", sc, "--out", filepath.Join(dir, "r"), "-q"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	type botRow struct {
		Resolved int64 `parquet:"bot_resolved"`
		Handoffs int64 `parquet:"bot_handoffs"`
		Convs    int64 `parquet:"conversations"`
	}
	runs, err := parquet.ReadFile[botRow](filepath.Join(dir, "r", "runs.parquet"))
	if err != nil || len(runs) != 2 {
		t.Fatalf("%d runs, %v", len(runs), err)
	}
	var bot int64
	for _, r := range runs {
		bot += r.Resolved + r.Handoffs
	}
	wantFees := (bot*100_000 + 1) / 2 // the mean of the runs' fees, 0.10 each, rounded
	var fees int64
	for m := range with {
		d := with[m].StaffingMicros - without[m].StaffingMicros
		fees += d
		// June, July and August have about the same conversations: a third of the fees each.
		if share := float64(d) / float64(wantFees); share < 0.28 || share > 0.39 {
			t.Errorf("month %d: bot fees %d micros, %.2f of the runs' %d", m, d, share, wantFees)
		}
	}
	if fees < wantFees-1 || fees > wantFees+1 {
		t.Errorf("the months' bot fees add up to %d micros, the runs' to %d", fees, wantFees)
	}
}

// TestForecastNotesOnWhatRan: the warning on a band of fewer than 10 replications
// follows the replications that run, --replications included (it was given only when
// the scenario's own were under 10, so -r 1 printed P10 = P50 = P90 unremarked), and a
// scenario whose days are not the forecast's months gets a note that its days did not
// count. --quiet silences both.
func TestForecastNotesOnWhatRan(t *testing.T) {
	week := filepath.Join(t.TempDir(), "week.yaml")
	if err := os.WriteFile(week, []byte(`name: week
seed: 7
start: 2025-09-01
days: 7
customers: {count: 500, countries: [{country: BR, share: 1}]}
load: {conversations_per_customer_month: 0.5, messages_per_conversation: 2, think_time: {dist: exponential, mean_s: 180}}
agents: {concurrency: 2, handle_time: {dist: exponential, mean_s: 240}, cost_per_hour: 8, shifts: [{name: day, start: "09:00", end: "18:00", headcount: 1}]}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := spendsim(t, "forecast", week, "--months", "1", "--replications", "1", "--out", t.TempDir())
	if code != 0 {
		t.Fatalf("exit %d:\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"1 replication: P10 = P50 = P90, a band of no width; 10 or more give a band (--replications N)\n",
		"the forecast runs 1 month from 2025-09-01 (30 days), not the 7 days spendsim run gives " + week + ": a scenario's days do not count in a forecast",
		"1 run in ",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if !strings.Contains(stdout, "week: 1 month from 2025-09-01, 1 replication,") {
		t.Errorf("table header:\n%s", stdout)
	}
	_, _, stderr = spendsim(t, "forecast", week, "--months", "1", "--replications", "1", "--out", t.TempDir(), "-q")
	if stderr != "" {
		t.Errorf("--quiet: stderr %q", stderr)
	}
}

// TestForecastMonthsSayTheirDates: a forecast's months run a month from its start day
// (docs/formats.md), so one starting on 15 August has months of 15 August to 14
// September: the table, report.html and the plots label them by those dates (they
// said "2026-08", which reads as the calendar month Meta invoices, support lead's
// review), a note says they are not calendar months, and forecast.json gives each
// month's last day (end). From the 1st they stay the calendar months, YYYY-MM, with no
// note.
func TestForecastMonthsSayTheirDates(t *testing.T) {
	scenario := func(start string) string {
		return `name: mid
seed: 3
start: ` + start + `
replications: 2
forecast: {months: 3}
customers: {count: 500, countries: [{country: BR, share: 1}]}
load: {conversations_per_customer_month: 0.3}
agents:
  cost_per_hour: 8
  shifts: [{days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00", headcount: 1}]
`
	}
	type month struct{ Month, Start, End string }
	for _, c := range []struct {
		start  string
		labels []string // the table's month column
		months []month  // forecast.json's
		note   bool
	}{
		{"2026-08-15", []string{"2026-08-15..2026-09-14", "2026-09-15..2026-10-14", "2026-10-15..2026-11-14"},
			[]month{{"2026-08", "2026-08-15", "2026-09-14"}, {"2026-09", "2026-09-15", "2026-10-14"}, {"2026-10", "2026-10-15", "2026-11-14"}}, true},
		// From the 31st a month ends the day before the next one's day 31, or its last
		// day where it has none: 31 January, 28 February, 31 March (time.Date rolled 31
		// February over to 3 March: two months "2026-03", the horizon past April; code
		// review).
		{"2026-01-31", []string{"2026-01-31..2026-02-27", "2026-02-28..2026-03-30", "2026-03-31..2026-04-29"},
			[]month{{"2026-01", "2026-01-31", "2026-02-27"}, {"2026-02", "2026-02-28", "2026-03-30"}, {"2026-03", "2026-03-31", "2026-04-29"}}, true},
		{"2026-08-01", []string{"2026-08", "2026-09", "2026-10"},
			[]month{{"2026-08", "2026-08-01", "2026-08-31"}, {"2026-09", "2026-09-01", "2026-09-30"}, {"2026-10", "2026-10-01", "2026-10-31"}}, false},
	} {
		dir := t.TempDir()
		sc := writeFile(t, dir, "mid.yaml", scenario(c.start))
		out := filepath.Join(dir, "f")
		code, stdout, stderr := spendsim(t, "forecast", sc, "--out", out, "-q")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.start, code, stderr)
		}
		for _, l := range c.labels {
			if !strings.Contains(stdout, "\n  "+l+"  ") {
				t.Errorf("%s: no row labelled %s:\n%s", c.start, l, stdout)
			}
		}
		note := "not a calendar month as Meta invoices"
		if strings.Contains(stdout, note) != c.note {
			t.Errorf("%s: note %q said: %v, want %v", c.start, note, !c.note, c.note)
		}
		var f struct {
			Months  []month `json:"months"`
			Horizon month   `json:"horizon"`
		}
		data, err := os.ReadFile(filepath.Join(out, "forecast.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(f.Months, c.months) || f.Horizon.Start != c.months[0].Start || f.Horizon.End != c.months[2].End {
			t.Errorf("%s: forecast.json months %+v, horizon %+v; want %+v", c.start, f.Months, f.Horizon, c.months)
		}
		html, err := os.ReadFile(filepath.Join(out, "report.html"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(html), "<td>"+c.labels[0]) || strings.Contains(string(html), note) != c.note {
			t.Errorf("%s: report.html does not label the first month %s (or its note is wrong)", c.start, c.labels[0])
		}
	}
}
