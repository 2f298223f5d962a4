package reports

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/stats"
)

// TestComparisonTable: compare's table, golden. Each difference says whether its paired
// interval excludes 0, and two lines under the table say which interval to read. Beside the money rows and the p90, the
// answered row gives each side's answered share with its unanswered conversations
// (means per run) and the difference in percentage points, so a cheaper B that leaves
// customers unanswered shows it.
func TestComparisonTable(t *testing.T) {
	iv := func(lo, hi float64) *stats.Interval { return &stats.Interval{Low: stats.Num(lo), High: stats.Num(hi)} }
	money := func(m int64) stats.MoneyDiff {
		return stats.MoneyDiff{MeanMicros: m, CI95: &stats.MoneyInterval{LowMicros: m - 1_000_000, HighMicros: m + 1_000_000}}
	}
	c := stats.Comparison{Currency: "USD", Seed: 7, Replications: 4,
		A: stats.CompareSide{CompareLabel: stats.CompareLabel{Scenario: "two", Pricing: "auto", Point: "base"},
			MessagingMicros: 10_000_000, StaffingMicros: 800_000_000, TotalMicros: 810_000_000,
			FirstResponseP90S: stats.Estimate{Mean: 3600}, AnsweredShare: stats.Estimate{Mean: 0.975}, Unanswered: stats.Estimate{Mean: 12.25}},
		B: stats.CompareSide{CompareLabel: stats.CompareLabel{Scenario: "one", Pricing: "auto", Point: "base"},
			MessagingMicros: 12_000_000, StaffingMicros: 400_000_000, TotalMicros: 412_000_000,
			FirstResponseP90S: stats.Estimate{Mean: 7200}, AnsweredShare: stats.Estimate{Mean: 0.8}, Unanswered: stats.Estimate{Mean: 98}},
		BMinusA: stats.Differences{MessagingMicros: money(2_000_000), StaffingMicros: money(-400_000_000), TotalMicros: money(-398_000_000),
			FirstResponseP90S: stats.Diff{Mean: 3600, CI95: iv(3000, 4200), UnpairedCI95: iv(2000, 5200)},
			AnsweredShare:     stats.Diff{Mean: -0.175, CI95: iv(-0.2, -0.15), UnpairedCI95: iv(-0.25, -0.1)}},
	}
	var b bytes.Buffer
	WriteComparisonTable(&b, c)
	want := `A: two (base, pricing auto)
B: one (base, pricing auto)
4 paired replications, seed 7, USD; each figure a mean per run

                                            A                      B      B − A           paired 95% CI  excludes 0         unpaired 95% CI
           messaging                    10.00                  12.00      +2.00          +1.00 to +3.00         yes                       -
            staffing                   800.00                 400.00    -400.00      -401.00 to -399.00         yes                       -
               total                   810.00                 412.00    -398.00      -399.00 to -397.00         yes                       -
  p90 first response                 60.0 min                  2.0 h  +60.0 min  +50.0 min to +70.0 min         yes  +33.3 min to +86.7 min
            answered  97.5% (12.3 unanswered)  80.0% (98 unanswered)  -17.5 pts      -20.0 to -15.0 pts         yes      -25.0 to -10.0 pts

read the paired interval: replication r of A and B ran on the same seed (the same customers), so B − A is measured run by run; the unpaired one ignores that pairing and is shown for contrast only
excludes 0: yes, B and A differ beyond the runs' randomness (95%); no, 4 replications cannot tell them apart (more --replications narrow the interval)
`
	if b.String() != want {
		t.Errorf("compare table:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestComparisonTableSaysNoDifference: a paired interval that includes 0 reads "no"
// (the reviewer's +0.01 with -0.01 to +0.03 read as a difference), one the runs could
// not give reads "-", and a wide unpaired interval beside a paired one that excludes 0
// does not change the verdict: the paired one is read.
func TestComparisonTableSaysNoDifference(t *testing.T) {
	mi := func(lo, hi int64) *stats.MoneyInterval { return &stats.MoneyInterval{LowMicros: lo, HighMicros: hi} }
	c := stats.Comparison{Currency: "USD", Seed: 7, Replications: 5,
		A: stats.CompareSide{CompareLabel: stats.CompareLabel{Scenario: "aa", Pricing: "auto", Point: "base"}},
		B: stats.CompareSide{CompareLabel: stats.CompareLabel{Scenario: "bb", Pricing: "auto", Point: "base"}},
		BMinusA: stats.Differences{
			MessagingMicros: stats.MoneyDiff{MeanMicros: 10_000, CI95: mi(-10_000, 30_000), UnpairedCI95: mi(-170_000, 190_000)},
			StaffingMicros:  stats.MoneyDiff{MeanMicros: 4_850_000, CI95: mi(1_550_000, 8_160_000), UnpairedCI95: mi(-16_570_000, 26_280_000)},
			TotalMicros:     stats.MoneyDiff{MeanMicros: 4_870_000},
		},
	}
	var b bytes.Buffer
	WriteComparisonTable(&b, c)
	for _, want := range []string{
		"messaging 0.00 0.00 +0.01 -0.01 to +0.03 no -0.17 to +0.19",
		"staffing 0.00 0.00 +4.85 +1.55 to +8.16 yes -16.57 to +26.28",
		"total 0.00 0.00 +4.87 - - -",
		"no, 5 replications cannot tell them apart",
	} {
		// Columns compared word by word: the table's padding is the golden test's.
		if !strings.Contains(strings.Join(strings.Fields(b.String()), " "), want) {
			t.Errorf("compare table lacks %q:\n%s", want, b.String())
		}
	}
}

// TestComparePlotSaysWhetherIntervalExcludesZero: compare.png's title gives the total's
// paired interval and its verdict, so bars of different heights whose difference the
// runs' randomness explains are not read as a difference. (Its verdict was on the
// messaging bill alone until the staffing A/B below; the three cases are the same.)
func TestComparePlotSaysWhetherIntervalExcludesZero(t *testing.T) {
	mi := func(lo, hi int64) *stats.MoneyInterval { return &stats.MoneyInterval{LowMicros: lo, HighMicros: hi} }
	for _, c := range []struct {
		d    stats.MoneyDiff
		want string
	}{
		{stats.MoneyDiff{MeanMicros: 10_000, CI95: mi(-10_000, 30_000)},
			"No clear difference in total: B − A +0.01 USD\npaired 95% interval -0.01 to +0.03 includes 0: 5 replications cannot tell A from B"},
		{stats.MoneyDiff{MeanMicros: 20_000, CI95: mi(10_000, 30_000)}, "B costs 0.02 USD more in total\npaired 95% interval +0.01 to +0.03 excludes 0"},
		{stats.MoneyDiff{MeanMicros: -20_000, CI95: mi(-30_000, -10_000)}, "B costs 0.02 USD less in total\npaired 95% interval -0.03 to -0.01 excludes 0"},
		{stats.MoneyDiff{MeanMicros: 0, CI95: mi(0, 0)}, "B costs the same as A in total, replication by replication\npaired 95% interval 0.00 to 0.00"},
	} {
		cmp := stats.Comparison{Currency: "USD", Replications: 5, BMinusA: stats.Differences{MessagingMicros: c.d, TotalMicros: c.d},
			A: stats.CompareSide{CompareLabel: stats.CompareLabel{Scenario: "aa"}}, B: stats.CompareSide{CompareLabel: stats.CompareLabel{Scenario: "bb"}}}
		p, err := PlotComparison(cmp)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(p.Title.Text, c.want+"\n") {
			t.Errorf("compare plot title:\n%s\ndoes not begin with:\n%s", p.Title.Text, c.want)
		}
	}
}

// TestComparePlotShowsStaffingAndTotal: a staffing A/B (one more agent, the reviewer's
// a10 vs a11) leaves the messaging bill alone and costs 14,400.41 more in total; the
// chart said "no clear difference in the messaging bill" over empty bars. Its title now
// gives the verdict on the total and its bars B − A for messaging, staffing and total,
// each named with its mean and whether its paired interval excludes 0, as the table
// does.
func TestComparePlotShowsStaffingAndTotal(t *testing.T) {
	mi := func(lo, hi int64) *stats.MoneyInterval { return &stats.MoneyInterval{LowMicros: lo, HighMicros: hi} }
	staff := stats.MoneyDiff{MeanMicros: 14_400_410_000, CI95: mi(14_384_480_000, 14_416_330_000)}
	side := func(name string, staffing int64) stats.CompareSide {
		return stats.CompareSide{CompareLabel: stats.CompareLabel{Scenario: name, Pricing: "auto", Point: "base"}, StaffingMicros: staffing, TotalMicros: staffing}
	}
	cmp := stats.Comparison{Currency: "USD", Replications: 10, A: side("sw", 144_204_210_000), B: side("sw11", 158_604_620_000),
		BMinusA: stats.Differences{MessagingMicros: stats.MoneyDiff{CI95: mi(0, 0)}, StaffingMicros: staff, TotalMicros: staff}}
	p, err := PlotComparison(cmp)
	if err != nil {
		t.Fatal(err)
	}
	if want := "B costs 14,400.41 USD more in total\npaired 95% interval +14,384.48 to +14,416.33 excludes 0\n"; !strings.HasPrefix(p.Title.Text, want) {
		t.Errorf("compare plot title:\n%s\ndoes not begin with:\n%s", p.Title.Text, want)
	}
	var names []string
	for _, tk := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		if tk.Label != "" {
			names = append(names, tk.Label)
		}
	}
	want := []string{"messaging\n0.00\nexcludes 0: no", "staffing\n+14,400.41\nexcludes 0: yes", "total\n+14,400.41\nexcludes 0: yes"}
	if !slices.Equal(names, want) {
		t.Errorf("compare plot bars: %q, want %q", names, want)
	}
	if _, err := RenderPNG(p); err != nil {
		t.Fatal(err)
	}

	// An era A/B: the messaging bill's categories stand beside it as pale bars (no
	// interval), when there are two or more; a single one would repeat messaging's bar.
	cmp.A.AmountMicrosByCategory = map[string]int64{"marketing": 3_000_000, "utility": 1_000_000}
	cmp.B.AmountMicrosByCategory = map[string]int64{"marketing": 4_500_000, "utility": 500_000}
	p, err = PlotComparison(cmp)
	if err != nil {
		t.Fatal(err)
	}
	names = names[:0]
	for _, tk := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		if tk.Label != "" {
			names = append(names, tk.Label)
		}
	}
	if want := append([]string{"marketing\n+1.50", "utility\n-0.50"}, want...); !slices.Equal(names, want) {
		t.Errorf("compare plot bars with categories: %q, want %q", names, want)
	}

	// A two-word category takes two lines: authentication_international on one ran
	// into its neighbours' labels (a bank's OTPs, seven bars).
	cmp.A.AmountMicrosByCategory["authentication_international"] = 2_000_000
	p, err = PlotComparison(cmp)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, tk := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		found = found || strings.HasPrefix(tk.Label, "authentication\ninternational\n")
	}
	if !found {
		t.Errorf("no bar labelled authentication / international on two lines")
	}
}
