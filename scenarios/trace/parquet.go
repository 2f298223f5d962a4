package trace

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/apache/arrow/go/v17/parquet/schema"

	"github.com/spendsim/spendsim/model"
)

// parquetBatchRows is the rows decoded at a time within a row group.
const parquetBatchRows = 8 << 10

// Budgets for decoding one batch. Page headers are trusted for sizes (a corrupt one
// may ask for gigabytes), and every page goes through the allocator, so a budget
// there turns a runaway into an error. A good batch makes a few dozen allocations.
const (
	maxBatchAllocs = 20_000
	maxBatchBytes  = 2 << 30
)

// budgetAllocator panics (recovered in next) when a batch exceeds its budget. It is
// armed only while this goroutine decodes.
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

// How a column's values are read.
const (
	colText  = iota // BYTE_ARRAY: strings, and times written as RFC 3339 text
	colInt64        // INT64 timestamps, in unit
	colInt96        // INT96 timestamps (Impala, older Spark)
)

// pqColumn is one contract column of the file, read with arrow's column chunk
// readers: values come back as views of the decoded pages (dictionary-encoded
// values as views of the dictionary), so no string is copied per row but the ids
// the reader keeps.
type pqColumn struct {
	field  int // contract field
	leaf   int // leaf column index in the file
	name   string
	kind   int
	unit   arrow.TimeUnit // colInt64
	maxDef int16
	descr  *schema.Column

	// The current row group's reader, one of:
	ba  *file.ByteArrayColumnChunkReader
	i64 *file.Int64ColumnChunkReader
	i96 *file.Int96ColumnChunkReader

	// The current batch: n levels (rows), values packed densely (nulls have none).
	strs []parquet.ByteArray
	ints []int64
	i96s []parquet.Int96
	defs []int16
	vi   int // next value
}

// parquetSource reads the contract's columns one row group and one batch of
// parquetBatchRows at a time, so memory follows the batch, not the file.
type parquetSource struct {
	pf    *file.Reader
	spool string // a temporary copy of a piped file, removed on close; "" for a file
	mem   *budgetAllocator
	pool  *sync.Pool
	b     *builder
	cols  []*pqColumn

	rg, nrg int
	size    int64 // file size
	rgLeft  int64 // rows of the current row group not yet batched
	i, n    int   // the batch: next row, rows
	row     int64
	fl      fields
	keep    stringArena
	part    [nFields]string // partition values of fields without a column
}

func (s *parquetSource) builder() *builder { return s.b }

// openParquet reads a Parquet trace; part holds partition values for fields that no
// column of the file gives.
func openParquet(path, name string, part [nFields]string) (src source, err error) {
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
	// Types are judged as Arrow sees them, so the errors name the types other tools
	// show. A stored Arrow schema (ARROW:schema) is not read: it only refines types we
	// read the same either way, and arrow v17 trusts its sizes (FuzzParquet found one
	// whose corrupt schema made arrow ask for 32 GB).
	md := pf.MetaData()
	sc, err := pqarrow.FromParquet(md.Schema, &pqarrow.ArrowReadProperties{}, nil)
	if err != nil {
		return nil, fail("unreadable Parquet schema: %v", err)
	}
	s := &parquetSource{pf: pf, mem: mem, b: newBuilder(name), nrg: pf.NumRowGroups(), size: st.Size()}
	s.pool = &sync.Pool{New: func() any { return memory.NewResizableBuffer(mem) }}
	var (
		have    []string
		present [nFields]bool
	)
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
		leaf := md.Schema.ColumnIndexByName(col)
		if leaf < 0 || md.Schema.Column(leaf).MaxRepetitionLevel() > 0 {
			return nil, &Error{File: name, Column: col, Msg: "is not a plain top-level column"}
		}
		c := &pqColumn{field: i, leaf: leaf, name: col, descr: md.Schema.Column(leaf)}
		c.maxDef = c.descr.MaxDefinitionLevel()
		switch c.descr.PhysicalType() {
		case parquet.Types.ByteArray:
			c.kind = colText
			c.strs = make([]parquet.ByteArray, parquetBatchRows)
		case parquet.Types.Int64:
			c.kind, c.unit = colInt64, int64Unit(c.descr)
			c.ints = make([]int64, parquetBatchRows)
		case parquet.Types.Int96:
			c.kind = colInt96
			c.i96s = make([]parquet.Int96, parquetBatchRows)
		default:
			return nil, &Error{File: name, Column: col, Msg: fmt.Sprintf("has type %s stored as %s, want a string or a timestamp", t, c.descr.PhysicalType())}
		}
		if c.maxDef > 0 {
			c.defs = make([]int16, parquetBatchRows)
		}
		s.cols = append(s.cols, c)
		present[i] = true
	}
	for i := range part {
		if !present[i] && part[i] != "" {
			s.part[i], present[i] = part[i], true // a partition folder's value
		}
	}
	for _, req := range []int{fTS, fUser, fDirection} {
		if !present[req] {
			return nil, fail("missing required column %s (the file has %s)", fieldNames[req], strings.Join(have, ","))
		}
	}
	if pf.NumRows() == 0 {
		return nil, fail("no rows")
	}
	return s, nil
}

