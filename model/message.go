package model

// Direction says who sent a message.
type Direction uint8

const (
	FromUser     Direction = iota + 1 // customer → business
	FromBusiness                      // business → customer
)

// Kind is what a business message is: a free-form message, sendable only inside the
// customer service window, or a pre-approved template.
type Kind uint8

const (
	Text     Kind = iota // any non-template message ("text" in a trace)
	Template             // a template of some Category
)

// Category is a template's category as approved by Meta. Text messages have CatNone.
type Category uint8

const (
	CatNone Category = iota
	Marketing
	Utility
	Authentication
)

// Status is a business message's delivery outcome. Only Delivered and Read are ever
// charged; Read implies delivered.
type Status uint8

const (
	Delivered Status = iota // default
	Read
	Sent   // accepted by WhatsApp, never delivered (blocked user, undeliverable)
	Failed // rejected
)

// WasDelivered reports whether the message reached the user.
func (s Status) WasDelivered() bool { return s == Delivered || s == Read }

// EntryPoint is how a user message reached the business.
type EntryPoint uint8

const (
	EntryNone    EntryPoint = iota
	EntryCTWA               // click-to-WhatsApp ad
	EntryPageCTA            // Facebook Page call-to-action button
)

// Message is the one record of the domain: a row of a trace, or a message a
// simulation produced. Strings (user ids, message ids) stay with the reader; here every
// party is a dense index so that per-user state lives in slices, not maps.
type Message struct {
	TS          Time // when it was sent
	DeliveredTS Time // when it was delivered; 0 means at TS

	Pair   uint32 // dense id of the (business number, user) pair: windows are kept per pair
	Number uint16 // dense id of the business phone number
	Market uint16 // recipient's pricing market (market.ID), resolved at delivery time

	Country [2]byte // recipient's ISO 3166-1 alpha-2 country, upper case; zero if unknown

	Direction  Direction
	Kind       Kind
	Category   Category   // templates only
	Status     Status     // business messages only
	EntryPoint EntryPoint // user messages only
	Stated     Stated     // business messages: what the log itself says, where billing would infer
}

// Stated is what a log says about a business message where spendsim would otherwise
// infer it: facts Meta's own status webhooks state (Record.Stated reads them from
// Record.Meta). Billing lets them win over its inference (docs/billing.md, "The log's
// word") unless billing.Options.IgnoreStated. Zero states nothing.
type Stated uint8

const (
	// StatedDelivered: Meta's statuses say a marketing template was delivered (the US
	// pause from 2025-04-01 does not hold it back).
	StatedDelivered Stated = 1 << iota
	// StatedAuthIntl: pricing.category authentication_international (either spelling).
	StatedAuthIntl
	// StatedAuthDomestic: pricing.category authentication (not international).
	StatedAuthDomestic
	// StatedMarketingLite: pricing.category marketing_lite (the Marketing Messages Lite
	// API): a marketing template reported under its own category.
	StatedMarketingLite
)

// At is the time rules are evaluated at: delivery time if known, else send time
// (docs/billing.md, "Which time").
func (m *Message) At() Time {
	if m.DeliveredTS != 0 {
		return m.DeliveredTS
	}
	return m.TS
}
