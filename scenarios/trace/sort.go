package trace

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spendsim/spendsim/internal/safefile"
	"github.com/spendsim/spendsim/model"
)

// sorter is a stable external merge sort of rows by ts. Rows are sorted in memory a
// chunk at a time; when more than one chunk is needed each sorted chunk (a run) is
// spilled to a temp file in a compact binary form, and the runs are merged with a
// heap keyed by (ts, run). Runs hold consecutive stretches of the input, so breaking
// ties by run number keeps equal timestamps in file order.
//
// Memory: one chunk of rows plus a 64 KiB read buffer per run. A 50-million-row trace
// with the default 262,144-row chunk makes about 190 runs.
//
// It sorts any T given its order and run format (extSort): the webhook reader also
// sorts status events by message id with it.
type sorter[T any] struct {
	chunkRows int
	dir       string
	x         extSort[T]

	buf  []T
	w    *bufio.Writer
	runs []*run[T]
	// runDir holds the run files, made at the first spill in dir; removeRuns removes it
	// (and a process stopped by a signal removes it too: safefile.Abandon).
	runDir     string
	removeRuns func()
	heap       []int // indexes into runs, a min-heap by (head, index)
	inMem      bool
	pos        int
	scratch    []byte
}

// extSort is what sorter needs of T: its order, and its run-file form.
type extSort[T any] struct {
	cmp func(a, b T) int // by value: a pointer through a func value would escape
	// anyTies: the order of equal values does not matter, so a chunk is sorted with
	// pdqsort rather than a stable sort that moves large values O(n log² n) times.
	anyTies bool
	// put appends v's run-file form to b; get reads one back into v, io.EOF only at a
	// value boundary, scratch being a buffer it may use.
	put func(b []byte, v *T) []byte
	get func(br *bufio.Reader, scratch *[]byte, v *T) error
}

type run[T any] struct {
	f    *os.File
	br   *bufio.Reader
	head T
	done bool
}

func newSorter[T any](chunkRows int, dir string, x extSort[T]) *sorter[T] {
	if chunkRows <= 0 {
		chunkRows = 1 << 18
	}
	return &sorter[T]{chunkRows: chunkRows, dir: dir, x: x}
}

// rowsByTS is the trace's order: ts, ties in file order (the sort is stable).
var rowsByTS = extSort[row]{
	cmp: func(a, b row) int { return cmp.Compare(a.TS, b.TS) },
	put: appendRow,
	get: readRow,
}

func (s *sorter[T]) add(v *T) error {
	s.buf = append(s.buf, *v)
	if len(s.buf) >= s.chunkRows {
		return s.spill()
	}
	return nil
}

func (s *sorter[T]) sortBuf() {
	if s.x.anyTies {
		slices.SortFunc(s.buf, s.x.cmp)
		return
	}
	slices.SortStableFunc(s.buf, s.x.cmp)
}

