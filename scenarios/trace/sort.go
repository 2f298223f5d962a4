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
type sorter struct {
	chunkRows int
	dir       string

	buf     []row
	w       *bufio.Writer
	runs    []*run
	heap    []int // indexes into runs, a min-heap by (head ts, index)
	inMem   bool
	pos     int
	scratch []byte
}

type run struct {
	f    *os.File
	br   *bufio.Reader
	head row
	done bool
}

func newSorter(chunkRows int, dir string) *sorter {
	if chunkRows <= 0 {
		chunkRows = 1 << 18
	}
	return &sorter{chunkRows: chunkRows, dir: dir}
}

func (s *sorter) add(r *row) error {
	s.buf = append(s.buf, *r)
	if len(s.buf) >= s.chunkRows {
		return s.spill()
	}
	return nil
}

func sortRows(rows []row) {
	slices.SortStableFunc(rows, func(a, b row) int { return cmp.Compare(a.TS, b.TS) })
}

func (s *sorter) spill() error {
	sortRows(s.buf)
	f, err := os.CreateTemp(s.dir, "spendsim-trace-*.run")
	if err != nil {
		return fmt.Errorf("sorting the trace: %w", err)
	}
	s.runs = append(s.runs, &run{f: f})
	if s.w == nil {
		s.w = bufio.NewWriterSize(f, 256<<10)
	}
	w := s.w
	w.Reset(f)
	for i := range s.buf {
		s.scratch = appendRow(s.scratch[:0], &s.buf[i])
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
func (s *sorter) finish() error {
	if len(s.runs) == 0 {
		sortRows(s.buf)
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

func (s *sorter) advance(r *run) error {
	err := s.readRow(r.br, &r.head)
	if err == io.EOF {
		r.done = true
		return nil
	}
	if err != nil {
		return fmt.Errorf("sorting the trace: reading back a run: %w", err)
	}
	return nil
}

func (s *sorter) next(out *row) error {
	if s.inMem {
		if s.pos >= len(s.buf) {
			return io.EOF
		}
		*out = s.buf[s.pos]
		s.buf[s.pos] = row{}
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

func (s *sorter) less(i, j int) bool {
	a, b := s.heap[i], s.heap[j]
	ta, tb := s.runs[a].head.TS, s.runs[b].head.TS
	return ta < tb || ta == tb && a < b
}

func (s *sorter) down(i int) {
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

func (s *sorter) close() error {
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
	return errors.Join(errs...)
}

// The run format: varint ts, delivered_ts; uvarint line; five enum bytes; uvarint
// lengths of user, business, message id, country, reply_to; then their bytes.
func appendRow(b []byte, r *row) []byte {
	b = binary.AppendVarint(b, int64(r.TS))
	b = binary.AppendVarint(b, int64(r.DeliveredTS))
	b = binary.AppendUvarint(b, uint64(r.Line))
	b = append(b, byte(r.Direction), byte(r.Kind), byte(r.Category), byte(r.Status), byte(r.EntryPoint))
	strs := [...]string{r.User, r.Business, r.MessageID, r.Country, r.replyTo}
	for _, s := range strs {
		b = binary.AppendUvarint(b, uint64(len(s)))
	}
	for _, s := range strs {
		b = append(b, s...)
	}
	return b
}

func (s *sorter) readRow(br *bufio.Reader, r *row) error {
	ts, err := binary.ReadVarint(br)
	if err != nil {
		return err // io.EOF only here, at a row boundary
	}
	fail := func(err error) error {
		if err == io.EOF {
			return io.ErrUnexpectedEOF
		}
		return err
	}
	dts, err := binary.ReadVarint(br)
	if err != nil {
		return fail(err)
	}
	line, err := binary.ReadUvarint(br)
	if err != nil {
		return fail(err)
	}
	var enums [5]byte
	if _, err := io.ReadFull(br, enums[:]); err != nil {
		return fail(err)
	}
	var lens [5]uint64
	total := 0
	for i := range lens {
		if lens[i], err = binary.ReadUvarint(br); err != nil {
			return fail(err)
		}
		if lens[i] > 1<<20 {
			return errors.New("corrupt run file")
		}
		total += int(lens[i])
	}
	s.scratch = slices.Grow(s.scratch[:0], total)[:total]
	if _, err := io.ReadFull(br, s.scratch); err != nil {
		return fail(err)
	}
	all := string(s.scratch) // one allocation for the row's strings
	*r = row{}
	r.TS, r.DeliveredTS, r.Line = model.Time(ts), model.Time(dts), int64(line)
	r.Direction, r.Kind, r.Category = model.Direction(enums[0]), model.Kind(enums[1]), model.Category(enums[2])
	r.Status, r.EntryPoint = model.Status(enums[3]), model.EntryPoint(enums[4])
	var strs [5]string
	off := 0
	for i, n := range lens {
		strs[i] = all[off : off+int(n)]
		off += int(n)
	}
	r.User, r.Business, r.MessageID, r.Country, r.replyTo = strs[0], strs[1], strs[2], strs[3], strs[4]
	return nil
}
