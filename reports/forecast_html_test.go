package reports

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/model/pricing"
)

// handForecast is a two-month forecast of three replications, with hand-picked bands.
func handForecast() stats.Forecast {
	band := func(p10, p50, p90, mean int64) stats.Band {
		return stats.Band{P10Micros: p10, P50Micros: p50, P90Micros: p90, MeanMicros: mean}
	}
	cats := func(utility, service stats.Band) map[string]stats.Band {
		m := map[string]stats.Band{}
		for _, c := range pricing.Categories() {
			m[c.String()] = stats.Band{}
		}
		m["utility"], m["service"] = utility, service
		return m
	}
	month := func(name, start, era string, customers int64, msg, utility, service stats.Band, staff int64) stats.ForecastMonth {
		return stats.ForecastMonth{Month: name, Start: start, Days: 30, Pricing: era, Customers: customers,
			StaffingMicros: staff, Messaging: msg,
			Total:      band(msg.P10Micros+staff, msg.P50Micros+staff, msg.P90Micros+staff, msg.MeanMicros+staff),
			ByCategory: cats(utility, service)}
	}
	return stats.Forecast{
		Scenario: "hand", Currency: "USD", Seed: 42, Replications: 3, GrowthPerMonth: 0.04, Quantiles: stats.QuantileMethod,
		Months: []stats.ForecastMonth{
			month("2026-09", "2026-09-01", "pmp-2025", 1000, band(3_000_000, 4_000_000, 5_000_000, 4_000_000),
				band(3_000_000, 4_000_000, 5_000_000, 4_000_000), stats.Band{}, 100_000_000),
			month("2026-10", "2026-10-01", "pmp-2026-10", 1040, band(50_000_000, 57_835_000, 60_000_000, 56_000_000),
				band(3_500_000, 3_900_000, 4_100_000, 3_900_000), band(46_000_000, 54_000_000, 56_000_000, 52_100_000), 100_000_000),
		},
		Horizon: month("2026-09..2026-10", "2026-09-01", "pmp-2025→pmp-2026-10", 1040, band(53_000_000, 61_835_000, 65_000_000, 60_000_000),
			band(6_500_000, 7_900_000, 9_100_000, 7_900_000), band(46_000_000, 54_000_000, 56_000_000, 52_100_000), 200_000_000),
	}
}

// TestForecastReportHTML: a forecast's report.html parses, stands alone, embeds the fan
// and by-category charts as the very PNGs written beside it, states the horizon's band
// in one sentence, has a row per month and one for the whole horizon, and shows the
// scenario.
func TestForecastReportHTML(t *testing.T) {
	dir := t.TempDir()
	o, err := NewOutput(dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	f := handForecast()
	if err := o.WriteForecast(f, map[string]any{"name": "hand", "forecast": map[string]any{"months": 2}}, []string{"hand"}, nil); err != nil {
		t.Fatal(err)
	}
	o.Close()
	data := readFile(t, filepath.Join(dir, ReportFile))
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var imgs []map[string]string
	var rows [][]string
	var walk func(n *html.Node)
	var text func(n *html.Node) string
	text = func(n *html.Node) string {
		if n.Type == html.TextNode {
			return n.Data
		}
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			b.WriteString(text(c))
		}
		return b.String()
	}
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attrs := map[string]string{}
			for _, a := range n.Attr {
				attrs[a.Key] = a.Val
			}
			switch n.Data {
			case "img":
				imgs = append(imgs, attrs)
			case "tr":
				if n.Parent != nil && n.Parent.Data == "tbody" {
					var cells []string
					for c := n.FirstChild; c != nil; c = c.NextSibling {
						if c.Type == html.ElementNode && c.Data == "td" {
							cells = append(cells, text(c))
						}
					}
					rows = append(rows, cells)
				}
			case "link", "script", "iframe":
				t.Errorf("report.html has a <%s>: it must stand alone", n.Data)
			}
			if src := attrs["src"]; src != "" && !strings.HasPrefix(src, "data:") {
				t.Errorf("<%s src=%q> refers outside the file", n.Data, src)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)

	bases := []string{ForecastFan, ForecastCategory}
	if len(imgs) != len(bases) {
		t.Fatalf("%d images, want %d", len(imgs), len(bases))
	}
	for i, base := range bases {
		b64, ok := strings.CutPrefix(imgs[i]["src"], "data:image/png;base64,")
		if !ok || imgs[i]["data-file"] != base+".png" {
			t.Fatalf("image %d: %.60q, data-file %q", i, imgs[i]["src"], imgs[i]["data-file"])
		}
		png, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(png, readFile(t, filepath.Join(dir, base+".png"))) {
			t.Errorf("%s: the inline PNG is not the file beside the report", base)
		}
	}
	// Columns: month, pricing, customers, messaging P10, P50, P90, mean, utility P50,
	// service P50 (the categories with spend), staffing, total P50 with its P10 – P90.
	want := [][]string{
		{"2026-09", "pmp-2025", "1,000", "3.00", "4.00", "5.00", "4.00", "4.00", "0.00", "100.00", "104.00103.00 – 105.00"},
		{"2026-10", "pmp-2026-10", "1,040", "50.00", "57.84", "60.00", "56.00", "3.90", "54.00", "100.00", "157.84150.00 – 160.00"},
		{"all months", "", "1,040", "53.00", "61.84", "65.00", "60.00", "7.90", "54.00", "200.00", "261.84253.00 – 265.00"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d table rows, want %d: %q", len(rows), len(want), rows)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d\n got %q\nwant %q", i, rows[i], want[i])
		}
	}
	s := string(data)
	for _, w := range []string{
		"Over 2 months the WhatsApp bill is between 53.00 and 65.00 USD (P10–P90 across 3 replications), P50 61.84; with staffing (200.00), P50 261.84.",
		"2 months, 2026-09 to 2026-10, 3 replications, seed 42, customers &#43;4% a month, compounding; amounts in USD.", // html/template writes + as &#43;
		"<th>utility<br>P50</th><th>service<br>P50</th>", "name: hand", "months: 2", stats.QuantileMethod,
	} {
		if !strings.Contains(s, w) {
			t.Errorf("report.html lacks %q", w)
		}
	}
	if strings.Contains(s, "marketing<br>P50") {
		t.Error("a column for marketing, which had no spend")
	}
	if strings.Contains(s, "ZgotmplZ") {
		t.Error("html/template rejected a value (ZgotmplZ in the output)")
	}
	// Every file complete under its final name, nothing else.
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	if w := []string{"forecast.json", "forecast.parquet", "forecast_by_category.png", "forecast_by_category.svg",
		"forecast_fan.png", "forecast_fan.svg", "manifest.json", "report.html"}; !slices.Equal(names, w) {
		t.Errorf("output holds %v, want %v", names, w)
	}
}

// TestForecastReportSaysWhatTheBandCovers: beside the headline's band, report.html says
// that it is the customers' randomness alone (growth, rates, staffing and the billing
// decisions held as given), and counts a single replication in the singular.
func TestForecastReportSaysWhatTheBandCovers(t *testing.T) {
	f := handForecast()
	f.Replications = 1
	data, err := ForecastReport(f, map[string]any{"name": "hand"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	page := html.UnescapeString(string(data))
	for _, want := range []string{
		`<p class="meta" id="band-scope">The P10–P90 band is the spread of the simulated customers' arrivals and behaviour alone: growth, rates, staffing and the billing decisions`,
		"(P10–P90 across 1 replication)", ", 1 replication, seed 42",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}
