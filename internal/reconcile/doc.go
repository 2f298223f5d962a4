// Package reconcile sets a replayed bill beside what Meta said about it: the pricing
// objects of the status webhooks in the log, message by message, and Meta's
// pricing_analytics and conversation_analytics, month × market × category × pricing
// type. It names a reason for every difference (Reasons) and says whether everything
// agrees within a tolerance: the gate of `spendsim reconcile`.
//
// In: the replay's messages (a row of messages.parquet each, in any order), Meta's
// analytics points (model/pricing.ReadAnalytics), the rate cards the replay used (to
// price Meta's word where it differs from spendsim's: a webhook carries no amount). Out:
// a Row per message that carried Meta's pricing or that spendsim charged without a word
// of Meta's (as it is judged, for the caller to write), and a Result: the rows by month
// × market × category × type, counts by reason, spendsim's whole bill and the part of it
// compared, Meta's side, and an Outcome.
//
// The contract:
//
//   - A message agrees when every field Meta stated (pricing_model; type, which PMP
//     states; category, pricing.category or else conversation.origin.type, either
//     spelling of authentication-international; billable) is spendsim's. One exception,
//     a naming difference only: inside a free entry point Meta calls a message that is
//     not a template referral_conversion where spendsim keeps service.
//   - A message that differs gets the first reason that explains it, in the order
//     delivery, era, pricing type, category, billable (judge), and Meta's word priced on
//     the same cards; an analytics row that differs gets its own reason (not in the log,
//     not in Meta's, counts, amounts, volume tier) and the reasons of the differing
//     messages under its key.
//   - Counts must be equal; amounts may differ by Options.Tolerance per row.
//   - Meta's word is priced as the biller would price it in the message's place: where
//     it differs, 0 when free, not billable, or a CBP conversation the month's free
//     tier covers (spendsim counted the message in it), else the list rate on the card
//     the rules of Meta's pricing model read at the message's time
//     (billing.ModelCards: that model's era then, within the era's span of cards, as a
//     replay reads it). Where no such card or cell exists Meta's amount is unknown, and
//     the row's detail says which card or cell is missing and the row to add.
//   - Under CBP Meta charges a conversation once. Every status of its messages carries
//     its pricing (billable true on each message of a billable one): the message whose
//     status first names a conversation.id (for its business number and user) opened
//     it, the others ride it. A rider's billable is the conversation's, compared with
//     whether spendsim's conversation is billable (spendsim opening a charged one there
//     is ConversationDiffer), and Meta's word on it is priced 0. A conversation lasts
//     72 h at most (a free entry point's; the others 24 h): an id named 72 h or more
//     after its opening opens a new one. Messages come in delivery order
//     (messages.parquet's) for a conversation's opening to come first.
//     PMP and NBP charge every message, whatever conversation.id its statuses carry.
//   - A charge Meta said nothing about (no pricing object, no analytics row) is
//     NoMetaPricing: in spendsim's total, unverified, never agreement. Nor is a run in
//     which Meta said nothing at all (NothingCompared), one whose log had rows skipped
//     as invalid (Options.Skipped: Meta's word in them unread, Unverified), or one
//     whose analytics rows agree on counts only, Meta giving no cost (CountsOnly: the
//     money unverified). Only Agree passes the gate.
//   - Pure: no I/O; reports writes the files.
package reconcile
