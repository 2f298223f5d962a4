package reports

import (
	"image/color"
	"math"
	"strconv"

	"github.com/spendsim/spendsim/model/money"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

func labelStyle() text.Style {
	return text.Style{
		Color:   color.Gray{Y: 0x20},
		Font:    font.From(plot.DefaultFont, vg.Points(9)),
		Handler: plot.DefaultTextHandler,
	}
}

// niceTicks puts about six labelled ticks on an axis, at steps of 1, 2, 2.5 or 5 times
// a power of ten, with thousands grouped ("12,500"). plot.DefaultTicks aims at three,
// which leaves an 8-inch axis hard to read off.
type niceTicks struct{}

func (niceTicks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) || math.IsInf(max-min, 0) {
		return []plot.Tick{{Value: min, Label: strconv.FormatFloat(min, 'g', 4, 64)}}
	}
	raw := (max - min) / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step, decimals := 10*mag, 0
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	// Enough decimals to tell ticks apart: 2.5 × 10⁻¹ needs two.
	for d := step; d != math.Trunc(d) && decimals < 6; d *= 10 {
		decimals++
	}
	var ts []plot.Tick
	first := math.Ceil(min/step - 1e-9)
	for i := 0; ; i++ {
		v := (first + float64(i)) * step
		if v > max+step*1e-9 {
			break
		}
		if math.Abs(v) < step*1e-9 {
			v = 0 // no "-0"
		}
		ts = append(ts, plot.Tick{Value: v, Label: formatTick(v, decimals)})
		if mid := v + step/2; mid < max {
			ts = append(ts, plot.Tick{Value: mid}) // unlabelled minor tick
		}
	}
	if lo := first*step - step/2; lo > min {
		ts = append(ts, plot.Tick{Value: lo})
	}
	return ts
}

// moneyTicks is niceTicks on an axis of amounts: its labels follow the rule for amounts
// people read (money.Cents), "2,500.00". The value drawn is a float64, scaled per month;
// the label is that value to the micro, then by the rule.
type moneyTicks struct{}

func (moneyTicks) Ticks(min, max float64) []plot.Tick {
	ts := niceTicks{}.Ticks(min, max)
	// Cents tell the ticks apart on any axis a cent wide or more. On a narrower one
	// (bills of a fraction of a cent, 0.0028 and 0.0042) they would all read "0.00":
	// there the ticks keep the decimals that tell them apart, as the amounts' labels
	// go to the micro.
	cents, seen, distinct := make([]string, len(ts)), map[string]bool{}, true
	for i := range ts {
		if ts[i].Label == "" {
			continue
		}
		cents[i] = money.Cents(money.Micros(math.Round(ts[i].Value * float64(money.PerUnit))))
		distinct = distinct && !seen[cents[i]]
		seen[cents[i]] = true
	}
	if !distinct && labelsDistinct(ts) {
		return ts
	}
	last := ""
	for i := range ts {
		if ts[i].Label == "" {
			continue
		}
		// Over a range narrower than a micro (a bill of 0.00) neighbouring ticks round
		// to one label: the first keeps it, the others become minor ticks, not a column
		// of "0.00".
		if cents[i] != last {
			ts[i].Label, last = cents[i], cents[i]
		} else {
			ts[i].Label = ""
		}
	}
	return ts
}

// labelsDistinct says whether no two labelled ticks read the same.
func labelsDistinct(ts []plot.Tick) bool {
	seen := map[string]bool{}
	for _, t := range ts {
		if t.Label == "" {
			continue
		}
		if seen[t.Label] {
			return false
		}
		seen[t.Label] = true
	}
	return true
}

func formatTick(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if decimals == 0 && math.Abs(v) >= 1000 {
		return money.GroupThousands(s)
	}
	return s
}
