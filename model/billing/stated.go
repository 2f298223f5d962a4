package billing

import (
	"fmt"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/pricing"
)

// The log's word: facts a log states (model.Message.Stated) win over what billing would
// infer, in every era (Options.IgnoreStated turns that off). The US marketing pause is
// checked in Bill, before any era's rules; the rest is here.

// applyStated reports the charge in the log's words where it states them: a marketing
// template sent through the Marketing Messages Lite API is marketing_lite (priced as
// marketing), and counts the authentication charges whose category the log decided.
func (b *Biller) applyStated(ch *pricing.Charge, m *model.Message) {
	if b.ignoreStated || m.Stated == 0 {
		return
	}
	if ch.Category == pricing.Marketing && m.Stated&model.StatedMarketingLite != 0 {
		ch.Category = pricing.MarketingLite
		b.stats.Stated.MarketingLite++
	}
	if b.authStated && ch.Type == pricing.Regular {
		switch ch.Category {
		case pricing.AuthenticationInternational:
			b.stats.Stated.AuthIntl++
		case pricing.Authentication:
			b.stats.Stated.AuthDomestic++
		}
	}
}

// authCategory is authentication_international when the business is eligible (its start
// time AuthIntlFrom passed), the recipient's country differs from the primary country
// (any known country differs from an unknown one: Meta bills the international rate when
// the primary business location is not verified), and the market had an international
// rate on the date; else authentication (a market without such a rate bills the
// authentication rate: docs/billing.md, "Authentication-international").
//
// Whether a market had the rate is a fact of the date, not of one currency's card: a
// card that lacks the cell where a card of the date in another currency has it (the INR
// cards have India alone; a user's card gives a market's authentication cell only) is
// missing the rate, and an international message there is a *pricing.MissingRateError,
// as any missing cell is, never priced at the domestic rate (intlOn).
//
// Where the log states the category (model.StatedAuthIntl, StatedAuthDomestic) it wins
// over that inference, unless Options.IgnoreStated.
func (b *Biller) authCategory(cc *cardCache, m *model.Message, at model.Time) (pricing.Category, error) {
	intl := cc.has(m.Market, pricing.AuthenticationInternational)
	eligible := b.authIntl && at >= b.authIntlFrom && m.Country != [2]byte{} && m.Country != b.primary
	if eligible || m.Stated&model.StatedAuthIntl != 0 {
		switch {
		case intl:
			intl = b.intlOnDate(cc, m.Market, at) // only where the international rate could apply
		case b.wantsIntl(m, eligible):
			if d := b.intlDay(m.Market, at); d.ok {
				return pricing.Authentication, b.missingIntl(cc, m.Market, at, d)
			}
		}
	}
	inferred := pricing.Authentication
	if eligible && intl {
		inferred = pricing.AuthenticationInternational
	}
	if b.ignoreStated {
		return inferred, nil
	}
	stated := inferred
	switch {
	case m.Stated&model.StatedAuthIntl != 0 && intl:
		stated = pricing.AuthenticationInternational
	case m.Stated&model.StatedAuthDomestic != 0:
		stated = pricing.Authentication
	}
	b.authStated = stated != inferred
	return stated, nil
}

// wantsIntl says whether authCategory would charge m the international rate, were the
// card to have it: the log's word where it states one (unless IgnoreStated), else
// eligible.
func (b *Biller) wantsIntl(m *model.Message, eligible bool) bool {
	switch {
	case b.ignoreStated:
		return eligible
	case m.Stated&model.StatedAuthIntl != 0:
		return true
	case m.Stated&model.StatedAuthDomestic != 0:
		return false
	}
	return eligible
}

// missingIntl is the error for an international authentication message to market mkt,
// which had the rate on the date of at (d says which card shows it), priced on cc, a
// card without the cell.
func (b *Biller) missingIntl(cc *cardCache, mkt uint16, at model.Time, d *intlDay) error {
	why := fmt.Sprintf("the market has one on %s, as the %s %s card of %s shows, and these authentication messages are international there",
		at.In(b.loc).Format(time.DateOnly), d.model, d.currency, d.eff.Format(time.DateOnly))
	if bc, ok := cc.card.(bookCard); ok {
		return &pricing.MissingRateError{Card: bc.c, Market: b.markets.Name(market.ID(mkt)), Category: pricing.AuthenticationInternational, Why: why}
	}
	return fmt.Errorf("test card %s %s: no %s rate for market %d (%s)", cc.model, cc.eff.Format(time.DateOnly), pricing.AuthenticationInternational, mkt, why)
}

// intlOnDate says whether market mkt had an authentication-international rate on the
// date of at, where cc, which has the cell, may be a card read before its effective
// date (a counterfactual: a 2024 trace under pmp-2025 reads the 2025-07-01 card).
// Markets gained that rate on dates of their own (India on 2024-07-01), and a fixed era
// keeps the rules' dates (docs/billing.md, "Eras"). A card in force on the date says so
// itself; else intlOn answers.
func (b *Biller) intlOnDate(cc *cardCache, mkt uint16, at model.Time) bool {
	if b.days.Of(at) >= cc.effDay {
		return true
	}
	return b.intlDay(mkt, at).ok
}

// intlDay is intlOn's answer for market mkt on the date of at, kept for the day, per
// market, as the card is: authCategory asks it for every international message a card
// has no rate for.
func (b *Biller) intlDay(mkt uint16, at model.Time) *intlDay {
	if int(mkt) >= len(b.intlDays) {
		b.intlDays = append(b.intlDays, make([]intlDay, int(mkt)+1-len(b.intlDays))...)
	}
	s := &b.intlDays[mkt]
	if s.validTo != b.dayEnd {
		*s = b.intlOn(mkt, at)
		s.validTo = b.dayEnd
	}
	return s
}

// intlOn says whether market mkt had an authentication-international rate on the date
// of at: whether the card of the rules in force then (the era in force on the date, as
// EraAuto reads it) has the cell, in the billing currency or any other of the book,
// billing's first. ok false: none has (or the rules of the date are NBP's).
func (b *Biller) intlOn(mkt uint16, at model.Time) intlDay {
	eb := &b.bounds.eras[b.bounds.era(at)]
	if eb.model == pricing.NBP {
		return intlDay{}
	}
	l, fast := b.book.(currencyLister)
	for _, cur := range b.intlCurrencies {
		var c rateCard
		var ok bool
		if fast {
			c, ok = l.inForce(eb.model, cur, at, b.loc, eb.cards)
		} else {
			var err error
			c, err = b.book.card(eb.model, cur, at, b.loc, eb.cards)
			ok = err == nil
		}
		if ok && c.has(mkt, pricing.AuthenticationInternational) {
			return intlDay{ok: true, model: eb.model, currency: cur, eff: c.effective()}
		}
	}
	return intlDay{}
}

// intlDay is intlOn's answer for a market, current while validTo is Biller.dayEnd, with
// the card that shows the rate.
type intlDay struct {
	validTo model.Time
	ok      bool
	// The card that has the cell: its model, currency and effective date.
	model    pricing.Model
	currency string
	eff      time.Time
}
