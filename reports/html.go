package reports

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"math"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
)

// ReportFile is the self-contained HTML report of a simulation.
const ReportFile = "report.html"

// ReportPlot is one plot embedded in report.html.
type ReportPlot struct {
	Base    string // file base name: the report shows <Base>.png, which sits beside it
	Title   string
	Caption string
	PNG     []byte
}

type reportPlotView struct {
	Base, Title, Caption string
	Src                  template.URL
}

type reportRow struct {
	Label                  string
	Replications           int
	Cheapest               bool
	Categories             []string
	Messaging, MessagingCI string
	Staffing               string
	Total, TotalCI         string
	P50, P90, P99          string
	P50CI, P90CI, P99CI    string
	InWindow, InWindowCI   string
	Answered, AnsweredCI   string
	Abandoned, AbandonedCI string
	Dropped, DroppedCI     string
	MeetsSLA, CheapestSLA  bool
	UndecidedSLA           bool // its 95% interval reaches both sides of the target
}

type reportView struct {
	Scenario   string
	Currency   string
	Runs       int
	Seed       uint64
	Points     int
	Intervals  bool
	Abandoned  bool     // some point had customers giving up: a column of the share
	Dropped    bool     // some point dropped first replies: a column of the share
	Categories []string // columns of the messaging categories, when more than one was paid
	OnlyOne    string   // the one category paid for, if just one
	Rows       []reportRow
	Cheapest   string
	Priced     []string // the cards, rate files and derived share (pricedNotes)
	SLA        string   // the target, "p90 ≤ 1h"; "" when none was given
	SLAHow     string   // how points were judged against it
	SLABest    string   // the cheapest point meeting it; "" when none does
	// SLAUndecided: some point is undecided, and the page says what that is; SLANotes
	// names those more replications may show to meet the target, as run's table does.
	SLAUndecided bool
	SLANotes     []string
	DrainLead    string // the spend holds days past the horizon: what that means, then per point
	Drain        []string
	// Placeholder says the staffing marked * is at a placeholder cost per hour; "" when none is.
	Placeholder string
	Plots       []reportPlotView
	YAML        string
}

// Report renders report.html: a page with no outside references (plots inline as
// base64 PNG), the summary table per sweep point, the cheapest point and the resolved
// scenario as YAML. It holds nothing that changes from one run of the same seed to the
// next (no dates), so it is byte-identical like every other output.
func Report(s stats.Summary, seed uint64, scenario any, plots []ReportPlot) ([]byte, error) {
	v := reportView{Scenario: s.Scenario, Currency: s.Currency, Runs: s.Runs, Seed: seed, Points: len(s.Points)}
	var used []pricing.Category
	for _, c := range pricing.Categories() {
		for _, p := range s.Points {
			if p.AmountMicrosByCategory[c.String()] != 0 {
				used = append(used, c)
				v.Categories = append(v.Categories, c.String())
				break
			}
		}
	}
	if len(used) == 1 {
		// One column would repeat the messaging total: name the category there instead.
		v.OnlyOne, v.Categories, used = v.Categories[0], nil, nil
	}
	for _, p := range s.Points {
		r := reportRow{
			Label: p.Label, Replications: p.Replications,
			Messaging: money.Cents(money.Micros(p.TotalMicros)), Staffing: money.Cents(money.Micros(p.StaffingMicros)), Total: money.Cents(money.Micros(p.TotalWithStaffingMicros)),
			MessagingCI: moneyIntervalText(p.TotalCI95), TotalCI: moneyIntervalText(p.TotalWithStaffingCI95),
			Cheapest: s.Cheapest != nil && s.Cheapest.Point == p.Point,
			MeetsSLA: s.MeetsSLA(p.Point), UndecidedSLA: s.UndecidedSLA(p.Point),
		}
		if p.StaffingCostPlaceholder {
			r.Staffing, r.Total = r.Staffing+"*", r.Total+"*"
			v.Placeholder = "* " + placeholderNote("the marked", "which point is cheapest") + "."
		}
		r.CheapestSLA = s.SLA != nil && s.SLA.Cheapest != nil && s.SLA.Cheapest.Point == p.Point
		r.P50, r.P50CI = estimateText(p.SLA.FirstResponseP50S, durationText)
		r.P90, r.P90CI = estimateText(p.SLA.FirstResponseP90S, durationText)
		r.P99, r.P99CI = estimateText(p.SLA.FirstResponseP99S, durationText)
		pct := func(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }
		r.InWindow, r.InWindowCI = estimateText(p.SLA.InWindowShare, pct)
		r.Answered, r.AnsweredCI = estimateText(p.SLA.AnsweredShare, pct)
		r.Abandoned, r.AbandonedCI = estimateText(p.SLA.AbandonedShare, pct)
		r.Dropped, r.DroppedCI = estimateText(p.SLA.DroppedShare, pct)
		v.Abandoned = v.Abandoned || float64(p.SLA.AbandonedShare.Mean) > 0
		v.Dropped = v.Dropped || float64(p.SLA.DroppedShare.Mean) > 0
		for _, c := range used {
			r.Categories = append(r.Categories, money.Cents(money.Micros(p.AmountMicrosByCategory[c.String()])))
		}
		if p.Replications > 1 {
			v.Intervals = true
		}
		v.Rows = append(v.Rows, r)
	}
	if c := s.Cheapest; c != nil {
		v.Cheapest = fmt.Sprintf("%s: %s %s a run, messaging and staffing", c.Label, money.Cents(money.Micros(c.TotalWithStaffingMicros)), s.Currency)
	}
	if t := s.SLA; t != nil {
		v.SLA, v.SLAHow = slaText(t.SLA), t.SLAJudgement()
		if c := t.Cheapest; c != nil {
			v.SLABest = fmt.Sprintf("%s: %s %s a run, messaging and staffing", c.Label, money.Cents(money.Micros(c.TotalWithStaffingMicros)), s.Currency)
		}
		if len(t.Undecided) > 0 {
			v.SLAUndecided, v.SLANotes = true, undecidedNotes(s, slaText)
		}
	}
	v.DrainLead, v.Drain = drainNote(s)
	v.Priced = pricedNotes(s)
	v.Plots = plotViews(plots)
	var err error
	if v.YAML, err = scenarioYAML(scenario); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := reportTemplate.Execute(&out, v); err != nil {
		return nil, fmt.Errorf("reports: %s: %w", ReportFile, err)
	}
	return out.Bytes(), nil
}

