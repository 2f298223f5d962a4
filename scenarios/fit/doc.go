// Package fit estimates a scenario from a message trace, so that a forecast can start
// from a business's own history instead of guessed parameters: the horizon, the
// customer count and country mix, conversations per customer, the weekly arrival
// profile, conversation lengths and think time, entry-point shares, notification
// streams per template category, and the response-time distribution (exponential,
// lognormal and gamma fitted by maximum likelihood, chosen by AIC).
//
// Trace reads a trace once, in time order, keeping a few fields per user and
// constant-size sufficient statistics per distribution: memory grows with users, not
// with messages. Result.YAML writes the estimate as a commented scenario that
// `spendsim run` accepts. How user messages are grouped into conversations, and which
// business messages count as replies, is documented on Trace. File does it for a trace
// file, as `spendsim fit` does: open, fit, write and check that the scenario loads.
//
// The round trip holds it to account: simulate a scenario, write its trace (`spendsim
// generate`), fit it, and the arrival rate, the median response time, the profile, the
// market mix and the conversation length come back within stated tolerances
// (fit_test.go and cmd/spendsim's fit tests).
package fit
