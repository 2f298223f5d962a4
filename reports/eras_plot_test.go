package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/stats"
)

// TestErasPlotSaysAllFree: an era that bills nothing is labelled with its amount and
// its free units, not drawn as a missing bar; the others carry their amounts.
func TestErasPlotSaysAllFree(t *testing.T) {
	e := &Eras{Trace: "t.jsonl", Eras: []EraBill{
		{Pricing: "cbp-2022", Spend: stats.Spend{Currency: "USD", FreeByCategory: map[string]int64{"service": 12, "utility": 8}}},
		{Pricing: "pmp-2025", Spend: stats.Spend{Currency: "USD", TotalMicros: 320_000}},
	}}
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
	for _, want := range []string{"0.00 (all 20 units free)", "0.32"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the eras plot does not say %q", want)
		}
	}
}
