package reports

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spendsim/spendsim/internal/optimize"
	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
)

// The tables the commands print on the terminal. Amounts are shown by the one rule for
// people (money.Cents: to the cent, half away from zero, grouped); the files keep every
// micro.

// WriteOptimizeTable prints every plan an optimize search evaluated, cheapest first,
// the best marked with *: the target's figure (the mean over replications) with its
// 95% interval, which the verdict rests on, and "undecided" for a plan whose interval
// reaches both sides of the target. Undecided plans cheaper than the best whose mean
// meets the target are named after it: more replications may show them to meet it.
func WriteOptimizeTable(w io.Writer, r *optimize.Result) {
	fmt.Fprintf(w, "%s: %s, %s per plan, seed %d, at most %d per shift, %s\n\n",
		r.Scenario, r.SLA.Text, words.Count(r.Replications, "replication"), r.Seed, r.MaxHeadcount, r.Currency)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	// Beside the target's figure, the share of conversations answered at all, unless
	// that is the target.
	answered := r.SLA.Metric != "answered"
	fmt.Fprintf(tw, "plan\tmessaging\tstaffing\ttotal\t%s\t95%% interval\t", r.SLA.Metric)
	if answered {
		fmt.Fprint(tw, "answered\t")
	}
	fmt.Fprint(tw, "meets SLA\t\n")
	var undecided []*optimize.Plan
	for _, cd := range r.Evaluated {
		mark := ""
		if cd.Best {
			mark = " *"
		}
		meets := "no"
		switch {
		case cd.Feasible:
			meets = "yes"
		case cd.Undecided:
			meets = "undecided"
			if cd.TotalWithStaffingMicros < r.Best.TotalWithStaffingMicros && r.SLA.MetOnMeanOnly(cd.SLAFigure) {
				undecided = append(undecided, cd)
			}
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%s\t%s\t", cd.Label, mark, cents(cd.MessagingMicros), cents(cd.StaffingMicros),
			cents(cd.TotalWithStaffingMicros), r.SLA.Format(cd.Value), r.SLA.FormatInterval(cd.SLAFigure.CI95))
		if answered {
			fmt.Fprintf(tw, "%s\t", percent(cd.AnsweredShare))
		}
		fmt.Fprintf(tw, "%s\t\n", meets)
	}
	tw.Flush()
	b := r.Best
	figure := r.SLA.Format(b.Value)
	if b.SLAFigure.CI95 != nil {
		figure += " (95% interval " + r.SLA.FormatInterval(b.SLAFigure.CI95) + ")"
	}
	share := ", " + percent(b.AnsweredShare) + " of conversations answered"
	if r.SLA.Metric == "answered" {
		share = "" // the figure itself
	}
	fmt.Fprintf(w, "\nbest: %s, %s %s in total, %s %s%s\n", b.Label, cents(b.TotalWithStaffingMicros), r.Currency,
		r.SLA.Metric, figure, share)
	// The same sentence as run's verdict: the same verdict.
	fmt.Fprintf(w, "meeting %s, as run judges a sweep point: %s\n", r.SLA.Text, (&stats.SLAVerdict{SLA: r.SLA, JudgedOn: r.JudgedOn}).SLAJudgement())
	for _, cd := range undecided {
		fmt.Fprintln(w, undecidedNote(r.SLA, r.SLA.Text, cd.Label, cd.TotalWithStaffingMicros, r.Currency, cd.SLAFigure, r.Replications, true, "rerun with more --replications"))
	}
	if r.StaffingCostPlaceholder {
		fmt.Fprintln(w, placeholderNote("every plan's", "which plan is best"))
	}
}

