package optimize

import (
	"cmp"
	"context"
	"slices"
)

// escapeFrom is how many of the failing neighbours closest to the SLA an escape
// adds an agent to.
const escapeFrom = 2

// escape is tried once the descent stops at cur, a plan meeting the SLA whose
// neighbours nbs are no cheaper or miss it: a plateau the one-step moves cannot leave.
// It evaluates, in one batch, the plans two steps away that a cheaper plan meeting the
// SLA is most often among: one agent off one shift and two onto another, and one more
// agent on any shift (or the bot switched on) of the escapeFrom failing neighbours
// closest to the SLA. With S shifts that is at most S·(S−1) + escapeFrom·S plans (one
// more each with --bot). It returns the cheapest of them meeting the SLA if it is
// cheaper than cur, for the descent to go on from, else nil.
func (o *optimizer) escape(ctx context.Context, cur *Plan, nbs [][]int) (*Plan, error) {
	shifts := len(o.sc.Agents.Shifts)
	var cands [][]int
	add := func(base []int, moves ...[2]int) {
		n := slices.Clone(base)
		for _, m := range moves {
			n[m[0]] += m[1]
			if n[m[0]] < 0 || n[m[0]] > o.limit(m[0]) {
				return
			}
		}
		cands = append(cands, n)
	}
	for i := range shifts {
		for j := range shifts {
			if i != j {
				add(cur.plan, [2]int{i, -1}, [2]int{j, +2})
			}
		}
	}
	var failing []*Plan
	for _, hc := range nbs {
		if cd := o.cache[hcKey(hc)]; !cd.Feasible {
			failing = append(failing, cd)
		}
	}
	slices.SortStableFunc(failing, func(a, b *Plan) int {
		switch {
		case o.sla.Better(a.judged, b.judged):
			return -1
		case o.sla.Better(b.judged, a.judged):
			return 1
		}
		return cmp.Compare(a.order, b.order)
	})
	for _, f := range failing[:min(escapeFrom, len(failing))] {
		for i := range f.plan {
			add(f.plan, [2]int{i, +1})
		}
	}
	if err := o.evaluate(ctx, cands); err != nil {
		return nil, err
	}
	var next *Plan
	for _, hc := range cands {
		cd := o.cache[hcKey(hc)]
		if cd.Feasible && o.cheaper(cd, cur) && (next == nil || o.cheaper(cd, next)) {
			next = cd
		}
	}
	return next, nil
}
