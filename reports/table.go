package reports

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"
	"unsafe"

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
	// KindEnum is a string column whose values come from a fixed list (Column.Values),
	// appended by their index. In the file it is an ordinary dictionary-encoded string
	// column; the writer hands the indices to the Parquet encoder as they are, so the
	// strings are neither copied per row nor hashed back into a dictionary.
	KindEnum
)

var kindNames = [...]string{"invalid", "int64", "int32", "uint64", "float64", "string", "bool", "date", "timestamp_ms", "list<float64>", "enum"}

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
	case KindEnum:
		return enumType
	}
	return nil
}

// enumType is the file's type of an enum column; its rows are built as int32 indices.
var enumType = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

// builderType is the type rows of kind k are appended as.
func (k Kind) builderType() arrow.DataType {
	if k == KindEnum {
		return arrow.PrimitiveTypes.Int32
	}
	return k.arrowType()
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
	// Delta stores an integer column DELTA_BINARY_PACKED: ids and times that mostly
	// grow by small steps shrink to a few bits a value before compression, which is
	// then much cheaper. Every Parquet reader decodes it (it is in the format since 2.0).
	Delta bool
	// Values is the fixed vocabulary of a KindEnum column (distinct strings).
	Values []string
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

// EnumCol is a string column of the given distinct values, appended by index
// (EnumAppender): a vocabulary such as a status or a pricing category.
func EnumCol(name string, values []string) Column {
	return Column{Name: name, Kind: KindEnum, Dict: true, Values: values}
}

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

// WithDelta returns c stored DELTA_BINARY_PACKED (integer kinds), without dictionary.
func (c Column) WithDelta() Column { c.Delta, c.Dict = true, false; return c }

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
	rb  *array.RecordBuilder // bools and lists; its other builders stay unused
	// bufs holds, per column, the batch of a number, time, date, enum or string column
	// in plain slices laid out as arrow's arrays; nil for the kinds rb builds.
	bufs []batchBuf

	schema *arrow.Schema // the file's: enum columns as dictionaries
	dicts  []arrow.Array // per column: an enum's values, the same array for every batch

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
	bfields := make([]arrow.Field, len(cols))
	dicts := make([]arrow.Array, len(cols))
	index := make(map[string]int, len(cols))
	pqOpts := []parquet.WriterProperty{
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithCompressionLevel(zstdLevel),
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
		bfields[i] = arrow.Field{Name: c.Name, Type: c.Kind.builderType(), Nullable: c.Nullable}
		if c.Kind == KindEnum {
			d, err := enumDictionary(c)
			if err != nil {
				for _, d := range dicts[:i] {
					if d != nil {
						d.Release()
					}
				}
				return nil, fmt.Errorf("reports: %s: %w", path, err)
			}
			dicts[i] = d
			// No min/max statistics: pqarrow would compute them by hashing every batch's
			// indices (compute.Unique, a twentieth of a replay's CPU), and the bounds of a
			// handful of words prune nothing.
			pqOpts = append(pqOpts, parquet.WithStatsFor(c.Name, false))
		}
		if c.Kind == KindString && !c.Dict {
			// Ids (users, message ids): their min and max prune nothing, and computing
			// them costs a comparison per row.
			pqOpts = append(pqOpts, parquet.WithStatsFor(c.Name, false))
		}
		switch {
		case c.Delta && (c.Kind == KindInt64 || c.Kind == KindInt32 || c.Kind == KindTimestampMillis):
			pqOpts = append(pqOpts, parquet.WithDictionaryFor(c.Name, false),
				parquet.WithEncodingFor(c.Name, parquet.Encodings.DeltaBinaryPacked))
		case c.Delta:
			return nil, fmt.Errorf("reports: %s: column %q is %s; delta encoding is for integer columns", path, c.Name, c.Kind)
		case c.Dict:
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
		batch: opts.BatchRows, schema: schema, dicts: dicts,
	}
	w.fw, err = pqarrow.NewFileWriter(schema, w.buf, parquet.NewWriterProperties(pqOpts...),
		pqarrow.NewArrowWriterProperties())
	if err != nil {
		w.Abort()
		return nil, fmt.Errorf("reports: %s: %w", path, err)
	}
	w.rb = array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(bfields, nil))
	w.bufs = make([]batchBuf, len(cols))
	for i, c := range cols {
		switch c.Kind {
		case KindInt64, KindTimestampMillis:
			w.bufs[i] = &fixedCol[int64]{}
		case KindInt32, KindDate, KindEnum:
			w.bufs[i] = &fixedCol[int32]{}
		case KindUint64:
			w.bufs[i] = &fixedCol[uint64]{}
		case KindFloat64:
			w.bufs[i] = &fixedCol[float64]{}
		case KindString:
			w.bufs[i] = &stringCol{}
		default:
			w.rb.Field(i).Reserve(opts.BatchRows)
			continue
		}
		w.bufs[i].reset(opts.BatchRows)
	}
	return w, nil
}

