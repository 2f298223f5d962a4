package stats

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/stats/statstest"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

func TestSummaryGolden(t *testing.T) {
	s, err := Summarize("night-staff", statstest.SynthRuns(3, 4))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "summary", summaryJSON(t, s))
}

func TestSummarySingleReplicationGolden(t *testing.T) {
	s, err := Summarize("one-shot", statstest.SynthRuns(2, 1))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range s.Points {
		if p.TotalCI95 != nil || p.TotalWithStaffingCI95 != nil || p.SLA.FirstResponseP90S.CI95 != nil {
			t.Errorf("point %d: a confidence interval from one replication", p.Point)
		}
	}
	out := summaryJSON(t, s)
	if !strings.Contains(string(out), `"ci95": null`) || !strings.Contains(string(out), `"total_ci95": null`) {
		t.Errorf("one replication: intervals should be null:\n%s", out)
	}
	golden(t, "summary_single", out)
}

func TestSummaryIgnoresRunOrder(t *testing.T) {
	runs := statstest.SynthRuns(3, 4)
	want, err := Summarize("s", runs)
	if err != nil {
		t.Fatal(err)
	}
	// A parallel sweep delivers runs in any order.
	rev := make([]sim.RunResult, len(runs))
	for i, r := range runs {
		rev[len(runs)-1-i] = r
	}
	got, err := Summarize("s", rev)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := summaryJSON(t, want), summaryJSON(t, got); string(a) != string(b) {
		t.Errorf("summary depends on run order:\n%s\nvs\n%s", a, b)
	}
}

func TestSummaryFigures(t *testing.T) {
	runs := statstest.SynthRuns(3, 4)
	s, err := Summarize("s", runs)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Points) != 3 || s.Runs != 12 || s.Currency != "USD" {
		t.Fatalf("points %d runs %d currency %q", len(s.Points), s.Runs, s.Currency)
	}
	for _, p := range s.Points {
		var sum, sumAll, bill int64
		for _, r := range runs {
			if r.Point == p.Point {
				sum += int64(r.MessagingMicros)
				sumAll += int64(r.MessagingMicros + r.StaffingMicros)
				bill += r.BillableByCategory[pricing.Utility]
			}
		}
		if want := DivRound(sum, 4); p.TotalMicros != want {
			t.Errorf("point %d total_micros %d, want mean %d", p.Point, p.TotalMicros, want)
		}
		if want := DivRound(sumAll, 4); p.TotalWithStaffingMicros != want {
			t.Errorf("point %d total_with_staffing_micros %d, want %d", p.Point, p.TotalWithStaffingMicros, want)
		}
		if want := DivRound(bill, 4); p.BillableByCategory["utility"] != want {
			t.Errorf("point %d billable utility %d, want %d", p.Point, p.BillableByCategory["utility"], want)
		}
		var cats int64
		for _, a := range p.AmountMicrosByCategory {
			cats += a
		}
		// Each mean is rounded on its own, so the parts may miss the total by a
		// rounding step per category.
		if d := cats - p.TotalMicros; d < -int64(len(p.AmountMicrosByCategory)) || d > int64(len(p.AmountMicrosByCategory)) {
			t.Errorf("point %d: categories add up to %d, total %d", p.Point, cats, p.TotalMicros)
		}
		if ci := p.TotalCI95; ci == nil || ci.LowMicros > p.TotalMicros || ci.HighMicros < p.TotalMicros {
			t.Errorf("point %d: total CI %+v does not bracket the mean %d", p.Point, ci, p.TotalMicros)
		}
		if len(p.BillableByCategory) != len(pricing.Categories()) || len(p.MessagesByPricingType) != int(pricing.NumTypes)-1 {
			t.Errorf("point %d: maps should list every category and type", p.Point)
		}
	}
	// Two more agents (4 → 6) cost less than the templates they save; two more again
	// do not. The cheapest point is named by its label.
	if s.Cheapest == nil || s.Cheapest.Point != 1 || s.Cheapest.Label != "6 agents" {
		t.Errorf("cheapest = %+v", s.Cheapest)
	}
}

