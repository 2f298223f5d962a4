package reports

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spendsim/spendsim/internal/reconcile"
	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
)

// MaxListedDifferences is how many differing messages reconcile.json lists (all are in
// reconcile.parquet).
const MaxListedDifferences = 1000

// ReconcileReport is reconcile.json.
type ReconcileReport struct {
	Replay           string             `json:"replay"`    // the replay's folder, or the trace replayed
	Analytics        []string           `json:"analytics"` // the analytics files' names
	Currency         string             `json:"currency"`
	Timezone         string             `json:"timezone"`
	ToleranceMicros  int64              `json:"tolerance_micros"`
	Tolerance        string             `json:"tolerance"`
	Agrees           bool               `json:"agrees"`  // verdict agree: exit status 0
	Verdict          string             `json:"verdict"` // agree, differ, unverified, counts_only, nothing_compared (reconcile.Outcome)
	Messages         ReconcileMessages  `json:"messages"`
	AnalyticsRows    ReconcileAnalytics `json:"analytics_rows"`
	TotalMicros      int64              `json:"total_micros"` // spendsim's whole bill
	Total            string             `json:"total"`
	ComparedMicros   int64              `json:"compared_total_micros"` // of it, what was set beside Meta's word
	Compared         string             `json:"compared_total"`
	UnverifiedMicros int64              `json:"unverified_total_micros"` // of it, what Meta said nothing about
	Unverified       string             `json:"unverified_total"`
	MetaTotalMicros  *int64             `json:"meta_total_micros"` // Meta's side of compared_total; null where some of it is unknown
	MetaTotal        *string            `json:"meta_total"`
	CountsOnlyMicros int64              `json:"counts_only_total_micros"` // of compared_total, what is in rows compared on counts only
	CountsOnly       string             `json:"counts_only_total"`
	Skipped          int64              `json:"skipped_invalid_rows"` // rows of the log skipped as invalid (--skip-invalid): Meta's word in them unread
	SkippedRows      []string           `json:"skipped_rows"`         // the errors of the first of them (--trace; a replay's summary.json keeps the count)
	SkippedWebhook   bool               `json:"-"`                    // the log is a webhook log: Skipped counts its statuses, messages and lines (trace.Counts.Webhook)
	ByReason         map[string]int64   `json:"by_reason"`            // every reason, zero or not
	Reasons          map[string]string  `json:"reasons"`              // what each reason means
	Rows             []ReconcileRow     `json:"rows"`                 // month × market × category × type
	Differences      []ReconcileRow     `json:"differences"`
	DifferencesLeft  int64              `json:"differences_left_out"` // differing messages past MaxListedDifferences
	TierUpdates      []ReconcileTier    `json:"tier_updates"`
}

// ReconcileMessages counts the messages compared one by one.
type ReconcileMessages struct {
	Business           int64 `json:"business_messages"`
	Compared           int64 `json:"compared"` // with Meta's pricing object in the log
	WithoutMetaPricing int64 `json:"without_meta_pricing"`
	Agree              int64 `json:"agree"`
	Differ             int64 `json:"differ"`
	Unverified         int64 `json:"unverified"` // charged, without Meta's word: no pricing object, no analytics row
}

// ReconcileAnalytics counts the rows compared with Meta's analytics.
type ReconcileAnalytics struct {
	Points         int64 `json:"points"`
	Rows           int64 `json:"rows"`
	Agree          int64 `json:"agree"`
	Differ         int64 `json:"differ"`
	OutsideSpan    int64 `json:"messages_outside_span"`
	StraddlePoints int64 `json:"points_straddling_months"`
	CountsOnly     int64 `json:"counts_only"` // of agree, rows whose counts agree and whose cost Meta did not give
}

