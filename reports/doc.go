// Package reports writes every file a spendsim user reads: Parquet tables, summary.json,
// manifest.json, plots, the HTML reports, and the tables printed on the terminal. No
// other package knows these formats; the simulator hands over sim.RunResult and
// sim.DayRow values, package stats its summaries, the replay its charges.
//
// The contract:
//
//   - Files appear whole or not at all: Parquet tables through internal/table, every
//     other file through internal/safefile (written under a hidden temporary name and
//     renamed into place after an fsync). An Output is a command's set of files
//     (safefile.Set): locked while written, staged, and moved in with manifest.json
//     last, which lists every file with its SHA-256, so the folder holds one complete
//     set or none. Output.WriteSimulation checks its whole input (every daily column
//     adds up to its run's figure, one currency, one set of params) before the first
//     file.
//   - A first-response percentile that falls among the conversations never answered
//     is +Inf in Parquet, null in JSON and "not answered" for people: never a time.
//   - Same input, same bytes, for every file (PNG included). No output holds a
//     wall-clock time, host name or local path; maps are written with sorted keys; runs
//     are ordered by (point, replication) and days by run then date, whatever order a
//     parallel sweep delivered them in, so floating-point sums always add in one order.
//   - Money is int64 micros end to end: Parquet columns *_micros are INT64, and JSON
//     carries integer micros next to a decimal string (money.Micros.String). Means over
//     replications are rounded once, half away from zero, to a whole micro (or message);
//     confidence-interval bounds, being estimates, are computed in float64 and rounded
//     to micros. Plots draw currency units as floats: drawing is not accounting.
//     What people read — terminal tables, HTML pages, plot titles, labels and money
//     axes' ticks — shows amounts by money.Cents's one rule (to the cent, half away
//     from zero, grouped); the files are never rounded.
//   - Parquet tables are written with internal/table, so they follow its one policy
//     (zstd, created_by "spendsim <version>", a REQUIRED root, snake_case names with the
//     unit last, dictionaries only where a column asks, no statistics on id columns).
//
// Tables (column lists: RunsColumns, DailyColumns):
//
//	runs.parquet       one row per run (sweep point × replication)
//	daily.parquet      one row per run and calendar day in the business's time zone, the
//	                   days after the horizon (its conversations still answered) marked
//	messages.parquet   a replay: one row per business message (MessageColumns), read
//	                   back by ReadMessages
//	reconcile.parquet  a reconciliation: its rows (ReconcileWriter), with reconcile.json
//	                   (ReconcileReport) and reconcile.html
//
// The statistics (summaries, intervals, comparisons, forecast bands, SLA verdicts, the
// run order) are package stats'; reports writes its results: summary.json is a
// stats.Summary, compare.json a stats.Comparison, forecast.json a stats.Forecast.
//
// spend_vs_sla.png (8 × 5 in, 150 dpi) and .svg plot spend per run (as the tables give
// it) against the p90
// first-response time, one labelled point per sweep point, with the intervals as error
// bars and the cheapest point ringed; with an SLA target, the cheapest point meeting it
// ringed in green and the points it leaves undecided in dashed orange, as summary.json,
// report.html and the run table judge them.
package reports
