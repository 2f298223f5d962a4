// Package reports writes every file a spendsim user reads: Parquet tables, summary.json,
// manifest.json and plots. No other package knows these formats; the simulator hands
// over sim.RunResult and sim.DayRow values, the replay command its charges.
//
// The contract:
//
//   - Files appear whole or not at all. Each is written under a hidden temporary name in
//     its destination directory and renamed into place after an fsync; an error or
//     TableWriter.Abort removes the temporary file.
//   - Same input, same bytes. No output holds a wall-clock time, host name or local path,
//     maps are written with sorted keys, runs are ordered by (point, replication), and
//     floating-point sums always add in that order.
//   - Money is int64 micros end to end: Parquet columns *_micros are INT64, and JSON
//     carries integer micros next to a decimal string (money.Micros.String). Means over
//     replications are rounded once, half away from zero, to a whole micro (or message);
//     confidence-interval bounds, being estimates, are computed in float64 and rounded
//     to micros.
//   - Parquet: zstd, created_by "spendsim <version>", a REQUIRED root, row groups of at
//     most TableOptions.RowGroupRows rows, snake_case column names with the unit last
//     (amount_micros, first_response_p90_s); dictionary encoding only on low-cardinality
//     columns (strings). Dates are Parquet DATE, instants TIMESTAMP(MILLIS, UTC).
//   - TableWriter streams: it buffers TableOptions.BatchRows rows per column, then
//     encodes them into the current row group, so memory is bounded by one row group
//     whatever the row count.
//
// Tables:
//
//	runs.parquet   one row per run (sweep point × replication); see RunsColumns
//	daily.parquet  one row per run and calendar day; see DailyColumns
//
// summary.json is a Summary (simulation): one PointSummary per sweep point with the
// messaging bill (Spend: total, per category, per pricing type), staffing cost, their
// sum, and SLA estimates, each a mean over replications with a Student-t 95% interval
// that is null when there is a single replication. The point with the lowest
// messaging + staffing cost is named as cheapest. Spend and SpendTally are shared with
// the replay summary.
package reports