// int64Unit is the unit of an INT64 timestamp column, from its annotation (Arrow
// calls the column a timestamp only when it has one).
func int64Unit(c *schema.Column) arrow.TimeUnit {
	if lt, ok := c.LogicalType().(*schema.TimestampLogicalType); ok {
		switch lt.TimeUnit() {
		case schema.TimeUnitMicros:
			return arrow.Microsecond
		case schema.TimeUnitNanos:
			return arrow.Nanosecond
		}
		return arrow.Millisecond
	}
	if c.ConvertedType() == schema.ConvertedTypes.TimestampMicros {
		return arrow.Microsecond
	}
	return arrow.Millisecond
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

// openRowGroup points every column at row group rg. It does here, where a panic can
// be recovered, what would otherwise fail deep inside arrow on corrupt metadata.
func (s *parquetSource) openRowGroup(rg int) error {
	rgr := s.pf.RowGroup(rg)
	md := s.pf.MetaData().RowGroup(rg)
	if md.NumRows() < 0 {
		return fmt.Errorf("%d rows", md.NumRows())
	}
	for _, c := range s.cols {
		cc, err := md.ColumnChunk(c.leaf)
		if err != nil {
			return err
		}
		start, n := cc.DataPageOffset(), cc.TotalCompressedSize()
		if cc.HasDictionaryPage() && cc.DictionaryPageOffset() > 0 && start > cc.DictionaryPageOffset() {
			start = cc.DictionaryPageOffset()
		}
		if start < 4 || n < 0 || start > s.size || n > s.size-start {
			return fmt.Errorf("column chunk %d at %d+%d lies outside the file (%d bytes)", c.leaf, start, n, s.size)
		}
		pages, err := rgr.GetColumnPageReader(c.leaf)
		if err != nil {
			return err
		}
		cr := file.NewColumnReader(c.descr, &checkedPages{PageReader: pages, descr: c.descr, mem: s.mem, pool: s.pool}, s.mem, s.pool)
		c.ba, c.i64, c.i96 = nil, nil, nil
		var ok bool
		switch c.kind {
		case colText:
			c.ba, ok = cr.(*file.ByteArrayColumnChunkReader)
		case colInt64:
			c.i64, ok = cr.(*file.Int64ColumnChunkReader)
		case colInt96:
			c.i96, ok = cr.(*file.Int96ColumnChunkReader)
		}
		if !ok {
			return fmt.Errorf("column %s: unexpected reader %T", c.name, cr)
		}
	}
	s.rgLeft = md.NumRows()
	return nil
}

// readBatch reads n rows of column c.
func (c *pqColumn) readBatch(n int) error {
	var (
		levels int64
		values int
		err    error
		cr     file.ColumnChunkReader
	)
	switch c.kind {
	case colText:
		levels, values, err = c.ba.ReadBatch(int64(n), c.strs, c.defs, nil)
		cr = c.ba
	case colInt64:
		levels, values, err = c.i64.ReadBatch(int64(n), c.ints, c.defs, nil)
		cr = c.i64
	case colInt96:
		levels, values, err = c.i96.ReadBatch(int64(n), c.i96s, c.defs, nil)
		cr = c.i96
	}
	if err == nil {
		err = cr.Err()
	}
	if err != nil {
		return fmt.Errorf("column %s: %w", c.name, err)
	}
	if levels != int64(n) {
		return fmt.Errorf("column %s ends %d rows early", c.name, int64(n)-levels)
	}
	present := n
	if c.maxDef > 0 {
		present = 0
		for _, d := range c.defs[:n] {
			switch {
			case d == c.maxDef:
				present++
			case d > c.maxDef || d < 0:
				return fmt.Errorf("column %s: definition level %d outside 0..%d", c.name, d, c.maxDef)
			}
		}
	}
	if values != present {
		return fmt.Errorf("column %s: %d values for %d non-null rows", c.name, values, present)
	}
	c.vi = 0
	return nil
}

func (s *parquetSource) nextBatch() error {
	for s.rgLeft == 0 {
		if s.rg >= s.nrg {
			return io.EOF
		}
		if err := s.openRowGroup(s.rg); err != nil {
			return &Error{File: s.b.file, Line: s.row + 1, Msg: fmt.Sprintf("corrupt Parquet row group %d: %v", s.rg, err), Err: err}
		}
		s.rg++
	}
	n := int(min(s.rgLeft, parquetBatchRows))
	s.mem.arm()
	defer s.mem.armed.Store(false)
	for _, c := range s.cols {
		if err := c.readBatch(n); err != nil {
			return &Error{File: s.b.file, Line: s.row + 1, Msg: fmt.Sprintf("corrupt Parquet data in row group %d: %v", s.rg-1, err), Err: err}
		}
	}
	s.rgLeft -= int64(n)
	s.i, s.n = 0, n
	return nil
}

// text returns the column's value in row i of the batch as a string viewing the
// page ("" if null). Rows must be visited in order.
func (c *pqColumn) text(i int) string {
	if c.maxDef > 0 && c.defs[i] < c.maxDef {
		return ""
	}
	v := c.strs[c.vi]
	c.vi++
	if len(v) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(v), len(v))
}

