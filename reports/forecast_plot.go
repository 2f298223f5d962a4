package reports

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
)

// monthTicks labels whole x values 0..n-1 with the months' names.
type monthTicks []string

func (m monthTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	for i, l := range m {
		if x := float64(i); x >= min && x <= max {
			ts = append(ts, plot.Tick{Value: x, Label: l})
		}
	}
	return ts
}

func monthLabels(f stats.Forecast) monthTicks {
	ls := make(monthTicks, len(f.Months))
	for i, fm := range f.Months {
		t, err := time.Parse(time.DateOnly, fm.Start)
		e, errEnd := time.Parse(time.DateOnly, fm.End)
		switch {
		case err != nil:
			ls[i] = fm.Month
		case fm.Calendar():
			ls[i] = t.Format("Jan 2006")
		case errEnd != nil: // no end: a forecast.json written before months said theirs
			ls[i] = "from " + t.Format("2 Jan 2006")
		case t.Year() == e.Year():
			ls[i] = t.Format("2 Jan") + "–" + e.Format("2 Jan 2006")
		default:
			ls[i] = t.Format("2 Jan 2006") + "–" + e.Format("2 Jan 2006")
		}
		ls[i] = withMarks(ls[i], fm)
		if fm.Pricing != "" {
			ls[i] += "\n" + fm.Pricing
		}
	}
	return ls
}

func forecastSubtitle(f stats.Forecast) string {
	g := ""
	if f.GrowthPerMonth != 0 {
		g = fmt.Sprintf(", customers %+.4g%% a month", 100*f.GrowthPerMonth)
	}
	return words.Count(f.Replications, "replication") + g
}

var bandColor = color.NRGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0x50}

// PlotForecastFan draws the monthly WhatsApp bill as a fan: the P10–P90 band across
// replications and the P50 line, one point per month.
func PlotForecastFan(f stats.Forecast) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Monthly forecast: " + f.Scenario + "\nmessaging spend, P10–P90 band and P50, " + forecastSubtitle(f)
	p.Title.TextStyle.Font.Size = vg.Points(14)
	p.Title.Padding = vg.Points(8)
	p.Y.Label.Text = fmt.Sprintf("messaging spend per month (%s)", f.Currency)
	p.X.Tick.Marker = monthLabels(f)
	p.Y.Tick.Marker = moneyTicks{}
	p.Add(plotter.NewGrid())
	n := len(f.Months)
	cur := func(m int64) float64 { return float64(m) / 1e6 } // drawing only
	mid := make(plotter.XYs, n)
	var band plotter.XYs
	for i, fm := range f.Months {
		mid[i] = plotter.XY{X: float64(i), Y: cur(fm.Messaging.P50Micros)}
	}
	if n == 1 { // one month: a box rather than a fan
		fm := f.Months[0]
		band = plotter.XYs{{X: -0.3, Y: cur(fm.Messaging.P10Micros)}, {X: 0.3, Y: cur(fm.Messaging.P10Micros)},
			{X: 0.3, Y: cur(fm.Messaging.P90Micros)}, {X: -0.3, Y: cur(fm.Messaging.P90Micros)}}
	} else {
		for i, fm := range f.Months {
			band = append(band, plotter.XY{X: float64(i), Y: cur(fm.Messaging.P10Micros)})
		}
		for i := n - 1; i >= 0; i-- {
			band = append(band, plotter.XY{X: float64(i), Y: cur(f.Months[i].Messaging.P90Micros)})
		}
	}
	poly, err := plotter.NewPolygon(band)
	if err != nil {
		return nil, fmt.Errorf("reports: forecast plot: %w", err)
	}
	poly.Color = bandColor
	poly.LineStyle.Width = 0
	poly.LineStyle.Color = color.Transparent
	line, err := plotter.NewLine(mid)
	if err != nil {
		return nil, fmt.Errorf("reports: forecast plot: %w", err)
	}
	line.Color, line.Width = messagingColor, vg.Points(2)
	dots, err := plotter.NewScatter(mid)
	if err != nil {
		return nil, fmt.Errorf("reports: forecast plot: %w", err)
	}
	dots.Color, dots.Shape, dots.Radius = messagingColor, draw.CircleGlyph{}, vg.Points(3.5)
	p.Add(poly, line, dots)
	p.Legend.Add("P10–P90", poly)
	p.Legend.Add("P50", line, dots)
	names := []string{"P10–P90", "P50"}
	for _, note := range restsNotes(f) {
		p.Legend.Add(note) // text only: what a month's mark means
		names = append(names, note)
	}
	labels := make([]string, n)
	for i, fm := range f.Months {
		labels[i] = money.Cents(money.Micros(fm.Messaging.P50Micros))
	}
	p.Add(&placedLabels{xys: mid, labels: labels, obstacles: []plotter.XYs{mid}, style: labelStyle(),
		legend: &p.Legend, legendNames: names})
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(6), -vg.Points(6)
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	fitForecastAxes(p, n)
	return p, nil
}

// categoryColors are for the stacked chart, in pricing.Categories order.
var categoryColors = []color.Color{
	color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}, // marketing
	color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, // utility
	color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}, // authentication
	color.RGBA{R: 0x98, G: 0xdf, B: 0x8a, A: 0xff}, // authentication_international
	color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}, // service
	color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff}, // referral_conversion
	color.RGBA{R: 0x8c, G: 0x56, B: 0x4b, A: 0xff}, // user_initiated
	color.RGBA{R: 0x7f, G: 0x7f, B: 0x7f, A: 0xff}, // business_initiated
}

