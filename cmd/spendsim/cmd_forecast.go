package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/sweep"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
)

func forecastCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "forecast",
		Usage:     "forecast the monthly bill over several months with growth, as P10/P50/P90 bands",
		ArgsUsage: "SCENARIO.yaml | NAME",
		Description: `Simulates the scenario over --months calendar months from its start (in its time
zone), with the customer base growing by --growth each month, compounding: month m
(from 0) has customers.count × (1 + growth)^m customers, and conversations arrive in
proportion. Each replication uses its own seed. With pricing: auto every message is
billed under the era and rate card in force on its date, so a forecast that crosses a
rate-card change or the 2026-10-01 rules (service messages charged) prices each month
as it will be; a rate missing from the cards is an error naming market, category and
date: fill it with --rates FILE, or pick other months or markets.

The months and growth come from the scenario's forecast block,

   forecast: {months: 3, growth_per_month: 0.03}

or from the flags, which win; without either, 3 months and no growth. The scenario
must have no sweep: a forecast is one staffing plan.

Per month it reports P10, P50 and P90 across replications of the messaging bill, of
each pricing category and of the total with staffing (the same every replication).
A percentile is an exact order statistic of the integer micros: the k-th smallest
of R replications with k = ceil(p·R/100) (nearest rank). Each figure's percentile is
its own, so category P50s need not add up to the bill's P50; means do. In --out:

   forecast.parquet          one row per month: p10/p50/p90/mean micros per measure
   forecast.json             the same, with the whole horizon's band
   forecast_fan.png          P10–P90 band and P50 line of the monthly bill (and .svg)
   forecast_by_category.png  mean spend per month stacked by category (and .svg)
   report.html               all of it on one self-contained page: the horizon's band,
                             both charts, the month table and the scenario
   manifest.json             the resolved scenario and seeds, written last

Examples:
   spendsim forecast forecast-quarter                  # embedded example
   spendsim forecast my.yaml --months 12 --growth 0.03 --replications 20
   spendsim forecast my.yaml --seed 42 --out results/q1
   spendsim forecast my.yaml --rates my-oct-2026-rates.csv   # fill the cards' gaps`,
		Flags: append([]cli.Flag{
			&cli.IntFlag{Name: "months", Usage: "calendar months from the scenario's start (default: the scenario's forecast.months, else 3)"},
			&cli.Float64Flag{Name: "growth", Usage: "customer-base growth per month, compounding: `SHARE` like 0.03 (default: the scenario's)"},
			&cli.IntFlag{Name: "replications", Aliases: []string{"r"}, Usage: "independent replications (default: the scenario's, at least 10)"},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed (default: the scenario's; if none, a fresh one, printed)"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output `DIR` (default: out/<scenario name>-forecast)"},
			&cli.IntFlag{Name: "workers", Aliases: []string{"w"}, Usage: "parallel runs (default: all cores)"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no notes on stderr"},
			memoryFlag(),
		}, rateFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("forecast takes one scenario (a file or an embedded name), got %d arguments", c.NArg())
			}
			sc, _, err := scenarios.Load(c.Args().First())
			if err != nil {
				return err
			}
			if len(sc.Sweep) > 0 {
				return usagef("%s has a sweep; a forecast is one staffing plan: remove sweep (or run each point as its own scenario)", c.Args().First())
			}
			fc := scenarios.Forecast{Months: 3}
			if sc.Forecast != nil {
				fc = *sc.Forecast
			}
			if c.IsSet("months") {
				fc.Months = c.Int("months")
			}
			if c.IsSet("growth") {
				fc.GrowthPerMonth = c.Float64("growth")
			}
			if errs := fc.Validate("forecast", sc.Customers.Count); len(errs) > 0 {
				return usagef("%s (--months, --growth)", errs[0])
			}
			sc.Forecast = &fc
			if c.IsSet("replications") {
				sc.Replications = c.Int("replications")
			} else if sc.Replications < 10 {
				if !c.Bool("quiet") {
					fmt.Fprintf(e.stderr, "10 replications rather than the scenario's %d: P10 and P90 of fewer are the extremes (--replications N sets it)\n", sc.Replications)
				}
				sc.Replications = 10
			}
			if err := replications(sc.Replications); err != nil {
				return err
			}
			out, rates, err := settle(c, e, sc, "-forecast")
			if err != nil {
				return err
			}
			started := time.Now()
			f, err := sweep.Forecast(c.Context, sc, sweep.Options{Out: out, Version: e.version, Args: c.Args().Slice(),
				Workers: c.Int("workers"), Rates: rates})
			if err != nil {
				return err
			}
			reports.WriteForecastTable(e.stdout, f)
			if !c.Bool("quiet") {
				fmt.Fprintf(e.stderr, "%d runs in %.1fs; results in %s\n", f.Replications, time.Since(started).Seconds(), out)
			}
			return nil
		},
	}
}
