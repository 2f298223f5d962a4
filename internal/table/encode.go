package table

import (
	"context"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/metadata"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
)

// batchWriter encodes a Writer's batches into the file, in order.
type batchWriter interface {
	write(rec arrow.Record) error
	close() error // ends the last row group and writes the footer
}

// pqarrowWriter is pqarrow's FileWriter, the reference chunks must match byte for byte
// (Options.viaPqarrow; only the tests use it).
type pqarrowWriter struct{ fw *pqarrow.FileWriter }

func newPqarrowWriter(schema *arrow.Schema, sink io.Writer, props *parquet.WriterProperties) (batchWriter, error) {
	fw, err := pqarrow.NewFileWriter(schema, sink, props, pqarrow.NewArrowWriterProperties())
	return pqarrowWriter{fw}, err
}

// WriteBuffered, not Write: Write starts a row group per call, and our batches are
// much smaller than a good row group.
func (p pqarrowWriter) write(rec arrow.Record) error { return p.fw.WriteBuffered(rec) }
func (p pqarrowWriter) close() error                 { return p.fw.Close() }

// chunks writes batches into buffered row groups through arrow's column chunk writers,
// calling them exactly as pqarrow's FileWriter.WriteBuffered does (same writers, same
// batches, same levels), so the file is byte-for-byte what pqarrow writes. It skips
// pqarrow's general level builder, which walks every column's validity bitmap to
// build definition levels through a pooled buffer per batch: our columns are flat, so
// a column's levels are a shared run of ones when its batch has no null (most of
// them) and a plain loop over the bitmap otherwise. Strings go to their column writer
// directly, through one reused slice of values instead of a new one per batch.
type chunks struct {
	fw      *file.Writer
	rgw     file.BufferedRowGroupWriter // nil before the first batch
	rgRows  int64                       // rows in rgw
	maxRows int64
	cols    []Column

	ones  []int16 // definition levels of a batch without nulls; never written to
	zeros []int16 // definition levels of a batch of nulls; never written to

	// encoders holds one scratch per goroutine that encodes a batch's columns: with
	// more than one, the columns of each batch are shared out among that many
	// goroutines (encodeColumns), ids and times first as they cost the most.
	encoders []*encoder
	order    []int   // the columns in the order they are handed out
	errs     []error // per column, the error of the batch's write
}

// encoder is what one goroutine reuses from batch to batch to encode columns.
type encoder struct {
	ctx    context.Context // pqarrow's write context, for the columns it writes; its buffers are its own
	levels []int16         // scratch definition levels of a batch with nulls
	values []parquet.ByteArray
}

// newChunks starts a file of the given arrow schema on sink, as pqarrow.NewFileWriter
// does (its schema conversion, no key-value metadata).
func newChunks(schema *arrow.Schema, cols []Column, sink io.Writer, props *parquet.WriterProperties, batch, encoders int) (batchWriter, error) {
	arrProps := pqarrow.NewArrowWriterProperties()
	pqSchema, err := pqarrow.ToParquet(schema, props, arrProps)
	if err != nil {
		return nil, err
	}
	fw := file.NewParquetWriter(sink, pqSchema.Root(), file.WithWriterProps(props),
		file.WithWriteMetadata(make(metadata.KeyValueMetadata, 0)))
	ones := make([]int16, batch)
	for i := range ones {
		ones[i] = 1
	}
	c := &chunks{fw: fw, maxRows: props.MaxRowGroupLength(), cols: cols, ones: ones, zeros: make([]int16, batch),
		errs: make([]error, len(cols))}
	if encoders <= 0 {
		encoders = min(runtime.GOMAXPROCS(0), maxEncoders)
	}
	for range max(1, min(encoders, len(cols))) {
		c.encoders = append(c.encoders, &encoder{ctx: pqarrow.NewArrowWriteContext(context.TODO(), &arrProps)})
	}
	for _, heavy := range []bool{true, false} {
		for i, col := range cols {
			if costly(col) == heavy {
				c.order = append(c.order, i)
			}
		}
	}
	return c, nil
}

// maxEncoders bounds the default number of encoding goroutines: each holds a zstd
// encoder's history while it compresses, and a batch waits for its costliest column
// (message ids, in a replay), so more goroutines than that gain little.
const maxEncoders = 8

// costly tells the columns that cost the most to encode: strings without a dictionary
// (ids: their bytes are most of a file's) and delta-encoded integers (times, lines).
func costly(c Column) bool { return (c.Kind == KindString && !c.Dict) || c.Delta }

// write adds a batch to the current row group, starting a new one whenever it holds
// maxRows rows, as WriteBuffered splits a record.
func (c *chunks) write(rec arrow.Record) error {
	n := rec.NumRows()
	for off := int64(0); off < n; {
		if c.rgw == nil || c.rgRows == c.maxRows {
			if err := c.newRowGroup(); err != nil {
				return err
			}
		}
		k := min(n-off, c.maxRows-c.rgRows)
		if err := c.encodeColumns(rec, off, k); err != nil {
			return err
		}
		c.rgRows += k
		off += k
	}
	return nil
}

// encodeColumns writes rows [off, off+k) of every column of rec into the current row
// group. With several encoders the columns are handed out one at a time to that many
// goroutines: each column writer is used by one goroutine at a time and gets its
// batches in order (this one waits for all of them before the next batch), so the
// bytes are the same at any number of encoders. The error returned is the first
// column's, in column order.
func (c *chunks) encodeColumns(rec arrow.Record, off, k int64) error {
	if len(c.encoders) == 1 {
		for i := range c.cols {
			if err := c.encodeSlice(c.encoders[0], rec, i, off, k); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		next atomic.Int32
		wg   sync.WaitGroup
	)
	for _, e := range c.encoders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := int(next.Add(1)) - 1; j < len(c.order); j = int(next.Add(1)) - 1 {
				i := c.order[j]
				c.errs[i] = c.encodeSlice(e, rec, i, off, k)
			}
		}()
	}
	wg.Wait()
	for i, err := range c.errs {
		if err != nil {
			clear(c.errs[i:])
			return err
		}
	}
	return nil
}

