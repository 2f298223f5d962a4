package reconcile

import (
	"fmt"
	"strings"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
)

// Message is one business message of a replay (a row of messages.parquet): spendsim's
// pricing of it and what the log said.
type Message struct {
	Line                      int64
	MessageID, User, Business string
	At                        model.Time // when the rules were evaluated: delivered, else sent
	Country, Market           string
	Delivered                 bool
	// spendsim's charge, in Meta's words ("" where not priced).
	Model, Type, Category string
	Billable              bool
	ConversationID        int64 // 0: none
	Tier                  int32
	Amount                money.Micros
	// Meta is what the log said; nil where it said nothing.
	Meta *model.MetaPricing
}

// Verdict is the comparison of one message with the pricing object the log carried.
type Verdict struct {
	Reason     Reason // "" when spendsim and Meta agree
	Detail     string // the difference in words, for people
	MetaAmount money.Micros
	// MetaPriced is false where Meta's word fixes no amount spendsim can compute (the
	// rate of Meta's category is missing from the cards).
	MetaPriced bool
}

// metaCategory is Meta's category in spendsim's spelling (authentication-international
// with an underscore), from pricing.category, else conversation.origin.type.
func metaCategory(mp *model.MetaPricing) string {
	c := mp.Category
	if c == "" {
		c = mp.ConversationOrigin
	}
	return strings.ReplaceAll(c, "-", "_")
}

func isFree(t string) bool {
	return t == pricing.FreeCustomerService.String() || t == pricing.FreeEntryPoint.String() || t == pricing.FreeTier.String()
}

// judge compares spendsim's charge of m with the pricing object the log carried, field
// by field as far as Meta stated them (pricing_model; type, PMP only; category; billable),
// and names the first difference's reason. Where m rides a CBP conversation Meta's word
// named before (ride), Meta's billable is the conversation's, compared with whether
// spendsim's conversation is billable; spendsim opening a charged one there differs.
func judge(m *Message, ride metaRide) (Reason, string) {
	mp := m.Meta
	mc, mt := metaCategory(mp), mp.PricingType
	metaBillable := mp.Billable == model.IsBillable
	if !m.Delivered {
		if metaBillable {
			return NotDeliveredInLog, "Meta priced it billable; the log has no delivered or read status"
		}
		return "", ""
	}
	if mp.PricingModel != "" && mp.PricingModel != m.Model {
		return EraDiffers, fmt.Sprintf("Meta %s, spendsim %s", mp.PricingModel, m.Model)
	}
	if mt != "" && mt != m.Type {
		d := fmt.Sprintf("Meta %s, spendsim %s", mt, m.Type)
		switch {
		case mt == pricing.FreeCustomerService.String() && !isFree(m.Type):
			return NoInboundInLog, d
		case mt == pricing.FreeEntryPoint.String():
			return NoEntryPointInLog, d
		case m.Type == pricing.FreeTier.String() || mt == pricing.FreeTier.String():
			return FreeTierOrAllow, d
		case isFree(m.Type) && mt == pricing.Regular.String():
			return WindowDiffers, d
		}
		return TypeDiffers, d
	}
	if mc != "" && mc != m.Category && !sameFreeEntry(m, mc) {
		d := fmt.Sprintf("Meta %s, spendsim %s", mc, m.Category)
		switch {
		case mc == pricing.UserInitiated.String() && m.Category == pricing.BusinessInitiated.String():
			return NoInboundInLog, d
		case mc == pricing.ReferralConversion.String():
			return NoEntryPointInLog, d
		case m.Category == pricing.ReferralConversion.String() || m.Category == pricing.UserInitiated.String() && mc == pricing.BusinessInitiated.String():
			return WindowDiffers, d
		}
		return CategoryDiffers, d
	}
	ours := m.Billable
	if ride.rides {
		if r, d := ride.opens(m); r != "" {
			return r, d
		}
		ours = conversationBillable(m)
	}
	if mp.Billable != model.BillableUnknown && metaBillable != ours {
		d := fmt.Sprintf("Meta billable %t, spendsim %t (%s)", metaBillable, ours, m.Type)
		switch {
		case m.Type == pricing.FreeTier.String():
			return FreeTierOrAllow, d
		case m.Model == pricing.CBP.String() && m.Type == pricing.Regular.String():
			return ConversationDiffer, d
		case m.Model == pricing.CBP.String() && !m.Billable && mc != "" && mc != pricing.Service.String():
			return ConversationDiffer, d
		}
		return BillableDiffers, d
	}
	return "", ""
}

// sameFreeEntry: inside a free entry point Meta reports a message that is not a
// template as referral_conversion where spendsim keeps its own category, service; both
// say free_entry_point, and the charge is the same.
func sameFreeEntry(m *Message, mc string) bool {
	return m.Type == pricing.FreeEntryPoint.String() && mc == pricing.ReferralConversion.String() &&
		m.Category == pricing.Service.String()
}