// ReconcileRow is a row of reconcile.parquet in JSON.
type ReconcileRow struct {
	Level            string   `json:"level"`
	Source           string   `json:"source"`
	Month            string   `json:"month"` // YYYY-MM
	Market           string   `json:"market"`
	PricingCategory  string   `json:"pricing_category"`
	PricingType      string   `json:"pricing_type"`
	Line             int64    `json:"line,omitempty"`
	MessageID        string   `json:"message_id,omitempty"`
	User             string   `json:"user,omitempty"`
	Country          string   `json:"country,omitempty"`
	PricingModel     string   `json:"pricing_model,omitempty"`
	Billable         *bool    `json:"billable,omitempty"` // spendsim's, a message's only
	MetaPricingModel string   `json:"meta_pricing_model,omitempty"`
	MetaPricingType  string   `json:"meta_pricing_type,omitempty"`
	MetaCategory     string   `json:"meta_pricing_category,omitempty"`
	MetaBillable     string   `json:"meta_billable,omitempty"`
	MetaTier         string   `json:"meta_tier,omitempty"`
	Messages         int64    `json:"messages"`
	MetaMessages     int64    `json:"meta_messages"`
	AmountMicros     int64    `json:"amount_micros"`
	Amount           string   `json:"amount"`
	MetaAmountMicros *int64   `json:"meta_amount_micros"`
	MetaAmount       *string  `json:"meta_amount"`
	DifferenceMicros *int64   `json:"difference_micros"` // spendsim's minus Meta's; null with meta_amount_micros
	Difference       *string  `json:"difference"`
	Currency         string   `json:"currency"`
	Agrees           bool     `json:"agrees"`
	Reason           string   `json:"reason,omitempty"`
	MessageReasons   []string `json:"message_reasons,omitempty"`
	Detail           string   `json:"detail,omitempty"`
}

// ReconcileTier is a tier webhook the replay's tier file held.
type ReconcileTier struct {
	TierUpdateTime string `json:"tier_update_time"` // RFC 3339, UTC
	EffectiveMonth string `json:"effective_month"`
	Market         string `json:"market"`
	Category       string `json:"pricing_category"`
	From           int64  `json:"from"`
	To             *int64 `json:"to"` // null: MAX
}

func jsonRow(r *reconcile.Row, currency string) ReconcileRow {
	j := ReconcileRow{Level: string(r.Level), Source: string(r.Source), Month: r.Month.Format("2006-01"), Market: r.Market,
		PricingCategory: r.Category, PricingType: r.Type, Line: r.Line, MessageID: r.MessageID, User: r.User, Country: r.Country, PricingModel: r.Model,
		MetaPricingModel: r.MetaModel, MetaPricingType: r.MetaType, MetaCategory: r.MetaCategory, MetaBillable: r.MetaBillable,
		MetaTier: r.Tier, Messages: r.Messages, MetaMessages: r.MetaMessages, AmountMicros: int64(r.Amount), Amount: r.Amount.String(),
		Currency: currency, Agrees: r.Agrees, Reason: string(r.Reason), Detail: r.Detail}
	if r.Level == reconcile.LevelMessage {
		b := r.Billable
		j.Billable = &b
	}
	if r.MetaKnown() {
		v, s := int64(r.MetaAmount), r.MetaAmount.String()
		j.MetaAmountMicros, j.MetaAmount = &v, &s
		d, ds := int64(r.Difference()), r.Difference().String()
		j.DifferenceMicros, j.Difference = &d, &ds
	}
	for _, w := range r.Why {
		j.MessageReasons = append(j.MessageReasons, string(w))
	}
	return j
}

