package reports

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim/replay"
)

// Files of a restaffed replay, beside messages.parquet, bill.parquet and summary.json
// (which describe the restaffed trace).
const (
	RestaffFile     = "restaff.json" // original vs restaffed, and the difference
	RestaffHTMLFile = "restaff.html" // the same side by side, as a page
)

// RestaffSide is one side of a restaffing: what the trace cost and how its replies
// went. Shares are of conversations or replies as named; a share of nothing is null.
type RestaffSide struct {
	Label string `json:"label"` // "original", or the scenario's name
	stats.Spend
	// TextOutsideWindow is summary.json's text_outside_window for this side's trace:
	// delivered free-form business messages outside the customer service window, which
	// WhatsApp refuses, priced as free-form (the restaffed team sends none).
	TextOutsideWindow int64 `json:"text_outside_window"`
	// StaffingMicros is the team's cost over the trace's local days: the restaffed
	// scenario's shifts at its cost_per_hour, plus its bot's fee per conversation taken
	// on; null for the original, whose team the trace does not describe.
	// TotalWithStaffingMicros is the bill plus it.
	StaffingMicros          *int64  `json:"staffing_micros"`
	Staffing                *string `json:"staffing"`
	TotalWithStaffingMicros *int64  `json:"total_with_staffing_micros"`
	TotalWithStaffing       *string `json:"total_with_staffing"`
	// StaffingCostPlaceholder: the staffing, and the total with it, price the team at a
	// placeholder cost per hour (the scenario's agents.cost_per_hour is still its
	// cost_per_hour_placeholder, as spendsim fit writes it). Absent otherwise.
	StaffingCostPlaceholder bool `json:"staffing_cost_placeholder,omitempty"`
	// Customers counts the (business number, user) pairs who wrote: the same on both
	// sides. RepliesWanted counts their conversations that wanted a reply, grouped
	// along the side's own replies (a message while its user waits joins the waiting
	// conversation), so a slower team has fewer, longer conversations of the same
	// customers and messages.
	Customers     int64 `json:"customers"`
	RepliesWanted int64 `json:"replies_wanted"`
	InWindow      int64 `json:"answered_in_window"` // answered inside the customer service window
	Late          int64 `json:"late_replies"`       // answered after it closed (restaffed: as templates)
	LateUtility   int64 `json:"late_utility_templates"`
	LateMarketing int64 `json:"late_marketing_templates"`
	LateFreeForm  int64 `json:"late_free_form"`  // of Late, free-form messages WhatsApp would have refused (original only)
	Dropped       int64 `json:"dropped_replies"` // late replies the late-reply policy did not send
	Unanswered    int64 `json:"unanswered"`      // no reply by the end
	BotReplies    int64 `json:"bot_replies"`     // replies the bot produced, sent or dropped
	BotResolved   int64 `json:"bot_resolved"`    // conversations the bot answered alone
	Abandoned     int64 `json:"abandoned"`       // of Unanswered, customers who gave up waiting for an agent

	// LateFreeFormFurther counts the original's other free-form business messages
	// outside the window, which answer no conversation (a second message after a
	// reply, before the customer wrote again): refused by WhatsApp as well, and billed
	// like for like the same way. 0 for the restaffed side.
	LateFreeFormFurther int64 `json:"late_free_form_further"`
	// LateShare is (Late + Dropped + Unanswered) / RepliesWanted: the conversations not
	// answered inside the customer's window, whether the reply came late, was dropped
	// or never came. It is the figure a faster team lowers: a customer the original
	// never answered counts, as one a slow team answers late does.
	LateShare stats.Num `json:"late_share"`
	// InWindowShare is InWindow / (InWindow + Late + Dropped): of the replies the team
	// produced, the share sent inside the window (as in spendsim run's summary);
	// LateReplyShare is the rest, 1 − InWindowShare.
	InWindowShare      stats.Num `json:"in_window_share"`
	LateReplyShare     stats.Num `json:"late_reply_share"`
	FirstResponseMeanS stats.Num `json:"first_response_mean_s"`
	FirstResponseP50S  stats.Num `json:"first_response_p50_s"`
	FirstResponseP90S  stats.Num `json:"first_response_p90_s"`
	FirstResponseP99S  stats.Num `json:"first_response_p99_s"`
}