// undecidedNote is the sentence naming a plan or sweep point that meets t (written as
// target) on its mean but whose 95% interval e reaches past it (SLA.MetOnMeanOnly):
// cheaper says it costs less than the answer (the cheapest meeting t), more names what
// gives more replications.
func undecidedNote(t stats.SLA, target, label string, totalMicros int64, currency string, e stats.Estimate, replications int, cheaper bool, more string) string {
	lead := fmt.Sprintf("%s (%s %s) meets", label, cents(totalMicros), currency)
	if cheaper {
		lead = fmt.Sprintf("%s is cheaper (%s %s) and meets", label, cents(totalMicros), currency)
	}
	return fmt.Sprintf("%s %s on its mean, but its 95%% interval (%s) reaches past the target: %s cannot decide it; %s",
		lead, target, t.FormatInterval(e.CI95), words.Count(replications, "replication"), more)
}

// undecidedNotes names, as optimize names such plans (undecidedNote), the undecided
// sweep points of s that meet its SLA target on their mean and cost less than the
// cheapest meeting it (all of them when none does), the target written by text.
func undecidedNotes(s stats.Summary, text func(stats.SLA) string) []string {
	v := s.SLA
	if v == nil {
		return nil
	}
	var notes []string
	for _, p := range s.Points {
		if !s.UndecidedSLA(p.Point) || v.Cheapest != nil && p.TotalWithStaffingMicros >= v.Cheapest.TotalWithStaffingMicros {
			continue
		}
		if e, err := v.Figure(&p); err == nil && v.MetOnMeanOnly(e) {
			notes = append(notes, undecidedNote(v.SLA, text(v.SLA), p.Label, p.TotalWithStaffingMicros, s.Currency, e, p.Replications, v.Cheapest != nil, "raise replications in the scenario and run it again"))
		}
	}
	return notes
}

// RunInfo is what a sweep ran, for the first line of its table.
type RunInfo struct {
	Seed     uint64 // the scenario seed
	Start    string // first local day, YYYY-MM-DD
	Days     int
	Timezone string
}

