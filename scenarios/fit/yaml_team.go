package fit

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/model/money"
)

// writeAgents writes the agents block: the team's shift, its cost, its wait for a
// first reply and the share it never answers, each with what it came from.
func (r *Result) writeAgents(b *bytes.Buffer) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	t := r.Team
	w := t.Wait
	best := w.Families[w.Best]
	if note := r.BotNote(); note != "" {
		b.WriteString(commentLines("", "Warning: "+note+".", 88))
	}
	p("agents:\n")
	had := r.Conversations // the conversations the team had
	if r.Bot != nil {
		r.writeBot(b)
		had -= r.Bot.Kept
		p("  # Whom the team answered, and how fast: of the %d conversations it had, %d got a\n", had, r.Answered)
		p("  # first reply within %s of starting (%s%%) and %d did not; their waits are censored\n", durationText(r.FollowUp), num(100*float64(r.Answered)/float64(had), 3), r.Unanswered)
		p("  # where the trace stopped following them (its end, the user's next conversation, or\n")
		p("  # %s on: spendsim fit --follow-up). Every team reply's delay, the answered only:\n", durationText(r.FollowUp))
		p("  # %d replies, ", r.Response.N)
	} else {
		p("  # Whom the team answered, and how fast: of %d conversations, %d got a first reply\n", r.Conversations, r.Answered)
		p("  # within %s of starting (%s%%) and %d did not; their waits are censored where the\n", durationText(r.FollowUp), num(100*float64(r.Answered)/float64(r.Conversations), 3), r.Unanswered)
		p("  # trace stopped following them (its end, the user's next conversation, or %s\n", durationText(r.FollowUp))
		p("  # on: spendsim fit --follow-up). Every reply's delay, the answered only: %d replies,\n  # ", r.Response.N)
	}
	p("median %s s, p90 %s s.\n", num(r.Response.MedianS, 4), num(r.Response.P90S, 4))
	p("  #\n  # When agents work: shifts proposed from the local hours and weekdays of the replies,\n")
	p("  # each scored by the censored likelihood of the waits under it (a conversation that\n")
	p("  # starts off duty waits for the shift); %d proposals, the lowest AIC first:\n", len(t.Proposals))
	for i, pr := range t.Proposals[:min(3, len(t.Proposals))] {
		p("  #   %s: AIC %s", proposalText(pr), num(pr.AIC, 8))
		if i == 0 {
			p("  <- taken")
		}
		p("\n")
	}
	var byHour [24]int64
	for d := range 7 {
		for h := range 24 {
			byHour[h] += r.ReplyProfile.Count[d][h]
		}
	}
	counts := make([]string, 24)
	for h, n := range byHour {
		counts[h] = fmt.Sprint(n)
	}
	p("  # Replies by local hour (%s): [%s].\n", r.Location, strings.Join(counts, ", "))
	if t.RoundTheClock() {
		p("  # The shift that explains the waits best covers every hour of every day: the team is\n")
		p("  # modelled by its response time, with no queue, and the shift costs it: %d agent%s round the\n", t.Headcount, words.S(t.Headcount))
		p("  # clock, for the replies at the busiest level at spendsim's default handle time of\n")
		p("  # %s s (%s agents busy on average, covered 99%% of the time). Sweeping the\n", num(defaultHandle().Mean(), 3), num(t.Work, 3))
		p("  # headcount changes the cost, not the waits; to let it shape them, rename\n")
		p("  # response_time to handle_time (agents then take conversations from a queue).\n")
		if t.Answered[0] > 0 && t.Answered[1] > 0 {
			p("  # response_time draws a wait whatever the hour, so the run keeps the trace's waits\n")
			p("  # overall, not how they change through the day: conversations that started in the\n")
			p("  # twelve hours with the most replies waited a median %s s, the others %s s.\n", num(t.MedianS[0], 4), num(t.MedianS[1], 4))
		}
	} else if t.FromBacklog() {
		t.writeBacklog(b)
	} else {
		p("  # Agents on the shift take conversations from a queue: one that starts off duty waits\n")
		p("  # for the shift, then an agent holds it for the team's own delay (handle_time). The\n")
		p("  # headcount is for the replies at the busiest level at spendsim's default handle time\n")
		p("  # of %s s (%s agents busy on average, covered 99%% of the time). The delay is mostly\n", num(defaultHandle().Mean(), 3), num(t.Work, 3))
		p("  # not work (a reply hours later is not hours of typing), so each agent holds several\n")
		p("  # conversations: enough slots for those in hand at the busiest level (%s on\n", num(t.InHand, 3))
		p("  # average) 99%% of the time, so that the queue adds almost nothing to the waits until\n")
		p("  # the headcount is swept down. Swept down, the queue's waits come on top of the\n")
		p("  # trace's own, which already hold whatever queue the real team had: such a point\n")
		p("  # answers slower than the real team would with that many agents, so read it as a\n")
		p("  # bound, not as the real team at that size.\n")
	}
	if note := t.BacklogNote(); note != "" {
		b.WriteString(commentLines("  ", strings.ToUpper(note[:1])+note[1:]+".", 88))
	}
	sh := t.Shift()
	p("  shifts:\n")
	p("    - {name: %s, days: [%s], start: %q, end: %q, headcount: %d}\n", sh.Name, strings.Join(sh.Days, ", "), sh.Start, sh.End, sh.Headcount)
	if t.CostIsPlaceholder {
		p("  # A placeholder: the trace does not say what an agent-hour costs. %s a fully loaded\n", money.Exact(t.CostPerHour))
		p("  # agent-hour in the scenario's currency (spendsim fit --cost-per-hour); set yours.\n")
		p("  # While cost_per_hour is still cost_per_hour_placeholder, spendsim marks every\n")
		p("  # staffing figure, and every total with it, as a placeholder's.\n")
		p("  cost_per_hour: %s\n", money.Exact(t.CostPerHour))
		p("  cost_per_hour_placeholder: %s\n", money.Exact(t.CostPerHour))
	} else {
		p("  # A fully loaded agent-hour in the scenario's currency (spendsim fit --cost-per-hour).\n")
		p("  cost_per_hour: %s\n", money.Exact(t.CostPerHour))
	}
	p("  # The wait from when the team could take a conversation up (its start")
	if !t.RoundTheClock() {
		p(", or the shift's")
	}
	p(")\n  # to its first reply, fitted by censored maximum likelihood: an answered wait adds\n")
	p("  # ln f(wait), a censored one ln S(wait); each family also with a share never answered\n")
	p("  # (ln (share + (1 − share) S(wait)) for the censored), and the lognormal also with a\n")
	p("  # lognormal tail (two populations: answered soon, or buried for days).")
	of := had
	if t.Scored < t.Of {
		// Past maxWaits the waits are a uniform sample: say so, and count within it.
		p(" Scored on a\n  # uniform sample of %s of the %s conversations (memory stays bounded):",
			money.GroupThousands(strconv.FormatInt(t.Scored, 10)), money.GroupThousands(strconv.FormatInt(t.Of, 10)))
		of = t.Scored
	}
	p(" %d answered,\n  # %d censored.", w.N, w.Censored)
	if left := of - int64(w.N) - int64(w.Censored); left > 0 {
		them, they := "them", "they"
		if left == 1 {
			them, they = "it", "it"
		}
		p(" The other %d conversation%s left no wait to score: the trace stopped\n", left, words.S(left))
		p("  # following %s as %s began, or before the shift could take %s up.", them, they, them)
	}
	p("\n")
	writeFit(b, "  ", w)
	if t.RoundTheClock() {
		p("  response_time: %s\n", spec(best.Spec))
	} else if t.FromBacklog() {
		h := t.Backlog.Handle
		p("  # The handle time: the delay of the team's replies after a conversation's first, each\n")
		p("  # answering the customer's next message in a chat an agent holds: %d replies.\n", h.N)
		writeFit(b, "  ", h)
		p("  concurrency: %d\n", t.Concurrency)
		p("  handle_time: %s\n", spec(h.BestSpec()))
	} else {
		p("  concurrency: %d\n", t.Concurrency)
		p("  handle_time: %s\n", spec(best.Spec))
	}
	if best.Ignore > 0 {
		if r.Bot != nil {
			p("  # Never answered: %s%% of the conversations the bot hands over, a share the team never\n  # takes up. Customers", num(100*best.Ignore, 4))
		} else {
			p("  # Never answered: %s%% of the conversations, a share the team never takes up. Customers", num(100*best.Ignore, 4))
		}
		p("\n")
		p("  # who give up instead (patience) would go unanswered the more often the longer they\n")
		p("  # wait: of the conversations that started in the twelve hours with the most replies\n")
		p("  # %s%% were answered (median wait %s s), of the others %s%% (median %s s).\n",
			share(t.Answered[0], t.Arrived[0]), num(t.MedianS[0], 4), share(t.Answered[1], t.Arrived[1]), num(t.MedianS[1], 4))
		p("  ignore_share: %s\n", num(best.Ignore, 4))
	}
	late := agents.LateUtility
	if r.TemplateReplies[model.Marketing] > r.TemplateReplies[model.Utility] {
		late = agents.LateMarketing
	}
	p("  # Late replies (after the window closed) went out as templates: %d utility, %d marketing.\n",
		r.TemplateReplies[model.Utility], r.TemplateReplies[model.Marketing])
	p("  late_reply: %s\n", late)
	t.writeSweep(b)
}

