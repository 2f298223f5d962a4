// Package rebill bills a message trace exactly, as it was (Replay) or with its replies
// re-simulated under a scenario's agents (Restaff), and writes the replay's files: the
// pipeline from trace to files of `spendsim replay`. Reconcile sets a replay (run then,
// or read back from its messages.parquet) beside Meta's word (internal/reconcile) and
// writes reconcile.parquet, reconcile.json and reconcile.html: `spendsim reconcile`.
// A replay read back is reconciled as it was made (ReadReplayed: its currency, time
// zone, rate files and skipped rows, from its summary.json and manifest.json; one made
// with --skip-invalid and no summary.json is refused, its skipped rows uncounted).
//
// In: a trace file and how to read it (scenarios/trace), billing.Options (the era, the
// user's rate cards over the built-in ones, the business's zone and currency), and for
// Restaff a scenario whose agents, bot and patience answer in the trace's place. Out:
// messages.parquet, bill.parquet, summary.json (reports.ReplaySummary; those of them
// Options.Outputs names, all by default) and manifest.json (listing what was written),
// and with Restaff restaff.json and restaff.html (reports.Restaff), in Options.Out.
// ReplayEras reads the trace once and bills it under several eras ("all", or a list):
// each era's files in Options.Out/<era>, the very bytes of a Replay under it, and
// eras.json (reports.Eras) beside them, whose manifest nests the era folders' sets: the
// next set written to Options.Out removes the era folders it does not write.
//
// The contract:
//
//   - Every pass streams the trace (read on one core while billing runs on another):
//     memory grows with users and conversations in flight, not with messages.
//   - A replay bills its users on Options.Workers goroutines (parallel.go) and settles
//     the account counters in one ordered pass: its files are the same bytes at any
//     worker count.
//   - A replay splits across machines the same way (shard.go, shardmerge.go):
//     ReplayShard K of N bills the users replay.PartOf hashes to K and writes its part
//     (business messages with their claims unsettled, its pairs' first records) and its
//     manifest (with the parts' SHA-256), last, into Options.Out/replay-shards;
//     MergeReplay checks (shardcheck.go) that all N are there once, of one trace (its
//     files compared by content, not path) and the same options, and that every part is
//     the bytes its shard wrote, settles the counters in one ordered pass and writes the
//     unsharded replay's four files, the same bytes.
//   - A replay in passes (Options.Passes, passes.go) is the same split run in one
//     process for a trace with more users than fit in memory: pass K is shard K,
//     its part in a temporary folder, and the parts are merged into Options.Out, the
//     same bytes; only 1/N of the users are held at a time.
//   - The three totals (messages, bill, summary) are checked to agree to the micro
//     before anything is written.
//   - The files are one output set (reports.Output): the folder is locked while they
//     are written, and holds its previous set or the whole new one, never a mix, after
//     any failure or kill; a failed replay leaves nothing of its own behind, and an
//     output folder it created is removed.
//   - A replay stops when its context ends (checked every 1024 records), and at the
//     next batch of messages.parquet once a write to the disk has failed.
//   - Errors from the trace name its file and line: trace.csv:3: column ….
package rebill
