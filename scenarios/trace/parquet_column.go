package trace

import (
	"fmt"
	"sync"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"

	"github.com/spendsim/spendsim/model"
)

// One column of a Parquet trace, decoded a batch at a time by its own goroutine
// (parquet_decode.go), and its values read back as the rows are built.

// colDecoder reads one column, one batch at a time.
type colDecoder struct {
	col  *pqColumn
	file string // for errors
	size int64  // of the file
	pf   *file.Reader
	mem  *budgetAllocator
	pool *sync.Pool // the column reader's scratch buffers
	b    *builder   // checks a coded field's dictionary entries (parquet_dict.go)

	pages *checkedPages // the current row group's column chunk
	// and its reader, one of:
	ba  *file.ByteArrayColumnChunkReader
	i64 *file.Int64ColumnChunkReader
	i96 *file.Int96ColumnChunkReader

	// A coded field's pages decoded here (parquet_codes.go): fast says the column may
	// be, arrow that arrow's reader reads the current chunk from now on.
	fast, arrow bool
	codes       []uint8   // the current page's rows' codes
	pos         int       // the next row of codes
	lvls        []uint64  // the current page's definition levels, a bit a row
	tab         []uint8   // by index in the dictionary: its code (memo.idx)
	memo        *dictMemo // of the chunk's dictionary page, once read here (nil before)
	dict        []byte    // that page's values, count and encoding
	dictN       int32
	dictEnc     parquet.Encoding
}

// decode decodes the column's values of batch b into sl, or says in sl.err why not.
func (cd *colDecoder) decode(b pqBatch, sl *pqSlice) {
	sl.err, sl.open = nil, false
	if b.bad {
		return // the builder reports the row group
	}
	opening := b.first
	defer func() {
		// arrow v17 panics on some corrupt pages; a bad file must be an error.
		if p := recover(); p != nil {
			cd.mem.armed.Store(false)
			sl.err, sl.open = &Error{File: cd.file, Line: b.start + 1, Msg: fmt.Sprintf("corrupt Parquet data: %v", p)}, opening
		}
	}()
	if b.first {
		if err := cd.open(b.rg); err != nil {
			sl.err, sl.open = &Error{File: cd.file, Line: b.start + 1, Msg: fmt.Sprintf("corrupt Parquet row group %d: %v", b.rg, err), Err: err}, true
			return
		}
		opening = false
	}
	if b.n == 0 {
		return
	}
	cd.mem.arm()
	defer cd.mem.armed.Store(false)
	if err := cd.read(b.n, sl); err != nil {
		sl.err = &Error{File: cd.file, Line: b.start + 1, Msg: fmt.Sprintf("corrupt Parquet data in row group %d: %v", b.rg, err), Err: err}
	}
}

// open points the column at row group rg. It does here, where a panic can be
// recovered, what would otherwise fail deep inside arrow on corrupt metadata.
func (cd *colDecoder) open(rg int) error {
	c := cd.col
	rgr := cd.pf.RowGroup(rg)
	cc, err := cd.pf.MetaData().RowGroup(rg).ColumnChunk(c.leaf)
	if err != nil {
		return err
	}
	start, n := cc.DataPageOffset(), cc.TotalCompressedSize()
	if cc.HasDictionaryPage() && cc.DictionaryPageOffset() > 0 && start > cc.DictionaryPageOffset() {
		start = cc.DictionaryPageOffset()
	}
	if start < 4 || n < 0 || start > cd.size || n > cd.size-start {
		return fmt.Errorf("column chunk %d at %d+%d lies outside the file (%d bytes)", c.leaf, start, n, cd.size)
	}
	pages, err := rgr.GetColumnPageReader(c.leaf)
	if err != nil {
		return err
	}
	cd.pages = &checkedPages{PageReader: pages, descr: c.descr, mem: cd.mem, pool: cd.pool, field: c.field, b: cd.b}
	cr := file.NewColumnReader(c.descr, cd.pages, cd.mem, cd.pool)
	cd.ba, cd.i64, cd.i96 = nil, nil, nil
	cd.arrow, cd.codes, cd.pos, cd.dict, cd.memo = !cd.fast, cd.codes[:0], 0, nil, nil
	var ok bool
	switch c.kind {
	case colText:
		cd.ba, ok = cr.(*file.ByteArrayColumnChunkReader)
	case colInt64:
		cd.i64, ok = cr.(*file.Int64ColumnChunkReader)
	case colInt96:
		cd.i96, ok = cr.(*file.Int96ColumnChunkReader)
	}
	if !ok {
		return fmt.Errorf("column %s: unexpected reader %T", c.name, cr)
	}
	return nil
}

