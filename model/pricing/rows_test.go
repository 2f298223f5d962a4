package pricing

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model/money"
)

func TestRows(t *testing.T) {
	b := mustBook(t)
	at := time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC)
	rows, err := b.Rows(RowFilter{At: &at, Market: "india"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%s %s %s %s %s %s %s from %s", r.Card.Format(time.DateOnly), r.Model, r.Currency,
			r.Market, r.Category, FormatRate(r.Rate), r.Confidence, r.From.Format(time.DateOnly)))
	}
	// In force on 2026-10-15 for India: the latest card of every model and currency,
	// whatever the era (the 2022 EUR CBP card is still the latest EUR card), categories in
	// vocabulary order; the 2026-10-01 INR and USD cards are partial, so their carried
	// cells show as derived with the card they came from.
	want := []string{
		"2022-02-01 CBP EUR India user_initiated 0.0033 bsp from 2022-02-01",
		"2022-02-01 CBP EUR India business_initiated 0.0055 bsp from 2022-02-01",
		"2023-06-01 CBP INR India marketing 0.7265 third_party from 2023-06-01",
		"2023-06-01 CBP INR India utility 0.3082 third_party from 2023-06-01",
	}
	for i, w := range want {
		if i >= len(got) || got[i] != w {
			t.Errorf("row %d = %q, want %q", i, at0(got, i), w)
		}
	}
	joined := strings.Join(got, "\n")
	for _, w := range []string{
		"2026-10-01 PMP INR India service 0.1150 third_party from 2026-10-01",
		"2026-10-01 PMP INR India marketing 0.8631 derived from 2026-07-01",
		"2026-10-01 PMP USD India marketing 0.0118 derived from 2026-07-01",
	} {
		if !strings.Contains(joined, w) {
			t.Errorf("missing row %q in\n%s", w, joined)
		}
	}
	if strings.Contains(joined, "2025-07-01 PMP") {
		t.Errorf("superseded cards listed:\n%s", joined)
	}
	// Carried rows say where they came from.
	for _, r := range rows {
		if r.Confidence == Derived && r.From.Before(r.Card) && !strings.Contains(r.Note, "carried forward") {
			t.Errorf("carried row without a note: %+v", r)
		}
	}

	all, err := b.Rows(RowFilter{})
	if err != nil || len(all) < 1737 {
		t.Errorf("all rows: %d, %v; want at least the 1737 cells of ratecards.csv", len(all), err)
	}
	if _, err := b.Rows(RowFilter{Market: "Atlantis"}); err == nil || !strings.Contains(err.Error(), `"Atlantis" is not a market; want one of: Argentina`) {
		t.Errorf("unknown market: %v", err)
	}
}

func at0(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "<none>"
}

func TestFormatRate(t *testing.T) {
	for in, want := range map[int64]string{62500: "0.0625", 2300000: "2.3000", 62512: "0.062512", 0: "0.0000", 1940130000: "1940.1300", 1: "0.000001"} {
		if got := FormatRate(money.Micros(in)); got != want {
			t.Errorf("FormatRate(%d) = %q, want %q", in, got, want)
		}
	}
}

// WriteCSV writes what ReadBook reads back: the embedded cards survive a round trip.
func TestWriteCSVRoundTrip(t *testing.T) {
	b := mustBook(t)
	var buf bytes.Buffer
	if err := b.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	b2, err := ReadBook(bytes.NewReader(buf.Bytes()), "out.csv")
	if err != nil {
		t.Fatal(err)
	}
	sameBooks(t, b, b2)
}

func sameBooks(t testing.TB, a, b *Book) {
	t.Helper()
	ra, err1 := a.Rows(RowFilter{})
	rb, err2 := b.Rows(RowFilter{})
	if err1 != nil || err2 != nil || len(ra) != len(rb) {
		t.Fatalf("rows: %d (%v) vs %d (%v)", len(ra), err1, len(rb), err2)
	}
	for i := range ra {
		x, y := ra[i], rb[i]
		x.Note, y.Note = "", "" // carried notes name the file
		if x != y {
			t.Fatalf("row %d: %+v\nvs %+v", i, ra[i], rb[i])
		}
	}
}

// TestRowsModelSpan: Model keeps one model's cards, Cards drops the cards outside a span,
// so that a CBP date lists only the per-category cards its rules read.
func TestRowsModelSpan(t *testing.T) {
	b := mustBook(t)
	at := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	rows, err := b.Rows(RowFilter{At: &at, Model: CBP, Cards: Span{From: CBPByCategoryFrom}, Market: "India"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%s %s %s %s %s", r.Card.Format(time.DateOnly), r.Model, r.Currency, r.Category, FormatRate(r.Rate)))
	}
	want := []string{
		"2023-06-01 CBP INR marketing 0.7265",
		"2023-06-01 CBP INR utility 0.3082",
		"2023-06-01 CBP USD marketing 0.0099",
		"2023-06-01 CBP USD utility 0.0042",
		"2023-06-01 CBP USD authentication 0.0042",
		"2023-06-01 CBP USD service 0.0040",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	pmp, err := b.Rows(RowFilter{At: &at, Model: PMP})
	if err != nil || len(pmp) != 0 {
		t.Errorf("PMP cards in force on 2024-03-01: %d rows, %v; want none", len(pmp), err)
	}
}
