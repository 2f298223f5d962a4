package billing

import (
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/model/window"
)

// The rules of each era, one function per era, each applied to a delivered business
// message at `at` (BILLING.md quotes in the comments). Conversations and counters change
// only once the price is known; a missing rate is an error the caller stops on.

// billNBP: "Inside the CSW every business message is free, templates included. Outside
// it only templates can be sent; each delivered one is charged at the recipient
// market's rate."
func (b *Biller) billNBP(ch *pricing.Charge, p *window.Pair, m *model.Message, at model.Time) error {
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
	return b.chargeTiered(ch, cc, m, ch.Category, at)
}

// billCBP2022: "At most one open conversation per (business, user). A business message
// delivered while one is open is free, templates included, and keeps the conversation's
// type. Otherwise the delivered message opens a 24 h conversation: user_initiated if the
// CSW is open, else business_initiated. [...] The first 1,000 conversations (UI and BI
// together) per account per calendar month are free."
func (b *Biller) billCBP2022(ch *pricing.Charge, p *window.Pair, m *model.Message, at model.Time) error {
	ch.Model = pricing.CBP
	answered := p.TakeReferral(at)
	if p.EntryOpen(at) {
		rideEntry(ch, p, m.Pair)
		return nil
	}
	// "At most one open conversation per (business, user). A business message delivered
	// while one is open is free, templates included, and keeps the conversation's
	// type." This holds for a reply to an ad too: the free entry point is a conversation
	// like the others in CBP v1 and cannot open while one is open (only CBP v2 lets it
	// close the others). The reply still answered the ad, so no window opens later.
	if p.Open(window.SlotV1, at) {
		ch.Type, ch.Category = convMeta(p, window.SlotV1)
		ch.ConversationID = window.ConversationID(m.Pair, window.SlotV1, p.ConvEnd[window.SlotV1])
		return nil
	}
	if answered {
		// "Free entry point: a user message from a click-to-WhatsApp ad or Page button,
		// answered within 24 h, opens a free conversation that does not count toward the
		// 1,000. Decision: it lasts 24 h before 2023-03-01 and 72 h from then on."
		dur := b.entryV1
		if dur == 0 {
			dur = window.EntryPointV1
			if at >= b.bounds.entry72h {
				dur = window.EntryPoint
			}
		}
		p.EntryEnd = at + dur
		rideEntry(ch, p, m.Pair)
		return nil
	}
	cat := pricing.BusinessInitiated
	if p.CSWOpen(at) {
		cat = pricing.UserInitiated
	}
	acc := b.account(m.Number)
	if b.freeConvs > 0 && acc.freeUsed < b.freeConvs {
		acc.freeUsed++
		// Meta: free-tier conversations are billable (they appear on the invoice) but
		// cost nothing; only free entry point conversations are not billable.
		ch.Type, ch.Category, ch.Billable = pricing.FreeTier, cat, true
	} else {
		cc, err := b.cardFor(EraCBP2022, at)
		if err != nil {
			return err
		}
		if err := b.charge(ch, cc, m.Market, cat); err != nil {
			return err
		}
	}
	end := at + window.Conversation
	p.SetConv(window.SlotV1, end, uint8(ch.Type), uint8(cat))
	ch.ConversationID = window.ConversationID(m.Pair, window.SlotV1, end)
	return nil
}

// rideEntry prices a message inside an open CBP free entry point conversation.
func rideEntry(ch *pricing.Charge, p *window.Pair, pair uint32) {
	ch.Type = pricing.FreeEntryPoint
	ch.Category = pricing.ReferralConversion
	ch.ConversationID = window.ConversationID(pair, window.SlotEntryPoint, p.EntryEnd)
}

var templateSlot = [...]window.Slot{
	model.Marketing:      window.SlotMarketing,
	model.Utility:        window.SlotUtility,
	model.Authentication: window.SlotAuthentication,
}

// billCBP2023: "A template opens a conversation of its category unless one of that
// category is open; each opening is one charge at that category's rate. A non-template
// message opens a service conversation only if no conversation of any category is
// open."
func (b *Biller) billCBP2023(ch *pricing.Charge, p *window.Pair, m *model.Message, at model.Time) error {
	ch.Model = pricing.CBP
	answered := p.TakeReferral(at)
	if p.EntryOpen(at) {
		rideEntry(ch, p, m.Pair)
		return nil
	}
	if answered {
		// "Free entry point: opens when the reply to an ad/Page user comes within 24 h,
		// lasts 72 h, closes every other open conversation and blocks new ones until it
		// ends; everything in it is free."
		p.CloseAll(at)
		p.EntryEnd = at + window.EntryPoint
		rideEntry(ch, p, m.Pair)
		return nil
	}
	if m.Kind == model.Template {
		s := templateSlot[m.Category]
		cat := ch.Category
		var cc *cardCache
		if cat == pricing.Authentication || !p.Open(s, at) {
			var err error
			if cc, err = b.cardFor(EraCBP2023, at); err != nil {
				return err
			}
			if cat == pricing.Authentication {
				cat = b.authCategory(cc, m, at)
			}
		}
		if p.Open(s, at) {
			ch.Type, ch.Category = convMeta(p, s)
			ch.ConversationID = window.ConversationID(m.Pair, s, p.ConvEnd[s])
			return nil
		}
		if err := b.charge(ch, cc, m.Market, cat); err != nil {
			return err
		}
		b.openConv(ch, p, m.Pair, s, at)
		return nil
	}

	// A non-template message inside any open conversation rides it: report the one
	// opened last.
	if s, ok := latestOpen(p, at); ok {
		ch.Type, ch.Category = convMeta(p, s)
		ch.ConversationID = window.ConversationID(m.Pair, s, p.ConvEnd[s])
		return nil
	}
	acc := b.account(m.Number)
	switch {
	case at >= b.bounds.serviceFree:
		// "from 2024-11-01 all service conversations are free": free because the
		// customer wrote first, so reported as free_customer_service.
		ch.Type = pricing.FreeCustomerService
	case b.freeConvs > 0 && acc.freeUsed < b.freeConvs:
		// "the first 1,000 service conversations per account per month are free"
		acc.freeUsed++
		ch.Type, ch.Category, ch.Billable = pricing.FreeTier, pricing.Service, true // billable at no cost, as above
	default:
		cc, err := b.cardFor(EraCBP2023, at)
		if err != nil {
			return err
		}
		if err := b.charge(ch, cc, m.Market, pricing.Service); err != nil {
			return err
		}
	}
	b.openConv(ch, p, m.Pair, window.SlotService, at)
	return nil
}

