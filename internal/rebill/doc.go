// Package rebill bills a message trace exactly, as it was (Replay) or with its replies
// re-simulated under a scenario's agents (Restaff), and writes the replay's files: the
// pipeline from trace to files of `spendsim replay`. Reconcile sets a replay (run then,
// or read back from its messages.parquet) beside Meta's word (internal/reconcile) and
// writes reconcile.parquet, reconcile.json and reconcile.html: `spendsim reconcile`.
//
// In: a trace file and how to read it (scenarios/trace), billing.Options (the era, the
// user's rate cards over the built-in ones, the business's zone and currency), and for
// Restaff a scenario whose agents, bot and patience answer in the trace's place. Out:
// messages.parquet, bill.parquet and summary.json (reports.ReplaySummary), and with
// Restaff restaff.json and restaff.html (reports.Restaff), in Options.Out.
//
// The contract:
//
//   - Every pass streams the trace (read on one core while billing runs on another):
//     memory grows with users and conversations in flight, not with messages.
//   - The three totals (messages, bill, summary) are checked to agree to the micro
//     before anything is written.
//   - A failed replay leaves nothing behind: each file appears whole under its name or
//     not at all, files already written are removed, and an output folder the replay
//     created is removed if empty.
//   - Errors from the trace name its file and line: trace.csv:3: column ….
package rebill