func (s *sorter[T]) spill() error {
	s.sortBuf()
	if s.runDir == "" {
		dir, remove, err := safefile.TempDir(s.dir, "spendsim-sort-*")
		if err != nil {
			return fmt.Errorf("sorting the trace: %w", err)
		}
		s.runDir, s.removeRuns = dir, remove
	}
	f, err := os.CreateTemp(s.runDir, "spendsim-trace-*.run")
	if err != nil {
		return fmt.Errorf("sorting the trace: %w", err)
	}
	s.runs = append(s.runs, &run[T]{f: f})
	if s.w == nil {
		s.w = bufio.NewWriterSize(f, 256<<10)
	}
	w := s.w
	w.Reset(f)
	for i := range s.buf {
		s.scratch = s.x.put(s.scratch[:0], &s.buf[i])
		if _, err := w.Write(s.scratch); err != nil {
			return fmt.Errorf("sorting the trace: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("sorting the trace: %w", err)
	}
	clear(s.buf) // drop the rows' text
	s.buf = s.buf[:0]
	return nil
}

// finish ends the input and prepares the merge.
func (s *sorter[T]) finish() error {
	if len(s.runs) == 0 {
		s.sortBuf()
		s.inMem = true
		return nil
	}
	if len(s.buf) > 0 {
		if err := s.spill(); err != nil {
			return err
		}
	}
	s.buf = nil
	for i, r := range s.runs {
		if _, err := r.f.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("sorting the trace: %w", err)
		}
		r.br = bufio.NewReaderSize(r.f, 64<<10)
		if err := s.advance(r); err != nil {
			return err
		}
		if !r.done {
			s.heap = append(s.heap, i)
		}
	}
	for i := len(s.heap)/2 - 1; i >= 0; i-- {
		s.down(i)
	}
	return nil
}

func (s *sorter[T]) advance(r *run[T]) error {
	err := s.x.get(r.br, &s.scratch, &r.head)
	if err == io.EOF {
		r.done = true
		return nil
	}
	if err != nil {
		return fmt.Errorf("sorting the trace: reading back a run: %w", err)
	}
	return nil
}

func (s *sorter[T]) next(out *T) error {
	var zero T
	if s.inMem {
		if s.pos >= len(s.buf) {
			return io.EOF
		}
		*out = s.buf[s.pos]
		s.buf[s.pos] = zero
		s.pos++
		return nil
	}
	if len(s.heap) == 0 {
		return io.EOF
	}
	r := s.runs[s.heap[0]]
	*out = r.head
	if err := s.advance(r); err != nil {
		return err
	}
	if r.done {
		last := len(s.heap) - 1
		s.heap[0] = s.heap[last]
		s.heap = s.heap[:last]
	}
	if len(s.heap) > 0 {
		s.down(0)
	}
	return nil
}

func (s *sorter[T]) less(i, j int) bool {
	a, b := s.heap[i], s.heap[j]
	c := s.x.cmp(s.runs[a].head, s.runs[b].head)
	return c < 0 || c == 0 && a < b
}

func (s *sorter[T]) down(i int) {
	n := len(s.heap)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && s.less(r, l) {
			m = r
		}
		if !s.less(m, i) {
			return
		}
		s.heap[i], s.heap[m] = s.heap[m], s.heap[i]
		i = m
	}
}

func (s *sorter[T]) close() error {
	var errs []error
	for _, r := range s.runs {
		if err := r.f.Close(); err != nil {
			errs = append(errs, err)
		}
		if err := os.Remove(r.f.Name()); err != nil {
			errs = append(errs, err)
		}
	}
	s.runs = nil
	s.buf = nil
	if s.removeRuns != nil {
		s.removeRuns()
		s.runDir, s.removeRuns = "", nil
	}
	return errors.Join(errs...)
}

// rowsByContent orders webhook records by ts, then by everything they hold, so that
// records of equal ts come out in one order whatever the order of the lines.
var rowsByContent = extSort[row]{cmp: cmpRowContent, put: appendRow, get: readRow}

func cmpRowContent(a, b row) int {
	if c := cmp.Compare(a.TS, b.TS); c != 0 {
		return c
	}
	return cmp.Or(
		cmp.Compare(a.Direction, b.Direction),
		strings.Compare(a.MessageID, b.MessageID),
		strings.Compare(a.User, b.User),
		strings.Compare(a.Business, b.Business),
		strings.Compare(a.Country, b.Country),
		cmp.Compare(a.DeliveredTS, b.DeliveredTS),
		cmp.Compare(a.Status, b.Status),
		cmp.Compare(a.Kind, b.Kind),
		cmp.Compare(a.Category, b.Category),
		cmp.Compare(a.EntryPoint, b.EntryPoint),
		cmpMeta(a.Meta, b.Meta),
		cmp.Compare(a.Source, b.Source),
		cmp.Compare(a.Line, b.Line),
	)
}

func cmpMeta(a, b *model.MetaPricing) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return cmp.Or(
		strings.Compare(a.PricingModel, b.PricingModel),
		strings.Compare(a.PricingType, b.PricingType),
		strings.Compare(a.Category, b.Category),
		cmp.Compare(a.Billable, b.Billable),
		strings.Compare(a.ConversationID, b.ConversationID),
		strings.Compare(a.ConversationOrigin, b.ConversationOrigin),
	)
}

