package reports

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
)

// Kind is the logical type of a table column.
type Kind uint8

const (
	KindInvalid Kind = iota
	KindInt64
	KindInt32
	KindUint64 // INT64 annotated unsigned (seeds)
	KindFloat64
	KindString
	KindBool
	KindDate            // DATE: a calendar day, stored as days since 1970-01-01
	KindTimestampMillis // TIMESTAMP(MILLIS, adjusted to UTC)
	KindFloat64List     // LIST of required DOUBLE (a run's quantiles); DuckDB reads DOUBLE[]
)

var kindNames = [...]string{"invalid", "int64", "int32", "uint64", "float64", "string", "bool", "date", "timestamp_ms", "list<float64>"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

func (k Kind) arrowType() arrow.DataType {
	switch k {
	case KindInt64:
		return arrow.PrimitiveTypes.Int64
	case KindInt32:
		return arrow.PrimitiveTypes.Int32
	case KindUint64:
		return arrow.PrimitiveTypes.Uint64
	case KindFloat64:
		return arrow.PrimitiveTypes.Float64
	case KindString:
		return arrow.BinaryTypes.String
	case KindBool:
		return arrow.FixedWidthTypes.Boolean
	case KindDate:
		return arrow.FixedWidthTypes.Date32
	case KindTimestampMillis:
		return arrow.FixedWidthTypes.Timestamp_ms // carries tz=UTC
	case KindFloat64List:
		return arrow.ListOfNonNullable(arrow.PrimitiveTypes.Float64)
	}
	return nil
}

// Column declares one column of a table. Build it with the Kind constructors
// (Int64Col, StringCol, ...), which pick the dictionary default for the kind.
type Column struct {
	Name     string // snake_case, unit last: "amount_micros", "first_response_p90_s"
	Kind     Kind
	Nullable bool // OPTIONAL in Parquet; otherwise REQUIRED and every row must have a value
	// Dict turns Parquet dictionary encoding on. It pays for low-cardinality columns
	// (currency, category, run_id); for high-cardinality numbers (times, amounts) the
	// dictionary overflows into plain pages anyway, so it only costs time and bytes.
	Dict bool
}

// Int64Col is a plain-encoded int64 column (amounts, counts, times).
func Int64Col(name string) Column { return Column{Name: name, Kind: KindInt64} }

// Int32Col is a plain-encoded int32 column.
func Int32Col(name string) Column { return Column{Name: name, Kind: KindInt32} }

// Uint64Col is a plain-encoded unsigned 64-bit column.
func Uint64Col(name string) Column { return Column{Name: name, Kind: KindUint64} }

// Float64Col is a plain-encoded float64 column (shares, seconds, parameter values).
func Float64Col(name string) Column { return Column{Name: name, Kind: KindFloat64} }

// StringCol is a dictionary-encoded string column: our strings are vocabularies and ids
// that repeat.
func StringCol(name string) Column { return Column{Name: name, Kind: KindString, Dict: true} }

// BoolCol is a boolean column.
func BoolCol(name string) Column { return Column{Name: name, Kind: KindBool} }

// Float64ListCol is a column holding a list of float64 per row.
func Float64ListCol(name string) Column { return Column{Name: name, Kind: KindFloat64List} }

// DateCol is a DATE column.
func DateCol(name string) Column { return Column{Name: name, Kind: KindDate} }

// TimestampMillisCol is a TIMESTAMP(MILLIS, UTC) column.
func TimestampMillisCol(name string) Column { return Column{Name: name, Kind: KindTimestampMillis} }

// WithDict returns c with dictionary encoding set to on.
func (c Column) WithDict(on bool) Column { c.Dict = on; return c }

// OrNull returns c as a nullable column.
func (c Column) OrNull() Column { c.Nullable = true; return c }

// TableOptions tunes a TableWriter. The zero value is usable except for Version.
type TableOptions struct {
	// Version is the tool version; the footer's created_by becomes "spendsim <Version>".
	Version string
	// BatchRows is how many rows are buffered per column before they are handed to the
	// Parquet encoder. Default 65536.
	BatchRows int
	// RowGroupRows is the maximum number of rows in one row group; a row group is held
	// encoded in memory until it is complete, so this bounds the writer's memory.
	// Default 1,048,576.
	RowGroupRows int64
}

const (
	defaultBatchRows    = 1 << 16
	defaultRowGroupRows = 1 << 20
)

// TableWriter streams rows into one Parquet file. Values are appended column by column
// through typed appenders obtained once before the loop (no reflection, no interface
// call per value); EndRow closes a row, and every BatchRows rows the buffered columns
// are encoded and dropped, so memory stays bounded at any row count.
//
// The file is written under a temporary name in the destination directory and renamed
// into place by Close; Abort (or any error) removes it. A reader therefore sees either
// no file or a complete one. Typical use:
//
//	w, err := reports.CreateTable(path, cols, opts)
//	if err != nil { return err }
//	defer w.Abort() // no-op once Close has succeeded
//	amount := w.Int64("amount_micros")
//	for ... { amount.Append(v); ...; if err := w.EndRow(); err != nil { return err } }
//	return w.Close()
//
// A TableWriter is not safe for concurrent use.
type TableWriter struct {
	path, tmp string
	cols      []Column
	index     map[string]int

	f   *os.File
	buf *bufio.Writer
	fw  *pqarrow.FileWriter
	rb  *array.RecordBuilder

	batch   int
	pending int   // rows appended since the last flush
	rows    int64 // rows flushed or pending
	err     error // first error; the writer is dead after it
	closed  bool

	// Batches are encoded and compressed on one background goroutine while the caller
	// fills the next one: encoding is most of a writer's cost, and a replay that
	// decodes, bills and encodes on one core leaves the other idle. One consumer keeps
	// the output order, so files are byte-identical either way.
	work  chan arrow.Record
	done  chan struct{}
	bgMu  sync.Mutex
	bgErr error
}

// encode is the background encoder: it writes every batch it is handed, in order,
// and after the first error only releases them.
func (w *TableWriter) encode() {
	defer close(w.done)
	var err error
	for rec := range w.work {
		if err == nil {
			// WriteBuffered, not Write: Write starts a row group per call, and our
			// batches are much smaller than a good row group.
			if err = w.fw.WriteBuffered(rec); err != nil {
				w.bgMu.Lock()
				w.bgErr = fmt.Errorf("reports: %s: %w", w.path, err)
				w.bgMu.Unlock()
			}
		}
		rec.Release()
	}
}

// stopEncoder hands over the last batch and waits for the encoder to finish.
func (w *TableWriter) stopEncoder() error {
	if w.work == nil {
		return nil
	}
	close(w.work)
	<-w.done
	w.work = nil
	w.bgMu.Lock()
	defer w.bgMu.Unlock()
	return w.bgErr
}

// CreateTable starts a table at path with the given columns.
func CreateTable(path string, cols []Column, opts TableOptions) (*TableWriter, error) {
	if len(cols) == 0 {
		return nil, fmt.Errorf("reports: %s: a table needs at least one column", path)
	}
	if opts.Version == "" {
		return nil, fmt.Errorf("reports: %s: TableOptions.Version is empty; it goes into created_by", path)
	}
	if opts.BatchRows <= 0 {
		opts.BatchRows = defaultBatchRows
	}
	if opts.RowGroupRows <= 0 {
		opts.RowGroupRows = defaultRowGroupRows
	}
	installPooledZstd()

	fields := make([]arrow.Field, len(cols))
	index := make(map[string]int, len(cols))
	pqOpts := []parquet.WriterProperty{
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithCreatedBy("spendsim " + opts.Version),
		// Some readers reject the writer's default (repeated) root.
		parquet.WithRootRepetition(parquet.Repetitions.Required),
		parquet.WithMaxRowGroupLength(opts.RowGroupRows),
		parquet.WithDictionaryDefault(false),
	}
	for i, c := range cols {
		t := c.Kind.arrowType()
		if t == nil {
			return nil, fmt.Errorf("reports: %s: column %q has no kind", path, c.Name)
		}
		if !snakeCase(c.Name) {
			return nil, fmt.Errorf("reports: %s: column %d name %q is not snake_case (a-z, 0-9, _; unit last: amount_micros)", path, i, c.Name)
		}
		if _, dup := index[c.Name]; dup {
			return nil, fmt.Errorf("reports: %s: column %q is declared twice", path, c.Name)
		}
		index[c.Name] = i
		fields[i] = arrow.Field{Name: c.Name, Type: t, Nullable: c.Nullable}
		if c.Dict {
			pqOpts = append(pqOpts, parquet.WithDictionaryFor(c.Name, true))
		}
	}
	schema := arrow.NewSchema(fields, nil)

	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("reports: %s: %w", path, err)
	}
	w := &TableWriter{
		path: path, tmp: f.Name(), cols: cols, index: index,
		f: f, buf: bufio.NewWriterSize(f, 1<<20),
		batch: opts.BatchRows,
	}
	w.fw, err = pqarrow.NewFileWriter(schema, w.buf, parquet.NewWriterProperties(pqOpts...),
		pqarrow.NewArrowWriterProperties())
	if err != nil {
		w.Abort()
		return nil, fmt.Errorf("reports: %s: %w", path, err)
	}
	w.rb = array.NewRecordBuilder(memory.DefaultAllocator, schema)
	w.rb.Reserve(opts.BatchRows)
	return w, nil
}

