package billing

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
)

// intlBook has a USD card on which the United Arab Emirates and India have
// authentication-international rates, and an INR card with the authentication rates
// alone, as a user gives them for markets the built-in INR cards lack.
func intlBook(t *testing.T) *pricing.Book {
	t.Helper()
	book, err := pricing.ReadBook(strings.NewReader(`effective_from,pricing_model,market,category,currency,rate
2025-07-01,PMP,United Arab Emirates,authentication,USD,0.0157
2025-07-01,PMP,United Arab Emirates,authentication_international,USD,0.0510
2025-07-01,PMP,India,authentication,USD,0.0014
2025-07-01,PMP,India,authentication_international,USD,0.0280
2025-07-01,PMP,United Kingdom,authentication,USD,0.0220
2025-07-01,PMP,United Arab Emirates,authentication,INR,1.3345
2025-07-01,PMP,India,authentication,INR,0.1150
2025-07-01,PMP,India,authentication_international,INR,2.3000
2025-07-01,PMP,United Kingdom,authentication,INR,1.8700
`), "cards.csv")
	if err != nil {
		t.Fatal(err)
	}
	return book
}

// TestAuthIntlMissingCell: an INR card that lacks the United Arab Emirates'
// authentication_international cell, where the USD card of the date has it, priced an
// Indian business's OTPs to the UAE at the UAE's domestic rate (1.3345 INR, where in USD
// they pay the international 0.0510, not 0.0157). The cell is missing, as any other:
// the charge is a *pricing.MissingRateError naming the row to add. Where the message
// is not international (the primary country, no start time) or the market has no such
// rate in any currency (the United Kingdom), the authentication rate is right.
func TestAuthIntlMissingCell(t *testing.T) {
	book := intlBook(t)
	at := mustTime(t, "2025-08-01T10:00:00Z")
	from := mustTime(t, "2025-01-01T00:00:00Z")
	tmpl := func(cc string) model.Message {
		c := [2]byte{cc[0], cc[1]}
		return model.Message{TS: at, Pair: 1, Country: c, Market: uint16(book.Markets().ForCountryIn(cc, at, time.UTC)),
			Direction: model.FromBusiness, Kind: model.Template, Category: model.Authentication, Status: model.Delivered}
	}
	for _, c := range []struct {
		name     string
		currency string
		primary  string
		from     model.Time
		to       string
		cat      pricing.Category
		amount   int64  // micros
		missing  string // the error's text, where the cell is missing
	}{
		{"USD: the UAE's international rate", "USD", "IN", from, "AE", pricing.AuthenticationInternational, 51000, ""},
		{"INR: the UAE's cell is missing", "INR", "IN", from, "AE", 0, 0,
			"pricing: the PMP INR card of 2025-07-01 has no authentication_international rate for United Arab Emirates " +
				"(the market has one on 2025-08-01, as the PMP USD card of 2025-07-01 shows, and these authentication messages are international there); " +
				"supply it with --rates FILE, a CSV with header effective_from,pricing_model,market,category,currency,rate and a row such as " +
				"2025-07-01,PMP,United Arab Emirates,authentication_international,INR,<rate>"},
		{"INR: no primary country, the same", "INR", "", from, "AE", 0, 0, "has no authentication_international rate for United Arab Emirates"},
		{"INR: a UAE business's own customers are domestic", "INR", "AE", from, "AE", pricing.Authentication, 1334500, ""},
		{"INR: no start time, no international rate", "INR", "IN", 0, "AE", pricing.Authentication, 1334500, ""},
		{"INR: before the start time", "INR", "IN", mustTime(t, "2025-09-01T00:00:00Z"), "AE", pricing.Authentication, 1334500, ""},
		{"INR: the UK has no international rate in any currency", "INR", "IN", from, "GB", pricing.Authentication, 1870000, ""},
		{"INR: India from abroad, the INR card's own cell", "INR", "AE", from, "IN", pricing.AuthenticationInternational, 2300000, ""},
	} {
		b, err := New(Options{Era: EraPMP2025, Book: book, Currency: c.currency, PrimaryCountry: c.primary, AuthIntlFrom: c.from})
		if err != nil {
			t.Fatal(err)
		}
		m := tmpl(c.to)
		ch, err := b.Bill(&m)
		var mr *pricing.MissingRateError
		switch {
		case c.missing != "":
			if !errors.As(err, &mr) || mr.Category != pricing.AuthenticationInternational || !strings.Contains(err.Error(), c.missing) {
				t.Errorf("%s: got %+v, %v; want the missing cell %q", c.name, ch, err, c.missing)
			}
		case err != nil || ch.Category != c.cat || int64(ch.Amount) != c.amount:
			t.Errorf("%s: got %s %d, %v; want %s %d", c.name, ch.Category, ch.Amount, err, c.cat, c.amount)
		}
	}
}