// zstdLevel is the compression level of every table: zstd's fastest. Our columns are
// dictionary indices, deltas and ids, which the fastest level compresses within a few
// percent of the default one at about half the time (messages.parquet of the 10M bench
// trace: see the commit that set it).
const zstdLevel = 1

// enumDictionary is the values of an enum column as the dictionary every batch shares.
func enumDictionary(c Column) (arrow.Array, error) {
	if len(c.Values) == 0 {
		return nil, fmt.Errorf("enum column %q has no values", c.Name)
	}
	seen := make(map[string]bool, len(c.Values))
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	for _, v := range c.Values {
		if seen[v] {
			return nil, fmt.Errorf("enum column %q lists %q twice", c.Name, v)
		}
		seen[v] = true
		b.Append(v)
	}
	return b.NewArray(), nil
}

// Path is the final name of the file.
func (w *TableWriter) Path() string { return w.path }

// Rows is the number of complete rows so far.
func (w *TableWriter) Rows() int64 { return w.rows }

// Columns returns the declared columns.
func (w *TableWriter) Columns() []Column { return w.cols }

// column returns the index of column name, which must have kind k. Asking for a
// column that does not exist or has another kind is a programming error and panics.
func (w *TableWriter) column(name string, k Kind) int {
	i, ok := w.index[name]
	if !ok {
		panic(fmt.Sprintf("reports: %s has no column %q", w.path, name))
	}
	if w.cols[i].Kind != k {
		panic(fmt.Sprintf("reports: column %q of %s is %s, not %s", name, w.path, w.cols[i].Kind, k))
	}
	return i
}

func (w *TableWriter) builder(name string, k Kind) array.Builder {
	return w.rb.Field(w.column(name, k))
}

func fixedOf[T fixedValue](w *TableWriter, name string, k Kind) *fixedCol[T] {
	return w.bufs[w.column(name, k)].(*fixedCol[T])
}

// Int64 returns the appender of an int64 column.
func (w *TableWriter) Int64(name string) *Int64Appender {
	return &Int64Appender{fixedOf[int64](w, name, KindInt64)}
}

// Int32 returns the appender of an int32 column.
func (w *TableWriter) Int32(name string) *Int32Appender {
	return &Int32Appender{fixedOf[int32](w, name, KindInt32)}
}

// Uint64 returns the appender of a uint64 column.
func (w *TableWriter) Uint64(name string) *Uint64Appender {
	return &Uint64Appender{fixedOf[uint64](w, name, KindUint64)}
}

// Float64 returns the appender of a float64 column.
func (w *TableWriter) Float64(name string) *Float64Appender {
	return &Float64Appender{fixedOf[float64](w, name, KindFloat64)}
}

// Enum returns the appender of an enum column.
func (w *TableWriter) Enum(name string) *EnumAppender {
	return &EnumAppender{fixedOf[int32](w, name, KindEnum), len(w.cols[w.index[name]].Values)}
}

// String returns the appender of a string column.
func (w *TableWriter) String(name string) *StringAppender {
	return &StringAppender{w.bufs[w.column(name, KindString)].(*stringCol)}
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
	return &DateAppender{fixedOf[int32](w, name, KindDate)}
}