// Path is the final name of the file.
func (w *TableWriter) Path() string { return w.path }

// Rows is the number of complete rows so far.
func (w *TableWriter) Rows() int64 { return w.rows }

// Columns returns the declared columns.
func (w *TableWriter) Columns() []Column { return w.cols }

func (w *TableWriter) builder(name string, k Kind) array.Builder {
	i, ok := w.index[name]
	if !ok {
		panic(fmt.Sprintf("reports: %s has no column %q", w.path, name))
	}
	if w.cols[i].Kind != k {
		panic(fmt.Sprintf("reports: column %q of %s is %s, not %s", name, w.path, w.cols[i].Kind, k))
	}
	return w.rb.Field(i)
}

// Int64 returns the appender of an int64 column. Asking for a column that does not
// exist or has another kind is a programming error and panics.
func (w *TableWriter) Int64(name string) *Int64Appender {
	return &Int64Appender{w.builder(name, KindInt64).(*array.Int64Builder)}
}

// Int32 returns the appender of an int32 column.
func (w *TableWriter) Int32(name string) *Int32Appender {
	return &Int32Appender{w.builder(name, KindInt32).(*array.Int32Builder)}
}

// Uint64 returns the appender of a uint64 column.
func (w *TableWriter) Uint64(name string) *Uint64Appender {
	return &Uint64Appender{w.builder(name, KindUint64).(*array.Uint64Builder)}
}

