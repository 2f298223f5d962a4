package billing

import (
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
)

// TestNewerElsewhere: a bill's card is named stale when the same rules would have read
// a later card of its model in another currency of the book for its latest message.
// The built-in book has one CBP INR card (2023-06-01) and CBP USD cards to 2025-04-01:
// CBP 2023 rules pricing India in July 2025 read the INR card of 2023 where the USD
// cards show Meta's 2024 changes; in July 2023 both are of 2023-06-01. CBP 2022 rules
// never read a card from 2023-06-01 on, in any currency; PMP INR and USD both start on
// 2025-07-01, and USD has a card of 2025-10-01 that INR lacks.
func TestNewerElsewhere(t *testing.T) {
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	id, _ := book.Markets().ID("India")
	in := uint16(id)
	for _, c := range []struct {
		era      Era
		currency string
		at       []string // utility templates to one pair, in order
		card     string   // the card used: model currency effective
		newer    string   // NewerElsewhere's card, "" for none
	}{
		{EraCBP2023, "INR", []string{"2025-07-15T00:00:00Z", "2025-07-16T00:00:00Z"}, "CBP INR 2023-06-01", "CBP USD 2025-04-01"},
		{EraCBP2023, "INR", []string{"2023-07-03T10:00:00Z"}, "CBP INR 2023-06-01", ""},
		{EraAuto, "INR", []string{"2024-09-03T10:00:00Z"}, "CBP INR 2023-06-01", "CBP USD 2024-08-01"},
		{EraPMP2025, "INR", []string{"2025-07-15T00:00:00Z"}, "PMP INR 2025-07-01", ""},
		{EraPMP2025, "INR", []string{"2025-11-03T10:00:00Z"}, "PMP INR 2025-07-01", "PMP USD 2025-10-01"},
		// The AED card of 2026-10-01 is pmp-2026-10's first, which a counterfactual in
		// AED would read: it was not in force in July 2025, no change INR missed.
		{EraPMP2026Oct, "INR", []string{"2025-07-15T00:00:00Z"}, "PMP INR 2025-07-01", ""},
		{EraCBP2022, "EUR", []string{"2025-07-15T00:00:00Z"}, "CBP EUR 2022-02-01", ""},
		{EraCBP2023, "USD", []string{"2025-07-15T00:00:00Z"}, "CBP USD 2025-04-01", ""},
	} {
		o := Options{Era: c.era, Book: book, Currency: c.currency, FreeConversationsPerMonth: -1}
		b, err := New(o)
		if err != nil {
			t.Fatal(err)
		}
		var last model.Time
		for i, at := range c.at {
			last = mustTime(t, at)
			if _, err := b.Bill(business(last, uint32(i), in, model.Utility)); err != nil {
				t.Fatalf("%s %s: %v", c.era, c.currency, err)
			}
		}
		used := b.CardUsed()
		if len(used) != 1 || name(used[0]) != c.card || used[0].Last != last {
			t.Fatalf("%s %s at %s: cards used %+v, want %s last read at %v", c.era, c.currency, c.at, used, c.card, last)
		}
		newer, ok, err := NewerElsewhere(o, used[0])
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if ok {
			got = name(newer)
		}
		if got != c.newer {
			t.Errorf("%s %s at %s: NewerElsewhere = %q, want %q", c.era, c.currency, c.at, got, c.newer)
		}
	}
}

func name(u CardUse) string {
	return u.Model.String() + " " + u.Currency + " " + u.Effective.Format(time.DateOnly)
}