// WriteRunTable prints a sweep's summary, one line per point: spend, p90 first response
// (over every conversation: "not answered" when more than a tenth never were), the
// share of conversations answered, the in-window share (and the abandoned and dropped
// shares when any point had some, blocks and reach lost when any point sent
// templates), then the cheapest point and the cheapest meeting the SLA target with any
// undecided point cheaper than it that meets the target on its mean (undecidedNotes), and,
// when the runs went on past the horizon, how much of each point's spend that drain
// was (the header then says "+ drain").
func WriteRunTable(w io.Writer, s stats.Summary, r RunInfo) {
	drain := ""
	if Drained(s) {
		drain = " + drain" // the spend holds days past the horizon: the note after the table says how many
	}
	fmt.Fprintf(w, "%s: %s, seed %d, %s + %s%s (%s), %s\n\n", s.Scenario, words.Count(s.Runs, "run"), r.Seed, r.Start, words.Count(r.Days, "day"), drain, r.Timezone, s.Currency)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	// Scenarios with notifications, campaigns or blocking also show the mean blocks and
	// templates lost to them per run; with impatient customers or dropped late replies,
	// the shares of conversations lost to them.
	outbound, abandoned, dropped := false, false, false
	for _, p := range s.Points {
		outbound = outbound || p.Outbound != nil
		abandoned = abandoned || float64(p.SLA.AbandonedShare.Mean) > 0
		dropped = dropped || float64(p.SLA.DroppedShare.Mean) > 0
	}
	fmt.Fprintf(tw, "point\tmessaging\tstaffing\ttotal\tp90 first response\tanswered\t")
	if abandoned {
		fmt.Fprint(tw, "abandoned\t")
	}
	if dropped {
		fmt.Fprint(tw, "dropped\t")
	}
	fmt.Fprint(tw, "in window\t")
	if outbound {
		fmt.Fprintf(tw, "blocks\treach lost\t")
	}
	fmt.Fprintln(tw)
	placeholder := false
	for _, p := range s.Points {
		mark := ""
		if p.StaffingCostPlaceholder {
			mark, placeholder = "*", true
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t", p.Label,
			cents(p.TotalMicros), cents(p.StaffingMicros)+mark, cents(p.TotalWithStaffingMicros)+mark,
			stats.Seconds(float64(p.SLA.FirstResponseP90S.Mean)), percent(p.SLA.AnsweredShare.Mean))
		if abandoned {
			fmt.Fprintf(tw, "%s\t", percent(p.SLA.AbandonedShare.Mean))
		}
		if dropped {
			fmt.Fprintf(tw, "%s\t", percent(p.SLA.DroppedShare.Mean))
		}
		fmt.Fprintf(tw, "%s\t", percent(p.SLA.InWindowShare.Mean))
		if o := p.Outbound; o != nil {
			fmt.Fprintf(tw, "%.0f\t%.0f\t", float64(o.Blocks.Mean), float64(o.ReachLost.Mean))
		} else if outbound {
			fmt.Fprintf(tw, "-\t-\t")
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	if placeholder {
		fmt.Fprintf(w, "\n* %s\n", placeholderNote("the marked", "which point is cheapest"))
	}
	if s.Cheapest != nil {
		fmt.Fprintf(w, "\ncheapest in total: %s (%s %s)\n", s.Cheapest.Label, cents(s.Cheapest.TotalWithStaffingMicros), s.Currency)
	}
	if v := s.SLA; v != nil {
		if c := v.Cheapest; c != nil {
			fmt.Fprintf(w, "cheapest meeting %s: %s (%s %s), %s\n", v.Text, c.Label, cents(c.TotalWithStaffingMicros), s.Currency, v.SLAJudgement())
		} else {
			fmt.Fprintf(w, "no point meets %s (%s)\n", v.Text, v.SLAJudgement())
		}
		for _, n := range offDutyNotes(s) {
			fmt.Fprintln(w, n)
		}
		for _, n := range undecidedNotes(s, func(t stats.SLA) string { return t.Text }) {
			fmt.Fprintln(w, n)
		}
	}
	if lead, lines := drainNote(s); lead != "" {
		fmt.Fprintf(w, "\n+ drain: %s\n", lead)
		for _, l := range lines {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	if notes := pricedNotes(s); len(notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintln(w, n)
		}
	}
}

// offDutyNotes are optimize's note on the shifts (stats.OffDuty.Note) for the points
// missing the SLA target: for every such point whose shifts alone miss it, and where
// no point meets it, for each that had conversations arrive off duty; named by label
// when the run has several points.
func offDutyNotes(s stats.Summary) []string {
	v := s.SLA
	if v == nil {
		return nil
	}
	var notes []string
	for _, p := range s.Points {
		if s.MeetsSLA(p.Point) || p.OffDuty == nil || !p.OffDuty.ShiftsMustChange && v.Cheapest != nil {
			continue
		}
		n := p.OffDuty.Note(v.SLA)
		if n == "" {
			continue
		}
		if len(s.Points) > 1 {
			n = p.Label + ": " + n
		}
		notes = append(notes, n)
	}
	return notes
}

// placeholderNote says that whose staffing (and every total with it) prices the team at
// a placeholder cost per hour: the scenario's agents.cost_per_hour is still its
// cost_per_hour_placeholder, as spendsim fit writes it.
func placeholderNote(whose, cheapest string) string {
	return fmt.Sprintf("%s staffing is at a placeholder cost per hour (agents.cost_per_hour is still its cost_per_hour_placeholder, as spendsim fit writes it: a trace does not say what an agent-hour costs); the totals, and %s, rest on it: set your team's cost_per_hour", whose, cheapest)
}

// cents shows an amount for people (money.Cents); files keep every micro.
func cents(m int64) string { return money.Cents(money.Micros(m)) }

// WriteComparisonTable prints both sides' means and the paired difference B − A with
// its paired 95% interval, whether that interval excludes 0, and the unpaired interval
// for contrast; two lines under the table say which interval to read and what
// "excludes 0" means.
func WriteComparisonTable(w io.Writer, c stats.Comparison) {
	fmt.Fprintf(w, "A: %s (%s, pricing %s)\nB: %s (%s, pricing %s)\n%s, seed %d, %s; each figure a mean per run\n\n",
		c.A.Side(), c.A.Point, c.A.Pricing, c.B.Side(), c.B.Point, c.B.Pricing, words.Count(c.Replications, "paired replication"), c.Seed, c.Currency)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "\tA\tB\tB − A\tpaired 95%% CI\texcludes 0\tunpaired 95%% CI\t\n")
	row := func(name string, a, b int64, d stats.MoneyDiff) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", name, cents(a), cents(b), money.SignedCents(money.Micros(d.MeanMicros)),
			moneyRange(d.CI95), excludesZero(d.CI95 != nil, d.CI95.ExcludesZero()), moneyRange(d.UnpairedCI95))
	}
	row("messaging", c.A.MessagingMicros, c.B.MessagingMicros, c.BMinusA.MessagingMicros)
	row("staffing", c.A.StaffingMicros, c.B.StaffingMicros, c.BMinusA.StaffingMicros)
	row("total", c.A.TotalMicros, c.B.TotalMicros, c.BMinusA.TotalMicros)
	p := c.BMinusA.FirstResponseP90S
	fmt.Fprintf(tw, "p90 first response\t%s\t%s\t%s\t%s\t%s\t%s\t\n",
		stats.Seconds(float64(c.A.FirstResponseP90S.Mean)), stats.Seconds(float64(c.B.FirstResponseP90S.Mean)),
		signedSeconds(float64(p.Mean)), secondsRange(p.CI95), excludesZero(p.CI95 != nil, p.CI95.ExcludesZero()), secondsRange(p.UnpairedCI95))
	// Beside the p90: how many got a first response at all (an unanswered one counts
	// in the p90 as never answered).
	d := c.BMinusA.AnsweredShare
	fmt.Fprintf(tw, "answered\t%s\t%s\t%s\t%s\t%s\t%s\t\n", answeredText(c.A), answeredText(c.B),
		points(d.Mean), pointsRange(d.CI95), excludesZero(d.CI95 != nil, d.CI95.ExcludesZero()), pointsRange(d.UnpairedCI95))
	tw.Flush()
	fmt.Fprintln(w, "\nread the paired interval: replication r of A and B ran on the same seed (the same customers), so B − A is measured run by run; the unpaired one ignores that pairing and is shown for contrast only")
	fmt.Fprintf(w, "excludes 0: yes, B and A differ beyond the runs' randomness (95%%); no, %s cannot tell them apart (more --replications narrow the interval)\n",
		words.Count(c.Replications, "replication"))
	if whose := map[[2]bool]string{{true, false}: "A's", {false, true}: "B's", {true, true}: "both sides'"}[[2]bool{c.A.StaffingCostPlaceholder, c.B.StaffingCostPlaceholder}]; whose != "" {
		fmt.Fprintln(w, placeholderNote(whose, "their difference"))
	}
}

