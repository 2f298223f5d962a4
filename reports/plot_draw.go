package reports

import (
	"image/color"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/spendsim/spendsim/model/money"
)

// The pieces the plots are drawn with: reference lines, rings, error bars, ticks, and
// labels placed where they collide least.

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

// thickRing is draw.RingGlyph with a heavier line, so a second ring around a ringed
// point stands out.
type thickRing struct{ width vg.Length }

func (g thickRing) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: g.width})
	var p vg.Path
	p.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
	p.Arc(pt, sty.Radius, 0, 2*math.Pi)
	p.Close()
	c.Stroke(p)
}

func labelStyle() text.Style {
	return text.Style{
		Color:   color.Gray{Y: 0x20},
		Font:    font.From(plot.DefaultFont, vg.Points(9)),
		Handler: plot.DefaultTextHandler,
	}
}

// errorPoints feeds plotter's error bars: offsets below and above each point.
type errorPoints struct {
	plotter.XYs
	xerr, yerr plotter.Errors
}

func (e errorPoints) XError(i int) (float64, float64) { return e.xerr[i].Low, e.xerr[i].High }

func (e errorPoints) YError(i int) (float64, float64) { return e.yerr[i].Low, e.yerr[i].High }

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

func formatTick(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if decimals == 0 && math.Abs(v) >= 1000 {
		return money.GroupThousands(s)
	}
	return s
}

// placedLabels draws one label per point where it collides least with the markers,
// the other labels and the legend: beside, above or below the point, in that order of
// preference.
type placedLabels struct {
	xys    plotter.XYs
	labels []string
	// obstacles are the drawn series: their markers and the segments joining them.
	obstacles []plotter.XYs
	rings     plotter.XYs // points circled with a ring
	// ringR is the radius of the widest ring around a point of rings; zero means
	// ringRadius.
	ringR  vg.Length
	style  text.Style
	legend *plot.Legend
	// legendNames repeats the legend's entries, which plot.Legend keeps private.
	legendNames []string
}

const (
	labelGap   = vg.Length(5)
	ringRadius = vg.Length(8)
)

func (l *placedLabels) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	rr := l.ringR
	if rr == 0 {
		rr = ringRadius
	}
	var taken []vg.Rectangle
	box := func(pt vg.Point, r vg.Length) vg.Rectangle {
		return vg.Rectangle{Min: pt.Sub(vg.Point{X: r, Y: r}), Max: pt.Add(vg.Point{X: r, Y: r})}
	}
	for _, series := range l.obstacles {
		for i, o := range series {
			pt := vg.Point{X: trX(o.X), Y: trY(o.Y)}
			taken = append(taken, box(pt, vg.Points(5)))
			if i == 0 {
				continue
			}
			// Sample the segment from the previous point every few points.
			prev := vg.Point{X: trX(series[i-1].X), Y: trY(series[i-1].Y)}
			d := pt.Sub(prev)
			n := int(math.Hypot(float64(d.X), float64(d.Y))/4) + 1
			for k := 1; k < n; k++ {
				f := vg.Length(float64(k) / float64(n))
				taken = append(taken, box(prev.Add(vg.Point{X: d.X * f, Y: d.Y * f}), vg.Points(1.5)))
			}
		}
	}
	for _, o := range l.rings {
		taken = append(taken, box(vg.Point{X: trX(o.X), Y: trY(o.Y)}, rr+1))
	}
	if l.legend != nil {
		taken = append(taken, legendBox(l.legend, l.legendNames, c))
	}
	for i, label := range l.labels {
		pt := vg.Point{X: trX(l.xys[i].X), Y: trY(l.xys[i].Y)}
		r := l.style.Rectangle(label) // relative to the text origin
		w, h := r.Max.X-r.Min.X, r.Max.Y-r.Min.Y
		gap := labelGap
		if slices.Contains(l.rings, l.xys[i]) {
			gap = rr + 2 // clear of the ring, not just the marker
		}
		// Lower-left corners of the candidate boxes.
		cands := []vg.Point{
			{X: pt.X + gap, Y: pt.Y + gap/2},     // right, above
			{X: pt.X + gap, Y: pt.Y - gap/2 - h}, // right, below
			{X: pt.X - gap - w, Y: pt.Y + gap/2}, // left, above
			{X: pt.X - gap - w, Y: pt.Y - gap/2 - h},
			{X: pt.X - w/2, Y: pt.Y + gap},     // above
			{X: pt.X - w/2, Y: pt.Y - gap - h}, // below
			{X: pt.X + gap, Y: pt.Y - h/2},     // right
			{X: pt.X - gap - w, Y: pt.Y - h/2}, // left
		}
		best, bestCost := vg.Rectangle{}, math.Inf(1)
		for _, ll := range cands {
			box := vg.Rectangle{Min: ll, Max: ll.Add(vg.Point{X: w, Y: h})}
			cost := 0.0
			for _, t := range taken {
				cost += overlap(box, t)
			}
			// Leaving the data area costs more than touching a marker.
			cost += 4 * (float64(w*h) - overlap(box, c.Rectangle))
			if cost < bestCost {
				best, bestCost = box, cost
			}
		}
		taken = append(taken, best)
		c.FillText(l.style, best.Min.Sub(r.Min), label)
	}
}

// GlyphBoxes reserve a label's height above and below each labelled point, so a label
// fits over the top point or under the bottom one. Sideways only the gap is reserved:
// reserving a label's width would push the axes far in, and Plot turns labels at the
// edges inwards instead.
func (l *placedLabels) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	bs := make([]plot.GlyphBox, len(l.labels))
	for i, label := range l.labels {
		r := l.style.Rectangle(label)
		h := r.Max.Y - r.Min.Y + labelGap
		bs[i] = plot.GlyphBox{
			X: p.X.Norm(l.xys[i].X), Y: p.Y.Norm(l.xys[i].Y),
			Rectangle: vg.Rectangle{Min: vg.Point{X: -labelGap, Y: -h}, Max: vg.Point{X: labelGap, Y: h}},
		}
	}
	return bs
}

// legendBox approximates where plot.Legend.Draw will put the legend inside the data
// canvas c (the legend is drawn in the slightly larger unpadded area, so this errs on
// the inside).
func legendBox(l *plot.Legend, names []string, c draw.Canvas) vg.Rectangle {
	var width, height vg.Length
	for _, name := range names {
		r := l.TextStyle.Rectangle(" " + name)
		width = max(width, l.ThumbnailWidth+r.Max.X)
		height += r.Max.Y + l.Padding
	}
	var b vg.Rectangle
	if l.Left {
		b.Min.X, b.Max.X = c.Min.X+l.XOffs, c.Min.X+l.XOffs+width
	} else {
		b.Min.X, b.Max.X = c.Max.X+l.XOffs-width, c.Max.X+l.XOffs
	}
	b.Max.Y = c.Max.Y + l.YOffs
	b.Min.Y = b.Max.Y - height
	return b
}

func overlap(a, b vg.Rectangle) float64 {
	w := math.Min(float64(a.Max.X), float64(b.Max.X)) - math.Max(float64(a.Min.X), float64(b.Min.X))
	h := math.Min(float64(a.Max.Y), float64(b.Max.Y)) - math.Max(float64(a.Min.Y), float64(b.Min.Y))
	if w <= 0 || h <= 0 {
		return 0
	}
	return w * h
}