// TimestampMillis returns the appender of a TIMESTAMP(MILLIS) column.
func (w *TableWriter) TimestampMillis(name string) *TimestampAppender {
	return &TimestampAppender{fixedOf[int64](w, name, KindTimestampMillis)}
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
		n := b.Len()
		if w.bufs[i] != nil {
			n = w.bufs[i].len()
		}
		if n != w.pending {
			w.err = fmt.Errorf("reports: %s: column %q has %d values in a batch of %d rows (a value was missed or appended twice before EndRow)",
				w.path, w.cols[i].Name, n, w.pending)
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
		w.work, w.done = make(chan arrow.Record, 2), make(chan struct{})
		go w.encode()
	}
	w.work <- w.record()
	w.pending = 0
	// The batch's buffers now belong to the record; size the next batch's up front
	// rather than growing them by doubling again.
	for i, f := range w.bufs {
		if f != nil {
			f.reset(w.batch)
		} else {
			w.rb.Field(i).Reserve(w.batch)
		}
	}
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

// record takes the batch out of the builders and slices, enum indices wrapped as
// dictionary arrays over the column's one dictionary: the Parquet writer then writes
// the indices as they are (the same dictionary object on every batch tells it nothing
// changed).
func (w *TableWriter) record() arrow.Record {
	cols := make([]arrow.Array, len(w.cols))
	for i, c := range w.cols {
		var a arrow.Array
		if f := w.bufs[i]; f != nil {
			a = f.array(c.Kind.builderType())
		} else {
			a = w.rb.Field(i).NewArray()
		}
		if d := w.dicts[i]; d != nil {
			ind := a
			a = array.NewDictionaryArray(enumType, ind, d)
			ind.Release()
		}
		cols[i] = a
	}
	rec := array.NewRecord(w.schema, cols, int64(w.pending))
	for _, a := range cols {
		a.Release()
	}
	return rec
}

func (w *TableWriter) release() {
	if w.rb != nil {
		w.rb.Release()
		w.rb = nil
	}
	for i, d := range w.dicts {
		if d != nil {
			d.Release()
			w.dicts[i] = nil
		}
	}
}

// fixedValue is what a fixed-width column's slice holds.
type fixedValue interface {
	int32 | int64 | uint64 | float64
}

// batchBuf is one column's batch in plain slices: a fixedCol or a stringCol.
type batchBuf interface {
	len() int
	reset(capacity int)
	array(t arrow.DataType) arrow.Array
}

// fixedCol is one batch of a fixed-width column: the values in a plain slice, and a
// validity bitmap made at the first null. Arrow's builders check their capacity and
// set a validity bit on every append; here an append is a slice append, and the
// batch becomes an array without a copy.
type fixedCol[T fixedValue] struct {
	vals  []T
	valid []byte // nil while the batch has no null; else bit i set = row i has a value
	nulls int
}

func (c *fixedCol[T]) len() int { return len(c.vals) }

func (c *fixedCol[T]) reset(capacity int) {
	c.vals, c.valid, c.nulls = make([]T, 0, capacity), nil, 0
}

func (c *fixedCol[T]) appendNull() {
	c.nulls++
	c.valid = clearBit(c.valid, len(c.vals), cap(c.vals))
	var zero T
	c.vals = append(c.vals, zero)
}

// array hands the batch to an arrow array of type t (of T's width); c must be reset
// before the next append.
func (c *fixedCol[T]) array(t arrow.DataType) arrow.Array {
	return newArray(t, len(c.vals), c.nulls, c.valid, bytesOf(c.vals))
}

// stringCol is one batch of a string column: the bytes of its values one after
// another, and where each ends (an arrow string array's own layout).
type stringCol struct {
	offsets []int32 // value i is data[offsets[i]:offsets[i+1]]; offsets[0] = 0
	data    []byte
	valid   []byte
	nulls   int
}

func (c *stringCol) len() int { return len(c.offsets) - 1 }

func (c *stringCol) reset(capacity int) {
	c.offsets = append(make([]int32, 0, capacity+1), 0)
	c.data, c.valid, c.nulls = make([]byte, 0, 16*capacity), nil, 0
}

func (c *stringCol) append(v string) {
	if len(c.data)+len(v) > math.MaxInt32 {
		panic(fmt.Sprintf("reports: a batch of a string column passed %d bytes", math.MaxInt32))
	}
	c.data = append(c.data, v...)
	c.offsets = append(c.offsets, int32(len(c.data)))
}

func (c *stringCol) appendNull() {
	c.nulls++
	c.valid = clearBit(c.valid, c.len(), cap(c.offsets)-1)
	c.offsets = append(c.offsets, int32(len(c.data)))
}

func (c *stringCol) array(t arrow.DataType) arrow.Array {
	return newArray(t, c.len(), c.nulls, c.valid, bytesOf(c.offsets), c.data)
}

// clearBit marks row i null in a validity bitmap, made with every bit of capacity
// rows set at the batch's first null. A batch never holds more rows than the
// capacity its slices were reset to (EndRow flushes at BatchRows).
func clearBit(valid []byte, i, capacity int) []byte {
	if valid == nil {
		valid = make([]byte, (capacity+7)/8)
		for k := range valid {
			valid[k] = 0xff
		}
	}
	valid[i/8] &^= 1 << (i % 8)
	return valid
}

// newArray is an arrow array of type t over the given buffers, without a copy.
func newArray(t arrow.DataType, n, nulls int, valid []byte, bufs ...[]byte) arrow.Array {
	buffers := []*memory.Buffer{nil}
	if nulls > 0 {
		buffers[0] = memory.NewBufferBytes(valid)
	}
	for _, b := range bufs {
		buffers = append(buffers, memory.NewBufferBytes(b))
	}
	data := array.NewData(t, n, buffers, nil, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// bytesOf is the memory of vals, shared.
func bytesOf[T fixedValue](vals []T) []byte {
	if len(vals) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&vals[0])), len(vals)*int(unsafe.Sizeof(vals[0])))
}