// excludesZero is the verdict column of compare's table: "yes" when the paired 95%
// interval excludes 0, "no" when it includes it, "-" without one.
func excludesZero(some, excludes bool) string {
	switch {
	case !some:
		return "-"
	case excludes:
		return "yes"
	}
	return "no"
}

// answeredText is a side's answered share and its unanswered conversations, means per
// run: "97.5% (12 unanswered)".
func answeredText(s stats.CompareSide) string {
	return fmt.Sprintf("%s (%s unanswered)", percent(s.AnsweredShare.Mean), strconv.FormatFloat(math.Round(10*float64(s.Unanswered.Mean))/10, 'f', -1, 64))
}

func pointsRange(iv *stats.Interval) string {
	if iv == nil {
		return "-"
	}
	return fmt.Sprintf("%+.1f to %+.1f pts", 100*float64(iv.Low), 100*float64(iv.High))
}

func moneyRange(iv *stats.MoneyInterval) string {
	if iv == nil {
		return "-"
	}
	return money.SignedCents(money.Micros(iv.LowMicros)) + " to " + money.SignedCents(money.Micros(iv.HighMicros))
}

func signedSeconds(s float64) string { return stats.SignedDuration(s, "-") }

func secondsRange(iv *stats.Interval) string {
	if iv == nil {
		return "-"
	}
	return signedSeconds(float64(iv.Low)) + " to " + signedSeconds(float64(iv.High))
}

