package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/sweep"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
)

func compareCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "compare",
		Usage:     "run two variants on the same customers and report the paired difference",
		ArgsUsage: "A.yaml [B.yaml]",
		Description: `Runs scenario A and scenario B for --replications replications on common random
numbers: replication r of both uses the same seed, so the same customers write at the
same times, and the difference B − A is measured run by run. It prints, and writes to
--out/compare.json, each side's mean spend (messaging, staffing, total) and p90 first
response, and the mean paired difference with its 95% Student t interval; beside it,
the wider interval an unpaired comparison of the same runs would give. compare.png and
.svg show both sides' messaging spend by category.

A scenario with a sweep contributes its first sweep point only (a note on stderr names
it); compare two sweep points by writing each as its own scenario, or run the sweep and
read its paired runs from runs.parquet.

--pricing-b ERA compares one scenario with itself billed under another era: B is A
(or the B file given) with pricing: ERA, on the very same simulated messages. Eras:
auto, nbp-2018, cbp-2022, cbp-2023, pmp-2025, pmp-2026-10.

Both sides must bill in one currency. Money is exact (int64 micros); each mean is
rounded once to a micro, and so is each interval bound.

Examples:
   spendsim compare three-agents.yaml four-agents.yaml --replications 20
   spendsim compare small --pricing-b cbp-2023           # 2025 vs 2023 pricing, same load
   spendsim compare retail-month --pricing-b pmp-2026-10 --seed 42 --out out/oct26`,
		Flags: append([]cli.Flag{
			&cli.IntFlag{Name: "replications", Aliases: []string{"r"}, Value: 10, Usage: "paired replications `R` (at least 2)"},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed (default: A's, else B's; if none, a fresh one, printed)"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output `DIR` (default: out/compare-<A>-vs-<B>)"},
			&cli.StringFlag{Name: "pricing-b", Usage: "bill B (default: A itself) under `ERA`"},
			&cli.IntFlag{Name: "workers", Aliases: []string{"w"}, Usage: "parallel runs (default: all cores)"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no notes on stderr"},
		}, rateFlags()...),
		Action: func(c *cli.Context) error {
			n := c.NArg()
			if n < 1 || n > 2 || (n == 1 && !c.IsSet("pricing-b")) {
				return usagef("compare takes two scenarios (A B), or one with --pricing-b ERA; got %d arguments", n)
			}
			if r := c.Int("replications"); r < 2 || r > 100_000 {
				return usagef("--replications must be between 2 and 100000 (an interval needs two), got %d", r)
			}
			if c.Int("workers") < 0 {
				return usagef("--workers must be >= 0, got %d", c.Int("workers"))
			}
			o := compareOptions{
				a: c.Args().Get(0), b: c.Args().Get(1), replications: c.Int("replications"),
				out: c.String("out"), pricingB: c.String("pricing-b"), workers: c.Int("workers"),
				quiet: c.Bool("quiet"),
			}
			if c.IsSet("seed") {
				o.seed, o.seedSet = c.Uint64("seed"), true
			}
			var err error
			if o.rates, err = readUserRates(c); err != nil {
				return err
			}
			return compareScenarios(c.Context, e, o)
		},
	}
}

type compareOptions struct {
	a, b         string // scenario files or embedded names; b "" = a
	replications int
	seed         uint64
	seedSet      bool
	out          string
	pricingB     string // "" = B's own pricing
	workers      int
	quiet        bool
	rates        *pricing.Overlay // rate cards and tiers over the built-in ones, both sides
}

func compareScenarios(ctx context.Context, e *env, o compareOptions) error {
	a, _, err := scenarios.Load(o.a)
	if err != nil {
		return err
	}
	bRef := o.b
	if bRef == "" {
		bRef = o.a
	}
	b, _, err := scenarios.Load(bRef)
	if err != nil {
		return err
	}
	if o.pricingB != "" {
		if _, err := billing.ParseEra(o.pricingB); err != nil {
			return usagef("--pricing-b: %v", err)
		}
		b.Pricing = o.pricingB
	}
	if a.Currency != b.Currency {
		return usagef("A bills in %s and B in %s: a difference needs one currency", a.Currency, b.Currency)
	}
	seed, fresh := scenarios.PickSeed(o.seed, o.seedSet, a.Seed, b.Seed)
	if fresh && !o.quiet {
		e.noteSeed(seed)
	}
	out := o.out
	if out == "" {
		name := a.Name + "-vs-" + b.Name
		if o.pricingB != "" && o.b == "" {
			name = a.Name + "-" + a.Pricing + "-vs-" + b.Pricing
		}
		out = reports.DefaultDir("compare-" + name)
	}
	a.Seed, b.Seed, a.Replications, b.Replications = seed, seed, o.replications, o.replications
	cmp, err := sweep.Compare(ctx, a, b, sweep.Options{Out: out, Version: e.version, Workers: o.workers,
		Rates: o.rates, Progress: &runProgress{e: e, quiet: o.quiet}})
	if err != nil {
		return err
	}
	reports.WriteComparisonTable(e.stdout, cmp)
	if !o.quiet {
		fmt.Fprintf(e.stderr, "results in %s\n", filepath.Join(out, reports.CompareFile))
	}
	return nil
}
