package main

import (
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/rebill"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios/trace"
)

func reconcileCommand(e *env) *cli.Command {
	// The replay's own flags (how to read the log, how to bill it, the rate files),
	// but the trace is optional here and --out, --quiet and --restaff are reconcile's
	// or not offered. Nor are --shard, --shards, --passes and --point, which reconcile
	// would accept and ignore: a log too big for one pass is replayed with
	// `replay --passes N` (or sharded and merged), then reconciled with --replay DIR.
	var flags []cli.Flag
	for _, f := range replayCommand(e).Flags {
		switch f.Names()[0] {
		case "trace", "out", "quiet", "restaff", "shard", "shards", "passes", "point":
			continue
		}
		flags = append(flags, f)
	}
	flags = append([]cli.Flag{
		traceFlag(), // a log to replay and reconcile (a webhook log carries Meta's pricing objects)
		&cli.StringFlag{Name: "replay", Usage: "a replay's output `DIR` to reconcile instead (its messages.parquet); give the rate flags the replay had"},
		&cli.StringSliceFlag{Name: "analytics", Aliases: []string{"a"}, Usage: "Meta's pricing_analytics or conversation_analytics response `FILE` (one or many pages; repeatable)"},
		&cli.StringFlag{Name: "tolerance", Value: "0", Usage: "how far an `AMOUNT` may differ per row and still agree, in the bill's currency (0.01)"},
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output `DIR`, a set of its own (default: the --replay folder with -reconcile added, or out/<trace name>-reconcile)"},
		&cli.IntFlag{Name: "show", Value: 20, Usage: "differing messages to list in the terminal (all are in reconcile.parquet)"},
	}, flags...)
	return &cli.Command{
		Name:        "reconcile",
		Usage:       "set a replayed bill beside Meta's own pricing: the log's pricing objects and its analytics",
		ArgsUsage:   " ",
		Description: helpText("reconcile"),
		Flags:       flags,
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("reconcile takes no arguments (got %q); give the log with --trace or a replay's folder with --replay", c.Args().First())
			}
			if err := checkWorkers(c); err != nil {
				return err
			}
			if (len(c.StringSlice("trace")) == 0) == (c.String("replay") == "") {
				return usagef("give one of --trace LOG (replay it now) or --replay DIR (a replay's output)")
			}
			tol, err := money.Parse(c.String("tolerance"))
			if err != nil || tol < 0 {
				return usagef("--tolerance %q is not an amount such as 0.01", c.String("tolerance"))
			}
			opts, user, err := billingOptions(c)
			if err != nil {
				return err
			}
			var traces []string
			var read trace.Options
			if c.String("replay") == "" {
				if traces, read, err = traceOptions(c); err != nil {
					return err
				}
			}
			o := rebill.ReconcileOptions{From: c.String("replay"), Analytics: c.StringSlice("analytics"), Tolerance: tol, Out: c.String("out"),
				Replay: rebill.Options{Traces: traces, Read: read, Billing: opts, Pricing: c.String("pricing"), Rates: user.Name, RateFiles: user.Files, Version: e.version,
					Args: e.manifestArgs(c), MappingFile: c.String("mapping"), Workers: c.Int("workers")}}
			switch {
			case o.Out != "":
			case o.From != "":
				// Beside the replay, not over it: a folder holds one output set.
				o.Out = filepath.Clean(o.From) + "-reconcile"
			default:
				o.Out = reports.DefaultDir(trace.BaseName(traces[0]) + "-reconcile")
			}
			res, err := rebill.Reconcile(c.Context, o)
			if err != nil {
				return err
			}
			reports.WriteReconcileTable(e.stdout, &res.Report, c.Int("show"))
			if err := res.Report.Err(); err != nil {
				return fmt.Errorf("%w: see %s", err, filepath.Join(o.Out, reports.ReconcileJSONFile))
			}
			return nil
		},
	}
}
