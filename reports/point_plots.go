package reports

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// File bases of the per-point plots (.png and .svg).
const (
	FirstResponseCDF = "first_response_cdf"
	SpendByCategory  = "spend_by_category"
)

// palette is Tableau's ten colours: distinct, and readable by most colour-blind readers.
var palette = []color.Color{
	color.RGBA{0x1f, 0x77, 0xb4, 0xff}, color.RGBA{0xff, 0x7f, 0x0e, 0xff},
	color.RGBA{0x2c, 0xa0, 0x2c, 0xff}, color.RGBA{0xd6, 0x27, 0x28, 0xff},
	color.RGBA{0x94, 0x67, 0xbd, 0xff}, color.RGBA{0x8c, 0x56, 0x4b, 0xff},
	color.RGBA{0xe3, 0x77, 0xc2, 0xff}, color.RGBA{0x7f, 0x7f, 0x7f, 0xff},
	color.RGBA{0xbc, 0xbd, 0x22, 0xff}, color.RGBA{0x17, 0xbe, 0xcf, 0xff},
}

// maxCDFLines is how many sweep points the CDF plot draws at most: past that the lines
// cannot be told apart, so an evenly spread subset is drawn and the title says so.
const maxCDFLines = 10

// pointQuantiles is a sweep point's first-response distribution: the level-wise mean
// of its replications' quantiles. Averaging quantiles (not pooling samples) is an
// approximation, fine for a picture; a level not answered in a replication (+Inf) is
// not answered in the mean. Nil if no replication had a conversation.
func pointQuantiles(reps []*sim.RunResult) []float64 {
	var mean []float64
	n := 0
	for _, r := range reps {
		if len(r.FirstResponseQuantilesS) == 0 {
			continue
		}
		if mean == nil {
			mean = make([]float64, len(r.FirstResponseQuantilesS))
		}
		if len(r.FirstResponseQuantilesS) != len(mean) {
			continue // cannot happen with one build; never mix levels
		}
		for i, v := range r.FirstResponseQuantilesS {
			mean[i] += v
		}
		n++
	}
	for i := range mean {
		mean[i] /= float64(n)
	}
	return mean
}

// cdfXYs is a point's line: its mean quantiles qs at levels (x no less than xMin, the
// axis' left end) up to the last level every replication answered. A line that stops
// short then ends at answered, the point's answered share the table gives, reached at
// last, its replications' slowest answer on average: the 2% levels alone stop up to 2
// points below that share, and further below where the replications differ.
func cdfXYs(qs, levels []float64, answered, last, xMin float64) plotter.XYs {
	xys := make(plotter.XYs, 0, len(qs)+1)
	for j, v := range qs {
		if math.IsInf(v, 1) {
			break // this level and the ones above it were not answered in every replication
		}
		xys = append(xys, plotter.XY{X: math.Max(v, xMin), Y: 100 * levels[j]})
	}
	if len(xys) == 0 || len(xys) == len(qs) {
		return xys
	}
	if end := xys[len(xys)-1]; 100*answered > end.Y {
		x := end.X
		if last > x { // false for NaN
			x = last
		}
		xys = append(xys, plotter.XY{X: x, Y: 100 * answered})
	}
	return xys
}

// noLineNote is what the legend says of a point with no line: no level was answered in
// every replication, because under 1% of its conversations were, or because some of
// its replications answered nobody while others did (answered, the table's share).
func noLineNote(answered float64) string {
	if answered >= 0.01 { // false for NaN
		return fmt.Sprintf(" (%.0f%% answered, no line: some replications answered nobody)", 100*answered)
	}
	return " (under 1% answered)"
}

// lastAnswered is the mean over replications of each one's slowest first response, as
// its quantiles give it (the last level answered): where its line reaches its answered
// share. NaN when no replication answered any level.
func lastAnswered(reps []*sim.RunResult) float64 {
	sum, n := 0.0, 0
	for _, r := range reps {
		last := math.NaN()
		for _, v := range r.FirstResponseQuantilesS {
			if math.IsInf(v, 1) {
				break
			}
			last = v
		}
		if !math.IsNaN(last) {
			sum += last
			n++
		}
	}
	return sum / float64(n)
}