// writeBacklog writes how the headcount of a team sized from its throughput in a
// backlog (Team.FromBacklog) came about.
func (t *Team) writeBacklog(b *bytes.Buffer) {
	bl := t.Backlog
	text := fmt.Sprintf("Agents on the shift take conversations from a queue: one that starts off duty waits for the shift. "+
		"The trace shows the team behind in %d of its %d hours on duty (%s), "+
		"so every agent was busy then, and what the team got through is what it can: it took up %s conversations an hour "+
		"and held %s at once on average (each from a handle time before a reply to the last reply that followed within %s). "+
		"Those are its chat slots, agents × concurrency; the trace cannot say how they split. "+
		"At %d chat%s an agent (spendsim fit --concurrency: set your agents'), that is %d agent%s. "+
		"The waits are the queue's: a run draws a handle time for each reply and queues the rest, "+
		"so a sweep of the headcount shows what more or fewer agents would have done to them.",
		bl.Hours, bl.OnDuty, behindText, num(bl.Pickups, 3), num(bl.Slots, 3), gapText(bl.gap),
		t.Concurrency, words.S(t.Concurrency), t.Headcount, words.S(t.Headcount))
	b.WriteString(commentLines("  ", text, 88))
}

// behindText is what makes an hour on duty one the team was behind in.
const behindText = "an answered conversation waited through the whole hour, and most of those taken up in it had waited since before it"

