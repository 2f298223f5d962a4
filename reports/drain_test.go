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
