package main

import (
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/progress"
	"github.com/spendsim/spendsim/internal/sweep"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
)

func compareCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:        "compare",
		Usage:       "run two variants on the same customers and report the paired difference",
		ArgsUsage:   "A.yaml [B.yaml]",
		Description: helpText("compare"),
		Flags: append([]cli.Flag{
			&cli.IntFlag{Name: "replications", Aliases: []string{"r"}, Value: 10, Usage: "paired replications `R` (at least 2)"},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed", DefaultText: "A's, else B's; if none, a fresh one, printed"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output `DIR` (default: out/compare-<A>-vs-<B>)"},
			&cli.StringFlag{Name: "pricing-b", Usage: "bill B (default: A itself) under `ERA`"},
			&cli.IntFlag{Name: "workers", Aliases: []string{"w"}, Usage: "parallel runs, at most 1024", DefaultText: "all cores"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no notes on stderr"},
			memoryFlag(),
		}, rateFlags()...),
		Action: func(c *cli.Context) error {
			n := c.NArg()
			if n < 1 || n > 2 || (n == 1 && !c.IsSet("pricing-b")) {
				return usagef("compare takes two scenarios (A B), or one with --pricing-b ERA; got %d arguments", n)
			}
			if r := c.Int("replications"); r < 2 || r > 100_000 {
				return usagef("--replications must be between 2 and 100000 (an interval needs two), got %d", r)
			}
			if err := checkWorkers(c); err != nil {
				return err
			}
			rates, err := readUserRates(c)
			if err != nil {
				return err
			}
			return compareScenarios(c, e, rates)
		},
	}
}

// compareScenarios loads A and B (B is A with --pricing-b and one argument), settles
// the shared seed and the output folder, and runs the comparison.
func compareScenarios(c *cli.Context, e *env, rates *pricing.Overlay) error {
	quiet := c.Bool("quiet")
	a, b, name, err := sweep.ComparePair(c.Args().Get(0), c.Args().Get(1), c.String("pricing-b"))
	if err != nil {
		return err
	}
	seed, fresh := scenarios.PickSeed(c.Uint64("seed"), c.IsSet("seed"), a.Seed, b.Seed)
	if fresh && !quiet {
		e.noteSeed(seed)
	}
	out := c.String("out")
	if out == "" {
		out = reports.DefaultDir("compare-" + name)
	}
	r := c.Int("replications")
	a.Seed, b.Seed, a.Replications, b.Replications = seed, seed, r, r
	for i, sc := range []*scenarios.Scenario{a, b} {
		if err := checkMemory(c, sc, c.Args().Get(min(i, c.NArg()-1)), c.Int("workers")); err != nil {
			return err
		}
	}
	cmp, err := sweep.Compare(c.Context, a, b, sweep.Options{Out: out, Version: e.version, Args: e.manifestArgs(c), Workers: c.Int("workers"),
		Rates: rates, Progress: &progress.Runs{W: e.stderr, Quiet: quiet}})
	if err != nil {
		return err
	}
	reports.WriteComparisonTable(e.stdout, cmp)
	if !quiet {
		fmt.Fprintf(e.stderr, "results in %s\n", filepath.Join(out, reports.CompareFile))
	}
	return nil
}
