package load

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/spendsim/spendsim/model"
)

// Profile shapes the arrival rate over the week in the business's time zone. Each list
// is relative weights, normalised to a mean of 1, so the profile moves arrivals around
// without changing how many there are.
type Profile struct {
	Hour    []float64 `yaml:"hour_of_day"` // 24 weights, local hours 00–23; empty = flat
	Weekday []float64 `yaml:"day_of_week"` // 7 weights, Monday first; empty = flat
}

// Validate reports problems, each prefixed by path.
func (p Profile) Validate(path string) []string {
	var errs []string
	check := func(name string, w []float64, n int) {
		if len(w) == 0 {
			return
		}
		if len(w) != n {
			errs = append(errs, fmt.Sprintf("%s.%s: needs %d weights, got %d", path, name, n, len(w)))
			return
		}
		var sum float64
		for i, x := range w {
			if x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
				errs = append(errs, fmt.Sprintf("%s.%s[%d]: must be a finite weight >= 0, got %v", path, name, i, x))
			}
			sum += x
		}
		if !(sum > 0) {
			errs = append(errs, fmt.Sprintf("%s.%s: weights must not all be 0", path, name))
		}
	}
	check("hour_of_day", p.Hour, 24)
	check("day_of_week", p.Weekday, 7)
	return errs
}

// factor is the profile's relative rate in a local hour of a weekday (Monday = 0).
func (p Profile) factor(weekday, hour int) float64 {
	f := 1.0
	if len(p.Hour) == 24 {
		f *= p.Hour[hour] / mean(p.Hour)
	}
	if len(p.Weekday) == 7 {
		f *= p.Weekday[weekday] / mean(p.Weekday)
	}
	return f
}

func mean(w []float64) float64 {
	var s float64
	for _, x := range w {
		s += x
	}
	return s / float64(len(w))
}

// Arrivals is a non-homogeneous Poisson process with a rate that is constant within
// each local clock hour. Sampling inverts the integrated rate segment by segment, which
// is exact (no thinning, no rejected draws) and handles time-zone offsets of half an
// hour and daylight-saving days, because segments are cut at local hour boundaries.
type Arrivals struct {
	start []model.Time // segment starts; segment i is [start[i], start[i+1])
	rate  []float64    // arrivals per millisecond in segment i
	end   model.Time
}

// NewArrivals builds the process over [from, to) with a mean rate of ratePerHour
// arrivals per hour shaped by profile in loc.
func NewArrivals(from, to model.Time, loc *time.Location, ratePerHour float64, profile Profile) *Arrivals {
	return NewGrowingArrivals(from, to, loc, ratePerHour, profile, nil)
}

// Step is a growth step: from At on, until the next step, the customer base (and with
// it the arrival rate) is Factor times the base. Before the first step it is the base.
type Step struct {
	At     model.Time
	Factor float64 // multiplier on the base, > 0
}

// NewGrowingArrivals is NewArrivals with the rate multiplied by the factor of the
// growth step in force (steps sorted by At; nil: no growth, the same process as
// NewArrivals). Segments are also cut at every step.
func NewGrowingArrivals(from, to model.Time, loc *time.Location, ratePerHour float64, profile Profile, growth []Step) *Arrivals {
	a := &Arrivals{end: to}
	if len(profile.Hour) == 0 && len(profile.Weekday) == 0 && len(growth) == 0 {
		// A flat rate is one segment: no need to walk every clock hour of the horizon
		// (a queueing study may span centuries of virtual time).
		if from < to {
			a.start, a.rate = []model.Time{from}, []float64{ratePerHour / float64(model.Hour)}
		}
		return a
	}
	gi := -1 // the step in force: growth[gi], or none yet
	for t := from; t < to; {
		for gi+1 < len(growth) && growth[gi+1].At <= t {
			gi++
		}
		lt := t.In(loc)
		next := model.FromStd(time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour()+1, 0, 0, 0, loc))
		if next <= t { // a daylight-saving fold repeats an hour: step by the clock hour
			next = t + model.Hour
		}
		if gi+1 < len(growth) && growth[gi+1].At < next {
			next = growth[gi+1].At
		}
		wd := (int(lt.Weekday()) + 6) % 7 // Monday = 0
		rate := ratePerHour
		if gi >= 0 {
			rate *= growth[gi].Factor
		}
		r := rate * profile.factor(wd, lt.Hour()) / float64(model.Hour)
		if n := len(a.rate); n == 0 || a.rate[n-1] != r { // a flat stretch is one segment
			a.start = append(a.start, t)
			a.rate = append(a.rate, r)
		}
		t = min(next, to)
	}
	return a
}

// Next returns the first arrival after t, or ok=false if there is none before the end.
func (a *Arrivals) Next(t model.Time, rng *rand.Rand) (next model.Time, ok bool) {
	i := sort.Search(len(a.start), func(i int) bool { return a.start[i] > t }) - 1
	if i < 0 {
		i, t = 0, a.start[0]
	}
	e := rng.ExpFloat64() // unit-rate exponential: the integrated rate to the next arrival
	for ; i < len(a.start); i++ {
		segEnd := a.end
		if i+1 < len(a.start) {
			segEnd = a.start[i+1]
		}
		if r := a.rate[i]; r > 0 {
			room := float64(segEnd-t) * r
			if e < room {
				at := t + model.Time(e/r)
				if at <= t {
					at = t + 1
				}
				if at >= segEnd {
					at = segEnd - 1
				}
				return at, at < a.end
			}
			e -= room
		}
		t = segEnd
	}
	return 0, false
}

// Expected returns the expected number of arrivals over the whole horizon.
func (a *Arrivals) Expected() float64 {
	var n float64
	for i, s := range a.start {
		e := a.end
		if i+1 < len(a.start) {
			e = a.start[i+1]
		}
		n += float64(e-s) * a.rate[i]
	}
	return n
}
