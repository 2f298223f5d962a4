package reports

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spendsim/spendsim/internal/stats"
)

// ForecastResponseScope says what a forecast's response times are: the scenario's
// staffing, unchanged, answering each month's customers.
const ForecastResponseScope = "staffing is held as the scenario gives it in every month: these are the response times that team gives each month's customers " +
	"(conversations by the month they arrived, every one counted, the unanswered last, as run counts them)"

// writeForecastResponse prints each month's first-response percentile (the SLA
// target's, else p90) with its 95% interval and the answered share, the verdict on
// the target where there is one, and the first month that misses it. Nothing for a
// forecast without response figures.
func writeForecastResponse(w io.Writer, f stats.Forecast) {
	if f.Horizon.Response == nil {
		return
	}
	metric := "p90"
	if v := f.SLA; v != nil && !v.Floor() {
		metric = v.Metric
	}
	pick := func(r *stats.ForecastResponse) stats.Estimate {
		switch metric {
		case "p50":
			return r.FirstResponseP50S
		case "p99":
			return r.FirstResponseP99S
		}
		return r.FirstResponseP90S
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "month\tconversations\tanswered\tfirst response %s\t95%% interval\t", metric)
	if f.SLA != nil {
		fmt.Fprintf(tw, "%s\t", f.SLA.Text)
	}
	fmt.Fprintln(tw)
	row := func(name string, r *stats.ForecastResponse) {
		e := pick(r)
		iv := "-"
		if e.CI95 != nil {
			iv = stats.Seconds(float64(e.CI95.Low)) + " to " + stats.Seconds(float64(e.CI95.High))
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%s\t%s\t%s\t", name, float64(r.Conversations.Mean), percent(r.AnsweredShare.Mean),
			stats.Seconds(float64(e.Mean)), iv)
		if f.SLA != nil {
			fmt.Fprintf(tw, "%s\t", r.MeetsSLA)
		}
		fmt.Fprintln(tw)
	}
	for _, fm := range f.Months {
		row(monthName(fm), fm.Response)
	}
	row("all", f.Horizon.Response)
	tw.Flush()
	fmt.Fprintln(w, ForecastResponseScope)
	if v := f.SLA; v != nil {
		if v.FirstMissed == "" {
			fmt.Fprintf(w, "every month meets %s (%s)\n", v.Text, v.SLAJudgement())
		} else {
			fmt.Fprintf(w, "%s is first missed in %s (%s): from then on the bill above assumes a service level this staffing is not shown to give; "+
				"staff those months for it (spendsim optimize on the scenario at that month's customers)\n", v.Text, v.FirstMissed, v.SLAJudgement())
		}
	}
}
