package reports

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
)

type forecastRow struct {
	Month, Pricing            string
	Customers                 string
	P10, P50, P90, Mean       string
	Categories                []string // P50 per category shown
	Staffing, Total, TotalP10 string
	TotalP90                  string
	Horizon                   bool
}

type forecastView struct {
	Scenario, Currency string
	Seed               uint64
	Replications       int
	Months             int
	First, Last        string // the first and last months, or days where the months are not calendar months
	MonthsNote         string // the months are not calendar months (monthsNote); "" when they are
	Growth             string
	Quantiles          string
	Headline           string
	BandScope          string // what the band covers: ForecastBandScope as a sentence
	Categories         []string
	Rows               []forecastRow
	Plots              []reportPlotView
	YAML               string
	Notes              []string // what the months' marks mean (restsNotes)
	Placeholder        string   // the staffing is at a placeholder cost per hour; "" when not
}

// ForecastReport renders a forecast's report.html: a page with no outside references
// (plots inline as base64 PNG) holding the headline band over the horizon, the fan and
// by-category charts, the month table and the resolved scenario. Like the simulation
// report it holds nothing that changes between runs of the same seed.
func ForecastReport(f stats.Forecast, scenario any, plots []ReportPlot) ([]byte, error) {
	if len(f.Months) == 0 {
		return nil, fmt.Errorf("reports: %s: a forecast of no months", ReportFile)
	}
	v := forecastView{
		Scenario: f.Scenario, Currency: f.Currency, Seed: f.Seed, Replications: f.Replications,
		Months: len(f.Months), First: f.Months[0].Month, Last: f.Months[len(f.Months)-1].Month, MonthsNote: monthsNote(f),
		Quantiles: f.Quantiles, Plots: plotViews(plots), Notes: restsNotes(f),
		BandScope: "T" + strings.TrimPrefix(ForecastBandScope, "t") + ".",
	}
	if v.MonthsNote != "" {
		v.First, v.Last = f.Months[0].Start, f.Months[len(f.Months)-1].End
	}
	if f.GrowthPerMonth != 0 {
		v.Growth = fmt.Sprintf("customers %+.4g%% a month, compounding", 100*f.GrowthPerMonth)
	}
	h := f.Horizon
	staffing := money.Cents(money.Micros(h.StaffingMicros))
	if f.StaffingCostPlaceholder {
		staffing += ", at a placeholder cost per hour: see below"
		v.Placeholder = placeholderNote("The", "their percentiles") + "."
	}
	v.Headline = fmt.Sprintf("Over %d month%s the WhatsApp bill is between %s and %s %s (P10–P90 across %s), P50 %s; with staffing (%s), P50 %s.",
		len(f.Months), words.S(len(f.Months)), money.Cents(money.Micros(h.Messaging.P10Micros)), money.Cents(money.Micros(h.Messaging.P90Micros)), f.Currency,
		words.Count(f.Replications, "replication"), money.Cents(money.Micros(h.Messaging.P50Micros)), staffing, money.Cents(money.Micros(h.Total.P50Micros)))
	// Only the categories with spend in some replication get a column.
	var cats []string
	for _, c := range pricing.Categories() {
		if b, ok := h.ByCategory[c.String()]; ok && (b.P90Micros != 0 || b.P10Micros != 0 || b.MeanMicros != 0) {
			cats = append(cats, c.String())
		}
	}
	v.Categories = cats
	row := func(fm stats.ForecastMonth, horizon bool) forecastRow {
		r := forecastRow{
			Month: withMarks(monthName(fm), fm), Pricing: fm.Pricing, Customers: money.GroupThousands(fmt.Sprint(fm.Customers)),
			P10: money.Cents(money.Micros(fm.Messaging.P10Micros)), P50: money.Cents(money.Micros(fm.Messaging.P50Micros)), P90: money.Cents(money.Micros(fm.Messaging.P90Micros)),
			Mean: money.Cents(money.Micros(fm.Messaging.MeanMicros)), Staffing: money.Cents(money.Micros(fm.StaffingMicros)),
			Total: money.Cents(money.Micros(fm.Total.P50Micros)), TotalP10: money.Cents(money.Micros(fm.Total.P10Micros)), TotalP90: money.Cents(money.Micros(fm.Total.P90Micros)),
			Horizon: horizon,
		}
		for _, c := range cats {
			r.Categories = append(r.Categories, money.Cents(money.Micros(fm.ByCategory[c].P50Micros)))
		}
		return r
	}
	for _, fm := range f.Months {
		v.Rows = append(v.Rows, row(fm, false))
	}
	hr := row(h, true)
	// The months above say which era priced each; the customers are the last month's.
	hr.Month, hr.Pricing = "all months", ""
	v.Rows = append(v.Rows, hr)
	var err error
	if v.YAML, err = scenarioYAML(scenario); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := forecastTemplate.Execute(&out, v); err != nil {
		return nil, fmt.Errorf("reports: %s: %w", ReportFile, err)
	}
	return out.Bytes(), nil
}

