package reconcile

// Reason names why spendsim's bill and Meta's word differ on a message or a row. The
// names are part of the output contract (reconcile.parquet's reason column,
// reconcile.json's by_reason); docs/formats.md lists them with Reasons' text.
type Reason string

// The reasons, per message (against the pricing objects in the log) and per row
// (against Meta's analytics).
const (
	// Per message.
	NoInboundInLog     Reason = "no_inbound_in_log"      // Meta saw a customer service window the log has no user message for
	NoEntryPointInLog  Reason = "no_entry_point_in_log"  // Meta saw a free entry point the log has no ad or Page message for
	WindowDiffers      Reason = "window_differs"         // spendsim found a window or entry point open that Meta did not
	EraDiffers         Reason = "era_differs"            // Meta's pricing_model is not that of the era spendsim billed under
	CategoryDiffers    Reason = "category_differs"       // the same message, another pricing category
	TypeDiffers        Reason = "type_differs"           // another pricing type, for none of the reasons above
	FreeTierOrAllow    Reason = "free_tier_or_allowance" // a monthly free tier or allowance one side counted and the other did not
	ConversationDiffer Reason = "conversation_differs"   // CBP: one side opened a conversation, the other rode one
	BillableDiffers    Reason = "billable_differs"       // same price, but one side calls the message billable
	RateMissing        Reason = "rate_missing"           // spendsim's cards have no rate for what Meta charged
	NotDeliveredInLog  Reason = "not_delivered_in_log"   // Meta priced it, the log never saw it delivered
	// Per message and per row: spendsim charged it, Meta said nothing about it.
	NoMetaPricing Reason = "no_meta_pricing" // no pricing object in the log, no analytics row: unverified

	// Per row of Meta's analytics.
	NotInLog      Reason = "not_in_log"     // Meta counted messages the log does not have
	NotInMeta     Reason = "not_in_meta"    // the log has messages Meta's analytics do not count
	CountDiffers  Reason = "count_differs"  // both have messages, not as many
	AmountDiffers Reason = "amount_differs" // as many messages, another amount (past the tolerance)
	VolumeTier    Reason = "volume_tier"    // as many messages, another amount, and Meta's tier is past its first band
)

// Reasons lists every reason with what it means for the user, in a fixed order.
var Reasons = []struct {
	Reason Reason
	Text   string
}{
	{NoInboundInLog, "Meta priced the message free in a customer service window (or as a user-initiated conversation) that the log has no user message for: the inbound message is missing from the log"},
	{NoEntryPointInLog, "Meta priced the message inside a free entry point that the log has no ad or Page-button message for (or the log lost its referral)"},
	{WindowDiffers, "spendsim found a customer service window or free entry point open that Meta did not: check the log's times and --timezone"},
	{EraDiffers, "Meta's pricing_model is not that of the era spendsim billed the date under (--pricing, or an account Meta moved on another date)"},
	{CategoryDiffers, "spendsim and Meta price the message under different categories"},
	{TypeDiffers, "spendsim and Meta give the message different pricing types"},
	{FreeTierOrAllow, "one side counted the message in a monthly free tier or allowance and the other did not: the log holds another share of the month's traffic than Meta counted"},
	{ConversationDiffer, "one side opened a conversation with the message and the other had it ride one already open"},
	{BillableDiffers, "the price agrees but one side calls the message billable (Meta marks free service conversations billable from 2024-11-01; spendsim does not)"},
	{RateMissing, "spendsim's rate cards have no rate for the category Meta charged in this market: give it with --rates"},
	{NotDeliveredInLog, "Meta priced the message (on its sent status) but the log has no delivered or read status for it"},
	{NoMetaPricing, "spendsim charged the message but Meta said nothing about it: its statuses in the log carry no pricing object and no --analytics row counts it (none given, or outside their span): the charge is unverified, not agreed"},
	{NotInLog, "Meta's analytics count messages here that the log does not have"},
	{NotInMeta, "the log has messages here that Meta's analytics do not count"},
	{CountDiffers, "both count messages here, but not as many"},
	{AmountDiffers, "as many messages, but the amounts differ by more than --tolerance: the rates differ (give Meta's card with --rates)"},
	{VolumeTier, "as many messages, but the amounts differ and Meta's tier is past its first band: Meta counted more of the month's messages than the log holds (give its Tier Pricing CSV or tier webhooks with --tiers)"},
}
