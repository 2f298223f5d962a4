package table

import (
	"fmt"
	"sync"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"

	"github.com/spendsim/spendsim/internal/safefile"
)

// Options tunes a Writer. The zero value is usable except for Version.
type Options struct {
	// Version is the tool version; the footer's created_by becomes "spendsim <Version>".
	Version string
	// BatchRows is how many rows are buffered per column before they are handed to the
	// Parquet encoder. Default 65536.
	BatchRows int
	// RowGroupRows is the maximum number of rows in one row group; a row group is held
	// encoded in memory until it is complete, so this bounds the writer's memory.
	// Default 1,048,576.
	RowGroupRows int64
	// Encoders is how many goroutines encode the columns of a batch at once (each
	// column by one goroutine at a time, so the bytes are the same at any count).
	// Default: one per core (GOMAXPROCS), at most maxEncoders; never more than columns.
	Encoders int

	// viaPqarrow writes through pqarrow's FileWriter instead of chunks: the reference
	// the tests compare chunks' bytes with.
	viaPqarrow bool
}

// maxDictionaryBytes is the dictionary page a column chunk may grow to before arrow
// falls back to plain pages for the rest of it. Arrow writes the footer's page-encoding
// counts of such a chunk (dictionary and plain) in a Go map's order, which differs
// from run to run, so the same rows would not give the same bytes: the limit is far
// above arrow's 1 MiB default so that no dictionary column falls back, whatever its
// number of distinct values (a row group's dictionary holds at most its own values).
const maxDictionaryBytes = 1 << 30

const (
	defaultBatchRows    = 1 << 16
	defaultRowGroupRows = 1 << 20
)

// Writer streams rows into one Parquet file. Values are appended column by column
// through typed appenders obtained once before the loop (no reflection, no interface
// call per value); EndRow closes a row, and every BatchRows rows the buffered columns
// are encoded and dropped, so memory stays bounded at any row count.
//
// The file is written under a temporary name in the destination directory and renamed
// into place by Close; Abort (or any error) removes it. A reader therefore sees either
// no file or a complete one. Typical use:
//
//	w, err := table.Create(path, cols, opts)
//	if err != nil { return err }
//	defer w.Abort() // no-op once Close has succeeded
//	amount := w.Int64("amount_micros")
//	for ... { amount.Append(v); ...; if err := w.EndRow(); err != nil { return err } }
//	return w.Close()
//
// A Writer is not safe for concurrent use.
type Writer struct {
	path  string
	cols  []Column
	index map[string]int

	f  *safefile.File
	fw batchWriter
	rb *array.RecordBuilder // bools and lists; its other builders stay unused
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

	// Batches are encoded and compressed in the background while the caller fills the
	// next one: encoding is most of a writer's cost. One goroutine takes the batches in
	// order and shares each one's columns out among the encoders (chunks), so files are
	// byte-identical whatever the number of encoders.
	work  chan arrow.Record
	done  chan struct{}
	bgMu  sync.Mutex
	bgErr error
}

// encode is the background encoder: it writes every batch it is handed, in order,
// and after the first error only releases them.
func (w *Writer) encode() {
	defer close(w.done)
	var err error
	for rec := range w.work {
		if err == nil {
			if err = w.fw.write(rec); err != nil {
				w.bgMu.Lock()
				w.bgErr = fmt.Errorf("table: %s: %w", w.path, err)
				w.bgMu.Unlock()
			}
		}
		rec.Release()
	}
}

// sink is the file as the Parquet library writes it: it keeps the first write error
// where flush looks for the encoder's.
type sink struct{ w *Writer }

func (s sink) Write(p []byte) (int, error) {
	n, err := s.w.f.Write(p)
	if err != nil {
		s.w.bgMu.Lock()
		if s.w.bgErr == nil {
			s.w.bgErr = fmt.Errorf("table: %s: %w", s.w.path, err)
		}
		s.w.bgMu.Unlock()
	}
	return n, err
}

