package sweep

import (
	"context"
	"fmt"
	"os"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
	"github.com/spendsim/spendsim/sim"
)

// ComparePair loads the two sides of a comparison: A from aRef, B from bRef, or A again
// when bRef is ""; pricingB, if given, is the era B is billed under. It checks the era
// and that both bill in one currency (a *scenarios.Error, the caller's to fix), and
// names the pair for an output folder: "A-vs-B", or "A-ERA-vs-ERA" for one scenario
// under two eras.
func ComparePair(aRef, bRef, pricingB string) (a, b *scenarios.Scenario, name string, err error) {
	if a, _, err = scenarios.Load(aRef); err != nil {
		return nil, nil, "", err
	}
	one := bRef == ""
	if one {
		bRef = aRef
	}
	if b, _, err = scenarios.Load(bRef); err != nil {
		return nil, nil, "", err
	}
	if pricingB != "" {
		era, err := billing.ParseEra(pricingB)
		if err != nil {
			return nil, nil, "", &scenarios.Error{File: "--pricing-b", Problems: []string{err.Error()}}
		}
		b.Pricing = era.String()
	}
	if a.Currency != b.Currency {
		return nil, nil, "", &scenarios.Error{File: bRef, Problems: []string{fmt.Sprintf("A bills in %s and B in %s: a difference needs one currency", a.Currency, b.Currency)}}
	}
	name = a.Name + "-vs-" + b.Name
	if pricingB != "" && one {
		name = a.Name + "-" + a.Pricing + "-vs-" + b.Pricing
	}
	return a, b, name, nil
}

// Compare runs the first sweep point of a and of b, each sc.Replications times on
// common random numbers (replication r of both uses the same seed, a's, so the same
// customers write at the same times), pairs them, and writes compare.json and the
// chart into o.Out. Both must carry the same seed and replications, and bill in one
// currency. A scenario that sweeps several points is noted and compared on its first.
func Compare(ctx context.Context, a, b *scenarios.Scenario, o Options) (stats.Comparison, error) {
	if a.Seed == 0 || a.Seed != b.Seed || a.Replications != b.Replications {
		return stats.Comparison{}, fmt.Errorf("sweep: compare %s and %s: want one seed and one replication count", a.Name, b.Name)
	}
	if o.Progress == nil {
		o.Progress = silent{}
	}
	op, err := reports.NewOutput(o.Out, o.Version)
	if err != nil {
		return stats.Comparison{}, err
	}
	defer op.Close()
	ja, err := firstPoint(o, "A", a)
	if err != nil {
		return stats.Comparison{}, err
	}
	jb, err := firstPoint(o, "B", b)
	if err != nil {
		return stats.Comparison{}, err
	}
	runs, _, err := sim.RunAll(ctx, append(ja, jb...), o.Workers, nil)
	if err != nil {
		return stats.Comparison{}, err
	}
	la := stats.CompareLabel{Scenario: a.Name, Pricing: a.Pricing, Point: ja[0].PointLabel,
		StaffingCostPlaceholder: ja[0].Config.Staffing.PlaceholderCost()}
	lb := stats.CompareLabel{Scenario: b.Name, Pricing: b.Pricing, Point: jb[0].PointLabel,
		StaffingCostPlaceholder: jb[0].Config.Staffing.PlaceholderCost()}
	if a.Name == b.Name && !sameSource(a.Source, b.Source) {
		la.Source, lb.Source = a.Source, b.Source
	}
	cmp, err := stats.Compare(runs[:len(ja)], runs[len(ja):], la, lb, a.Seed)
	if err != nil {
		return stats.Comparison{}, err
	}
	m, err := reports.NewManifest(o.Version, o.Args, map[string]*scenarios.Scenario{"a": a, "b": b})
	if err != nil {
		return stats.Comparison{}, err
	}
	m.Seed, m.Runs = &a.Seed, len(runs)
	return cmp, op.WriteComparison(cmp, m)
}

// sameSource reports whether two scenarios came from the same place: one embedded
// name, or one file however it was spelt (small.yaml, ./small.yaml).
func sameSource(a, b string) bool {
	if a == b {
		return true
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// firstPoint is the jobs of a scenario's first sweep point.
func firstPoint(o Options, side string, sc *scenarios.Scenario) ([]sim.Job, error) {
	jobs, err := sc.Jobs(sc.Seed, o.Rates)
	if err != nil {
		return nil, fmt.Errorf("%s (%s): %w", side, sc.Name, err)
	}
	var first []sim.Job
	points := 0
	for _, j := range jobs {
		if j.Point == 0 {
			first = append(first, j)
		}
		points = max(points, j.Point+1)
	}
	if points > 1 {
		o.Progress.Note(fmt.Sprintf("%s (%s) sweeps %d points; comparing its first, %s", side, sc.Name, points, first[0].PointLabel))
	}
	return first, nil
}
