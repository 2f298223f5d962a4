package reports

import (
	"math"
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
