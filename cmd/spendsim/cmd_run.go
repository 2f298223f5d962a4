package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
	"github.com/spendsim/spendsim/sim"
)

func runCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "simulate a scenario (default: the embedded retail-month) and write results",
		ArgsUsage: "[SCENARIO.yaml | NAME]",
		Description: `Simulates every sweep point × replication of the scenario on parallel workers, prints a
table of spend against response time per sweep point, and writes to --out:

   runs.parquet       one row per run × replication
   daily.parquet      one row per run and local day
   summary.json       spend by category and SLA figures per sweep point
   manifest.json      the resolved scenario, seeds, tool and library versions
   spend_vs_sla.png   spend against p90 first-response time (and .svg)
   spend_by_category.png      mean spend per sweep point, staffing and each category (and .svg)
   first_response_cdf.png     share answered within a time, per sweep point (and .svg)
   report.html        all of it on one self-contained page: table, plots, scenario

The same seed gives byte-identical results at any --workers.

--sla sets the service-level target (default ` + defaultSLA + `: nine in ten customers get a
first reply while their 24-hour customer service window is open, so the reply is
free). A sweep point meets it only if its whole 95% interval does (with one
replication: its mean); the cheapest in total cost (messaging + staffing) that meets
it is printed, marked in spend_vs_sla.png and report.html, and named in summary.json
(sla_target), or they say that none does. Same syntax as spendsim optimize: p50, p90
or p99 <= a duration, or in_window >= a share.

Finished runs are kept in --out/.partial/ as they complete, so a run that was killed
or interrupted picks up where it stopped with --resume (same scenario and seed) and
writes the same bytes as if it had never stopped. .partial/ is removed at the end.

--precision keeps adding replications to every sweep point, in batches, until the 95%
interval of each point's mean total cost (messaging + staffing) is narrower than that
share of the mean on either side, or --max-replications is reached. Every point gets
the same number of replications, so the result is the same as a scenario with that
many fixed replications.

--shard K/N runs only the jobs (sweep point × replication, numbered from 0 in the order
of runs.parquet) whose number mod N is K, with K counted from 0, and writes a part of
the results instead of the files above:

   runs/shard=K/part-K-of-N.parquet    this shard's rows of runs.parquet
   daily/shard=K/part-K-of-N.parquet   this shard's rows of daily.parquet
   shards/shard-K-of-N.json            the shard's manifest, written last

No summary or plot is written per shard (a point's replications may sit in several
shards); spendsim merge OUT checks that every run is there once and writes them.
--shards N takes K from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or
SLURM_ARRAY_TASK_ID (a Slurm array started with --array=0-(N-1)).

Examples:
   spendsim run                                  # embedded default, writes out/retail-month/
   spendsim run small                            # another embedded example
   spendsim run my.yaml --out results --seed 42
   spendsim run my.yaml --workers 1              # one core
   spendsim run my.yaml --sla 'p90<=1h'          # mark the cheapest point answering 90% within the hour
   spendsim run my.yaml --precision 2%           # replicate until ±2% on total cost
   spendsim run my.yaml --precision 1% --max-replications 500
   spendsim run my.yaml --resume                 # go on after a crash or Ctrl-C
   spendsim run 2021.yaml --rates nbp-card.csv   # before 2022: bring an NBP rate card
   spendsim run my.yaml --shard 0/4 --out /shared/out   # first of four shards
   spendsim run my.yaml --shards 4 --out /shared/out    # shard from JOB_COMPLETION_INDEX
   spendsim merge /shared/out                    # once all four have finished`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output `DIR` (default: out/<scenario name>)"},
			&cli.IntFlag{Name: "workers", Aliases: []string{"w"}, Usage: "parallel runs (default: all cores)"},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed (default: the scenario's; if none, a fresh one, printed)"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress or notes on stderr"},
			&cli.StringFlag{Name: "sla", Value: defaultSLA, Usage: "service-level target `EXPR` the cheapest point must meet, like 'p90<=1h' or 'in_window>=0.95'"},
			&cli.StringFlag{Name: "precision", Usage: "replicate until every point's 95% interval of mean total cost is within `SHARE` of the mean (2% or 0.02)"},
			&cli.IntFlag{Name: "max-replications", Value: 200, Usage: "cap on replications per point with --precision"},
			&cli.BoolFlag{Name: "resume", Usage: "reuse the runs an interrupted run of the same scenario and seed finished"},
			&cli.StringFlag{Name: "shard", Usage: "run only shard `K/N`: jobs whose number mod N is K (K from 0)"},
			&cli.IntFlag{Name: "shards", Usage: "split into `N` shards, this one's K from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID"},
		}, rateFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usagef("run takes at most one scenario, got %d arguments", c.NArg())
			}
			if c.Int("workers") < 0 {
				return usagef("--workers must be >= 0, got %d", c.Int("workers"))
			}
			o := runOptions{
				ref: c.Args().First(), out: c.String("out"), workers: c.Int("workers"),
				quiet: c.Bool("quiet"), resume: c.Bool("resume"),
				maxReplications: c.Int("max-replications"), args: c.Args().Slice(),
			}
			if c.IsSet("seed") {
				o.seed, o.seedSet = c.Uint64("seed"), true
			}
			var err error
			if o.sla, err = slaTarget(c.String("sla")); err != nil {
				return err
			}
			if o.rates, err = readUserRates(c); err != nil {
				return err
			}
			if c.IsSet("precision") {
				if o.precision, err = stats.ParseShare(c.String("precision")); err != nil {
					return usagef("--precision: %v", err)
				}
			}
			if o.maxReplications < 2 || o.maxReplications > 100_000 {
				return usagef("--max-replications must be between 2 and 100000, got %d", o.maxReplications)
			}
			if o.shard, o.shards, err = shardSpec(c.String("shard"), c.Int("shards"), os.Getenv); err != nil {
				return err
			}
			if o.shards > 0 && c.IsSet("sla") {
				return usagef("--sla has no effect on a shard, which writes no summary or plot: give it to spendsim merge")
			}
			if o.shards > 0 && o.precision > 0 {
				return usagef("--precision cannot be used with sharding: shards cannot see each other's replications to decide when to stop; use fixed replications in the scenario")
			}
			return runScenario(c.Context, e, o)
		},
	}
}

