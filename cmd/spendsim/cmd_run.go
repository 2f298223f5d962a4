package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/sweep"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
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
   manifest.json      the resolved scenario, seeds, tool and library versions, and
                      every other file with its SHA-256 (written last: a complete set)
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
or p99 <= a duration, or in_window or answered >= a share. Every conversation counts: a
percentile is over all that arrived, those never answered (abandoned, a dropped late
reply, nobody on duty) counting as not answered in any time, so p90<=24h needs nine in
ten answered within the day.

A run follows the conversations that arrive inside its horizon to their end: the
customers still waiting when it closes are answered on the shifts after it (no new
conversations come) and their replies are billed to the run, dated when sent
(daily.parquet marks those days after_horizon); staffing is the horizon's shifts. A
scenario's warmup: 7d is simulated before start and counts nothing.

Finished runs are kept in --out/.partial/ as they complete, so a run that was killed
or interrupted (Ctrl-C, SIGTERM: it stops within a second) picks up where it stopped
with --resume (same scenario and seed) and writes the same bytes as if it had never
stopped. .partial/ is removed at the end. Until then --out keeps its previous files,
whole; a second command writing to the same --out fails at once.

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
   spendsim run my.yaml --shard 0/2 --out /shared/out   # first of two shards
   JOB_COMPLETION_INDEX=1 spendsim run my.yaml --shards 2 --out /shared/out   # K from a Kubernetes Indexed Job
   spendsim merge /shared/out                    # once both have finished`,
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
			memoryFlag(),
		}, rateFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usagef("run takes at most one scenario, got %d arguments", c.NArg())
			}
			if c.Int("workers") < 0 {
				return usagef("--workers must be >= 0, got %d", c.Int("workers"))
			}
			o := sweep.Options{Version: e.version, Args: c.Args().Slice(), Workers: c.Int("workers"),
				Resume: c.Bool("resume"), MaxReplications: c.Int("max-replications")}
			var err error
			if o.SLA, err = slaTarget(c.String("sla")); err != nil {
				return err
			}
			if o.Rates, err = readUserRates(c); err != nil {
				return err
			}
			if c.IsSet("precision") {
				if o.Precision, err = stats.ParseShare(c.String("precision")); err != nil {
					return usagef("--precision: %v", err)
				}
			}
			if o.MaxReplications < 2 || o.MaxReplications > 100_000 {
				return usagef("--max-replications must be between 2 and 100000, got %d", o.MaxReplications)
			}
			if o.Shard, o.Shards, err = shardSpec(c.String("shard"), c.Int("shards"), os.Getenv); err != nil {
				return err
			}
			if o.Shards > 0 && c.IsSet("sla") {
				return usagef("--sla has no effect on a shard, which writes no summary or plot: give it to spendsim merge")
			}
			if o.Shards > 0 && o.Precision > 0 {
				return usagef("--precision cannot be used with sharding: shards cannot see each other's replications to decide when to stop; use fixed replications in the scenario")
			}
			return runScenario(c, e, o)
		},
	}
}

// runScenario loads the scenario, settles its seed and output folder, and runs the
// sweep o describes.
func runScenario(c *cli.Context, e *env, o sweep.Options) error {
	ref, quiet := c.Args().First(), c.Bool("quiet")
	if ref == "" {
		ref = scenarios.DefaultName
	}
	sc, _, err := scenarios.Load(ref)
	if err != nil {
		return err
	}
	seed, fresh := scenarios.PickSeed(c.Uint64("seed"), c.IsSet("seed"), sc.Seed)
	if fresh {
		// Every shard must draw the same sweep, and a resumed run the same runs; a
		// seed picked afresh here would differ each time.
		if o.Shards > 0 {
			return usagef("%s has no seed, and every shard must use the same one: add seed: to the scenario or pass --seed S to each shard", ref)
		}
		if o.Resume {
			return usagef("%s has no seed: --resume needs the seed the interrupted run printed (--seed S)", ref)
		}
	}
	sc.Seed = seed
	if fresh && !quiet {
		e.noteSeed(seed)
	}
	if o.Out = c.String("out"); o.Out == "" {
		o.Out = filepath.Join("out", sc.Name)
	}
	if o.Precision > 0 && sc.Replications > o.MaxReplications {
		return usagef("--max-replications %d is below the scenario's %d replications", o.MaxReplications, sc.Replications)
	}
	planned := *sc
	if o.Precision > 0 {
		planned.Replications = o.MaxReplications // --precision may replicate up to it
	}
	if err := checkMemory(c, &planned, ref, o.Workers); err != nil {
		return err
	}
	p := &progress{w: e.stderr, quiet: quiet}
	o.Progress = p
	started := time.Now()
	res, err := sweep.Run(c.Context, sc, o)
	p.stop()
	if err != nil {
		return err
	}
	if o.Shards > 0 {
		fmt.Fprintf(e.stdout, "%s: shard %d of %d (the jobs whose number mod %d is %d): %d of %d runs, seed %d, written to %s\n",
			sc.Name, o.Shard, o.Shards, o.Shards, o.Shard, res.Runs, res.Jobs, seed, filepath.Join(o.Out, sweep.ShardManifestPath(o.Shard, o.Shards)))
		fmt.Fprintf(e.stdout, "when all %d shards have finished: spendsim merge %s\n", o.Shards, o.Out)
		if !quiet {
			fmt.Fprintf(e.stderr, "%d runs in %.1fs\n", res.Runs-res.Resumed, time.Since(started).Seconds())
		}
		return nil
	}
	reports.WriteRunTable(e.stdout, res.Summary, res.RunInfo)
	if !quiet {
		note := ""
		if res.Resumed > 0 {
			note = fmt.Sprintf(" (%d more resumed from %s)", res.Resumed, res.Checkpoint)
		}
		fmt.Fprintf(e.stderr, "%d runs in %.1fs%s; results in %s\n", res.Runs-res.Resumed, time.Since(started).Seconds(), note, o.Out)
	}
	return nil
}

// shardSpec is sweep.ParseShard, its errors the user's to fix on the command line.
func shardSpec(shard string, shards int, getenv func(string) string) (int, int, error) {
	k, n, err := sweep.ParseShard(shard, shards, getenv)
	if err != nil {
		return 0, 0, usageError{err}
	}
	return k, n, nil
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
