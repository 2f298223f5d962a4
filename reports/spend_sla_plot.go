package reports

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/spendsim/spendsim/internal/stats"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// sweepXY is one sweep point as drawn: x in the chosen time unit, y in currency units.
type sweepXY struct {
	point             int
	label             string
	x, xLo, xHi       float64
	msg, msgLo, msgHi float64
	all, allLo, allHi float64 // messaging + staffing
	ci                bool
}

// PlotSpendVsSLA draws spend against the p90 first-response time, one point per sweep
// point: a "messaging" series and, when any point pays for staff, "messaging +
// staffing". With more than one replication the 95% intervals are drawn as error bars
// on both axes. With an SLA target, the cheapest point meeting it is ringed in green
// and those undecided on it (summary.json's points_undecided) in dashed orange. Points
// whose p90 is unknown (no conversations) are left out, and so are those whose p90
// falls among the conversations never answered: the legend names them.
func PlotSpendVsSLA(s stats.Summary, opt PlotOptions) (*plot.Plot, error) {
	yLabel := opt.spendAxis(s.Currency)
	var maxS float64
	for _, pt := range s.Points {
		if v := float64(pt.SLA.FirstResponseP90S.Mean); !math.IsNaN(v) && !math.IsInf(v, 0) && v > maxS {
			maxS = v
		}
	}
	div, unit := timeUnit(maxS)

	var pts []sweepXY
	var notAnswered []string // points whose p90 falls among the conversations never answered
	staffed := false
	for _, pt := range s.Points {
		x := float64(pt.SLA.FirstResponseP90S.Mean)
		if math.IsInf(x, 1) {
			notAnswered = append(notAnswered, pt.Label)
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		// Drawing only: the exact amounts are in summary.json.
		cur := func(m int64) float64 { return float64(m) / 1e6 }
		q := sweepXY{point: pt.Point, label: pt.Label, x: x / div, msg: cur(pt.TotalMicros), all: cur(pt.TotalWithStaffingMicros)}
		q.xLo, q.xHi, q.msgLo, q.msgHi, q.allLo, q.allHi = q.x, q.x, q.msg, q.msg, q.all, q.all
		if ci := pt.SLA.FirstResponseP90S.CI95; ci != nil && pt.TotalCI95 != nil && pt.TotalWithStaffingCI95 != nil {
			q.ci = true
			q.xLo, q.xHi = float64(ci.Low)/div, float64(ci.High)/div
			q.msgLo, q.msgHi = cur(pt.TotalCI95.LowMicros), cur(pt.TotalCI95.HighMicros)
			q.allLo, q.allHi = cur(pt.TotalWithStaffingCI95.LowMicros), cur(pt.TotalWithStaffingCI95.HighMicros)
		}
		if pt.StaffingMicros != 0 {
			staffed = true
		}
		pts = append(pts, q)
	}
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].x < pts[j].x })

	p := plot.New()
	p.Title.Text = "Spend vs. response time: " + s.Scenario
	p.Title.TextStyle.Font.Size = vg.Points(14)
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = "p90 first-response time (" + unit + ")"
	p.Y.Label.Text = yLabel
	p.X.Tick.Marker = niceTicks{}
	p.Y.Tick.Marker = moneyTicks{}
	p.Add(plotter.NewGrid())

	type series struct {
		name  string
		color color.Color
		y     func(sweepXY) (y, lo, hi float64)
	}
	all := []series{{"messaging", messagingColor, func(q sweepXY) (float64, float64, float64) { return q.msg, q.msgLo, q.msgHi }}}
	if staffed {
		all = append(all, series{"messaging + staffing", staffingColor, func(q sweepXY) (float64, float64, float64) { return q.all, q.allLo, q.allHi }})
	}

	var obstacles []plotter.XYs
	var labelled plotter.XYs
	for si, se := range all {
		xys := make(plotter.XYs, len(pts))
		eb := errorPoints{XYs: xys, xerr: make(plotter.Errors, len(pts)), yerr: make(plotter.Errors, len(pts))}
		anyCI := false
		for i, q := range pts {
			y, lo, hi := se.y(q)
			xys[i] = plotter.XY{X: q.x, Y: y}
			eb.xerr[i] = struct{ Low, High float64 }{q.x - q.xLo, q.xHi - q.x}
			eb.yerr[i] = struct{ Low, High float64 }{y - lo, hi - y}
			anyCI = anyCI || q.ci
		}
		if len(xys) > 0 {
			// The line joins only the efficient points (none both faster and cheaper),
			// sorted by response time: joining every point in x order would draw a
			// zig-zag that reads as a trade-off curve it is not.
			var frontier plotter.XYs
			for _, xy := range xys {
				if len(frontier) == 0 || xy.Y < frontier[len(frontier)-1].Y {
					frontier = append(frontier, xy)
				}
			}
			line, err := plotter.NewLine(frontier)
			if err != nil {
				return nil, fmt.Errorf("reports: plot: %w", err)
			}
			scatter, err := plotter.NewScatter(xys)
			if err != nil {
				return nil, fmt.Errorf("reports: plot: %w", err)
			}
			line.Color, line.Width = se.color, vg.Points(1.5)
			scatter.Color = se.color
			scatter.Shape = draw.CircleGlyph{}
			scatter.Radius = vg.Points(3.5)
			if si == 1 {
				scatter.Shape = draw.BoxGlyph{}
				line.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
			}
			p.Add(line, scatter)
			p.Legend.Add(se.name, line, scatter)
			if anyCI {
				xb, err := plotter.NewXErrorBars(eb)
				if err != nil {
					return nil, fmt.Errorf("reports: plot: %w", err)
				}
				yb, err := plotter.NewYErrorBars(eb)
				if err != nil {
					return nil, fmt.Errorf("reports: plot: %w", err)
				}
				xb.Color, yb.Color = se.color, se.color
				p.Add(xb, yb)
			}
		} else {
			p.Legend.Add(se.name)
		}
		obstacles = append(obstacles, xys)
		// Label the top series only: both series share each point's x, so one label
		// per sweep point is enough and stays clear of the lower markers.
		labelled = xys
	}
	names := make([]string, len(all))
	for i, se := range all {
		names[i] = se.name
	}
	// Ring the cheapest point (lowest messaging + staffing) on the top series: it is
	// the answer most readers look for.
	var rings plotter.XYs
	for i, q := range pts {
		if s.Cheapest == nil || q.point != s.Cheapest.Point {
			continue
		}
		ring, err := plotter.NewScatter(plotter.XYs{labelled[i]})
		if err != nil {
			return nil, fmt.Errorf("reports: plot: %w", err)
		}
		ring.Shape = draw.RingGlyph{}
		ring.Radius = ringRadius
		ring.Color = color.Gray{Y: 0x30}
		p.Add(ring)
		// The legend's swatch is smaller: at full size it spills over the text.
		swatch := *ring
		swatch.Radius = vg.Points(5)
		name := "cheapest"
		if staffed {
			name = "cheapest in total"
		}
		p.Legend.Add(name, &swatch)
		names = append(names, name)
		obstacles = append(obstacles, plotter.XYs{labelled[i]})
		rings = append(rings, labelled[i])
	}
	// The SLA target: the cheapest point meeting it gets a green ring outside the grey
	// one, the points it leaves undecided a dashed orange one, a p90 target (the x
	// axis) is a dashed line, and when no point meets it the legend says so.
	ringR := ringRadius
	var target *vLine
	if v := s.SLA; v != nil {
		name := "cheapest meeting " + slaText(v.SLA)
		for i, q := range pts {
			if v.Cheapest == nil || q.point != v.Cheapest.Point {
				continue
			}
			ringR = ringRadius + 4
			ring, err := plotter.NewScatter(plotter.XYs{labelled[i]})
			if err != nil {
				return nil, fmt.Errorf("reports: plot: %w", err)
			}
			ring.Shape = thickRing{width: vg.Points(2)}
			ring.Radius = ringR
			ring.Color = feasibleColor
			p.Add(ring)
			swatch := *ring
			swatch.Radius = vg.Points(5)
			p.Legend.Add(name, &swatch)
			names = append(names, name)
			if !slices.Contains(rings, labelled[i]) {
				obstacles = append(obstacles, plotter.XYs{labelled[i]})
				rings = append(rings, labelled[i])
			}
		}
		if v.Cheapest == nil {
			none := "no point meets " + slaText(v.SLA)
			p.Legend.Add(none)
			names = append(names, none)
		}
		// An undecided point (its interval reaches both sides of the target) gets a
		// dashed orange ring, optimize's colour for such a plan.
		var open plotter.XYs
		for i, q := range pts {
			if s.UndecidedSLA(q.point) {
				open = append(open, labelled[i])
			}
		}
		if len(open) > 0 {
			ringR = ringRadius + 4
			ring, err := plotter.NewScatter(open)
			if err != nil {
				return nil, fmt.Errorf("reports: plot: %w", err)
			}
			ring.Shape = thickRing{width: vg.Points(2), dashes: []vg.Length{vg.Points(3), vg.Points(2)}}
			ring.Radius = ringR
			ring.Color = undecidedColor
			p.Add(ring)
			swatch := *ring
			swatch.Radius = vg.Points(5)
			swatch.Shape = thickRing{width: vg.Points(2), dashes: []vg.Length{vg.Points(2), vg.Points(1.5)}}
			name := undecidedLegend(v.SLA)
			p.Legend.Add(name, &swatch)
			names = append(names, name)
			for _, xy := range open {
				if !slices.Contains(rings, xy) {
					obstacles = append(obstacles, plotter.XYs{xy})
					rings = append(rings, xy)
				}
			}
		}
		if v.Metric == "p90" {
			maxX := 0.0
			for _, q := range pts {
				maxX = math.Max(maxX, q.xHi)
			}
			lim := v.Limit / div
			tname := "target " + slaText(v.SLA)
			// A target far beyond the points would squash them against the left
			// edge: then it is named in the legend, not drawn.
			if len(pts) == 0 || lim <= 3*maxX {
				target = &vLine{x: lim}
				target.LineStyle = draw.LineStyle{Color: feasibleColor, Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(6), vg.Points(4)}}
				p.Add(target)
				p.Legend.Add(tname, target)
			} else {
				tname += " (beyond the axis)"
				p.Legend.Add(tname)
			}
			names = append(names, tname)
		}
	}
	if n := len(notAnswered); n > 0 {
		// They have no place on a time axis: the legend names them.
		text := "p90 not answered (left out): " + strings.Join(notAnswered, "; ")
		if n > 3 {
			text = fmt.Sprintf("p90 not answered (left out): %d points", n)
		}
		p.Legend.Add(text)
		names = append(names, text)
	}
	var labels *placedLabels
	if len(pts) > 0 {
		texts := make([]string, len(pts))
		for i, q := range pts {
			texts[i] = q.label
		}
		labels = &placedLabels{xys: labelled, labels: texts, obstacles: obstacles, rings: rings, ringR: ringR,
			style: labelStyle(), legend: &p.Legend, legendNames: names}
		p.Add(labels)
	}
	if n := len(s.Points); n > 0 {
		reps := s.Points[0].Replications
		switch {
		case len(pts) > 0 && pts[0].ci:
			p.Title.Text += fmt.Sprintf("\nmeans of %d replications; bars: 95%% confidence intervals", reps)
		case reps > 1:
			p.Title.Text += fmt.Sprintf("\nmeans of %d replications", reps)
		}
	}

	p.Legend.TextStyle.Font.Size = vg.Points(10)
	p.Legend.Padding = vg.Points(2)
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(6), -vg.Points(6)
	fitAxes(p, pts, staffed, len(names))
	if target != nil && labels != nil {
		// Labels keep off the target line too.
		labels.obstacles = append(labels.obstacles, plotter.XYs{{X: target.x, Y: p.Y.Min}, {X: target.x, Y: p.Y.Max}})
	}
	return p, nil
}