// runOptions is what `spendsim run` was asked to do.
type runOptions struct {
	ref             string // scenario file or embedded name; "" = the default
	out             string // "" = out/<name>
	workers         int
	seed            uint64
	seedSet         bool
	quiet           bool
	resume          bool
	precision       float64 // target relative half-width; 0 = fixed replications
	maxReplications int
	sla             stats.SLA        // judged per sweep point in the summary, plot and report
	shard, shards   int              // shards == 0: not sharded
	rates           *pricing.Overlay // rate cards and tiers over the built-in ones
	args            []string
	// afterJob, for tests, is called after each finished run is saved with the number
	// finished so far: a test cancels the context from it to interrupt a sweep at an
	// exact point, where a sleep would race.
	afterJob func(done int)
}

func runScenario(ctx context.Context, e *env, o runOptions) error {
	if o.sla.Metric == "" {
		sla, err := slaTarget(defaultSLA)
		if err != nil {
			panic("spendsim: default SLA: " + err.Error())
		}
		o.sla = sla
	}
	ref := o.ref
	if ref == "" {
		ref = scenarios.DefaultName
	}
	sc, _, err := scenarios.Load(ref)
	if err != nil {
		return err
	}
	seed, fresh := scenarios.PickSeed(o.seed, o.seedSet, sc.Seed)
	if fresh {
		// Every shard must draw the same sweep, and a resumed run the same runs; a
		// seed picked afresh here would differ each time.
		if o.shards > 0 {
			return usagef("%s has no seed, and every shard must use the same one: add seed: to the scenario or pass --seed S to each shard", ref)
		}
		if o.resume {
			return usagef("%s has no seed: --resume needs the seed the interrupted run printed (--seed S)", ref)
		}
	}
	sc.Seed = seed
	if fresh && !o.quiet {
		e.noteSeed(seed)
	}
	out := o.out
	if out == "" {
		out = filepath.Join("out", sc.Name)
	}
	if o.precision > 0 && sc.Replications < 2 {
		sc.Replications = 2 // an interval needs two
	}
	if o.precision > 0 && sc.Replications > o.maxReplications {
		return usagef("--max-replications %d is below the scenario's %d replications", o.maxReplications, sc.Replications)
	}
	jobs, err := sc.Jobs(seed, o.rates)
	if err != nil {
		return err
	}
	key, err := checkpointKey(sc, o.rates)
	if err != nil {
		return err
	}
	partial := filepath.Join(out, reports.PartialDir, "all")
	if o.shards > 0 {
		partial = filepath.Join(out, reports.PartialDir, fmt.Sprintf("shard-%d-of-%d", o.shard, o.shards))
	}
	cp, err := reports.OpenCheckpoint(partial, key, o.resume)
	if err != nil {
		return err
	}
	x := &executor{e: e, o: o, cp: cp, done: map[string]finished{}}
	defer x.stopProgress()
	started := time.Now()

	if o.shards > 0 {
		var mine []sim.Job
		for i := range jobs {
			if i%o.shards == o.shard {
				mine = append(mine, jobs[i])
			}
		}
		runs, days, err := x.run(ctx, mine)
		if err != nil {
			return err
		}
		x.stopProgress()
		op, err := reports.NewOutput(out, e.version)
		if err != nil {
			return err
		}
		err = op.WriteShard(reports.Simulation{
			Name: sc.Name, Scenario: sc, Seed: seed, Args: o.args,
			Runs: runs, Days: days, HorizonDays: float64(sc.Days),
		}, o.shard, o.shards, len(jobs))
		if err != nil {
			return err
		}
		if err := cp.Remove(); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: shard %d of %d (the jobs whose number mod %d is %d): %d of %d runs, seed %d, written to %s\n",
			sc.Name, o.shard, o.shards, o.shards, o.shard, len(runs), len(jobs), seed, filepath.Join(out, reports.ShardManifestPath(o.shard, o.shards)))
		fmt.Fprintf(e.stdout, "when all %d shards have finished: spendsim merge %s\n", o.shards, out)
		if !o.quiet {
			fmt.Fprintf(e.stderr, "%d runs in %.1fs\n", len(runs)-x.loaded, time.Since(started).Seconds())
		}
		return nil
	}

	runs, days, err := x.run(ctx, jobs)
	for err == nil && o.precision > 0 {
		var more bool
		more, err = x.morePrecision(sc, runs)
		if err != nil || !more {
			break
		}
		if jobs, err = sc.Jobs(seed, o.rates); err != nil {
			break
		}
		runs, days, err = x.run(ctx, jobs)
	}
	if err != nil {
		return err
	}
	x.stopProgress()
	summary, err := writeRunOutputs(out, sc, seed, runs, days, e.version, o.args, o.sla)
	if err != nil {
		return err
	}
	if err := cp.Remove(); err != nil {
		return err
	}
	reports.WriteRunTable(e.stdout, summary, reports.RunInfo{Seed: seed, Start: sc.Start, Days: sc.Days, Timezone: sc.Timezone})
	if !o.quiet {
		note := ""
		if x.loaded > 0 {
			note = fmt.Sprintf(" (%d more resumed from %s)", x.loaded, partial)
		}
		fmt.Fprintf(e.stderr, "%d runs in %.1fs%s; results in %s\n", len(runs)-x.loaded, time.Since(started).Seconds(), note, out)
	}
	return nil
}

