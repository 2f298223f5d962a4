package reports

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
)

// The side-by-side table of a replay under several eras (`replay --pricing all` or a
// list), beside one folder per era (docs/formats.md, "eras.json"), and its bar chart.
const (
	ErasFile = "eras.json"
	ErasPlot = "eras" // .png and .svg
)

// Eras is one trace billed under several pricing eras: each era's bill, in the order
// the user named them, as its folder's summary.json gives it.
type Eras struct {
	Trace   string `json:"trace"`
	Rates   string `json:"rates"`   // builtin or the rate file's name
	Records int64  `json:"records"` // the trace's, as each era's summary.json counts them
	// Business and Skipped are the trace's business messages and the rows
	// --skip-invalid skipped (as each era's summary.json counts them): a bill of 0 over
	// a trace whose business rows were all skipped, or never delivered, is not "all free".
	Business int64     `json:"business_messages"`
	Skipped  int64     `json:"skipped_invalid_rows"`
	Webhook  bool      `json:"webhook_log,omitempty"` // Skipped counts a webhook log's lines, statuses and messages
	Eras     []EraBill `json:"eras"`
	LeftOut  []EraLeft `json:"left_out"` // eras of --pricing all that could not be billed
}

// EraBill is one era's bill.
type EraBill struct {
	Pricing string `json:"pricing"` // the era, as --pricing names it
	Folder  string `json:"folder"`  // its output set, relative to the folder of eras.json
	stats.Spend
	DerivedShare stats.Num  `json:"derived_or_third_party_share"`
	CardsUsed    []CardUsed `json:"cards_used"`
	// TextOutsideCS counts the delivered free-form business messages sent with no
	// window open (summary.json's text_outside_window): priced as free-form, though
	// WhatsApp refuses them.
	TextOutsideCS int64 `json:"text_outside_window"`
	// Delivered, USMarketing and LogFacts are summary.json's: the business messages
	// delivered, the US marketing templates not delivered, and the charges the log's own
	// word decided, under this era.
	Delivered   int64    `json:"delivered_business_messages"`
	USMarketing int64    `json:"us_marketing_not_delivered"`
	LogFacts    LogFacts `json:"log_facts_applied"`
}

// EraLeft is an era left out, and why.
type EraLeft struct {
	Pricing string `json:"pricing"`
	Reason  string `json:"reason"`
}

// NewEraBill is s's bill, kept in folder.
func NewEraBill(s *ReplaySummary, folder string) EraBill {
	return EraBill{Pricing: s.Pricing, Folder: folder, Spend: s.Spend, DerivedShare: s.DerivedShare, CardsUsed: s.CardsUsed,
		TextOutsideCS: s.TextOutsideCS, Delivered: s.Delivered, USMarketing: s.USMarketing, LogFacts: s.LogFacts}
}

// WriteReplayOrEras prints eras' table when there is one (a replay under several
// eras), else s's (WriteReplayTable).
func WriteReplayOrEras(w io.Writer, s *ReplaySummary, eras *Eras) {
	if eras != nil {
		WriteErasTable(w, eras)
		return
	}
	WriteReplayTable(w, s)
}