// spread picks at most k of n indices, evenly spread, first and last included.
func spread(n, k int) []int {
	if n <= k {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	idx := make([]int, k)
	for i := range idx {
		idx[i] = int(math.Round(float64(i) * float64(n-1) / float64(k-1)))
	}
	return idx
}

// PlotFirstResponseCDF draws, per sweep point, the share of conversations whose first
// response came within a time, on a logarithmic time axis (response times run from
// seconds to days). Each line is the mean over the point's replications of its
// quantiles at 1%, 3%, ..., 99%, over every conversation that arrived; where some
// conversations were never answered the line ends at the point's answered share, the
// table's, reached at its replications' slowest answer (on average).
func PlotFirstResponseCDF(s stats.Summary, runs []sim.RunResult) (*plot.Plot, error) {
	groups := stats.ByPoint(runs)
	labels := map[int]string{}
	for _, p := range s.Points {
		labels[p.Point] = p.Label
	}
	levels := sim.FirstResponseQuantileLevels()
	answered := map[int]float64{} // the share the table gives
	for _, p := range s.Points {
		answered[p.Point] = float64(p.SLA.AnsweredShare.Mean)
	}
	type line struct {
		label    string
		qs       []float64
		answered float64 // share of conversations answered, the point's mean
		last     float64 // when its replications reached it: their slowest answered, on average
	}
	var lines []line
	for _, g := range groups {
		if qs := pointQuantiles(g); qs != nil {
			lines = append(lines, line{labels[g[0].Point], qs, answered[g[0].Point], lastAnswered(g)})
		}
	}
	p := plot.New()
	p.Title.Text = "First-response time by sweep point: " + s.Scenario
	p.Title.TextStyle.Font.Size = vg.Points(14)
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = "first-response time (log scale)"
	p.Y.Label.Text = "conversations answered within that time (%)"
	p.Add(plotter.NewGrid())
	p.Y.Min, p.Y.Max = 0, 100
	p.Y.Tick.Marker = niceTicks{}
	if len(lines) == 0 {
		p.X.Min, p.X.Max = 1, 10
		p.Title.Text += "\nno conversation got a first response"
		return p, nil
	}
	lo, hi := math.Inf(1), 0.0
	short := false // some line stops short of 99%: some conversations were never answered
	for _, l := range lines {
		for _, v := range l.qs {
			if math.IsInf(v, 1) {
				short = true
				continue
			}
			if v > 0 {
				lo = math.Min(lo, v)
			}
			hi = math.Max(hi, v)
		}
		if l.last > hi { // where a short line ends (false for NaN)
			hi = l.last
		}
	}
	if math.IsInf(lo, 1) {
		lo = 1
	}
	hi = math.Max(hi, lo*10)
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = durationTicks{}
	p.X.Min, p.X.Max = lo/1.5, hi*1.5
	pick := spread(len(lines), maxCDFLines)
	for k, i := range pick {
		l := lines[i]
		xys := cdfXYs(l.qs, levels, l.answered, l.last, p.X.Min)
		if len(xys) == 0 {
			p.Legend.Add(l.label + noLineNote(l.answered))
			continue
		}
		ln, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("reports: cdf plot: %w", err)
		}
		ln.Color = palette[k%len(palette)]
		ln.Width = vg.Points(1.6)
		if k >= len(palette) {
			ln.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		p.Add(ln)
		p.Legend.Add(l.label, ln)
	}
	reps := 1
	if len(s.Points) > 0 {
		reps = s.Points[0].Replications
	}
	switch {
	case len(pick) < len(lines):
		p.Title.Text += fmt.Sprintf("\n%d of %d sweep points, evenly spread", len(pick), len(lines))
	case reps > 1:
		p.Title.Text += fmt.Sprintf("\nquantiles averaged over %d replications", reps)
	}
	if short {
		p.Title.Text += "\na line stops at the share of conversations answered"
	}
	// Top left: the curves reach the top only at long times, on the right.
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.Legend.Padding = vg.Points(2)
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(6), -vg.Points(6)
	return p, nil
}

// durationTicks labels a logarithmic time axis in seconds at round durations.
type durationTicks struct{}

var roundDurations = []struct {
	s     float64
	label string
}{
	{1, "1 s"}, {10, "10 s"}, {60, "1 min"}, {600, "10 min"}, {3600, "1 h"},
	{4 * 3600, "4 h"}, {86400, "1 d"}, {3 * 86400, "3 d"}, {7 * 86400, "1 wk"}, {30 * 86400, "30 d"},
}

func (durationTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	for _, d := range roundDurations {
		if d.s >= min && d.s <= max {
			ts = append(ts, plot.Tick{Value: d.s, Label: d.label})
		}
	}
	if len(ts) < 2 { // a narrow range: fall back to plain seconds
		return plot.LogTicks{Prec: -1}.Ticks(min, max)
	}
	return ts
}

// PlotSpendByCategory draws mean spend per sweep point as stacked bars: staffing at
// the bottom, then each messaging category that any point paid for.
func PlotSpendByCategory(s stats.Summary, opt PlotOptions) (*plot.Plot, error) {
	yLabel := opt.spendAxis(s.Currency)
	p := plot.New()
	p.Title.Text = "Spend by category: " + s.Scenario
	if n := len(s.Points); n > 0 && s.Points[0].Replications > 1 {
		p.Title.Text += fmt.Sprintf("\nmeans of %d replications", s.Points[0].Replications)
	}
	p.Title.TextStyle.Font.Size = vg.Points(14)
	p.Title.Padding = vg.Points(8)
	p.Y.Label.Text = yLabel
	p.Y.Tick.Marker = moneyTicks{}
	p.Add(plotter.NewGrid())
	if len(s.Points) == 0 {
		return p, nil
	}
	type layer struct {
		name string
		vals plotter.Values
	}
	var layers []layer
	cur := func(m int64) float64 { return float64(m) / 1e6 } // drawing only
	staff := make(plotter.Values, len(s.Points))
	anyStaff := false
	for i, pt := range s.Points {
		staff[i] = cur(pt.StaffingMicros)
		anyStaff = anyStaff || pt.StaffingMicros != 0
	}
	if anyStaff {
		layers = append(layers, layer{"staffing", staff})
	}
	for _, c := range pricing.Categories() {
		vals := make(plotter.Values, len(s.Points))
		some := false
		for i, pt := range s.Points {
			m := pt.AmountMicrosByCategory[c.String()]
			vals[i] = cur(m)
			some = some || m != 0
		}
		if some {
			layers = append(layers, layer{"messaging: " + c.String(), vals})
		}
	}
	names := make([]string, len(s.Points))
	longest := 0
	for i, pt := range s.Points {
		names[i] = pt.Label
		longest = max(longest, len(pt.Label))
	}
	width := vg.Length(math.Min(40, 360/float64(len(s.Points))))
	var below *plotter.BarChart
	top := 0.0
	for k, l := range layers {
		b, err := plotter.NewBarChart(l.vals, vg.Points(float64(width)))
		if err != nil {
			return nil, fmt.Errorf("reports: category plot: %w", err)
		}
		b.Color = palette[k%len(palette)]
		b.LineStyle.Width = vg.Points(0.5)
		b.LineStyle.Color = color.White
		if below != nil {
			b.StackOn(below)
		}
		below = b
		p.Add(b)
		p.Legend.Add(l.name, b)
	}
	maxMsg := 0.0
	for i, pt := range s.Points {
		sum := 0.0
		for _, l := range layers {
			sum += l.vals[i]
		}
		top = math.Max(top, sum)
		if sum > 0 {
			maxMsg = math.Max(maxMsg, cur(pt.TotalMicros)/sum)
		}
	}
	switch {
	case anyStaff && maxMsg == 0:
		p.Title.Text += "\nno WhatsApp message was charged: every reply was free"
	case anyStaff && maxMsg < 0.05:
		// Say why the bill is hard to see rather than leave a reader hunting for it.
		p.Title.Text += fmt.Sprintf("\nthe WhatsApp bill is at most %.1f%% of a point's total; see the table for its amounts", 100*maxMsg)
	}
	if len(layers) == 0 {
		p.Legend.Add("nothing was spent")
	}
	if k := (len(names) + 15) / 16; k > 1 {
		// More than 16 labels overlap even slanted: label every k-th bar.
		for i := range names {
			if i%k != 0 {
				names[i] = ""
			}
		}
	}
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.7, float64(len(names)-1)+0.7
	if longest*len(names) > 90 { // would crowd the axis: slant the labels
		p.X.Tick.Label.Rotation = math.Pi / 6
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YTop
	}
	p.Y.Min = 0
	p.Y.Max = math.Max(top, 1) * (1.12 + 0.06*float64(len(layers)))
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.Legend.Padding = vg.Points(3)
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(6), -vg.Points(6)
	return p, nil
}
