// Package fit estimates a scenario from a message trace, so that a forecast can start
// from a business's own history instead of guessed parameters: the horizon, the
// customer count and country mix, conversations per customer, the weekly arrival
// profile and the daily volume's levels (Poisson change points), conversation lengths
// and think time, entry-point shares, notification streams per template category, and
// the team: when it works (a shift proposed from the replies' hours and weekdays and
// scored by likelihood), how long a conversation waits for its first reply and the
// share never answered (exponential, lognormal, lognormal with a tail and gamma, with
// and without that share, fitted by censored maximum likelihood and chosen by AIC),
// its headcount and a placeholder cost; with Options.Bot, the bot that answers first
// (its pace, and the share of conversations it resolves alone) apart from the team.
// The headcount comes from what the team got through while it was behind, where the
// trace shows it behind often enough (throughput.go): the conversations it held at
// once then are its chat slots, split by Options.Concurrency; elsewhere it is a guess
// at the default handle time, and the comments say so.
//
// Trace reads a trace once, in time order, keeping a few fields per user, counts per
// day and hour, constant-size sufficient statistics per uncensored distribution and a seeded
// uniform sample of at most maxWaits conversations' waits: memory grows with users, not
// with messages. The rates are per hour of the observed arrival period (period.go):
// from the first arrival's day to the last's, leaving out a drain's days of replies.
// Result.YAML writes the estimate as a commented scenario that `spendsim
// run` accepts (for a trace reaching back before 2022-02, with a note, NBPNote, that
// its NBP days need the user's rate card). How user messages are grouped into conversations, which business
// messages count as replies, and where a conversation's wait is censored is documented
// on Trace and Options. File does it for a trace file, as `spendsim fit` does: open,
// fit, write and check that the scenario loads.
//
// The round trips hold it to account: simulate a scenario, write its trace (`spendsim
// generate`), fit it, and the arrival rate, the median response time, the profile, the
// market mix and the conversation length come back within stated tolerances
// (cmd/spendsim's fit tests); and fit the real Twitter customer-care trace, run the
// fitted scenario over the same period, and its conversations a week in and outside
// the March 2020 surge, its answered share and its p50 and p90 first response come back
// within 15% of the trace's (twitter_test.go).
package fit
