package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/sweep"
	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
)

func forecastCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:        "forecast",
		Usage:       "forecast the monthly bill over several months with growth, as P10/P50/P90 bands",
		ArgsUsage:   "SCENARIO.yaml | NAME",
		Description: helpText("forecast"),
		Flags: append([]cli.Flag{
			&cli.IntFlag{Name: "months", Usage: "simulate `N` months from the scenario's start, each one month from its start day (calendar months when that is a 1st)", DefaultText: "the scenario's forecast.months, else 3"},
			&cli.StringFlag{Name: "growth", Usage: "customer-base growth per month, compounding: `SHARE` like 3% or 0.03 (-2% shrinks)", DefaultText: "the scenario's"},
			&cli.StringFlag{Name: "sla", Usage: "service-level target `EXPR` to mark each month on, like 'p90<=1h' or 'answered>=98%' (p50, p90, p99, answered)", DefaultText: "none"},
			&cli.IntFlag{Name: "replications", Aliases: []string{"r"}, Usage: "independent replications", DefaultText: "the scenario's, at least 10"},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed", DefaultText: "the scenario's; if none, a fresh one, printed"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output `DIR` (default: out/<scenario name>-forecast)"},
			&cli.IntFlag{Name: "workers", Aliases: []string{"w"}, Usage: "parallel runs, at most 1024", DefaultText: "all cores"},
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
				g, err := stats.ParseGrowth(c.String("growth"))
				if err != nil {
					return usagef("--growth: %v", err)
				}
				fc.GrowthPerMonth = g
			}
			if errs := fc.Validate("forecast", sc.Customers.Count); len(errs) > 0 {
				return usagef("%s (--months, --growth)", errs[0])
			}
			sc.Forecast = &fc
			var sla stats.SLA
			if c.IsSet("sla") {
				if sla, err = slaTarget(c.String("sla")); err != nil {
					return err
				}
				if err := stats.CheckForecastSLA(sla); err != nil {
					return usagef("--sla: %v", err)
				}
			}
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
			quiet := c.Bool("quiet")
			if n := reports.ForecastReplicationsNote(sc.Replications); n != "" && !quiet {
				fmt.Fprintln(e.stderr, n) // the replications that run, the flag's included
			}
			days := sc.Days // sweep.Forecast makes them the months'
			out, rates, err := settle(c, e, sc, "-forecast")
			if err != nil {
				return err
			}
			started := time.Now()
			f, err := sweep.Forecast(c.Context, sc, sweep.Options{Out: out, Version: e.version, Args: e.manifestArgs(c),
				Workers: c.Int("workers"), Rates: rates, SLA: sla})
			if err != nil {
				return err
			}
			if n := reports.ForecastHorizonNote(c.Args().First(), days, f); n != "" && !quiet {
				fmt.Fprintln(e.stderr, n)
			}
			reports.WriteForecastTable(e.stdout, f)
			if !quiet {
				fmt.Fprintf(e.stderr, "%s in %.1fs; results in %s\n", words.Count(f.Replications, "run"), time.Since(started).Seconds(), out)
			}
			return nil
		},
	}
}
