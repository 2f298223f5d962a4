package reports

import (
	"bytes"
	"testing"

	"github.com/spendsim/spendsim/internal/stats"
)

// TestComparisonTable: compare's table, golden. Beside the money rows and the p90, the
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

                                            A                      B      B − A           paired 95% CI         unpaired 95% CI
           messaging                    10.00                  12.00      +2.00          +1.00 to +3.00                       -
            staffing                   800.00                 400.00    -400.00      -401.00 to -399.00                       -
               total                   810.00                 412.00    -398.00      -399.00 to -397.00                       -
  p90 first response                 60.0 min                  2.0 h  +60.0 min  +50.0 min to +70.0 min  +33.3 min to +86.7 min
            answered  97.5% (12.3 unanswered)  80.0% (98 unanswered)  -17.5 pts      -20.0 to -15.0 pts      -25.0 to -10.0 pts
`
	if b.String() != want {
		t.Errorf("compare table:\n%s\nwant:\n%s", b.String(), want)
	}
}
