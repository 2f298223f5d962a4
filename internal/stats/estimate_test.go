package stats

import (
	"testing"

	"github.com/spendsim/spendsim/sim"
)

// TestIntervalsWithinTheFigure: a Student-t interval over few replications reaches
// past what the figure can be; it is cut there. One replication in four had a
// customer give up: the count's interval reached below 0; of 8 replications, 7 that
// answered everyone and one that answered none gave a share's past 100%. Cut at 0 and
// at 1, the means stay. A difference of shares is cut at ±1.
func TestIntervalsWithinTheFigure(t *testing.T) {
	xs := []float64{0, 0, 0, 1}
	mean, half := meanHalfWidth(xs)
	if !(mean-half < 0) {
		t.Fatalf("premise: the uncut interval %v ± %v does not reach below 0", mean, half)
	}
	e := estimate(xs)
	if e.Mean != 0.25 || e.CI95 == nil || e.CI95.Low != 0 || float64(e.CI95.High) != mean+half {
		t.Errorf("count %+v %+v; want mean 0.25 and 0 to %v", e, e.CI95, mean+half)
	}
	shares := []float64{1, 1, 1, 1, 1, 1, 1, 0}
	sm, sh := meanHalfWidth(shares)
	s := shareEstimate(shares)
	if s.Mean != 0.875 || !(sm+sh > 1) || s.CI95 == nil || s.CI95.High != 1 || float64(s.CI95.Low) != sm-sh {
		t.Errorf("share %+v %+v; want mean 0.875 and %v to 1 (uncut, to %v)", s, s.CI95, sm-sh, sm+sh)
	}
	// The SLA's estimate is summary.json's: a share target's is cut at 1, a
	// percentile's at 0 only.
	if a, _ := ParseSLA("answered>=0.5"); *a.Estimate(shares).CI95 != *s.CI95 {
		t.Errorf("answered>=0.5 estimate %+v, want %+v", a.Estimate(shares).CI95, s.CI95)
	}
	if p, _ := ParseSLA("p90<=1h"); *p.Estimate(xs).CI95 != *e.CI95 {
		t.Errorf("p90<=1h estimate %+v, want %+v", p.Estimate(xs).CI95, e.CI95)
	}
	// B answered all in 3 of 4 pairs and none in the fourth, where A answered all.
	a, b := make([]sim.RunResult, 4), make([]sim.RunResult, 4)
	for i := range a {
		a[i].Conversations, b[i].Conversations = 1, 1
		a[i].AnsweredShare, b[i].AnsweredShare = 0, 1
	}
	a[3].AnsweredShare, b[3].AnsweredShare = 1, 0
	d := pairedDiff(a, b, func(r *sim.RunResult) float64 { return r.AnsweredShare }, HasConversations, 1)
	if d.Mean != 0.5 || d.CI95 == nil || d.CI95.High != 1 || d.CI95.Low != -1 || d.UnpairedCI95 == nil || d.UnpairedCI95.High != 1 {
		t.Errorf("difference %+v, paired %+v, unpaired %+v; want 0.5, the paired interval cut to -1..1 (uncut it is wider), the unpaired at 1", d.Mean, d.CI95, d.UnpairedCI95)
	}
}

// TestSpendIntervalAtZero: a bill is never below 0. Three replications billing 0, 0
// and 30 have a Student-t interval reaching far below 0; summary.json's starts at 0.
func TestSpendIntervalAtZero(t *testing.T) {
	each := []float64{0, 0, 30_000_000}
	ci, err := spendCI(10_000_000, each)
	if err != nil {
		t.Fatal(err)
	}
	uncut, _ := moneyCI(10_000_000, each)
	if uncut.LowMicros >= 0 || ci.LowMicros != 0 || ci.Low != "0.000000" || ci.HighMicros != uncut.HighMicros {
		t.Errorf("spend interval %+v (uncut %+v); want it from 0 to the uncut high", ci, uncut)
	}
}
