// Package table writes and reads the Parquet tables of spendsim: every Parquet file it
// writes (runs, daily, messages, bill, forecast, shard parts, traces) goes through
// Writer, so all of them follow one policy:
//
//   - zstd at level 1 (zstd's fastest: our columns are dictionary indices, deltas and
//     ids, which it compresses within a few percent of the default level at about half
//     the time), frames without zstd's optional content checksum, as libzstd writes
//     them;
//   - created_by "spendsim <version>" (Options.Version, required), a REQUIRED root
//     (some readers reject the writer's default repeated one), row groups of at most
//     Options.RowGroupRows rows, buffered in memory until they are complete;
//   - snake_case column names (enforced) with the unit last (amount_micros,
//     first_response_p90_s);
//   - dictionary encoding only where the Column says (StringCol and EnumCol by default,
//     never times or amounts), and then for the whole column chunk: the dictionary page
//     may grow to 1 GiB instead of falling back to plain pages at arrow's 1 MiB, whose
//     footer arrow writes in a map's order (not the same bytes twice);
//     DELTA_BINARY_PACKED where it says WithDelta;
//   - no min/max statistics on id columns (strings without a dictionary) and enum
//     columns: their bounds prune nothing and cost a comparison or a hash per row;
//     every other column keeps them.
//
// Dates are Parquet DATE (the calendar day in the value's own location), instants
// TIMESTAMP(MILLIS, UTC), unsigned integers INT64 annotated unsigned, Float64ListCol a
// LIST of required DOUBLE.
//
// Files appear whole or not at all: a Writer writes under a hidden temporary name in
// the destination directory (internal/safefile) that Close syncs and renames into
// place; Abort or any error removes it. Same rows, same bytes. The first error writing
// the file (a full disk) stops the Writer at its next batch (EndRow returns it), not
// only at Close: the Parquet library drops the error of a row group's flush, so the
// file's sink keeps it.
//
// Writer streams: it buffers Options.BatchRows rows per column in plain slices laid out
// as arrow's arrays, then hands them without a copy to a background goroutine that
// encodes them into the current row group, so memory is bounded by one row group
// whatever the row count. It shares each batch's columns out among Options.Encoders
// goroutines (one per core, at most 8, by default), each column to one goroutine at a
// time and in batch order, so the bytes are the same at any count; a row group's end
// (its dictionary pages and last pages, written in column order) is the one part that
// stays on one goroutine. The encoder calls arrow's column chunk writers itself, as
// pqarrow's FileWriter.WriteBuffered would but without its general level builder
// (encode.go); the bytes are pqarrow's, which encode_test.go checks. Values go in
// through typed appenders obtained once per column; there is no reflection on the hot
// path.
//
// While it is initialised the package swaps arrow's process-wide zstd codec for one
// that reuses encoders across pages (zstd.go); the bytes written are identical to a
// fresh encoder's. It must happen before any goroutine reads Parquet, which is why it
// is not done lazily.
//
// Read hands back a file this package wrote one record batch at a time, its columns
// looked up by name and type (Batch).
//
// The package imports arrow, klauspost/compress and internal/safefile only.
package table
