// Times docs/bench/duckdb_pmp_bill.sql on a trace and prints the bill it computed, for
// comparing with `spendsim replay --pricing pmp-2025` on the same file; with --scan,
// times docs/bench/duckdb_scan.sql (every value of every column read, nothing else) and
// prints its sums, for comparing with the bench's decode-only pass.
//   npm install @duckdb/node-api   (ships its native library; no compiler needed)
//   node docs/bench/duckdb-bill.mjs TRACE.parquet OUT.parquet
//   node docs/bench/duckdb-bill.mjs --scan TRACE.parquet
// The package is found from this directory up, or in NODE_PATH (as `go run ./cmd/bench
// --duckdb` and the DuckDB test of reports expect).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
const { DuckDBInstance } = createRequire(import.meta.url)('@duckdb/node-api');

const args = process.argv.slice(2);
if (args[0] === '--scan') {
  const sql = readFileSync(fileURLToPath(new URL('duckdb_scan.sql', import.meta.url)), 'utf8')
    .replaceAll(':trace', args[1]);
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const t0 = process.hrtime.bigint();
  const r = await c.runAndReadAll(sql);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const row = r.getRowObjects()[0];
  console.log(JSON.stringify({ seconds: secs, messages: Number(row.messages), times: String(row.times), bytes: String(row.bytes) }));
  process.exit(0);
}
const [trace, out] = args;
const sql = readFileSync(fileURLToPath(new URL('duckdb_pmp_bill.sql', import.meta.url)), 'utf8')
  .replaceAll(':trace', trace).replaceAll(':out', out);
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
const t0 = process.hrtime.bigint();
await c.run(sql);
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const r = await c.runAndReadAll(`SELECT count(*) AS messages, sum(billable::INT) AS billable, sum(amount_micros) AS total_micros FROM read_parquet('${out}')`);
const row = r.getRowObjects()[0];
console.log(JSON.stringify({ seconds: secs, messages: Number(row.messages), billable: Number(row.billable), total_micros: String(row.total_micros) }));
