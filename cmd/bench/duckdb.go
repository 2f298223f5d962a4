package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// The DuckDB references of the replay section (--duckdb): docs/bench/duckdb-bill.mjs
// run by node, with @duckdb/node-api in NODE_PATH or a node_modules above docs/bench.

// duckdbBill runs docs/bench/duckdb-bill.mjs on the trace: DuckDB computing the
// per-message PMP bill and writing it to Parquet, as `spendsim replay` does.
func (b *bench) duckdbBill(path string) (proc, error) {
	script := filepath.Join("docs", "bench", "duckdb-bill.mjs")
	if _, err := os.Stat(script); err != nil {
		return proc{}, fmt.Errorf("--duckdb: %s not found: run the bench from the module root", script)
	}
	out := filepath.Join(b.dir, "duckdb-bill.parquet")
	p, err := runProc(exec.Command("node", script, path, out))
	os.Remove(out)
	if err != nil {
		return p, fmt.Errorf("--duckdb: node %s (is @duckdb/node-api installed and in NODE_PATH?): %w", script, err)
	}
	return p, nil
}

// duckdbScan runs docs/bench/duckdb-bill.mjs --scan on the trace: DuckDB reading every
// value of every column (docs/bench/duckdb_scan.sql) and nothing else, the reference
// the decode-only pass is set beside. It checks DuckDB counted n messages.
func (b *bench) duckdbScan(path string, n int64) (proc, error) {
	script := filepath.Join("docs", "bench", "duckdb-bill.mjs")
	p, err := runProc(exec.Command("node", script, "--scan", path))
	if err != nil {
		return p, fmt.Errorf("--duckdb: node %s --scan: %w", script, err)
	}
	var res struct {
		Messages int64 `json:"messages"`
	}
	if err := json.Unmarshal(p.Stdout, &res); err != nil {
		return p, fmt.Errorf("--duckdb: node %s --scan printed %q: %w", script, p.Stdout, err)
	}
	if res.Messages != n {
		return p, fmt.Errorf("--duckdb: the DuckDB scan counted %d messages, want %d", res.Messages, n)
	}
	return p, nil
}

// Issue 14's bounds on the replay's speed, on 2 cores: the replay of the 10M trace at
// least 3× DuckDB's bill query in wall time and at 70% or more of the decode-only
// pass's speed, and the decode within 1.5× of DuckDB's full scan in CPU time.
const (
	replayOverDuckDBTarget = 3
	replayOfDecodeTarget   = 70 // percent
	decodeOverScanTarget   = 1.5
)

// duckScanLines reports the decode-only pass beside DuckDB's full scan of the same
// file: wall time of each whole process, start-up included, and CPU time, as ratios
// of one run (absolute figures move with the machine's load, ratios much less).
func duckScanLines(r *Report, sec string, decode, scan best) {
	r.add(sec, "DuckDB full scan (duckdb_scan.sql): time", scan.sec, "s", nil)
	r.add(sec, "CPU time DuckDB full scan (user+sys)", scan.cpu, "s", nil)
	r.add(sec, "decode time / DuckDB full scan time", decode.sec/scan.sec, "×", nil)
	r.add(sec, "decode CPU / DuckDB full scan CPU", decode.cpu/scan.cpu, "×", atMost(decodeOverScanTarget))
}
