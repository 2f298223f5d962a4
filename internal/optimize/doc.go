// Package optimize finds the cheapest staffing plan that meets a response-time SLA:
// the headcount of every shift of a scenario (and, if asked, whether to use its bot),
// each candidate simulated with the same seeds (common random numbers: every plan sees
// the same customers) and judged as `spendsim run --sla` judges a sweep point
// (stats.SLA.MetBy): it meets the SLA only if the whole 95% interval of the SLA's
// figure over its replications does (its mean with one replication). A plan whose
// interval reaches both sides of the target is undecided and counts as missing it;
// the search never adds replications of its own (more --replications decide more).
//
// In: a scenario without a sweep and with a seed, whose agents answer from a queue (a
// team modelled by agents.response_time replies after its response time whoever is on
// shift, so headcount cannot change its waits: refused, a *scenarios.Error), and Options (the stats.SLA, the
// headcount cap, workers, the user's rates). Out: a Result, optimize.json's content,
// with every plan evaluated, cheapest first; package reports writes it and prints its
// table. The search is local: a descent by one-step moves, and from where it stops
// an escape to the plans two steps away most likely to be cheaper (one agent off a
// shift and two onto another; one more agent on the failing neighbours closest to
// the SLA); it may still miss a cheaper plan further away.
// It depends only on the simulated results, never on the worker count, so the same
// seed gives the same answer on every machine.
package optimize
