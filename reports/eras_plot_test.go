package reports

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/spendsim/spendsim/internal/stats"
)

// TestErasPlotSaysAllFree: an era that bills nothing is labelled with its amount and
// its free units (conversations under CBP), not drawn as a missing bar; the others
// carry their amounts.
func TestErasPlotSaysAllFree(t *testing.T) {
	e := &Eras{Trace: "t.jsonl", Eras: []EraBill{
		{Pricing: "cbp-2022", Spend: stats.Spend{Currency: "USD", FreeByCategory: map[string]int64{"service": 12, "utility": 8}}},
		{Pricing: "pmp-2025", Spend: stats.Spend{Currency: "USD", TotalMicros: 320_000}},
	}}
	got := erasSVG(t, e)
	for _, want := range []string{">0.00<", ">all free:<", ">20 conversations<", ">0.32<"} {
		if !strings.Contains(got, want) {
			t.Errorf("the eras plot does not say %q", want)
		}
	}
}

// TestErasPlotAllZero: the Twitter trace bills nothing under any era (every unit free)
// and leaves nbp-2018 out: the spend axis has one tick, "0.00", not a column of them;
// the bars' labels, wide as they are, do not run into each other; the title names the
// era left out.
func TestErasPlotAllZero(t *testing.T) {
	e := &Eras{Trace: "customer_care_twitter.csv", LeftOut: []EraLeft{{Pricing: "nbp-2018", Reason: "no NBP card"}}}
	for _, era := range []string{"auto", "nbp-2018", "cbp-2022", "cbp-2023", "pmp-2025", "pmp-2026-10"} {
		free := int64(148)
		if strings.HasPrefix(era, "cbp") {
			free = 114
		}
		e.Eras = append(e.Eras, EraBill{Pricing: era, Spend: stats.Spend{Currency: "USD", FreeByCategory: map[string]int64{"service": free},
			MessagesByPricingType: map[string]int64{"free_customer_service": 148}}})
	}
	p, err := PlotEras(e)
	if err != nil {
		t.Fatal(err)
	}
	var ticks []string
	for _, tk := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if tk.Label != "" {
			ticks = append(ticks, tk.Label)
		}
	}
	if !slices.Equal(ticks, []string{"0.00"}) {
		t.Errorf("spend axis ticks %q, want one 0.00", ticks)
	}
	if !strings.Contains(p.Title.Text, "nbp-2018") {
		t.Errorf("the title %q does not name the era left out", p.Title.Text)
	}
	labels, err := eraLabels(e)
	if err != nil {
		t.Fatal(err)
	}
	dc := p.DataCanvas(draw.New(vgimg.NewWith(vgimg.UseWH(plotWidth, plotHeight), vgimg.UseDPI(plotDPI))))
	gap := dc.X(p.X.Norm(1)) - dc.X(p.X.Norm(0)) // between two bars' centres
	for i := 1; i < len(e.Eras); i++ {
		left, right := labels.TextStyle[i-1].Width(labels.Labels[i-1]), labels.TextStyle[i].Width(labels.Labels[i])
		if left/2+right/2 >= gap {
			t.Errorf("the labels of %s (%q) and %s (%q) overlap: %.0f + %.0f points wide, %.0f apart", e.Eras[i-1].Pricing, labels.Labels[i-1],
				e.Eras[i].Pricing, labels.Labels[i], left, right, gap)
		}
	}
}

