package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/model/money"
)

// The DuckDB references of the replay section (--duckdb): docs/bench/duckdb-bill.mjs
// run by node, with @duckdb/node-api in NODE_PATH or a node_modules above docs/bench.

// duckdbBill runs docs/bench/duckdb-bill.mjs on the trace: DuckDB computing the
// per-message PMP bill and writing it to Parquet, as `spendsim replay` does. It returns
// the bill DuckDB computed, for checking against the replay's (duckBillLines).
func (b *bench) duckdbBill(path string) (proc, bill, error) {
	script := filepath.Join("docs", "bench", "duckdb-bill.mjs")
	if _, err := os.Stat(script); err != nil {
		return proc{}, bill{}, fmt.Errorf("--duckdb: %s not found: run the bench from the module root", script)
	}
	out := filepath.Join(b.dir, "duckdb-bill.parquet")
	p, err := runProc(exec.Command("node", script, path, out))
	os.Remove(out)
	if err != nil {
		return p, bill{}, fmt.Errorf("--duckdb: node %s (is @duckdb/node-api installed and in NODE_PATH?): %w", script, err)
	}
	var res struct {
		Billable    int64  `json:"billable"`
		TotalMicros string `json:"total_micros"` // a string: DuckDB's sum is a HUGEINT
	}
	if err := json.Unmarshal(p.Stdout, &res); err != nil {
		return p, bill{}, fmt.Errorf("--duckdb: node %s printed %q: %w", script, p.Stdout, err)
	}
	micros, err := strconv.ParseInt(res.TotalMicros, 10, 64)
	if err != nil {
		return p, bill{}, fmt.Errorf("--duckdb: node %s printed total_micros %q: %w", script, res.TotalMicros, err)
	}
	// The query prices on the USD card (docs/bench/duckdb_pmp_bill.sql).
	return p, bill{Currency: "USD", Billable: res.Billable, Micros: micros}, nil
}

// bill is what a replay or the DuckDB reference charged for a trace: the billable
// messages and their amount.
type bill struct {
	Currency string
	Billable int64
	Micros   int64
}

func (b bill) String() string {
	return fmt.Sprintf("%s %s, %s billable", money.Cents(money.Micros(b.Micros)), b.Currency, thousands(b.Billable))
}

// readBill reads the bill from the summary.json of the replay into dir.
func readBill(dir string) (bill, error) {
	path := filepath.Join(dir, "summary.json")
	data, err := os.ReadFile(path)
	if err != nil {
		return bill{}, err
	}
	var s stats.Spend
	if err := json.Unmarshal(data, &s); err != nil {
		return bill{}, fmt.Errorf("%s: %w", path, err)
	}
	b := bill{Currency: s.Currency, Micros: s.TotalMicros}
	for _, n := range s.BillableByCategory {
		b.Billable += n
	}
	return b, nil
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

// duckBillLines reports the pmp-2025 replay beside DuckDB's reference bill query on the
// same file, and whether the two computed the same bill. The speed ratio is a fair one
// only then: a query that does less work than the replay is no reference, so when the
// bills differ the ratio is marked missed whatever it is, and a note says why.
func duckBillLines(r *Report, sec string, replay, duck best, replayBill, duckBill bill) {
	r.add(sec, "DuckDB reference query (docs/bench): time", duck.sec, "s", nil)
	r.add(sec, "replay pmp-2025: time", replay.sec, "s", nil)
	r.add(sec, "replay pmp-2025 speed / DuckDB", duck.sec/replay.sec, "×", atLeast(replayOverDuckDBTarget))
	if replayBill == duckBill {
		r.note("same bill as DuckDB: yes (%s)", replayBill)
	} else {
		r.miss()
		r.note("same bill as DuckDB: NO: the replay charged %s, DuckDB's query %s; the speed ratio compares different work and does not meet its target", replayBill, duckBill)
	}
	r.add(sec, "CPU time DuckDB (user+sys)", duck.cpu, "s", nil)
	r.add(sec, "peak RSS DuckDB", mb(duck.rss), "MB", nil)
}