// convMeta is the type and category of slot s's conversation, which every message
// riding it reports ("keeps the conversation's type").
func convMeta(p *window.Pair, s window.Slot) (pricing.Type, pricing.Category) {
	typ, cat := p.Conv(s)
	return pricing.Type(typ), pricing.Category(cat)
}

func (b *Biller) openConv(ch *pricing.Charge, p *window.Pair, pair uint32, s window.Slot, at model.Time) {
	end := at + window.Conversation
	p.SetConv(s, end, uint8(ch.Type), uint8(ch.Category))
	ch.ConversationID = window.ConversationID(pair, s, end)
}

func latestOpen(p *window.Pair, at model.Time) (window.Slot, bool) {
	best, ok := window.Slot(0), false
	for s := window.SlotMarketing; s < window.NumSlots; s++ {
		if p.Open(s, at) && (!ok || p.ConvEnd[s] > p.ConvEnd[best]) {
			best, ok = s, true
		}
	}
	return best, ok
}

// billPMP: "Each delivered template is charged by category and market, except: utility
// templates inside an open CSW are free (free_customer_service); everything inside an
// open free entry point window is free (free_entry_point). Non-template messages are
// free. Marketing is charged even inside the CSW." From 2026-10-01: "Service messages and
// utility templates inside the CSW are charged, at the market's utility rate."
func (b *Biller) billPMP(ch *pricing.Charge, p *window.Pair, m *model.Message, at model.Time, era Era) error {
	ch.Model = pricing.PMP
	// "a user message from an ad/Page button, answered (any message) within 24 h; the
	// window opens at that reply and lasts 72 h."
	if p.TakeReferral(at) && !p.EntryOpen(at) {
		p.EntryEnd = at + window.EntryPoint
	}
	if p.EntryOpen(at) {
		ch.Type = pricing.FreeEntryPoint
		return nil
	}
	if m.Kind != model.Template {
		if era == EraPMP2025 {
			ch.Type = pricing.FreeCustomerService
			return nil
		}
		if b.serviceAllow > 0 {
			if int(m.Number) >= len(b.service) {
				b.growService(int(m.Number) + 1)
			}
			if int(b.service[m.Number]) < b.serviceAllow {
				b.service[m.Number]++
				ch.Type = pricing.FreeTier
				return nil
			}
		}
		cc, err := b.cardFor(era, at)
		if err != nil {
			return err
		}
		// Charged at the market's utility list rate, reported as service.
		if err := b.charge(ch, cc, m.Market, pricing.Utility); err != nil {
			return err
		}
		ch.Category = pricing.Service
		return nil
	}
	if m.Category == model.Utility {
		// "A utility conversation opened under CBP before 2025-07-01 keeps utility
		// templates free until it expires (pricing_model CBP)."
		if p.Open(window.SlotUtility, at) {
			ch.Model = pricing.CBP
			ch.Type, ch.Category = convMeta(p, window.SlotUtility)
			ch.ConversationID = window.ConversationID(m.Pair, window.SlotUtility, p.ConvEnd[window.SlotUtility])
			return nil
		}
		if era == EraPMP2025 && p.CSWOpen(at) {
			ch.Type = pricing.FreeCustomerService
			return nil
		}
	}
	cc, err := b.cardFor(era, at)
	if err != nil {
		return err
	}
	cat := ch.Category
	if cat == pricing.Authentication {
		cat = b.authCategory(cc, m, at)
	}
	return b.chargeTiered(ch, cc, m, cat, at)
}

func (b *Biller) growService(n int) {
	s := make([]int32, n, max(n, 2*cap(b.service), 64))
	copy(s, b.service)
	b.service = s
}

// chargeTiered charges a template at its volume band's rate when the tiers have bands for
// (market, category) today, else at the list rate. "Volume tiers (utility,
// authentication and authentication-international share a counter per market):
// graduated — each band's rate applies to the messages inside that band; counts include
// only charged messages and reset each month. Marketing has no tiers."
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
	bandCat := cat
	if ch.Model == pricing.NBP {
		bandCat = pricing.Template // NBP bands, if a --rates file has any
	}
	for _, bd := range b.bandsFor(m.Market, bandCat, at) {
		if n >= bd.From && n <= bd.To {
			ch.Amount = bd.Price(ch.Amount)
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

// window.Pair packs a type and a category into 4 bits each.
var _ = [16 - int(pricing.NumCategories)]struct{}{}
var _ = [16 - int(pricing.NumTypes)]struct{}{}
