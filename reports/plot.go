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

// PlotOptions says how to label a plot.
type PlotOptions struct {
	// HorizonDays is the length of one run's horizon in days. Spend is drawn per run,
	// as the tables and summary.json give it, and the axis names the horizon; zero:
	// unknown, the axis says per run only.
	HorizonDays float64
	// Drain: the runs went on past the horizon answering its conversations, and the
	// spend holds those days too; the axis says "+ drain".
	Drain bool
}

// spendAxis is the y-axis wording of a plot of spend per run: the same figures as the
// run table, never rescaled to another period.
func (o PlotOptions) spendAxis(currency string) string {
	drain := ""
	if o.Drain {
		drain = " + drain"
	}
	if d := o.HorizonDays; d > 0 {
		return fmt.Sprintf("spend per run (%s, %s days%s)", currency, strconv.FormatFloat(d, 'g', 4, 64), drain)
	}
	if o.Drain {
		return fmt.Sprintf("spend per run (%s, horizon + drain)", currency)
	}
	return fmt.Sprintf("spend per run (%s)", currency)
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