// WriteErasTable prints the eras side by side: the amount per pricing category under
// each, the total (also to the micro when some era's is not whole cents, as a replay
// under one era shows it), and the charged and free units; under the table, as a replay under
// one era says them, the cards each era's bill used (and any older than another
// currency's card the same rules read) and the free-form messages sent with no window
// open: once when every era counts as many, else era by era.
func WriteErasTable(w io.Writer, e *Eras) {
	if len(e.Eras) == 0 {
		return
	}
	delivered, sameDelivered := eraSame(e, func(b *EraBill) int64 { return b.Delivered })
	what := words.Count(e.Business, "business message")
	if sameDelivered {
		what += fmt.Sprintf(" (%d delivered)", delivered)
	}
	fmt.Fprintf(w, "%s (%s rates): %s, %s, under %d pricing eras\n\n", e.Trace, e.Rates, words.Count(e.Records, "record"), what, len(e.Eras))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	line := func(label string, cell func(b *EraBill) string) {
		fmt.Fprintf(tw, "%s\t", label)
		for i := range e.Eras {
			fmt.Fprintf(tw, "%s\t", cell(&e.Eras[i]))
		}
		fmt.Fprintln(tw)
	}
	line("amount ("+e.Eras[0].Currency+")", func(b *EraBill) string { return b.Pricing })
	used := func(c pricing.Category) bool {
		for i := range e.Eras {
			if e.Eras[i].BillableByCategory[c.String()] != 0 || e.Eras[i].FreeByCategory[c.String()] != 0 {
				return true
			}
		}
		return false
	}
	for _, cat := range pricing.Shown(used) {
		if used(cat) {
			line(cat.String(), func(b *EraBill) string { return cents(b.AmountMicrosByCategory[cat.String()]) })
		}
	}
	line("total", func(b *EraBill) string { return cents(b.TotalMicros) })
	micros := false // some era's total is not whole cents: the table shows every total to the micro
	for i := range e.Eras {
		micros = micros || !money.WholeCents(money.Micros(e.Eras[i].TotalMicros))
	}
	if micros {
		line("total to the micro", func(b *EraBill) string { return b.Total })
	}
	mixed := false
	line("units counted", func(b *EraBill) string {
		u := UnitOf(b.Pricing, &b.Spend)
		mixed = mixed || u == mixedUnits
		return u
	})
	line("billable units", func(b *EraBill) string { return fmt.Sprint(sum(b.BillableByCategory)) })
	line("free units", func(b *EraBill) string { return fmt.Sprint(sum(b.FreeByCategory)) })
	if !sameDelivered {
		line("delivered messages", func(b *EraBill) string { return fmt.Sprint(b.Delivered) })
	}
	tw.Flush()
	if micros {
		// As a replay under one era says it: a bill to reconcile wants every micro.
		fmt.Fprintln(w, "total to the micro: eras.json's total; the amounts above are rounded to the cent")
	}
	if mixed {
		fmt.Fprintln(w, mixedUnitsNote)
	}
	for _, b := range e.Eras {
		for _, cu := range b.CardsUsed {
			writeCard(w, b.Pricing+" card: ", cu)
		}
	}
	// The notes a replay under one era prints under its table, said once where every
	// era has the same, else era by era.
	eraNote(w, e, func(b *EraBill) int64 { return b.TextOutsideCS }, func(n int64) string {
		return textOutsideNote(n, "eras.json's text_outside_window")
	})
	eraNote(w, e, func(b *EraBill) float64 {
		if d := float64(b.DerivedShare); d > 0 { // NaN (a bill of 0) has no share to say
			return d
		}
		return 0
	}, derivedNote)
	eraNote(w, e, func(b *EraBill) LogFacts { return b.LogFacts }, func(f LogFacts) string {
		return logFactsNote(f, "eras.json's log_facts_applied")
	})
	if e.Skipped > 0 {
		fmt.Fprintf(w, "every era: %s (--skip-invalid) and not billed (eras.json's skipped_invalid_rows)\n", e.skipped())
	}
	for _, l := range e.LeftOut {
		fmt.Fprintf(w, "%s left out: %s\n", l.Pricing, l.Reason)
	}
}

// skipped says what --skip-invalid skipped: "2 invalid rows skipped", or statuses,
// messages or lines of a webhook log.
func (e *Eras) skipped() string {
	one, many := skippedUnits(e.Webhook)
	if e.Skipped == 1 {
		many = one
	}
	return fmt.Sprintf("%d invalid %s skipped", e.Skipped, many)
}

// eraSame is what f says of every era, and whether it says the same of each.
func eraSame[T comparable](e *Eras, f func(*EraBill) T) (v T, same bool) {
	for i := range e.Eras {
		if x := f(&e.Eras[i]); i == 0 {
			v = x
		} else if x != v {
			var zero T
			return zero, false
		}
	}
	return v, true
}

