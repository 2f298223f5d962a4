// Package window keeps the per-pair state that WhatsApp's billing rules hang on: the
// customer service window (CSW), the free entry point window, and the conversations of
// conversation-based pricing (CBP), for every (business phone number, user) pair.
//
// Contract:
//   - State is dense: a Table is indexed by model.Message.Pair and grown on demand in
//     fixed-size pages, so a replay of tens of millions of messages allocates only when a
//     new, higher pair index appears, never per message, and never copies the pairs.
//   - Hot and cold apart: every era reads a pair's Pair (the CSW and the free entry
//     point, 24 bytes); only CBP conversations need more, 16 bytes each, kept only while
//     they may be open (a hash table that drops the ended ones when it fills), so a PMP
//     replay never pays for them and a CBP one pays for the conversations open at once,
//     not for every pair that ever opened one. This relies on billing in time order,
//     which the Biller checks; Table.OpenConv panics on a conversation opened earlier
//     than the one before.
//   - Every window is stored as the instant it ends; a window is open at t exactly when
//     t < end (docs/billing.md, "Customer service window": open means strictly before
//     the end, so at exactly 24 h after the latest user message it is closed). The zero
//     end time means "never opened", which is closed at every instant after 1970-01-01.
//   - The package holds state and the timing rules only (how long each window lasts);
//     which message opens or rides which window, and what it costs, is model/billing's.
//   - Pure and single-threaded: no clock, no goroutines, no I/O.
package window