// BacklogNote says why the headcount does not come from the team's throughput, where
// it does not: "" where it does, or where the trace shows no hour on duty.
func (t *Team) BacklogNote() string {
	bl := t.Backlog
	if bl == nil || t.FromBacklog() || bl.OnDuty == 0 {
		return ""
	}
	behind := fmt.Sprintf("the trace shows the team behind in %d of its %d hours on duty (%s)", bl.Hours, bl.OnDuty, behindText)
	// A --concurrency given splits a measured headcount only: without one, it changed
	// nothing, and a user who gave it should hear so.
	unused := ""
	if bl.Asked > 0 {
		unused = fmt.Sprintf("; --concurrency %d was not used (it splits a measured headcount), concurrency %d being the conversations in hand over that headcount", bl.Asked, t.Concurrency)
	}
	switch {
	case t.RoundTheClock():
		return fmt.Sprintf("the headcount is not measured: the team is modelled by its response time, with no queue to size, and %s; "+
			"the headcount is the replies' work at spendsim's default handle time, a guess%s", behind, unused)
	case bl.HandleErr != nil:
		return fmt.Sprintf("the headcount is not measured: %s, but too few replies came after a conversation's first to tell the handle time; "+
			"it is the replies' work at spendsim's default handle time, a guess%s", behind, unused)
	}
	return fmt.Sprintf("the headcount is not measured: %s, too seldom (it takes %d hours and a quarter of those on duty) "+
		"to say what the team could get through rather than what its customers asked of it; "+
		"it is the replies' work at spendsim's default handle time, a guess%s", behind, minBacklogHours, unused)
}

