package stats

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/spendsim/spendsim/sim"
)

// The run order that determinism rests on: runs by (point, replication), days by their
// run then date, whatever order a parallel sweep delivered them in, so floating-point
// sums always add in one order and files come out the same at any worker count.

// CompareRuns orders runs by (point, replication).
func CompareRuns(a, b *sim.RunResult) int {
	if c := cmp.Compare(a.Point, b.Point); c != 0 {
		return c
	}
	return cmp.Compare(a.Replication, b.Replication)
}

// InOrder returns runs and their days in the run order, as new slices, after checking
// that no run id appears twice.
func InOrder(runs []sim.RunResult, days []sim.DayRow) ([]sim.RunResult, []sim.DayRow, error) {
	rs := slices.Clone(runs)
	slices.SortStableFunc(rs, func(a, b sim.RunResult) int { return CompareRuns(&a, &b) })
	order := make(map[string]int, len(rs))
	for i, r := range rs {
		if _, dup := order[r.RunID]; dup {
			return nil, nil, fmt.Errorf("stats: run id %q appears twice", r.RunID)
		}
		order[r.RunID] = i
	}
	ds := slices.Clone(days)
	slices.SortStableFunc(ds, func(a, b sim.DayRow) int {
		if c := cmp.Compare(order[a.RunID], order[b.RunID]); c != 0 {
			return c
		}
		return a.Day.Compare(b.Day)
	})
	return rs, ds, nil
}

// ByPoint groups runs, in the run order, into one slice per sweep point, in point order.
func ByPoint(runs []sim.RunResult) [][]*sim.RunResult {
	sorted := make([]*sim.RunResult, len(runs))
	for i := range runs {
		sorted[i] = &runs[i]
	}
	slices.SortStableFunc(sorted, CompareRuns)
	var out [][]*sim.RunResult
	for start := 0; start < len(sorted); {
		end := start + 1
		for end < len(sorted) && sorted[end].Point == sorted[start].Point {
			end++
		}
		out = append(out, sorted[start:end])
		start = end
	}
	return out
}