// finished is one run's results.
type finished struct {
	run  sim.RunResult
	days []sim.DayRow
}

// executor runs jobs for one `spendsim run`, saving each finished run to the
// checkpoint, reusing saved ones on --resume and ones already run in an earlier batch
// of --precision, and showing progress.
type executor struct {
	e      *env
	o      runOptions
	cp     *reports.Checkpoint
	done   map[string]finished // by run id
	loaded int                 // runs taken from the checkpoint rather than run
	count  int                 // runs finished in this process, for the test hook
	bar    *progressBar
}

// run returns the results of jobs, in job order, running those not done yet.
func (x *executor) run(ctx context.Context, jobs []sim.Job) ([]sim.RunResult, []sim.DayRow, error) {
	var todo []sim.Job
	for _, j := range jobs {
		if _, ok := x.done[j.ID]; ok {
			continue
		}
		if x.o.resume {
			r, d, ok, err := x.cp.Load(j.ID, j.Seed)
			if err != nil {
				return nil, nil, err
			}
			if ok {
				x.done[j.ID] = finished{r, d}
				x.loaded++
				continue
			}
		}
		todo = append(todo, j)
	}
	if len(todo) > 0 {
		if x.bar == nil && !x.o.quiet {
			x.bar = newProgressBar(x.e.stderr)
		}
		x.bar.grow(len(todo))
		var mu sync.Mutex
		err := sim.RunEach(ctx, todo, x.o.workers, func(_ int, r sim.RunResult, d []sim.DayRow) error {
			if err := x.cp.Save(r, d); err != nil {
				return err
			}
			mu.Lock()
			x.done[r.RunID] = finished{r, d}
			x.count++
			n := x.count
			mu.Unlock()
			x.bar.increment()
			if x.o.afterJob != nil {
				x.o.afterJob(n)
			}
			return nil
		})
		if err != nil {
			x.stopProgress()
			if ctx.Err() != nil && !x.o.quiet {
				fmt.Fprintf(x.e.stderr, "interrupted; the %d runs finished so far are kept in %s: run again with --resume to go on\n",
					len(x.done), x.cp.Dir)
			}
			return nil, nil, err
		}
	}
	runs := make([]sim.RunResult, len(jobs))
	var days []sim.DayRow
	for i, j := range jobs {
		f := x.done[j.ID]
		runs[i] = f.run
		days = append(days, f.days...)
	}
	return runs, days, nil
}

