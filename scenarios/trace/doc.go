// Package trace reads and writes message traces: the real (or synthetic) message logs
// that `spendsim replay` bills. The contract is docs/formats.md, "Trace": one row per
// message with ts, user, direction, type, category, country, business, entry_point,
// status, delivered_ts, message_id, as CSV with a header, JSON lines, or Parquet; and
// WhatsApp webhook logs, one payload per line in any shape platforms log them (the
// Cloud API envelope, one change, a bare value, On-Premises payloads). The statuses of
// a business message are merged by message id into one record whatever their order
// in the log, so a log's line order changes nothing but Line; Record.Meta keeps
// Meta's own pricing word for word (details in webhook.go).
//
// Readers stream: memory is bounded by one row (CSV, JSON lines), a ring of a few
// batches of row groups (Parquet: decoded on several cores, handed out in the file's
// order, errors at the row they belong to; parquet_decode.go), or one sort chunk (Sort, and webhook logs: their statuses and then
// their records go through the external sort), never by the file. Open picks the
// format, and every format goes through the same pipeline: parse and validate a row →
// sort (if asked) → reply chains (mappings) → user/country rule → time order →
// de-duplication by message_id (a repeat of the same message — user, direction,
// category, told by a fingerprint kept beside each id — is dropped and counted, the
// first located in Counts.FirstDuplicate; another message under an id already read
// is a bad row: idset.go). The file is opened once: detection keeps the bytes it
// reads and the format's reader reads them first, so a FIFO, a pipe or stdin reads like
// a file (a piped Parquet file through a temporary copy; reader.go, input). A text
// trace's first bytes are looked at once for what it is not (gzip or zstd data under a
// plain name, UTF-16, a Parquet file: an error saying what to do), and a bare CR ends a
// line wherever it is, in a file of mixed line ends too (sniff.go).
//
// Every time lies in the years 1970 to 2100 and every RFC 3339 offset within ±14:00
// (timerange.go). In JSON (lines and webhooks) a key given twice in one object, or one
// that differs from a known key only in case, is a bad row (jsonkeys.go): a JSON
// decoder would silently keep one of the values.
//
// What a user has (OpenAll, input.go, multi.go): "-" reads standard input; .gz and .zst
// text traces are decompressed as they are read; a folder is read recursively, a glob
// expanded, and Hive partition folders (country=BR/) give their values to the fields a
// file has no column for. Several files are one trace: one source to the pipeline
// above, so reply chains and de-duplication cross files. Sorted files are merged by ts,
// each opened only when the merge reaches its first row (a first pass reads each
// file's first row), so memory grows with the files that overlap in time; with Sort,
// and for webhook logs, they are read one after another into the external sort.
// Record.Source is a row's file (Names), and errors name that file.
//
// The user/country rule: a row names its user's country, or its user is a possible
// phone number (the replay reads the country from it; market.CheckNumber), or — for
// ids that are not numbers — Options.DefaultCountry applies. Anything else, a
// documentation placeholder (CUSTOMER_PHONE_NUMBER, 1111111111111) included, is a bad
// row that SkipInvalid skips.
//
// Rows are validated one by one and errors name the file (as the user gave it, base
// name only), the line or row, the column, what was wrong and what was expected:
//
//	trace.csv:1203: column category: "marketting" is not one of marketing, utility, authentication
//
// Errors are *Error values. With Options.SkipInvalid a bad row is skipped and counted
// (Reader.Skipped) instead; problems with the file as a whole (a missing column, a
// truncated Parquet footer, unsorted input, I/O) always fail, and so does a trace whose
// every row was skipped: the reader says it found nothing rather than end as if the
// trace were empty.
//
// Foreign logs: a Mapping (Go struct or YAML, LoadMapping) reads any CSV log by naming
// the source column of each field, time layouts, value translations, constants and a
// reply-chain rule for logs where business rows name the message they answer rather
// than the customer. testdata/twcs.yaml maps the public "Customer Support on Twitter"
// dataset:
//
//	m, err := trace.LoadMapping("twcs.yaml")
//	r, err := trace.Open("twcs.csv", trace.Options{Mapping: m, Sort: true, SkipInvalid: true})
//
// Writer writes the contract back out (CSV, JSON lines or Parquet), so a synthetic run
// can be saved as a trace and replayed or shared. It writes whole files or nothing
// (internal/safefile), and Parquet through internal/table, with the policy of every
// Parquet file spendsim writes (zstd, created_by "spendsim <version>", no statistics on
// the message_id column). Importing internal/table also swaps arrow's zstd codec for
// its pooled one before main, so no reader goroutine can race with the swap.
//
// Throughput (go test -run '^$' -bench . -benchtime 3x, 2-core AMD EPYC, 1M rows):
// CSV 2.3M rows/s at 2 allocs/row, Parquet 1.8M rows/s at 2.5 allocs/row, CSV
// through the external sort 1.3M rows/s.
package trace