// The run format: varint ts, delivered_ts; uvarint line; five enum bytes, a sixth
// for Meta (0 = nil, else 1 + Billable), the source file's index in two; then user, business, message id, country,
// reply_to, and when Meta is set its five strings, as a string block.
func appendRow(b []byte, r *row) []byte {
	b = binary.AppendVarint(b, int64(r.TS))
	b = binary.AppendVarint(b, int64(r.DeliveredTS))
	b = binary.AppendUvarint(b, uint64(r.Line))
	meta := byte(0)
	if r.Meta != nil {
		meta = 1 + byte(r.Meta.Billable)
	}
	b = append(b, byte(r.Direction), byte(r.Kind), byte(r.Category), byte(r.Status), byte(r.EntryPoint), meta,
		byte(r.Source), byte(r.Source>>8))
	strs := [...]string{r.User, r.Business, r.MessageID, r.Country, r.replyTo, "", "", "", "", ""}
	n := 5
	if m := r.Meta; m != nil {
		strs[5], strs[6], strs[7], strs[8], strs[9] = m.PricingModel, m.PricingType, m.Category, m.ConversationID, m.ConversationOrigin
		n = len(strs)
	}
	return appendStrings(b, strs[:n])
}

func readRow(br *bufio.Reader, scratch *[]byte, r *row) error {
	ts, err := binary.ReadVarint(br)
	if err != nil {
		return err // io.EOF only here, at a row boundary
	}
	dts, err := binary.ReadVarint(br)
	if err != nil {
		return midValue(err)
	}
	line, err := binary.ReadUvarint(br)
	if err != nil {
		return midValue(err)
	}
	var enums [8]byte
	if _, err := io.ReadFull(br, enums[:]); err != nil {
		return midValue(err)
	}
	var strs [10]string
	n := 5
	if enums[5] != 0 {
		n = len(strs)
	}
	if err := readStrings(br, scratch, strs[:n]); err != nil {
		return err
	}
	*r = row{}
	r.TS, r.DeliveredTS, r.Line = model.Time(ts), model.Time(dts), int64(line)
	r.Direction, r.Kind, r.Category = model.Direction(enums[0]), model.Kind(enums[1]), model.Category(enums[2])
	r.Status, r.EntryPoint = model.Status(enums[3]), model.EntryPoint(enums[4])
	r.Source = uint16(enums[6]) | uint16(enums[7])<<8
	r.User, r.Business, r.MessageID, r.Country, r.replyTo = strs[0], strs[1], strs[2], strs[3], strs[4]
	if enums[5] != 0 {
		r.Meta = &model.MetaPricing{PricingModel: strs[5], PricingType: strs[6], Category: strs[7],
			Billable: model.Billable(enums[5] - 1), ConversationID: strs[8], ConversationOrigin: strs[9]}
	}
	return nil
}

// A string block of a run file: the uvarint length of each string, then their bytes.
func appendStrings(b []byte, strs []string) []byte {
	for _, s := range strs {
		b = binary.AppendUvarint(b, uint64(len(s)))
	}
	for _, s := range strs {
		b = append(b, s...)
	}
	return b
}

// readStrings reads a block of len(strs) strings into strs, with one allocation for
// all of them.
func readStrings(br *bufio.Reader, scratch *[]byte, strs []string) error {
	var lens [16]uint64
	total := 0
	for i := range strs {
		l, err := binary.ReadUvarint(br)
		if err != nil {
			return midValue(err)
		}
		if l > 1<<20 {
			return errors.New("corrupt run file")
		}
		lens[i], total = l, total+int(l)
	}
	*scratch = slices.Grow((*scratch)[:0], total)[:total]
	if _, err := io.ReadFull(br, *scratch); err != nil {
		return midValue(err)
	}
	all := string(*scratch)
	off := 0
	for i := range strs {
		strs[i] = all[off : off+int(lens[i])]
		off += int(lens[i])
	}
	return nil
}

// midValue is a read error inside a value: an end of file there is unexpected.
func midValue(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