// morePrecision decides whether --precision needs more replications and, if so, raises
// sc.Replications. The next count comes from the spread seen so far (never more than
// doubling, since early spreads are rough), and only from the results, never from the
// worker count, so the same seed stops at the same count on any machine.
func (x *executor) morePrecision(sc *scenarios.Scenario, runs []sim.RunResult) (bool, error) {
	prec, err := stats.Precision(runs, x.o.precision)
	if err != nil {
		return false, err
	}
	worst, need := prec[0], 0
	reached := true
	for _, p := range prec {
		if !(p.Relative < x.o.precision || p.Relative == 0) {
			reached = false
		}
		if p.Relative > worst.Relative || math.IsNaN(p.Relative) {
			worst = p
		}
		need = max(need, p.Needed)
	}
	r := sc.Replications
	if reached || r >= x.o.maxReplications {
		if !x.o.quiet {
			x.stopProgress()
			verdict := "reached"
			if !reached {
				verdict = fmt.Sprintf("NOT reached at --max-replications %d", x.o.maxReplications)
			}
			fmt.Fprintf(x.e.stderr, "precision %s: %d replications per point; widest 95%% interval ±%.2f%% of the mean total cost (%s)\n",
				verdict, r, 100*worst.Relative, worst.PointID)
		}
		return false, nil
	}
	sc.Replications = min(x.o.maxReplications, max(r+1, min(need, 2*r)))
	return true, nil
}

func (x *executor) stopProgress() {
	x.bar.stop()
	x.bar = nil
}

// checkpointKey fingerprints what a run's results depend on: the resolved scenario and
// its seed. The replication count is left out: replication r of a point is the same
// run whatever the count, which lets --precision resume.
func checkpointKey(sc *scenarios.Scenario, rates *pricing.Overlay) (string, error) {
	c := *sc
	c.Replications = 0
	b, err := json.Marshal(&c)
	if err != nil {
		return "", err
	}
	// Runs billed with other rate files are other runs.
	if rates != nil {
		b = append(b, rates.Digest...)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8]), nil
}

