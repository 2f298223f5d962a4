package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/reports"
)

func ratesCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:        "rates",
		Usage:       "print the built-in rate cards, with each rate's confidence and source",
		ArgsUsage:   " ",
		Description: helpText("rates"),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "at", Usage: "only the cards that bill on `DATE` (YYYY-MM-DD): the pricing model of the billing era then, named on a line above them"},
			&cli.StringFlag{Name: "market", Usage: "only `MARKET` (e.g. Brazil, \"North America\")"},
			&cli.BoolFlag{Name: "sources", Usage: "add the source and note of every rate"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("rates takes no arguments (got %q); use --at and --market", c.Args().First())
			}
			f := pricing.RowFilter{Market: c.String("market")}
			if s := c.String("at"); s != "" {
				d, err := time.Parse(time.DateOnly, s)
				if err != nil {
					return usagef("--at %q is not a date YYYY-MM-DD", s)
				}
				// Only the cards that bill that day: the era's model, the shape its rules read.
				era := billing.EraAt(model.FromStd(d), time.UTC)
				f.At, f.Model, f.Cards = &d, era.Model(), era.Cards()
			}
			book, err := pricing.Builtin()
			if err != nil {
				return err
			}
			rows, err := book.Rows(f)
			if err != nil {
				return usageError{err}
			}
			if f.At != nil {
				reports.WriteRatesEra(e.stdout, *f.At)
			}
			if len(rows) == 0 {
				// No header over nothing; NBP's card is the user's own (--rates).
				note := ""
				if f.At != nil && f.Model == pricing.NBP {
					note = " (spendsim ships no NBP card: a replay of that day needs yours, --rates FILE)"
				}
				fmt.Fprintln(e.stderr, "no rates match"+note)
				return nil
			}
			return reports.WriteRatesTable(e.stdout, rows, c.Bool("sources"))
		},
	}
}
