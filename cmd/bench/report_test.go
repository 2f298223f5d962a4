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
