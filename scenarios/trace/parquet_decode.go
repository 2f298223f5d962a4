package trace

import (
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
)

// A Parquet trace is decoded on several cores and handed out in the file's order.
//
// A batch is parquetBatchRows rows of one row group (fewer at its end; a row group of
// no rows is one empty batch, so its column chunks are still opened and checked). The
// batches are numbered in file order and each lives, while it is decoded and handed
// out, in one unit of a small ring:
//
//   - one goroutine per column decodes that column of each batch with arrow's column
//     chunk reader for the batch's row group, through a file reader and an allocation
//     budget of its own: arrow's readers are not safe for concurrent use, and each is
//     used by its column's goroutine alone. Columns, and so row groups, run ahead of
//     one another by up to the ring's length;
//   - builders, one per core, turn each batch whose columns are all decoded into rows:
//     validated (builder.build), ids copied out of the pages, and the reader's
//     user/country rule and id hash done ahead (earlyRules);
//   - next hands the rows out in order: each bad row's error in its place, and a batch
//     that could not be decoded as one error at its first row, with the words and row
//     numbers of the one-goroutine reader this replaced (TestBadCorpus, FuzzParquet).
//
// A unit is decoded into again only once next has handed out all its rows, so memory
// is the ring's few batches and the pages they view, whatever the row groups' size.
// Until the second row is asked for only the first batch is decoded: a merge of many
// files reads each one's first row before it reads any further (multi.go).

// maxBuilders bounds the builders (and so the ring: two units a builder, and two more).
const maxBuilders = 16

// pqBatch is one batch: n rows of row group rg from row off, start rows into the file.
type pqBatch struct {
	rg    int
	off   int64
	start int64
	n     int
	first bool // the row group's first batch: its column chunks are opened for it
	bad   bool // the row group's row count is negative: the read ends here
}

// batchAfter returns the batch that follows b (the first one when first), false at
// the end of the file.
func (s *parquetSource) batchAfter(b pqBatch, first bool) (pqBatch, bool) {
	rg, start := 0, int64(0)
	if !first {
		if b.bad {
			return pqBatch{}, false
		}
		if off := b.off + int64(b.n); off < s.rows[b.rg] {
			return pqBatch{rg: b.rg, off: off, start: b.start + int64(b.n), n: int(min(s.rows[b.rg]-off, parquetBatchRows))}, true
		}
		rg, start = b.rg+1, b.start+int64(b.n)
	}
	if rg >= len(s.rows) {
		return pqBatch{}, false
	}
	if s.rows[rg] < 0 {
		return pqBatch{rg: rg, start: start, first: true, bad: true}, true
	}
	return pqBatch{rg: rg, start: start, n: int(min(s.rows[rg], parquetBatchRows)), first: true}, true
}

// pqUnit is one batch on its way: its columns' values, then its rows.
type pqUnit struct {
	b     pqBatch
	cols  []pqSlice
	left  atomic.Int32  // columns still to decode
	done  chan struct{} // the rows are built (capacity 1)
	rows  []row
	errs  []error // by row: a bad row's error, else nil
	n     int     // rows built
	fatal error   // after rows[:n]: the file cannot be read on
}

// pqSlice is one column's values of a batch, packed densely (nulls have none).
type pqSlice struct {
	strs []parquet.ByteArray
	ints []int64
	i96s []parquet.Int96
	defs []int16
	// A coded field's rows decoded by the column's own decoder (parquet_codes.go):
	// codes[:nfast] are the batch's first rows' codes; arrow's reader read the rest.
	codes []uint8
	nfast int
	err   error // the column could not be decoded for this batch
	open  bool  // err was met opening the row group's column chunk
	// The column chunk's dictionary page (nil if none), and whether its values are
	// all valid UTF-8: values viewing it need no check of their own.
	dict     []byte
	dictUTF8 bool
	memo     *dictMemo // of a coded field's small dictionary page (parquet_dict.go)
}

// pqDecoder is the goroutines decoding a file and the ring they share.
type pqDecoder struct {
	units   []*pqUnit
	tokens  []chan struct{} // by column: leave to decode the next batch
	ready   chan int        // batches whose columns are all decoded
	quit    chan struct{}
	wg      sync.WaitGroup
	last    pqBatch // the last batch given a unit
	granted int     // batches given a unit so far
}

