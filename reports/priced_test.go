package reports

import (
	"math"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/model/pricing"
)

// TestRunSaysWhatPricedIt: a run's table and report.html name the cards in force, the
// user's rate files and the share priced from derived or third-party cells, as a
// replay's table does (a bank's analyst found none of them in a run's outputs, though
// every cell of its bill was derived or third-party).
func TestRunSaysWhatPricedIt(t *testing.T) {
	s := stats.Summary{Scenario: "bank", Currency: "USD", Runs: 2, Points: []stats.PointSummary{
		{Point: 0, Label: "day=8", Replications: 1, DerivedShare: 1},
		{Point: 1, Label: "day=9", Replications: 1, DerivedShare: 1},
	}}
	s.Priced = stats.Priced{
		RateFiles: []pricing.File{{Role: "rates", Path: "inr.csv"}, {Role: "tiers", Path: "t.csv"}},
		Cards: []stats.CardInForce{
			{PricingModel: "PMP", Currency: "USD", Effective: "2026-07-01", FirstDay: "2026-09-01", LastDay: "2026-09-30"},
			{PricingModel: "PMP", Currency: "USD", Effective: "2026-10-01", CarriedForwardFrom: "2026-07-01", FirstDay: "2026-10-01", LastDay: "2026-10-02"},
		},
	}
	want := []string{
		"priced with the PMP USD card of 2026-07-01 (2026-09-01 to 2026-09-30) and the PMP USD card of 2026-10-01 (2026-10-01 to 2026-10-02; the cells it lacks carried forward from the card of 2026-07-01)",
		"laid over the built-in cards: rate file inr.csv and tier file t.csv",
		"every point: 100.0% of the messaging bill was priced from derived or third-party rates",
	}
	var b strings.Builder
	WriteRunTable(&b, s, RunInfo{})
	for _, w := range want {
		if !strings.Contains(b.String(), "\n"+w) {
			t.Errorf("the run's table lacks %q:\n%s", w, b.String())
		}
	}
	html, err := Report(s, 1, map[string]string{"name": "bank"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		if !strings.Contains(string(html), w) {
			t.Errorf("report.html lacks %q", w)
		}
	}

	// Points that differ give the range; a bill of nothing (NaN) has no share; a bill
	// wholly from official cells says nothing of it.
	s.Points[0].DerivedShare, s.Points[1].DerivedShare = 0.25, 0.75
	s.Points = append(s.Points, stats.PointSummary{Point: 2, Label: "day=10", DerivedShare: stats.Num(math.NaN())})
	if n := pricedNotes(s); !strings.HasPrefix(n[len(n)-1], "25.0% to 75.0% of a point's messaging bill was priced from derived or third-party rates, by point") {
		t.Errorf("shares that differ: %q", n)
	}
	s.Priced = stats.Priced{}
	for i := range s.Points {
		s.Points[i].DerivedShare = 0
	}
	if n := pricedNotes(s); len(n) != 0 {
		t.Errorf("nothing to say, yet %q", n)
	}
}

// TestForecastDerivedMarkSaysTheShares: the forecast's * says how much of the marked
// months' bill rests on carried-forward, derived and third-party cells; "in part" read
// as a little to an analyst whose every cell was one or the other (forecast.json:
// derived_share 0.67, third_party_share 0.33).
func TestForecastDerivedMarkSaysTheShares(t *testing.T) {
	month := func(d, tp float64) stats.ForecastMonth {
		return stats.ForecastMonth{DerivedShare: stats.Num(d), ThirdPartyShare: stats.Num(tp), RestsOn: []string{stats.RestsDerived}}
	}
	for _, c := range []struct {
		months []stats.ForecastMonth
		want   string
	}{
		{[]stats.ForecastMonth{month(0.67, 0.33), month(0.67, 0.33)},
			"* priced from carried-forward or derived rate cells: 67.0% of the month's messaging bill, and 33.0% from third-party ones, none of it from official or BSP cells"},
		{[]stats.ForecastMonth{month(0.2, 0), month(0.5, 0.1), {DerivedShare: 0, ThirdPartyShare: 0.9, RestsOn: []string{}}},
			"* priced from carried-forward or derived rate cells: 20.0% to 50.0% of the month's messaging bill, and 0.0% to 10.0% from third-party ones"},
	} {
		if got := derivedMarkNote(stats.Forecast{Months: c.months}); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
}
