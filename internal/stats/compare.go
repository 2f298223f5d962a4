package stats

import (
	"fmt"
	"math"
	"sort"

	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// CompareLabel names one side of a comparison.
type CompareLabel struct {
	Scenario string `json:"scenario"`
	Pricing  string `json:"pricing"` // the era it was billed under ("auto" or an era name)
	Point    string `json:"point"`   // the sweep point that ran ("base" without a sweep)
	// Source is the scenario's file (or embedded name), given only when both sides'
	// scenarios have the same name but came from different places: what tells them apart.
	Source string `json:"source,omitempty"`
	// StaffingCostPlaceholder: the staffing figures, and the totals with them, price the
	// team at a placeholder cost per hour (agents.cost_per_hour is still its
	// cost_per_hour_placeholder, as spendsim fit writes it). Absent otherwise.
	StaffingCostPlaceholder bool `json:"staffing_cost_placeholder,omitempty"`
}

// Side is how a terminal table or a chart names the side: its scenario, and its
// source when the names alone are the same.
func (l CompareLabel) Side() string {
	if l.Source == "" {
		return l.Scenario
	}
	return l.Scenario + " from " + l.Source
}

// CompareSide is one side's means over the replications, each rounded once to a micro.
type CompareSide struct {
	CompareLabel
	MessagingMicros        int64            `json:"messaging_micros"`
	Messaging              string           `json:"messaging"`
	StaffingMicros         int64            `json:"staffing_micros"`
	Staffing               string           `json:"staffing"`
	TotalMicros            int64            `json:"total_micros"` // messaging + staffing
	Total                  string           `json:"total"`
	AmountMicrosByCategory map[string]int64 `json:"amount_micros_by_category"`
	FirstResponseP90S      Estimate         `json:"first_response_p90_s"`
	// AnsweredShare is the share (0..1) of the conversations that got a first response,
	// over the replications that had any (HasConversations), Unanswered the conversations that
	// did not, per run: the p90 is judged beside them.
	AnsweredShare Estimate `json:"answered_share"`
	Unanswered    Estimate `json:"unanswered_conversations"`
}

// MoneyDiff is the mean of B − A over paired replications with its 95% Student t
// interval (paired: t with R−1 degrees of freedom on the per-replication
// differences), and for contrast the interval an unpaired comparison of the same runs
// would give (Welch). Bounds are rounded once to whole micros; intervals are null with
// a single replication.
type MoneyDiff struct {
	MeanMicros   int64          `json:"mean_micros"`
	Mean         string         `json:"mean"`
	CI95         *MoneyInterval `json:"ci95"`
	UnpairedCI95 *MoneyInterval `json:"unpaired_ci95"`
}

// Diff is MoneyDiff for a quantity that is not money (seconds).
type Diff struct {
	Mean         Num       `json:"mean"`
	CI95         *Interval `json:"ci95"`
	UnpairedCI95 *Interval `json:"unpaired_ci95"`
}

// Differences are B − A: positive means B costs more or answers more slowly.
type Differences struct {
	MessagingMicros   MoneyDiff `json:"messaging"`
	StaffingMicros    MoneyDiff `json:"staffing"`
	TotalMicros       MoneyDiff `json:"total"`
	FirstResponseP90S Diff      `json:"first_response_p90_s"`
	AnsweredShare     Diff      `json:"answered_share"`
}

// Comparison is compare.json: two variants run on common random numbers (replication r
// of both uses the same seed, so the same customers write at the same times) and their
// paired differences.
type Comparison struct {
	Currency     string      `json:"currency"`
	Seed         uint64      `json:"seed"`
	Replications int         `json:"replications"`
	A            CompareSide `json:"a"`
	B            CompareSide `json:"b"`
	BMinusA      Differences `json:"b_minus_a"`
}

// Compare pairs the runs of two variants by replication and summarises them. Both
// must have the same replications with the same seeds, in one currency.
func Compare(a, b []sim.RunResult, la, lb CompareLabel, seed uint64) (Comparison, error) {
	if len(a) == 0 || len(a) != len(b) {
		return Comparison{}, fmt.Errorf("stats: compare: %s of A and %d of B; both need the same replications", words.Count(len(a), "run"), len(b))
	}
	a, b = byReplication(a), byReplication(b)
	for i := range a {
		if a[i].Replication != b[i].Replication || a[i].Seed != b[i].Seed {
			return Comparison{}, fmt.Errorf("stats: compare: run %s (seed %d) is paired with run %s (seed %d); pairs need the same seed",
				a[i].RunID, a[i].Seed, b[i].RunID, b[i].Seed)
		}
		if a[i].Currency != b[i].Currency {
			return Comparison{}, fmt.Errorf("stats: compare: A bills in %s, B in %s; a difference needs one currency", a[i].Currency, b[i].Currency)
		}
	}
	c := Comparison{Currency: a[0].Currency, Seed: seed, Replications: len(a)}
	var err error
	if c.A, err = compareSide(a, la); err != nil {
		return Comparison{}, fmt.Errorf("stats: compare: A: %w", err)
	}
	if c.B, err = compareSide(b, lb); err != nil {
		return Comparison{}, fmt.Errorf("stats: compare: B: %w", err)
	}
	total := func(r *sim.RunResult) money.Micros { return r.MessagingMicros + r.StaffingMicros } // checked in compareSide
	for _, d := range []struct {
		name string
		dst  *MoneyDiff
		get  func(*sim.RunResult) money.Micros
	}{
		{"messaging", &c.BMinusA.MessagingMicros, func(r *sim.RunResult) money.Micros { return r.MessagingMicros }},
		{"staffing", &c.BMinusA.StaffingMicros, func(r *sim.RunResult) money.Micros { return r.StaffingMicros }},
		{"total", &c.BMinusA.TotalMicros, total},
	} {
		if *d.dst, err = moneyDiff(a, b, d.get); err != nil {
			return Comparison{}, fmt.Errorf("stats: compare: B − A %s: %w", d.name, err)
		}
	}
	c.BMinusA.FirstResponseP90S = pairedDiff(a, b, func(r *sim.RunResult) float64 { return r.FirstResponseP90S }, HasConversations, math.Inf(1))
	c.BMinusA.AnsweredShare = pairedDiff(a, b, func(r *sim.RunResult) float64 { return r.AnsweredShare }, HasConversations, 1)
	return c, nil
}

// pairedDiff is the mean of the paired differences of a figure that is not money,
// with the paired and the unpaired interval around it, over the runs that have the
// figure (has): a pair counts where both runs do, the unpaired interval takes each
// side's runs that do. A difference of figures in [0, bound] lies in [-bound, bound]:
// the intervals are cut there (a difference of shares, bound 1, never past ±100 points).
func pairedDiff(a, b []sim.RunResult, get func(*sim.RunResult) float64, has func(*sim.RunResult) bool, bound float64) Diff {
	var pa, pb, pd []float64
	for i := range a {
		ha, hb := has(&a[i]), has(&b[i])
		if ha {
			pa = append(pa, get(&a[i]))
		}
		if hb {
			pb = append(pb, get(&b[i]))
		}
		if ha && hb {
			pd = append(pd, get(&b[i])-get(&a[i]))
		}
	}
	var d Diff
	mean, half := meanHalfWidth(pd)
	d.Mean = Num(mean)
	if !math.IsNaN(half) {
		d.CI95 = &Interval{Low: Num(max(mean-half, -bound)), High: Num(min(mean+half, bound))}
	}
	if uh := welchHalfWidth(pa, pb); !math.IsNaN(uh) {
		d.UnpairedCI95 = &Interval{Low: Num(max(mean-uh, -bound)), High: Num(min(mean+uh, bound))}
	}
	return d
}

func byReplication(runs []sim.RunResult) []sim.RunResult {
	rs := append([]sim.RunResult(nil), runs...)
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Replication < rs[j].Replication })
	return rs
}

