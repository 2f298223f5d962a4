package stats

import (
	"math"
	"testing"

	"github.com/spendsim/spendsim/internal/stats/statstest"
	"github.com/spendsim/spendsim/sim"
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

// TestCompareLeavesOutEmptyReplications: a replication in which no conversation
// arrived has no answered share (0 of 0). As in summary.json, it is left out of the
// side's answered share and of the difference, where it made both unknown (null) for
// the whole comparison. Replication 1 is empty on both sides (the same customers, as
// common random numbers give), replication 3 on B's only: A's share is over
// replications 0, 2 and 3, B's over 0 and 2, and B − A over the pairs 0 and 2.
func TestCompareLeavesOutEmptyReplications(t *testing.T) {
	a, b := statstest.SynthRuns(1, 4), statstest.SynthRuns(2, 4)[4:]
	for i := range b {
		b[i].Seed, b[i].FirstResponses = a[i].Seed, b[i].FirstResponses-1000*int64(i+1)
		statstest.Shares(&b[i])
	}
	for _, r := range []*sim.RunResult{&a[1], &b[1], &b[3]} {
		r.Conversations, r.FirstResponses = 0, 0
		statstest.Shares(r)
	}
	c, err := Compare(a, b, CompareLabel{Scenario: "a"}, CompareLabel{Scenario: "b"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	near := func(what string, got Num, want float64) {
		t.Helper()
		if !(math.Abs(float64(got)-want) <= 1e-12) { // NaN (unknown) fails too
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	near("A's answered share", c.A.AnsweredShare.Mean, (a[0].AnsweredShare+a[2].AnsweredShare+a[3].AnsweredShare)/3)
	near("B's answered share", c.B.AnsweredShare.Mean, (b[0].AnsweredShare+b[2].AnsweredShare)/2)
	d := c.BMinusA.AnsweredShare
	near("B − A answered share", d.Mean, ((b[0].AnsweredShare-a[0].AnsweredShare)+(b[2].AnsweredShare-a[2].AnsweredShare))/2)
	if d.CI95 == nil || d.UnpairedCI95 == nil || math.IsNaN(float64(d.CI95.Low)) || math.IsNaN(float64(d.UnpairedCI95.High)) {
		t.Errorf("B − A answered share: paired %+v, unpaired %+v; want both, from two pairs (and 3 and 2 replications)", d.CI95, d.UnpairedCI95)
	}
	if c.A.Unanswered.Mean != Num((float64(a[0].UnansweredConversations)+float64(a[2].UnansweredConversations)+float64(a[3].UnansweredConversations))/4) {
		t.Errorf("A's unanswered conversations %v: a count of none is 0, over all 4 replications", c.A.Unanswered.Mean)
	}
}