// time returns the column's value in row i in milliseconds, floored; false if null.
func (c *pqColumn) time(i int) (model.Time, bool) {
	if c.maxDef > 0 && c.defs[i] < c.maxDef {
		return 0, false
	}
	if c.kind == colInt96 {
		t := c.i96s[c.vi].ToTime()
		c.vi++
		return model.Time(t.UnixMilli()), true
	}
	v := c.ints[c.vi]
	c.vi++
	switch c.unit {
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

func (s *parquetSource) next(r *row) (err error) {
	defer func() {
		// arrow v17 panics on some corrupt pages; a bad file must be an error.
		if p := recover(); p != nil {
			s.mem.armed.Store(false)
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
	f.tsSet, f.deliveredSet = false, false
	f.v = s.part
	for _, c := range s.cols {
		if c.kind == colText {
			f.v[c.field] = c.text(i)
			continue
		}
		t, ok := c.time(i)
		switch c.field {
		case fTS:
			f.ts, f.tsSet = t, ok
		case fDeliveredTS:
			// A null timestamp: delivered at ts.
			f.delivered, f.deliveredSet = t, true
		}
	}
	// The kept strings are copied out of the pages, which live only as long as
	// something points into them.
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
	err := s.pf.Close() // closes f
	if s.spool != "" {
		os.Remove(s.spool) // a piped file's temporary copy
	}
	return err
}
