package reports

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/stats/statstest"
	"gonum.org/v1/plot"
)

// keepPlots copies rendered plots to $SPENDSIM_KEEP_PLOTS, to look at them.
func keepPlots(t *testing.T, dir, prefix string) {
	keep := os.Getenv("SPENDSIM_KEEP_PLOTS")
	if keep == "" {
		return
	}
	for _, ext := range []string{".png", ".svg"} {
		b := readFile(t, filepath.Join(dir, SpendVsSLA+ext))
		if err := os.WriteFile(filepath.Join(keep, prefix+ext), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPlotSpendVsSLA(t *testing.T) {
	for _, tc := range []struct {
		name         string
		points, reps int
		horizon      float64
		noStaff      bool
		wantX, wantY string
		wantInTitle  string
		wantNotInSVG string
	}{
		{name: "sweep", points: 5, reps: 4, horizon: 30, wantX: "(minutes)", wantY: "spend per run (USD, 30 days)",
			wantInTitle: "95% confidence intervals"},
		{name: "single", points: 4, reps: 1, horizon: 7, wantX: "(minutes)", wantY: "spend per run (USD, 7 days)",
			wantNotInSVG: "replications"},
		{name: "nostaff", points: 3, reps: 2, noStaff: true, wantX: "(minutes)", wantY: "spend per run (USD)",
			wantNotInSVG: "staffing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runs := statstest.SynthRuns(tc.points, tc.reps)
			if tc.noStaff {
				for i := range runs {
					runs[i].StaffingMicros = 0
				}
			}
			s, err := stats.Summarize("night-staff", runs)
			if err != nil {
				t.Fatal(err)
			}
			p, err := PlotSpendVsSLA(s, PlotOptions{HorizonDays: tc.horizon})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(p.X.Label.Text, tc.wantX) || !strings.Contains(p.Y.Label.Text, tc.wantY) {
				t.Errorf("axes %q / %q, want %q / %q", p.X.Label.Text, p.Y.Label.Text, tc.wantX, tc.wantY)
			}
			if !strings.Contains(p.Title.Text, "night-staff") || !strings.Contains(p.Title.Text, tc.wantInTitle) {
				t.Errorf("title %q", p.Title.Text)
			}
			dir := t.TempDir()
			if err := WritePlot(dir, SpendVsSLA, p); err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(readFile(t, filepath.Join(dir, SpendVsSLA+".png"))))
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 750 {
				t.Errorf("PNG is %dx%d, want 1200x750 (8x5 in at 150 dpi)", b.Dx(), b.Dy())
			}
			svg := string(readFile(t, filepath.Join(dir, SpendVsSLA+".svg")))
			if !strings.HasPrefix(svg, "<?xml") || !strings.Contains(svg, "</svg>") {
				t.Errorf("SVG looks truncated")
			}
			if tc.wantNotInSVG != "" && strings.Contains(svg, tc.wantNotInSVG) {
				t.Errorf("SVG mentions %q", tc.wantNotInSVG)
			}
			keepPlots(t, dir, tc.name)
		})
	}
}

func TestTimeUnit(t *testing.T) {
	for _, tc := range []struct {
		maxS float64
		want string
	}{{30, "seconds"}, {119, "seconds"}, {120, "minutes"}, {7199, "minutes"}, {7200, "hours"}, {86400, "hours"}} {
		if _, got := timeUnit(tc.maxS); got != tc.want {
			t.Errorf("timeUnit(%v) = %s, want %s", tc.maxS, got, tc.want)
		}
	}
}

func TestPlotNoPoints(t *testing.T) {
	p, err := PlotSpendVsSLA(stats.Summary{Scenario: "empty", Currency: "USD", Points: []stats.PointSummary{}}, PlotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := WritePlot(t.TempDir(), SpendVsSLA, p); err != nil {
		t.Fatal(err)
	}
}

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		marker   plot.Ticker
		min, max float64
		want     string
	}{
		{niceTicks{}, 0, 20000, "0 5,000 10,000 15,000 20,000"},
		{niceTicks{}, 17, 62, "20 30 40 50 60"},
		{niceTicks{}, 0.1, 0.95, "0.2 0.4 0.6 0.8"}, {niceTicks{}, 0, 0.25, "0.00 0.05 0.10 0.15 0.20 0.25"},
		{niceTicks{}, -3, 3, "-3 -2 -1 0 1 2 3"},
		// A money axis has the same ticks, labelled by the rule for amounts.
		{moneyTicks{}, 0, 20000, "0.00 5,000.00 10,000.00 15,000.00 20,000.00"},
		{moneyTicks{}, 0, 0.25, "0.00 0.05 0.10 0.15 0.20 0.25"},
		{moneyTicks{}, -1500, 1500, "-1,500.00 -1,000.00 -500.00 0.00 500.00 1,000.00 1,500.00"},
	} {
		var labels []string
		for _, tk := range tc.marker.Ticks(tc.min, tc.max) {
			if tk.Label != "" {
				labels = append(labels, tk.Label)
			}
		}
		if got := strings.Join(labels, " "); got != tc.want {
			t.Errorf("%T(%v, %v) = %q, want %q", tc.marker, tc.min, tc.max, got, tc.want)
		}
	}
}
