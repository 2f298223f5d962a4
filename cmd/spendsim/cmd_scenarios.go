package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/scenarios"
)

func scenariosCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:        "scenarios",
		Usage:       "list the embedded example scenarios",
		ArgsUsage:   " ",
		Description: helpText("scenarios"),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "show", Usage: "print the YAML of the named scenario"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("scenarios takes no arguments (got %q)", c.Args().First())
			}
			exs, err := scenarios.Examples()
			if err != nil {
				return err
			}
			if name := c.String("show"); name != "" {
				for _, ex := range exs {
					if ex.Name == name {
						_, err := e.stdout.Write(ex.Source)
						return err
					}
				}
				return usagef("no embedded scenario %q", name)
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tDESCRIPTION")
			for _, ex := range exs {
				mark := ""
				if ex.Name == scenarios.DefaultName {
					mark = " (default)"
				}
				fmt.Fprintf(tw, "%s%s\t%s\n", ex.Name, mark, ex.Description)
			}
			return tw.Flush()
		},
	}
}