// TestErasPlotQualifiesFree: where free-form messages went out with no window open
// (the Twitter trace: 20 under every era, each era billing nothing), no bar says "all
// free" without them, a bar with an amount names them too, and a bar priced by a card
// older than another currency's is marked; the marks are explained under the bars, and
// the labels, wider still, do not run into each other.
func TestErasPlotQualifiesFree(t *testing.T) {
	e := &Eras{Trace: "customer_care_twitter.csv"}
	for _, era := range []string{"auto", "nbp-2018", "cbp-2022", "cbp-2023", "pmp-2025", "pmp-2026-10"} {
		free := int64(148)
		if strings.HasPrefix(era, "cbp") {
			free = 114
		}
		b := EraBill{Pricing: era, Spend: stats.Spend{Currency: "USD", FreeByCategory: map[string]int64{"service": free},
			MessagesByPricingType: map[string]int64{"free_customer_service": 148}}, TextOutsideCS: 20}
		if era == "nbp-2018" {
			b.TotalMicros = 320_000
			b.CardsUsed = []CardUsed{{PricingModel: "NBP", Newer: &NewerCard{Currency: "EUR"}}}
		}
		e.Eras = append(e.Eras, b)
	}
	p, err := PlotEras(e)
	if err != nil {
		t.Fatal(err)
	}
	labels, err := eraLabels(e)
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range e.Eras {
		want := "0.00\nall free:\n148 messages,\nbut 20 messages\nsent with no\nwindow open*"
		switch {
		case b.Pricing == "nbp-2018":
			want = "0.32†\n20 messages\nsent with no\nwindow open*"
		case strings.HasPrefix(b.Pricing, "cbp"):
			want = "0.00\nall free:\n114 conversations,\nbut 20 messages\nsent with no\nwindow open*"
		}
		if labels.Labels[i] != want {
			t.Errorf("%s's label %q, want %q", b.Pricing, labels.Labels[i], want)
		}
	}
	for _, want := range []string{"* free-form messages sent with no customer service window open, which WhatsApp refuses",
		"† priced by a card older than another currency's card in force then"} {
		if !strings.Contains(p.X.Label.Text, want) {
			t.Errorf("under the bars %q, want %q", p.X.Label.Text, want)
		}
	}
	dc := p.DataCanvas(draw.New(vgimg.NewWith(vgimg.UseWH(plotWidth, plotHeight), vgimg.UseDPI(plotDPI))))
	gap := dc.X(p.X.Norm(1)) - dc.X(p.X.Norm(0))
	for i := 1; i < len(e.Eras); i++ {
		if left, right := labels.TextStyle[i-1].Width(labels.Labels[i-1]), labels.TextStyle[i].Width(labels.Labels[i]); left/2+right/2 >= gap {
			t.Errorf("the labels of %s and %s overlap: %.0f + %.0f points wide, %.0f apart", e.Eras[i-1].Pricing, e.Eras[i].Pricing, left, right, gap)
		}
	}
}

// TestErasPlotSmallAndUndelivered: bills of a fraction of a cent are labelled to the
// micro and the axis keeps the decimals that tell its ticks apart (a reviewer's four
// eras charging 0.0028 were four full bars labelled "0.00" on an axis reading "0.00");
// an era with nothing delivered says so, not "all free: 0 messages"; one free unit is
// singular; rows --skip-invalid skipped are said under the bars.
func TestErasPlotSmallAndUndelivered(t *testing.T) {
	small := &Eras{Trace: "tiny.csv", Eras: []EraBill{
		{Pricing: "cbp-2022", Spend: stats.Spend{Currency: "USD", Total: "0.000000", FreeByCategory: map[string]int64{"business_initiated": 1}}, Delivered: 2},
		{Pricing: "pmp-2025", Spend: stats.Spend{Currency: "USD", TotalMicros: 2_800, Total: "0.002800"}, Delivered: 2},
	}}
	got := erasSVG(t, small)
	for _, want := range []string{">0.002800<", ">1 conversation<", ">0.001<", ">0.002<"} {
		if !strings.Contains(got, want) {
			t.Errorf("the plot of bills under a cent does not say %q", want)
		}
	}
	if strings.Contains(got, ">1 conversations<") {
		t.Error("one free conversation reads as plural")
	}
	none := &Eras{Trace: "undelivered.csv", Business: 2, Skipped: 2, Eras: []EraBill{{Pricing: "pmp-2025", Spend: stats.Spend{Currency: "USD", Total: "0.000000"}}}}
	got = erasSVG(t, none)
	for _, want := range []string{">nothing<", ">delivered<", ">2 invalid rows skipped (--skip-invalid) and billed under no era<"} {
		if !strings.Contains(got, want) {
			t.Errorf("the plot of a bill with nothing delivered does not say %q", want)
		}
	}
	if strings.Contains(got, "all free") {
		t.Error("nothing was delivered, yet the plot says all free")
	}
	for _, c := range []struct {
		micros int64
		total  string
		want   string
	}{
		{2_800, "0.002800", "0.002800"},
		{6_600, "0.006600", "0.006600"},            // 0.01 would be half as much again
		{1_234_567_890, "1234.567890", "1,234.57"}, // cents are within a thousandth
		{320_000, "0.320000", "0.32"},
		{0, "0.000000", "0.00"},
	} {
		b := EraBill{Spend: stats.Spend{TotalMicros: c.micros, Total: c.total}}
		if got := eraAmount(&b); got != c.want {
			t.Errorf("eraAmount(%d) = %q, want %q", c.micros, got, c.want)
		}
	}
}

// erasSVG is the eras plot of e as SVG text, whose labels a test can look for.
func erasSVG(t *testing.T, e *Eras) string {
	t.Helper()
	p, err := PlotEras(e)
	if err != nil {
		t.Fatal(err)
	}
	w, err := p.WriterTo(600, 400, "svg")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := w.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
