package reports

import (
	"fmt"
	"math"
	"strings"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/words"
)

// pricedNotes say what priced a simulation's messaging bill, as a replay's table does
// under its own: the rate cards in force over the horizon and its drain, the user's
// rate and tier files, and the share priced from derived or third-party cells (each
// point's, once where every point has the same). A bank's analyst read a run's table,
// report.html and the plots and found no word of either, though every cell of the bill
// was derived or third-party.
func pricedNotes(s stats.Summary) []string {
	var notes []string
	var cards []string
	for _, c := range s.Cards {
		t := fmt.Sprintf("the %s %s card of %s (%s to %s", c.PricingModel, c.Currency, c.Effective, c.FirstDay, c.LastDay)
		if c.CarriedForwardFrom != "" {
			t += "; the cells it lacks carried forward from the card of " + c.CarriedForwardFrom
		}
		cards = append(cards, t+")")
	}
	if len(cards) > 0 {
		notes = append(notes, "priced with "+words.And(cards))
	}
	var files []string
	for _, f := range s.RateFiles {
		files = append(files, fmt.Sprintf("%s file %s", strings.TrimSuffix(f.Role, "s"), f.Path))
	}
	if len(files) > 0 {
		notes = append(notes, "laid over the built-in cards: "+words.And(files))
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range s.Points {
		if d := float64(p.DerivedShare); d > 0 { // NaN (a bill of 0) has no share to say
			lo, hi = math.Min(lo, d), math.Max(hi, d)
		}
	}
	switch {
	case math.IsInf(hi, -1): // nothing derived, or nothing billed
	case len(s.Points) == 1 || lo == hi:
		n := derivedNoteOf(hi, "the messaging bill")
		if len(s.Points) > 1 {
			n = "every point: " + n
		}
		notes = append(notes, n)
	default:
		notes = append(notes, fmt.Sprintf("%.1f%% to %.1f%% of a point's messaging bill was priced from derived or third-party rates, by point (summary.json's derived_or_third_party_share; see `spendsim rates --sources`)", 100*lo, 100*hi))
	}
	return notes
}
