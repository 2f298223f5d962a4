package fit

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/dist"
	"github.com/spendsim/spendsim/model/load"
)

// YAML renders the estimate as a commented scenario named name, fitted from the trace
// called source. Everything not estimated keeps spendsim's defaults, and the comments
// say so.
func (r *Result) YAML(name, source string) []byte {
	var b bytes.Buffer
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("# Fitted by `spendsim fit` from %s: %d records (%d user messages, %d business\n", source, r.Records, r.UserMessages, r.BusinessMessages)
	p("# messages) from %d users, %s to %s (%s).\n", r.Users, r.From.Format(time.DateOnly), r.To.Format(time.DateOnly), r.Location)
	p("#\n# Conversations: a user message starts one unless the user's current conversation is\n")
	p("# waiting for a reply (to a message under 24 h old) or had its last message less than\n")
	p("# %s before. A text, or a utility or marketing template, answers the oldest waiting\n", gapText(r.SessionGap))
	p("# user message; other templates are notifications. That found %d conversations and\n", r.Conversations)
	if b := r.Bot; b != nil {
		p("# %d replies, and %d of a bot's: a text within %s of the customer's latest message,\n", r.Replies, b.Replies, b.Within)
		p("# before the team's first reply (spendsim fit --bot), answers nothing for the team.\n#\n")
	} else {
		p("# %d replies.\n#\n", r.Replies)
	}
	b.WriteString(commentLines("", r.PeriodNote(), 88))
	p("#\n# Not estimated (spendsim's defaults apply): marketing campaigns on a schedule (a\n")
	p("# campaign shows up as a notification stream with a peaked send-time profile),\n")
	if r.Bot == nil {
		p("# replies to templates, blocking, messaging limits, bots, customer patience (see\n")
		p("# agents), growth.\n")
	} else {
		p("# replies to templates, blocking, messaging limits, customer patience (see agents),\n")
		p("# growth.\n")
	}
	if r.Businesses > 1 {
		p("# The trace has %d business numbers; the scenario has one, with all their traffic.\n", r.Businesses)
	}
	p("name: %s\n", name)
	p("description: %s\n", quote(fmt.Sprintf("fitted from %s (%d messages, %d conversations)", source, r.Records, r.Conversations)))
	p("seed: 1  # any seed; change it for another draw\n")
	p("start: %s\n", r.Start.Format(time.DateOnly))
	p("days: %d\n", r.Days)
	p("timezone: %s\n", r.Location)
	if note := r.NBPNote(); note != "" {
		b.WriteString(commentLines("", "pricing: auto bills each day under the rules of its date; "+note+".", 88))
	}
	p("pricing: auto\n")
	p("customers:\n")
	p("  # The distinct users of the trace. A customer who neither wrote nor got a message is\n")
	p("  # not in it: the rate per customer below is per customer seen.\n")
	p("  count: %d\n", r.Users)
	p("  # Share of users by country")
	if r.UnknownCountry > 0 {
		p(" (%d users of unknown country left out)", r.UnknownCountry)
	}
	p(".\n  countries:\n")
	for i, c := range r.Countries {
		p("    - {country: %s, share: %s}  # %d users\n", c.Country, shareText(r.Countries, i), c.Users)
	}
	p("load:\n")
	p("  # %d conversations over the horizon's profile-weighted %s hours, per customer, per\n", r.InPeriod, num(r.Profile.weightedHours(), 5))
	p("  # 30 days (%s conversations an hour on average).\n", num(r.ConversationsPerHour(), 4))
	p("  conversations_per_customer_month: %s\n", num(r.PerCustomerMonth, 6))
	p("  # %d user messages in %d conversations.\n", r.UserMessages, r.Conversations)
	p("  messages_per_conversation: %s\n", num(max(1, r.MessagesMean), 5))
	if r.ThinkErr == nil {
		p("  # Customer's delay between the business's answer and their next message: %d gaps.\n", r.Think.N)
		writeFit(&b, "  ", r.Think)
		p("  think_time: %s\n", spec(r.Think.BestSpec()))
	} else {
		p("  # Fewer than 2 customer messages followed an answer inside a conversation: the\n  # think time keeps its default.\n")
	}
	p("  # Conversation starts per hour of exposure, by local hour and weekday (%s), mean 1.\n", r.Location)
	if len(r.Profile.Unexposed) > 0 {
		p("  # The horizon has no %s: %s the mean of the other days.\n", days(r.Profile.Unexposed), isAre(len(r.Profile.Unexposed)))
	}
	p("  profile:\n")
	p("    hour_of_day: %s\n", weights(r.Profile.Hour[:]))
	p("    day_of_week: %s  # mon..sun\n", weights(r.Profile.Weekday[:]))
	if len(r.Levels) > 0 {
		p("  # The daily volume changed %d times: each stretch of days at its own rate, as a factor\n", len(r.Levels)-1)
		p("  # of the base above (%s conversations a day on average), found by penalised Poisson\n", num(float64(r.InPeriod)/float64(r.Days), 4))
		p("  # likelihood over the days' counts (a stretch is kept where it gains more than\n")
		p("  # 1.5 ln %d = %s in log-likelihood), the profile estimated with it.\n", r.Days, num(levelPenalty(r.Days), 3))
		p("  levels:\n")
		for _, l := range r.Levels {
			p("    - {from: %s, to: %s, factor: %s}  # %d conversation(s) in %d day(s)\n",
				l.From.Format(time.DateOnly), l.To.Format(time.DateOnly), num(l.Factor, 4), l.Conversations, l.Days)
		}
	}
	if r.EntryCTWA+r.EntryPageCTA > 0 {
		p("  # Share of the %d conversations whose first message came through an ad (%d) or a\n  # Page button (%d).\n", r.Conversations, r.EntryCTWA, r.EntryPageCTA)
		p("  entry_points: {ctwa: %s, page_cta: %s}\n",
			num(float64(r.EntryCTWA)/float64(r.Conversations), 4), num(float64(r.EntryPageCTA)/float64(r.Conversations), 4))
	}
	if len(r.Notifications) > 0 {
		p("  # Templates that answered nothing, per category: %d in all, per customer per 30 days,\n", r.NotificationTotal)
		p("  # with their local send-time profile.\n")
		p("  notifications:\n")
		for _, n := range r.Notifications {
			cat := n.Category.String()
			p("    - name: %s  # %d templates\n", cat, n.Count)
			p("      category: %s\n", cat)
			p("      per_customer_month: %s\n", num(n.PerCustomerMonth, 6))
			p("      hour_of_day: %s\n", weights(n.Profile.Hour[:]))
			p("      day_of_week: %s\n", weights(n.Profile.Weekday[:]))
		}
	}
	r.writeAgents(&b)
	return b.Bytes()
}

