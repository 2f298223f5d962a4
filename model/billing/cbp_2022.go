package billing

import (
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/model/window"
)

// billCBP2022 (docs/billing.md, "CBP 2022"): a pair has at most one open conversation.
// A business message delivered while it is open is free, templates included, and reports
// the conversation's type and category. Otherwise the message opens a 24 h conversation:
// user_initiated if the CSW is open, else business_initiated. The first 1,000
// conversations of an account in a calendar month, both kinds together, are free.
func (b *Biller) billCBP2022(ch *pricing.Charge, p *window.Pair, m *model.Message, at model.Time) error {
	ch.Model = pricing.CBP
	answered := p.TakeReferral(at)
	if p.EntryOpen(at) {
		rideEntry(ch, p, m.Pair)
		return nil
	}
	// One open conversation per pair, which every message delivered while it is open
	// rides. This holds for a reply to an ad too: the free entry point is a conversation
	// like the others in CBP 2022 and cannot open while one is open (only CBP 2023 lets it
	// close the others). The reply still answered the ad, so no window opens later.
	if c := b.pairs.PeekConvs(m.Pair); c.Open(window.SlotV1, at) {
		ch.Type, ch.Category = convMeta(c, window.SlotV1)
		ch.ConversationID = window.ConversationID(m.Pair, window.SlotV1, c.ConvEnd[window.SlotV1])
		return nil
	}
	if answered {
		// Free entry point (docs/billing.md, "CBP 2022"): an ad or Page message answered
		// within 24 h opens a free conversation that does not count toward the free tier.
		// Decision: it lasts 24 h when it opens before 2023-03-01, 72 h from then on.
		dur := b.entryV1
		if dur == 0 {
			dur = window.EntryPointV1
			if at >= b.bounds.entry72h {
				dur = window.EntryPoint
			}
		}
		p.EntryEnd = at + dur
		rideEntry(ch, p, m.Pair)
		ch.Opens = true
		b.stats.EntryPointsV1++
		return nil
	}
	cat := pricing.BusinessInitiated
	if p.CSWOpen(at) {
		cat = pricing.UserInitiated
	}
	// "The first 1,000 conversations (UI and BI together) per account per calendar
	// month are free": the Ledger counts them (Ledger.settleFree).
	if err := b.claimFree(ch, EraCBP2022, m, cat, at); err != nil {
		return err
	}
	end := b.pairs.OpenConv(m.Pair, window.SlotV1, at, uint8(ch.Type), uint8(cat))
	ch.ConversationID = window.ConversationID(m.Pair, window.SlotV1, end)
	ch.Opens = true
	return nil
}
