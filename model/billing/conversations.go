package billing

import (
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/model/window"
)

// Conversations, shared by the CBP eras and PMP's CBP utility carry-over.

// rideEntry prices a message inside an open CBP free entry point conversation.
func rideEntry(ch *pricing.Charge, p *window.Pair, pair uint32) {
	ch.Type = pricing.FreeEntryPoint
	ch.Category = pricing.ReferralConversion
	ch.ConversationID = window.ConversationID(pair, window.SlotEntryPoint, p.EntryEnd)
}

// convMeta is the type and category of slot s's conversation, which every message
// riding it reports (docs/billing.md, "CBP 2022" and "CBP 2023").
func convMeta(c *window.Convs, s window.Slot) (pricing.Type, pricing.Category) {
	typ, cat := c.Conv(s)
	return pricing.Type(typ), pricing.Category(cat)
}

// window.Convs packs a type and a category into 4 bits each.
var _ = [16 - int(pricing.NumCategories)]struct{}{}
var _ = [16 - int(pricing.NumTypes)]struct{}{}
