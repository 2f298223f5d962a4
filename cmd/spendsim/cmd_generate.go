package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/sweep"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/scenarios"
	"github.com/spendsim/spendsim/scenarios/trace"
)

func generateCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:        "generate",
		Usage:       "simulate one run of a scenario and write every message it produced as a trace",
		ArgsUsage:   "SCENARIO.yaml | NAME",
		Description: helpText("generate"),
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "trace `FILE` to write: .csv, .jsonl or .parquet (required)"},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed", DefaultText: "the scenario's; if none, a fresh one, printed"},
			&cli.StringFlag{Name: "point", Usage: "sweep point to simulate: its `ID` (point_id) or its label, as `spendsim run`'s table shows it (default: the first)"},
			&cli.StringFlag{Name: "format", Usage: "csv, jsonl or parquet (default: by the extension of -o)"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no notes on stderr"},
		}, rateFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("generate takes one scenario (a file or an embedded name), got %d arguments", c.NArg())
			}
			if err := required(c, "out"); err != nil {
				return err
			}
			o := generateOptions{
				ref: c.Args().First(), out: c.String("out"), point: c.String("point"),
				format: c.String("format"), quiet: c.Bool("quiet"),
			}
			if c.IsSet("seed") {
				o.seed, o.seedSet = c.Uint64("seed"), true
			}
			var err error
			if o.rates, err = readUserRates(c); err != nil {
				return err
			}
			o.rateArgs = rateArgs(c)
			sc, g, err := generate(c.Context, e, o)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s: point %s, replication 0, seed %d (run seed %d): %d messages (%d from users, %d from the business) written to %s\n",
				sc.Name, g.Point.Named(o.point), sc.Seed, g.RunSeed, g.Messages, g.UserMessages, g.Messages-g.UserMessages, o.out)
			// The amount for people, and to the micro what the replay's summary.json
			// total_micros will say.
			fmt.Fprintf(e.stdout, "messaging spend %s %s (total_micros %d)\n", money.Cents(g.Spend), g.Currency, g.Spend)
			fmt.Fprintf(e.stdout, "bill it again: %s\n", g.Point.Scenario.ReplayCommand(o.out, o.rateArgs))
			return nil
		},
	}
}

// generateOptions is what `spendsim generate` was asked to do.
type generateOptions struct {
	ref, out, point, format string
	seed                    uint64
	seedSet, quiet          bool
	rates                   *pricing.Overlay // rate cards and tiers over the built-in ones
	rateArgs                []string         // the rate flags as given
}

func generate(ctx context.Context, e *env, o generateOptions) (*scenarios.Scenario, *sweep.Generated, error) {
	if _, err := trace.WriterFormat(o.out, o.format); err != nil {
		return nil, nil, usagef("-o %s: %v (or pass --format csv, jsonl or parquet)", o.out, err)
	}
	if st, err := os.Stat(o.out); err == nil && st.IsDir() {
		// Refused before the run, not after it at the rename.
		return nil, nil, usagef("-o %s is a folder; generate writes one trace file: name a file in it, like %s", o.out, filepath.Join(o.out, "trace.csv"))
	}
	sc, _, err := scenarios.Load(o.ref)
	if err != nil {
		return nil, nil, err
	}
	seed, fresh := scenarios.PickSeed(o.seed, o.seedSet, sc.Seed)
	if fresh && !o.quiet {
		e.noteSeed(seed)
	}
	sc.Seed = seed
	p, err := sc.PointByID(o.point)
	if err != nil {
		if o.point != "" {
			return nil, nil, usagef("--point %v", err)
		}
		return nil, nil, err
	}
	g, err := sweep.GenerateFile(ctx, sc, p, o.rates, o.out, o.format, e.version)
	return sc, g, err
}
