package main

import (
	"errors"
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
			var failed []error
			for _, f := range c.Args().Slice() {
				sc, _, err := scenarios.Load(f)
				if err != nil {
					fmt.Fprintln(e.stderr, err)
					failed = append(failed, err)
					continue
				}
				if err := checkMemory(c, sc, f, 0); err != nil {
					var ue usageError
					if errors.As(err, &ue) {
						return err
					}
					fmt.Fprintln(e.stderr, err)
					failed = append(failed, err)
					continue
				}
				// Valid, but days no card prices, or messages no cell prices: a run
				// stops at the first message it charges there.
				gaps, err := sc.CardGaps(rates, f)
				if err != nil {
					fmt.Fprintln(e.stderr, err)
					failed = append(failed, err)
					continue
				}
				fmt.Fprintf(e.stdout, "%s: ok (%s, %s × %s; %s)\n",
					f, sc.Name, words.Count(sc.PointCount(), "sweep point"), words.Count(sc.Replications, "replication"), sc.Estimate(runtime.GOMAXPROCS(0)))
				for _, g := range gaps {
					fmt.Fprintf(e.stderr, "%s: warning: %s\n", f, g)
				}
			}
			// Exit 1 when any file could not be read (the check is not complete), else
			// 2 when any is invalid, whatever the order of the files.
			invalid := 0
			for _, err := range failed {
				var se *scenarios.Error
				if errors.As(err, &se) {
					invalid++
				}
			}
			switch unread := len(failed) - invalid; {
			case unread > 0 && invalid > 0:
				return fmt.Errorf("%d of %d files could not be read, %d invalid", unread, c.NArg(), invalid)
			case unread > 0:
				return fmt.Errorf("%d of %d files could not be read", unread, c.NArg())
			case invalid > 0:
				return &scenarios.Error{File: "validate", Problems: []string{fmt.Sprintf("%d of %d files invalid", invalid, c.NArg())}}
			}
			return nil
		},
	}
}
