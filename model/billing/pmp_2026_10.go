package billing

import (
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/model/window"
)

// billPMP2026Oct (docs/billing.md, "PMP 2026-10"): PMP 2025's rules, but service
// (non-template) messages and utility templates inside the CSW are charged, at the
// market's utility rate. Decision: the first 1,000 service messages of each business
// phone number in a calendar month are free. Everything inside a free entry point window
// stays free.
func (b *Biller) billPMP2026Oct(ch *pricing.Charge, p *window.Pair, m *model.Message, at model.Time) error {
	if pmpFreeEntryPoint(ch, p, at) {
		return nil
	}
	if m.Kind != model.Template {
		return b.chargeService(ch, m, at)
	}
	if m.Category == model.Utility && cbpUtilityCarryOver(ch, b.pairs.PeekConvs(m.Pair), m, at) {
		return nil
	}
	return b.chargePMPTemplate(ch, m, EraPMP2026Oct, at)
}

// chargeService prices a service message: free within the number's monthly allowance
// (Options.ServiceAllowancePerNumber), which the Ledger counts (Ledger.settleService),
// else charged at the market's utility list rate, without volume tiers, and reported
// as service.
func (b *Biller) chargeService(ch *pricing.Charge, m *model.Message, at model.Time) error {
	if b.serviceAllow > 0 {
		b.claimRate(claimService, EraPMP2026Oct, m.Market, pricing.Utility, at)
		return nil
	}
	cc, err := b.cardFor(EraPMP2026Oct, at)
	if err != nil {
		return err
	}
	if err := b.charge(ch, cc, m.Market, pricing.Utility); err != nil {
		return err
	}
	ch.Category = pricing.Service
	return nil
}

// ServiceAllowance is a user's count of free service messages per number per month, as
// replay's --service-allowance and a scenario's business.service_allowance give it (0
// or less: none), in the terms of Options.ServiceAllowancePerNumber (0: the default;
// negative: none).
func ServiceAllowance(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}