// vLine is a vertical line across the whole data area at x; it widens the x range to
// include x and leaves the y range alone. It draws as its own legend thumbnail.
type vLine struct {
	x float64
	draw.LineStyle
}

func (l *vLine) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x := trX(l.x)
	c.StrokeLine2(l.LineStyle, x, c.Min.Y, x, c.Max.Y)
}

func (l *vLine) DataRange() (xmin, xmax, ymin, ymax float64) {
	return l.x, l.x, math.Inf(1), math.Inf(-1)
}

func (l *vLine) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(l.LineStyle, c.Min.X, y, c.Max.X, y)
}

// undecidedLegend is the plot's legend entry for the points undecided on t.
func undecidedLegend(t stats.SLA) string {
	return "undecided (95% interval crosses " + slaText(t) + ")"
}

// thickRing is draw.RingGlyph with a heavier line, so a second ring around a ringed
// point stands out; dashed, it marks a verdict its replications leave open.
type thickRing struct {
	width  vg.Length
	dashes []vg.Length
}

func (g thickRing) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: g.width, Dashes: g.dashes})
	var p vg.Path
	p.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
	p.Arc(pt, sty.Radius, 0, 2*math.Pi)
	p.Close()
	c.Stroke(p)
}

// fitAxes starts the spend axis at zero when the data is not far from it (an honest
// picture of money) and adds headroom at the top, then puts the legend in the top
// corner with fewer points, so it hides none.
func fitAxes(p *plot.Plot, pts []sweepXY, staffed bool, legendEntries int) {
	if len(pts) == 0 {
		// Nothing to draw (no sweep point had a first response): empty axes rather
		// than ranges of ±Inf.
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
		return
	}
	if p.Y.Min > 0 && p.Y.Min < 0.5*p.Y.Max {
		p.Y.Min = 0
	}
	// A little air on both sides of the outermost points, so their markers and bars
	// do not sit on the frame. Response times are never negative: start at zero when
	// the air would cross it or zero is near anyway.
	if xs := p.X.Max - p.X.Min; xs > 0 {
		p.X.Min -= 0.03 * xs
		p.X.Max += 0.03 * xs
	}
	if p.X.Min < 0.25*p.X.Max {
		p.X.Min = 0
	}
	span := p.Y.Max - p.Y.Min
	if span <= 0 {
		span = math.Max(1, math.Abs(p.Y.Max))
	}
	p.Y.Max += (0.1 + 0.06*float64(legendEntries)) * span // room for the legend

	xspan := p.X.Max - p.X.Min
	if xspan <= 0 {
		xspan = 1
	}
	var left, right int
	for _, q := range pts {
		ys := []float64{q.msg}
		if staffed {
			ys = append(ys, q.all)
		}
		for _, y := range ys {
			if (y-p.Y.Min)/(p.Y.Max-p.Y.Min) < 0.6 {
				continue
			}
			switch nx := (q.x - p.X.Min) / xspan; {
			case nx < 0.45:
				left++
			case nx > 0.55:
				right++
			}
		}
	}
	p.Legend.Top = true
	p.Legend.Left = left < right
	if p.Legend.Left {
		p.Legend.XOffs = -p.Legend.XOffs
	}
}

// errorPoints feeds plotter's error bars: offsets below and above each point.
type errorPoints struct {
	plotter.XYs
	xerr, yerr plotter.Errors
}

func (e errorPoints) XError(i int) (float64, float64) { return e.xerr[i].Low, e.xerr[i].High }
func (e errorPoints) YError(i int) (float64, float64) { return e.yerr[i].Low, e.yerr[i].High }
