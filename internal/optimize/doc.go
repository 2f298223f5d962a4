// Package optimize finds the cheapest staffing plan that meets a response-time SLA:
// the headcount of every shift of a scenario (and, if asked, whether to use its bot),
// each candidate simulated with the same seeds (common random numbers: every plan sees
// the same customers) and judged on the mean over replications of the SLA's figure.
//
// In: a scenario without a sweep and with a seed, and Options (the stats.SLA, the
// headcount cap, workers, the user's rates). Out: a Result, optimize.json's content,
// with every plan evaluated, cheapest first; package reports writes it and prints its
// table. The search is local: on a plateau it may miss a cheaper plan two steps away.
// It depends only on the simulated results, never on the worker count, so the same
// seed gives the same answer on every machine.
package optimize
