package load

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/spendsim/spendsim/model"
)

// Level sets the arrival rate over a range of local calendar days: from From to To,
// both included, customers start conversations at Factor times the base rate (the
// customers' conversations_per_customer_month, shaped by the profile). A surge, a
// quiet season, a trend in steps: what `spendsim fit` estimates from a trace's daily
// volume, or what a user writes by hand. Days no level covers keep the base rate.
type Level struct {
	From   string  `yaml:"from"`   // first local day, YYYY-MM-DD
	To     string  `yaml:"to"`     // last local day, YYYY-MM-DD, included; not before from
	Factor float64 `yaml:"factor"` // multiplier on the base rate, >= 0 (0: no conversations)
}

// MaxLevelFactor bounds a level's factor: a million times the base rate is past any
// surge a scenario describes, and keeps the product with growth finite.
const MaxLevelFactor = 1e6

// ValidateLevels reports problems with levels, each prefixed by path: unreadable
// dates, a range that ends before it starts, a factor out of range, and ranges that
// overlap (a day has one level).
func ValidateLevels(path string, levels []Level) []string {
	var errs []string
	type span struct {
		from, to time.Time
		i        int
	}
	var spans []span
	for i, l := range levels {
		p := fmt.Sprintf("%s[%d]", path, i)
		from, err1 := time.Parse(time.DateOnly, l.From)
		if err1 != nil {
			errs = append(errs, fmt.Sprintf("%s.from: %q is not a date YYYY-MM-DD", p, l.From))
		}
		to, err2 := time.Parse(time.DateOnly, l.To)
		if err2 != nil {
			errs = append(errs, fmt.Sprintf("%s.to: %q is not a date YYYY-MM-DD", p, l.To))
		}
		if err1 == nil && err2 == nil {
			if to.Before(from) {
				errs = append(errs, fmt.Sprintf("%s.to: %s is before from (%s); a level covers from..to, both included", p, l.To, l.From))
			} else {
				spans = append(spans, span{from, to, i})
			}
		}
		if !(l.Factor >= 0 && l.Factor <= MaxLevelFactor) {
			errs = append(errs, fmt.Sprintf("%s.factor: must be a multiplier of the base rate between 0 and %g, got %v", p, float64(MaxLevelFactor), l.Factor))
		}
	}
	sort.SliceStable(spans, func(a, b int) bool { return spans[a].from.Before(spans[b].from) })
	for k := 1; k < len(spans); k++ {
		if a, b := spans[k-1], spans[k]; !b.from.After(a.to) {
			errs = append(errs, fmt.Sprintf("%s[%d]: %s..%s overlaps %s[%d] (%s..%s); a day has one level",
				path, b.i, levels[b.i].From, levels[b.i].To, path, a.i, levels[a.i].From, levels[a.i].To))
		}
	}
	return errs
}

// LevelSteps lays valid levels (ValidateLevels) in loc as rate steps: from each
// level's first local midnight its factor, from the midnight after its last day the
// base (1) again, unless the next level starts there. Sorted by At; nil without
// levels.
func LevelSteps(levels []Level, loc *time.Location) []Step {
	if len(levels) == 0 {
		return nil
	}
	day := func(s string, after int) model.Time {
		d, _ := time.Parse(time.DateOnly, s)
		return model.FromStd(model.DayStart(d.Year(), d.Month(), d.Day()+after, loc))
	}
	sorted := append([]Level(nil), levels...)
	sort.SliceStable(sorted, func(a, b int) bool { return sorted[a].From < sorted[b].From }) // YYYY-MM-DD sorts as dates
	var steps []Step
	for _, l := range sorted {
		from, end := day(l.From, 0), day(l.To, 1)
		if n := len(steps); n > 0 && steps[n-1].At == from {
			steps[n-1].Factor = l.Factor // the previous level ends where this one starts
		} else {
			steps = append(steps, Step{At: from, Factor: l.Factor})
		}
		steps = append(steps, Step{At: end, Factor: 1})
	}
	return steps
}

// Combine is the product of two step functions (each 1 before its first step), as
// steps: the rate of a customer base growing by a's factors, at b's levels. With
// either empty it returns the other, unchanged.
func Combine(a, b []Step) []Step {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	var out []Step
	fa, fb := 1.0, 1.0
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var at model.Time
		switch {
		case j == len(b) || i < len(a) && a[i].At <= b[j].At:
			at = a[i].At
		default:
			at = b[j].At
		}
		for i < len(a) && a[i].At == at {
			fa = a[i].Factor
			i++
		}
		for j < len(b) && b[j].At == at {
			fb = b[j].Factor
			j++
		}
		f := fa * fb
		if math.IsInf(f, 0) {
			f = math.MaxFloat64
		}
		out = append(out, Step{At: at, Factor: f})
	}
	return out
}