// eraNote prints note(f(era)) for the eras where f is not zero: once, led by "every
// era", where every era has the same, else a line per value led by the eras that have
// it ("auto and pmp-2025: …"), in the order the eras first have it.
func eraNote[T comparable](w io.Writer, e *Eras, f func(*EraBill) T, note func(T) string) {
	var zero T
	if v, same := eraSame(e, f); same {
		if v != zero {
			fmt.Fprintln(w, "every era: "+note(v))
		}
		return
	}
	var values []T
	names := map[T][]string{}
	for i := range e.Eras {
		v := f(&e.Eras[i])
		if v == zero {
			continue
		}
		if names[v] == nil {
			values = append(values, v)
		}
		names[v] = append(names[v], e.Eras[i].Pricing)
	}
	for _, v := range values {
		fmt.Fprintln(w, words.And(names[v])+": "+note(v))
	}
}

// The unit a bill's billable and free counts count (stats.Spend): what a rate prices.
const (
	messageUnits      = "messages"
	conversationUnits = "conversations"
	mixedUnits        = "units"
	mixedUnitsNote    = "a unit is a conversation where CBP billed, a message where NBP or PMP did"
)

// UnitOf is what the billable and free counts of s, billed under pricing (an era name
// or auto), count: conversations under a CBP era, messages under NBP and PMP. Under
// auto the eras in force decide: messages when every unit was one delivered message
// (NBP, PMP, or CBP conversations of one message each), else "units" (mixedUnitsNote).
func UnitOf(pricingName string, s *stats.Spend) string {
	era, err := billing.ParseEra(pricingName)
	switch {
	case err == nil && era != billing.EraAuto && era.Model() == pricing.CBP:
		return conversationUnits
	case err == nil && era != billing.EraAuto:
		return messageUnits
	case sum(s.BillableByCategory)+sum(s.FreeByCategory) == sum(s.MessagesByPricingType):
		return messageUnits
	}
	return mixedUnits
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// WriteEras writes eras.json and its bar chart, eras.png and eras.svg, into o's new set.
func (o *Output) WriteEras(e *Eras) error {
	p, err := PlotEras(e)
	if err != nil {
		return err
	}
	if err := WritePlot(o.staging(), ErasPlot, p); err != nil {
		return err
	}
	return WriteJSON(o.Path(ErasFile), e)
}

// PlotEras draws each era's whole bill as a bar, in the order of e.Eras.
func PlotEras(e *Eras) (*plot.Plot, error) {
	n := len(e.Eras)
	if n == 0 {
		return nil, fmt.Errorf("reports: eras plot: no era was billed")
	}
	vals, top := eraTotals(e)
	names := make([]string, n)
	for i, b := range e.Eras {
		names[i] = b.Pricing
	}
	p := plot.New()
	p.Title.Text = "The same traffic under each pricing era: " + e.Trace
	if len(e.LeftOut) > 0 {
		left := make([]string, len(e.LeftOut))
		for i, l := range e.LeftOut {
			left[i] = l.Pricing
		}
		p.Title.Text += "\nnot billed: " + strings.Join(left, ", ") + " (eras.json's left_out says why)"
	}
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Title.Padding = vg.Points(8)
	p.Y.Label.Text = fmt.Sprintf("messaging spend (%s)", e.Eras[0].Currency)
	p.Y.Tick.Marker = moneyTicks{}
	p.Add(plotter.NewGrid())
	bars, err := plotter.NewBarChart(vals, vg.Points(math.Min(48, 300/float64(n))))
	if err != nil {
		return nil, fmt.Errorf("reports: eras plot: %w", err)
	}
	bars.Color, bars.LineStyle.Width = palette[0], 0
	p.Add(bars)
	labels, err := eraLabels(e)
	if err != nil {
		return nil, err
	}
	p.Add(labels)
	p.X.Label.Text = strings.Join(eraFootnotes(e), "\n")
	p.X.Label.TextStyle.Font.Size = vg.Points(10)
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.7, float64(n-1)+0.7 // air beside the outer bars
	p.Y.Min, p.Y.Max = 0, math.Max(top, 1e-6)*1.15
	if top == 0 { // every era bills nothing: one tick at 0, not a column of "0.00"s
		p.Y.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: money.Cents(0)}})
	}
	return p, nil
}

// eraTotals are the eras' totals in the currency's units, for drawing only, and the
// largest.
func eraTotals(e *Eras) (vals plotter.Values, top float64) {
	vals = make(plotter.Values, len(e.Eras))
	for i, b := range e.Eras {
		vals[i] = float64(b.TotalMicros) / 1e6
		top = math.Max(top, vals[i])
	}
	return vals, top
}

