package reports

import (
	"fmt"
	"strings"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/words"
)

// What a forecast's reader must know to read its band, said wherever the band is shown
// (the terminal table, report.html) and in the help.

// ForecastBandScope is what a forecast's P10–P90 band covers, and what it does not, as
// a line under the table (report.html makes it a sentence).
const ForecastBandScope = "the P10–P90 band is the spread of the simulated customers' arrivals and behaviour alone: " +
	"growth, rates, staffing and the billing decisions (the 2026-10 rules among them) are held as the scenario gives them, so it is no range for any of them"

// ForecastReplicationsNote warns that a band over r replications, r under 10, is no
// band: by nearest rank P10 and P90 are then the smallest and the largest bill, and
// with 1 or 2 the P50 is one of them. "" from 10 on.
func ForecastReplicationsNote(r int) string {
	if r >= 10 || r < 1 {
		return ""
	}
	ranks := make([]int64, r)
	for i := range ranks {
		ranks[i] = int64(i)
	}
	p10, p50, p90 := stats.Quantile(ranks, 10), stats.Quantile(ranks, 50), stats.Quantile(ranks, 90)
	what := "P10 and P90 of fewer than 10 are the smallest and the largest bill"
	switch {
	case p10 == p90:
		what = "P10 = P50 = P90, a band of no width"
	case p10 == p50:
		what += ", and P50 = P10"
	case p50 == p90:
		what += ", and P50 = P90"
	}
	return fmt.Sprintf("%s: %s; 10 or more give a band (--replications N)", words.Count(r, "replication"), what)
}

// ForecastHorizonNote says that a forecast ran its months, not the scenario's own days
// (what spendsim run gives it), when the two differ; "" when they agree.
func ForecastHorizonNote(scenario string, scenarioDays int, f stats.Forecast) string {
	if len(f.Months) == 0 || scenarioDays == f.Horizon.Days {
		return ""
	}
	return fmt.Sprintf("the forecast runs %s from %s (%s), not the %s spendsim run gives %s: a scenario's days do not count in a forecast (--months N sets its months)",
		words.Count(len(f.Months), "month"), f.Months[0].Start, words.Count(f.Horizon.Days, "day"), words.Count(scenarioDays, "day"), scenario)
}

// staffingNote explains, under the forecast table, the rows whose total P50 is not
// their messaging P50 + staffing: a month's staffing that differs between replications
// (the last month's shifts until the backlog was cleared, the bot's fees) is their
// mean, while each total is one replication's own bill + staffing. Only then: elsewhere the
// sum holds, and a note would explain nothing. "" when every row adds up.
func staffingNote(f stats.Forecast) string {
	var rows []string
	below := false
	for _, fm := range append(append([]stats.ForecastMonth(nil), f.Months...), f.Horizon) {
		if fm.Total.P50Micros == fm.Messaging.P50Micros+fm.StaffingMicros {
			continue
		}
		name := monthName(fm)
		if fm.Month == f.Horizon.Month {
			name = "all"
		}
		rows = append(rows, name)
		below = below || fm.Total.P50Micros < fm.StaffingMicros
	}
	if len(rows) == 0 {
		return ""
	}
	tail := ""
	if below {
		tail = ", and can fall below the staffing"
	}
	return fmt.Sprintf("%s: staffing is the mean across replications, which differ in it (the shifts until their backlog was cleared, the bot's fees), and each total one replication's own bill + staffing, so total P50 is not messaging P50 + staffing%s",
		strings.Join(rows, ", "), tail)
}

// monthName is how people read a forecast month: YYYY-MM for a calendar month, else its
// first and last days, 2026-08-15..2026-09-14: a forecast's months run from its start
// day (docs/formats.md, forecast.json), and a label "2026-08" for 15 August to 14
// September reads as the calendar month Meta invoices.
func monthName(fm stats.ForecastMonth) string {
	if fm.Calendar() || fm.End == "" {
		return fm.Month
	}
	return fm.Start + ".." + fm.End
}

// monthsNote says, under a forecast whose months are not calendar months, that they
// run from its start day while Meta invoices by calendar month; "" for calendar months.
func monthsNote(f stats.Forecast) string {
	if len(f.Months) == 0 || f.Months[0].Calendar() || f.Months[0].End == "" {
		return ""
	}
	return fmt.Sprintf("each month runs a month from the start day (%s), not a calendar month as Meta invoices: start on a 1st for months that match the invoices", f.Months[0].Start)
}
