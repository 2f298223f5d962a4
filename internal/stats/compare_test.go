package stats

import (
	"math"
	"testing"
)

// TestExcludesZero: a difference is told apart from the runs' randomness only when its
// interval lies wholly on one side of 0; an interval touching 0, none (one
// replication), or one with an unknown or infinite bound (a p90 not answered) decides
// nothing.
func TestExcludesZero(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   bool
	}{
		{1, 3, true}, {-3, -1, true}, {-1, 3, false}, {0, 3, false}, {-3, 0, false}, {0, 0, false},
		{math.NaN(), 3, false}, {1, math.Inf(1), false}, {math.Inf(-1), -1, false},
	} {
		if got := (&Interval{Low: Num(c.lo), High: Num(c.hi)}).ExcludesZero(); got != c.want {
			t.Errorf("[%v, %v]: excludes 0 = %v, want %v", c.lo, c.hi, got, c.want)
		}
		if math.IsNaN(c.lo) || math.IsInf(c.lo, 0) || math.IsInf(c.hi, 0) {
			continue
		}
		m := &MoneyInterval{LowMicros: int64(c.lo * 1e6), HighMicros: int64(c.hi * 1e6)}
		if got := m.ExcludesZero(); got != c.want {
			t.Errorf("[%v, %v] micros: excludes 0 = %v, want %v", c.lo, c.hi, got, c.want)
		}
	}
	if (*Interval)(nil).ExcludesZero() || (*MoneyInterval)(nil).ExcludesZero() {
		t.Error("no interval (one replication) excludes 0")
	}
}