// read reads n rows of the column into sl.
func (cd *colDecoder) read(n int, sl *pqSlice) error {
	c := cd.col
	var (
		levels int64
		values int
		err    error
		cr     file.ColumnChunkReader
	)
	fast := 0 // rows whose codes are in sl.codes
	switch c.kind {
	case colText:
		cr = cd.ba
		rest := true
		if !cd.arrow {
			fast, err, rest = cd.readCoded(n, sl)
			levels = int64(fast)
		}
		if rest {
			defs := sl.defs
			if defs != nil {
				defs = defs[fast:]
			}
			var more int64
			more, values, err = cd.ba.ReadBatch(int64(n-fast), sl.strs, defs, nil)
			levels += more
		}
	case colInt64:
		levels, values, err = cd.i64.ReadBatch(int64(n), sl.ints, sl.defs, nil)
		cr = cd.i64
	case colInt96:
		levels, values, err = cd.i96.ReadBatch(int64(n), sl.i96s, sl.defs, nil)
		cr = cd.i96
	}
	if err == nil {
		err = cr.Err()
	}
	sl.nfast = fast
	sl.dict, sl.dictUTF8, sl.memo = cd.pages.dict, cd.pages.dictUTF8, cd.pages.memo
	if err != nil {
		return fmt.Errorf("column %s: %w", c.name, err)
	}
	if levels != int64(n) {
		return fmt.Errorf("column %s ends %d rows early", c.name, int64(n)-levels)
	}
	present := n - fast
	if c.maxDef > 0 {
		present = 0
		for _, d := range sl.defs[fast:n] {
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
	return nil
}

// fillText sets the column's field in blk, the fields of the batch's rows from row
// i0, to strings viewing the page ("" if null), marking those the dictionary's check
// vouches for as valid UTF-8. vi is the column's next value; fillText returns the next
// one after blk.
func (sl *pqSlice) fillText(c *pqColumn, blk []fields, i0, vi int) int {
	field, bit := c.field, uint16(1)<<c.field
	for j := range blk {
		f := &blk[j]
		f.code[field] = codeNone
		if c.maxDef > 0 && sl.defs[i0+j] < c.maxDef {
			f.v[field] = ""
			continue
		}
		v := sl.strs[vi]
		vi++
		if len(v) == 0 {
			f.v[field] = ""
			continue
		}
		s := unsafe.String(unsafe.SliceData(v), len(v))
		if sl.checked(s) {
			f.utf8 |= bit
		}
		f.v[field] = s
	}
	return vi
}

// checked reports whether s is a value of the dictionary whose UTF-8 was checked.
func (sl *pqSlice) checked(s string) bool {
	if !sl.dictUTF8 || len(s) == 0 {
		return false
	}
	p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	d := uintptr(unsafe.Pointer(unsafe.SliceData(sl.dict)))
	return p >= d && p+uintptr(len(s)) <= d+uintptr(len(sl.dict))
}

// fillTime is fillText for a timestamp column: its values in milliseconds, floored.
// A null delivered_ts is delivered at ts.
func (sl *pqSlice) fillTime(c *pqColumn, blk []fields, i0, vi int) int {
	for j := range blk {
		f := &blk[j]
		var t model.Time
		ok := c.maxDef == 0 || sl.defs[i0+j] >= c.maxDef
		if ok {
			t = sl.time(c, vi)
			vi++
		}
		switch c.field {
		case fTS:
			f.ts, f.tsSet = t, ok
		case fDeliveredTS:
			f.delivered, f.deliveredSet = t, true
		}
	}
	return vi
}

// time is the column's value k in milliseconds, floored.
func (sl *pqSlice) time(c *pqColumn, k int) model.Time {
	if c.kind == colInt96 {
		return model.Time(sl.i96s[k].ToTime().UnixMilli())
	}
	v := sl.ints[k]
	switch c.unit {
	case arrow.Microsecond:
		return model.Time(floorDiv(v, 1000))
	case arrow.Nanosecond:
		return model.Time(floorDiv(v, 1_000_000))
	}
	return model.Time(v)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
