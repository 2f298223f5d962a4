// Package sweep executes a scenario's runs and writes their results: a sweep (Run) on
// parallel workers with checkpoint and resume, --precision's batches of replications,
// shards and their merge (Merge); a paired comparison of two variants (Compare); a
// multi-month forecast (Forecast); one run written out as a trace (Generate).
//
// In: a resolved scenario carrying its seed (scenarios.PickSeed), and Options (output
// folder, workers, the user's rates, the SLA target, resume, precision, shard). Out:
// the files of package reports in Options.Out, and a Result for the command to print;
// progress and notes go to a Progress the caller supplies. Statistics are package
// stats'; sweep decides only what to run and when to stop.
//
// The contract:
//
//   - Results do not depend on the worker count: runs are simulated independently
//     (sim.RunEach) and ordered by (point, replication) before anything is summed or
//     written.
//   - Each finished run is saved in OUT/.partial (Checkpoint: gob, one file per run,
//     written whole or not at all, keyed by a fingerprint of the scenario, seed and
//     rate files) as soon as it completes. A Run interrupted at any moment (context
//     cancelled, process killed) goes on with Resume and writes the same bytes as if
//     it had never stopped; the checkpoint is removed once the outputs are complete.
//   - Precision adds replications until every point's 95% interval of its mean total
//     cost is narrower than the target share of the mean; the next count depends on
//     the results only, so the same seed stops at the same count on any machine, and
//     the files equal those of a scenario with that many fixed replications.
//   - A shard K of N runs the jobs whose number mod N is K and writes Hive-partitioned
//     parts (runs/shard=K/, daily/shard=K/) and, last, its manifest (shards/), having
//     removed its previous one first. Merge checks that every run of the sweep is there
//     exactly once and writes what an unsharded Run would have, byte for byte.
//   - Outputs are sets (reports.Output): Run, Merge, Compare and Forecast lock their
//     folder before anything else (the checkpoint included), and it holds the previous
//     set or the new one after any failure, interruption or kill. Shards share a folder,
//     each locking its own part (safefile.LockPart). Nothing is followed through a link
//     inside the folder (.partial, runs/, daily/, shards/).
//   - Every long call stops when its context ends: between runs, and Generate within
//     4096 messages; an interrupted Run returns an *Interrupted naming what it kept.
package sweep
