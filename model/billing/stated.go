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
	inferred := pricing.Authentication
	if b.authIntl && at >= b.authIntlFrom && m.Country != [2]byte{} && m.Country != b.primary && intl {
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
