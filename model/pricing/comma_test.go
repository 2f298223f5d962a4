package pricing

import (
	"bytes"
	"encoding/csv"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDecimalComma (issue 15): a comma that groups no thousands is an error naming the
// file, line and column, in every layout, where it used to be deleted ("0,0625" billed
// 625.000000 a message). --decimal-comma reads a spreadsheet's export in a locale that
// writes decimal commas, semicolons between the fields, to the same cards.
func TestDecimalComma(t *testing.T) {
	const hint = "; for a file exported with decimal commas, pass --decimal-comma"
	from := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	card := readTestdata(t, "meta-pricing-usd.csv")
	tiers := readTestdata(t, "meta-tiers-usd.csv")
	for _, c := range []struct {
		name string
		f    UserFiles
		want string
	}{
		{"ours", UserFiles{Rates: "r.csv", RatesData: []byte("effective_from,pricing_model,market,category,currency,rate\n" +
			"2025-07-01,PMP,Brazil,marketing,USD,\"0,0625\"\n")},
			`r.csv:2: column rate: "0,0625" has a comma that groups no thousands: the decimal separator is a dot (0.0625); a comma may only group thousands (1,940.13)` + hint},
		{"ours, three commas", UserFiles{Rates: "r.csv", RatesData: []byte("effective_from,pricing_model,market,category,currency,rate\n" +
			"2025-07-01,PMP,Brazil,marketing,USD,\"1,2,3\"\n")},
			`r.csv:2: column rate: "1,2,3" has a comma that groups no thousands: the decimal separator is a dot; a comma may only group thousands (1,940.13)` + hint},
		{"meta card", UserFiles{Rates: "p.csv", Model: "PMP", From: from,
			RatesData: []byte(strings.Replace(card, "Brazil,$US,0.0625,", `Brazil,$US,"0,0625",`, 1))},
			`p.csv:9: column Marketing: "0,0625" has a comma that groups no thousands: the decimal separator is a dot (0.0625)`},
		{"ours, tiers", UserFiles{Tiers: "t.csv", TiersData: []byte(strings.Join(tierColumns, ",") + "\n" +
			"India,utility,0,0,\"1,2,3\",List,0.0014,,USD,2026-04-01,,,\n")},
			`t.csv:2: column volume_to: "1,2,3" is not a message count; want digits such as 750,000, or MAX / -- for no upper end`},
		{"meta tiers rate", UserFiles{Tiers: "t.csv", From: from,
			TiersData: []byte(strings.Replace(tiers, "Tier 1,0.0013,-5%", `Tier 1,"0,0013",-5%`, 1))},
			`t.csv:8: column Rate: "0,0013" has a comma that groups no thousands: the decimal separator is a dot (0.0013)`},
		{"meta tiers percent", UserFiles{Tiers: "t.csv", From: from,
			TiersData: []byte(strings.Replace(tiers, "Tier 1,0.0013,-5%", `Tier 1,0.0013,"-4,5%"`, 1))},
			`t.csv:8: column vs. List rate: "-4,5%" has a comma that groups no thousands`},
		{"decimal dots read with --decimal-comma", UserFiles{Rates: "p.csv", Model: "PMP", From: from, RatesData: []byte(card), DecimalComma: true},
			`p.csv:8: column Marketing: "0.0618" has a dot that groups no thousands, and --decimal-comma reads a comma as the decimal separator; drop --decimal-comma for a file written with decimal dots`},
	} {
		if _, err := NewOverlay(c.f); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v\nwant an error containing\n%s", c.name, err, c.want)
		}
	}

	// The same card and tiers, exported as a pt-BR spreadsheet writes them.
	dot, err := NewOverlay(UserFiles{Rates: "p.csv", RatesData: []byte(card), Model: "PMP", From: from, Tiers: "t.csv", TiersData: []byte(tiers)})
	if err != nil {
		t.Fatal(err)
	}
	comma, err := NewOverlay(UserFiles{Rates: "p.csv", RatesData: decimalCommaExport(t, card), Model: "PMP", From: from,
		Tiers: "t.csv", TiersData: decimalCommaExport(t, tiers), DecimalComma: true})
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	if err := dot.Book.WriteCSV(&a); err != nil {
		t.Fatal(err)
	}
	if err := comma.Book.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() || a.Len() == 0 {
		t.Errorf("decimal-comma card reads\n%s\nthe decimal-dot card\n%s", b.String(), a.String())
	}
	if ta, tb := dot.Tiers.Tables(), comma.Tiers.Tables(); len(ta) != len(tb) || len(ta) == 0 {
		t.Errorf("decimal-comma tiers: %d tables, decimal-dot %d", len(tb), len(ta))
	} else {
		for i := range ta {
			if len(ta[i].Bands) != len(tb[i].Bands) {
				t.Fatalf("table %d: %+v, want %+v", i, tb[i], ta[i])
			}
			for j := range ta[i].Bands {
				if ta[i].Bands[j] != tb[i].Bands[j] {
					t.Errorf("table %d band %d: %+v, want %+v", i, j, tb[i].Bands[j], ta[i].Bands[j])
				}
			}
		}
	}
	if comma.Digest == dot.Digest {
		t.Error("the digest ignores how the numbers were read")
	}
}

// decimalCommaExport rewrites a CSV as a spreadsheet in a decimal-comma locale saves
// it: semicolons between the fields, and in every number a comma for the dot and a
// dot for the thousands separator.
func decimalCommaExport(t *testing.T, src string) []byte {
	t.Helper()
	cr := csv.NewReader(strings.NewReader(src))
	cr.FieldsPerRecord, cr.LazyQuotes = -1, true
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	number := regexp.MustCompile(`^[-$]*[0-9][0-9.,]*%?$`)
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	w.Comma = ';'
	for _, rec := range recs {
		for i, f := range rec {
			if number.MatchString(f) {
				rec[i] = strings.NewReplacer(".", ",", ",", ".").Replace(f)
			}
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return out.Bytes()
}

// TestReadMetaCardIDRDecimalComma: Indonesian rupiah cards group thousands, which with
// decimal commas are dots.
func TestReadMetaCardIDRDecimalComma(t *testing.T) {
	src, err := os.ReadFile("testdata/meta-pricing-idr.csv")
	if err != nil {
		t.Fatal(err)
	}
	o, err := NewOverlay(UserFiles{Rates: "idr.csv", RatesData: decimalCommaExport(t, string(src)), Model: "CBP",
		From: date("2025-02-01"), DecimalComma: true})
	if err != nil {
		t.Fatal(err)
	}
	checkCells(t, mustCard(t, o.Book, CBP, "IDR", "2025-02-01"), []cellWant{
		{"Indonesia", Marketing, 1940130000, UserSupplied, "2025-02-01"},
	})
}