// NewReconcileReport puts reconcile.json together; differences are the differing
// message rows (at most MaxListedDifferences kept, more counted).
func NewReconcileReport(res *reconcile.Result, differences []*reconcile.Row, more int64, replayName string, analytics []string,
	currency string, loc *time.Location, tol money.Micros, marketName func(int) string) ReconcileReport {
	s := res.Summary
	rep := ReconcileReport{Replay: replayName, Analytics: append([]string{}, analytics...), Currency: currency, Timezone: loc.String(),
		ToleranceMicros: int64(tol), Tolerance: tol.String(), Agrees: res.Agrees(), Verdict: string(res.Outcome()),
		Messages: ReconcileMessages{Business: s.Messages, Compared: s.Compared, WithoutMetaPricing: s.WithoutMetaPricing, Agree: s.Agree, Differ: s.Differ,
			Unverified: s.Unverified},
		AnalyticsRows: ReconcileAnalytics{Points: s.Points, Rows: s.Rows, Agree: s.RowsAgree, Differ: s.RowsDiffer,
			OutsideSpan: s.OutsideSpan, StraddlePoints: s.StraddlePoints, CountsOnly: s.CountsOnly},
		TotalMicros: int64(s.TotalMicros), Total: s.TotalMicros.String(), ComparedMicros: int64(s.ComparedMicros), Compared: s.ComparedMicros.String(),
		UnverifiedMicros: int64(s.UnverifiedMicros), Unverified: s.UnverifiedMicros.String(),
		CountsOnlyMicros: int64(s.CountsOnlyMicros), CountsOnly: s.CountsOnlyMicros.String(), Skipped: s.Skipped, SkippedRows: []string{},
		ByReason: map[string]int64{}, Reasons: map[string]string{}, Rows: []ReconcileRow{}, Differences: []ReconcileRow{},
		DifferencesLeft: more, TierUpdates: []ReconcileTier{}}
	if s.MetaTotalKnown {
		v, t := int64(s.MetaTotalMicros), s.MetaTotalMicros.String()
		rep.MetaTotalMicros, rep.MetaTotal = &v, &t
	}
	for _, r := range reconcile.Reasons {
		rep.ByReason[string(r.Reason)] = res.ByReason[r.Reason]
		rep.Reasons[string(r.Reason)] = r.Text
	}
	for _, g := range res.Groups {
		rep.Rows = append(rep.Rows, jsonRow(g, currency))
	}
	for _, d := range differences {
		rep.Differences = append(rep.Differences, jsonRow(d, currency))
	}
	for _, u := range res.Updates {
		t := ReconcileTier{TierUpdateTime: u.At.Std().UTC().Format(time.RFC3339), EffectiveMonth: fmt.Sprintf("%04d-%02d", u.Year, int(u.Month)),
			Market: marketName(int(u.Market)), Category: u.Category.String(), From: u.From}
		if u.To != pricing.MaxVolume {
			to := u.To
			t.To = &to
		}
		rep.TierUpdates = append(rep.TierUpdates, t)
	}
	return rep
}

