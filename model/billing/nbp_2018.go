package billing

import (
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/model/window"
)

// billNBP2018 (docs/billing.md, "NBP 2018"): inside the customer service window every
// business message is free, templates included; outside it only templates can be sent,
// and each delivered one is charged at the recipient market's template rate.
func (b *Biller) billNBP2018(ch *pricing.Charge, p *window.Pair, m *model.Message, at model.Time) error {
	ch.Model = pricing.NBP
	// NBP had no free entry point; a reply still answers the ad, so it consumes it.
	p.TakeReferral(at)
	if p.CSWOpen(at) || m.Kind != model.Template {
		ch.Type = pricing.FreeCustomerService
		return nil
	}
	cc, err := b.cardFor(EraNBP2018, at)
	if err != nil {
		return err
	}
	// NBP cards have one template rate (pricing.Card.Rate falls back to it); the charge
	// still says what kind of template it was.
	return b.chargeTiered(ch, cc, m, ch.Category)
}
