// Package stats is the statistics over runs, in one place: estimates (a mean across
// replications with its Student-t 95% interval), the summary of a sweep per point
// (summary.json's Summary), paired differences of two variants on common random numbers
// with the unpaired (Welch) interval beside them (compare.json's Comparison), monthly
// forecast bands (forecast.json's Forecast), the precision of a point's mean total cost
// (what run --precision stops on), the one SLA type with its parser and verdicts, and
// the run order that determinism rests on.
//
// What goes in is sim.RunResult and sim.DayRow values; what comes out are plain
// structs with the JSON tags of the files they become. stats writes no file and knows
// no format: package reports turns its results into files and tables.
//
// The contract:
//
//   - Runs are taken in (point, replication) order, and days by their run then date,
//     whatever order a parallel sweep delivered them in (CompareRuns, InOrder, ByPoint),
//     so floating-point sums always add in one order: the same runs give the same bytes
//     at any worker count.
//   - Money is int64 micros end to end. Means over replications are summed exactly and
//     rounded once, half away from zero, to a whole micro or message (DivRound);
//     interval bounds, being estimates, are computed in float64 and rounded to micros.
//     Forecast percentiles are exact order statistics of the integer micros.
//   - An interval needs two replications: with one it is null (nil), never zero. A
//     figure that cannot be known (a percentile of no responses) is NaN, written as
//     JSON null (Num).
//   - An SLA is a ceiling on a first-response percentile or a floor on the in-window
//     share. A sweep point (or an optimize plan: the same verdict, SLA.MetBy) meets it
//     only if the pessimistic end of its 95% interval does (its mean with one
//     replication); an unknown figure never meets it. One whose interval reaches both
//     sides of the target is undecided (SLA.Undecided): it counts as missing it, and
//     summary.json lists it apart, as optimize.json marks such a plan.
package stats