// writeBot writes agents.bot: the bot's pace and the share it resolves alone, with
// what the trace can and cannot say of them.
func (r *Result) writeBot(b *bytes.Buffer) {
	bot := r.Bot
	text := fmt.Sprintf("A bot answers first (spendsim fit --bot %s): %d replies, a median %s s after the customer's message (reply_s). "+
		"It answered %d of the %d conversations before the team did, and %d of those got no team reply within %s. "+
		"A trace cannot tell a conversation the bot resolved alone from a customer the team never answered after it: each counts as the bot's, "+
		"so the team's figures below (its wait, and the share it never answers) come from the %d conversations it had: those the bot handed over, "+
		"which a team reply shows, and those it did not answer. A team reply later than %s counts as none: if the team answers that late, fit with a longer --follow-up. "+
		"A utility or marketing template that reaches a customer whose conversation still waits reads as the team's late reply: "+
		"the customers who had written got one %s times a month while nothing waited, so a conversation nobody answers went %s without one %s%% of the time. "+
		"Each of the %d counts for the inverse of that chance over the time it was followed: %s conversations resolved alone, %s%% of all "+
		"(resolve_share: a run's bot answers every conversation first). The others a template reached are among the team's waits, as late replies: "+
		"a run sends a late reply where the trace had that template. "+
		"The trace does not say when the bot hands a conversation over (handoff_s 0: the team's wait counts from the customer's message) "+
		"or what the bot costs (cost_per_conversation: add yours).",
		botFlag(bot.Within), bot.Replies, num(bot.ReplyS(), 3), bot.Conversations, r.Conversations, bot.Kept, durationText(r.FollowUp),
		r.Conversations-bot.Kept, durationText(r.FollowUp),
		num(bot.NoteRate*30*86400, 3), durationText(r.FollowUp), num(100*bot.Escape(r.FollowUp), 3),
		bot.Kept, num(bot.Resolved, 5), num(100*r.BotResolveShare(), 4))
	b.WriteString(commentLines("  ", text, 88))
	fmt.Fprintf(b, "  bot: {reply_s: %s, resolve_share: %s}\n", num(bot.ReplyS(), 3), num(r.BotResolveShare(), 4))
}

// writeSweep writes the headcount sweep the user may uncomment, saying what it weighs
// for the team fitted: a queue team's headcount shapes its waits; a response-time
// team's waits do not depend on it, so a sweep of it moves the cost alone.
func (t *Team) writeSweep(b *bytes.Buffer) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	if t.RoundTheClock() {
		p("# Sweeping the headcount changes the cost only: this team's waits come from its\n")
		p("# response_time, which no headcount shortens. To weigh staffing against the waits,\n")
		p("# rename response_time to handle_time and set concurrency (agents then take\n")
		p("# conversations from a queue), then sweep the headcount:\n")
	} else {
		p("# To weigh staffing against the waits, sweep the headcount:\n")
	}
	p("# sweep:\n")
	p("#   - {path: \"agents.shifts[0].headcount\", values: [%d, %d, %d]}\n", t.Headcount, 2*t.Headcount, 4*t.Headcount)
}

func share(n, of int64) string {
	if of == 0 {
		return "-"
	}
	return num(100*float64(n)/float64(of), 3)
}

// proposalText is a shift proposal in words: "mon–sun 12:00–02:00" or "round the clock".
func proposalText(pr Proposal) string {
	days := "every day"
	if len(pr.Days) < 7 {
		names := make([]string, len(pr.Days))
		for i, d := range pr.Days {
			names[i] = mondayFirst(d)
		}
		days = strings.Join(names, " ")
	}
	if pr.Hours == 24 {
		if len(pr.Days) == 7 {
			return "round the clock"
		}
		return days + ", all day"
	}
	return fmt.Sprintf("%s %02d:00–%02d:00", days, pr.StartHour, (pr.StartHour+pr.Hours)%24)
}

// durationText is d in days or hours.
func durationText(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		if d == 7*24*time.Hour {
			return "a week"
		}
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return gapText(d)
}

// botFlag writes d as --bot takes it: 10s, 1m, 1m30s.
func botFlag(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
