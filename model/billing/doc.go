// Package billing applies WhatsApp Business billing rules, every pricing era of
// BILLING.md, to a time-ordered stream of messages and prices each business message in
// Meta's own vocabulary (pricing.Charge: pricing_model, type, category, billable,
// conversation id, tier, amount).
//
// Contract:
//   - A Biller is a pure, single-threaded state machine: no goroutines, clock, global
//     random numbers or I/O. The same messages in the same order give the same charges.
//   - Messages come in non-decreasing order of Message.At (delivery time, else send
//     time: BILLING.md "Decision — which time"); Bill rejects an earlier one.
//   - User messages are free: they open or refresh the customer service window and
//     arm a free entry point. Only delivered (or read) business messages are charged;
//     an undelivered one has pricing.ModelNone and changes nothing.
//   - Eras: EraAuto bills each message under the era in force on its date in the
//     account's time zone; a fixed era bills everything under its rules, with the rate
//     card still picked by date (see Biller).
//   - Money is int64 micros; a charge's Amount is a rate-card cell or a volume band rate,
//     never computed in floating point.
//   - Fast: per-pair state is a dense slice indexed by Message.Pair (package window),
//     rate cards and volume bands are cached per day, counters per month; the steady
//     state allocates nothing per message.
//
// Every default that BILLING.md marks "Decision" is an Options field; see Options for
// each, and the testdata timelines for the rules as worked examples.
package billing
