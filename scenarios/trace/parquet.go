package trace

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"

	"github.com/spendsim/spendsim/model"
)

// parquetBatchRows is the rows decoded at a time within a row group.
const parquetBatchRows = 64 << 10

// Budgets for decoding one batch. Arrow v17 can spin forever on a corrupt data page
// of a required column (the record reader reads zero values and tries again; found
// by FuzzParquet), and trusts page headers' sizes. Every turn of that loop allocates
// through the Arrow allocator, so a budget there turns the hang into an error. A good
// batch makes a few thousand allocations even with tiny pages.
const (
	maxBatchAllocs = 20_000
	maxBatchBytes  = 2 << 30
)

// budgetAllocator panics (recovered in next) when a batch exceeds its budget. It is
// armed only while this goroutine decodes: a panic on arrow's own goroutines (it
// opens column readers on an errgroup) could not be recovered.
type budgetAllocator struct {
	memory.Allocator
	armed         atomic.Bool
	count, nbytes atomic.Int64
}

type errBudget struct{}

func (errBudget) Error() string {
	return "decoding one batch exceeded its allocation budget (a corrupt page?)"
}

func (a *budgetAllocator) charge(n int) {
	if a.armed.Load() && (a.count.Add(1) > maxBatchAllocs || a.nbytes.Add(int64(n)) > maxBatchBytes) {
		a.armed.Store(false)
		panic(errBudget{})
	}
}

func (a *budgetAllocator) Allocate(n int) []byte {
	a.charge(n)
	return a.Allocator.Allocate(n)
}

func (a *budgetAllocator) Reallocate(n int, b []byte) []byte {
	a.charge(n)
	return a.Allocator.Reallocate(n, b)
}

func (a *budgetAllocator) arm() {
	a.count.Store(0)
	a.nbytes.Store(0)
	a.armed.Store(true)
}

// parquetSource reads one row group at a time (a batch crossing row groups on a
// dictionary column fails in arrow v17) in batches of parquetBatchRows, only the
// contract's columns, with buffered page streams so memory follows the batch, not
// the row group.
type parquetSource struct {
	f      *os.File
	pf     *file.Reader
	fr     *pqarrow.FileReader
	mem    *budgetAllocator
	b      *builder
	leaves []int           // leaf column indexes to read
	names  [nFields]string // column present in the file, else ""

	rg, nrg int
	size    int64 // file size
	rr      pqarrow.RecordReader
	cols    [nFields]pqCol
	i, n    int
	row     int64
	fl      fields
	keep    stringArena
}

func (s *parquetSource) builder() *builder { return s.b }

