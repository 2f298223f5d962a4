package billing

import (
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/model/window"
)

// billCBP2023 (docs/billing.md, "CBP 2023"): a template opens a conversation of its
// category unless one of that category is open; each opening is one charge at the
// category's rate. A non-template message opens a service conversation only when no
// conversation of any category is open.
func (b *Biller) billCBP2023(ch *pricing.Charge, p *window.Pair, m *model.Message, at model.Time) error {
	ch.Model = pricing.CBP
	answered := p.TakeReferral(at)
	if p.EntryOpen(at) {
		rideEntry(ch, p, m.Pair)
		return nil
	}
	if answered {
		// Free entry point: an ad or Page message answered within 24 h opens a 72 h free
		// window at the reply; it closes every open conversation of the pair, no other
		// opens until it ends, and everything in it is free.
		b.pairs.CloseConvs(m.Pair, at)
		p.EntryEnd = at + window.EntryPoint
		rideEntry(ch, p, m.Pair)
		ch.Opens = true
		return nil
	}
	c := b.pairs.PeekConvs(m.Pair) // nil while the pair has opened none: none is open
	if m.Kind == model.Template {
		s := templateSlot[m.Category]
		cat := ch.Category
		var cc *cardCache
		var catErr error // a missing international rate: an error only if the message opens a conversation
		if cat == pricing.Authentication || !c.Open(s, at) {
			var err error
			if cc, err = b.cardFor(EraCBP2023, at); err != nil {
				return err
			}
			if cat == pricing.Authentication {
				cat, catErr = b.authCategory(cc, m, at)
			}
		}
		if c.Open(s, at) {
			ch.Type, ch.Category = convMeta(c, s)
			ch.ConversationID = window.ConversationID(m.Pair, s, c.ConvEnd[s])
			return nil
		}
		if catErr != nil {
			return catErr
		}
		if err := b.charge(ch, cc, m.Market, cat); err != nil {
			return err
		}
		b.openConv(ch, m.Pair, s, at)
		return nil
	}

	// A non-template message inside any open conversation rides it: report the one
	// opened last.
	if s, ok := latestOpen(c, at); ok {
		ch.Type, ch.Category = convMeta(c, s)
		ch.ConversationID = window.ConversationID(m.Pair, s, c.ConvEnd[s])
		return nil
	}
	if at >= b.bounds.serviceFree {
		// Every service conversation is free from 2024-11-01: free because the customer
		// wrote first, so reported as free_customer_service.
		ch.Type = pricing.FreeCustomerService
	} else if err := b.claimFree(ch, EraCBP2023, m, pricing.Service, at); err != nil {
		// The first 1,000 service conversations of an account in a month are free: the
		// Ledger counts them (Ledger.settleFree).
		return err
	}
	b.openConv(ch, m.Pair, window.SlotService, at)
	return nil
}

// templateSlot is the conversation slot of each template category.
var templateSlot = [...]window.Slot{
	model.Marketing:      window.SlotMarketing,
	model.Utility:        window.SlotUtility,
	model.Authentication: window.SlotAuthentication,
}

func (b *Biller) openConv(ch *pricing.Charge, pair uint32, s window.Slot, at model.Time) {
	end := b.pairs.OpenConv(pair, s, at, uint8(ch.Type), uint8(ch.Category))
	ch.ConversationID = window.ConversationID(pair, s, end)
	ch.Opens = true
}

func latestOpen(c *window.Convs, at model.Time) (window.Slot, bool) {
	best, ok := window.Slot(0), false
	for s := window.SlotMarketing; s < window.NumSlots; s++ {
		if c.Open(s, at) && (!ok || c.ConvEnd[s] > c.ConvEnd[best]) {
			best, ok = s, true
		}
	}
	return best, ok
}
