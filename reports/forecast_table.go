package reports

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model/pricing"
)

// WriteForecastTable prints a forecast month by month (monthName: a month that is not
// a calendar month by its dates), and the whole horizon: P10, P50 and P90 of the bill,
// the P50 of each category with spend, staffing and the total; under it, how the
// percentiles are taken, what the band covers, that the months are not calendar months
// where they are not, and the rows whose total P50 is not their messaging P50 +
// staffing.
func WriteForecastTable(w io.Writer, f stats.Forecast) {
	growth := ""
	if f.GrowthPerMonth != 0 {
		growth = fmt.Sprintf(", customers %+g%% a month", 100*f.GrowthPerMonth)
	}
	fmt.Fprintf(w, "%s: %s from %s, %s, seed %d%s, %s\n\n",
		f.Scenario, words.Count(len(f.Months), "month"), f.Months[0].Start, words.Count(f.Replications, "replication"), f.Seed, growth, f.Currency)
	// Categories with spend in any month, in the cards' order.
	var cats []string
	for _, name := range categoryOrder(f) {
		if b := f.Horizon.ByCategory[name]; b.P90Micros != 0 || b.P10Micros != 0 {
			cats = append(cats, name)
		}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "month\tpricing\tcustomers\tmessaging P10\tP50\tP90\t")
	for _, cat := range cats {
		fmt.Fprintf(tw, "%s P50\t", cat)
	}
	notes := restsNotes(f)
	fmt.Fprint(tw, "staffing\ttotal P50\t")
	if len(notes) > 0 {
		fmt.Fprint(tw, "rests on\t") // the marks explained below the table
	}
	fmt.Fprintln(tw)
	row := func(fm stats.ForecastMonth) {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t", monthName(fm), fm.Pricing, fm.Customers,
			cents(fm.Messaging.P10Micros), cents(fm.Messaging.P50Micros), cents(fm.Messaging.P90Micros))
		for _, cat := range cats {
			fmt.Fprintf(tw, "%s\t", cents(fm.ByCategory[cat].P50Micros))
		}
		fmt.Fprintf(tw, "%s\t%s\t", cents(fm.StaffingMicros), cents(fm.Total.P50Micros))
		if len(notes) > 0 {
			fmt.Fprintf(tw, "%s\t", restsMarks(fm))
		}
		fmt.Fprintln(tw)
	}
	for _, fm := range f.Months {
		row(fm)
	}
	h := f.Horizon
	h.Month, h.Pricing, h.RestsOn, h.End = "all", "", nil, ""
	row(h)
	tw.Flush()
	fmt.Fprintf(w, "\npercentiles across replications, nearest rank (k-th smallest, k = ceil(p*R/100))\n")
	fmt.Fprintln(w, ForecastBandScope)
	if n := monthsNote(f); n != "" {
		fmt.Fprintln(w, n)
	}
	if n := staffingNote(f); n != "" {
		fmt.Fprintln(w, n)
	}
	if f.StaffingCostPlaceholder {
		fmt.Fprintln(w, placeholderNote("the", "their percentiles"))
	}
	for _, note := range notes {
		fmt.Fprintln(w, note)
	}
	if len(notes) > 0 {
		fmt.Fprintf(w, "(forecast.json: each month's rests_on, derived_share and third_party_share; the cards: cards_in_force)\n")
	}
	writeForecastResponse(w, f)
}

func categoryOrder(f stats.Forecast) []string {
	var out []string
	for _, c := range pricing.Categories() {
		if _, ok := f.Horizon.ByCategory[c.String()]; ok {
			out = append(out, c.String())
		}
	}
	return out
}
