package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/spendsim/spendsim/internal/rebill"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/scenarios/trace"
)

// compareScript joins DuckDB's bill (rn) with the replay's messages.parquet (line) and
// prints the business messages on which they differ.
const compareScript = `
const { DuckDBInstance } = require('@duckdb/node-api');
(async () => {
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  const r = await c.runAndReadAll(` + "`" + `
    SELECT s.line, s.pricing_type, d.pricing_type AS duck_type, s.billable, d.billable AS duck_billable,
           s.amount_micros, d.amount_micros AS duck_micros
    FROM read_parquet('${process.argv[1]}') s FULL JOIN read_parquet('${process.argv[2]}') d ON d.rn = s.line
    WHERE s.line IS NULL OR d.rn IS NULL OR s.pricing_type IS DISTINCT FROM d.pricing_type
      OR s.billable IS DISTINCT FROM d.billable OR s.amount_micros IS DISTINCT FROM d.amount_micros` + "`" + `);
  console.log(JSON.stringify(r.getRowObjectsJson()));
})().catch(e => { console.error(e.message); process.exit(1); });
`

// TestDuckDBBillSameAsReplay: DuckDB's reference query (docs/bench/duckdb_pmp_bill.sql)
// gives every business message the pricing type, billable flag and amount that
// `replay --pricing pmp-2025` gives it, on a trace of the free entry point rules at
// their edges: a reply inside an open window (no extension), a reply at exactly 24 h
// (the ad is answered, no window), a newer ad replacing an unanswered one, undelivered
// replies and US marketing templates (no answer), a message at exactly the window's
// end, ties in time decided by file order, delivery times that reorder messages,
// windows chained one after another, and two business numbers. It needs node and
// @duckdb/node-api in NODE_PATH, so it runs only with SPENDSIM_DUCKDB=1.
func TestDuckDBBillSameAsReplay(t *testing.T) {
	if os.Getenv("SPENDSIM_DUCKDB") != "1" {
		t.Skip("set SPENDSIM_DUCKDB=1 (with node and @duckdb/node-api in NODE_PATH) to check the DuckDB reference")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "trace.parquet")
	toParquet(t, filepath.Join("testdata", "entry_points.csv"), path)
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "replay")
	if _, err := rebill.Replay(context.Background(), rebill.Options{Traces: []string{path}, Pricing: "pmp-2025", Rates: "builtin", Out: out, Version: "v0.0.0-test",
		Billing: billing.Options{Era: billing.EraPMP2025, Book: book, Markets: book.Markets(), Currency: "USD", Location: time.UTC}}); err != nil {
		t.Fatal(err)
	}
	duck := filepath.Join(dir, "duck.parquet")
	if b, err := exec.Command("node", filepath.Join("..", "..", "docs", "bench", "duckdb-bill.mjs"), path, duck).CombinedOutput(); err != nil {
		t.Fatalf("duckdb-bill.mjs: %v\n%s", err, b)
	}
	b, err := exec.Command("node", "-e", compareScript, filepath.Join(out, "messages.parquet"), duck).Output()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		t.Fatalf("comparing: %v\n%s", err, ee.Stderr)
	} else if err != nil {
		t.Fatalf("comparing: %v", err)
	}
	var diff []map[string]any
	if err := json.Unmarshal(b, &diff); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	for _, d := range diff {
		t.Errorf("replay and DuckDB differ: %v", d)
	}
}

// toParquet writes the CSV trace at src as a Parquet trace at dst.
func toParquet(t *testing.T, src, dst string) {
	t.Helper()
	r, err := trace.Open(src, trace.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	w, err := trace.NewWriter(dst, trace.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var rec trace.Record
	for {
		if err := r.Next(&rec); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(&rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}