// NewRestaffSide puts a side's spend and reply figures together.
func NewRestaffSide(label string, s stats.Spend, r replay.Responses) RestaffSide {
	produced := r.InWindow + r.Late + r.Dropped
	return RestaffSide{
		Label: label, Spend: s,
		RepliesWanted: r.Wanted, InWindow: r.InWindow, Late: r.Late,
		LateUtility: r.LateUtility, LateMarketing: r.LateMarketing, LateFreeForm: r.LateFreeForm, LateFreeFormFurther: r.LateFreeFormFurther, Dropped: r.Dropped, Unanswered: r.Unanswered,
		BotReplies: r.BotReplies, BotResolved: r.BotResolved, Abandoned: r.Abandoned,
		LateShare:          share(r.Late+r.Dropped+r.Unanswered, r.Wanted),
		InWindowShare:      share(r.InWindow, produced),
		LateReplyShare:     share(r.Late+r.Dropped, produced),
		FirstResponseMeanS: stats.Num(r.FirstResponseMeanS),
		FirstResponseP50S:  stats.Num(r.FirstResponseP50S),
		FirstResponseP90S:  stats.Num(r.FirstResponseP90S),
		FirstResponseP99S:  stats.Num(r.FirstResponseP99S),
	}
}

// SetStaffing gives the side its team's cost.
func (s *RestaffSide) SetStaffing(m money.Micros) error {
	t, err := money.Add(money.Micros(s.TotalMicros), m)
	if err != nil {
		return fmt.Errorf("reports: restaff: %s: bill and staffing: %w", s.Label, err)
	}
	sm, ss, tm, ts := int64(m), m.String(), int64(t), t.String()
	s.StaffingMicros, s.Staffing, s.TotalWithStaffingMicros, s.TotalWithStaffing = &sm, &ss, &tm, &ts
	return nil
}

func share(n, of int64) stats.Num {
	if of == 0 {
		return stats.Num(math.NaN())
	}
	return stats.Num(float64(n) / float64(of))
}

// RestaffDiff is restaffed minus original, figure by figure (null where either is).
type RestaffDiff struct {
	TotalMicros            int64            `json:"total_micros"`
	Total                  string           `json:"total"`
	AmountMicrosByCategory map[string]int64 `json:"amount_micros_by_category"`
	BillableByCategory     map[string]int64 `json:"billable_by_category"`
	FreeByCategory         map[string]int64 `json:"free_by_category"`
	RepliesWanted          int64            `json:"replies_wanted"`
	InWindow               int64            `json:"answered_in_window"`
	Late                   int64            `json:"late_replies"`
	Dropped                int64            `json:"dropped_replies"`
	Unanswered             int64            `json:"unanswered"`
	LateShare              stats.Num        `json:"late_share"`
	InWindowShare          stats.Num        `json:"in_window_share"`
	LateReplyShare         stats.Num        `json:"late_reply_share"`
	FirstResponseMeanS     stats.Num        `json:"first_response_mean_s"`
	FirstResponseP50S      stats.Num        `json:"first_response_p50_s"`
	FirstResponseP90S      stats.Num        `json:"first_response_p90_s"`
	FirstResponseP99S      stats.Num        `json:"first_response_p99_s"`
	// LikeForLike…: the restaffed bill minus Restaff.OldLikeForLike.
	LikeForLikeTotalMicros            int64            `json:"like_for_like_total_micros"`
	LikeForLikeTotal                  string           `json:"like_for_like_total"`
	LikeForLikeAmountMicrosByCategory map[string]int64 `json:"like_for_like_amount_micros_by_category"`
}

// Restaff is restaff.json.
type Restaff struct {
	Trace    string `json:"trace"`
	Pricing  string `json:"pricing"`
	Scenario string `json:"scenario"`        // the scenario whose agents restaffed the trace
	Point    string `json:"point,omitempty"` // its sweep point, when it has a sweep
	Timezone string `json:"timezone"`        // the zone its shifts were laid in
	Seed     uint64 `json:"seed"`
	// RemovedReplies is the trace's replies left out (its free-form business messages
	// and late-reply templates); SimulatedReplies the replies the restaffed team sent in
	// their place (late templates included).
	RemovedReplies   int64       `json:"removed_replies"`
	SimulatedReplies int64       `json:"simulated_replies"`
	Old              RestaffSide `json:"old"`
	New              RestaffSide `json:"new"`
	// OldLikeForLike is the original's bill with its free-form messages outside the
	// window (which WhatsApp would have refused: its late replies and any further ones)
	// sent as the restaffed team sends its late replies, by LateReply: as utility or
	// marketing templates, or not at all (drop). Old is the bill as traced, what a plain
	// replay of the trace bills; the two are the same when Old.LateFreeForm and
	// Old.LateFreeFormFurther are 0.
	LateReply      agents.LatePolicy `json:"late_reply"`
	OldLikeForLike stats.Spend       `json:"old_like_for_like"`
	Difference     RestaffDiff       `json:"difference"`
}

