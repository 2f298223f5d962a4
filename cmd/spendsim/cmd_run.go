package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/progress"
	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/sweep"
	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
	"github.com/spendsim/spendsim/sim"
)

func runCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:        "run",
		Usage:       "simulate a scenario (default: the embedded retail-month) and write results",
		ArgsUsage:   "[SCENARIO.yaml | NAME]",
		Description: helpText("run"),
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output `DIR` (default: out/<scenario name>)"},
			&cli.IntFlag{Name: "workers", Aliases: []string{"w"}, Usage: "parallel runs, at most 1024", DefaultText: "all cores"},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed", DefaultText: "the scenario's; if none, a fresh one, printed"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress or notes on stderr"},
			&cli.StringFlag{Name: "sla", Value: defaultSLA, Usage: "service-level target `EXPR` the cheapest point must meet, like 'p90<=1h' or 'in_window>=0.95'"},
			&cli.StringFlag{Name: "precision", Usage: "replicate until every point's 95% interval of mean total cost is within `SHARE` of the mean (2% or 0.02)"},
			&cli.IntFlag{Name: "max-replications", Value: 200, Usage: "cap on replications per point with --precision"},
			&cli.BoolFlag{Name: "resume", Usage: "reuse the runs an interrupted run of the same scenario and seed finished"},
			&cli.StringFlag{Name: "shard", Usage: "run only shard `K/N`: jobs whose number mod N is K (K from 0)"},
			&cli.IntFlag{Name: "shards", Usage: "split into `N` shards, this one's K from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID", DefaultText: "unsharded"},
			memoryFlag(),
		}, rateFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usagef("run takes at most one scenario, got %d arguments", c.NArg())
			}
			if err := checkWorkers(c); err != nil {
				return err
			}
			o := sweep.Options{Version: e.version, Args: e.manifestArgs(c), Workers: c.Int("workers"), Command: e.commandLine(),
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
	o.FreshSeed = fresh
	if fresh && !quiet {
		e.noteSeed(seed)
	}
	if n := sc.AuthIntlNote(); n != "" && !quiet {
		fmt.Fprintln(e.stderr, "note: "+n)
	}
	if o.Out = c.String("out"); o.Out == "" {
		o.Out = filepath.Join("out", sc.Name)
	}
	resume := "--resume"
	if fresh {
		resume = fmt.Sprintf("--resume --seed %d", seed)
	}
	e.kept.Runs(sweep.CheckpointDir(o.Out, o.Shard, o.Shards), resume, sweep.KeptRuns)
	if o.Precision > 0 && sc.Replications > o.MaxReplications {
		return usagef("--max-replications %d is below the scenario's %s", o.MaxReplications, words.Count(sc.Replications, "replication"))
	}
	planned := *sc
	if o.Precision > 0 {
		planned.Replications = o.MaxReplications // --precision may replicate up to it
	}
	if err := checkMemory(c, &planned, ref, o.Workers); err != nil {
		return err
	}
	// Even with -q, as replay's note of a flag that changed nothing.
	if h := sc.Business.EntryPointHours; h != 0 {
		jobs, err := sc.Jobs(sc.Seed, o.Rates)
		if err != nil {
			return err
		}
		if !entryPointV1Can(jobs) {
			fmt.Fprintf(e.stderr, "note: %s's business.entry_point_hours %d changes nothing: it sets the length of CBP 2022's free entry point conversations alone, and no run can open one (none has customers coming through an ad or Page button, load.entry_points, while it bills under CBP 2022's rules: pricing cbp-2022, or auto on dates from %s to %s)\n",
				sc.Name, h, billing.EraCBP2022.Start().Format(time.DateOnly), cbp2022Last().Format(time.DateOnly))
		}
	}
	p := &progress.Runs{W: e.stderr, Quiet: quiet}
	o.Progress = p
	started := time.Now()
	res, err := sweep.Run(c.Context, sc, o)
	p.Stop()
	if err != nil {
		return err
	}
	if o.Shards > 0 {
		fmt.Fprintf(e.stdout, "%s: shard %d of %d (the jobs whose number mod %d is %d): %d of %s, seed %d, written to %s\n",
			sc.Name, o.Shard, o.Shards, o.Shards, o.Shard, res.Runs, words.Count(res.Jobs, "run"), seed, filepath.Join(o.Out, sweep.ShardManifestPath(o.Shard, o.Shards)))
		fmt.Fprintln(e.stdout, sweep.MergeNote(o.Shards, o.Out, nil))
		if !quiet {
			fmt.Fprintf(e.stderr, "%s in %.1fs\n", words.Count(res.Runs-res.Resumed, "run"), time.Since(started).Seconds())
		}
		return nil
	}
	reports.WriteRunTable(e.stdout, res.Summary, res.RunInfo)
	if !quiet {
		note := ""
		if res.Resumed > 0 {
			note = fmt.Sprintf(" (%d more resumed from %s)", res.Resumed, res.Checkpoint)
		}
		fmt.Fprintf(e.stderr, "%s in %.1fs%s; results in %s\n", words.Count(res.Runs-res.Resumed, "run"), time.Since(started).Seconds(), note, o.Out)
	}
	return nil
}

// entryPointV1Can reports whether a CBP 2022 free entry point conversation may open in
// any of jobs, so that a length given for it (billing.Options.EntryPointV1) may change
// the bill: a run whose customers come through an ad or Page button, billed under
// CBP 2022's rules on some day from its warm-up to a month after its horizon (the drain
// answers the last conversations after it).
func entryPointV1Can(jobs []sim.Job) bool {
	for _, j := range jobs {
		c := j.Config
		if !c.EntryPoints.Any() {
			continue
		}
		switch era := c.Billing.Era; era {
		case billing.EraCBP2022:
			return true
		case billing.EraAuto:
			first := billing.EraAt(c.Start-c.Warmup, c.Location)
			last := billing.EraAt(c.End+31*model.Day, c.Location)
			if first <= billing.EraCBP2022 && billing.EraCBP2022 <= last {
				return true
			}
		}
	}
	return false
}

// cbp2022Last is the last day of the CBP 2022 era.
func cbp2022Last() time.Time {
	next, _ := billing.EraCBP2022.Next()
	return next.Start().AddDate(0, 0, -1)
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