// Float64 returns the appender of a float64 column.
func (w *TableWriter) Float64(name string) *Float64Appender {
	return &Float64Appender{w.builder(name, KindFloat64).(*array.Float64Builder)}
}

// String returns the appender of a string column.
func (w *TableWriter) String(name string) *StringAppender {
	return &StringAppender{w.builder(name, KindString).(*array.StringBuilder)}
}

// Float64List returns the appender of a list-of-float64 column.
func (w *TableWriter) Float64List(name string) *Float64ListAppender {
	b := w.builder(name, KindFloat64List).(*array.ListBuilder)
	return &Float64ListAppender{b, b.ValueBuilder().(*array.Float64Builder)}
}

// Bool returns the appender of a bool column.
func (w *TableWriter) Bool(name string) *BoolAppender {
	return &BoolAppender{w.builder(name, KindBool).(*array.BooleanBuilder)}
}

// Date returns the appender of a DATE column.
func (w *TableWriter) Date(name string) *DateAppender {
	return &DateAppender{w.builder(name, KindDate).(*array.Date32Builder)}
}

// TimestampMillis returns the appender of a TIMESTAMP(MILLIS) column.
func (w *TableWriter) TimestampMillis(name string) *TimestampAppender {
	return &TimestampAppender{w.builder(name, KindTimestampMillis).(*array.TimestampBuilder)}
}

// EndRow closes the current row: every column must have had exactly one value (or
// null) appended since the previous EndRow. That is checked when the batch is flushed,
// and a short column is reported by name.
func (w *TableWriter) EndRow() error {
	if w.err != nil {
		return w.err
	}
	w.pending++
	w.rows++
	if w.pending >= w.batch {
		return w.flush()
	}
	return nil
}

func (w *TableWriter) flush() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return fmt.Errorf("reports: %s: write after Close or Abort", w.path)
	}
	for i, b := range w.rb.Fields() {
		if b.Len() != w.pending {
			w.err = fmt.Errorf("reports: %s: column %q has %d values in a batch of %d rows (a value was missed or appended twice before EndRow)",
				w.path, w.cols[i].Name, b.Len(), w.pending)
			return w.err
		}
	}
	if w.pending == 0 {
		return nil
	}
	w.bgMu.Lock()
	bgErr := w.bgErr
	w.bgMu.Unlock()
	if bgErr != nil {
		w.err = bgErr
		return w.err
	}
	if w.work == nil {
		w.work, w.done = make(chan arrow.Record, 1), make(chan struct{})
		go w.encode()
	}
	w.work <- w.rb.NewRecord()
	w.pending = 0
	// NewRecord handed the buffers to rec; size the next batch's up front rather than
	// growing them by doubling again.
	w.rb.Reserve(w.batch)
	return nil
}

