package reports

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/scenarios/fit"
)

// WriteFitFamilies prints, for the fit's first-response wait and (when it could be
// fitted) think time, every distribution family tried with its log-likelihood and AIC,
// marking the one chosen.
func WriteFitFamilies(w io.Writer, res *fit.FileResult) {
	writeFamilies(w, "first response (censored)", res.Team.Wait)
	if res.ThinkErr == nil {
		writeFamilies(w, "think time", res.Think)
	}
}

func writeFamilies(w io.Writer, what string, f fit.Fitted) {
	censored := ""
	if f.Censored > 0 {
		censored = fmt.Sprintf(" and %d censored", f.Censored)
	}
	fmt.Fprintf(w, "%s, %d samples%s (empirical median %.4g s):\n", what, f.N, censored, f.MedianS)
	for i, fam := range f.Families {
		mark := ""
		if i == f.Best {
			mark = "  <- chosen (lowest AIC)"
		} else if fam.Unusable != "" {
			mark = "  (a scenario cannot take it)"
		}
		fmt.Fprintf(w, "  %-11s log-likelihood %14.2f  AIC %14.2f  %s%s\n", fam.Kind, fam.LogLik, fam.AIC, fam.Params, mark)
	}
}

// WriteFitSummary prints one line on what fit read and estimated (the rates over the
// observed arrival period, fit.Result.PeriodNote; the bot, with --bot), and where the
// scenario named name went.
func WriteFitSummary(w io.Writer, res *fit.FileResult, name, out string) {
	best := res.Team.Wait.Families[res.Team.Wait.Best]
	sh := res.Team.Shift()
	cost := "--cost-per-hour"
	if res.Team.CostIsPlaceholder {
		cost = "a placeholder: set --cost-per-hour"
	}
	bot := ""
	if res.Bot != nil {
		bot = fmt.Sprintf("a bot answering first in %.3g s and resolving %.3g%% alone; ", res.Bot.ReplyS(), 100*res.BotResolveShare())
	}
	team := words.Count(sh.Headcount, "agent")
	if t := res.Team; t.FromBacklog() {
		// Sized from what it got through while behind: say the split it rests on.
		team = fmt.Sprintf("%s (%.3g chats held at once while behind, %d each: --concurrency)", team, t.Backlog.Slots, t.Concurrency)
	}
	fmt.Fprintf(w, "%s: %d records, %d users, %d conversations, arrivals over %s from %s (%.4g an hour, %s), %.3g user messages each; %sresponse time %s (median %.4g s), %.3g%% never answered; %s %s %s–%s at %s an hour (%s); scenario %s written to %s\n",
		res.Source, res.Records, res.Users, res.Conversations, words.Count(res.Days, "day"), res.Start.Format(time.DateOnly), res.ConversationsPerHour(), words.Count(max(1, len(res.Levels)), "level"), res.MessagesMean,
		bot, best.Kind, best.MedianS, 100*best.Ignore, team, strings.Join(sh.Days, " "), sh.Start, sh.End, money.Exact(res.Team.CostPerHour), cost, name, out)
}

// WriteFitWarnings warns about what the fitted scenario will need that the user may
// lack: the NBP rate card of a trace reaching back before 2022-02-01; and what it
// fitted that is not what the user wants, a team fitted to a bot's replies.
func WriteFitWarnings(w io.Writer, res *fit.FileResult) {
	for _, note := range []string{res.NBPNote(), res.BotNote()} {
		if note != "" {
			fmt.Fprintf(w, "warning: %s\n", note)
		}
	}
	if res.Team != nil {
		if note := res.Team.BacklogNote(); note != "" {
			fmt.Fprintf(w, "note: %s\n", note)
		}
	}
}
