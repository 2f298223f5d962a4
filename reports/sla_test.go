package reports

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/stats/statstest"
)

func TestSLADisplay(t *testing.T) {
	for _, tc := range []struct {
		t    stats.SLA
		want string
	}{
		{stats.SLA{Text: "p90<=1h", Metric: "p90", Limit: 3600}, "p90 ≤ 1h"},
		{stats.SLA{Text: "p99<=90s", Metric: "p99", Limit: 90}, "p99 ≤ 90s"},
		{stats.SLA{Text: "in_window>=0.95", Metric: "in_window", Limit: 0.95}, "in_window ≥ 95%"},
		{stats.SLA{Text: "in_window>=97.5%", Metric: "in_window", Limit: 0.975}, "in_window ≥ 97.5%"},
	} {
		if got := slaText(tc.t); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.t.Text, got, tc.want)
		}
	}
}

// TestSpendVsSLAMarksTarget: the plot's legend names the cheapest point meeting the
// target and draws the p90 target, or says that no point meets it; report.html's table
// marks the same point and says the same.
func TestSpendVsSLAMarksTarget(t *testing.T) {
	runs := statstest.SynthRuns(4, 3)
	base, err := stats.Summarize("night-staff", runs)
	if err != nil {
		t.Fatal(err)
	}
	// A target every point meets: the highest upper end of a p90 interval.
	hi := 0.0
	for _, p := range base.Points {
		hi = math.Max(hi, math.Ceil(float64(p.SLA.FirstResponseP90S.CI95.High)))
	}
	met := fmt.Sprintf("p90<=%.0fs", hi)
	far := fmt.Sprintf("p90<=%.0fs", 1000*hi)
	disp := func(text string) string { return strings.Replace(text, "<=", " ≤ ", 1) }
	for _, tc := range []struct {
		name   string
		target stats.SLA
		svg    []string // in the SVG's text
		html   string
	}{
		{"met", stats.SLA{Text: met, Metric: "p90", Limit: hi}, []string{"cheapest meeting " + disp(met), "target " + disp(met)}, "Cheapest meeting the target " + disp(met)},
		{"none", stats.SLA{Text: "p90<=1s", Metric: "p90", Limit: 1}, []string{"no point meets p90 ≤ 1s", "target p90 ≤ 1s"}, "No sweep point meets the target p90 ≤ 1s."},
		{"far", stats.SLA{Text: far, Metric: "p90", Limit: 1000 * hi}, []string{"cheapest meeting " + disp(far), "target " + disp(far) + " (beyond the axis)"}, "Cheapest meeting the target " + disp(far)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim := testSimulation(runs, statstest.SynthDays(runs, 30))
			sim.SLA = &tc.target
			dir := writeSimulation(t, sim)
			svg := string(readFile(t, filepath.Join(dir, SpendVsSLA+".svg")))
			for _, want := range tc.svg {
				if !strings.Contains(svg, want) {
					t.Errorf("SVG lacks %q", want)
				}
			}
			page := string(readFile(t, filepath.Join(dir, ReportFile)))
			if !strings.Contains(page, tc.html) {
				t.Errorf("report.html lacks %q", tc.html)
			}
			cheapestCells := strings.Count(page, `<td class="sla-best">yes, cheapest</td>`)
			if want := map[bool]int{true: 1, false: 0}[tc.name != "none"]; cheapestCells != want {
				t.Errorf("report.html marks %d rows as the cheapest meeting the target, want %d", cheapestCells, want)
			}
			summary := string(readFile(t, filepath.Join(dir, SummaryFile)))
			if !strings.Contains(summary, `"sla_target"`) {
				t.Error("summary.json has no sla_target")
			}
			keepPlots(t, dir, "sla-"+tc.name)
		})
	}
}
