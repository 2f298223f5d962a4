package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/scenarios"
)

func validateCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "validate",
		Usage:     "check scenario files without running them",
		ArgsUsage: "FILE...",
		Description: `Decodes each scenario strictly (a misspelt key is an error), validates every field and
every sweep value, and reports all problems at once. Exit code 2 if any file is invalid.

Examples:
   spendsim validate my.yaml
   spendsim validate my.yaml other.yaml 2021.yaml`,
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return usagef("validate needs at least one scenario file")
			}
			var failed []error
			for _, f := range c.Args().Slice() {
				sc, _, err := scenarios.Load(f)
				if err != nil {
					fmt.Fprintln(e.stderr, err)
					failed = append(failed, err)
					continue
				}
				points, err := sc.Points()
				if err != nil {
					fmt.Fprintln(e.stderr, err)
					failed = append(failed, err)
					continue
				}
				fmt.Fprintf(e.stdout, "%s: ok (%s, %d sweep points × %d replications)\n", f, sc.Name, len(points), sc.Replications)
			}
			if len(failed) > 0 {
				var se *scenarios.Error
				if errors.As(failed[0], &se) {
					return &scenarios.Error{File: "validate", Problems: []string{fmt.Sprintf("%d of %d files invalid", len(failed), c.NArg())}}
				}
				return fmt.Errorf("%d of %d files could not be read", len(failed), c.NArg())
			}
			return nil
		},
	}
}
