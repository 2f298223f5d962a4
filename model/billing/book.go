package billing

import (
	"slices"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/pricing"
)

// Adapters from model/pricing's Book and Tiers to the interfaces billing uses.

type bookRates struct{ b *pricing.Book }

func (r bookRates) card(m pricing.Model, currency string, at model.Time, loc *time.Location, s pricing.Span) (rateCard, error) {
	c, err := r.b.CardIn(m, currency, at, loc, s)
	if err != nil {
		return nil, err
	}
	return bookCard{c}, nil
}

func (r bookRates) first(m pricing.Model, currency string, s pricing.Span) (rateCard, error) {
	c, err := r.b.FirstIn(m, currency, s)
	if err != nil {
		return nil, err
	}
	return bookCard{c}, nil
}

func (r bookRates) next(m pricing.Model, currency string, after time.Time) (time.Time, bool) {
	for _, c := range r.b.Cards() { // by model, currency and date
		if c.Model() == m && strings.EqualFold(c.Currency(), currency) && c.Effective().After(after) {
			return c.Effective(), true
		}
	}
	return time.Time{}, false
}

// currencies lists the currencies of the book's cards, sorted (currencyLister).
func (r bookRates) currencies() []string {
	var out []string
	for _, c := range r.b.Cards() {
		if !slices.Contains(out, c.Currency()) {
			out = append(out, c.Currency())
		}
	}
	slices.Sort(out)
	return out
}

// inForce is card without an error to build: ok false where none is in force.
func (r bookRates) inForce(m pricing.Model, currency string, at model.Time, loc *time.Location, s pricing.Span) (rateCard, bool) {
	if c := r.b.InForce(m, currency, at, loc, s); c != nil {
		return bookCard{c}, true
	}
	return nil, false
}

// currencyLister is a rateBook that can list its currencies, and look a card up
// without allocating: a market's authentication-international rate is looked for in
// each currency (Biller.intlOn). A book that cannot is read in the billing currency
// alone.
type currencyLister interface {
	currencies() []string
	inForce(m pricing.Model, currency string, at model.Time, loc *time.Location, s pricing.Span) (rateCard, bool)
}

// bookCard compares equal exactly when it wraps the same *pricing.Card.
type bookCard struct{ c *pricing.Card }

func (c bookCard) rate(mkt uint16, cat pricing.Category) (rateValue, error) {
	r, err := c.c.Rate(market.ID(mkt), cat)
	return rateValue{amount: r.Amount, conf: r.Confidence, card: r.Card}, err
}

// has is true only for the card's own or carried cells: Rate falls back from
// authentication_international to authentication, and the charge must then say
// authentication.
func (c bookCard) effective() time.Time { return c.c.Effective() }

func (c bookCard) has(mkt uint16, cat pricing.Category) bool { return c.c.Has(market.ID(mkt), cat) }

type bookTiers struct{ t *pricing.Tiers }

func (t bookTiers) bands(mkt uint16, cat pricing.Category, currency string, at model.Time, loc *time.Location) []band {
	return t.t.Bands(market.ID(mkt), cat, currency, at, loc)
}

func (t bookTiers) floor(mkt uint16, cat pricing.Category, at model.Time, loc *time.Location) int64 {
	return t.t.Floor(market.ID(mkt), cat, at, loc)
}
