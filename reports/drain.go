package reports

import (
	"fmt"
	"math"
	"strconv"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model/money"
)

// drainShown is how many sweep points the drain note names, the first in point order;
// summary.json's drain holds every point's.
const drainShown = 6

// Drained says whether any point's spend holds a drain that cost something: every label
// naming the horizon then says "+ drain". A drain that cost nothing (a team not costed,
// replies inside the window) leaves the spend the horizon's, and the labels alone;
// summary.json's drain still gives its days.
func Drained(s stats.Summary) bool {
	for _, p := range s.Points {
		if costlyDrain(p) {
			return true
		}
	}
	return false
}

func costlyDrain(p stats.PointSummary) bool {
	return p.Drain != nil && p.Drain.TotalMicros != 0
}

// drainNote says how much of each point's spend fell after the horizon, for the run
// table and report.html: a lead sentence, then one line per point with a drain (at
// most drainShown, then how many more). Empty without a drain. Where the messaging
// limit held templates that went after the horizon, the lead says so and each line
// counts them, and the templates still held when the drain stopped (never sent). The
// lead names the agents on duty then only where a point's drain paid some: a team
// modelled by its response time (agents.response_time) pays no drain shifts, and its
// lines say "staffing 0.00".
func drainNote(s stats.Summary) (lead string, lines []string) {
	more, held, staffed := 0, false, false
	for _, p := range s.Points {
		d := p.Drain
		if !costlyDrain(p) {
			continue
		}
		staffed = staffed || d.StaffingMicros != 0
		if len(lines) == drainShown {
			more++
			continue
		}
		days := "up to " + words.Count(d.DaysMax, "day")
		if float64(d.DaysMean) != float64(d.DaysMax) {
			days += fmt.Sprintf(" (%.1f on average)", float64(d.DaysMean))
		}
		line := fmt.Sprintf("%s: %s after the horizon, %s of its %s %s (staffing %s, messaging %s)",
			p.Label, days, cents(d.TotalMicros), cents(p.TotalWithStaffingMicros), s.Currency,
			cents(d.StaffingMicros), cents(d.MessagingMicros))
		if o := p.Outbound; o != nil && (o.LimitAfterHorizon.Mean > 0 || o.LimitHeldAtEnd.Mean > 0) {
			held = true
			line += "; " + count(o.LimitAfterHorizon.Mean) + " templates the messaging limit held went after the horizon"
			if o.LimitHeldAtEnd.Mean > 0 {
				line += ", " + count(o.LimitHeldAtEnd.Mean) + " were still held when the drain stopped and were never sent"
			}
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return "", nil
	}
	if more > 0 {
		lines = append(lines, "and "+words.Count(more, "more point")+" (summary.json's drain)")
	}
	days, billed := "on which its conversations were still being answered", "the replies"
	if held {
		days += ", or the templates the messaging limit held back were still going out,"
		billed += " and the templates"
	}
	switch {
	case staffed && held:
		billed = "the agents on duty then, " + billed
	case staffed:
		billed = "the agents on duty then, and " + billed
	}
	return "the days after the horizon " + days + " are billed to the run (" + billed + " sent):", lines
}

// count is a mean count per run for people: whole, thousands grouped.
func count(n stats.Num) string {
	return money.GroupThousands(strconv.FormatFloat(math.Round(float64(n)), 'f', 0, 64))
}
