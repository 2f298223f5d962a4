-- The per-message PMP 2025 bill of a trace (docs/formats.md, "Trace"), as a DuckDB query:
-- the reference spendsim's replay is timed against (README, Performance). It applies the
-- same core rules as `spendsim replay --pricing pmp-2025` for traces without entry
-- points or tiers: only delivered (or read) business templates are charged, at the
-- recipient market's 2025-07-01 list rate; utility templates inside the customer
-- service window (24 h from the pair's latest user message, evaluated at delivery time)
-- are free; marketing to +1 numbers is not delivered. Markets come from the calling
-- code of the five countries the benchmark trace uses. :trace and :out are replaced by
-- the runner (docs/bench/duckdb-bill.mjs).
COPY (
  WITH m AS (
    SELECT *, row_number() OVER () AS rn, coalesce(delivered_ts, ts) AS eval_ts
    FROM read_parquet(':trace')
  ),
  w AS (
    SELECT *, max(CASE WHEN direction = 'user' THEN ts END) OVER (
        PARTITION BY business, "user" ORDER BY eval_ts, rn
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS last_user
    FROM m
  ),
  b AS (
    SELECT *,
      CASE WHEN "user" LIKE '55%' THEN 'Brazil' WHEN "user" LIKE '91%' THEN 'India'
           WHEN "user" LIKE '52%' THEN 'Mexico' WHEN "user" LIKE '49%' THEN 'Germany'
           WHEN "user" LIKE '1%' THEN 'North America' ELSE 'Other' END AS market,
      status IN ('delivered', 'read')
        AND NOT ("user" LIKE '1%' AND category = 'marketing') AS delivered,
      last_user IS NOT NULL AND eval_ts < last_user + INTERVAL 24 HOUR AS in_csw
    FROM w WHERE direction = 'business'
  ),
  rates(market, category, micros) AS (VALUES
    ('Brazil', 'marketing', 62500), ('Brazil', 'utility', 6800), ('Brazil', 'authentication', 6800),
    ('Germany', 'marketing', 136500), ('Germany', 'utility', 55000), ('Germany', 'authentication', 55000),
    ('India', 'marketing', 10700), ('India', 'utility', 1400), ('India', 'authentication', 1400),
    ('Mexico', 'marketing', 43600), ('Mexico', 'utility', 8500), ('Mexico', 'authentication', 8500),
    ('North America', 'marketing', 25000), ('North America', 'utility', 4000), ('North America', 'authentication', 4000),
    ('Other', 'marketing', 60400), ('Other', 'utility', 7700), ('Other', 'authentication', 7700))
  SELECT b.rn, b.ts, b."user", b.category, b.market,
         b.delivered AND b.type = 'template' AND NOT (b.category = 'utility' AND b.in_csw) AS billable,
         CASE WHEN b.delivered AND b.type = 'template' AND NOT (b.category = 'utility' AND b.in_csw)
              THEN r.micros ELSE 0 END AS amount_micros
  FROM b LEFT JOIN rates r ON r.market = b.market AND r.category = b.category
) TO ':out' (FORMAT parquet, COMPRESSION zstd);