// NewRestaff compares two sides; money differences are exact. oldLike is the
// original's bill like for like with the restaffed team's late-reply policy late.
func NewRestaff(old, new RestaffSide, oldLike stats.Spend, late agents.LatePolicy) (Restaff, error) {
	if late == "" {
		late = agents.LateUtility
	}
	d := RestaffDiff{
		AmountMicrosByCategory: map[string]int64{}, BillableByCategory: map[string]int64{}, FreeByCategory: map[string]int64{},
		LikeForLikeAmountMicrosByCategory: map[string]int64{},
		RepliesWanted:                     new.RepliesWanted - old.RepliesWanted, InWindow: new.InWindow - old.InWindow,
		Late: new.Late - old.Late, Dropped: new.Dropped - old.Dropped, Unanswered: new.Unanswered - old.Unanswered,
		LateShare:          new.LateShare - old.LateShare,
		InWindowShare:      new.InWindowShare - old.InWindowShare,
		LateReplyShare:     new.LateReplyShare - old.LateReplyShare,
		FirstResponseMeanS: new.FirstResponseMeanS - old.FirstResponseMeanS,
		FirstResponseP50S:  new.FirstResponseP50S - old.FirstResponseP50S,
		FirstResponseP90S:  new.FirstResponseP90S - old.FirstResponseP90S,
		FirstResponseP99S:  new.FirstResponseP99S - old.FirstResponseP99S,
	}
	if old.Currency != new.Currency {
		return Restaff{}, fmt.Errorf("reports: restaff: the original is in %s, the restaffed trace in %s", old.Currency, new.Currency)
	}
	if oldLike.Currency != old.Currency {
		return Restaff{}, fmt.Errorf("reports: restaff: the original is in %s as traced, in %s like for like", old.Currency, oldLike.Currency)
	}
	t, err := money.Add(money.Micros(new.TotalMicros), -money.Micros(old.TotalMicros))
	if err != nil {
		return Restaff{}, fmt.Errorf("reports: restaff: total difference: %w", err)
	}
	d.TotalMicros, d.Total = int64(t), t.String()
	if t, err = money.Add(money.Micros(new.TotalMicros), -money.Micros(oldLike.TotalMicros)); err != nil {
		return Restaff{}, fmt.Errorf("reports: restaff: like-for-like total difference: %w", err)
	}
	d.LikeForLikeTotalMicros, d.LikeForLikeTotal = int64(t), t.String()
	for _, c := range pricing.Shown(func(c pricing.Category) bool { return hasCategory(&old.Spend, c) || hasCategory(&new.Spend, c) }) {
		k := c.String()
		d.AmountMicrosByCategory[k] = new.AmountMicrosByCategory[k] - old.AmountMicrosByCategory[k]
		d.BillableByCategory[k] = new.BillableByCategory[k] - old.BillableByCategory[k]
		d.FreeByCategory[k] = new.FreeByCategory[k] - old.FreeByCategory[k]
	}
	for _, c := range pricing.Shown(func(c pricing.Category) bool { return hasCategory(&oldLike, c) || hasCategory(&new.Spend, c) }) {
		k := c.String()
		d.LikeForLikeAmountMicrosByCategory[k] = new.AmountMicrosByCategory[k] - oldLike.AmountMicrosByCategory[k]
	}
	return Restaff{Old: old, New: new, LateReply: late, OldLikeForLike: oldLike, Difference: d}, nil
}

// restaffRow is one line of the side-by-side table.
type restaffRow struct {
	Label, Old, New, Diff string
	Head                  bool // a section's first line
}

// LikeForLike says whether the original has a like-for-like bill of its own (billed in a
// pass of its own, shown in the table): only where its team sent free-form messages
// outside the window; else it is the bill as traced.
func (r *Restaff) LikeForLike() bool { return r.Old.LateFreeForm > 0 || r.Old.LateFreeFormFurther > 0 }

