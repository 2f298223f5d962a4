package billing

import (
	"fmt"
	"sort"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
)

// testBook is a hand-written rate book for the timeline tests: expected amounts are
// written next to the rules, so they must not move when the shipped rate data is
// corrected. It mimics pricing.Card.Rate's documented fallbacks
// (authentication_international → authentication; marketing_lite → marketing; NBP
// category → template).
type testBook struct {
	cards map[pricing.Model][]*testCard // oldest first
}

type testCard struct {
	base  *testCard // the previous card of the model: cells this one lacks carry forward
	model pricing.Model
	eff   time.Time
	cells map[[2]int]pricing.Rate // (market, category)
}

func (b *testBook) add(eff time.Time, m pricing.Model, mkt uint16, cat pricing.Category, amount int64) {
	if b.cards == nil {
		b.cards = map[pricing.Model][]*testCard{}
	}
	cs := b.cards[m]
	var c *testCard
	for _, x := range cs {
		if x.eff.Equal(eff) {
			c = x
		}
	}
	if c == nil {
		c = &testCard{model: m, eff: eff, cells: map[[2]int]pricing.Rate{}}
		cs = append(cs, c)
		sort.Slice(cs, func(i, j int) bool { return cs[i].eff.Before(cs[j].eff) })
		for i := range cs {
			cs[i].base = nil
			if i > 0 {
				cs[i].base = cs[i-1]
			}
		}
		b.cards[m] = cs
	}
	c.cells[[2]int{int(mkt), int(cat)}] = pricing.Rate{Amount: money.Micros(amount), Confidence: pricing.UserSupplied, Card: eff}
}

func (b *testBook) card(m pricing.Model, currency string, at model.Time, loc *time.Location, s pricing.Span) (rateCard, error) {
	y, mo, d := at.In(loc).Date()
	date := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	var found *testCard
	for _, c := range b.cards[m] {
		if !c.eff.After(date) && s.Holds(c.eff) {
			found = c
		}
	}
	if found == nil {
		return nil, fmt.Errorf("test book: no %s card %s on %s", m, s, date.Format(time.DateOnly))
	}
	return found, nil
}

func (b *testBook) first(m pricing.Model, currency string, s pricing.Span) (rateCard, error) {
	for _, c := range b.cards[m] {
		if s.Holds(c.eff) {
			return c, nil
		}
	}
	return nil, fmt.Errorf("test book: no %s card %s", m, s)
}

func (b *testBook) next(m pricing.Model, currency string, after time.Time) (time.Time, bool) {
	for _, c := range b.cards[m] {
		if c.eff.After(after) {
			return c.eff, true
		}
	}
	return time.Time{}, false
}

// cell looks a cell up in this card, else in the cards before it (the test files write
// only the cells a card changes, as pricing's overlay of partial cards does).
func (c *testCard) cell(mkt uint16, cat pricing.Category) (pricing.Rate, bool) {
	for x := c; x != nil; x = x.base {
		if r, ok := x.cells[[2]int{int(mkt), int(cat)}]; ok {
			return r, true
		}
	}
	return pricing.Rate{}, false
}

func (c *testCard) rate(mkt uint16, cat pricing.Category) (rateValue, error) {
	r, ok := c.cell(mkt, cat)
	if !ok && cat == pricing.AuthenticationInternational {
		r, ok = c.cell(mkt, pricing.Authentication)
	}
	if !ok && cat == pricing.MarketingLite {
		r, ok = c.cell(mkt, pricing.Marketing)
	}
	if !ok && c.model == pricing.NBP {
		r, ok = c.cell(mkt, pricing.Template)
	}
	if !ok {
		return rateValue{}, fmt.Errorf("test card %s %s: no %s rate for market %d", c.model, c.eff.Format(time.DateOnly), cat, mkt)
	}
	return rateValue{amount: r.Amount, conf: r.Confidence, card: r.Card}, nil
}

func (c *testCard) effective() time.Time { return c.eff }

func (c *testCard) has(mkt uint16, cat pricing.Category) bool {
	_, ok := c.cell(mkt, cat)
	return ok
}

// testTiers holds bands per (market, category), valid at every date.
type testTiers struct {
	m map[[2]int][]band
}

func (t *testTiers) floor(uint16, pricing.Category, model.Time, *time.Location) int64 { return 0 }

func (t *testTiers) add(mkt uint16, cat pricing.Category, b band) {
	if t.m == nil {
		t.m = map[[2]int][]band{}
	}
	k := [2]int{int(mkt), int(cat)}
	t.m[k] = append(t.m[k], b)
}

func (t *testTiers) bands(mkt uint16, cat pricing.Category, currency string, at model.Time, loc *time.Location) []band {
	return t.m[[2]int{int(mkt), int(cat)}]
}