// WriteReplayTable prints a replayed bill: charged and free units and the amount per category,
// the total, the rate cards used and the share priced from derived rates.
func WriteReplayTable(w io.Writer, s *ReplaySummary) {
	// Users counts (business number, user) pairs, as summary.json's users does: a
	// customer who wrote to two of the business's numbers counts twice.
	fmt.Fprintf(w, "%s under %s (%s rates): %s, %s (%d delivered), %s\n\n",
		s.Trace, s.Pricing, s.Rates, words.Count(s.Records, "record"), words.Count(s.Business, "business message"), s.Delivered, words.Count(s.Users, "(business number, user) pair"))
	switch UnitOf(s.Pricing, &s.Spend) { // the header counted messages: say what else the columns count
	case conversationUnits:
		fmt.Fprintln(w, "billable and free count conversations (CBP charges per conversation), not messages")
	case mixedUnits:
		fmt.Fprintln(w, "billable and free count units ("+mixedUnitsNote+")")
	}
	fmt.Fprintf(w, "%-30s %10s %10s %16s\n", "pricing category", "billable", "free", "amount ("+s.Currency+")")
	for _, cat := range pricing.Shown(func(c pricing.Category) bool { _, ok := s.BillableByCategory[c.String()]; return ok }) {
		n, free := s.BillableByCategory[cat.String()], s.FreeByCategory[cat.String()]
		if n == 0 && free == 0 {
			continue
		}
		fmt.Fprintf(w, "%-30s %10d %10d %16s\n", cat, n, free, cents(s.AmountMicrosByCategory[cat.String()]))
	}
	fmt.Fprintf(w, "%-30s %10s %10s %16s\n", "total", "", "", cents(s.TotalMicros))
	if !money.WholeCents(money.Micros(s.TotalMicros)) {
		// The table shows cents; a bill to reconcile wants every micro.
		fmt.Fprintf(w, "total to the micro: %s %s (summary.json's total; the amounts above are rounded to the cent)\n", s.Total, s.Currency)
	}
	for _, cu := range s.CardsUsed {
		writeCard(w, "card: ", cu)
	}
	if d := float64(s.DerivedShare); d > 0 {
		fmt.Fprintln(w, derivedNote(d))
	}
	if n := s.TextOutsideCS; n > 0 {
		fmt.Fprintln(w, textOutsideNote(n, "summary.json's text_outside_window"))
	}
	if f := s.LogFacts; f != (LogFacts{}) {
		fmt.Fprintln(w, logFactsNote(f, "summary.json's log_facts_applied"))
	}
}

// writeCard names a card that priced a bill, on a line that starts with lead: its
// model, currency, effective date and charged units; and, on a line of its own, when a
// card of its model in another currency that the same rules read for its latest
// message is later (CardUsed.Newer), that the bill may rest on old prices.
func writeCard(w io.Writer, lead string, cu CardUsed) {
	unit := messageUnits
	if cu.PricingModel == pricing.CBP.String() {
		unit = conversationUnits // what a CBP card prices
	}
	fmt.Fprintf(w, "%s%s %s effective %s (%d charged %s%s)\n", lead, cu.PricingModel, cu.Currency, cu.Effective, cu.Messages,
		strings.TrimSuffix(unit, "s"), words.S(cu.Messages))
	if n := cu.Newer; n != nil {
		fmt.Fprintf(w, "  older than the %s %s card of %s, which these rules read on %s (the last day this card priced): Meta changed %s prices after %s and the book has no later %s card, so this bill may rest on old prices; compare in %s (--currency %s) or give a current %s card (--rates FILE)\n",
			cu.PricingModel, n.Currency, n.Effective, n.LastPriced, cu.PricingModel, cu.Effective, cu.Currency, n.Currency, n.Currency, cu.Currency)
	}
}

