package reports

import (
	"fmt"

	"gonum.org/v1/plot"

	"github.com/spendsim/spendsim/internal/safefile"
	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/table"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// Files of a forecast.
const (
	ForecastParquet  = "forecast.parquet"
	ForecastJSON     = "forecast.json"
	ForecastFan      = "forecast_fan"         // .png and .svg
	ForecastCategory = "forecast_by_category" // .png and .svg
)

// ForecastColumns is the schema of forecast.parquet: one row per month, and for the
// messaging bill, the total with staffing and every category, its p10, p50, p90 and
// mean in micros.
func ForecastColumns() []table.Column {
	cols := []table.Column{table.DateCol("month"), table.Int32Col("days"), table.StringCol("pricing"), table.Int64Col("customers"),
		table.Float64Col("agent_hours"), table.Int64Col("staffing_micros")}
	for _, m := range forecastMeasures() {
		for _, q := range []string{"p10", "p50", "p90", "mean"} {
			cols = append(cols, table.Int64Col(m+"_"+q+"_micros"))
		}
	}
	return cols
}

func forecastMeasures() []string {
	ms := []string{"messaging", "total_with_staffing"}
	for _, c := range pricing.Categories() {
		ms = append(ms, "amount_"+c.String())
	}
	return ms
}

// bandOf is the band of one measure of forecastMeasures.
func bandOf(fm *stats.ForecastMonth, measure string) stats.Band {
	switch measure {
	case "messaging":
		return fm.Messaging
	case "total_with_staffing":
		return fm.Total
	}
	return fm.ByCategory[measure[len("amount_"):]]
}

// WriteForecastParquet writes forecast.parquet.
func WriteForecastParquet(path string, f stats.Forecast, version string) error {
	w, err := table.Create(path, ForecastColumns(), table.Options{Version: version})
	if err != nil {
		return err
	}
	defer w.Abort()
	month, days, pricingCol, customers := w.Date("month"), w.Int32("days"), w.String("pricing"), w.Int64("customers")
	hours, staff := w.Float64("agent_hours"), w.Int64("staffing_micros")
	for i := range f.Months {
		fm := &f.Months[i]
		month.Append(fm.StartDay)
		days.Append(int32(fm.Days))
		pricingCol.Append(fm.Pricing)
		customers.Append(fm.Customers)
		hours.Append(fm.AgentHours)
		staff.Append(fm.StaffingMicros)
		for _, m := range forecastMeasures() {
			b := bandOf(fm, m)
			w.Int64(m + "_p10_micros").Append(b.P10Micros)
			w.Int64(m + "_p50_micros").Append(b.P50Micros)
			w.Int64(m + "_p90_micros").Append(b.P90Micros)
			w.Int64(m + "_mean_micros").Append(b.MeanMicros)
		}
		if err := w.EndRow(); err != nil {
			return err
		}
	}
	return w.Close()
}

// WriteForecast writes forecast.parquet, forecast.json, the fan chart and the
// by-category chart (PNG and SVG), report.html and, last, manifest.json.
func (o *Output) WriteForecast(f stats.Forecast, scenario any, args []string, runs []sim.RunResult) error {
	fan, err := PlotForecastFan(f)
	if err != nil {
		return err
	}
	stack, err := PlotForecastByCategory(f)
	if err != nil {
		return err
	}
	var embedded []ReportPlot
	for _, p := range []struct {
		base, title, caption string
		p                    *plot.Plot
	}{
		{ForecastFan, "Monthly bill",
			"The WhatsApp bill per month: the band spans P10 to P90 across replications, the line and the labels are the P50.", fan},
		{ForecastCategory, "Spend by category per month",
			"Mean spend per month stacked by pricing category (means, so the stack adds up to the mean bill).", stack},
	} {
		png, err := RenderPNG(p.p)
		if err != nil {
			return fmt.Errorf("reports: %s.png: %w", p.base, err)
		}
		embedded = append(embedded, ReportPlot{Base: p.base, Title: p.title, Caption: p.caption, PNG: png})
	}
	report, err := ForecastReport(f, scenario, embedded)
	if err != nil {
		return err
	}
	if err := WriteForecastParquet(o.Path(ForecastParquet), f, o.Version); err != nil {
		return err
	}
	if err := WriteJSON(o.Path(ForecastJSON), f); err != nil {
		return err
	}
	if err := WritePlot(o.staging(), ForecastFan, fan); err != nil {
		return err
	}
	if err := WritePlot(o.staging(), ForecastCategory, stack); err != nil {
		return err
	}
	if err := safefile.WriteFile(o.Path(ReportFile), report); err != nil {
		return err
	}
	m, err := NewManifest(o.Version, args, scenario)
	if err != nil {
		return err
	}
	m.SetRuns(f.Seed, runs)
	m.SetRateFiles(f.RateFiles)
	return o.Commit(m)
}