// writeFit comments a fit: the empirical figures and each family's likelihood.
func writeFit(b *bytes.Buffer, indent string, f Fitted) {
	fmt.Fprintf(b, "%s# Empirical median %s s, p90 %s s, mean %s s", indent, num(f.MedianS, 4), num(f.P90S, 4), num(f.MeanS, 4))
	if f.Zeros > 0 {
		fmt.Fprintf(b, "; %d of 0 s (same timestamp) counted as %g s", f.Zeros, f.ZeroS)
	}
	fmt.Fprintf(b, ".\n%s# Maximum likelihood, the family taken first (lowest AIC a scenario accepts):\n", indent)
	order := []int{f.Best}
	for i := range f.Families {
		if i != f.Best {
			order = append(order, i)
		}
	}
	for _, i := range order {
		fam := f.Families[i]
		if fam.Kind == dist.Constant {
			fmt.Fprintf(b, "%s#   constant %s: every sample the same\n", indent, fam.Params)
			continue
		}
		fmt.Fprintf(b, "%s#   %-11s log-likelihood %s, AIC %s (%s; median %s s)\n", indent, fam.Kind,
			num(fam.LogLik, 8), num(fam.AIC, 8), fam.Params, num(fam.MedianS, 4))
		if fam.Unusable != "" {
			fmt.Fprintf(b, "%s#               not taken: %s\n", indent, fam.Unusable)
		}
	}
}

func spec(s dist.Spec) string {
	tail := ""
	if t := s.Tail; t != nil {
		ts := spec(t.Spec())
		tail = fmt.Sprintf(", tail: {share: %s, %s}", num(t.Share, 4), ts[1:len(ts)-1])
	}
	switch s.Kind {
	case dist.Exponential, dist.Constant:
		return fmt.Sprintf("{dist: %s, mean_s: %s%s}", s.Kind, num(s.MeanS, 6), tail)
	}
	return fmt.Sprintf("{dist: %s, mean_s: %s, sd_s: %s%s}", s.Kind, num(s.MeanS, 6), num(s.SDS, 6), tail)
}

func weights(w []float64) string {
	s := make([]string, len(w))
	for i, x := range w {
		s[i] = num(x, 3)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// num formats x with at most digits significant digits, no exponent for everyday
// magnitudes.
// shareText writes country i's share to 4 significant digits. Shares must add up to 1
// within load.ShareTolerance; should the rounded ones not (dozens of countries), the
// largest takes up the rest, so the written scenario validates.
func shareText(cs []CountryShare, i int) string {
	sum, largest := 0.0, 0
	for k, c := range cs {
		v, _ := strconv.ParseFloat(num(c.Share, 4), 64)
		sum += v
		if c.Share > cs[largest].Share {
			largest = k
		}
	}
	if i == largest && math.Abs(sum-1) > load.ShareTolerance/2 {
		v, _ := strconv.ParseFloat(num(cs[i].Share, 4), 64)
		return num(v+1-sum, 6)
	}
	return num(cs[i].Share, 4)
}

func num(x float64, digits int) string {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	p := math.Pow(10, float64(digits-1)-math.Floor(math.Log10(math.Abs(x))))
	r := math.Round(x*p) / p
	if a := math.Abs(r); a >= 1e-4 && a < 1e15 {
		return strconv.FormatFloat(r, 'f', -1, 64)
	}
	return strconv.FormatFloat(r, 'g', -1, 64)
}

func quote(s string) string { return strconv.Quote(s) }

func gapText(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%d h", d/time.Hour)
	}
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d min", d/time.Minute)
	}
	return d.String()
}

// days names weekdays counted from Monday (0), as the day-of-week profile is.
func days(ds []int) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = mondayFirst(d)
	}
	return strings.Join(s, ", ")
}

// mondayFirst names weekday d, counted from Monday (0) as fit's profiles count them.
func mondayFirst(d int) string { return model.WeekdayName(time.Weekday((d + 1) % 7)) }

func isAre(n int) string {
	if n == 1 {
		return "its weight is"
	}
	return "their weights are"
}