// Close flushes the last rows, writes the footer, syncs the file and renames it to its
// final name. On any error the temporary file is removed and the error returned.
func (w *TableWriter) Close() error {
	if w.closed {
		if w.err != nil {
			return w.err
		}
		return nil
	}
	err := w.flush()
	if bgErr := w.stopEncoder(); err == nil {
		err = bgErr
	}
	if err == nil {
		if err = w.fw.Close(); err != nil {
			err = fmt.Errorf("reports: %s: %w", w.path, err)
		}
	}
	if err == nil {
		err = commitTemp(w.f, w.buf, w.path)
	}
	w.closed = true
	w.release()
	if err != nil {
		w.err = err
		w.f.Close()
		os.Remove(w.tmp)
		return err
	}
	return nil
}

// Abort discards the table: the temporary file is removed and nothing appears under the
// final name. It is safe to call after Close (then it does nothing) and more than once.
func (w *TableWriter) Abort() {
	if w.closed {
		return
	}
	w.closed = true
	if w.err == nil {
		w.err = fmt.Errorf("reports: %s: aborted", w.path)
	}
	w.stopEncoder() // its error no longer matters: the file is being discarded
	w.release()
	w.f.Close()
	os.Remove(w.tmp)
}

func (w *TableWriter) release() {
	if w.rb != nil {
		w.rb.Release()
		w.rb = nil
	}
}

// Int64Appender appends to an int64 column.
type Int64Appender struct{ b *array.Int64Builder }

func (a *Int64Appender) Append(v int64) { a.b.Append(v) }
func (a *Int64Appender) AppendNull()    { a.b.AppendNull() }

// Int32Appender appends to an int32 column.
type Int32Appender struct{ b *array.Int32Builder }

func (a *Int32Appender) Append(v int32) { a.b.Append(v) }
func (a *Int32Appender) AppendNull()    { a.b.AppendNull() }

// Uint64Appender appends to a uint64 column.
type Uint64Appender struct{ b *array.Uint64Builder }

func (a *Uint64Appender) Append(v uint64) { a.b.Append(v) }
func (a *Uint64Appender) AppendNull()     { a.b.AppendNull() }

// Float64Appender appends to a float64 column.
type Float64Appender struct{ b *array.Float64Builder }

func (a *Float64Appender) Append(v float64) { a.b.Append(v) }
func (a *Float64Appender) AppendNull()      { a.b.AppendNull() }

// Float64ListAppender appends to a list-of-float64 column.
type Float64ListAppender struct {
	b *array.ListBuilder
	v *array.Float64Builder
}

// Append stores vs as one row's list; nil is an empty list, not null.
func (a *Float64ListAppender) Append(vs []float64) {
	a.b.Append(true)
	a.v.AppendValues(vs, nil)
}
func (a *Float64ListAppender) AppendNull() { a.b.AppendNull() }

// StringAppender appends to a string column.
type StringAppender struct{ b *array.StringBuilder }

func (a *StringAppender) Append(v string) { a.b.Append(v) }
func (a *StringAppender) AppendNull()     { a.b.AppendNull() }

// BoolAppender appends to a bool column.
type BoolAppender struct{ b *array.BooleanBuilder }

func (a *BoolAppender) Append(v bool) { a.b.Append(v) }
func (a *BoolAppender) AppendNull()   { a.b.AppendNull() }

// DateAppender appends to a DATE column.
type DateAppender struct{ b *array.Date32Builder }

// Append stores the calendar day of t in t's own location: local midnight of 2026-03-29
// in São Paulo is the date 2026-03-29, whatever instant that is in UTC.
func (a *DateAppender) Append(t time.Time) { a.b.Append(arrow.Date32(civilDays(t))) }

// AppendDays stores a date given as days since 1970-01-01.
func (a *DateAppender) AppendDays(d int32) { a.b.Append(arrow.Date32(d)) }
func (a *DateAppender) AppendNull()        { a.b.AppendNull() }

// TimestampAppender appends to a TIMESTAMP(MILLIS, UTC) column.
type TimestampAppender struct{ b *array.TimestampBuilder }

// Append stores the instant t, truncated to the millisecond.
func (a *TimestampAppender) Append(t time.Time) { a.b.Append(arrow.Timestamp(t.UnixMilli())) }

// AppendMillis stores milliseconds since the Unix epoch.
func (a *TimestampAppender) AppendMillis(ms int64) { a.b.Append(arrow.Timestamp(ms)) }
func (a *TimestampAppender) AppendNull()           { a.b.AppendNull() }

// snakeCase reports whether name is a lowercase identifier: every engine (DuckDB,
// Spark, pandas) then takes it without quoting.
func snakeCase(name string) bool {
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// civilDays is the number of days from 1970-01-01 to t's calendar date in t's location.
func civilDays(t time.Time) int32 {
	y, m, d := t.Date()
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}