// plotViews embeds each plot's PNG as a data URL.
func plotViews(plots []ReportPlot) []reportPlotView {
	var vs []reportPlotView
	for _, p := range plots {
		vs = append(vs, reportPlotView{
			Base: p.Base, Title: p.Title, Caption: p.Caption,
			// A data URL of our own PNG bytes, so the template may trust it.
			Src: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(p.PNG)),
		})
	}
	return vs
}

// scenarioYAML is the resolved scenario as the report shows it ("" for none).
func scenarioYAML(scenario any) (string, error) {
	if scenario == nil {
		return "", nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(scenario); err != nil {
		return "", fmt.Errorf("reports: %s: scenario: %w", ReportFile, err)
	}
	enc.Close()
	return buf.String(), nil
}

func moneyIntervalText(iv *stats.MoneyInterval) string {
	if iv == nil {
		return ""
	}
	return money.Cents(money.Micros(iv.LowMicros)) + " – " + money.Cents(money.Micros(iv.HighMicros))
}

// estimateText is an estimate's mean and, with replications, its interval; a
// percentile not answered (+Inf) shows as f shows it, without an interval.
func estimateText(e stats.Estimate, f func(float64) string) (mean, ci string) {
	m := float64(e.Mean)
	if math.IsNaN(m) || math.IsInf(m, -1) {
		return "–", ""
	}
	if math.IsInf(m, 1) {
		return f(m), ""
	}
	if e.CI95 != nil {
		ci = f(float64(e.CI95.Low)) + " – " + f(float64(e.CI95.High))
	}
	return f(m), ci
}

// durationText shows seconds in the unit that keeps them short, "–" when unknown.
func durationText(s float64) string { return stats.Duration(s, "–") }

// reportCSS is the style of every report page (simulation and forecast).
const reportCSS = `body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
p.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; font-size: 0.9em; }
.wide { overflow-x: auto; }
table { font-size: 0.85em; }
th, td { padding: 0.35em 0.5em; border-bottom: 1px solid #e4e4e4; text-align: right; }
td { white-space: nowrap; }
th { background: #f4f4f4; vertical-align: bottom; font-weight: 600; }
td:first-child, th:first-child { text-align: left; }
tr.cheapest td { background: #f1f1f1; font-weight: 600; }
td.sla-best { color: #1e7b1e; font-weight: 700; }
.ci { display: block; color: #666; font-size: 0.85em; font-weight: normal; }
figure { margin: 1.5em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #e4e4e4; }
figcaption { color: #555; font-size: 0.9em; margin-top: 0.3em; }
pre { background: #f7f7f7; border: 1px solid #e4e4e4; padding: 1em; overflow-x: auto; font-size: 0.85em; }
`

var reportTemplate = template.Must(template.New(ReportFile).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>spendsim: {{.Scenario}}</title>
<style>
` + reportCSS + `</style>
</head>
<body>
<h1>spendsim: {{.Scenario}}</h1>
<p class="meta">{{.Runs}} runs over {{.Points}} sweep point{{if ne .Points 1}}s{{end}}, seed {{.Seed}}, amounts in {{.Currency}} per run.
Same seed, same report: this page holds no dates and every figure is reproducible.</p>

<h2 id="summary">Summary per sweep point</h2>
{{if .Cheapest}}<p>Cheapest in total: <strong>{{.Cheapest}}</strong>.</p>{{end}}
{{if .Placeholder}}<p id="placeholder">{{.Placeholder}}</p>
{{end}}{{if .DrainLead}}<p id="drain"><strong>Spend per run includes the drain:</strong> {{.DrainLead}}</p>
<ul>{{range .Drain}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .SLA}}<p id="sla">{{if .SLABest}}Cheapest meeting the target {{.SLA}}: <strong>{{.SLABest}}</strong>.{{else}}<strong>No sweep point meets the target {{.SLA}}.</strong>{{end}} Each point is {{.SLAHow}}.{{if .SLAUndecided}} A point marked <em>undecided</em> has a 95% interval reaching both sides of the target: its replications cannot say whether it meets it, so it counts as not meeting it, and more replications may decide it.{{range .SLANotes}} {{.}}.{{end}}{{end}}</p>{{end}}
<div class="wide"><table id="points">
<thead><tr><th>point</th><th>replications</th>{{range .Categories}}<th>messaging:<br>{{.}}</th>{{end}}<th>messaging{{if .OnlyOne}}<br>(all {{.OnlyOne}}){{end}}</th><th>staffing</th><th>total</th><th>p50 first<br>response</th><th>p90 first<br>response</th><th>p99 first<br>response</th><th>answered</th>{{if .Abandoned}}<th>abandoned</th>{{end}}{{if .Dropped}}<th>first reply<br>dropped</th>{{end}}<th>answered<br>in window</th>{{if .SLA}}<th>meets<br>{{.SLA}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr{{if .Cheapest}} class="cheapest"{{end}}><td>{{.Label}}</td><td>{{.Replications}}</td>{{range .Categories}}<td>{{.}}</td>{{end}}<td>{{.Messaging}}{{if .MessagingCI}}<span class="ci">{{.MessagingCI}}</span>{{end}}</td><td>{{.Staffing}}</td><td>{{.Total}}{{if .TotalCI}}<span class="ci">{{.TotalCI}}</span>{{end}}</td><td>{{.P50}}{{if .P50CI}}<span class="ci">{{.P50CI}}</span>{{end}}</td><td>{{.P90}}{{if .P90CI}}<span class="ci">{{.P90CI}}</span>{{end}}</td><td>{{.P99}}{{if .P99CI}}<span class="ci">{{.P99CI}}</span>{{end}}</td><td>{{.Answered}}{{if .AnsweredCI}}<span class="ci">{{.AnsweredCI}}</span>{{end}}</td>{{if $.Abandoned}}<td>{{.Abandoned}}{{if .AbandonedCI}}<span class="ci">{{.AbandonedCI}}</span>{{end}}</td>{{end}}{{if $.Dropped}}<td>{{.Dropped}}{{if .DroppedCI}}<span class="ci">{{.DroppedCI}}</span>{{end}}</td>{{end}}<td>{{.InWindow}}{{if .InWindowCI}}<span class="ci">{{.InWindowCI}}</span>{{end}}</td>{{if $.SLA}}{{if .CheapestSLA}}<td class="sla-best">yes, cheapest</td>{{else if .MeetsSLA}}<td>yes</td>{{else if .UndecidedSLA}}<td>undecided</td>{{else}}<td>no</td>{{end}}{{end}}</tr>
{{end}}</tbody>
</table></div>
<p class="meta">Means over replications{{if .Intervals}}; below each mean in grey, its 95% Student t confidence interval across replications{{end}}.
Messaging is the WhatsApp bill, staffing agent-hours × cost per hour; the exact amounts, to the micro, are in summary.json.{{range .Priced}} {{.}}.{{end}}
Every conversation that arrived counts: first-response percentiles are over all of them, a conversation never answered (abandoned, its first reply dropped, or still waiting at the end) sorting after every answered one, so a percentile that falls among them reads “not answered”; <em>answered</em> is the share of conversations that got a first response, <em>answered in window</em> the share of conversations whose first response was sent inside the 24-hour window. Conversations that arrive inside the horizon are followed to their end after it, and the replies they get are billed to the run. First-response percentiles come from each run's DDSketch (0.5% relative accuracy).</p>

<h2 id="plots">Plots</h2>
{{range .Plots}}<figure id="{{.Base}}">
<img src="{{.Src}}" alt="{{.Title}}" data-file="{{.Base}}.png" width="1200" height="750">
<figcaption><strong>{{.Title}}.</strong> {{.Caption}} ({{.Base}}.png, {{.Base}}.svg)</figcaption>
</figure>
{{end}}
<h2 id="scenario">Scenario</h2>
<p class="meta">The resolved scenario that produced these results, defaults filled in (also in manifest.json).</p>
<pre>{{.YAML}}</pre>
</body>
</html>
`))

// slaText is a target for people: "p90 ≤ 1h", "in_window ≥ 95%".
func slaText(t stats.SLA) string {
	if t.Floor() {
		return fmt.Sprintf("%s ≥ %s%%", t.Metric, trimFloat(100*t.Limit))
	}
	_, rhs, ok := strings.Cut(t.Text, "<=")
	if !ok {
		rhs = durationText(t.Limit)
	}
	return t.Metric + " ≤ " + rhs
}

func trimFloat(v float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}
