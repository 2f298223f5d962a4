package reports

import (
	"math"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/sim"
)

// TestPlotOutboundByDay: a run without blocks or lost templates gets no plot; one with
// them gets a plot of its own days only, renderable as PNG.
func TestPlotOutboundByDay(t *testing.T) {
	days := []sim.DayRow{
		{RunID: "a", Templates: 10}, {RunID: "b", Blocks: 9}, {RunID: "a", Templates: 12},
	}
	p, err := PlotOutboundByDay("s", "a", days)
	if err != nil || p != nil {
		t.Fatalf("no blocks in run a: got a plot (%v), err %v", p != nil, err)
	}
	days[2].Blocks, days[2].ReachLost = 3, 1
	p, err = PlotOutboundByDay("s", "a", days)
	if err != nil || p == nil {
		t.Fatalf("run a has blocks: plot %v, err %v", p != nil, err)
	}
	if math.Abs(p.Y.Max-3.9) > 1e-9 {
		t.Errorf("y axis up to %v, want 1.3 × the most in a day (3)", p.Y.Max)
	}
	if _, err := RenderPNG(p); err != nil {
		t.Fatal(err)
	}
}

// TestPlotOutboundByDayMarksTheHorizon: a run whose days go on past its horizon (the
// drain) gets a dashed line where the horizon ends, labelled, and an x axis that says
// which days are the horizon's (the reviewer read a 30-day run's axis "day of the
// horizon" running to day 40); a run without a drain keeps the plain axis.
func TestPlotOutboundByDayMarksTheHorizon(t *testing.T) {
	var days []sim.DayRow
	for d := range 33 {
		days = append(days, sim.DayRow{RunID: "a", Blocks: int64(d % 3), AfterHorizon: d >= 30})
	}
	p, err := PlotOutboundByDay("s", "a", days)
	if err != nil || p == nil {
		t.Fatalf("plot %v, err %v", p != nil, err)
	}
	if want := "day from the start (local): 30 days of horizon, then the drain"; p.X.Label.Text != want {
		t.Errorf("x axis %q, want %q", p.X.Label.Text, want)
	}
	svg, err := RenderSVG(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(svg), "horizon ends after day 30; later days: the drain") {
		t.Error("no label where the horizon ends")
	}
	p, err = PlotOutboundByDay("s", "a", days[:30])
	if err != nil || p == nil || p.X.Label.Text != "day of the horizon (local)" {
		t.Errorf("no drain: x axis %q (err %v)", p.X.Label.Text, err)
	}
}
