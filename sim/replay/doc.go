// Package replay bills message traces and restaffs them, apart from the simulation's
// run loop.
//
// Replay bills a trace record by record with the Biller a run uses, at each message's
// delivery time, holding only the messages in flight and a compact table of users:
// memory grows with users, not messages. ResponseMeter passes a trace through and
// measures its replies (who waited for one, answered inside the customer service window
// or late, first-response times); to bill a trace like for like with a restaffing, it
// sends its free-form business messages outside the window (late replies and any
// further ones, which WhatsApp refuses) as the restaffed team's late-reply policy sends
// its own late replies. Restaffer turns a trace into the trace it would have
// been under another agents block, driving model/agents' Desk, the same model of the
// agents sim.Run uses (queue, chat slots, priority, patience, bot), with events in a
// sim.Queue and random draws from the streams "restaff.handle", "restaff.response",
// "restaff.patience" and "restaff.bot" of the scenario's seed. Every field of the
// agents block that shapes the queue is honoured as in a run; the one difference is
// what a conversation is (see Restaffer). Staffing and bot costs (cost_per_hour,
// cost_per_conversation) are not applied: a restaffing compares messaging spend.
//
// Replay is a Dealer (record order, business numbers: global, in trace order), Parts
// (users resolved and billed at delivery time with a split Biller; PartOf hashes users
// to Parts) and a billing.Ledger that settles the account counters in Key order. Replay
// runs one of each; a caller that merges several Parts by Key (internal/rebill) gets
// Replay's charges at any number of Parts.
//
// Records come and go through RecordSource and Sink; nothing here opens a file. Like
// the engine, the package is pure and single-threaded: a Part is used by one goroutine
// at a time.
package replay
