package fit

import (
	"fmt"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model/pricing"
)

// NBPNote is, for a trace whose days reach back before 2022-02-01, what the fitted
// scenario's `pricing: auto` needs for them: they fall under NBP (nbp-2018), for which
// spendsim ships no rates (docs/billing.md, "NBP 2018"), so running the scenario fails
// until the user supplies a card or picks a later era. "" for a later trace. fit warns
// with it on stderr and writes it as a comment beside `pricing:`.
func (r *Result) NBPNote() string {
	cbp := pricing.CBPFrom.Date()
	if r.Days <= 0 || !r.Start.Before(time.Date(cbp.Year(), cbp.Month(), cbp.Day(), 0, 0, 0, 0, r.Start.Location())) {
		return ""
	}
	last := r.Start.AddDate(0, 0, r.Days-1)
	if lastNBP := cbp.AddDate(0, 0, -1); last.After(lastNBP) {
		last = lastNBP
	}
	return fmt.Sprintf("the trace's days %s to %s fall under NBP (nbp-2018), whose rates spendsim does not ship: "+
		"run the fitted scenario with --rates FILE holding your NBP card (rows of pricing_model NBP, category template; "+
		"docs/formats.md, \"spendsim's rate cards\"), or set its pricing to a later era (cbp-2022, cbp-2023, pmp-2025) "+
		"to price the traffic under those rules instead",
		r.Start.Format(time.DateOnly), last.Format(time.DateOnly))
}

// commentLines wraps text into YAML comment lines of at most width characters, each
// starting with prefix and "# ".
func commentLines(prefix, text string, width int) string {
	var b strings.Builder
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(prefix)+2+len(line)+1+len(w) > width {
			b.WriteString(prefix + "# " + line + "\n")
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		b.WriteString(prefix + "# " + line + "\n")
	}
	return b.String()
}

// BotPaceS is the median reply delay under which a trace's replies are taken for a
// bot's or an auto-reply's, not a team's: people do not answer half their customers
// within a minute.
const BotPaceS = 60

// BotNote is, for a trace whose replies come at a bot's pace (median under BotPaceS),
// the warning that the fitted team is then the bot: its agents, handle time and cost
// would be fitted to machine replies, and a run of the scenario answers in seconds at
// the cost of a round-the-clock team. It names the --bot that would take them for a
// bot's (BotWithin); with --bot already given, the replies after it are still that
// fast. "" otherwise. fit warns with it on stderr and writes it above agents.
func (r *Result) BotNote() string {
	if r.Response.N == 0 || r.Response.MedianS >= BotPaceS {
		return ""
	}
	if r.Bot != nil {
		return fmt.Sprintf("half the team's %d replies (those --bot %s did not take for the bot's) came within %s s of the customer's message: "+
			"still a bot's or an auto-reply's pace, so the scenario's team may be a bot too. "+
			"If a bot answers later than %s, fit it again with a longer --bot",
			r.Response.N, botFlag(r.Bot.Within), num(r.Response.MedianS, 3), botFlag(r.Bot.Within))
	}
	return fmt.Sprintf("half the trace's %d replies came within %s s of the customer's message: a bot's or an auto-reply's pace, "+
		"not a team's; the scenario's agents are fitted to those replies, so its team is the bot. "+
		"If a bot answers first, fit it again with --bot %s: its replies (texts within %s of the customer's message, before the team's first reply) "+
		"are then the bot's, agents.bot, and the team is fitted to the replies after them",
		r.Response.N, num(r.Response.MedianS, 3), botFlag(BotWithin(r.Response.MedianS)), botFlag(BotWithin(r.Response.MedianS)))
}

// BotWithin is the --bot BotNote proposes for replies whose median delay is medianS
// seconds: twice that, rounded up to a round number of seconds, so that a bot's
// replies fall within it and a team's, slower, do not.
func BotWithin(medianS float64) time.Duration {
	for _, s := range []int{1, 2, 5, 10, 15, 20, 30, 45, 60, 90} {
		if float64(s) >= 2*medianS {
			return time.Duration(s) * time.Second
		}
	}
	return 2 * time.Minute
}