// start sets up the ring and the goroutines, and gives the first batch its unit.
func (s *parquetSource) start() *pqDecoder {
	w := min(runtime.GOMAXPROCS(0), maxBuilders)
	d := &pqDecoder{units: make([]*pqUnit, 2*w+2), tokens: make([]chan struct{}, len(s.cols)), quit: make(chan struct{})}
	d.ready = make(chan int, len(d.units))
	for i := range d.units {
		u := &pqUnit{cols: make([]pqSlice, len(s.cols)), done: make(chan struct{}, 1),
			rows: make([]row, parquetBatchRows), errs: make([]error, parquetBatchRows)}
		for c, col := range s.cols {
			sl := &u.cols[c]
			switch col.kind {
			case colText:
				sl.strs = make([]parquet.ByteArray, parquetBatchRows)
			case colInt64:
				sl.ints = make([]int64, parquetBatchRows)
			case colInt96:
				sl.i96s = make([]parquet.Int96, parquetBatchRows)
			}
			if col.maxDef > 0 {
				sl.defs = make([]int16, parquetBatchRows)
			}
			if codesFast(col) {
				sl.codes = make([]uint8, parquetBatchRows)
			}
		}
		d.units[i] = u
	}
	// The bytes a batch may allocate are shared out among its columns.
	perColumn := max(int64(maxBatchBytes)/int64(max(len(s.cols), 1)), minColumnBytes)
	for c, col := range s.cols {
		d.tokens[c] = make(chan struct{}, len(d.units))
		memoB := *s.b
		cd := &colDecoder{col: col, file: s.b.file, size: s.size, b: &memoB, fast: codesFast(col),
			mem: &budgetAllocator{Allocator: pageAllocator, maxBytes: perColumn}}
		cd.pool = &sync.Pool{New: func() any { return memory.NewResizableBuffer(cd.mem) }}
		props := parquet.NewReaderProperties(cd.mem)
		props.BufferedStreamEnabled = true
		// The footer as already read; the file is read at offsets, safely side by side.
		pf, err := file.NewParquetReader(s.f, file.WithReadProps(props), file.WithMetadata(s.pf.MetaData()))
		if err != nil {
			panic(fmt.Sprintf("trace: a column reader over a footer already read: %v", err))
		}
		cd.pf = pf
		d.wg.Add(1)
		go d.decodeColumn(c, cd)
	}
	for range w {
		d.wg.Add(1)
		go d.build(s, s.newBuilder())
	}
	d.grant(s)
	return d
}

// grant gives the next batch its unit and lets the columns decode it; false when the
// file has no more batches.
func (d *pqDecoder) grant(s *parquetSource) bool {
	b, ok := s.batchAfter(d.last, d.granted == 0)
	if !ok {
		return false
	}
	k := d.granted
	d.last = b
	d.granted++
	u := d.units[k%len(d.units)]
	u.b, u.n, u.fatal = b, 0, nil
	u.left.Store(int32(len(s.cols)))
	if len(s.cols) == 0 {
		d.ready <- k // every field from partition folders
		return true
	}
	for _, t := range d.tokens {
		t <- struct{}{}
	}
	return true
}

// fill keeps every unit of the ring busy from batch k on.
func (d *pqDecoder) fill(s *parquetSource, k int) {
	for d.granted < k+len(d.units) && d.grant(s) {
	}
}

// decodeColumn decodes column c of each batch in turn, as its unit comes free.
func (d *pqDecoder) decodeColumn(c int, cd *colDecoder) {
	defer d.wg.Done()
	for k := 0; ; k++ {
		select {
		case <-d.tokens[c]:
		case <-d.quit:
			return
		}
		u := d.units[k%len(d.units)]
		sl := &u.cols[c]
		cd.decode(u.b, sl)
		failed := sl.err != nil
		if u.left.Add(-1) == 0 {
			d.ready <- k // never blocks: it holds as many as the ring
		}
		if failed {
			return // the read ends at this batch; later ones are never handed out
		}
	}
}

// build builds each batch whose columns are decoded.
func (d *pqDecoder) build(s *parquetSource, pb *pqBuilder) {
	defer d.wg.Done()
	for {
		select {
		case k := <-d.ready:
			u := d.units[k%len(d.units)]
			s.buildUnit(pb, u)
			u.done <- struct{}{}
		case <-d.quit:
			return
		}
	}
}

func (s *parquetSource) stop() {
	if s.dec != nil {
		close(s.dec.quit)
		s.dec.wg.Wait()
		s.dec, s.cur = nil, nil
	}
}

func (s *parquetSource) next(r *row) error {
	p, err := s.take()
	if err == nil {
		*r = *p
	}
	return err
}

// take returns the next row where it was built; it stays there until the next call.
func (s *parquetSource) take() (*row, error) {
	if s.err != nil {
		return nil, s.err
	}
	for {
		if u := s.cur; u != nil {
			if s.i < u.n {
				i := s.i
				s.i++
				if i == 1 && s.k == 0 {
					s.dec.fill(s, 0) // more than the first row: decode ahead
				}
				if err := u.errs[i]; err != nil {
					return nil, err
				}
				return &u.rows[i], nil
			}
			if u.fatal != nil {
				s.err = u.fatal
				return nil, s.err
			}
			s.cur = nil
			s.k++
			s.dec.fill(s, s.k)
		}
		if s.dec == nil {
			s.dec = s.start()
		}
		if s.k >= s.dec.granted {
			return nil, io.EOF
		}
		u := s.dec.units[s.k%len(s.dec.units)]
		<-u.done
		s.cur, s.i = u, 0
	}
}