var forecastTemplate = template.Must(template.New(ReportFile).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>spendsim forecast: {{.Scenario}}</title>
<style>
` + reportCSS + `tr.horizon td { border-top: 2px solid #bbb; font-weight: 600; }
</style>
</head>
<body>
<h1>spendsim forecast: {{.Scenario}}</h1>
<p class="meta">{{.Months}} month{{if ne .Months 1}}s{{end}}, {{.First}} to {{.Last}}, {{.Replications}} replication{{if ne .Replications 1}}s{{end}}, seed {{.Seed}}{{if .Growth}}, {{.Growth}}{{end}}; amounts in {{.Currency}}.
Same seed, same report: this page holds no dates and every figure is reproducible.</p>
<p id="headline"><strong>{{.Headline}}</strong></p>
<p class="meta" id="band-scope">{{.BandScope}}</p>
{{if .MonthsNote}}<p class="meta" id="month-periods">{{.MonthsNote}}.</p>
{{end}}
<h2 id="plots">Plots</h2>
{{range .Plots}}<figure id="{{.Base}}">
<img src="{{.Src}}" alt="{{.Title}}" data-file="{{.Base}}.png" width="1200" height="750">
<figcaption><strong>{{.Title}}.</strong> {{.Caption}} ({{.Base}}.png, {{.Base}}.svg)</figcaption>
</figure>
{{end}}
<h2 id="months">Per month</h2>
<div class="wide"><table id="forecast">
<thead><tr><th>month</th><th>pricing</th><th>customers</th><th>messaging<br>P10</th><th>messaging<br>P50</th><th>messaging<br>P90</th><th>messaging<br>mean</th>{{range .Categories}}<th>{{.}}<br>P50</th>{{end}}<th>staffing</th><th>total with<br>staffing P50</th></tr></thead>
<tbody>
{{range .Rows}}<tr{{if .Horizon}} class="horizon"{{end}}><td>{{.Month}}</td><td>{{.Pricing}}</td><td>{{.Customers}}</td><td>{{.P10}}</td><td>{{.P50}}</td><td>{{.P90}}</td><td>{{.Mean}}</td>{{range .Categories}}<td>{{.}}</td>{{end}}<td>{{.Staffing}}</td><td>{{.Total}}<span class="ci">{{.TotalP10}} – {{.TotalP90}}</span></td></tr>
{{end}}</tbody>
</table></div>
<p class="meta">Percentiles across replications, each taken on its own ({{.Quantiles}}), so the category P50s need not add up to the messaging P50; the means do.
Below each total with staffing, its P10 – P90. Staffing is each month's shifts, the same in every replication, except in the last month: it also pays the shifts after the horizon until the backlog is cleared (and the bot's fees), which differ between replications, so it shows their mean. The last row bands each replication's sum over the months (customers: at the end). Exact amounts, to the micro, are in forecast.json and forecast.parquet.</p>
{{if .Placeholder}}<p id="placeholder">{{.Placeholder}}</p>
{{end}}{{if .Notes}}<p class="meta" id="rests-on">{{range .Notes}}{{.}}.<br>{{end}}Each month's share priced from derived and third-party cells, and the rate cards in force, are in forecast.json (derived_share, third_party_share, cards_in_force).</p>
{{end}}
<h2 id="scenario">Scenario</h2>
<p class="meta">The resolved scenario that produced this forecast, defaults filled in (also in manifest.json).</p>
<pre>{{.YAML}}</pre>
</body>
</html>
`))
