package pricing

import (
	"strings"

	"github.com/spendsim/spendsim/model/money"
)

// Model is Meta's pricing.pricing_model.
type Model uint8

const (
	ModelNone Model = iota // not billed (user messages, undelivered messages)
	NBP                    // per delivered template, 2018-08-01 to 2022-01-31
	CBP                    // conversation-based, 2022-02-01 to 2025-06-30
	PMP                    // per-message, 2025-07-01 on
)

var modelNames = [...]string{"", "NBP", "CBP", "PMP"}

func (m Model) String() string { return modelNames[m] }

// ParseModel reads "NBP", "CBP" or "PMP", in any case.
func ParseModel(s string) (Model, bool) {
	for m := NBP; int(m) < len(modelNames); m++ {
		if strings.EqualFold(modelNames[m], s) {
			return m, true
		}
	}
	return ModelNone, false
}

// Type is Meta's pricing.type (PMP vocabulary, which spendsim uses for every era).
type Type uint8

const (
	TypeNone            Type = iota
	Regular                  // charged
	FreeCustomerService      // free_customer_service: inside the customer service window
	FreeEntryPoint           // free_entry_point: inside a free entry point window
	FreeTier                 // free_tier: covered by a monthly free allowance
	NumTypes
)

var typeNames = [...]string{"", "regular", "free_customer_service", "free_entry_point", "free_tier"}

func (t Type) String() string { return typeNames[t] }

// Types lists the pricing types a priced message can have, in a fixed order, for
// reports: TypeNone ("not priced") is not among them, as Categories leaves out CatNone.
func Types() []Type {
	ts := make([]Type, 0, NumTypes-1)
	for t := Regular; t < NumTypes; t++ {
		ts = append(ts, t)
	}
	return ts
}

// Category is Meta's pricing.category.
type Category uint8

const (
	CatNone Category = iota
	Marketing
	Utility
	Authentication
	AuthenticationInternational
	Service
	ReferralConversion
	UserInitiated     // CBP 2022
	BusinessInitiated // CBP 2022
	// Template is NBP's (2018) only category: any delivered template, whatever its
	// Meta category, was charged at one per-market rate. --rates files name it "template".
	Template
	// MarketingLite is a marketing template sent through the Marketing Messages Lite
	// API, which Meta reports under its own category (pricing.category marketing_lite,
	// pricing_analytics MARKETING_LITE) and charges at the marketing rate. Only a log
	// that says so yields it (model.StatedMarketingLite); rate cards have no such cell.
	MarketingLite
	NumCategories
)

var categoryNames = [...]string{"", "marketing", "utility", "authentication",
	"authentication_international", "service", "referral_conversion",
	"user_initiated", "business_initiated", "template", "marketing_lite"}

func (c Category) String() string { return categoryNames[c] }

// ParseCategory reads a category name as Meta and the rate files write it, in any case;
// "authentication-international" (Meta's spelling in places) is accepted for
// authentication_international. marketing_lite, a webhook's category, is never a rate
// file's: cards price it as marketing, so it is not read here.
func ParseCategory(s string) (Category, bool) {
	s = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_")
	for c := Marketing; c < NumCategories; c++ {
		if c == MarketingLite {
			continue
		}
		if categoryNames[c] == s {
			return c, true
		}
	}
	return CatNone, false
}

// Categories lists every category a report always shows, in a fixed order. Template,
// an NBP rate-card category, is not among them: charges carry Meta's categories (an NBP
// charge keeps its template's own category), so reports never show an always-empty
// "template" column. Nor is MarketingLite, which only a webhook log can yield: reports
// show it where a bill has some (Shown).
func Categories() []Category {
	cs := make([]Category, 0, NumCategories-1)
	for c := Marketing; c < NumCategories; c++ {
		if c != Template && c != MarketingLite {
			cs = append(cs, c)
		}
	}
	return cs
}

// Shown lists Categories, then MarketingLite where has says the bill has some of it:
// the categories a replay's summary and tables list.
func Shown(has func(Category) bool) []Category {
	cs := Categories()
	if has(MarketingLite) {
		cs = append(cs, MarketingLite)
	}
	return cs
}

// Confidence is how sure the rate data behind a charge is (data/README.md,
// "Confidence").
type Confidence uint8

const (
	ConfNone Confidence = iota
	Official
	BSP
	ThirdParty
	Derived
	UserSupplied // from a --rates file
)

var confidenceNames = [...]string{"", "official", "bsp", "third_party", "derived", "user"}

func (c Confidence) String() string { return confidenceNames[c] }

// ParseConfidence reads a confidence name, in any case.
func ParseConfidence(s string) (Confidence, bool) {
	s = strings.ToLower(s)
	for c := Official; int(c) < len(confidenceNames); c++ {
		if confidenceNames[c] == s {
			return c, true
		}
	}
	return ConfNone, false
}

// Charge is the pricing outcome of one business message, in Meta's vocabulary.
type Charge struct {
	Model    Model
	Type     Type
	Category Category
	Billable bool // a charged unit on the invoice (Meta's pricing.billable); Amount may be 0 (a CBP free-tier conversation, a zero rate)
	// Opens marks the message that opened its CBP conversation (ConversationID): under
	// CBP the conversation is what is priced, and its first message carries it.
	Opens          bool
	ConversationID uint64 // CBP conversation the message belongs to; 0 for none
	Tier           int8   // PMP volume tier index the charge fell in (0 = list rate)
	Market         uint16 // market.ID
	Amount         money.Micros
	Confidence     Confidence // of the rate behind Amount; ConfNone when not billable
}

// Valid reports whether c's codes are of the vocabulary (a charge read back from a
// file of ours is checked before anything indexes by them).
func (c *Charge) Valid() bool {
	return c.Model <= PMP && c.Type < NumTypes && c.Category < NumCategories && c.Confidence <= UserSupplied
}

// Unit reports whether c carries one unit of its pricing model, the thing a rate
// prices: a delivered business message under NBP and PMP, a conversation under CBP
// (carried by the message that opened it; messages riding it are not units). Every
// unit is charged (Type Regular) or free (FreeTier, FreeCustomerService,
// FreeEntryPoint): summary.json's billable_by_category and free_by_category count them.
func (c *Charge) Unit() bool {
	switch c.Model {
	case NBP, PMP:
		return true
	case CBP:
		return c.Opens
	}
	return false
}
