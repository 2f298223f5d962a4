-- DuckDB reading every value of every column of a trace, and nothing else: the
-- reference the decode-only pass of `go run ./cmd/bench` is set beside (README,
-- Performance). Each column is read in full (strlen of every string, the epoch of every
-- time: no column is left to statistics), DuckDB checking every string's UTF-8 as it
-- reads it; spendsim's decode does more per row (it validates every field against the
-- contract, applies the user/country rule and drops repeated message ids). :trace is
-- replaced by the runner (docs/bench/duckdb-bill.mjs --scan).
SELECT count(*) AS messages,
  sum(epoch_ms(ts)) + coalesce(sum(epoch_ms(delivered_ts)), 0) AS times,
  sum(strlen("user")) + sum(strlen(direction)) + coalesce(sum(strlen("type")), 0)
    + coalesce(sum(strlen(category)), 0) + coalesce(sum(strlen(country)), 0)
    + coalesce(sum(strlen(business)), 0) + coalesce(sum(strlen(entry_point)), 0)
    + coalesce(sum(strlen(status)), 0) + coalesce(sum(strlen(message_id)), 0) AS bytes
FROM read_parquet(':trace');
