package billing

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
)

// TestUnpriced: the cells a run's messages would be charged at that the card in force
// lacks, found by billing them: each card, market and category once, at the first day
// found, after the eras with no card at all. Hand-written cards, so that corrections
// of the shipped data do not move the expectations.
func TestUnpriced(t *testing.T) {
	book, err := pricing.ReadBook(strings.NewReader(`effective_from,pricing_model,market,category,currency,rate
2022-02-01,CBP,Brazil,business_initiated,USD,0.0500
2025-07-01,PMP,Brazil,marketing,USD,0.0625
2025-07-01,PMP,Brazil,utility,USD,0.0068
2025-07-01,PMP,Brazil,authentication,USD,0.0315
2025-07-01,PMP,Mexico,marketing,USD,0.0305
2025-07-01,PMP,Rest of Asia Pacific,marketing,USD,0.0732
2025-10-01,PMP,Brazil,marketing,USD,0.0625
2025-10-01,PMP,Brazil,utility,USD,0.0068
2025-10-01,PMP,Brazil,authentication,USD,0.0315
2025-10-01,PMP,Mexico,marketing,USD,0.0305
2025-10-01,PMP,Mexico,utility,USD,0.0085
2025-10-01,PMP,Rest of Asia Pacific,marketing,USD,0.0732
`), "cards.csv")
	if err != nil {
		t.Fatal(err)
	}
	text := func(cc string) Sent { return Sent{Country: [2]byte{cc[0], cc[1]}, Kind: model.Text} }
	tmpl := func(cc string, cat model.Category) Sent {
		return Sent{Country: [2]byte{cc[0], cc[1]}, Kind: model.Template, Category: cat}
	}
	for _, c := range []struct {
		name     string
		currency string
		from, to string
		sent     []Sent
		want     []string // each error's text, in order; an UnpricedError's starts "billing: from"
	}{
		{"every cell there", "USD", "2025-09-01", "2025-09-05", []Sent{text("BR"), tmpl("BR", model.Utility), tmpl("BR", model.Marketing)}, nil},
		{"a market without utility and authentication, then a card with utility", "USD", "2025-09-01", "2025-10-03",
			[]Sent{text("BR"), tmpl("BR", model.Utility), text("MX"), tmpl("MX", model.Utility), tmpl("MX", model.Authentication)},
			[]string{
				// Utility is free inside the window under PMP 2025, charged outside it.
				"billing: from 2025-09-01 the pmp-2025 rules charge utility templates to customers in MX at a rate the card lacks: " +
					"the PMP USD card of 2025-07-01 has no utility rate for Mexico; supply it with --rates FILE, a CSV with header " +
					"effective_from,pricing_model,market,category,currency,rate and a row such as 2025-07-01,PMP,Mexico,utility,USD,<rate>",
				"billing: from 2025-09-01 the pmp-2025 rules charge authentication templates to customers in MX at a rate the card lacks: " +
					"the PMP USD card of 2025-07-01 has no authentication rate for Mexico; supply it with --rates FILE, a CSV with header " +
					"effective_from,pricing_model,market,category,currency,rate and a row such as 2025-07-01,PMP,Mexico,authentication,USD,<rate>",
				// The 2025-10-01 card has Mexico's utility cell, not its authentication one.
				"billing: from 2025-10-01 the pmp-2025 rules charge authentication templates to customers in MX at a rate the card lacks: " +
					"the PMP USD card of 2025-10-01 has no authentication rate for Mexico; supply it with --rates FILE, a CSV with header " +
					"effective_from,pricing_model,market,category,currency,rate and a row such as 2025-10-01,PMP,Mexico,authentication,USD,<rate>",
			}},
		// CBP 2022: a template outside the window opens a business-initiated conversation
		// (priced), a message inside it a user-initiated one (not): once, for the first
		// kind of message that needs it. The free tier, on by default, does not hide it.
		{"CBP 2022 user-initiated", "USD", "2022-05-01", "2022-05-03", []Sent{text("BR"), tmpl("BR", model.Marketing)},
			[]string{"billing: from 2022-05-01 the cbp-2022 rules charge free-form messages to customers in BR at a rate the card lacks: " +
				"the CBP USD card of 2022-02-01 has no user_initiated rate for Brazil; supply it with --rates FILE, a CSV with header " +
				"effective_from,pricing_model,market,category,currency,rate and a row such as 2022-02-01,CBP,Brazil,user_initiated,USD,<rate>"}},
		// Hong Kong leaves Rest of Asia Pacific for a market of its own on 2026-07-01,
		// which these cards do not price: found on the day the market changes.
		{"a country's market changes", "USD", "2026-06-28", "2026-07-03", []Sent{tmpl("HK", model.Marketing)},
			[]string{"billing: from 2026-07-01 the pmp-2025 rules charge marketing templates to customers in HK at a rate the card lacks: " +
				"the PMP USD card of 2025-10-01 has no marketing rate for Hong Kong; supply it with --rates FILE, a CSV with header " +
				"effective_from,pricing_model,market,category,currency,rate and a row such as 2025-10-01,PMP,Hong Kong,marketing,USD,<rate>"}},
		// No card at all: Uncovered's error, and no cell looked for.
		{"no card in the currency", "EUR", "2025-09-01", "2025-09-03", []Sent{tmpl("BR", model.Marketing)},
			[]string{"billing: no PMP rate card in EUR for pmp-2025 at 2025-09-01T00:00:00Z: pricing: no PMP card in EUR in force on 2025-09-01: the book has PMP cards in USD; supply one with --rates FILE"}},
	} {
		got, err := Unpriced(Options{Book: book, Currency: c.currency}, utcDay(t, c.from), utcDay(t, c.to), c.sent)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		ok := len(got) == len(c.want)
		for i := 0; ok && i < len(got); i++ {
			var ue *UnpricedError
			ok = got[i].Error() == c.want[i] && errors.As(got[i], &ue) == strings.HasPrefix(c.want[i], "billing: from")
		}
		if !ok {
			t.Errorf("%s: got\n%v\nwant\n%q", c.name, got, c.want)
		}
	}
}

// utcDay is the first instant of the date s (YYYY-MM-DD) in UTC.
func utcDay(t *testing.T, s string) model.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return model.FromStd(d)
}
