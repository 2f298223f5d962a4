package reports

import (
	"fmt"
	"math"
	"testing"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/stats/statstest"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// TestNewPlotsEdgeCases: the CDF, category and comparison plots render for ordinary
// input and for the awkward cases (nobody answered, nothing spent, many points).
func TestNewPlotsEdgeCases(t *testing.T) {
	many := statstest.SynthRuns(25, 1)
	silent := statstest.SynthRuns(2, 2)
	for i := range silent {
		silent[i].FirstResponseQuantilesS = nil
		silent[i].AmountByCategory = [pricing.NumCategories]money.Micros{}
		silent[i].MessagingMicros, silent[i].StaffingMicros = 0, 0
	}
	for name, runs := range map[string][]sim.RunResult{"many points": many, "silent": silent, "ordinary": statstest.SynthRuns(3, 3)} {
		s, err := stats.Summarize("edge", runs)
		if err != nil {
			t.Fatal(err)
		}
		cdf, err := PlotFirstResponseCDF(s, runs)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cat, err := PlotSpendByCategory(s, PlotOptions{HorizonDays: 30})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := RenderPNG(cdf); err != nil {
			t.Errorf("%s: cdf: %v", name, err)
		}
		if _, err := RenderSVG(cat); err != nil {
			t.Errorf("%s: categories: %v", name, err)
		}
	}
	a, b := statstest.SynthRuns(1, 4), statstest.SynthRuns(1, 4)
	for i := range b {
		b[i].MessagingMicros += 1_000_000
		b[i].AmountByCategory[2] += 1_000_000
	}
	c, err := stats.Compare(a, b, stats.CompareLabel{Scenario: "x", Pricing: "auto", Point: "base"}, stats.CompareLabel{Scenario: "x", Pricing: "cbp-2023", Point: "base"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d := c.BMinusA.MessagingMicros; d.MeanMicros != 1_000_000 || d.CI95.LowMicros != 1_000_000 || d.CI95.HighMicros != 1_000_000 {
		t.Errorf("a constant shift of 1 unit: B − A = %+v, want exactly 1,000,000 micros with no width", d)
	}
	p, err := PlotComparison(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := RenderPNG(p); err != nil {
		t.Fatal(err)
	}
}

// TestCDFLineEndsAtAnsweredShare: where some conversations were never answered, a
// point's line ends at its answered share as the table gives it (the reviewer's lines
// stopped near 41% beside a table saying 44.2%: the 2% levels stop short of it, and a
// level counts only where every replication answered it), at or after its last level.
func TestCDFLineEndsAtAnsweredShare(t *testing.T) {
	levels := sim.FirstResponseQuantileLevels()
	run := func(rep int, answered float64) sim.RunResult {
		qs := make([]float64, len(levels))
		for i, l := range levels {
			qs[i] = 60 * (1 + l*100) // a minute and more
			if l > answered {
				qs[i] = math.Inf(1)
			}
		}
		return sim.RunResult{RunID: fmt.Sprint(rep), Replication: rep, AnsweredShare: answered, FirstResponseQuantilesS: qs}
	}
	runs := []sim.RunResult{run(0, 0.41), run(1, 0.475)}
	s := stats.Summary{Scenario: "s", Points: []stats.PointSummary{{Label: "base", Replications: 2,
		SLA: stats.SLAEstimates{AnsweredShare: stats.Estimate{Mean: 0.4425}}}}}
	if _, err := PlotFirstResponseCDF(s, runs); err != nil {
		t.Fatal(err)
	}
	g := stats.ByPoint(runs)[0]
	xys := cdfXYs(pointQuantiles(g), levels, float64(s.Points[0].SLA.AnsweredShare.Mean), lastAnswered(g), 1)
	end, before := xys[len(xys)-1], xys[len(xys)-2]
	if math.Abs(end.Y-44.25) > 1e-9 {
		t.Errorf("the line ends at %v%%, want the answered share 44.25%%", end.Y)
	}
	if math.Abs(before.Y-41) > 1e-9 || end.X < before.X {
		t.Errorf("the line's last levels %+v then %+v: want the 41%% level, then the end no earlier", before, end)
	}
}

// TestNoLineNote: a point drawn with no line says why: under 1% answered, or (when its
// share is more) that some replications answered nobody; it said "under 1% answered"
// of a point whose table gave 24%.
func TestNoLineNote(t *testing.T) {
	for answered, want := range map[float64]string{
		0.243: " (24% answered, no line: some replications answered nobody)",
		0.005: " (under 1% answered)",
		0:     " (under 1% answered)",
	} {
		if got := noLineNote(answered); got != want {
			t.Errorf("noLineNote(%v) = %q, want %q", answered, got, want)
		}
	}
	if got := noLineNote(math.NaN()); got != " (under 1% answered)" {
		t.Errorf("noLineNote(NaN) = %q", got)
	}
}