// spendRows are a bill's lines, old against new: the total, then each category charged.
func spendRows(label string, o, n *stats.Spend, total int64, byCategory map[string]int64) []restaffRow {
	rows := []restaffRow{{Label: label + " (" + n.Currency + ")", Old: cents(o.TotalMicros),
		New: cents(n.TotalMicros), Diff: money.SignedCents(money.Micros(total)), Head: true}}
	for _, c := range pricing.Shown(func(c pricing.Category) bool { return hasCategory(o, c) || hasCategory(n, c) }) {
		k := c.String()
		if o.AmountMicrosByCategory[k] == 0 && n.AmountMicrosByCategory[k] == 0 && o.BillableByCategory[k] == 0 && n.BillableByCategory[k] == 0 {
			continue
		}
		rows = append(rows, restaffRow{Label: "  " + k,
			Old:  fmt.Sprintf("%s (%d)", cents(o.AmountMicrosByCategory[k]), o.BillableByCategory[k]),
			New:  fmt.Sprintf("%s (%d)", cents(n.AmountMicrosByCategory[k]), n.BillableByCategory[k]),
			Diff: money.SignedCents(money.Micros(byCategory[k]))})
	}
	return rows
}

func (r *Restaff) rows() []restaffRow {
	o, n, d := &r.Old, &r.New, &r.Difference
	rows := spendRows("spend", &o.Spend, &n.Spend, d.TotalMicros, d.AmountMicrosByCategory)
	if r.LikeForLike() {
		rows = append(rows, spendRows("like for like", &r.OldLikeForLike, &n.Spend, d.LikeForLikeTotalMicros, d.LikeForLikeAmountMicrosByCategory)...)
	}
	// Staffing: the original's team is not in the trace; with both known, the
	// difference too.
	amount := func(m *int64) string {
		if m == nil {
			return "unknown"
		}
		return cents(*m)
	}
	staffDiff, totalDiff := "–", "–"
	if o.StaffingMicros != nil && n.StaffingMicros != nil {
		staffDiff = money.SignedCents(money.Micros(*n.StaffingMicros - *o.StaffingMicros))
		totalDiff = money.SignedCents(money.Micros(*n.TotalWithStaffingMicros - *o.TotalWithStaffingMicros))
	}
	rows = append(rows, restaffRow{Label: "staffing (" + n.Currency + ")", Old: amount(o.StaffingMicros), New: amount(n.StaffingMicros), Diff: staffDiff, Head: true},
		restaffRow{Label: "spend + staffing", Old: amount(o.TotalWithStaffingMicros), New: amount(n.TotalWithStaffingMicros), Diff: totalDiff})
	count := func(label string, a, b, dd int64, head bool) {
		rows = append(rows, restaffRow{Label: label, Old: fmt.Sprint(a), New: fmt.Sprint(b), Diff: fmt.Sprintf("%+d", dd), Head: head})
	}
	count("customers who wrote", o.Customers, n.Customers, n.Customers-o.Customers, true)
	count("conversations", o.RepliesWanted, n.RepliesWanted, d.RepliesWanted, true)
	count("  answered in window", o.InWindow, n.InWindow, d.InWindow, false)
	if o.LateFreeForm == 0 && n.LateFreeForm == 0 {
		count("  late (templates)", o.Late, n.Late, d.Late, false)
	} else {
		count("  answered late", o.Late, n.Late, d.Late, false)
		oT, nT := o.LateUtility+o.LateMarketing, n.LateUtility+n.LateMarketing
		count("    as templates", oT, nT, nT-oT, false)
		count("    as free-form", o.LateFreeForm, n.LateFreeForm, n.LateFreeForm-o.LateFreeForm, false)
	}
	count("  dropped", o.Dropped, n.Dropped, d.Dropped, false)
	count("  unanswered", o.Unanswered, n.Unanswered, d.Unanswered, false)
	if o.Abandoned != 0 || n.Abandoned != 0 {
		count("    gave up waiting", o.Abandoned, n.Abandoned, n.Abandoned-o.Abandoned, false)
	}
	if o.BotReplies != 0 || n.BotReplies != 0 {
		count("bot replies", o.BotReplies, n.BotReplies, n.BotReplies-o.BotReplies, true)
		count("  resolved by the bot", o.BotResolved, n.BotResolved, n.BotResolved-o.BotResolved, false)
	}
	pct := func(label string, a, b, dd stats.Num, head bool) {
		rows = append(rows, restaffRow{Label: label, Old: percent(a), New: percent(b), Diff: points(dd), Head: head})
	}
	pct("late share", o.LateShare, n.LateShare, d.LateShare, true)
	pct("  replies in window", o.InWindowShare, n.InWindowShare, d.InWindowShare, false)
	pct("  replies late", o.LateReplyShare, n.LateReplyShare, d.LateReplyShare, false)
	dur := func(label string, a, b, dd stats.Num, head bool) {
		rows = append(rows, restaffRow{Label: label, Old: durationText(float64(a)), New: durationText(float64(b)), Diff: signedDuration(float64(dd)), Head: head})
	}
	dur("first response p50", o.FirstResponseP50S, n.FirstResponseP50S, d.FirstResponseP50S, true)
	dur("first response p90", o.FirstResponseP90S, n.FirstResponseP90S, d.FirstResponseP90S, false)
	dur("first response p99", o.FirstResponseP99S, n.FirstResponseP99S, d.FirstResponseP99S, false)
	return rows
}