// PlotForecastByCategory stacks each month's mean spend by pricing category (means,
// not P50s, so that the stack adds up to the mean bill). Categories with no spend in
// any month are left out.
func PlotForecastByCategory(f stats.Forecast) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Spend by category per month: " + f.Scenario + "\nmeans of " + forecastSubtitle(f)
	p.Title.TextStyle.Font.Size = vg.Points(14)
	p.Title.Padding = vg.Points(8)
	p.Y.Label.Text = fmt.Sprintf("messaging spend per month (%s)", f.Currency)
	p.X.Tick.Marker = monthLabels(f)
	p.Y.Tick.Marker = moneyTicks{}
	p.Add(plotter.NewGrid())
	n := len(f.Months)
	width := vg.Points(math.Min(60, 360/float64(n)))
	var below *plotter.BarChart
	drawn := 0
	var top float64
	for ci, c := range pricing.Categories() {
		vals := make(plotter.Values, n)
		any := false
		for i, fm := range f.Months {
			vals[i] = float64(fm.ByCategory[c.String()].MeanMicros) / 1e6
			any = any || vals[i] != 0
		}
		if !any {
			continue
		}
		bars, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return nil, fmt.Errorf("reports: forecast plot: %w", err)
		}
		bars.Color = categoryColors[ci%len(categoryColors)]
		bars.LineStyle.Width = 0
		if below != nil {
			bars.StackOn(below)
		}
		p.Add(bars)
		p.Legend.Add(c.String(), bars)
		below = bars
		drawn++
	}
	for _, fm := range f.Months {
		top = math.Max(top, float64(fm.Messaging.MeanMicros)/1e6)
	}
	if drawn == 0 {
		p.Legend.Add("no messaging spend")
	}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(6), -vg.Points(6)
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	p.X.Min, p.X.Max = -0.6, float64(n)-0.4
	p.Y.Min = 0
	if top <= 0 {
		top = 1
	}
	p.Y.Max = top * (1.15 + 0.07*float64(drawn))
	return p, nil
}

// fitForecastAxes gives the months air at the sides and the legend room at the top,
// and starts money at zero when the data is not far from it.
func fitForecastAxes(p *plot.Plot, n int) {
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	if p.Y.Min > 0 && p.Y.Min < 0.5*p.Y.Max {
		p.Y.Min = 0
	}
	span := p.Y.Max - p.Y.Min
	if span <= 0 {
		span = math.Max(1, math.Abs(p.Y.Max))
	}
	p.Y.Max += 0.25 * span
}

// restsMarks marks a month whose prices rest on more than published rates: "*" for
// carried-forward or derived rate cells, "+" for service charged at the utility rate
// ("" for neither), as the table, the plots and report.html show them.
func restsMarks(fm stats.ForecastMonth) string {
	m := ""
	for _, r := range fm.RestsOn {
		switch r {
		case stats.RestsDerived:
			m += "*"
		case stats.RestsServiceAtUtility:
			m += "+"
		}
	}
	return m
}

// withMarks is a month's label followed by its marks, if any.
func withMarks(label string, fm stats.ForecastMonth) string {
	if m := restsMarks(fm); m != "" {
		return label + " " + m
	}
	return label
}

// restsNotes explains the marks the forecast's months carry, one line each.
func restsNotes(f stats.Forecast) []string {
	var derived, service bool
	for _, fm := range f.Months {
		for _, r := range fm.RestsOn {
			derived = derived || r == stats.RestsDerived
			service = service || r == stats.RestsServiceAtUtility
		}
	}
	var out []string
	if derived {
		out = append(out, derivedMarkNote(f))
	}
	if service {
		out = append(out, "+ service charged at the utility rate (a decision: docs/billing.md, PMP 2026-10)")
	}
	return out
}

// derivedMarkNote explains the * mark with the shares it stands for: "in part" read as
// a little to an analyst whose every cell was derived or third-party, as forecast.json
// said (derived_share 0.67, third_party_share 0.33).
func derivedMarkNote(f stats.Forecast) string {
	dlo, dhi, tlo, thi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	official := false // some marked month was priced in part from official or bsp cells
	for _, fm := range f.Months {
		if !slices.Contains(fm.RestsOn, stats.RestsDerived) {
			continue
		}
		d, t := float64(fm.DerivedShare), float64(fm.ThirdPartyShare)
		if math.IsNaN(t) {
			t = 0
		}
		dlo, dhi, tlo, thi = math.Min(dlo, d), math.Max(dhi, d), math.Min(tlo, t), math.Max(thi, t)
		official = official || d+t < 0.9995
	}
	span := func(lo, hi float64) string {
		if math.Round(1000*lo) == math.Round(1000*hi) {
			return fmt.Sprintf("%.1f%%", 100*hi)
		}
		return fmt.Sprintf("%.1f%% to %.1f%%", 100*lo, 100*hi)
	}
	n := "* priced from carried-forward or derived rate cells: " + span(dlo, dhi) + " of the month's messaging bill"
	if thi > 0 {
		n += ", and " + span(tlo, thi) + " from third-party ones"
	}
	if !official {
		n += ", none of it from official or BSP cells"
	}
	return n
}
