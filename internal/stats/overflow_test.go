package stats

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/sim"
)

// TestMoneyOverflow (issue 15): an interval, a band or a total whose micros leave the
// int64 range is an error naming the figure. The summary's total_ci95 used to wrap (a
// low of −4.6e12 around a mean of +4.6e12), and a forecast band panicked.
func TestMoneyOverflow(t *testing.T) {
	const big = money.Micros(math.MaxInt64 / 2) // about 4.6e12 units
	runs := []sim.RunResult{
		{RunID: "base/r0", PointLabel: "base", Replication: 0, Currency: "USD", MessagingMicros: big},
		{RunID: "base/r1", PointLabel: "base", Replication: 1, Currency: "USD", MessagingMicros: 0},
	}
	_, err := Summarize("s", runs)
	if want := "stats: summary: point 0: total_ci95: " + money.ErrOverflow.Error(); err == nil || err.Error() != want {
		t.Errorf("summary: %v\nwant %s", err, want)
	}
	runs[1].MessagingMicros = big
	if s, err := Summarize("s", runs); err != nil || s.Points[0].TotalCI95.LowMicros != int64(big) {
		t.Errorf("no spread: %+v, %v", s.Points, err)
	}

	a := []sim.RunResult{runs[0], runs[1]}
	b := []sim.RunResult{runs[0], runs[0]}
	b[1].Replication = 1
	a[0].MessagingMicros, b[1].MessagingMicros = 0, 0
	if _, err := Compare(a, b, CompareLabel{}, CompareLabel{}, 1); err == nil || !strings.HasPrefix(err.Error(), "stats: compare: B − A messaging: ci95: ") {
		t.Errorf("compare: %v, want the B − A messaging ci95 to overflow", err)
	}

	start := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	cfg := &sim.Config{Start: model.FromStd(start), End: model.FromStd(start.AddDate(0, 0, 2)), Location: time.UTC, Customers: 1}
	day := func(m money.Micros) []sim.DayRow {
		return []sim.DayRow{{Day: start, MessagingMicros: m}, {Day: start.AddDate(0, 0, 1), MessagingMicros: m}}
	}
	_, err = BuildForecast(ForecastInput{Name: "f", Seed: 1, Config: cfg, Runs: runs, Days: [][]sim.DayRow{day(big), day(big)}})
	if want := "stats: forecast 2025-09: messaging: the sum of the 2 replications (for the mean): " + money.ErrOverflow.Error(); err == nil || err.Error() != want {
		t.Errorf("forecast: %v\nwant %s", err, want)
	}
	f, err := BuildForecast(ForecastInput{Name: "f", Seed: 1, Config: cfg, Runs: runs, Days: [][]sim.DayRow{day(big / 4), day(big / 4)}})
	if err != nil || f.Horizon.Messaging.MeanMicros != int64(big/4*2) {
		t.Errorf("forecast: %+v, %v", f.Horizon.Messaging, err)
	}
}
