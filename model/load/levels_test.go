package load

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
)

func TestValidateLevels(t *testing.T) {
	ok := []Level{{From: "2020-03-01", To: "2020-03-31", Factor: 5}, {From: "2020-04-01", To: "2020-04-01", Factor: 0}}
	if errs := ValidateLevels("load.levels", ok); len(errs) > 0 {
		t.Errorf("valid levels: %v", errs)
	}
	errs := ValidateLevels("load.levels", []Level{
		{From: "2020-03-01", To: "2020-03-31", Factor: 5},
		{From: "2020-3-5", To: "2020-03-31", Factor: 1},
		{From: "2020-03-10", To: "2020-03-09", Factor: 1},
		{From: "2020-03-31", To: "2020-04-02", Factor: -1},
		{From: "2020-05-01", To: "2020-05-02", Factor: math.Inf(1)},
	})
	want := []string{
		`load.levels[1].from: "2020-3-5" is not a date YYYY-MM-DD`,
		`load.levels[2].to: 2020-03-09 is before from (2020-03-10); a level covers from..to, both included`,
		`load.levels[3].factor: must be a multiplier of the base rate between 0 and 1e+06, got -1`,
		`load.levels[4].factor: must be a multiplier of the base rate between 0 and 1e+06, got +Inf`,
		`load.levels[3]: 2020-03-31..2020-04-02 overlaps load.levels[0] (2020-03-01..2020-03-31); a day has one level`,
	}
	if got := strings.Join(errs, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
}

// TestLevelSteps: levels become steps at local midnights (Berlin, across the switch to
// summer time on 2025-03-30), back to the base after a level unless the next starts
// there, in date order whatever the order written.
func TestLevelSteps(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	mid := func(y int, m time.Month, d int) model.Time {
		return model.FromStd(time.Date(y, m, d, 0, 0, 0, 0, berlin))
	}
	got := LevelSteps([]Level{
		{From: "2025-04-01", To: "2025-04-03", Factor: 0.5},
		{From: "2025-03-29", To: "2025-03-31", Factor: 3},
		{From: "2025-04-10", To: "2025-04-10", Factor: 2},
	}, berlin)
	want := []Step{
		{mid(2025, 3, 29), 3}, {mid(2025, 4, 1), 0.5}, {mid(2025, 4, 4), 1},
		{mid(2025, 4, 10), 2}, {mid(2025, 4, 11), 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("steps %v, want %v", got, want)
	}
	if LevelSteps(nil, berlin) != nil {
		t.Error("no levels: want nil steps")
	}
}

func TestCombine(t *testing.T) {
	a := []Step{{10, 2}, {30, 4}}
	b := []Step{{5, 3}, {10, 0.5}, {20, 1}}
	want := []Step{{5, 3}, {10, 1}, {20, 2}, {30, 4}}
	if got := Combine(a, b); !reflect.DeepEqual(got, want) {
		t.Errorf("Combine = %v, want %v", got, want)
	}
	if got := Combine(a, nil); &got[0] != &a[0] {
		t.Error("Combine(a, nil) is not a itself")
	}
	if got := Combine(nil, b); &got[0] != &b[0] {
		t.Error("Combine(nil, b) is not b itself")
	}
}

// TestArrivalsFollowLevels: a level triples the rate for 10 of 40 days and another
// stops it for 5; the process's expected count is exact, and the sampled counts per
// range are within four standard errors of it.
func TestArrivalsFollowLevels(t *testing.T) {
	from := model.FromStd(time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC))
	to := from + 40*24*model.Hour
	levels := LevelSteps([]Level{
		{From: "2025-01-16", To: "2025-01-25", Factor: 3},
		{From: "2025-02-05", To: "2025-02-09", Factor: 0},
	}, time.UTC)
	const rate = 10.0 // an hour
	prof := Profile{Hour: []float64{1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1}}
	a := NewGrowingArrivals(from, to, time.UTC, rate, prof, levels)
	// 25 days at the base, 10 at three times it, 5 at none: 55 base days.
	if got, want := a.Expected(), rate*24*55; math.Abs(got-want) > 1e-6 {
		t.Errorf("expected %.6f arrivals, want %.0f", got, want)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	var n [3]float64 // base days, surge, stopped
	for range 20 {
		for t0 := from - 1; ; {
			next, ok := a.Next(t0, rng)
			if !ok {
				break
			}
			switch day := int((next - from) / (24 * model.Hour)); {
			case day >= 10 && day < 20:
				n[1]++
			case day >= 30 && day < 35:
				n[2]++
			default:
				n[0]++
			}
			t0 = next
		}
	}
	for i, want := range []float64{20 * rate * 24 * 25, 20 * rate * 24 * 30, 0} {
		if math.Abs(n[i]-want) > 4*math.Sqrt(want)+1e-9 {
			t.Errorf("range %d: %.0f arrivals in 20 runs, want %.0f ± %.0f", i, n[i], want, 4*math.Sqrt(want))
		}
	}
}
