package reports

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/spendsim/spendsim/internal/optimize"
)

// Files of an optimize search.
const (
	OptimizeFile     = "optimize.json"     // the search: every plan evaluated (optimize.Result)
	OptimizeFrontier = "optimize_frontier" // the plot's base (.png and .svg)
)

// WriteOptimization writes optimize.json, the frontier plot and manifest.json (m: the
// scenario and the command line), and commits them as the folder's set.
func (o *Output) WriteOptimization(r *optimize.Result, m *Manifest) error {
	if err := WriteJSON(o.Path(OptimizeFile), r); err != nil {
		return err
	}
	pts := make([]OptimizePoint, len(r.Evaluated))
	for i, p := range r.Evaluated {
		pts[i] = OptimizePoint{Label: p.Label, TotalMicros: p.TotalWithStaffingMicros, Value: p.Value, Feasible: p.Feasible, Undecided: p.Undecided, Best: p.Best}
	}
	pl, err := PlotOptimize(r.Scenario, r.Currency, r.SLA.Metric, r.SLA.Limit, pts)
	if err != nil {
		return err
	}
	if err := WritePlot(o.staging(), OptimizeFrontier, pl); err != nil {
		return err
	}
	return o.Commit(m)
}

// OptimizePoint is one staffing plan the optimiser evaluated.
type OptimizePoint struct {
	Label       string
	TotalMicros int64   // messaging + staffing, mean over replications
	Value       float64 // the SLA figure: seconds, or a share for in_window and answered
	Feasible    bool
	Undecided   bool // its 95% interval reaches both sides of the target
	Best        bool
}

var (
	feasibleColor   = color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}
	infeasibleColor = color.Gray{Y: 0xa0}
	undecidedColor  = color.RGBA{R: 0xe6, G: 0x9f, B: 0x00, A: 0xff}
)

// PlotOptimize draws every evaluated plan's total cost against its SLA figure, plans
// meeting the SLA in green, those whose 95% interval reaches both sides of the target
// (undecided: counted as missing it) orange, the others grey, the target as a dashed line and the best
// plan ringed and labelled. metric is p50, p90, p99 (limit in seconds), in_window or
// answered (limit a share, drawn as a percentage).
func PlotOptimize(scenario, currency, metric string, limit float64, pts []OptimizePoint) (*plot.Plot, error) {
	div, unit, scale := 1.0, "", 1.0
	switch metric {
	case "in_window":
		unit, scale = "% of conversations first answered in the window", 100
	case "answered":
		unit, scale = "% of conversations answered", 100
	default:
		maxS := limit
		for _, q := range pts {
			if !math.IsNaN(q.Value) && !math.IsInf(q.Value, 0) {
				maxS = math.Max(maxS, q.Value)
			}
		}
		var name string
		div, name = timeUnit(maxS)
		unit = metric + " first-response time (" + name + ")"
	}
	x := func(v float64) float64 { return v / div * scale }
	p := plot.New()
	p.Title.Text = "Staffing plans evaluated: " + scenario + "\ntotal cost against the SLA; ringed: the cheapest meeting it"
	p.Title.TextStyle.Font.Size = vg.Points(14)
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = unit
	p.Y.Label.Text = fmt.Sprintf("messaging + staffing per run (%s)", currency)
	p.X.Tick.Marker = niceTicks{}
	p.Y.Tick.Marker = moneyTicks{}
	p.Add(plotter.NewGrid())
	var ok, no, open, best plotter.XYs
	var bestLabel string
	for _, q := range pts {
		if math.IsNaN(q.Value) || math.IsInf(q.Value, 0) {
			continue // no first response at all: nowhere to draw it
		}
		xy := plotter.XY{X: x(q.Value), Y: float64(q.TotalMicros) / 1e6} // drawing only
		switch {
		case q.Feasible:
			ok = append(ok, xy)
		case q.Undecided:
			open = append(open, xy)
		default:
			no = append(no, xy)
		}
		if q.Best {
			best, bestLabel = plotter.XYs{xy}, q.Label
		}
	}
	for _, s := range []struct {
		xys   plotter.XYs
		name  string
		color color.Color
	}{{no, "misses the SLA", infeasibleColor}, {open, "undecided (95% interval crosses it)", undecidedColor}, {ok, "meets the SLA", feasibleColor}} {
		if len(s.xys) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(s.xys)
		if err != nil {
			return nil, fmt.Errorf("reports: optimize plot: %w", err)
		}
		sc.Color, sc.Shape, sc.Radius = s.color, draw.CircleGlyph{}, vg.Points(3.5)
		p.Add(sc)
		p.Legend.Add(s.name, sc)
	}
	names := []string{"misses the SLA", "undecided (95% interval crosses it)", "meets the SLA", "target"}
	lim := x(limit)
	if len(ok)+len(no)+len(open) > 0 {
		ys := append(append(append(plotter.XYs{}, ok...), no...), open...)
		lo, hi := ys[0].Y, ys[0].Y
		for _, xy := range ys {
			lo, hi = math.Min(lo, xy.Y), math.Max(hi, xy.Y)
		}
		if lo > 0 && lo < 0.5*hi {
			lo = 0
		}
		span := math.Max(hi-lo, math.Max(1, hi)*0.1)
		p.Y.Min, p.Y.Max = lo-0.05*span, hi+0.3*span
		target, err := plotter.NewLine(plotter.XYs{{X: lim, Y: p.Y.Min}, {X: lim, Y: p.Y.Max}})
		if err != nil {
			return nil, fmt.Errorf("reports: optimize plot: %w", err)
		}
		target.Color, target.Width = color.Gray{Y: 0x40}, vg.Points(1)
		target.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(target)
		p.Legend.Add("target", target)
	}
	if best != nil {
		ring, err := plotter.NewScatter(best)
		if err != nil {
			return nil, fmt.Errorf("reports: optimize plot: %w", err)
		}
		ring.Shape, ring.Radius, ring.Color = draw.RingGlyph{}, ringRadius, color.Gray{Y: 0x30}
		p.Add(ring)
		obstacles := []plotter.XYs{ok, no, open}
		p.Add(&placedLabels{xys: best, labels: []string{bestLabel}, obstacles: obstacles, rings: best,
			style: labelStyle(), legend: &p.Legend, legendNames: names})
	}
	p.X.Min = math.Min(p.X.Min, lim)
	p.X.Max = math.Max(p.X.Max, lim)
	if metric != "in_window" && p.X.Min > 0 && p.X.Max > 10*p.X.Min {
		// Times spread over decades (minutes with night cover, hours without): a log
		// axis keeps the plans near the target apart.
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
		p.X.Label.Text += ", log scale"
		p.X.Min, p.X.Max = p.X.Min/1.3, p.X.Max*1.3
	} else {
		if xs := p.X.Max - p.X.Min; xs > 0 {
			p.X.Min, p.X.Max = p.X.Min-0.05*xs, p.X.Max+0.05*xs
		}
		if p.X.Min < 0.25*p.X.Max && p.X.Min >= -0.1*p.X.Max {
			p.X.Min = 0
		}
	}
	// Plans meeting the SLA sit high on the side of the target: short times (left)
	// or high shares (right). The legend goes in the other top corner.
	p.Legend.Top, p.Legend.Left = true, metric == "in_window"
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(6), -vg.Points(6)
	if p.Legend.Left {
		p.Legend.XOffs = vg.Points(6)
	}
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	return p, nil
}