// WriteReconcileTable prints the rows, the reasons and the differing messages (at most
// limit of them), then the verdict.
func WriteReconcileTable(w io.Writer, rep *ReconcileReport, limit int) {
	m, a := rep.Messages, rep.AnalyticsRows
	fmt.Fprintf(w, "%s: %d business messages, %d with Meta's pricing in the log (%d agree, %d differ)",
		rep.Replay, m.Business, m.Compared, m.Agree, m.Differ)
	if m.Unverified > 0 {
		fmt.Fprintf(w, ", %s with no word from Meta", words.Count(m.Unverified, "charged message"))
	}
	if a.Points > 0 {
		fmt.Fprintf(w, "; %d analytics points in %d rows (%d agree, %d differ)", a.Points, a.Rows, a.Agree, a.Differ)
	}
	fmt.Fprintf(w, "\n")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if len(rep.Rows) > 0 {
		fmt.Fprintf(tw, "\nmonth\tsource\tmarket\tcategory\ttype\tspendsim\tMeta\tamount\tMeta amount\tverdict\n")
	}
	for _, r := range rep.Rows {
		meta := "?"
		if r.MetaAmount != nil {
			meta = *r.MetaAmount
		}
		verdict := "agree"
		if !r.Agrees {
			verdict = r.Reason
			if len(r.MessageReasons) > 0 && r.Reason != r.MessageReasons[0] {
				verdict += " (" + strings.Join(r.MessageReasons, ", ") + ")"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n", r.Month, r.Source, dash(r.Market), dash(r.PricingCategory),
			dash(r.PricingType), r.Messages, r.MetaMessages, r.Amount, meta, verdict)
	}
	tw.Flush()
	writeReconcileTotal(w, rep)
	if len(rep.Differences) > 0 {
		heading := "differing messages"
		if rep.Messages.Unverified > 0 {
			heading = "differing messages, and those Meta said nothing about"
		}
		fmt.Fprintf(w, "\n%s:\n", heading)
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for i, d := range rep.Differences {
			if i == limit {
				fmt.Fprintf(tw, "… %d more in %s\n", int64(len(rep.Differences)-limit)+rep.DifferencesLeft, ReconcileFile)
				break
			}
			fmt.Fprintf(tw, "line %d\t%s\t%s\t%s\n", d.Line, d.MessageID, d.Reason, d.Detail)
		}
		tw.Flush()
	}
	switch reconcile.Outcome(rep.Verdict) {
	case reconcile.Agree:
		fmt.Fprintf(w, "\nagree: every compared message and row agrees within %s %s\n", rep.Tolerance, rep.Currency)
		return
	case reconcile.NothingCompared:
		fmt.Fprintf(w, "\nNOTHING COMPARED: %s\n", nothingCompared(rep))
		return
	case reconcile.Unverified:
		fmt.Fprintf(w, "\nUNVERIFIED: every compared message and row agrees within %s %s, but %s\n", rep.Tolerance, rep.Currency, unverified(rep))
		return
	case reconcile.CountsOnly:
		fmt.Fprintf(w, "\nCOUNTS ONLY: every compared count agrees, but %s\n", countsOnly(rep))
		return
	}
	fmt.Fprintf(w, "\nDIFFER:")
	for _, r := range reconcile.Reasons {
		if n := rep.ByReason[string(r.Reason)]; n > 0 {
			fmt.Fprintf(w, " %s %d", r.Reason, n)
		}
	}
	fmt.Fprintf(w, "\n")
}

// WriteReconcileNotes prints what the user should know to read the verdict, with what
// to do: analytics points that cross a month boundary in the zone the months were
// counted in (Meta's run from the account's midnight: the zone is not the account's).
// replayed says the zone was the --replay folder's, fixed when it was billed.
func WriteReconcileNotes(w io.Writer, rep *ReconcileReport, replayed bool) {
	if n := rep.AnalyticsRows.StraddlePoints; n > 0 {
		do := "Give the account's time zone with --timezone ZONE"
		if replayed {
			do = "Replay the trace again with the account's time zone (--timezone ZONE), then reconcile that folder"
		}
		fmt.Fprintf(w, "%s of Meta's analytics %s a month boundary in %s, the time zone months are counted in here: "+
			"Meta's points start at the account's midnight, so the account keeps another time zone, and rows may differ "+
			"only in the month they fall in. %s (the WhatsApp Business Account's, which Meta's analytics use).\n",
			words.Count(n, "point"), map[bool]string{true: "crosses", false: "cross"}[n == 1], rep.Timezone, do)
	}
}

// writeReconcileTotal prints the totals: spendsim's whole bill beside Meta's word on
// it, or, where Meta said nothing about some of it, the part compared and the rest.
func writeReconcileTotal(w io.Writer, rep *ReconcileReport) {
	meta := "unknown"
	if rep.MetaTotal != nil {
		meta = *rep.MetaTotal
	}
	switch {
	case reconcile.Outcome(rep.Verdict) == reconcile.NothingCompared:
		fmt.Fprintf(w, "\ntotal: spendsim %s %s; Meta said nothing to compare it with\n", rep.Total, rep.Currency)
	case rep.Messages.Unverified > 0:
		fmt.Fprintf(w, "\ntotal: spendsim %s %s: %s compared (Meta %s), %s unverified (%s Meta said nothing about)\n",
			rep.Total, rep.Currency, rep.Compared, meta, rep.Unverified, words.Count(rep.Messages.Unverified, "charged message"))
	default:
		fmt.Fprintf(w, "\ntotal: spendsim %s, Meta %s %s\n", rep.Total, meta, rep.Currency)
	}
}

// nothingCompared says why a reconciliation compared nothing, and what to give.
func nothingCompared(rep *ReconcileReport) string {
	what := "the trace holds no business message"
	switch n := rep.Messages.Business; {
	case n == 1:
		what = "the trace's only business message carries no pricing object"
	case n > 1:
		what = fmt.Sprintf("not one of the trace's %d business messages carries a pricing object", n)
	}
	return fmt.Sprintf("%s and no --analytics were given, so nothing agrees or differs (spendsim's bill: %s %s); "+
		"reconcile a webhook log whose statuses carry Meta's pricing, or give Meta's pricing_analytics with --analytics",
		what, rep.Total, rep.Currency)
}

// unverified says what Meta said nothing about, and what of the log was not read.
func unverified(rep *ReconcileReport) string {
	var parts []string
	if n := rep.Messages.Unverified; n > 0 {
		parts = append(parts, fmt.Sprintf("Meta said nothing about %s spendsim charged (%s %s of its %s): no pricing object in the log, no analytics row (%s)",
			words.Count(n, "message"), rep.Unverified, rep.Currency, rep.Total, reconcile.NoMetaPricing))
	}
	if rep.Skipped > 0 {
		it := map[bool]string{true: "it", false: "them"}[rep.Skipped == 1]
		parts = append(parts, skipped(rep)+": whatever Meta said in "+it+" was not compared; correct "+it+" in the log and reconcile again")
	}
	return strings.Join(parts, "; and ")
}

// skipped says how many rows of the log were skipped, named as the replay counted
// them (WriteReadNotes): rows, or a webhook log's statuses, messages and lines.
func skipped(rep *ReconcileReport) string {
	one, many := skippedUnits(rep.SkippedWebhook)
	if rep.Skipped == 1 {
		return fmt.Sprintf("1 %s of the log was skipped as invalid (--skip-invalid)", one)
	}
	return fmt.Sprintf("%d %s of the log were skipped as invalid (--skip-invalid)", rep.Skipped, many)
}

// countsOnly says which money Meta's analytics did not verify.
func countsOnly(rep *ReconcileReport) string {
	return fmt.Sprintf("Meta's analytics give no cost for %s, so spendsim's %s %s in them is not verified: "+
		"give analytics whose points carry their cost (Meta shows none to an account billed through a partner: check the partner's invoice)",
		words.Count(rep.AnalyticsRows.CountsOnly, "row"), rep.CountsOnly, rep.Currency)
}

// Err is the reconciliation's verdict as an error for the exit status: nil when it
// agrees.
func (rep *ReconcileReport) Err() error {
	switch reconcile.Outcome(rep.Verdict) {
	case reconcile.Agree:
		return nil
	case reconcile.NothingCompared:
		return errors.New("nothing compared: Meta said nothing about this bill (no pricing object in the log, no --analytics)")
	case reconcile.Unverified:
		if rep.Messages.Unverified == 0 {
			return fmt.Errorf("unverified: %s", skipped(rep))
		}
		return fmt.Errorf("unverified: Meta said nothing about %s spendsim charged (%s %s)",
			words.Count(rep.Messages.Unverified, "message"), rep.Unverified, rep.Currency)
	case reconcile.CountsOnly:
		return fmt.Errorf("counts only: Meta's analytics give no cost for %s (%s %s of spendsim's): the money is not verified",
			words.Count(rep.AnalyticsRows.CountsOnly, "row"), rep.CountsOnly, rep.Currency)
	}
	return errors.New("spendsim and Meta differ")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// ReconcileHTML renders reconcile.html: a page whose section "Reconciling with Meta"
// holds the verdict, the rows, the reasons and the differing messages.
func ReconcileHTML(rep *ReconcileReport) ([]byte, error) {
	var out bytes.Buffer
	if err := reconcileTemplate.Execute(&out, rep); err != nil {
		return nil, fmt.Errorf("reports: %s: %w", ReconcileHTMLFile, err)
	}
	return out.Bytes(), nil
}

var reconcileTemplate = template.Must(template.New(ReconcileHTMLFile).Funcs(template.FuncMap{
	"orDash":  dash,
	"skipped": skipped,
	"meta": func(s *string) string {
		if s == nil {
			return "unknown"
		}
		return *s
	},
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>spendsim: {{.Replay}} reconciled with Meta</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
p.meta { color: #555; }
table { border-collapse: collapse; font-size: 0.85em; margin-bottom: 1.5em; }
th, td { padding: 0.3em 0.5em; border-bottom: 1px solid #e4e4e4; text-align: left; white-space: nowrap; }
td.n { text-align: right; }
th { background: #f4f4f4; }
tr.differ td { background: #fff3f0; }
.verdict { font-weight: 600; }
</style>
</head>
<body>
<section id="reconcile">
<h1>Reconciling with Meta: {{.Replay}}</h1>
<p class="verdict">{{if .Agrees}}Everything compared agrees within {{.Tolerance}} {{.Currency}}.{{else if eq .Verdict "nothing_compared"}}Nothing compared: Meta said nothing about this bill (no pricing object in the log, no analytics).{{else if eq .Verdict "unverified"}}Unverified: everything compared agrees, but {{if .Messages.Unverified}}Meta said nothing about {{.Messages.Unverified}} charged messages ({{.Unverified}} {{.Currency}}){{if .Skipped}}, and {{end}}{{end}}{{if .Skipped}}{{skipped .}}, whose word of Meta's was not compared{{end}}.{{else if eq .Verdict "counts_only"}}Counts only: everything compared agrees, but Meta's analytics give no cost for {{.AnalyticsRows.CountsOnly}} rows: spendsim's {{.CountsOnly}} {{.Currency}} in them is not verified.{{else}}spendsim and Meta differ: {{.Messages.Differ}} messages, {{.AnalyticsRows.Differ}} analytics rows{{if .Messages.Unverified}}; {{.Messages.Unverified}} charged messages without Meta's word{{end}}.{{end}}</p>
<p class="meta">{{.Messages.Business}} business messages, {{.Messages.Compared}} with Meta's pricing object in the log ({{.Messages.Agree}} agree, {{.Messages.Differ}} differ);
{{.AnalyticsRows.Points}} analytics points in {{.AnalyticsRows.Rows}} rows. Total: spendsim {{.Total}} {{.Currency}}{{if .Messages.Unverified}}, of which {{.Compared}} compared (Meta {{meta .MetaTotal}}) and {{.Unverified}} unverified{{else}}, Meta {{meta .MetaTotal}}{{end}}. Months in {{.Timezone}}.</p>
<h2>By month, market, category and pricing type</h2>
<table>
<thead><tr><th>month</th><th>source</th><th>market</th><th>category</th><th>type</th><th>spendsim</th><th>Meta</th><th>amount</th><th>Meta amount</th><th>verdict</th></tr></thead>
<tbody>
{{range .Rows}}<tr{{if not .Agrees}} class="differ"{{end}}><td>{{.Month}}</td><td>{{.Source}}</td><td>{{orDash .Market}}</td><td>{{orDash .PricingCategory}}</td><td>{{orDash .PricingType}}</td><td class="n">{{.Messages}}</td><td class="n">{{.MetaMessages}}</td><td class="n">{{.Amount}}</td><td class="n">{{meta .MetaAmount}}</td><td>{{if .Agrees}}agree{{else}}{{.Reason}}{{range .MessageReasons}} {{.}}{{end}}{{end}}</td></tr>
{{end}}</tbody>
</table>
{{if .Differences}}<h2>Messages that differ</h2>
<table>
<thead><tr><th>line</th><th>message</th><th>reason</th><th>what differs</th><th>amount</th><th>Meta amount</th></tr></thead>
<tbody>
{{range .Differences}}<tr><td class="n">{{.Line}}</td><td>{{.MessageID}}</td><td>{{.Reason}}</td><td>{{.Detail}}</td><td class="n">{{.Amount}}</td><td class="n">{{meta .MetaAmount}}</td></tr>
{{end}}</tbody>
</table>{{end}}
<h2>Reasons</h2>
<table>
<thead><tr><th>reason</th><th>count</th><th>meaning</th></tr></thead>
<tbody>
{{range $k, $v := .ByReason}}{{if $v}}<tr><td>{{$k}}</td><td class="n">{{$v}}</td><td style="white-space: normal">{{index $.Reasons $k}}</td></tr>
{{end}}{{end}}</tbody>
</table>
<p class="meta">A message's Meta amount is Meta's pricing object priced on the same rate cards (a webhook carries no amount);
an analytics row's is Meta's cost, approximate as Meta says. Every row is in reconcile.parquet and reconcile.json.</p>
</section>
</body>
</html>
`))