// eraLabels say each bar's amount above it, so that an era that bills nothing (every
// unit free) reads as such, not as a missing bar: "0.00", then "all free:" and the
// units on lines of their own, which side by side on one line ran into each other.
// Free-form messages sent with no window open, which WhatsApp refuses, qualify that
// "free" ("but 20 messages sent with no window open*"), and are named under a bar with
// an amount too; an amount priced by a card older than another currency's card in
// force is marked † (eraFootnotes explains both marks).
func eraLabels(e *Eras) (*plotter.Labels, error) {
	vals, top := eraTotals(e)
	at := make(plotter.XYs, len(e.Eras))
	texts := make([]string, len(e.Eras))
	for i, b := range e.Eras {
		at[i] = plotter.XY{X: float64(i), Y: vals[i] + math.Max(top, 1e-6)*0.015}
		texts[i] = eraAmount(&b)
		if staleCard(&b) {
			texts[i] += staleMark
		}
		outside := ""
		if n := b.TextOutsideCS; n > 0 {
			outside = "\n" + words.Count(n, "message") + "\nsent with no\nwindow open" + outsideMark
		}
		switch {
		case b.TotalMicros == 0 && sum(b.FreeByCategory) == 0 && b.Delivered == 0:
			// Not "all free": nothing was delivered, so nothing could be charged.
			texts[i] += "\nnothing\ndelivered"
		case b.TotalMicros == 0 && outside != "":
			texts[i] += "\nall free:\n" + freeUnits(&b) + ",\nbut " + outside[1:]
		case b.TotalMicros == 0:
			texts[i] += "\nall free:\n" + freeUnits(&b)
		default:
			texts[i] += outside
		}
	}
	labels, err := plotter.NewLabels(plotter.XYLabels{XYs: at, Labels: texts})
	if err != nil {
		return nil, fmt.Errorf("reports: eras plot: %w", err)
	}
	for i := range labels.TextStyle {
		labels.TextStyle[i].XAlign = draw.XCenter
	}
	return labels, nil
}

// freeUnits counts b's free units in what they are ("1 conversation", "20 messages").
func freeUnits(b *EraBill) string {
	return words.Count(sum(b.FreeByCategory), strings.TrimSuffix(UnitOf(b.Pricing, &b.Spend), "s"))
}

// eraAmount is the label of b's bar: its total in cents, or to the micro where cents
// would misstate it by more than a thousandth (0.0028 is not "0.00", nor 0.0066 "0.01"),
// as the table's "total to the micro" row gives it.
func eraAmount(b *EraBill) string {
	m := money.Micros(b.TotalMicros)
	rounded := (m + 5_000) / 10_000 * 10_000
	if m < 0 {
		rounded = (m - 5_000) / 10_000 * 10_000
	}
	if d := rounded - m; d != 0 && 1000*max(d, -d) > max(m, -m) {
		return b.Total
	}
	return money.Cents(m)
}

// The marks of eraLabels, explained under the bars (eraFootnotes).
const (
	outsideMark = "*"
	staleMark   = "†"
)

// eraFootnotes explain the marks of the bars' labels that some era carries.
func eraFootnotes(e *Eras) []string {
	var outside, stale bool
	for i := range e.Eras {
		outside = outside || e.Eras[i].TextOutsideCS > 0
		stale = stale || staleCard(&e.Eras[i])
	}
	var notes []string
	if outside {
		notes = append(notes, outsideMark+" free-form messages sent with no customer service window open, which WhatsApp refuses;",
			"priced here as free-form (eras.json's text_outside_window)")
	}
	if stale {
		notes = append(notes, staleMark+" priced by a card older than another currency's card in force then:",
			"the bill may rest on old prices (eras.json's cards_used)")
	}
	if e.Skipped > 0 {
		notes = append(notes, e.skipped()+" (--skip-invalid) and billed under no era")
	}
	return notes
}

// staleCard reports whether a card b's bill used is older than another currency's
// card the same rules read (CardUsed.Newer).
func staleCard(b *EraBill) bool {
	for _, cu := range b.CardsUsed {
		if cu.Newer != nil {
			return true
		}
	}
	return false
}
