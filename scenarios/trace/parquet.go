package trace

import (
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/apache/arrow/go/v17/parquet/schema"
)

// parquetBatchRows is the rows decoded at a time within a row group.
const parquetBatchRows = 8 << 10

// Budgets for decoding one batch. Page headers are trusted for sizes (a corrupt one
// may ask for gigabytes), and every page goes through the allocator, so a budget
// there turns a runaway into an error. A good batch makes a few dozen allocations.
// Columns are decoded side by side, each with its own allocator: the bytes are shared
// out among them (at least minColumnBytes each), so a batch still stays near
// maxBatchBytes in all.
const (
	maxBatchAllocs = 20_000
	maxBatchBytes  = 2 << 30
	minColumnBytes = 256 << 20
)

// pageAllocator is the allocator every budgetAllocator draws from: Go's, whatever
// build tags choose arrow's memory.DefaultAllocator (-tags mallocator makes it C's).
var pageAllocator = memory.NewGoAllocator()

// budgetAllocator panics (recovered where the column is decoded) when a batch of its
// column exceeds its budget. It is armed only while its goroutine decodes a batch.
//
// It allocates from Go's heap (pageAllocator), never from a pool or C's malloc, and
// frees nothing itself: dictMemo.find tells a dictionary-coded value by its address in
// the dictionary page, which is sound only while no other page can be given the memory
// of a page the memo still points into. Go's collector never reuses memory a pointer
// still reaches; an allocator that recycles freed buffers would break that silently.
type budgetAllocator struct {
	memory.Allocator
	maxBytes      int64 // 0: maxBatchBytes
	armed         atomic.Bool
	count, nbytes atomic.Int64
}

type errBudget struct{}

func (errBudget) Error() string {
	return "decoding one batch exceeded its allocation budget (a corrupt page?)"
}

func (a *budgetAllocator) charge(n int) {
	limit := a.maxBytes
	if limit == 0 {
		limit = maxBatchBytes
	}
	if a.armed.Load() && (a.count.Add(1) > maxBatchAllocs || a.nbytes.Add(int64(n)) > limit) {
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

// pqColumn is one contract column of the file. Its values are read with arrow's
// column chunk readers (parquet_decode.go), which hand them over as views of the
// decoded pages (dictionary-encoded values as views of the dictionary), so no string
// is copied per row but the ids the reader keeps.
type pqColumn struct {
	field  int // contract field
	leaf   int // leaf column index in the file
	name   string
	kind   int
	unit   arrow.TimeUnit // colInt64
	maxDef int16
	descr  *schema.Column
}

// parquetSource reads the contract's columns one batch of parquetBatchRows rows of a
// row group at a time, decoding ahead on several goroutines (parquet_decode.go), so
// memory follows a few batches, not the file.
type parquetSource struct {
	f     *os.File
	pf    *file.Reader
	spool string // a temporary copy of a piped file, removed on close; "" for a file
	b     *builder
	cols  []*pqColumn
	size  int64           // file size
	rows  []int64         // of each row group, as its metadata says
	part  [nFields]string // partition values of fields without a column
	early earlyRules      // the reader's checks done while decoding
	naive string          // "name: column ts": timestamps without the UTC flag, read as UTC; "" for none

	dec *pqDecoder // started at the first row
	cur *pqUnit    // the batch rows are handed out from
	i   int        // next row of cur
	k   int        // cur's batch number
	err error      // sticky: the file cannot be read on
}

func (s *parquetSource) builder() *builder { return s.b }

// openParquet reads a Parquet trace; part holds partition values for fields that no
// column of the file gives.
func openParquet(path, name string, part [nFields]string, o Options) (src source, err error) {
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
	mem := &budgetAllocator{Allocator: pageAllocator}
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
	s := &parquetSource{f: f, pf: pf, b: newBuilder(name), size: st.Size(), early: newEarlyRules(o)}
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
		case parquet.Types.Int64:
			c.kind, c.unit = colInt64, int64Unit(c.descr)
		case parquet.Types.Int96:
			c.kind = colInt96
		default:
			return nil, &Error{File: name, Column: col, Msg: fmt.Sprintf("has type %s stored as %s, want a string or a timestamp", t, c.descr.PhysicalType())}
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
	s.naive = naiveTimes(name, s.cols)
	if pf.NumRows() == 0 {
		return nil, fail("no rows")
	}
	// Row counts from the footer as it was read (a corrupt count is reported when the
	// read reaches its row group); the writer version is computed here, once, because
	// arrow caches it on first use and the column decoders share the metadata.
	md.WriterVersion()
	s.rows = make([]int64, len(md.RowGroups))
	for i, rg := range md.RowGroups {
		s.rows[i] = -1
		if rg != nil {
			s.rows[i] = rg.NumRows
		}
	}
	return s, nil
}

// naiveTimes says which timestamp columns of a file are not adjusted to UTC
// (isAdjustedToUTC false: pandas' default for naive datetimes), "file: column ts", or
// "" for none. Their values are read as UTC, the only instant they can name without a
// zone, and the command says so (Counts.NaiveTimes). INT96 has no such flag: Spark
// writes it in UTC, and it is read so.
func naiveTimes(name string, cols []*pqColumn) string {
	var naive []string
	for _, c := range cols {
		if lt, ok := c.descr.LogicalType().(*schema.TimestampLogicalType); ok && c.kind == colInt64 && !lt.IsAdjustedToUTC() {
			naive = append(naive, c.name)
		}
	}
	switch len(naive) {
	case 0:
		return ""
	case 1:
		return name + ": column " + naive[0]
	}
	return name + ": columns " + strings.Join(naive, ", ")
}

// naiveSource is a source that can say which of its files have timestamps with no time
// zone: the first ("file: column ts", with how many others), "" for none.
type naiveSource interface {
	naiveTimes() string
}

func (s *parquetSource) naiveTimes() string { return s.naive }

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
	s.stop()
	err := s.pf.Close() // closes f
	if s.spool != "" {
		os.Remove(s.spool) // a piped file's temporary copy
	}
	return err
}
