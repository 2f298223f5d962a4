package reports

import (
	"bytes"
	"fmt"
	"image/color"
	"path/filepath"
	"strconv"

	"github.com/spendsim/spendsim/internal/safefile"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// PlotOptions says how to scale a plot.
type PlotOptions struct {
	// HorizonDays is the length of one run in days. Spend is drawn per month: runs of
	// 28 to 31 days are drawn as they are, other lengths are scaled to an average month
	// of 30.4375 days (and the axis says so). Zero: unknown, spend is drawn per run.
	HorizonDays float64
}

const avgMonthDays = 365.25 / 12

// monthFactor is what a run's spend is multiplied by to draw it per month, and the
// y-axis wording that goes with it.
func (o PlotOptions) monthFactor(currency string) (float64, string) {
	switch d := o.HorizonDays; {
	case d <= 0:
		return 1, fmt.Sprintf("spend per run (%s)", currency)
	case d >= 28 && d <= 31:
		return 1, fmt.Sprintf("spend per month (%s)", currency)
	default:
		return avgMonthDays / d, fmt.Sprintf("spend per month (%s, scaled from %s-day runs)",
			currency, strconv.FormatFloat(d, 'g', 4, 64))
	}
}

// timeUnit picks the unit that keeps response-time ticks short: seconds under two
// minutes, minutes under two hours, hours above.
func timeUnit(maxS float64) (div float64, name string) {
	switch {
	case maxS < 120:
		return 1, "seconds"
	case maxS < 2*3600:
		return 60, "minutes"
	default:
		return 3600, "hours"
	}
}

var (
	messagingColor = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff} // blue
	staffingColor  = color.RGBA{R: 0xd6, G: 0x5f, B: 0x0e, A: 0xff} // orange
)

// Plot size: 8 × 5 inches; PNG at 150 dpi (1200 × 750 pixels).
const (
	plotWidth  = 8 * vg.Inch
	plotHeight = 5 * vg.Inch
	plotDPI    = 150
)

// drawWithMargin draws p inset from the canvas edges: gonum/plot draws right up to
// them, and markers, error bars and the last tick label would touch the border.
func drawWithMargin(p *plot.Plot, c vg.CanvasSizer) {
	m := vg.Points(10)
	dc := draw.New(c)
	// The plot paints its background only inside the inset; paint the margin too, or
	// the SVG has a transparent frame.
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	p.Draw(draw.Crop(dc, m/2, -m*2, m/2, -m/2))
}

// RenderPNG draws p as a PNG.
func RenderPNG(p *plot.Plot) ([]byte, error) {
	c := vgimg.NewWith(vgimg.UseWH(plotWidth, plotHeight), vgimg.UseDPI(plotDPI))
	drawWithMargin(p, c)
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// RenderSVG draws p as an SVG.
func RenderSVG(p *plot.Plot) ([]byte, error) {
	c := vgsvg.New(plotWidth, plotHeight)
	drawWithMargin(p, c)
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WritePlot writes p as <base>.png and <base>.svg in dir, each atomically.
func WritePlot(dir, base string, p *plot.Plot) error {
	png, err := RenderPNG(p)
	if err != nil {
		return fmt.Errorf("reports: %s.png: %w", base, err)
	}
	svg, err := RenderSVG(p)
	if err != nil {
		return fmt.Errorf("reports: %s.svg: %w", base, err)
	}
	if err := safefile.WriteFile(filepath.Join(dir, base+".png"), png); err != nil {
		return err
	}
	return safefile.WriteFile(filepath.Join(dir, base+".svg"), svg)
}