// logFactsNote says how many charges a fact the log stated decided where spendsim would
// have inferred otherwise (f not zero): a reader checking a bill against the rules
// alone would find them priced "wrongly".
func logFactsNote(f LogFacts, counted string) string {
	var parts []string
	for _, c := range []struct {
		n          int64
		noun, what string
	}{
		{f.USMarketingDelivered, "US marketing template", "charged: Meta's statuses say delivered"},
		{f.AuthIntl, "authentication template", "charged at the international rate"},
		{f.AuthDomestic, "authentication template", "charged at the domestic rate"},
		{f.MarketingLite, "marketing template", "reported as marketing_lite"},
	} {
		if c.n > 0 {
			parts = append(parts, words.Count(c.n, c.noun)+" "+c.what)
		}
	}
	return "as the log states: " + strings.Join(parts, "; ") + " (" + counted + "; docs/billing.md, \"The log's word\")"
}

// derivedNote says that a share d (> 0) of a bill's amount was priced from derived or
// third-party rate cells.
func derivedNote(d float64) string { return derivedNoteOf(d, "the amount") }

// derivedNoteOf is derivedNote of what the share is of ("the messaging bill").
func derivedNoteOf(d float64, what string) string {
	return fmt.Sprintf("%.1f%% of %s was priced from derived or third-party rates (see `spendsim rates --sources`)", 100*d, what)
}

// textOutsideNote says that n delivered free-form business messages (n > 0) went out
// with no window open, and where they are counted.
func textOutsideNote(n int64, counted string) string {
	what := fmt.Sprintf("%d delivered free-form business messages were", n)
	if n == 1 {
		what = "1 delivered free-form business message was"
	}
	return what + " sent with no customer service window open, which WhatsApp refuses (the trace may lack the user messages that opened one); priced as free-form, counted in " + counted
}

// WriteRatesTable prints rate-card cells: card date, model, currency, market, category,
// rate, confidence and, for a cell carried forward onto a partial card, the card it
// came from; with sources, each cell's source and note too.
func WriteRatesTable(w io.Writer, rows []pricing.Row, sources bool) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	header := "CARD\tMODEL\tCURRENCY\tMARKET\tCATEGORY\tRATE\tCONFIDENCE\tFROM CARD"
	if sources {
		header += "\tSOURCE\tNOTE"
	}
	fmt.Fprintln(tw, header)
	for _, r := range rows {
		from := ""
		if !r.From.Equal(r.Card) {
			from = r.From.Format(time.DateOnly)
		}
		line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", r.Card.Format(time.DateOnly), r.Model, r.Currency,
			r.Market, r.Category, pricing.FormatRate(r.Rate), r.Confidence, from)
		if sources {
			line += "\t" + r.Source + "\t" + r.Note
		}
		fmt.Fprintln(tw, line)
	}
	return tw.Flush()
}

// WriteRatesEra says, above the table of `rates --at DAY`, which billing era is in force
// on that day: the cards listed are those in force, the era says how they bill.
func WriteRatesEra(w io.Writer, day time.Time) {
	d := day.Format(time.DateOnly)
	e := billing.EraAt(model.FromStd(day), time.UTC)
	if day.Before(e.Start()) {
		fmt.Fprintf(w, "# %s: before the first billing era; spendsim bills such dates under %s (%s rules, from %s)\n",
			d, e, e.Model(), e.Start().Format(time.DateOnly))
		return
	}
	line := fmt.Sprintf("# %s: billing era %s in force (%s rules, since %s", d, e, e.Model(), e.Start().Format(time.DateOnly))
	if next, ok := e.Next(); ok {
		line += fmt.Sprintf("; %s from %s", next, next.Start().Format(time.DateOnly))
	}
	fmt.Fprintln(w, line+")")
}