func compareSide(runs []sim.RunResult, l CompareLabel) (CompareSide, error) {
	n := int64(len(runs))
	s := CompareSide{CompareLabel: l, AmountMicrosByCategory: map[string]int64{}}
	var msg, staff, tot money.Sum
	var cats [pricing.NumCategories]money.Sum
	var p90, answered, unanswered []float64
	for i := range runs {
		r := &runs[i]
		t, err := money.Add(r.MessagingMicros, r.StaffingMicros)
		if err != nil {
			return s, fmt.Errorf("run %s: %w", r.RunID, err)
		}
		msg.Add(r.MessagingMicros)
		staff.Add(r.StaffingMicros)
		tot.Add(t)
		for k := range r.AmountByCategory {
			cats[k].Add(r.AmountByCategory[k])
		}
		if HasConversations(r) {
			p90 = append(p90, r.FirstResponseP90S)
			answered = append(answered, r.AnsweredShare)
		}
		unanswered = append(unanswered, float64(r.UnansweredConversations))
	}
	if err := setMeans(n, amountMean{&msg, &s.MessagingMicros, &s.Messaging}, amountMean{&staff, &s.StaffingMicros, &s.Staffing},
		amountMean{&tot, &s.TotalMicros, &s.Total}); err != nil {
		return s, err
	}
	for _, c := range pricing.Categories() {
		v, err := cats[c].Total()
		if err != nil {
			return s, fmt.Errorf("%s: %w", c, err)
		}
		s.AmountMicrosByCategory[c.String()] = DivRound(int64(v), n)
	}
	s.FirstResponseP90S = estimate(p90)
	s.AnsweredShare, s.Unanswered = shareEstimate(answered), estimate(unanswered)
	return s, nil
}

// moneyDiff is the exact mean of the paired differences (integer sums, rounded once)
// with the paired and the unpaired interval around it.
func moneyDiff(a, b []sim.RunResult, get func(*sim.RunResult) money.Micros) (MoneyDiff, error) {
	var sum money.Sum
	var xa, xb, d []float64
	for i := range a {
		va, vb := get(&a[i]), get(&b[i])
		sum.Add(vb)
		sum.Add(-va)
		// Spread estimates only; the mean is summed in integers.
		xa, xb = append(xa, float64(va)), append(xb, float64(vb))
		d = append(d, float64(vb)-float64(va))
	}
	tot, err := sum.Total()
	if err != nil {
		return MoneyDiff{}, err
	}
	m := DivRound(int64(tot), int64(len(a)))
	out := MoneyDiff{MeanMicros: m, Mean: money.Micros(m).String()}
	if out.CI95, err = moneyCI(m, d); err != nil {
		return MoneyDiff{}, fmt.Errorf("ci95: %w", err)
	}
	if h := welchHalfWidth(xa, xb); !math.IsNaN(h) {
		if out.UnpairedCI95, err = moneyAround(m, h); err != nil {
			return MoneyDiff{}, fmt.Errorf("unpaired_ci95: %w", err)
		}
	}
	return out, nil
}
