package reports

import (
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/stats"
)

// TestDrainCostingNothing: a drain that cost nothing (a team not costed, its late
// replies free) leaves the spend the horizon's, so the labels do not say "+ drain" and
// the note does not name the point; a drain that cost something is said and named.
func TestDrainCostingNothing(t *testing.T) {
	free := stats.PointSummary{Label: "baseline", Drain: &stats.DrainSummary{DaysMax: 1, DaysMean: 1}}
	costly := stats.PointSummary{Label: "agents=1", TotalWithStaffingMicros: 9_000_000, Drain: &stats.DrainSummary{DaysMax: 3, DaysMean: 2, StaffingMicros: 2_000_000, TotalMicros: 2_000_000}}
	none := stats.PointSummary{Label: "agents=9"}
	if s := (stats.Summary{Points: []stats.PointSummary{free, none}}); Drained(s) {
		t.Error("a drain that cost nothing: Drained says the spend holds one")
	} else if lead, lines := drainNote(s); lead != "" || len(lines) != 0 {
		t.Errorf("a drain that cost nothing: note %q %q; want none", lead, lines)
	}
	s := stats.Summary{Currency: "USD", Points: []stats.PointSummary{free, costly, none}}
	lead, lines := drainNote(s)
	if !Drained(s) || lead == "" || len(lines) != 1 || !strings.HasPrefix(lines[0], "agents=1: up to 3 days (2.0 on average) after the horizon, 2.00 of its 9.00 USD") {
		t.Errorf("a costly drain beside a free one: Drained %v, note %q %q; want agents=1 alone", Drained(s), lead, lines)
	}
}

// TestDrainLead: the lead names what the drain billed. A team modelled by its response
// time pays no drain shifts (its line says "staffing 0.00"), so where no point's drain
// paid agents the lead says the replies alone, not "the agents on duty then"; a team
// on shifts beside it brings them back; held templates add theirs either way.
func TestDrainLead(t *testing.T) {
	rt := stats.PointSummary{Label: "response time", TotalWithStaffingMicros: 9_000_000, Drain: &stats.DrainSummary{DaysMax: 2, DaysMean: 2, MessagingMicros: 40_000, TotalMicros: 40_000}}
	shifts := stats.PointSummary{Label: "agents=1", TotalWithStaffingMicros: 9_000_000, Drain: &stats.DrainSummary{DaysMax: 3, DaysMean: 3, StaffingMicros: 2_000_000, TotalMicros: 2_000_000}}
	held := rt
	held.Outbound = &stats.OutboundSummary{LimitAfterHorizon: stats.Estimate{Mean: 250}}
	const replies = "the days after the horizon on which its conversations were still being answered are billed to the run "
	const templates = "the days after the horizon on which its conversations were still being answered, or the templates the messaging limit held back were still going out, are billed to the run "
	for _, c := range []struct {
		name   string
		points []stats.PointSummary
		want   string
	}{
		{"response time", []stats.PointSummary{rt}, replies + "(the replies sent):"},
		{"shifts", []stats.PointSummary{shifts}, replies + "(the agents on duty then, and the replies sent):"},
		{"both", []stats.PointSummary{rt, shifts}, replies + "(the agents on duty then, and the replies sent):"},
		{"response time, held", []stats.PointSummary{held}, templates + "(the replies and the templates sent):"},
		{"both, held", []stats.PointSummary{held, shifts}, templates + "(the agents on duty then, the replies and the templates sent):"},
	} {
		lead, lines := drainNote(stats.Summary{Currency: "USD", Points: c.points})
		if lead != c.want || len(lines) != len(c.points) {
			t.Errorf("%s: lead %q, lines %q\nwant lead %q", c.name, lead, lines, c.want)
		}
	}
	if _, lines := drainNote(stats.Summary{Currency: "USD", Points: []stats.PointSummary{rt}}); !strings.Contains(lines[0], "(staffing 0.00, messaging 0.04)") {
		t.Errorf("response time: line %q, want staffing 0.00", lines[0])
	}
}