// TestDerivedShareOfNothing: a point whose bill is 0 has no share priced from derived
// or third-party rates: summary.json says null (docs/formats.md, "a share of nothing"),
// not 0, which would claim the bill rests on published rates. A review found 0.
func TestDerivedShareOfNothing(t *testing.T) {
	runs := statstest.SynthRuns(2, 2)
	for i := range runs {
		if r := &runs[i]; r.Point == 1 {
			r.MessagingMicros, r.DerivedMicros, r.ThirdPartyMicros = 0, 0, 0
			clear(r.AmountByCategory[:])
		}
	}
	s, err := Summarize("s", runs)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range s.Points {
		got, _ := json.Marshal(p.DerivedShare)
		if zero := p.TotalMicros == 0; zero != (p.Point == 1) || zero != (string(got) == "null") {
			t.Errorf("point %d (total %d micros): derived_or_third_party_share %s; want null exactly for a bill of 0", p.Point, p.TotalMicros, got)
		}
	}
}

func TestCheapestCountsStaffing(t *testing.T) {
	runs := statstest.SynthRuns(3, 1)
	for i := range runs {
		runs[i].StaffingMicros = 0 // free agents: the fastest point pays the fewest templates
	}
	s, err := Summarize("s", runs)
	if err != nil {
		t.Fatal(err)
	}
	if s.Cheapest.Point != 2 {
		t.Errorf("cheapest point %d, want 2", s.Cheapest.Point)
	}
}

func TestSummaryRejectsMixedCurrency(t *testing.T) {
	runs := statstest.SynthRuns(2, 1)
	runs[1].Currency = "BRL"
	if _, err := Summarize("s", runs); err == nil || !strings.Contains(err.Error(), "one currency") {
		t.Errorf("err = %v", err)
	}
}

func TestStudentTInterval(t *testing.T) {
	// Two values 1 and 3: mean 2, s = √2, t(0.975, 1) = 12.7062047, half-width =
	// t·s/√2 = t.
	mean, half := meanHalfWidth([]float64{1, 3})
	if mean != 2 || math.Abs(half-12.706204736) > 1e-6 {
		t.Errorf("mean %v half %v, want 2 and 12.706205", mean, half)
	}
	// Five values: t(0.975, 4) = 2.7764451.
	xs := []float64{10, 12, 9, 11, 13}
	mean, half = meanHalfWidth(xs)
	sd := math.Sqrt(10.0 / 4)
	if mean != 11 || math.Abs(half-2.776445105*sd/math.Sqrt(5)) > 1e-6 {
		t.Errorf("mean %v half %v", mean, half)
	}
	if _, half := meanHalfWidth([]float64{7}); !math.IsNaN(half) {
		t.Errorf("one value: half-width %v, want NaN (no interval)", half)
	}
}

func TestDivRound(t *testing.T) {
	for _, tc := range []struct{ a, n, want int64 }{
		{10, 4, 3}, {9, 4, 2}, {-10, 4, -3}, {-9, 4, -2}, {7, 1, 7}, {1, 2, 1}, {-1, 2, -1}, {1, 3, 0},
	} {
		if got := DivRound(tc.a, tc.n); got != tc.want {
			t.Errorf("DivRound(%d, %d) = %d, want %d", tc.a, tc.n, got, tc.want)
		}
	}
}

func TestNumEncodesUnknownAsNull(t *testing.T) {
	b, err := json.Marshal([]Num{1.5, Num(math.NaN()), Num(math.Inf(1))})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "[1.5,null,null]" {
		t.Errorf("got %s", b)
	}
}

func TestPointLabel(t *testing.T) {
	for _, tc := range []struct {
		params []sim.Param
		want   string
	}{
		{nil, "baseline"},
		{[]sim.Param{{Path: "agents.shifts[0].headcount", Value: 8}}, "8 agents"},
		{[]sim.Param{{Path: "agents.shifts[0].headcount", Value: 1}}, "1 agent"},
		{[]sim.Param{{Path: "agents.handle_time_s", Value: 600}, {Path: "agents.shifts[0].headcount", Value: 8}}, "handle_time_s=600, 8 agents"},
		{[]sim.Param{{Path: "agents.shifts[0].headcount", Value: 8}, {Path: "agents.shifts[1].headcount", Value: 3}}, "shifts[0] 8 agents, shifts[1] 3 agents"},
		{[]sim.Param{{Path: "blocking.rate", Value: 0.0025}}, "rate=0.0025"},
	} {
		if got := PointLabel(tc.params); got != tc.want {
			t.Errorf("PointLabel(%v) = %q, want %q", tc.params, got, tc.want)
		}
	}
}

