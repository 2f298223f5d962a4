package reports

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
)

// sideName is how a plot names one side of a comparison: its era when the two differ
// only in pricing, else its scenario (and point).
func sideName(tag string, s, other stats.CompareLabel) string {
	switch {
	case s.Scenario == other.Scenario && s.Source == other.Source && s.Point == other.Point:
		if s.Pricing == "auto" {
			return tag + ": billed under the era in force (auto)"
		}
		return tag + ": billed under " + s.Pricing
	case s.Point != "base" && s.Point != "":
		return tag + ": " + s.Side() + " (" + s.Point + ")"
	}
	return tag + ": " + s.Side()
}

// PlotComparison draws the two sides' mean messaging spend per category as pairs of
// bars, with the whole messaging bill last; the title carries the paired difference,
// its 95% interval and whether that excludes 0. Staffing is left out: it does not depend on the pricing era and
// would dwarf the bill.
func PlotComparison(c stats.Comparison) (*plot.Plot, error) {
	type group struct {
		name string
		a, b int64
	}
	var groups []group
	for _, cat := range pricing.Categories() {
		a, b := c.A.AmountMicrosByCategory[cat.String()], c.B.AmountMicrosByCategory[cat.String()]
		if a != 0 || b != 0 {
			groups = append(groups, group{cat.String(), a, b})
		}
	}
	groups = append(groups, group{"all messaging", c.A.MessagingMicros, c.B.MessagingMicros})
	va, vb := make(plotter.Values, len(groups)), make(plotter.Values, len(groups))
	names := make([]string, len(groups))
	top := 0.0
	for i, g := range groups {
		va[i], vb[i] = float64(g.a)/1e6, float64(g.b)/1e6 // drawing only
		names[i] = g.name
		top = math.Max(top, math.Max(va[i], vb[i]))
	}
	p := plot.New()
	title := "Messaging spend, A vs. B on the same customers"
	if c.A.Scenario == c.B.Scenario && c.A.Source == c.B.Source && c.A.Pricing != c.B.Pricing {
		title = "Pricing eras on the same customers: " + c.A.Scenario
	}
	p.Title.Text = title + "\n" + compareSubtitle(c)
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Title.Padding = vg.Points(8)
	p.Y.Label.Text = fmt.Sprintf("mean spend per run (%s)", c.Currency)
	p.Y.Tick.Marker = moneyTicks{}
	p.Add(plotter.NewGrid())
	w := vg.Points(math.Min(36, 240/float64(len(groups))))
	ba, err := plotter.NewBarChart(va, w)
	if err != nil {
		return nil, fmt.Errorf("reports: compare plot: %w", err)
	}
	bb, err := plotter.NewBarChart(vb, w)
	if err != nil {
		return nil, fmt.Errorf("reports: compare plot: %w", err)
	}
	ba.Color, bb.Color = palette[0], palette[1]
	ba.LineStyle.Width, bb.LineStyle.Width = 0, 0
	ba.Offset, bb.Offset = -w/2-1, w/2+1
	p.Add(ba, bb)
	p.Legend.Add(sideName("A", c.A.CompareLabel, c.B.CompareLabel), ba)
	p.Legend.Add(sideName("B", c.B.CompareLabel, c.A.CompareLabel), bb)
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.7, float64(len(groups)-1)+0.7 // air beside the outer bars
	p.Y.Min, p.Y.Max = 0, math.Max(top, 1e-6)*1.3
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	p.Legend.Padding = vg.Points(3)
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(6), -vg.Points(6)
	return p, nil
}

// compareSubtitle is the compare chart's verdict on the messaging bill: B − A with its
// paired 95% interval (the one to read: both sides ran on the same customers), and
// whether that interval excludes 0, since bars of different heights may differ by no
// more than the runs' randomness.
func compareSubtitle(c stats.Comparison) string {
	d := c.BMinusA.MessagingMicros
	sub := fmt.Sprintf("B − A: %s %s", money.SignedCents(money.Micros(d.MeanMicros)), c.Currency)
	if d.CI95 == nil {
		return sub
	}
	sub += fmt.Sprintf(", paired 95%% CI %s to %s over %s", money.SignedCents(money.Micros(d.CI95.LowMicros)),
		money.SignedCents(money.Micros(d.CI95.HighMicros)), words.Count(c.Replications, "replication"))
	switch {
	case !d.CI95.ExcludesZero():
		return sub + "\nthe interval includes 0: no clear difference in the messaging bill"
	case d.MeanMicros > 0:
		return sub + "\nthe interval excludes 0: B's messaging bill is higher"
	}
	return sub + "\nthe interval excludes 0: B's messaging bill is lower"
}

// CompareFile is the file `spendsim compare` writes; the bar chart is compare.png/.svg.
const (
	CompareFile = "compare.json"
	ComparePlot = "compare" // .png and .svg
)

// WriteComparison writes compare.png/.svg, compare.json and manifest.json (m: the two
// scenarios and the command line), and commits them as the folder's set.
func (o *Output) WriteComparison(c stats.Comparison, m *Manifest) error {
	p, err := PlotComparison(c)
	if err != nil {
		return err
	}
	if err := WritePlot(o.staging(), ComparePlot, p); err != nil {
		return err
	}
	if err := WriteJSON(o.Path(CompareFile), c); err != nil {
		return err
	}
	return o.Commit(m)
}
