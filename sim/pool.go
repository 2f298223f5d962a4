package sim

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/spendsim/spendsim/model"
)

// Job is one run of a sweep: a sweep point's configuration with one replication's seed.
type Job struct {
	ID          string // run id: the point label, plus "/r<replication>" when there are several
	PointLabel  string
	Point       int
	Replication int
	Seed        uint64
	Params      []Param
	Config      *Config
}

// Simulate runs one job with the standard Stats recorder.
func Simulate(j *Job) (RunResult, []DayRow, error) {
	return simulate(context.Background(), j)
}

// simulate is Simulate, ending the run early (with ctx's error) when ctx ends.
func simulate(ctx context.Context, j *Job) (RunResult, []DayRow, error) {
	cfg := j.Config
	st := NewStats(j.ID, cfg.Start, cfg.End, cfg.Location)
	st.SplitAt(cfg.Periods)
	if !cfg.Staffing.ByResponseTime() {
		// A year past the horizon: the next shift of the last arrival, however sparse.
		st.WatchDuty(cfg.Staffing.Duty(cfg.Start, cfg.End+366*model.Day, cfg.Location), cfg.Staffing.Bot == nil)
	}
	st.stop = ctx.Err
	o, err := Run(cfg, j.Seed, st)
	if err != nil {
		return RunResult{}, nil, fmt.Errorf("run %s: %w", j.ID, err)
	}
	res, days, err := st.Result(o, &cfg.Staffing, cfg.Billing.Currency)
	res.Point, res.PointLabel, res.Replication, res.Seed = j.Point, j.PointLabel, j.Replication, j.Seed
	res.Params = j.Params
	res.Customers = int64(cfg.Customers)
	return res, days, err
}

// RunAll runs jobs on up to workers goroutines (0 = all cores) and returns results in
// job order, whatever order they finished in: the output of a sweep does not depend on
// the worker count. progress, if set, is called after each job with the number done;
// calls may come from several goroutines at once. The first error cancels the rest.
func RunAll(ctx context.Context, jobs []Job, workers int, progress func(done, total int)) ([]RunResult, [][]DayRow, error) {
	results := make([]RunResult, len(jobs))
	days := make([][]DayRow, len(jobs))
	var done atomic.Int64
	err := RunEach(ctx, jobs, workers, func(i int, r RunResult, d []DayRow) error {
		results[i], days[i] = r, d
		if progress != nil {
			progress(int(done.Add(1)), len(jobs))
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return results, days, nil
}

// RunEach runs jobs on up to workers goroutines (0 = all cores) and hands each job's
// results to done, with the job's index, as soon as it finishes: a caller can save
// finished runs while others are still going, so an interrupted sweep loses only the
// runs in flight. done may be called from several goroutines at once. An error from a
// run or from done, or the context ending, stops handing out jobs and is returned;
// runs in flight end within a few milliseconds of the context ending, with its error.
func RunEach(ctx context.Context, jobs []Job, workers int, done func(i int, r RunResult, d []DayRow) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	var finished atomic.Int64
	for i := range jobs {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			r, d, err := simulate(gctx, &jobs[i])
			if err != nil {
				return err
			}
			if err := done(i, r, d); err != nil {
				return err
			}
			finished.Add(1)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	// The loop may have stopped handing out jobs on a cancellation that no running job
	// saw; then not every job ran, and the caller must hear why.
	if int(finished.Load()) < len(jobs) {
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}
