package billing

import (
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/model/window"
)

// billPMP2025 (docs/billing.md, "PMP 2025"): each delivered template is charged at its
// category's rate for the market, except that a utility template inside an open CSW is
// free (free_customer_service) and everything inside an open free entry point window is
// free (free_entry_point). Non-template messages are free; marketing and authentication
// are charged inside the CSW too.
func (b *Biller) billPMP2025(ch *pricing.Charge, p *window.Pair, m *model.Message, at model.Time) error {
	if pmpFreeEntryPoint(ch, p, at) {
		return nil
	}
	if m.Kind != model.Template {
		ch.Type = pricing.FreeCustomerService
		return nil
	}
	if m.Category == model.Utility {
		if cbpUtilityCarryOver(ch, b.pairs.PeekConvs(m.Pair), m, at) {
			return nil
		}
		if p.CSWOpen(at) {
			ch.Type = pricing.FreeCustomerService
			return nil
		}
	}
	return b.chargePMPTemplate(ch, m, EraPMP2025, at)
}

// The rules below are PMP's from 2025-07-01 that later PMP eras keep.

// pmpFreeEntryPoint marks ch a PMP charge and reports whether m is free in a free entry
// point window: an ad or Page message answered within 24 h, by any message, opens a 72 h
// window at that reply (docs/billing.md, "PMP 2025").
func pmpFreeEntryPoint(ch *pricing.Charge, p *window.Pair, at model.Time) bool {
	ch.Model = pricing.PMP
	if p.TakeReferral(at) && !p.EntryOpen(at) {
		p.EntryEnd = at + window.EntryPoint
	}
	if p.EntryOpen(at) {
		ch.Type = pricing.FreeEntryPoint
		return true
	}
	return false
}

// cbpUtilityCarryOver reports whether the utility template m rides a CBP utility
// conversation: one open on 2025-07-01 keeps utility templates free until it ends,
// reported as CBP (docs/billing.md, "Crossing from one era to the next").
func cbpUtilityCarryOver(ch *pricing.Charge, c *window.Convs, m *model.Message, at model.Time) bool {
	if !c.Open(window.SlotUtility, at) {
		return false
	}
	ch.Model = pricing.CBP
	ch.Type, ch.Category = convMeta(c, window.SlotUtility)
	ch.ConversationID = window.ConversationID(m.Pair, window.SlotUtility, c.ConvEnd[window.SlotUtility])
	return true
}

// chargePMPTemplate charges the template m by category and market on era e's card, at
// its volume band's rate where tiers apply.
func (b *Biller) chargePMPTemplate(ch *pricing.Charge, m *model.Message, e Era, at model.Time) error {
	cc, err := b.cardFor(e, at)
	if err != nil {
		return err
	}
	cat := ch.Category
	if cat == pricing.Authentication {
		if cat, err = b.authCategory(cc, m, at); err != nil {
			return err
		}
	}
	return b.chargeTiered(ch, cc, m, cat)
}
