package reports

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/stats/statstest"
)

// duckQuery runs SQL in DuckDB through the npm package @duckdb/node-api (the legacy
// "duckdb" package compiles from source and is not used) and returns the rows as JSON
// objects. Node must find the package: install it in the test's working directory or
// point NODE_PATH at the node_modules that holds it.
const duckScript = `
const { DuckDBInstance } = require('@duckdb/node-api');
(async () => {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const out = [];
  for (const q of JSON.parse(process.argv[1])) {
    const r = await c.runAndReadAll(q);
    out.push(r.getRowObjectsJson());
  }
  console.log(JSON.stringify(out));
})().catch(e => { console.error(e.message); process.exit(1); });
`

// TestDuckDBReadsOutputs checks the files in a standard engine users actually query
// with. It needs node and @duckdb/node-api, so it runs only with SPENDSIM_DUCKDB=1.
func TestDuckDBReadsOutputs(t *testing.T) {
	if os.Getenv("SPENDSIM_DUCKDB") != "1" {
		t.Skip("set SPENDSIM_DUCKDB=1 (with node and @duckdb/node-api installed) to read the files back in DuckDB")
	}
	runs := statstest.SynthRuns(3, 2)
	dir := writeSimulation(t, testSimulation(runs, statstest.SynthDays(runs, 31)))
	runsPath, dailyPath := filepath.Join(dir, RunsFile), filepath.Join(dir, DailyFile)
	queries := []string{
		// 0: types as DuckDB sees them.
		`SELECT typeof(day) AS day, typeof(seed) AS seed, typeof(total_micros) AS total, typeof(run_id) AS run
		 FROM '` + dailyPath + `' d JOIN '` + runsPath + `' r USING (run_id) LIMIT 1`,
		// 1: the daily rows add up to the runs.
		`SELECT count(*) AS mismatches FROM '` + runsPath + `' r
		 JOIN (SELECT run_id, sum(messaging_micros) AS m FROM '` + dailyPath + `' GROUP BY run_id) d USING (run_id)
		 WHERE r.messaging_micros <> d.m`,
		// 2: the local calendar days.
		`SELECT min(day)::VARCHAR AS first, max(day)::VARCHAR AS last, count(*) AS n FROM '` + dailyPath + `'`,
		// 3: footer: codec and writer.
		`SELECT DISTINCT compression FROM parquet_metadata('` + runsPath + `')`,
		`SELECT created_by FROM parquet_file_metadata('` + runsPath + `')`,
		// 5: the quantile list: a DOUBLE[] of 50, element 46 (1-based) the 91st percentile.
		`SELECT typeof(first_response_quantiles_s) AS t, min(len(first_response_quantiles_s)) AS n,
		 bool_and(abs(first_response_quantiles_s[46] / (-ln(1 - 0.91) * first_response_mean_s) - 1) < 1e-9) AS q91
		 FROM '` + runsPath + `' GROUP BY ALL`,
	}
	q, err := json.Marshal(queries)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", "-e", duckScript, string(q))
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("node: %v\n%s", err, stderr)
	}
	var res [][]map[string]any
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	got := func(i int, key string) string {
		if len(res[i]) == 0 {
			t.Fatalf("query %d returned no rows", i)
		}
		return strings.TrimSpace(toString(res[i][0][key]))
	}
	for key, want := range map[string]string{"day": "DATE", "seed": "UBIGINT", "total": "BIGINT", "run": "VARCHAR"} {
		if g := got(0, key); g != want {
			t.Errorf("DuckDB type of %s = %s, want %s", key, g, want)
		}
	}
	if g := got(1, "mismatches"); g != "0" {
		t.Errorf("%s runs whose daily messaging_micros do not add up", g)
	}
	if f, l, n := got(2, "first"), got(2, "last"), got(2, "n"); f != "2026-03-01" || l != "2026-03-31" || n != "186" {
		t.Errorf("days %s..%s (%s rows), want 2026-03-01..2026-03-31 (186)", f, l, n)
	}
	if len(res[3]) != 1 || toString(res[3][0]["compression"]) != "ZSTD" {
		t.Errorf("compression %v, want ZSTD only", res[3])
	}
	if g := got(4, "created_by"); g != "spendsim "+testVersion {
		t.Errorf("created_by %q", g)
	}
	if ty, n, q := got(5, "t"), got(5, "n"), got(5, "q91"); ty != "DOUBLE[]" || n != "50" || q != "true" {
		t.Errorf("first_response_quantiles_s: type %s, length %s, element 46 is the 91st percentile: %s; want DOUBLE[], 50, true", ty, n, q)
	}
}

func toString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return "null"
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}
