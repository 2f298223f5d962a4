package billing

import (
	"fmt"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
)

// Volume tiers: NBP templates and PMP utility and authentication templates.

// tiered categories share one volume counter per market but may have their own bands.
const (
	tierUtility = iota
	tierAuth
	tierAuthIntl
	numTiered
)

type bandRow struct {
	validTo [numTiered]model.Time
	bands   [numTiered][]band
}

// chargeTiered charges a template at its volume band's rate when the tiers have bands for
// (market, category) today, else at the list rate (docs/billing.md, "Volume tiers"):
// utility, authentication and authentication-international share one counter per market
// and account; bands are graduated, each band's rate applying to the messages that fall
// inside it; only charged messages count, and the count restarts every calendar month.
// Marketing has no tiers.
func (b *Biller) chargeTiered(ch *pricing.Charge, cc *cardCache, m *model.Message, cat pricing.Category, at model.Time) error {
	tiered := ch.Model == pricing.NBP || cat == pricing.Utility || cat == pricing.Authentication ||
		cat == pricing.AuthenticationInternational
	if err := b.charge(ch, cc, m.Market, cat); err != nil {
		return err
	}
	if !tiered {
		return nil
	}
	acc := b.account(m.Number)
	// Two counters per market: [0] utility (and everything when shared), [1]
	// authentication and authentication-international when counted per category.
	k := 2 * int(m.Market)
	if b.tierPerCategory && cat != pricing.Utility {
		k++
	}
	if k >= len(acc.volume) {
		v := make([]int64, k+2, max(k+2, 128))
		copy(v, acc.volume)
		acc.volume = v
	}
	acc.volume[k]++
	n := acc.volume[k]
	if b.tiers == nil {
		return nil
	}
	if f := b.tiers.floor(m.Market, cat, at, b.loc); n < f {
		n, acc.volume[k] = f, f // Meta counted messages the log does not hold
	}
	bandCat := cat
	if ch.Model == pricing.NBP {
		bandCat = pricing.Template // NBP bands, if a --rates file has any
	}
	for _, bd := range b.bandsFor(m.Market, bandCat, at) {
		if n >= bd.From && n <= bd.To {
			p, err := bd.Price(ch.Amount)
			if err != nil {
				return fmt.Errorf("billing: %s template %d of the month in its market: volume band %d prices it at the list rate %s %+g%%: %w",
					cat, n, bd.Index, ch.Amount, float64(bd.VsListBP)/100, err)
			}
			ch.Amount = p
			ch.Tier = int8(bd.Index)
			if bd.Confidence != pricing.ConfNone {
				ch.Confidence = bd.Confidence
			}
			break
		}
	}
	return nil
}

func tierIndex(cat pricing.Category) int {
	switch cat {
	case pricing.Authentication:
		return tierAuth
	case pricing.AuthenticationInternational:
		return tierAuthIntl
	}
	return tierUtility
}

// bandsFor returns today's bands for (mkt, cat), looked up once per day.
func (b *Biller) bandsFor(mkt uint16, cat pricing.Category, at model.Time) []band {
	if int(mkt) >= len(b.bandCache) {
		c := make([]bandRow, int(mkt)+1)
		copy(c, b.bandCache)
		b.bandCache = c
	}
	r := &b.bandCache[mkt]
	k := tierIndex(cat)
	if r.validTo[k] != b.dayEnd {
		r.validTo[k] = b.dayEnd
		r.bands[k] = b.tiers.bands(mkt, cat, b.currency, at, b.loc)
	}
	return r.bands[k]
}
