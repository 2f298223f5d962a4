package stats

import (
	"time"

	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/pricing"
)

// Priced says what priced a simulated bill: the user's rate and tier files (path as
// given and SHA-256; none when the built-in cards alone priced it) and the rate cards
// in force over the horizon and its drain, for summary.json, forecast.json and the manifests.
type Priced struct {
	RateFiles []pricing.File `json:"rate_files"`
	Cards     []CardInForce  `json:"cards_in_force"`
}

// CardInForce is a rate card and the local days of the horizon (and of the drain after
// it) it priced.
type CardInForce struct {
	PricingModel string `json:"pricing_model"`
	Currency     string `json:"currency"`
	Effective    string `json:"effective_from"` // YYYY-MM-DD
	// CarriedForwardFrom is, for a partial card, the card its missing cells were
	// carried forward from (confidence derived); absent for a complete card.
	CarriedForwardFrom string `json:"carried_forward_from,omitempty"`
	FirstDay           string `json:"first_day"`
	LastDay            string `json:"last_day"`
}

// NewPriced puts the user's files and the cards a horizon is priced with together.
func NewPriced(files []pricing.File, spans []billing.CardSpan) Priced {
	p := Priced{RateFiles: files, Cards: []CardInForce{}}
	if p.RateFiles == nil {
		p.RateFiles = []pricing.File{}
	}
	for _, s := range spans {
		c := CardInForce{PricingModel: s.Model.String(), Currency: s.Currency, Effective: s.Effective.Format(time.DateOnly),
			FirstDay: s.From.Format(time.DateOnly), LastDay: s.To.Format(time.DateOnly)}
		if !s.CarriedFrom.IsZero() {
			c.CarriedForwardFrom = s.CarriedFrom.Format(time.DateOnly)
		}
		p.Cards = append(p.Cards, c)
	}
	return p
}

// Listed is p with empty lists, never null ones, as the files show them.
func (p Priced) Listed() Priced {
	if p.RateFiles == nil {
		p.RateFiles = []pricing.File{}
	}
	if p.Cards == nil {
		p.Cards = []CardInForce{}
	}
	return p
}