func openParquet(path, name string) (src source, err error) {
	fail := func(format string, a ...any) error {
		return &Error{File: name, Msg: fmt.Sprintf(format, a...)}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() {
		if p := recover(); p != nil {
			err = fail("corrupt Parquet metadata: %v", p)
		}
		if err != nil {
			f.Close()
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	// Checked here so a cut-off download gets a plain answer, not a thrift error.
	var head, tail [4]byte
	if st.Size() == 0 {
		return nil, fail("empty file")
	}
	_, err1 := f.ReadAt(head[:], 0)
	_, err2 := f.ReadAt(tail[:], st.Size()-4)
	if st.Size() < 12 || err1 != nil || err2 != nil || string(head[:]) != "PAR1" {
		return nil, fail("not a Parquet file (no PAR1 magic at the start)")
	}
	if string(tail[:]) != "PAR1" {
		return nil, fail("truncated Parquet file (no PAR1 magic at the end: the footer is missing)")
	}
	mem := &budgetAllocator{Allocator: memory.DefaultAllocator}
	props := parquet.NewReaderProperties(mem)
	props.BufferedStreamEnabled = true
	pf, err := file.NewParquetReader(f, file.WithReadProps(props))
	if err != nil {
		return nil, fail("unreadable Parquet footer: %v", err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: parquetBatchRows}, mem)
	if err != nil {
		return nil, fail("unreadable Parquet schema: %v", err)
	}
	sc, err := fr.Schema()
	if err != nil {
		return nil, fail("unreadable Parquet schema: %v", err)
	}
	s := &parquetSource{f: f, pf: pf, fr: fr, mem: mem, b: newBuilder(name), nrg: pf.NumRowGroups(), size: st.Size()}
	var have []string
	for _, fl := range sc.Fields() {
		have = append(have, fl.Name)
	}
	for i, col := range fieldNames {
		idx := sc.FieldIndices(col)
		if len(idx) == 0 {
			continue
		}
		t := sc.Field(idx[0]).Type
		isTime := i == fTS || i == fDeliveredTS
		if !(isStringType(t) || isTime && t.ID() == arrow.TIMESTAMP) {
			want := "a string"
			if isTime {
				want = "a timestamp or an RFC 3339 string"
			}
			return nil, &Error{File: name, Column: col, Msg: fmt.Sprintf("has type %s, want %s", t, want)}
		}
		leaf := pf.MetaData().Schema.ColumnIndexByName(col)
		if leaf < 0 {
			return nil, &Error{File: name, Column: col, Msg: "is not a plain top-level column"}
		}
		s.leaves = append(s.leaves, leaf)
		s.names[i] = col
	}
	for _, req := range []int{fTS, fUser, fDirection} {
		if s.names[req] == "" {
			return nil, fail("missing required column %s (the file has %s)", fieldNames[req], strings.Join(have, ","))
		}
	}
	if pf.NumRows() == 0 {
		return nil, fail("no rows")
	}
	return s, nil
}

func isStringType(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.STRING, arrow.LARGE_STRING, arrow.BINARY, arrow.LARGE_BINARY:
		return true
	case arrow.DICTIONARY:
		return isStringType(t.(*arrow.DictionaryType).ValueType)
	}
	return false
}

// pqCol reads one column of the current batch, whatever its physical type.
type pqCol struct {
	arr  arrow.Array
	str  *array.String
	lstr *array.LargeString
	bin  *array.Binary
	lbin *array.LargeBinary
	ts   *array.Timestamp
	unit arrow.TimeUnit
	dict *array.Dictionary
	dv   *pqCol // dictionary values
}

func bindCol(a arrow.Array) *pqCol {
	c := &pqCol{arr: a}
	switch a := a.(type) {
	case *array.String:
		c.str = a
	case *array.LargeString:
		c.lstr = a
	case *array.Binary:
		c.bin = a
	case *array.LargeBinary:
		c.lbin = a
	case *array.Timestamp:
		c.ts = a
		c.unit = a.DataType().(*arrow.TimestampType).Unit
	case *array.Dictionary:
		c.dict = a
		c.dv = bindCol(a.Dictionary())
	}
	return c
}

// text returns row i as a string ("" if null). Arrow strings are views of the
// batch's buffers; callers copy what they keep.
func (c *pqCol) text(i int) string {
	if c == nil || c.arr == nil || c.arr.IsNull(i) {
		return ""
	}
	switch {
	case c.str != nil:
		return c.str.Value(i)
	case c.lstr != nil:
		return c.lstr.Value(i)
	case c.bin != nil:
		return string(c.bin.Value(i))
	case c.lbin != nil:
		return string(c.lbin.Value(i))
	case c.dict != nil:
		return c.dv.text(c.dict.GetValueIndex(i))
	}
	return ""
}

// time returns row i of a timestamp column in milliseconds, floored.
func (c *pqCol) time(i int) (model.Time, bool) {
	if c.ts == nil || c.arr.IsNull(i) {
		return 0, false
	}
	v := int64(c.ts.Value(i))
	switch c.unit {
	case arrow.Second:
		return model.Time(v * 1000), true
	case arrow.Microsecond:
		return model.Time(floorDiv(v, 1000)), true
	case arrow.Nanosecond:
		return model.Time(floorDiv(v, 1_000_000)), true
	}
	return model.Time(v), true
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

func (s *parquetSource) nextBatch() error {
	for {
		if s.rr != nil {
			s.mem.arm()
			ok := s.rr.Next()
			s.mem.armed.Store(false)
			if ok {
				rec := s.rr.Record()
				sc := rec.Schema()
				for i, name := range s.names {
					s.cols[i] = pqCol{}
					if name == "" {
						continue
					}
					if idx := sc.FieldIndices(name); len(idx) > 0 {
						s.cols[i] = *bindCol(rec.Column(idx[0]))
					}
				}
				s.i, s.n = 0, int(rec.NumRows())
				if s.n > 0 {
					return nil
				}
				continue
			}
			err := s.rr.Err()
			s.rr.Release()
			s.rr = nil
			// io.EOF is how v17's record reader says a row group is done.
			if err != nil && err != io.EOF {
				return &Error{File: s.b.file, Line: s.row + 1, Msg: fmt.Sprintf("corrupt Parquet data in row group %d: %v", s.rg-1, err), Err: err}
			}
		}
		if s.rg >= s.nrg {
			return io.EOF
		}
		if err := s.checkRowGroup(s.rg); err != nil {
			return &Error{File: s.b.file, Line: s.row + 1, Msg: fmt.Sprintf("corrupt Parquet row group %d: %v", s.rg, err), Err: err}
		}
		rr, err := s.fr.GetRecordReader(context.Background(), s.leaves, []int{s.rg})
		if err != nil {
			return &Error{File: s.b.file, Line: s.row + 1, Msg: fmt.Sprintf("corrupt Parquet row group %d: %v", s.rg, err), Err: err}
		}
		s.rr = rr
		s.rg++
	}
}

// checkRowGroup does here, where a panic can be recovered, what GetRecordReader
// does on an errgroup goroutine, where a panic on corrupt metadata (seen by the fuzz
// test: a column chunk without metadata) would kill the process.
func (s *parquetSource) checkRowGroup(rg int) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	rgr := s.pf.RowGroup(rg)
	md := s.pf.MetaData().RowGroup(rg)
	for _, leaf := range s.leaves {
		cc, err := md.ColumnChunk(leaf)
		if err != nil {
			return err
		}
		start, n := cc.DataPageOffset(), cc.TotalCompressedSize()
		if cc.HasDictionaryPage() && cc.DictionaryPageOffset() > 0 && start > cc.DictionaryPageOffset() {
			start = cc.DictionaryPageOffset()
		}
		if start < 4 || n < 0 || start > s.size || n > s.size-start {
			return fmt.Errorf("column chunk %d at %d+%d lies outside the file (%d bytes)", leaf, start, n, s.size)
		}
		if _, err := rgr.GetColumnPageReader(leaf); err != nil {
			return err
		}
	}
	return nil
}

func (s *parquetSource) next(r *row) (err error) {
	defer func() {
		// arrow v17 panics on some corrupt pages; a bad file must be an error.
		if p := recover(); p != nil {
			err = &Error{File: s.b.file, Line: s.row + 1, Msg: fmt.Sprintf("corrupt Parquet data: %v", p)}
		}
	}()
	if s.i >= s.n {
		if err := s.nextBatch(); err != nil {
			return err
		}
	}
	i := s.i
	s.i++
	s.row++
	f := &s.fl
	for k := range s.cols {
		f.v[k] = s.cols[k].text(i)
	}
	f.ts, f.tsSet = s.cols[fTS].time(i)
	f.delivered, f.deliveredSet = s.cols[fDeliveredTS].time(i)
	if s.cols[fDeliveredTS].ts != nil && !f.deliveredSet {
		f.deliveredSet = true // a null timestamp: delivered at ts
	}
	// The kept strings are copied out of arrow's buffers, which the next batch reuses.
	f.v[fUser] = s.keep.copy(f.v[fUser])
	f.v[fMessageID] = s.keep.copy(f.v[fMessageID])
	return s.b.build(f, s.row, r)
}

// stringArena copies strings into chunks it never writes again, so the copies are
// ordinary immutable strings at one allocation per chunk rather than one per row.
// A chunk lives as long as any string in it (a replay's reorder buffer holds a few).
type stringArena struct {
	buf []byte
}

const arenaChunkBytes = 64 << 10

func (a *stringArena) copy(s string) string {
	if len(s) == 0 {
		return ""
	}
	if len(s) > cap(a.buf)-len(a.buf) {
		if len(s) > arenaChunkBytes/4 {
			return strings.Clone(s) // a long id: its own allocation
		}
		a.buf = make([]byte, 0, arenaChunkBytes)
	}
	n := len(a.buf)
	a.buf = append(a.buf, s...)
	return unsafe.String(&a.buf[n], len(s))
}

func (s *parquetSource) close() error {
	if s.rr != nil {
		func() {
			defer func() { recover() }() // after a corrupt page its state is unknown
			s.rr.Release()
		}()
		s.rr = nil
	}
	return s.pf.Close() // closes f
}
