package sweep

import (
	"context"

	"github.com/spendsim/spendsim/internal/optimize"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
)

// Optimize searches for the cheapest staffing plan of sc meeting oo.SLA
// (optimize.Search) and writes optimize.json, the frontier plot and the manifest as
// the output set of o.Out, locked before the search so that a second writer fails at
// once rather than after it.
func Optimize(ctx context.Context, sc *scenarios.Scenario, oo optimize.Options, o Options) (*optimize.Result, error) {
	op, err := reports.NewOutput(o.Out, o.Version)
	if err != nil {
		return nil, err
	}
	defer op.Close()
	res, err := optimize.Search(ctx, sc, oo)
	if err != nil {
		return nil, err
	}
	m, err := reports.NewManifest(o.Version, o.Args, sc)
	if err != nil {
		return nil, err
	}
	m.Seed, m.Runs = &sc.Seed, res.Runs
	return res, op.WriteOptimization(res, m)
}
