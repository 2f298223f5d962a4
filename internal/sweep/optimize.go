package sweep

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spendsim/spendsim/internal/optimize"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
)

// Optimize searches for the cheapest staffing plan of sc meeting oo.SLA
// (optimize.Search) and writes optimize.json, the frontier plot and the manifest as
// the output set of o.Out, locked before the search so that a second writer fails at
// once rather than after it. When no plan within the cap meets the SLA it writes them
// all the same, with no best, and returns the search's error.
func Optimize(ctx context.Context, sc *scenarios.Scenario, oo optimize.Options, o Options) (*optimize.Result, error) {
	op, err := reports.NewOutput(o.Out, o.Version)
	if err != nil {
		return nil, err
	}
	defer op.Close()
	res, err := optimize.Search(ctx, sc, oo)
	var unreachable *optimize.Unreachable
	if err != nil && !(errors.As(err, &unreachable) && res != nil) {
		return nil, err
	}
	m, merr := reports.NewManifest(o.Version, o.Args, sc)
	if merr != nil {
		return nil, merr
	}
	m.Seed, m.Runs = &sc.Seed, res.Runs
	if werr := op.WriteOptimization(res, m); werr != nil {
		return nil, werr
	}
	if unreachable != nil {
		// optimize.json holds every plan tried, and what the shifts allow, with no best.
		return nil, fmt.Errorf("%w (every plan tried: %s)", err, filepath.Join(o.Out, reports.OptimizeFile))
	}
	return res, nil
}
