-- The per-message PMP 2025 bill of a trace (docs/formats.md, "Trace"), as a DuckDB query:
-- the reference spendsim's replay is timed against (README, Performance). On a trace of
-- the markets below it gives every business message the pricing type, billable flag and
-- amount that `spendsim replay --pricing pmp-2025` gives it (rn is the row's place in
-- the file from 1, messages.parquet's `line`), by these rules of docs/billing.md:
--   - Delivery: only a delivered (or read) business message is charged or answers an
--     ad; from 2025-04-01 a marketing template to a +1 number is not delivered (US
--     marketing templates).
--   - Which time: a business message is evaluated at delivered_ts when given, else ts;
--     each (number, user) pair's messages are taken in that order, ties in file order.
--   - Customer service window: open strictly before 24 h after the pair's latest user
--     message; a utility template delivered while it is open is free.
--   - Free entry points: the first delivered business message after an ad or Page
--     message (entry_point ctwa or page_cta; a newer one replaces an unanswered one)
--     answers it; strictly within 24 h it opens a 72-hour window at that reply unless
--     one is open (a reply inside a window does not extend it); every business message
--     delivered inside it is free.
--   - PMP 2025: other delivered templates pay their category's list rate in the
--     recipient's market on the 2025-07-01 card, at any date; free-form messages are
--     free.
-- It leaves out: markets other than the calling codes +55, +91, +52, +49 and +1 (all
-- else is "Other"), and every +1 number is taken for the United States (it reads no
-- `country` column and no Canadian or Caribbean area code); volume tiers (spendsim
-- applies none without --tiers); authentication-international (none without
-- --auth-intl-from); other eras, and CBP conversations carried into 2025-07-01;
-- repeated message ids; time zones other than UTC (spendsim's default); the checks
-- spendsim makes of every row.
-- :trace and :out are replaced by the runner (docs/bench/duckdb-bill.mjs).
COPY (
  WITH RECURSIVE m AS (
    SELECT *, file_row_number + 1 AS rn, coalesce(business, 'default') AS number,
      coalesce(delivered_ts, ts) AS eval_ts,
      direction = 'business' AND status IN ('delivered', 'read')
        AND NOT ("user" LIKE '1%' AND type = 'template' AND category = 'marketing'
                 AND coalesce(delivered_ts, ts) >= TIMESTAMPTZ '2025-04-01 00:00:00+00') AS delivered,
      direction = 'user' AND entry_point IN ('ctwa', 'page_cta') AS ad
    FROM read_parquet(':trace', file_row_number = true)
  ),
  -- One pass over each pair in billing order: the latest user message, and the ad
  -- message still waiting for an answer: the latest ad or delivered business message
  -- before this one, if it is an ad (-infinity if it is a reply: nothing is waiting).
  w AS (
    SELECT *,
      max(CASE WHEN direction = 'user' THEN eval_ts END) OVER (pair ROWS UNBOUNDED PRECEDING) AS last_user,
      last_value(CASE WHEN ad THEN eval_ts WHEN delivered THEN TIMESTAMPTZ '-infinity' END IGNORE NULLS)
        OVER (pair ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS waiting_ad
    FROM m
    WINDOW pair AS (PARTITION BY number, "user" ORDER BY eval_ts, rn)
  ),
  b AS (
    SELECT *,
      CASE WHEN "user" LIKE '55%' THEN 'Brazil' WHEN "user" LIKE '91%' THEN 'India'
           WHEN "user" LIKE '52%' THEN 'Mexico' WHEN "user" LIKE '49%' THEN 'Germany'
           WHEN "user" LIKE '1%' THEN 'North America' ELSE 'Other' END AS market,
      last_user IS NOT NULL AND eval_ts < last_user + INTERVAL 24 HOUR AS in_csw,
      -- the first delivered reply to the pending ad message, in time to open a window
      delivered AND eval_ts < waiting_ad + INTERVAL 24 HOUR AS answers
    FROM w WHERE direction = 'business'
  ),
  -- The timely replies of each pair in order, each with the first that comes when a
  -- window it would open has ended.
  c AS (
    SELECT number, "user", eval_ts AS t, rn,
      row_number() OVER (PARTITION BY number, "user" ORDER BY eval_ts, rn) AS i
    FROM b WHERE answers
  ),
  n AS (
    SELECT c.*, nx.i AS next_i
    FROM c ASOF LEFT JOIN c nx
      ON nx.number = c.number AND nx."user" = c."user" AND nx.t >= c.t + INTERVAL 72 HOUR
  ),
  -- The windows that open: a pair's first timely reply, then the next after each ends.
  opened AS (
    SELECT number, "user", t, rn, next_i FROM n WHERE i = 1
    UNION ALL
    SELECT n.number, n."user", n.t, n.rn, n.next_i
    FROM opened o JOIN n ON n.number = o.number AND n."user" = o."user" AND n.i = o.next_i
  ),
  p AS (
    SELECT b.*,
      CASE WHEN NOT b.delivered THEN NULL
           WHEN o.t IS NOT NULL THEN 'free_entry_point'
           WHEN b.type <> 'template' OR (b.category = 'utility' AND b.in_csw) THEN 'free_customer_service'
           ELSE 'regular' END AS pricing_type
    -- the window this message comes in, if any: opened by it or before it in billing
    -- order, and not yet ended (windows of a pair never overlap)
    FROM b LEFT JOIN opened o
      ON o.number = b.number AND o."user" = b."user"
        AND {'t': o.t, 'rn': o.rn} <= {'t': b.eval_ts, 'rn': b.rn}
        AND b.eval_ts < o.t + INTERVAL 72 HOUR
  ),
  rates(market, category, micros) AS (VALUES
    ('Brazil', 'marketing', 62500), ('Brazil', 'utility', 6800), ('Brazil', 'authentication', 6800),
    ('Germany', 'marketing', 136500), ('Germany', 'utility', 55000), ('Germany', 'authentication', 55000),
    ('India', 'marketing', 10700), ('India', 'utility', 1400), ('India', 'authentication', 1400),
    ('Mexico', 'marketing', 43600), ('Mexico', 'utility', 8500), ('Mexico', 'authentication', 8500),
    ('North America', 'marketing', 25000), ('North America', 'utility', 4000), ('North America', 'authentication', 4000),
    ('Other', 'marketing', 60400), ('Other', 'utility', 7700), ('Other', 'authentication', 7700))
  SELECT p.rn, p.ts, p."user", p.category, p.market, p.pricing_type,
         coalesce(p.pricing_type = 'regular', false) AS billable,
         CASE WHEN p.pricing_type = 'regular' THEN r.micros ELSE 0 END AS amount_micros
  FROM p LEFT JOIN rates r ON r.market = p.market AND r.category = p.category
) TO ':out' (FORMAT parquet, COMPRESSION zstd);
