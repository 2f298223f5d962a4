package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/optimize"
	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/sweep"
	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
)

func optimizeCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:        "optimize",
		Usage:       "find the shift headcounts with the lowest total cost that meet a response-time SLA",
		ArgsUsage:   "SCENARIO.yaml | NAME",
		Description: helpText("optimize"),
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "sla", Usage: "the target: `EXPR` like 'p90<=1h' or 'in_window>=0.95'"},
			&cli.IntFlag{Name: "max-headcount", Value: 20, Usage: "the most agents on any one shift"},
			&cli.IntFlag{Name: "replications", Aliases: []string{"r"}, Usage: "replications per candidate", DefaultText: "the scenario's"},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed", DefaultText: "the scenario's; if none, a fresh one, printed"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output `DIR` (default: out/<scenario name>-optimize)"},
			&cli.IntFlag{Name: "workers", Aliases: []string{"w"}, Usage: "parallel runs, at most 1024", DefaultText: "all cores"},
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
				Workers: c.Int("workers"), Bot: c.Bool("bot"), Rates: rates}, sweep.Options{Out: out, Version: e.version, Args: e.manifestArgs(c)})
			if err != nil {
				return err
			}
			reports.WriteOptimizeTable(e.stdout, res)
			if !c.Bool("quiet") {
				fmt.Fprintf(e.stderr, "%s, %s in %.1fs; results in %s\n", words.Count(len(res.Evaluated), "plan"), words.Count(res.Runs, "run"), time.Since(started).Seconds(), out)
			}
			return nil
		},
	}
}
