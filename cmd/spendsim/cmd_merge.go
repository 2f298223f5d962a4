package main

import (
	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/sweep"
	"github.com/spendsim/spendsim/reports"
)

func mergeCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:        "merge",
		Usage:       "combine the parts of a sharded run into the outputs of an unsharded one",
		ArgsUsage:   "OUT",
		Description: helpText("merge"),
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
