package reports

import (
	"fmt"
	"image/color"
	"math"
	"strings"

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

// PlotComparison draws the paired differences B − A the terminal table gives: the
// messaging bill, staffing and the total, each a bar (the mean per run) with its paired
// 95% interval as a whisker and, under its name, whether that interval excludes 0; when
// the messaging bill has two or more categories, each category's B − A is a paler bar
// beside it (a difference of the two sides' means: compare.json holds no interval for
// a category). The title states the verdict on the total, the question the table
// answers: a staffing A/B moves the total, not the messaging bill, and an era A/B the
// other way round.
func PlotComparison(c stats.Comparison) (*plot.Plot, error) {
	type bar struct {
		name     string
		d        stats.MoneyDiff
		col      color.Color
		category bool // a category of the messaging bill: no interval
	}
	var bars []bar
	var cats []bar
	for _, cat := range pricing.Categories() {
		a, b := c.A.AmountMicrosByCategory[cat.String()], c.B.AmountMicrosByCategory[cat.String()]
		if a != 0 || b != 0 {
			// authentication_international ran into its neighbours' labels on one line.
			name := strings.ReplaceAll(cat.String(), "_", "\n")
			cats = append(cats, bar{name, stats.MoneyDiff{MeanMicros: b - a}, paleMessaging, true})
		}
	}
	if len(cats) > 1 { // one category is the whole bill: its bar would repeat messaging's
		bars = cats
	}
	bars = append(bars, bar{"messaging", c.BMinusA.MessagingMicros, messagingColor, false},
		bar{"staffing", c.BMinusA.StaffingMicros, staffingColor, false}, bar{"total", c.BMinusA.TotalMicros, totalColor, false})
	p := plot.New()
	context := "A vs. B on the same customers"
	if c.A.Scenario == c.B.Scenario && c.A.Source == c.B.Source && c.A.Pricing != c.B.Pricing {
		context = "Pricing eras on the same customers: " + c.A.Scenario
	}
	p.Title.Text = compareVerdict(c) + "\n" + context + ", " + words.Count(c.Replications, "paired replication")
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Title.Padding = vg.Points(8)
	p.Y.Label.Text = fmt.Sprintf("B − A, mean per run (%s)", c.Currency)
	p.Y.Tick.Marker = moneyTicks{}
	p.Add(plotter.NewGrid())
	w := vg.Points(math.Min(48, 300/float64(len(bars))))
	lo, hi := 0.0, 0.0
	names := make([]string, len(bars))
	var whiskers errorPoints
	var notes []string // under the axis: what the whiskers and pale bars are
	for i, b := range bars {
		v := float64(b.d.MeanMicros) / 1e6 // drawing only
		bc, err := plotter.NewBarChart(plotter.Values{v}, w)
		if err != nil {
			return nil, fmt.Errorf("reports: compare plot: %w", err)
		}
		bc.XMin, bc.Color, bc.LineStyle.Width = float64(i), b.col, 0
		p.Add(bc)
		lo, hi = math.Min(lo, v), math.Max(hi, v)
		names[i] = b.name + "\n" + money.SignedCents(money.Micros(b.d.MeanMicros))
		if iv := b.d.CI95; iv != nil {
			l, h := float64(iv.LowMicros)/1e6, float64(iv.HighMicros)/1e6
			whiskers.XYs = append(whiskers.XYs, plotter.XY{X: float64(i), Y: v})
			whiskers.yerr = append(whiskers.yerr, struct{ Low, High float64 }{v - l, h - v})
			lo, hi = math.Min(lo, l), math.Max(hi, h)
			names[i] += "\nexcludes 0: " + excludesZero(true, iv.ExcludesZero())
		} else if !b.category {
			names[i] += "\nexcludes 0: " + excludesZero(false, false)
		}
	}
	if len(whiskers.XYs) > 0 {
		eb, err := plotter.NewYErrorBars(whiskers)
		if err != nil {
			return nil, fmt.Errorf("reports: compare plot: %w", err)
		}
		eb.LineStyle.Width, eb.CapWidth = vg.Points(1.5), w/2
		p.Add(eb)
		notes = append(notes, "whiskers: the paired 95% intervals (both sides ran on the same customers)")
	}
	if len(cats) > 1 {
		notes = append(notes, "pale bars: the messaging bill by category, B's mean less A's (compare.json gives them no interval)")
		p.X.Tick.Label.Font.Size = vg.Points(9) // up to seven columns: "excludes 0: yes" would run into its neighbour's
	}
	p.X.Label.Text = strings.Join(notes, "\n")
	p.X.Label.TextStyle.Font.Size = vg.Points(10)
	p.X.Label.Padding = vg.Points(6)
	zero := plotter.NewFunction(func(float64) float64 { return 0 })
	zero.LineStyle.Width, zero.LineStyle.Color = vg.Points(1), color.Black
	p.Add(zero)
	p.Legend.Add(sideName("A", c.A.CompareLabel, c.B.CompareLabel))
	p.Legend.Add(sideName("B", c.B.CompareLabel, c.A.CompareLabel))
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.7, float64(len(bars)-1)+0.7 // air beside the outer bars
	pad := math.Max(hi-lo, 1e-6) * 0.15
	p.Y.Min, p.Y.Max = lo-pad, hi+pad*3 // room above for the legend
	// No difference at all (A against itself): one tick at 0, not a column of "0.00"s.
	if lo == 0 && hi == 0 {
		p.Y.Min, p.Y.Max = -1, 3
		p.Y.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: money.Cents(0)}})
	}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	p.Legend.Padding = vg.Points(3)
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(6), -vg.Points(6)
	return p, nil
}

// Colours of compare.png's bars: messaging's and staffing's as every plot draws them,
// a category of the messaging bill paler, the total dark.
var (
	paleMessaging = color.RGBA{R: 0x8f, G: 0xbb, B: 0xd9, A: 0xff}
	totalColor    = color.RGBA{R: 0x44, G: 0x44, B: 0x44, A: 0xff}
)

// compareVerdict is compare.png's headline: the paired difference in the total (messaging
// + staffing) with its 95% interval, in the words of the terminal table's "excludes 0"
// column — "B costs 14,400.41 USD more in total / paired 95% interval +14,384.48 to
// +14,416.33 excludes 0" on two lines — or, when the interval includes 0, that these
// replications cannot tell A from B (or, every paired difference 0, that B costs the same).
func compareVerdict(c stats.Comparison) string {
	d := c.BMinusA.TotalMicros
	amount := func(m int64) string { return money.Cents(money.Micros(m)) + " " + c.Currency }
	if d.CI95 == nil {
		return fmt.Sprintf("B − A in total: %s %s (no interval)", money.SignedCents(money.Micros(d.MeanMicros)), c.Currency)
	}
	iv := "paired 95% interval " + moneyRange(d.CI95)
	switch {
	case d.MeanMicros == 0 && d.CI95.LowMicros == 0 && d.CI95.HighMicros == 0:
		return "B costs the same as A in total, replication by replication\n" + iv
	case !d.CI95.ExcludesZero():
		return fmt.Sprintf("No clear difference in total: B − A %s %s\n%s includes 0: %s cannot tell A from B",
			money.SignedCents(money.Micros(d.MeanMicros)), c.Currency, iv, words.Count(c.Replications, "replication"))
	case d.MeanMicros > 0:
		return fmt.Sprintf("B costs %s more in total\n%s excludes 0", amount(d.MeanMicros), iv)
	}
	return fmt.Sprintf("B costs %s less in total\n%s excludes 0", amount(-d.MeanMicros), iv)
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
