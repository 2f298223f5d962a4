package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/stats"
)

// TestForecastReplicationsNote: a forecast of fewer than 10 replications warns that its
// band is no band, naming what coincides by nearest rank: with 1 all three, with 2
// P10 and P50.
func TestForecastReplicationsNote(t *testing.T) {
	for r, want := range map[int]string{
		1:  "1 replication: P10 = P50 = P90, a band of no width; 10 or more give a band (--replications N)",
		2:  "2 replications: P10 and P90 of fewer than 10 are the smallest and the largest bill, and P50 = P10; 10 or more give a band (--replications N)",
		9:  "9 replications: P10 and P90 of fewer than 10 are the smallest and the largest bill; 10 or more give a band (--replications N)",
		10: "",
		20: "",
	} {
		if got := ForecastReplicationsNote(r); got != want {
			t.Errorf("%d replications:\n got %q\nwant %q", r, got, want)
		}
	}
}

// TestForecastHorizonNote: a forecast runs its months whatever the scenario's days;
// when the two differ a note says so, when they agree there is none.
func TestForecastHorizonNote(t *testing.T) {
	f := stats.Forecast{Months: []stats.ForecastMonth{{Month: "2025-09", Start: "2025-09-01"}, {Month: "2025-10"}, {Month: "2025-11"}},
		Horizon: stats.ForecastMonth{Days: 91}}
	want := "the forecast runs 3 months from 2025-09-01 (91 days), not the 7 days spendsim run gives A.yaml: a scenario's days do not count in a forecast (--months N sets its months)"
	if got := ForecastHorizonNote("A.yaml", 7, f); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := ForecastHorizonNote("A.yaml", 91, f); got != "" {
		t.Errorf("days = the months' length: %q, want no note", got)
	}
}

// TestForecastTableNotes: under the table, what the band covers, always; and where a
// row's total P50 is not its messaging P50 + staffing (the last month's staffing is a
// mean, each total one replication's own), a footnote naming those rows, saying when the
// total P50 falls below the staffing. The header counts in words.
func TestForecastTableNotes(t *testing.T) {
	band := func(p50 int64) stats.Band { return stats.Band{P10Micros: p50, P50Micros: p50, P90Micros: p50} }
	month := func(name string, msg, staff, total int64) stats.ForecastMonth {
		return stats.ForecastMonth{Month: name, Start: name + "-01", Pricing: "pmp-2025", Messaging: band(msg), StaffingMicros: staff, Total: band(total)}
	}
	f := stats.Forecast{Scenario: "aa", Currency: "USD", Seed: 7, Replications: 1,
		Months:  []stats.ForecastMonth{month("2025-09", 3_270_000, 3_168_000_000, 3_171_270_000)},
		Horizon: month("2025-09..2025-09", 3_270_000, 3_168_000_000, 3_171_270_000)}
	var b bytes.Buffer
	WriteForecastTable(&b, f)
	out := b.String()
	if !strings.HasPrefix(out, "aa: 1 month from 2025-09-01, 1 replication, seed 7, USD") {
		t.Errorf("header:\n%s", out)
	}
	if !strings.Contains(out, "\n"+ForecastBandScope+"\n") || !strings.Contains(out, "arrivals and behaviour alone: growth, rates, staffing") {
		t.Errorf("no word of what the band covers:\n%s", out)
	}
	if strings.Contains(out, "is not messaging P50 + staffing") {
		t.Errorf("a footnote where every row adds up:\n%s", out)
	}
	// The reviewer's A.yaml -r 2: 2025-11 staffing 3,031.41, messaging P50 4.76, total P50 3,026.85.
	f.Months = append(f.Months, month("2025-11", 4_760_000, 3_031_410_000, 3_026_850_000))
	f.Horizon = month("2025-09..2025-11", 8_030_000, 6_199_410_000, 6_198_120_000)
	b.Reset()
	WriteForecastTable(&b, f)
	want := "2025-11, all: staffing is the mean across replications, which differ in it (the shifts until their backlog was cleared, the bot's fees), " +
		"and each total one replication's own bill + staffing, so total P50 is not messaging P50 + staffing, and can fall below the staffing\n"
	if !strings.Contains(b.String(), want) {
		t.Errorf("no footnote on the total below the staffing:\n%s", b.String())
	}
}

// TestMonthLabelsSayTheDates: a month that is not a calendar month is labelled by its
// first and last days, on the terminal and in the plots (across a year end too); a
// calendar month by its name; a month without an end (forecast.json before it had
// one) as before.
func TestMonthLabelsSayTheDates(t *testing.T) {
	f := stats.Forecast{Months: []stats.ForecastMonth{
		{Month: "2026-08", Start: "2026-08-15", End: "2026-09-14"},
		{Month: "2026-12", Start: "2026-12-15", End: "2027-01-14"},
		{Month: "2026-09", Start: "2026-09-01", End: "2026-09-30"},
		{Month: "2026-02", Start: "2026-02-01", End: "2026-02-27"}, // the 1st, cut short: not the calendar month
		{Month: "2026-10", Start: "2026-10-15"},
	}}
	terminal := []string{"2026-08-15..2026-09-14", "2026-12-15..2027-01-14", "2026-09", "2026-02-01..2026-02-27", "2026-10"}
	plot := []string{"15 Aug–14 Sep 2026", "15 Dec 2026–14 Jan 2027", "Sep 2026", "1 Feb–27 Feb 2026", "from 15 Oct 2026"}
	ticks := monthLabels(f)
	for i, fm := range f.Months {
		if got := monthName(fm); got != terminal[i] {
			t.Errorf("%+v: named %q, want %q", fm, got, terminal[i])
		}
		if ticks[i] != plot[i] {
			t.Errorf("%+v: plotted %q, want %q", fm, ticks[i], plot[i])
		}
	}
}
