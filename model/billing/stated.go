package billing

import (
	"github.com/spendsim/spendsim/model"
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
// the primary business location is not verified), and the card has an international rate
// for the market; else authentication (a market without such a rate bills the
// authentication rate: docs/billing.md, "Authentication-international").
//
// Where the log states the category (model.StatedAuthIntl, StatedAuthDomestic) it wins
// over that inference, unless Options.IgnoreStated; the international rate still needs
// the card's cell.
func (b *Biller) authCategory(cc *cardCache, m *model.Message, at model.Time) pricing.Category {
	intl := cc.has(m.Market, pricing.AuthenticationInternational)
	eligible := b.authIntl && at >= b.authIntlFrom && m.Country != [2]byte{} && m.Country != b.primary
	if intl && (eligible || m.Stated&model.StatedAuthIntl != 0) {
		intl = b.intlOnDate(cc, m.Market, at) // only where the international rate could apply
	}
	inferred := pricing.Authentication
	if eligible && intl {
		inferred = pricing.AuthenticationInternational
	}
	if b.ignoreStated {
		return inferred
	}
	stated := inferred
	switch {
	case m.Stated&model.StatedAuthIntl != 0 && intl:
		stated = pricing.AuthenticationInternational
	case m.Stated&model.StatedAuthDomestic != 0:
		stated = pricing.Authentication
	}
	b.authStated = stated != inferred
	return stated
}

// intlOnDate says whether market mkt had an authentication-international rate on the
// date of at, where cc is a card read before its effective date (a counterfactual: a
// 2024 trace under pmp-2025 reads the 2025-07-01 card). Markets gained that rate on
// dates of their own (India on 2024-07-01), and a fixed era keeps the rules' dates
// (docs/billing.md, "Eras"): the rate applies where some card of any model in force
// on that date has it. A card in force on the date says so itself.
// The answer is kept for the day, per market, as the card is.
func (b *Biller) intlOnDate(cc *cardCache, mkt uint16, at model.Time) bool {
	if b.days.Of(at) >= cc.effDay {
		return true
	}
	if int(mkt) >= len(b.intlDays) {
		b.intlDays = append(b.intlDays, make([]intlDay, int(mkt)+1-len(b.intlDays))...)
	}
	s := &b.intlDays[mkt]
	if s.validTo != b.dayEnd {
		s.validTo, s.ok = b.dayEnd, false
		for _, m := range []pricing.Model{pricing.CBP, pricing.PMP} {
			if c, err := b.book.card(m, b.currency, at, b.loc, pricing.Span{}); err == nil && c.has(mkt, pricing.AuthenticationInternational) {
				s.ok = true
				break
			}
		}
	}
	return s.ok
}

// intlDay is intlOnDate's answer for a market, current while validTo is Biller.dayEnd.
type intlDay struct {
	validTo model.Time
	ok      bool
}
