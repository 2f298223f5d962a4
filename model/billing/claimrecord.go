package billing

import (
	"errors"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
)

// A sharded replay bills its users on several machines and settles their claims in one
// ordered pass elsewhere, so a Claim travels through a file: ClaimRecord is a Claim in
// plain, exported values, and a ClaimReader turns records back into Claims for one
// Ledger. The rate card a claim names travels as its pricing model and effective date,
// which is all a Ledger reads of it (the bill's cards in use); the error a counter may
// surface travels as its text.

// ClaimRecord is a Claim written out (Claim.Record) to be settled by another process's
// Ledger (ClaimReader.Claim).
type ClaimRecord struct {
	Kind          uint8
	Consulted     bool
	Charged       bool
	Cat           pricing.Category
	Conf          pricing.Confidence
	Number        uint16
	Market        uint16
	At            model.Time
	Card          bool // a card is named: CardModel, CardEffective
	CardModel     pricing.Model
	CardEffective time.Time
	Amount        money.Micros
	Err           string // "" for none
}

// Record returns c in plain values.
func (c *Claim) Record() ClaimRecord {
	r := ClaimRecord{Kind: uint8(c.kind), Consulted: c.consulted, Charged: c.charged, Cat: c.cat, Conf: c.conf,
		Number: c.number, Market: c.market, At: c.at, Amount: c.amount}
	if c.card != nil {
		r.Card, r.CardModel, r.CardEffective = true, c.card.model, c.card.eff
	}
	if c.err != nil {
		r.Err = c.err.Error()
	}
	return r
}

// Valid reports whether r's codes are ones a Biller writes: a record read from a file
// (a replay's part) is checked before a Ledger settles it.
func (r *ClaimRecord) Valid() bool {
	return r.Kind <= uint8(claimService) && r.Cat < pricing.NumCategories && r.Conf <= pricing.UserSupplied &&
		r.CardModel <= pricing.PMP
}

// ClaimReader rebuilds Claims from records for one Ledger: every record naming one card
// gets one card, as every claim of one Biller does.
type ClaimReader struct {
	cards []*cardCache
}

// Claim returns the Claim r records.
func (cr *ClaimReader) Claim(r *ClaimRecord) Claim {
	c := Claim{kind: claimKind(r.Kind), consulted: r.Consulted, charged: r.Charged, cat: r.Cat, conf: r.Conf,
		number: r.Number, market: r.Market, at: r.At, amount: r.Amount}
	if r.Card {
		c.card = cr.card(r.CardModel, r.CardEffective)
	}
	if r.Err != "" {
		c.err = errors.New(r.Err)
	}
	return c
}

func (cr *ClaimReader) card(m pricing.Model, eff time.Time) *cardCache {
	for _, cc := range cr.cards {
		if cc.model == m && cc.eff.Equal(eff) {
			return cc
		}
	}
	cc := &cardCache{card: &namedCard{eff: eff}, model: m, eff: eff}
	cr.cards = append(cr.cards, cc)
	return cc
}

// namedCard is a card known by its name alone: a Ledger reads no rates from a claim's
// card, only which card it is.
type namedCard struct{ eff time.Time }

func (c *namedCard) rate(uint16, pricing.Category) (rateValue, error) {
	panic("billing: a card read back from a claim record has no rates")
}
func (c *namedCard) has(uint16, pricing.Category) bool { return false }
func (c *namedCard) effective() time.Time              { return c.eff }
