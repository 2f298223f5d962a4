package billing

import (
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
)

// TestModelCards: the card that prices a charge of a pricing model at an instant is
// the card the rules of that model in force then read, within their era's span of
// cards (docs/billing.md, "Rate cards"), as a Biller reads it; what reconcile prices
// Meta's word with. The built-in book has CBP USD cards from 2022-02-01, CBP EUR cards
// of 2022-02-01 only, CBP INR cards of 2023-06-01 only, PMP USD cards from 2025-07-01
// and no NBP card.
func TestModelCards(t *testing.T) {
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		model    pricing.Model
		currency string
		loc      *time.Location
		at       string
		want     string   // the card's effective date, or "" for an error
		errHas   []string // what the error must say
	}{
		{pricing.CBP, "USD", nil, "2023-03-10T10:00:00Z", "2022-02-01", nil},
		// CBP after PMP began: the CBP 2023 rules' latest card.
		{pricing.CBP, "USD", nil, "2025-08-01T10:00:00Z", "2025-04-01", nil},
		{pricing.CBP, "INR", nil, "2023-07-01T10:00:00Z", "2023-06-01", nil},
		// CBP 2022 rules in INR: the one INR card (2023-06-01) is of the other shape,
		// never read in place of one of 2022.
		{pricing.CBP, "INR", nil, "2023-03-10T10:00:00Z", "", []string{"cbp-2022", "INR", "effective before 2023-06-01",
			"rows such as 2022-02-01,CBP,<market>,<category>,INR,<rate>"}},
		{pricing.CBP, "INR", nil, "2021-12-01T10:00:00Z", "", []string{"effective before 2023-06-01"}},
		{pricing.CBP, "EUR", nil, "2024-01-15T10:00:00Z", "", []string{"cbp-2023", "effective 2023-06-01 or later", "2023-06-01,CBP,<market>,<category>,EUR,<rate>"}},
		// Before CBP began: the CBP 2022 rules as a counterfactual read their first card.
		{pricing.CBP, "EUR", nil, "2021-06-01T10:00:00Z", "2022-02-01", nil},
		{pricing.PMP, "USD", nil, "2025-06-15T10:00:00Z", "2025-07-01", nil},
		{pricing.PMP, "USD", nil, "2026-11-02T10:00:00Z", "2026-10-01", nil},
		{pricing.NBP, "USD", nil, "2019-05-02T10:00:00Z", "", []string{"need an NBP rate card"}},
		// Dates in the account's zone: 20:00 UTC on 2023-05-31 is 2023-06-01 in Kolkata.
		{pricing.CBP, "USD", nil, "2023-05-31T20:00:00Z", "2022-02-01", nil},
		{pricing.CBP, "USD", kolkata, "2023-05-31T20:00:00Z", "2023-06-01", nil},
	} {
		mc, err := NewModelCards(Options{Book: book, Currency: c.currency, Location: c.loc})
		if err != nil {
			t.Fatal(err)
		}
		at, err := time.Parse(time.RFC3339, c.at)
		if err != nil {
			t.Fatal(err)
		}
		card, err := mc.Card(c.model, model.FromStd(at))
		name := c.model.String() + " " + c.currency + " " + c.at
		switch {
		case c.want == "" && err == nil:
			t.Errorf("%s: card %s, want an error", name, card)
		case c.want == "":
			for _, s := range c.errHas {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("%s: error %q does not say %q", name, err, s)
				}
			}
		case err != nil:
			t.Errorf("%s: %v, want the %s card", name, err, c.want)
		case card.Effective().Format(time.DateOnly) != c.want || card.Model() != c.model || card.Currency() != c.currency:
			t.Errorf("%s: card %s, want the %s card", name, card, c.want)
		}
	}
}
