package table

import (
	"fmt"
	"math"
	"time"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

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
// another, and where each ends (an arrow string array's own layout). Nulls before the
// batch's first value are only counted (lead), and laid out when a value comes or the
// batch is handed over: a column that is null in every row (meta_* of a log without
// Meta's pricing) costs a count a row.
type stringCol struct {
	offsets []int32 // value i is data[offsets[i]:offsets[i+1]]; offsets[0] = 0
	data    []byte
	valid   []byte
	nulls   int
	lead    int // nulls not yet in offsets and valid, all before the first value
}

func (c *stringCol) len() int { return len(c.offsets) - 1 + c.lead }

// reset starts a batch of capacity rows. Its bytes are sized by the batch before, a
// little over, as a column's values are much alike from one batch to the next (16
// bytes a value for the first): an all-null column gets none, and one of long ids does
// not grow by doubling in every batch.
func (c *stringCol) reset(capacity int) {
	size := 16 * capacity
	if c.offsets != nil {
		size = len(c.data) + len(c.data)/8
	}
	c.offsets = append(make([]int32, 0, capacity+1), 0)
	c.data, c.valid, c.nulls, c.lead = make([]byte, 0, size), nil, 0, 0
}

// append adds v; a batch past math.MaxInt32 bytes, whose offsets wrapped, panics when
// it is handed over (array), not here, so that append is inlined.
func (c *stringCol) append(v string) {
	if c.lead > 0 {
		c.layLead()
	}
	c.data = append(c.data, v...)
	c.offsets = append(c.offsets, int32(len(c.data)))
}

func (c *stringCol) appendNull() {
	c.nulls++
	if len(c.offsets) == 1 {
		c.lead++
		return
	}
	c.valid = clearBit(c.valid, c.len(), cap(c.offsets)-1)
	c.offsets = append(c.offsets, int32(len(c.data)))
}

// layLead lays out the leading nulls as appendNull would have one by one: empty
// values, their validity bits clear in a bitmap of the batch's capacity.
//
//go:noinline
func (c *stringCol) layLead() {
	n := c.lead
	c.lead = 0
	c.valid = allValid(cap(c.offsets) - 1)
	clear(c.valid[:n/8])
	for i := n &^ 7; i < n; i++ {
		c.valid[i/8] &^= 1 << (i % 8)
	}
	c.offsets = c.offsets[:1+n] // data is empty: every offset is 0
	clear(c.offsets)
}

func (c *stringCol) array(t arrow.DataType) arrow.Array {
	if len(c.data) > math.MaxInt32 {
		panic(fmt.Sprintf("table: a batch of a string column passed %d bytes", math.MaxInt32))
	}
	if c.lead > 0 {
		c.layLead()
	}
	return newArray(t, c.len(), c.nulls, c.valid, bytesOf(c.offsets), c.data)
}

// clearBit marks row i null in a validity bitmap, made with every bit of capacity
// rows set at the batch's first null. A batch never holds more rows than the
// capacity its slices were reset to (EndRow flushes at BatchRows).
func clearBit(valid []byte, i, capacity int) []byte {
	if valid == nil {
		valid = allValid(capacity)
	}
	valid[i/8] &^= 1 << (i % 8)
	return valid
}

// allValid is a validity bitmap of capacity rows, every one set; apart from clearBit so
// that the appends calling clearBit are inlined.
//
//go:noinline
func allValid(capacity int) []byte {
	valid := make([]byte, (capacity+7)/8)
	for k := range valid {
		valid[k] = 0xff
	}
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
		a.outside(i)
	}
	a.c.vals = append(a.c.vals, int32(i))
}

// outside is apart from Append so that Append is inlined.
//
//go:noinline
func (a *EnumAppender) outside(i int) {
	panic(fmt.Sprintf("table: enum index %d outside its %d values", i, a.n))
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

// civilDays is the number of days from 1970-01-01 to t's calendar date in t's location.
func civilDays(t time.Time) int32 {
	y, m, d := t.Date()
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}
