package reports

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/sim"
)

// OutboundByDay is the file base (.png and .svg) of the blocks and reach lost per day.
const OutboundByDay = "outbound_by_day"

// PlotOutboundByDay draws one run's business-initiated side day by day: the
// customers who blocked the business (bars) and the templates that never reached a
// customer who had (line). Nil when the run sent no template that could be blocked
// or lost, so scenarios without notifications, campaigns or blocking get no such plot.
// Every sweep point sees the same customers and templates (common random numbers), so
// the first run stands for all of them; the title names it. Days after the horizon (the
// drain, answering the conversations that arrived inside it) follow a dashed line that
// marks the horizon's end.
func PlotOutboundByDay(scenario, runID string, days []sim.DayRow) (*plot.Plot, error) {
	var blocks, lost plotter.XYs
	some := false
	horizon := 0 // the run's days inside the horizon; those after it are its drain
	for _, d := range days {
		if d.RunID != runID {
			continue
		}
		if !d.AfterHorizon {
			horizon++
		}
		x := float64(len(blocks))
		blocks = append(blocks, plotter.XY{X: x, Y: float64(d.Blocks)})
		lost = append(lost, plotter.XY{X: x, Y: float64(d.ReachLost)})
		some = some || d.Blocks != 0 || d.ReachLost != 0
	}
	if !some {
		return nil, nil
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Blocks and reach lost per day: %s\nrun %s", scenario, runID)
	p.Title.TextStyle.Font.Size = vg.Points(14)
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = "day of the horizon (local)"
	p.Y.Label.Text = "customers / templates"
	p.Y.Tick.Marker = niceTicks{}
	p.Y.Min = 0
	top := 0.0
	for i := range blocks {
		top = max(top, blocks[i].Y, lost[i].Y)
	}
	p.Y.Max = 1.3 * top // room for the legend above the tallest day
	p.Add(plotter.NewGrid())
	vals := make(plotter.Values, len(blocks))
	for i, b := range blocks {
		vals[i] = b.Y
	}
	bars, err := plotter.NewBarChart(vals, vg.Points(6))
	if err != nil {
		return nil, fmt.Errorf("reports: outbound plot: %w", err)
	}
	bars.Color = palette[3]
	bars.LineStyle.Width = 0
	line, err := plotter.NewLine(lost)
	if err != nil {
		return nil, fmt.Errorf("reports: outbound plot: %w", err)
	}
	line.Color = palette[0]
	line.Width = vg.Points(1.5)
	p.Add(bars, line)
	p.Legend.Add("customers who blocked the business", bars)
	p.Legend.Add("templates lost (sent to a customer who had blocked)", line)
	p.Legend.Top = true
	p.Legend.Left = true
	if horizon < len(blocks) {
		// The days after the horizon are the drain: the run answering the conversations
		// that arrived inside it, and sending the templates the messaging limit held.
		// A line marks where the horizon ends.
		end := &vLine{x: float64(horizon) - 0.5}
		end.Color, end.Width, end.Dashes = color.Gray{Y: 0x55}, vg.Points(1.2), []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(end)
		p.Legend.Add(fmt.Sprintf("horizon ends after day %d; later days: the drain (its backlog answered, held templates sent)", horizon), end)
		p.X.Label.Text = fmt.Sprintf("day from the start (local): %s of horizon, then the drain", words.Count(horizon, "day"))
	}
	p.Legend.TextStyle.Color = color.Black
	p.X.Tick.Marker = dayTicks(len(blocks))
	return p, nil
}

// dayTicks labels every seventh day, counted from 1.
type dayTicks int

func (n dayTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	for d := 0; d < int(n); d++ {
		label := ""
		if d%7 == 0 {
			label = fmt.Sprint(d + 1)
		}
		ts = append(ts, plot.Tick{Value: float64(d), Label: label})
	}
	return ts
}