// percent shows a share (0..1) as a percentage to one decimal, "–" when unknown.
func percent(x stats.Num) string {
	if f := float64(x); !math.IsNaN(f) {
		return fmt.Sprintf("%.1f%%", 100*f)
	}
	return "–"
}

func points(x stats.Num) string {
	if f := float64(x); !math.IsNaN(f) {
		return fmt.Sprintf("%+.1f pts", 100*f)
	}
	return "–"
}

func signedDuration(s float64) string { return stats.SignedDuration(s, "–") }

// WriteRestaffTable prints the side-by-side comparison for a terminal.
func WriteRestaffTable(w io.Writer, r *Restaff) error {
	var b strings.Builder
	who := r.Scenario
	if r.Point != "" {
		who += " at " + r.Point
	}
	fmt.Fprintf(&b, "%s restaffed with %s (shifts in %s, seed %d), under %s:\n", r.Trace, who, r.Timezone, r.Seed, r.Pricing)
	fmt.Fprintf(&b, "%-24s %22s %22s %14s\n", "", r.Old.Label, r.New.Label, "difference")
	for _, row := range r.rows() {
		fmt.Fprintf(&b, "%-24s %22s %22s %14s\n", row.Label, row.Old, row.New, row.Diff)
	}
	b.WriteString("late share: the conversations not answered inside the customer's 24-hour window (late, dropped or never); replies in window / late: of the replies sent\n")
	for _, note := range r.notes() {
		b.WriteString(note + "\n")
	}
	fmt.Fprintf(&b, "%d replies of the trace left out (free-form messages, late templates); %d simulated replies sent in their place\n", r.RemovedReplies, r.SimulatedReplies)
	_, err := io.WriteString(w, b.String())
	return err
}

// RestaffHTML renders restaff.html: the side-by-side table as a self-contained page,
// with nothing in it that changes between runs of the same seed.
func RestaffHTML(r *Restaff) ([]byte, error) {
	var out bytes.Buffer
	if err := restaffTemplate.Execute(&out, struct {
		*Restaff
		Rows  []restaffRow
		Notes []string
	}{r, r.rows(), r.notes()}); err != nil {
		return nil, fmt.Errorf("reports: %s: %w", RestaffHTMLFile, err)
	}
	return out.Bytes(), nil
}