// stopEncoder hands over the last batch and waits for the encoder to finish.
func (w *Writer) stopEncoder() error {
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

// Create starts a table at path with the given columns.
func Create(path string, cols []Column, opts Options) (*Writer, error) {
	if len(cols) == 0 {
		return nil, fmt.Errorf("table: %s: a table needs at least one column", path)
	}
	if opts.Version == "" {
		return nil, fmt.Errorf("table: %s: Options.Version is empty; it goes into created_by", path)
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
		parquet.WithDictionaryPageSizeLimit(maxDictionaryBytes),
	}
	for i, c := range cols {
		t := c.Kind.arrowType()
		if t == nil {
			return nil, fmt.Errorf("table: %s: column %q has no kind", path, c.Name)
		}
		if !snakeCase(c.Name) {
			return nil, fmt.Errorf("table: %s: column %d name %q is not snake_case (a-z, 0-9, _; unit last: amount_micros)", path, i, c.Name)
		}
		if _, dup := index[c.Name]; dup {
			return nil, fmt.Errorf("table: %s: column %q is declared twice", path, c.Name)
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
				return nil, fmt.Errorf("table: %s: %w", path, err)
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
			return nil, fmt.Errorf("table: %s: column %q is %s; delta encoding is for integer columns", path, c.Name, c.Kind)
		case c.Dict:
			pqOpts = append(pqOpts, parquet.WithDictionaryFor(c.Name, true))
		}
	}
	schema := arrow.NewSchema(fields, nil)

	f, err := safefile.Create(path, 1<<20)
	if err != nil {
		return nil, fmt.Errorf("table: %w", err)
	}
	w := &Writer{
		path: path, cols: cols, index: index, f: f,
		batch: opts.BatchRows, schema: schema, dicts: dicts,
	}
	// safefile.File has no Close method, so the Parquet writer's Close cannot close it
	// before Commit has synced it. The sink reports its first error to the writer, which
	// stops at its next batch: the Parquet library drops the error of a row group's
	// flush, and a full disk would otherwise go unnoticed until Close.
	props := parquet.NewWriterProperties(pqOpts...)
	if opts.viaPqarrow {
		w.fw, err = newPqarrowWriter(schema, sink{w}, props)
	} else {
		w.fw, err = newChunks(schema, cols, sink{w}, props, opts.BatchRows, opts.Encoders)
	}
	if err != nil {
		w.Abort()
		return nil, fmt.Errorf("table: %s: %w", path, err)
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

// Path is the final name of the file.
func (w *Writer) Path() string { return w.path }

// Rows is the number of complete rows so far.
func (w *Writer) Rows() int64 { return w.rows }

// Columns returns the declared columns.
func (w *Writer) Columns() []Column { return w.cols }

// column returns the index of column name, which must have kind k. Asking for a
// column that does not exist or has another kind is a programming error and panics.
func (w *Writer) column(name string, k Kind) int {
	i, ok := w.index[name]
	if !ok {
		panic(fmt.Sprintf("table: %s has no column %q", w.path, name))
	}
	if w.cols[i].Kind != k {
		panic(fmt.Sprintf("table: column %q of %s is %s, not %s", name, w.path, w.cols[i].Kind, k))
	}
	return i
}

func (w *Writer) builder(name string, k Kind) array.Builder {
	return w.rb.Field(w.column(name, k))
}

func fixedOf[T fixedValue](w *Writer, name string, k Kind) *fixedCol[T] {
	return w.bufs[w.column(name, k)].(*fixedCol[T])
}

// Int64 returns the appender of an int64 column.
func (w *Writer) Int64(name string) *Int64Appender {
	return &Int64Appender{fixedOf[int64](w, name, KindInt64)}
}

// Int32 returns the appender of an int32 column.
func (w *Writer) Int32(name string) *Int32Appender {
	return &Int32Appender{fixedOf[int32](w, name, KindInt32)}
}

// Uint64 returns the appender of a uint64 column.
func (w *Writer) Uint64(name string) *Uint64Appender {
	return &Uint64Appender{fixedOf[uint64](w, name, KindUint64)}
}

// Float64 returns the appender of a float64 column.
func (w *Writer) Float64(name string) *Float64Appender {
	return &Float64Appender{fixedOf[float64](w, name, KindFloat64)}
}

// Enum returns the appender of an enum column.
func (w *Writer) Enum(name string) *EnumAppender {
	return &EnumAppender{fixedOf[int32](w, name, KindEnum), len(w.cols[w.index[name]].Values)}
}

// String returns the appender of a string column.
func (w *Writer) String(name string) *StringAppender {
	return &StringAppender{w.bufs[w.column(name, KindString)].(*stringCol)}
}

// Float64List returns the appender of a list-of-float64 column.
func (w *Writer) Float64List(name string) *Float64ListAppender {
	b := w.builder(name, KindFloat64List).(*array.ListBuilder)
	return &Float64ListAppender{b, b.ValueBuilder().(*array.Float64Builder)}
}

// Bool returns the appender of a bool column.
func (w *Writer) Bool(name string) *BoolAppender {
	return &BoolAppender{w.builder(name, KindBool).(*array.BooleanBuilder)}
}

// Date returns the appender of a DATE column.
func (w *Writer) Date(name string) *DateAppender {
	return &DateAppender{fixedOf[int32](w, name, KindDate)}
}

// TimestampMillis returns the appender of a TIMESTAMP(MILLIS) column.
func (w *Writer) TimestampMillis(name string) *TimestampAppender {
	return &TimestampAppender{fixedOf[int64](w, name, KindTimestampMillis)}
}

// EndRow closes the current row: every column must have had exactly one value (or
// null) appended since the previous EndRow. That is checked when the batch is flushed,
// and a short column is reported by name.
func (w *Writer) EndRow() error {
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

func (w *Writer) flush() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return fmt.Errorf("table: %s: write after Close or Abort", w.path)
	}
	for i, b := range w.rb.Fields() {
		n := b.Len()
		if w.bufs[i] != nil {
			n = w.bufs[i].len()
		}
		if n != w.pending {
			w.err = fmt.Errorf("table: %s: column %q has %d values in a batch of %d rows (a value was missed or appended twice before EndRow)",
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
func (w *Writer) Close() error {
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
		if err = w.fw.close(); err != nil {
			err = fmt.Errorf("table: %s: %w", w.path, err)
		}
	}
	if err == nil {
		if err = w.f.Commit(); err != nil {
			err = fmt.Errorf("table: %w", err)
		}
	}
	w.closed = true
	w.release()
	if err != nil {
		w.err = err
		w.f.Abort() // after a failed Commit it has removed the file already
		return err
	}
	return nil
}

// Abort discards the table: the temporary file is removed and nothing appears under the
// final name. It is safe to call after Close (then it does nothing) and more than once.
func (w *Writer) Abort() {
	if w.closed {
		return
	}
	w.closed = true
	if w.err == nil {
		w.err = fmt.Errorf("table: %s: aborted", w.path)
	}
	w.stopEncoder() // its error no longer matters: the file is being discarded
	w.release()
	w.f.Abort()
}

// record takes the batch out of the builders and slices, enum indices wrapped as
// dictionary arrays over the column's one dictionary: the Parquet writer then writes
// the indices as they are (the same dictionary object on every batch tells it nothing
// changed).
func (w *Writer) record() arrow.Record {
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

func (w *Writer) release() {
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
