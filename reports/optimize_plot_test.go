package reports

import "testing"

// TestPlotOptimizeShareAxis: a share target's plans are drawn in percent on an axis
// that names the share, as the table does; answered>=90% was drawn in shares (0.875 to
// 1.000) under "answered first-response time (seconds)", and in_window read "% of
// replies", which it stopped counting.
func TestPlotOptimizeShareAxis(t *testing.T) {
	pts := []OptimizePoint{{Label: "a=1", TotalMicros: 1e6, Value: 0.875}, {Label: "a=2", TotalMicros: 2e6, Value: 0.95, Feasible: true, Best: true}}
	for _, c := range []struct{ metric, label string }{
		{"answered", "% of conversations answered"},
		{"in_window", "% of conversations first answered in the window"},
	} {
		p, err := PlotOptimize("s", "USD", c.metric, 0.9, pts)
		if err != nil {
			t.Fatal(err)
		}
		if p.X.Label.Text != c.label {
			t.Errorf("%s: x axis %q, want %q", c.metric, p.X.Label.Text, c.label)
		}
		// The points are drawn at 87.5 and 95 (percent), the target at 90: the axis
		// spans them, not 0.875 to 1.
		if !(p.X.Min <= 87.5 && p.X.Max >= 95) {
			t.Errorf("%s: x axis from %v to %v, want it to span 87.5 to 95 (percent)", c.metric, p.X.Min, p.X.Max)
		}
	}
}