// encodeSlice writes rows [off, off+k) of rec's column i.
func (c *chunks) encodeSlice(e *encoder, rec arrow.Record, i int, off, k int64) error {
	a := rec.Column(i)
	if off == 0 && k == rec.NumRows() {
		return c.writeColumn(e, i, a)
	}
	a = array.NewSlice(a, off, off+k)
	defer a.Release()
	return c.writeColumn(e, i, a)
}

func (c *chunks) newRowGroup() error {
	if c.rgw != nil {
		if err := c.rgw.Close(); err != nil {
			return err
		}
	}
	c.rgw, c.rgRows = c.fw.AppendBufferedRowGroup(), 0
	return nil
}

// writeColumn writes column i's part of a batch.
func (c *chunks) writeColumn(e *encoder, i int, a arrow.Array) error {
	cw, err := c.rgw.Column(i)
	if err != nil {
		return err
	}
	nullable := c.cols[i].Nullable
	if l, ok := a.(*array.List); ok {
		return c.writeList(e, cw, l, nullable)
	}
	var def []int16
	if nullable {
		def = c.defLevels(e, a)
	}
	s, ok := a.(*array.String)
	w, isBA := cw.(*file.ByteArrayColumnChunkWriter)
	if !ok || !isBA {
		return pqarrow.WriteArrowToColumn(e.ctx, cw, a, def, nil, nullable)
	}
	// pqarrow's writeDenseArrow for a string array, with a reused values slice.
	n := s.Len()
	if cap(e.values) < n {
		e.values = make([]parquet.ByteArray, n)
	}
	values := e.values[:n]
	// A batch that is all null (meta_* of a log without Meta's pricing) needs no
	// values: the writer reads only those its validity bits mark as present.
	if s.NullN() < n {
		data, offsets := s.ValueBytes(), s.ValueOffsets()
		base := offsets[0]
		for j := range values {
			values[j] = data[offsets[j]-base : offsets[j+1]-base : offsets[j+1]-base]
		}
	}
	if !nullable || s.NullN() == 0 {
		_, err = w.WriteBatch(values, def, nil)
	} else {
		w.WriteBatchSpaced(values, def, nil, s.NullBitmapBytes(), int64(s.Data().Offset()))
	}
	return err
}

// writeList writes a batch of a list column (Float64ListCol) with the levels pqarrow's
// level builder gives it: a value at the leaf's definition level, a list's first value
// (or its only level when it is empty or null) at repetition level 0 and its others at
// 1; an empty list one level below the repeated group's, a null list two below. The
// values are the part of the child array the batch's lists cover.
func (c *chunks) writeList(e *encoder, cw file.ColumnChunkWriter, l *array.List, nullable bool) error {
	info := cw.LevelInfo()
	present, list := info.DefLevel, info.RepeatedAncestorDefLevel
	n, off := l.Len(), l.Data().Offset()
	offsets := l.Offsets()[off : off+n+1] // Offsets is the whole buffer, not the slice's
	var def, rep []int16
	for j := 0; j < n; j++ {
		switch size := offsets[j+1] - offsets[j]; {
		case nullable && l.IsNull(j):
			def, rep = append(def, list-2), append(rep, 0)
		case size == 0:
			def, rep = append(def, list-1), append(rep, 0)
		default:
			def, rep = append(def, present), append(rep, 0)
			for k := int32(1); k < size; k++ {
				def, rep = append(def, present), append(rep, 1)
			}
		}
	}
	values := array.NewSlice(l.ListValues(), int64(offsets[0]), int64(offsets[n]))
	defer values.Release()
	return pqarrow.WriteArrowToColumn(e.ctx, cw, values, def, rep, false)
}

// defLevels is a's definition levels as a top-level OPTIONAL column: 1 where a has a
// value, 0 where it is null. A batch with no null or only nulls shares one run.
func (c *chunks) defLevels(e *encoder, a arrow.Array) []int16 {
	n := a.Len()
	if n <= len(c.ones) {
		switch a.NullN() {
		case 0:
			return c.ones[:n]
		case n:
			return c.zeros[:n]
		}
	}
	if cap(e.levels) < n {
		e.levels = make([]int16, n)
	}
	levels := e.levels[:n]
	bits, off := a.NullBitmapBytes(), a.Data().Offset()
	if bits == nil {
		for j := range levels {
			levels[j] = 1
		}
		return levels
	}
	j := 0
	for ; j < n && (off+j)&7 != 0; j++ {
		levels[j] = int16(bits[(off+j)>>3] >> ((off + j) & 7) & 1)
	}
	for ; j+8 <= n; j += 8 { // a byte of the bitmap at a time
		*(*[8]int16)(levels[j:]) = bitLevels[bits[(off+j)>>3]]
	}
	for ; j < n; j++ {
		levels[j] = int16(bits[(off+j)>>3] >> ((off + j) & 7) & 1)
	}
	return levels
}

// bitLevels is the eight definition levels of each byte of a validity bitmap.
var bitLevels = func() (t [256][8]int16) {
	for b := range t {
		for k := range t[b] {
			t[b][k] = int16(b >> k & 1)
		}
	}
	return t
}()

// close ends the last row group and writes the footer.
func (c *chunks) close() error {
	if c.rgw != nil {
		if err := c.rgw.Close(); err != nil {
			return err
		}
	}
	return c.fw.Close()
}