var restaffTemplate = template.Must(template.New(RestaffHTMLFile).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>spendsim: {{.Trace}} restaffed with {{.Scenario}}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto; max-width: 900px; padding: 0 1em; color: #222; }
p.meta { color: #555; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { padding: 0.35em 0.6em; border-bottom: 1px solid #e4e4e4; text-align: right; white-space: nowrap; }
th { background: #f4f4f4; }
td:first-child, th:first-child { text-align: left; }
td:first-child { white-space: pre; }
tr.head td { border-top: 2px solid #ccc; font-weight: 600; }
</style>
</head>
<body>
<h1>{{.Trace}}: original vs restaffed with {{.Scenario}}</h1>
<p class="meta">Billed under {{.Pricing}}; shifts in {{.Timezone}}; seed {{.Seed}}. The trace's user messages and templates are kept,
its {{.RemovedReplies}} replies (free-form messages, late templates) are replaced by the {{.SimulatedReplies}} replies the restaffed team would have sent.</p>
<h2 id="restaff">Restaffing: side by side</h2>
<table id="restaff-table">
<thead><tr><th></th><th>{{.Old.Label}}</th><th>{{.New.Label}}</th><th>difference</th></tr></thead>
<tbody>
{{range .Rows}}<tr{{if .Head}} class="head"{{end}}><td>{{.Label}}</td><td>{{.Old}}</td><td>{{.New}}</td><td>{{.Diff}}</td></tr>
{{end}}</tbody>
</table>
<p class="meta">A conversation starts with a user message while the user waits for no reply and is answered by the first
free-form reply after it (in the original, also by a utility or marketing template sent after the window closed);
later messages while the user waits join it. Late replies came after the user's 24-hour
window had closed (restaffed: sent as templates by the late-reply policy; original: as its trace sent them). The late share counts the conversations
not answered inside the window: answered late, dropped by the late-reply policy, or never answered. Amounts in parentheses count charged messages;
exact amounts are in restaff.json and summary.json. Staffing is the restaffed scenario's shifts over the trace's days at its cost per hour,
plus its bot's fee; the trace does not say what its own team cost. First-response percentiles come from a DDSketch (0.5% relative accuracy).</p>
{{range .Notes}}<p class="meta">{{.}}</p>
{{end}}</body>
</html>
`))

// hasCategory says whether a bill lists the category (marketing_lite only where it has
// some).
func hasCategory(s *stats.Spend, c pricing.Category) bool {
	_, ok := s.BillableByCategory[c.String()]
	return ok
}

// notes explain the table where it could be misread, for the terminal and the page
// alike: conversations are each side's own, a free-form message outside the window (a
// late reply or a further one) is one WhatsApp refuses (billed as traced, then like for
// like), and free-form messages outside the window are counted as a plain replay
// counts them.
func (r *Restaff) notes() []string {
	o, n := &r.Old, &r.New
	grouping := ""
	switch d := r.Difference.RepliesWanted; {
	case d < 0:
		grouping = fmt.Sprintf(" (%d here: not fewer customers)", d)
	case d > 0:
		grouping = fmt.Sprintf(" (%+d here: not more customers)", d)
	}
	notes := []string{"conversations: a customer's messages while they wait for a reply join one conversation, so each side groups the same customers' messages along its own replies, and a slower team answers fewer, longer conversations" + grouping}
	if r.LikeForLike() {
		as := "as " + string(r.LateReply) + " templates"
		if r.LateReply == agents.LateDrop {
			as = "not at all (late_reply: drop)"
		}
		// A further message (after a reply, before the customer wrote again) is refused
		// and billed like for like as the late replies are.
		what := words.Count(o.LateFreeForm, "conversation") + " the original answered with a free-form message after the customer's 24-hour window had closed"
		switch further := o.LateFreeFormFurther; {
		case further > 0 && o.LateFreeForm > 0:
			what += ", and " + words.Count(further, "further free-form message") + " it sent outside the window, answering no conversation (after a reply, before the customer wrote again)"
		case further > 0:
			what = words.Count(further, "free-form message") + " the original sent outside the customer's 24-hour window, answering no conversation (after a reply, before the customer wrote again)"
		}
		notes = append(notes, fmt.Sprintf("as free-form: %s, which WhatsApp refuses (only templates may be sent then); "+
			"spend bills them as traced, as free-form, as a plain replay of the trace does; like for like bills them as %s sends its late replies, %s",
			what, n.Label, as))
		if o.LateFreeFormFurther > 0 {
			// The restaffed trace answers each conversation once: what the original sent
			// beyond that is in its bill alone, and in the difference as if saved.
			notes = append(notes, fmt.Sprintf("%s sends one reply per conversation and none of the original's further messages: "+
				"the like-for-like difference counts the %s as saved, a saving a team that still had to send them would not make",
				n.Label, words.Count(o.LateFreeFormFurther, "further message")))
		}
	}
	if o.TextOutsideWindow > 0 {
		notes = append(notes, o.Label+": "+textOutsideNote(o.TextOutsideWindow, "restaff.json's old.text_outside_window"))
	}
	if n.TextOutsideWindow > 0 {
		notes = append(notes, n.Label+": "+textOutsideNote(n.TextOutsideWindow, "restaff.json's new.text_outside_window and summary.json's text_outside_window"))
	}
	if n.StaffingCostPlaceholder {
		notes = append(notes, placeholderNote(n.Label+"'s", "the difference in spend + staffing"))
	}
	return notes
}
