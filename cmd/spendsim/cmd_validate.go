package main

import (
	"fmt"
	"runtime"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/scenarios"
)

func validateCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:        "validate",
		Usage:       "check scenario files without running them",
		ArgsUsage:   "FILE...",
		Description: helpText("validate"),
		Flags:       append([]cli.Flag{memoryFlag()}, rateFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return usagef("validate needs at least one scenario file")
			}
			rates, err := readUserRates(c)
			if err != nil {
				return err
			}
			memory := func(sc *scenarios.Scenario, ref string) error { return checkMemory(c, sc, ref, 0) }
			return scenarios.ValidateFiles(c.Args().Slice(), scenarios.ValidateOptions{Rates: rates, Memory: memory}, func(r scenarios.Checked) {
				if r.Err != nil {
					fmt.Fprintln(e.stderr, r.Err)
					return
				}
				sc := r.Scenario
				verdict := "ok"
				if len(r.Fails) > 0 {
					verdict = "valid, but a run stops for want of rates"
				}
				fmt.Fprintf(e.stdout, "%s: %s (%s, %s × %s; %s)\n",
					r.Ref, verdict, sc.Name, words.Count(sc.PointCount(), "sweep point"), words.Count(sc.Replications, "replication"), sc.Estimate(runtime.GOMAXPROCS(0)))
				if n := sc.AuthIntlNote(); n != "" {
					fmt.Fprintf(e.stderr, "%s: note: %s\n", r.Ref, n)
				}
				for _, g := range r.Fails {
					fmt.Fprintf(e.stderr, "%s: error: %s\n", r.Ref, g)
				}
				for _, g := range r.Gaps {
					fmt.Fprintf(e.stderr, "%s: warning: %s\n", r.Ref, g)
				}
			})
		},
	}
}
