package main

import (
	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/sweep"
	"github.com/spendsim/spendsim/reports"
)

func mergeCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "merge",
		Usage:     "combine the parts of a sharded run into the outputs of an unsharded one",
		ArgsUsage: "OUT",
		Description: `Reads the parts that 'spendsim run --shard K/N --out OUT' wrote (OUT/shards/*.json,
OUT/runs/shard=K/*.parquet, OUT/daily/shard=K/*.parquet), checks that all N shards
finished, that they ran the same scenario and seed, and that every run of the sweep is
there exactly once, then writes into OUT what an unsharded run would have written, byte
for byte: runs.parquet, daily.parquet, summary.json, manifest.json, spend_vs_sla.png and
.svg. The parts are kept, so any Parquet engine can still read them together. --sla is
the target the summary, plot and report judge, as in spendsim run (default ` + defaultSLA + `).

Examples:
   spendsim run my.yaml --shard 0/2 --out /shared/out
   spendsim run my.yaml --shard 1/2 --out /shared/out
   spendsim merge /shared/out
   spendsim merge /shared/out --sla 'p90<=1h'`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "sla", Value: defaultSLA, Usage: "service-level target `EXPR`, as for spendsim run"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("merge takes one output directory, got %d arguments", c.NArg())
			}
			sla, err := slaTarget(c.String("sla"))
			if err != nil {
				return err
			}
			res, err := sweep.Merge(c.Args().First(), sla, e.version)
			if err != nil {
				return err
			}
			reports.WriteRunTable(e.stdout, res.Summary, res.RunInfo)
			return nil
		},
	}
}