// TestUnpricedAuthIntl: validate's check lists the missing international cell, found
// on the day the start time passes when it passes inside the days checked.
func TestUnpricedAuthIntl(t *testing.T) {
	book := intlBook(t)
	o := Options{Era: EraPMP2025, Book: book, Currency: "INR", PrimaryCountry: "IN", AuthIntlFrom: mustTime(t, "2025-08-03T00:00:00Z")}
	sent := []Sent{
		{Country: [2]byte{'A', 'E'}, Kind: model.Template, Category: model.Authentication},
		{Country: [2]byte{'G', 'B'}, Kind: model.Template, Category: model.Authentication},
		{Country: [2]byte{'I', 'N'}, Kind: model.Template, Category: model.Authentication},
	}
	errs, err := Unpriced(o, mustTime(t, "2025-08-01T00:00:00Z"), mustTime(t, "2025-08-10T00:00:00Z"), sent)
	if err != nil {
		t.Fatal(err)
	}
	var ue *UnpricedError
	if len(errs) != 1 || !errors.As(errs[0], &ue) || !ue.Unavoidable ||
		!strings.HasPrefix(ue.Error(), "billing: from 2025-08-03 the pmp-2025 rules charge authentication templates to customers in AE at a rate the card lacks: "+
			"the PMP INR card of 2025-07-01 has no authentication_international rate for United Arab Emirates") ||
		!strings.HasSuffix(ue.Error(), "2025-07-01,PMP,United Arab Emirates,authentication_international,INR,<rate>") {
		t.Errorf("got %v, want the UAE's authentication_international cell from 2025-08-03, unavoidable", errs)
	}
}

// TestAuthIntlCounterfactualAnyCurrency: a counterfactual reads a card before its date
// (2024-08 traffic under pmp-2025 reads the 2025-07-01 card); India's international
// rate applies only from the date it began, which the INR cards of 2024, India's
// marketing and utility alone, do not show but the USD cards do: the INR bill charges
// the international rate, as the USD bill does.
func TestAuthIntlCounterfactualAnyCurrency(t *testing.T) {
	book, err := pricing.ReadBook(strings.NewReader(`effective_from,pricing_model,market,category,currency,rate
2023-06-01,CBP,India,utility,INR,0.3082
2023-06-01,CBP,India,authentication,USD,0.0014
2024-07-01,CBP,India,authentication,USD,0.0014
2024-07-01,CBP,India,authentication_international,USD,0.0280
2025-07-01,PMP,India,authentication,INR,0.1150
2025-07-01,PMP,India,authentication_international,INR,2.3000
`), "cards.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		at  string
		cat pricing.Category
	}{
		{"2024-06-15T10:00:00Z", pricing.Authentication},
		{"2024-08-15T10:00:00Z", pricing.AuthenticationInternational},
	} {
		at := mustTime(t, c.at)
		b, err := New(Options{Era: EraPMP2025, Book: book, Currency: "INR", PrimaryCountry: "AE", AuthIntlFrom: mustTime(t, "2024-01-01T00:00:00Z")})
		if err != nil {
			t.Fatal(err)
		}
		m := model.Message{TS: at, Pair: 1, Country: [2]byte{'I', 'N'}, Market: uint16(book.Markets().ForCountryIn("IN", at, time.UTC)),
			Direction: model.FromBusiness, Kind: model.Template, Category: model.Authentication, Status: model.Delivered}
		if ch, err := b.Bill(&m); err != nil || ch.Category != c.cat {
			t.Errorf("%s: got %s, %v; want %s", c.at, ch.Category, err, c.cat)
		}
	}
}