// FixedAppender appends to a column of a fixed-width kind, by value.
type FixedAppender[T fixedValue] struct{ c *fixedCol[T] }

func (a *FixedAppender[T]) Append(v T)  { a.c.vals = append(a.c.vals, v) }
func (a *FixedAppender[T]) AppendNull() { a.c.appendNull() }

type (
	Int64Appender   = FixedAppender[int64]   // an int64 column
	Int32Appender   = FixedAppender[int32]   // an int32 column
	Uint64Appender  = FixedAppender[uint64]  // a uint64 column
	Float64Appender = FixedAppender[float64] // a float64 column
)

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
type StringAppender struct{ c *stringCol }

func (a *StringAppender) Append(v string) { a.c.append(v) }
func (a *StringAppender) AppendNull()     { a.c.appendNull() }

// EnumAppender appends to an enum column by index into its Values.
type EnumAppender struct {
	c *fixedCol[int32]
	n int
}

// Append stores Values[i]; an index outside Values is a programming error and panics.
func (a *EnumAppender) Append(i int) {
	if uint(i) >= uint(a.n) {
		panic(fmt.Sprintf("reports: enum index %d outside its %d values", i, a.n))
	}
	a.c.vals = append(a.c.vals, int32(i))
}
func (a *EnumAppender) AppendNull() { a.c.appendNull() }

// BoolAppender appends to a bool column.
type BoolAppender struct{ b *array.BooleanBuilder }

func (a *BoolAppender) Append(v bool) { a.b.Append(v) }
func (a *BoolAppender) AppendNull()   { a.b.AppendNull() }

// DateAppender appends to a DATE column.
type DateAppender struct{ c *fixedCol[int32] }

// Append stores the calendar day of t in t's own location: local midnight of 2026-03-29
// in São Paulo is the date 2026-03-29, whatever instant that is in UTC.
func (a *DateAppender) Append(t time.Time) { a.c.vals = append(a.c.vals, civilDays(t)) }

// AppendDays stores a date given as days since 1970-01-01.
func (a *DateAppender) AppendDays(d int32) { a.c.vals = append(a.c.vals, d) }
func (a *DateAppender) AppendNull()        { a.c.appendNull() }

// TimestampAppender appends to a TIMESTAMP(MILLIS, UTC) column.
type TimestampAppender struct{ c *fixedCol[int64] }

// Append stores the instant t, truncated to the millisecond.
func (a *TimestampAppender) Append(t time.Time) { a.c.vals = append(a.c.vals, t.UnixMilli()) }

// AppendMillis stores milliseconds since the Unix epoch.
func (a *TimestampAppender) AppendMillis(ms int64) { a.c.vals = append(a.c.vals, ms) }
func (a *TimestampAppender) AppendNull()           { a.c.appendNull() }

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
