package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/cmdline"
	"github.com/spendsim/spendsim/internal/rebill"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios/trace"
)

func reconcileCommand(e *env) *cli.Command {
	// The replay's own flags (how to read the log, how to bill it, the rate files),
	// but the trace is optional here and --out, --quiet and --restaff are reconcile's
	// or not offered. Nor are --shard, --shards, --passes, --point, --outputs and
	// --max-memory, which reconcile would accept and ignore: a log too big for one pass
	// is replayed with `replay --passes N` (or sharded and merged), then reconciled
	// with --replay DIR; reconcile reads the messages.parquet it writes. --pricing
	// names one era: one bill is set beside Meta's.
	var flags []cli.Flag
	for _, f := range replayCommand(e).Flags {
		switch f.Names()[0] {
		case "trace", "out", "quiet", "restaff", "shard", "shards", "passes", "point", "outputs", "max-memory":
			continue
		case "pricing":
			f = onePricing(f, "the pricing `ERA` to bill the log under (with --trace), one of "+billing.EraNames())
		}
		flags = append(flags, f)
	}
	flags = append([]cli.Flag{
		traceFlag("the log to replay and reconcile (or --replay DIR)"), // a webhook log carries Meta's pricing objects
		&cli.StringFlag{Name: "replay", Usage: "a replay's output `DIR` to reconcile instead of --trace (its messages.parquet), in the replay's currency and time zone; give the rate files the replay had (--rates, --tiers)"},
		&cli.StringSliceFlag{Name: "analytics", Aliases: []string{"a"}, Usage: "Meta's pricing_analytics or conversation_analytics response `FILE` (one or many pages; repeatable)"},
		&cli.StringFlag{Name: "tolerance", Value: "0", DefaultText: "0, to the micro", Usage: "how far an `AMOUNT` (in the bill's currency, like 0.01) may differ per row and still agree"},
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
			// With --replay DIR the log was read and billed: how to do it changes nothing.
			for _, n := range slices.Concat([]string{"pricing", "primary-country", "auth-intl-from", "service-allowance", "workers",
				"account-per-number", "accounts", "entry-point-hours"}, readFlagNames) {
				if c.String("replay") != "" && c.IsSet(n) {
					return usagef("--%s has no effect with --replay DIR, whose bill is already made: give it to the replay (spendsim replay --%s …), then reconcile its folder", n, n)
				}
			}
			tol, err := money.Parse(c.String("tolerance"))
			if err != nil || tol < 0 {
				return usagef("--tolerance %q is not an amount such as 0.01", c.String("tolerance"))
			}
			var rp *rebill.Replayed
			if dir := c.String("replay"); dir != "" {
				if rp, err = readReplayed(c, dir); err != nil {
					return err
				}
			}
			opts, user, acc, err := billingOptions(c)
			if err != nil {
				return err
			}
			if rp != nil {
				if err := rp.CheckRateFiles(user.Files); err != nil {
					return usageError{err}
				}
			}
			var traces []string
			var read trace.Options
			if c.String("replay") == "" {
				if traces, read, err = traceOptions(c); err != nil {
					return err
				}
			}
			o := rebill.ReconcileOptions{From: c.String("replay"), Replayed: rp, Analytics: c.StringSlice("analytics"), Tolerance: tol, Out: c.String("out"),
				Replay: rebill.Options{Traces: traces, Read: read, Billing: opts, Pricing: c.String("pricing"), Rates: user.Name, RateFiles: user.Files, Version: e.version,
					Args: e.manifestArgs(c), MappingFile: c.String("mapping"), Accounts: acc.input(), Workers: c.Int("workers")}}
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
			if res.Replay != nil { // what reading the log left out, as replay says it
				reports.WriteReadNotes(e.stderr, res.Replay.Counts())
				noteOneAccount(c, e.stderr, res.Replay)
			}
			reports.WriteReconcileTable(e.stdout, &res.Report, c.Int("show"))
			reports.WriteReconcileNotes(e.stderr, &res.Report, o.From != "")
			if err := res.Report.Err(); err != nil {
				return fmt.Errorf("%w: see %s", err, filepath.Join(o.Out, reports.ReconcileJSONFile))
			}
			return nil
		},
	}
}

// readReplayed reads how the replay in dir was made, refuses a --currency,
// --timezone or --at-send-time that says otherwise (a usage error), and sets each to
// the replay's.
func readReplayed(c *cli.Context, dir string) (*rebill.Replayed, error) {
	rp, err := rebill.ReadReplayed(dir, cmdline.Of(c.App.Flags), cmdline.Commands(c.App))
	if err != nil {
		return nil, err
	}
	for _, f := range [][2]string{{"currency", rp.Currency}, {"timezone", rp.Timezone}, {"at-send-time", strconv.FormatBool(rp.AtSendTime)}} {
		if c.IsSet(f[0]) {
			if err := rp.CheckFlag(f[0], c.String(f[0])); err != nil {
				return nil, usageError{err}
			}
		}
		if err := c.Set(f[0], f[1]); err != nil {
			return nil, err
		}
	}
	return rp, nil
}
