package reports

import (
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
