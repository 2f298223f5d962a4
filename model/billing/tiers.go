package billing

import (
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
)

// Volume tiers: NBP templates and PMP utility and authentication templates.

// tiered categories share one volume counter per market but may have their own bands
// (bandRow keeps a day's bands of each).
const (
	tierUtility = iota
	tierAuth
	tierAuthIntl
	tierNBP // NBP's template bands
	numTiered
)

type bandRow struct {
	validTo [numTiered]model.Time
	bands   [numTiered][]band
}

// chargeTiered charges a template at the list rate and, for a tiered one (NBP
// templates; PMP utility, authentication and authentication-international), claims its
// place in the month's volume count, whose band the Ledger prices it at (Ledger.volume;
// docs/billing.md, "Volume tiers").
func (b *Biller) chargeTiered(ch *pricing.Charge, cc *cardCache, m *model.Message, cat pricing.Category) error {
	tiered := ch.Model == pricing.NBP || cat == pricing.Utility || cat == pricing.Authentication ||
		cat == pricing.AuthenticationInternational
	if err := b.charge(ch, cc, m.Market, cat); err != nil {
		return err
	}
	if tiered {
		b.cl.kind, b.cl.cat = claimVolume, cat
	}
	return nil
}

func tierIndex(cat pricing.Category) int {
	switch cat {
	case pricing.Authentication:
		return tierAuth
	case pricing.AuthenticationInternational:
		return tierAuthIntl
	case pricing.Template:
		return tierNBP
	}
	return tierUtility
}
