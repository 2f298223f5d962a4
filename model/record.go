package model

// Record is a message as a trace file holds it: the Message fields with the strings
// that identify its parties and itself. Trace readers produce Records, the replay turns
// each into a Message by giving its parties dense ids, and a synthetic run can write its
// Messages back as Records, so any simulation can be replayed.
type Record struct {
	TS, DeliveredTS Time   // DeliveredTS 0 = at TS
	User            string // E.164 digits without the '+', or an opaque id
	Business        string // business phone number id; "default" if absent
	MessageID       string // "" if absent
	Country         string // ISO 3166-1 alpha-2, upper case; "" if absent
	Direction       Direction
	Kind            Kind
	Category        Category   // templates only
	Status          Status     // business messages only
	EntryPoint      EntryPoint // user messages only
	// Source is the index of the file it came from among the files of a trace read as
	// one (0 for a trace of one file); Line is within that file.
	Source uint16
	// Redelivered marks the first delivered report of a business message read before
	// as only sent (a log of status events: sent, then delivered): the same message
	// again, now delivered and billed. A count of messages counts it once.
	Redelivered bool
	Line        int64 // 1-based line (CSV, JSONL, webhooks) or row (Parquet) it came from
	// Meta is what Meta's own webhooks said about a business message's price, word for
	// word; nil when the trace said nothing (every format but webhook logs, and user
	// messages). Billing reads only the facts Stated draws from it; the rest is kept so a
	// bill can be set beside Meta's.
	Meta *MetaPricing
}

// MetaPricing is a status webhook's pricing and conversation objects, as logged. Each
// field is "" (Billable: BillableUnknown) when the log did not carry it; pricing fields
// come from one status of the message and conversation fields from one status.
type MetaPricing struct {
	PricingModel string   // pricing.pricing_model: "NBP", "CBP", "PMP"
	PricingType  string   // pricing.type (PMP): "regular", "free_customer_service", "free_entry_point"
	Category     string   // pricing.category as spelt: "marketing_lite", "authentication-international", CBP's "user_initiated", …
	Billable     Billable // pricing.billable
	// ConversationID and ConversationOrigin are conversation.id and
	// conversation.origin.type (CBP's conversation categories; PMP keeps sending them).
	ConversationID     string
	ConversationOrigin string
}

// Billable is pricing.billable of a status webhook: absent, false or true.
type Billable uint8

const (
	BillableUnknown Billable = iota // the log carried no pricing.billable
	NotBillable
	IsBillable
)

// String is "", "false" or "true".
func (b Billable) String() string {
	switch b {
	case NotBillable:
		return "false"
	case IsBillable:
		return "true"
	}
	return ""
}

// Stated is what the record's Meta states of the facts billing would otherwise infer
// (see Stated): its category from pricing.category, else conversation.origin.type, and
// for a marketing template (marketing or marketing_lite) whether Meta's statuses saw
// it delivered. Zero for a record without Meta, or for a user message.
func (r *Record) Stated() Stated {
	if r.Meta == nil || r.Direction != FromBusiness {
		return 0
	}
	cat := r.Meta.Category
	if cat == "" {
		cat = r.Meta.ConversationOrigin
	}
	var s Stated
	switch cat {
	case "authentication_international", "authentication-international":
		s = StatedAuthIntl
	case "authentication":
		s = StatedAuthDomestic
	case "marketing_lite":
		s = StatedMarketingLite
	}
	if r.Kind == Template && r.Category == Marketing && r.Status.WasDelivered() {
		s |= StatedDelivered
	}
	return s
}

// At is the time rules are evaluated at: delivery time if known, else send time.
func (r *Record) At() Time {
	if r.DeliveredTS != 0 {
		return r.DeliveredTS
	}
	return r.TS
}