// shardSpec resolves --shard K/N, or --shards N with K from the batch system's array
// index, into (K, N); N = 0 means not sharded.
func shardSpec(shard string, shards int, getenv func(string) string) (int, int, error) {
	switch {
	case shard != "" && shards != 0:
		return 0, 0, usagef("give --shard K/N or --shards N, not both")
	case shard != "":
		ks, ns, ok := strings.Cut(shard, "/")
		k, err1 := strconv.Atoi(ks)
		n, err2 := strconv.Atoi(ns)
		if !ok || err1 != nil || err2 != nil {
			return 0, 0, usagef("--shard %q: want K/N, like 0/4 (K counts from 0)", shard)
		}
		if n < 1 || k < 0 || k >= n {
			return 0, 0, usagef("--shard %q: want 0 <= K < N (K counts from 0)", shard)
		}
		return k, n, nil
	case shards != 0:
		if shards < 1 {
			return 0, 0, usagef("--shards must be >= 1, got %d", shards)
		}
		for _, name := range []string{"JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"} {
			v := getenv(name)
			if v == "" {
				continue
			}
			k, err := strconv.Atoi(v)
			if err != nil || k < 0 || k >= shards {
				return 0, 0, usagef("--shards %d: %s=%q is not a shard number from 0 to %d (a Slurm array needs --array=0-%d)",
					shards, name, v, shards-1, shards-1)
			}
			return k, shards, nil
		}
		return 0, 0, usagef("--shards %d: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID is set; give --shard K/%d", shards, shards)
	}
	return 0, 0, nil
}

// writeRunOutputs writes every output file; each appears under its final name only
// when complete, and manifest.json, written last, marks a complete set.
func writeRunOutputs(out string, sc *scenarios.Scenario, seed uint64, runs []sim.RunResult, flat []sim.DayRow, version string, args []string, sla stats.SLA) (stats.Summary, error) {
	o, err := reports.NewOutput(out, version)
	if err != nil {
		return stats.Summary{}, err
	}
	err = o.WriteSimulation(reports.Simulation{
		Name: sc.Name, Scenario: sc, Seed: seed, Args: args,
		Runs: runs, Days: flat, HorizonDays: float64(sc.Days), SLA: &sla,
	})
	if err != nil {
		return stats.Summary{}, err
	}
	s, err := stats.Summarize(sc.Name, runs)
	if err != nil {
		return stats.Summary{}, err
	}
	return s, s.JudgeSLA(sla)
}

// defaultSLA is the target of run and merge without --sla.
const defaultSLA = "p90<=24h"

// slaTarget reads --sla.
func slaTarget(expr string) (stats.SLA, error) {
	t, err := stats.ParseSLA(expr)
	if err != nil {
		return stats.SLA{}, usagef("--sla: %v", err)
	}
	return t, nil
}

// progressBar shows finished runs with an ETA on stderr when it is a terminal, from two
// seconds in, so a quick run leaves no trace; a nil *progressBar does nothing.
type progressBar struct {
	p     *mpb.Progress
	bar   *mpb.Bar
	timer *time.Timer
	total int64
}

func newProgressBar(w io.Writer) *progressBar {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil // logs and CI stay clean
	}
	delay := make(chan any)
	p := mpb.New(mpb.WithOutput(f), mpb.WithWidth(40), mpb.WithRenderDelay(delay))
	bar := p.AddBar(0,
		mpb.PrependDecorators(decor.Name("runs "), decor.CountersNoUnit("%d/%d")),
		mpb.AppendDecorators(decor.Elapsed(decor.ET_STYLE_GO), decor.Name(" elapsed, about "),
			decor.AverageETA(decor.ET_STYLE_GO), decor.Name(" left")),
	)
	return &progressBar{p: p, bar: bar, timer: time.AfterFunc(2*time.Second, func() { close(delay) })}
}

// grow adds n runs to the total (--precision adds batches as it goes).
func (b *progressBar) grow(n int) {
	if b == nil {
		return
	}
	b.total += int64(n)
	b.bar.SetTotal(b.total, false)
}

func (b *progressBar) increment() {
	if b != nil {
		b.bar.Increment()
	}
}

// stop ends the bar and waits until it is drawn for the last time, so that what is
// printed next starts on a line of its own.
func (b *progressBar) stop() {
	if b == nil {
		return
	}
	b.timer.Stop()
	if b.bar.Current() >= b.total {
		b.bar.SetTotal(b.total, true)
	} else {
		b.bar.Abort(false)
	}
	b.p.Wait()
}
