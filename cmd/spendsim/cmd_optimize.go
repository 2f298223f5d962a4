package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/optimize"
	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/sweep"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
)

func optimizeCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "optimize",
		Usage:     "find the shift headcounts with the lowest total cost that meet a response-time SLA",
		ArgsUsage: "SCENARIO.yaml | NAME",
		Description: `Searches the headcount of every shift for the lowest total cost (messaging + staffing,
the mean over replications) that meets --sla, by simulating each candidate with the
same seeds (common random numbers: every candidate sees the same customers).

The search: first the scenario's headcounts and every shift at --max-headcount (if
that misses the SLA, nothing within the cap can, and the command fails naming the
best figure reached). Then, step by step, it evaluates the neighbours of the current
plan (one shift ±1, or one agent moved between shifts) in parallel: from a plan
missing the SLA it moves to the cheapest neighbour meeting it, else to the one closest
to it; from a plan meeting it, to a cheaper neighbour meeting it, until there is none.
The answer is the cheapest plan meeting the SLA among everything evaluated. This is a
local search: on a plateau it may miss a cheaper plan two steps away. With --bot, the
scenario's agents.bot is one more switch in the plan (on or off, a step like ±1), its
cost_per_conversation counted with the staffing.

SLA (the mean over replications of the run's figure):
   p50<=DURATION, p90<=DURATION, p99<=DURATION   first-response percentile (Go duration: 90s, 45m, 1h30m)
   in_window>=SHARE                               share of customer messages answered inside the 24 h window (0.95 or 95%)
   answered>=SHARE                                share of conversations answered at all (98%)
Every conversation counts: a percentile is over all that arrived, the unanswered last,
so p90<=1h is met only when nine in ten are answered within the hour.

Prints every evaluated plan (cheapest first, * marks the best) and writes to --out
optimize.json with the same, and optimize_frontier.png (and .svg): every plan's total
cost against its SLA figure, the target and the best plan marked.

Examples:
   spendsim optimize notifications --sla 'p90<=24h'   # an embedded example
   spendsim optimize my.yaml --sla 'p90 <= 30m' --max-headcount 15 --replications 5
   spendsim optimize my.yaml --sla 'in_window>=0.98' --seed 42
   spendsim optimize my.yaml --sla 'p90<=1h' --bot      # is the scenario's bot worth its fee?`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "sla", Usage: "the target: `EXPR` like 'p90<=1h' or 'in_window>=0.95'"},
			&cli.IntFlag{Name: "max-headcount", Value: 20, Usage: "the most agents on any one shift"},
			&cli.IntFlag{Name: "replications", Aliases: []string{"r"}, Usage: "replications per candidate (default: the scenario's)"},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed (default: the scenario's; if none, a fresh one, printed)"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output `DIR` (default: out/<scenario name>-optimize)"},
			&cli.IntFlag{Name: "workers", Aliases: []string{"w"}, Usage: "parallel runs (default: all cores)"},
			&cli.BoolFlag{Name: "bot", Usage: "also decide whether to use the scenario's agents.bot (on or off), its cost_per_conversation counted as staffing"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no notes on stderr"},
			memoryFlag(),
		}, rateFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("optimize takes one scenario (a file or an embedded name), got %d arguments", c.NArg())
			}
			if !c.IsSet("sla") {
				return usagef("--sla is required: the target to meet, like --sla 'p90<=1h' or --sla 'in_window>=0.95'")
			}
			sla, err := stats.ParseSLA(c.String("sla"))
			if err != nil {
				return usagef("--sla: %v", err)
			}
			maxHC := c.Int("max-headcount")
			if maxHC < 1 || maxHC > 10_000 {
				return usagef("--max-headcount must be between 1 and 10000, got %d", maxHC)
			}
			sc, _, err := scenarios.Load(c.Args().First())
			if err != nil {
				return err
			}
			if c.Bool("bot") && sc.Agents.Bot == nil {
				return usagef("--bot: %s has no agents.bot to switch on or off; add one (reply_s, resolve_share, cost_per_conversation)", c.Args().First())
			}
			if len(sc.Sweep) > 0 {
				return usagef("%s has a sweep; optimize chooses the headcounts itself: remove sweep", c.Args().First())
			}
			if c.IsSet("replications") {
				if sc.Replications = c.Int("replications"); replications(sc.Replications) != nil {
					return replications(sc.Replications)
				}
			}
			out, rates, err := settle(c, e, sc, "-optimize")
			if err != nil {
				return err
			}
			started := time.Now()
			res, err := sweep.Optimize(c.Context, sc, optimize.Options{SLA: sla, MaxHeadcount: maxHC,
				Workers: c.Int("workers"), Bot: c.Bool("bot"), Rates: rates}, sweep.Options{Out: out, Version: e.version, Args: c.Args().Slice()})
			if err != nil {
				return err
			}
			reports.WriteOptimizeTable(e.stdout, res)
			if !c.Bool("quiet") {
				fmt.Fprintf(e.stderr, "%d plans, %d runs in %.1fs; results in %s\n", len(res.Evaluated), res.Runs, time.Since(started).Seconds(), out)
			}
			return nil
		},
	}
}
