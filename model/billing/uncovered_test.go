package billing

import (
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model/pricing"
)

// TestUncovered: the eras a span of days reaches whose rules find no card in the
// currency, each at the first instant they bill: what validate warns of before a run
// stops at its first charged message there. The built-in book has no NBP card, USD
// cards from CBP 2022 on, and CBP EUR cards of 2022 only (the CBP 2023 rules never
// read them).
func TestUncovered(t *testing.T) {
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		era      Era
		currency string
		from, to string
		want     []string // each error's beginning, in era order
	}{
		{EraAuto, "USD", "2023-05-01", "2026-12-01", nil},
		{EraAuto, "USD", "2019-05-02", "2019-06-01", []string{"billing: nbp-2018 rules at 2019-05-02"}},
		// Before the first era's start its rules bill too: the first day named is the span's.
		{EraAuto, "USD", "2018-05-02", "2022-03-01", []string{"billing: nbp-2018 rules at 2018-05-02"}},
		{EraAuto, "EUR", "2023-05-01", "2023-07-01", []string{"billing: no cbp-2023 rate card in EUR"}},
		{EraCBP2023, "EUR", "2022-05-01", "2022-06-01", []string{"billing: no cbp-2023 rate card in EUR"}},
		{EraPMP2025, "USD", "2019-01-01", "2019-02-01", nil}, // a counterfactual reads the era's first card
	} {
		b, err := New(Options{Era: c.era, Book: book, Currency: c.currency, Location: time.UTC})
		if err != nil {
			t.Fatal(err)
		}
		got := b.Uncovered(utcDay(t, c.from), utcDay(t, c.to))
		ok := len(got) == len(c.want)
		for i := 0; ok && i < len(got); i++ {
			ok = strings.HasPrefix(got[i].Error(), c.want[i])
		}
		if !ok {
			t.Errorf("%s %s %s–%s: %v, want %q", c.era, c.currency, c.from, c.to, got, c.want)
		}
	}
}
