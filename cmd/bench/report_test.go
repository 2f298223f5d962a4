package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteJSON: the report is written whole, and no temp file is left beside it.
func TestWriteJSON(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "bench.json")
	r := &Report{}
	r.note("n=%d", 1)
	if err := r.WriteJSON(p); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil || len(back.Notes) != 1 {
		t.Fatalf("read back: %v, %+v", err, back)
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("%d entries in the folder, want only bench.json", len(es))
	}
}

// TestDuckBillLines: the speed ratio against DuckDB counts only when DuckDB computed
// the replay's bill; when the bills differ it is missed whatever its value, and the
// report says both bills.
func TestDuckBillLines(t *testing.T) {
	replay, duck := best{sec: 2}, best{sec: 8} // 4× DuckDB's speed: past the target
	same := bill{Currency: "USD", Billable: 1_911_172, Micros: 57_520_937_900}
	for _, tc := range []struct {
		duck bill
		met  bool
		note string
	}{
		{same, true, "same bill as DuckDB: yes (57,520.94 USD, 1,911,172 billable)"},
		{bill{Currency: "USD", Billable: 1_920_951, Micros: 57_889_057_500}, false,
			"same bill as DuckDB: NO: the replay charged 57,520.94 USD, 1,911,172 billable, DuckDB's query 57,889.06 USD, 1,920,951 billable; the speed ratio compares different work and does not meet its target"},
	} {
		r := &Report{}
		duckBillLines(r, "s", replay, duck, same, tc.duck)
		var ratio *Figure
		for i := range r.Figures {
			if r.Figures[i].Name == "replay pmp-2025 speed / DuckDB" {
				ratio = &r.Figures[i]
			}
		}
		if ratio == nil || ratio.Value != 4 || ratio.Met == nil || *ratio.Met != tc.met {
			t.Errorf("bills %v and %v: speed ratio %+v, want 4 and met %v", same, tc.duck, ratio, tc.met)
		}
		if len(r.Notes) != 1 || r.Notes[0] != tc.note {
			t.Errorf("notes %q, want %q", r.Notes, tc.note)
		}
	}
}

// TestReadBill: a replay's bill is summary.json's total and its billable messages of
// every category.
func TestReadBill(t *testing.T) {
	dir := t.TempDir()
	summary := `{"currency": "USD", "total_micros": 57520937900, "billable_by_category": {"marketing": 898973, "service": 0, "utility": 735140, "authentication": 277059}}`
	if err := os.WriteFile(filepath.Join(dir, "summary.json"), []byte(summary), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := readBill(dir)
	if want := (bill{Currency: "USD", Billable: 1_911_172, Micros: 57_520_937_900}); err != nil || got != want {
		t.Errorf("readBill: %v, %v; want %v", got, err, want)
	}
	if _, err := readBill(t.TempDir()); err == nil {
		t.Error("readBill of a folder without summary.json: no error")
	}
}