func TestSpendTallyCharges(t *testing.T) {
	var tally SpendTally
	tally.Currency = "USD"
	for _, c := range []pricing.Charge{
		{Model: pricing.PMP, Type: pricing.Regular, Category: pricing.Marketing, Billable: true, Amount: 62500},
		{Model: pricing.PMP, Type: pricing.Regular, Category: pricing.Utility, Billable: true, Amount: 8000},
		{Model: pricing.PMP, Type: pricing.FreeCustomerService, Category: pricing.Service},
		{Model: pricing.PMP, Type: pricing.FreeCustomerService, Category: pricing.Utility},
		// A CBP free-tier conversation: Meta-billable at 0, a free unit; its rider is no unit.
		{Model: pricing.CBP, Type: pricing.FreeTier, Category: pricing.UserInitiated, Billable: true, Opens: true, ConversationID: 7},
		{Model: pricing.CBP, Type: pricing.FreeTier, Category: pricing.UserInitiated, ConversationID: 7},
	} {
		tally.AddCharge(c)
	}
	s, err := tally.Spend(1)
	if err != nil {
		t.Fatal(err)
	}
	if s.TotalMicros != 70500 || s.Total != "0.070500" {
		t.Errorf("total %d %q", s.TotalMicros, s.Total)
	}
	if s.BillableByCategory["utility"] != 1 || s.BillableByCategory["service"] != 0 {
		t.Errorf("billable %v", s.BillableByCategory)
	}
	if s.BillableByCategory["user_initiated"] != 0 || s.FreeByCategory["user_initiated"] != 1 ||
		s.FreeByCategory["service"] != 1 || s.FreeByCategory["utility"] != 1 || s.FreeByCategory["marketing"] != 0 {
		t.Errorf("billable %v, free %v: want charged units as billable, free units (one per CBP conversation) as free", s.BillableByCategory, s.FreeByCategory)
	}
	if s.MessagesByPricingType["free_customer_service"] != 2 || s.MessagesByPricingType["regular"] != 2 {
		t.Errorf("by type %v", s.MessagesByPricingType)
	}
	if s.AmountByCategory["marketing"] != "0.062500" {
		t.Errorf("amount by category %v", s.AmountByCategory)
	}
}

// TestSharesLeaveOutEmptyReplications: a replication in which no conversation arrived
// has no first-response percentile and no answered or in-window share (0 of 0); it is
// left out of their means, not
// counted as 0 (in_window_share was biased low) nor as unknown (answered_share was null
// for the whole point, and the CDF plot said "under 1% answered").
func TestSharesLeaveOutEmptyReplications(t *testing.T) {
	runs := statstest.SynthRuns(1, 3)
	empty := &runs[1]
	empty.Conversations, empty.FirstResponses, empty.InWindowShare = 0, 0, 0
	empty.AnsweredShare, empty.UnansweredShare, empty.AbandonedShare, empty.DroppedShare = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	// And no percentile (sim leaves them NaN): they made the point's p50/p90/p99 null.
	empty.FirstResponseP50S, empty.FirstResponseP90S, empty.FirstResponseP99S = math.NaN(), math.NaN(), math.NaN()
	s, err := Summarize("x", runs)
	if err != nil {
		t.Fatal(err)
	}
	sla := s.Points[0].SLA
	wantAnswered := (runs[0].AnsweredShare + runs[2].AnsweredShare) / 2
	wantInWindow := (runs[0].InWindowShare + runs[2].InWindowShare) / 2
	if math.Abs(float64(sla.AnsweredShare.Mean)-wantAnswered) > 1e-12 || math.Abs(float64(sla.InWindowShare.Mean)-wantInWindow) > 1e-12 {
		t.Errorf("answered share %v, in window %v; want %v, %v (the two replications with conversations)",
			sla.AnsweredShare.Mean, sla.InWindowShare.Mean, wantAnswered, wantInWindow)
	}
	if want := (runs[0].FirstResponseP90S + runs[2].FirstResponseP90S) / 2; !(math.Abs(float64(sla.FirstResponseP90S.Mean)-want) <= 1e-9) || sla.FirstResponseP90S.CI95 == nil {
		t.Errorf("p90 %+v; want %v with an interval (the two replications with conversations)", sla.FirstResponseP90S, want)
	}
}
