package sweep

import (
	"context"
	"math"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
	"github.com/spendsim/spendsim/sim"
)

// Forecast runs the replications of sc, a scenario with a forecast block and no sweep
// (one staffing plan over sc.Forecast.Months months with growth), bands each month's
// bill across them (stats.BuildForecast) and writes the forecast's files and
// manifest.json into o.Out. sc.Days becomes the months' length, as the manifest shows.
func Forecast(ctx context.Context, sc *scenarios.Scenario, o Options) (stats.Forecast, error) {
	op, err := reports.NewOutput(o.Out, o.Version)
	if err != nil {
		return stats.Forecast{}, err
	}
	defer op.Close()
	jobs, err := sc.Jobs(sc.Seed, o.Rates)
	if err != nil {
		return stats.Forecast{}, err
	}
	cfg := jobs[0].Config // one point: every replication shares it
	sc.Days = int(math.Round((cfg.End - cfg.Start).Hours() / 24))
	runs, days, err := sim.RunAll(ctx, jobs, o.Workers, nil)
	if err != nil {
		return stats.Forecast{}, err
	}
	var all []sim.DayRow
	for _, d := range days {
		all = append(all, d...)
	}
	pr, err := Priced(jobs, o.Rates, all)
	if err != nil {
		return stats.Forecast{}, err
	}
	f, err := stats.BuildForecast(stats.ForecastInput{
		Name: sc.Name, Seed: sc.Seed, GrowthPerMonth: sc.Forecast.GrowthPerMonth,
		Config: cfg, Runs: runs, Days: days, Priced: pr,
	})
	if err != nil {
		return stats.Forecast{}, err
	}
	if o.SLA.Text != "" {
		if err := f.JudgeSLA(o.SLA); err != nil {
			return stats.Forecast{}, err
		}
	}
	return f, op.WriteForecast(f, sc, o.Args, runs)
}