// ahead returns the decoded rows next will hand out next (the reader looks their ids
// up ahead); some may be bad rows.
func (s *parquetSource) ahead() []row {
	if s.cur == nil {
		return nil
	}
	return s.cur.rows[s.i:s.cur.n]
}

// pqBuilder is one builder goroutine's own state.
type pqBuilder struct {
	b    builder // the source's, copied: its interned countries and last business are its own
	keep stringArena
	blk  []fields // a block of rows' fields; those without a column hold partition values
	vi   []int    // by column: the next value of the batch
	// Coded fields' checked values by code (parquet_dict.go): the batch's dictionary's,
	// else fixed's.
	tab   [nFields][]dictEntry
	fixed [nFields][]dictEntry
}

// buildBlock is how many rows are filled in, column by column, before they are built
// row by row: a column's values are read in one tight loop, and the block's fields
// stay in the first-level cache.
const buildBlock = 64

func (s *parquetSource) newBuilder() *pqBuilder {
	pb := &pqBuilder{b: *s.b, vi: make([]int, len(s.cols)), blk: make([]fields, buildBlock)}
	var column [nFields]bool
	for _, c := range s.cols {
		column[c.field] = true
	}
	for j := range pb.blk {
		pb.blk[j].v = s.part
	}
	for _, field := range codedFields {
		pb.fixed[field] = fixedEntries(&pb.b, field, s.part[field])
		pb.tab[field] = pb.fixed[field]
		if !column[field] {
			for j := range pb.blk {
				pb.blk[j].code[field] = codePart
			}
		}
	}
	return pb
}

// buildUnit turns the decoded columns of u into rows, or u's first error.
func (s *parquetSource) buildUnit(pb *pqBuilder, u *pqUnit) {
	u.n, u.fatal = 0, nil
	if err := s.unitError(u); err != nil {
		u.fatal = err
		return
	}
	for c, col := range s.cols {
		pb.vi[c] = 0
		if coded(col.field) {
			pb.tab[col.field] = pb.fixed[col.field]
			if m := u.cols[c].memo; m != nil {
				pb.tab[col.field] = m.ents
			}
		}
	}
	i := 0
	defer func() {
		if p := recover(); p != nil {
			u.n = i // the rows before it stand; the line is the one-goroutine reader's
			u.fatal = &Error{File: s.b.file, Line: u.b.start + int64(i) + 2, Msg: fmt.Sprintf("corrupt Parquet data: %v", p)}
		}
	}()
	for i0 := 0; i0 < u.b.n; i0 += buildBlock {
		i = i0
		blk := pb.blk[:min(buildBlock, u.b.n-i0)]
		for j := range blk {
			f := &blk[j]
			f.tsSet, f.deliveredSet, f.utf8 = false, false, 0
		}
		for c, col := range s.cols {
			sl := &u.cols[c]
			switch {
			case col.kind == colText && sl.memo != nil:
				pb.vi[c] = sl.fillCoded(col, blk, i0, pb.vi[c])
			case col.kind == colText:
				pb.vi[c] = sl.fillText(col, blk, i0, pb.vi[c])
			default:
				pb.vi[c] = sl.fillTime(col, blk, i0, pb.vi[c])
			}
		}
		for j := range blk {
			f := &blk[j]
			// The kept strings are copied out of the pages, which live only as long as
			// something points into them.
			f.v[fUser] = pb.keep.copy(f.v[fUser])
			f.v[fMessageID] = pb.keep.copy(f.v[fMessageID])
			r := &u.rows[i]
			var err error
			if line := u.b.start + int64(i) + 1; !pb.buildFast(f, line, r) {
				pb.spell(f)
				err = pb.b.build(f, line, r)
			}
			u.errs[i] = err
			if err == nil {
				s.early.apply(r)
			}
			i++
		}
	}
	u.n = u.b.n
}

// unitError is the error that ends the read at u, as the one-goroutine reader met it:
// opening the row group's column chunks (in column order), then reading the batch.
func (s *parquetSource) unitError(u *pqUnit) error {
	if u.b.bad {
		err := fmt.Errorf("%d rows", s.rows[u.b.rg])
		return &Error{File: s.b.file, Line: u.b.start + 1, Msg: fmt.Sprintf("corrupt Parquet row group %d: %v", u.b.rg, err), Err: err}
	}
	for c := range u.cols {
		if sl := &u.cols[c]; sl.err != nil && sl.open {
			return sl.err
		}
	}
	for c := range u.cols {
		if sl := &u.cols[c]; sl.err != nil {
			return sl.err
		}
	}
	return nil
}
