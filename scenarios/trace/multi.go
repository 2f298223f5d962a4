package trace

import (
	"container/heap"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/spendsim/spendsim/internal/words"
)

// A set of trace files is one source to the reader's pipeline (reader.go), so reply
// chains, the user/country rule and de-duplication by message_id work across files.
// Each row's Source is its file's index; builders gives the builder (file name,
// column names) of each file opened so far, for errors about a row.

// multiSource is a source of several files.
type multiSource interface {
	source
	builderAt(i uint16) *builder
	names() []string
	webhookRead() bool
}

// openSet opens files as one source: concatenated when the reader sorts anyway (Sort,
// or a webhook log among them), else merged by ts. webhooks reports a webhook log.
func openSet(files []traceFile, o Options) (src source, webhooks bool, err error) {
	set := &fileSet{files: files, o: o, bs: make([]*builder, len(files))}
	if o.Sort || o.Format == "webhook" {
		return &concatSource{fileSet: set}, o.Format == "webhook", nil
	}
	// Without Sort, each file must be in ts order: merge them. A first pass reads the
	// first row of each (and so its format) and closes it again.
	m := &mergeSource{fileSet: set, first: make([]firstRow, len(files))}
	for i := range files {
		s, format, err := set.open(i)
		if err != nil {
			return nil, false, err
		}
		if format == "webhook" {
			s.close()
			return &concatSource{fileSet: set}, true, nil
		}
		var r row
		for {
			err = s.next(&r)
			if err == nil || !skippable(err) {
				break
			}
		}
		s.close()
		switch {
		case err == io.EOF:
			m.first[i] = firstRow{i: i, none: true}
		case err != nil:
			return nil, false, err
		default:
			m.first[i] = firstRow{i: i, ts: int64(r.TS)}
		}
	}
	sort.SliceStable(m.first, func(a, b int) bool { return m.first[a].before(m.first[b]) })
	return m, false, nil
}

// fileSet is the files of a set and the builder of each opened so far.
type fileSet struct {
	files []traceFile
	o     Options
	bs    []*builder
	// The first file opened whose timestamps have no time zone (naiveSource), and how
	// many files opened so far have them, each counted once.
	naive      string
	naiveFiles int
	naiveSeen  []bool
	webhook    bool // a file opened so far is a webhook log (Counts.Webhook)
}

func (f *fileSet) open(i int) (source, string, error) {
	s, format, err := openFile(f.files[i], f.o)
	if err != nil {
		return nil, "", err
	}
	f.webhook = f.webhook || format == "webhook"
	if bo, ok := s.(builderOf); ok {
		f.bs[i] = bo.builder()
	} else {
		f.bs[i] = newBuilder(f.files[i].name)
	}
	if ns, ok := s.(naiveSource); ok && ns.naiveTimes() != "" {
		if f.naiveSeen == nil {
			f.naiveSeen = make([]bool, len(f.files))
		}
		if !f.naiveSeen[i] {
			f.naiveSeen[i] = true
			if f.naiveFiles++; f.naive == "" {
				f.naive = ns.naiveTimes()
			}
		}
	}
	return s, format, nil
}

// naiveTimes is the first file opened whose timestamps have no time zone, and how
// many others (naiveSource).
func (f *fileSet) naiveTimes() string {
	if f.naiveFiles > 1 {
		return f.naive + " (and " + words.Count(f.naiveFiles-1, "other file") + ")"
	}
	return f.naive
}

// webhookRead says whether a file opened so far is a webhook log.
func (f *fileSet) webhookRead() bool { return f.webhook }

func (f *fileSet) builderAt(i uint16) *builder {
	if int(i) < len(f.bs) && f.bs[i] != nil {
		return f.bs[i]
	}
	return newBuilder(f.files[0].name)
}

func (f *fileSet) names() []string {
	out := make([]string, len(f.files))
	for i, t := range f.files {
		out[i] = t.name
	}
	return out
}

// ignored sums what the files' sources read past (webhook logs' other changes).
func ignoredOf(s source) int64 {
	if ig, ok := s.(Ignorer); ok {
		return ig.Ignored()
	}
	return 0
}

// concatSource reads the files one after another, one open at a time.
type concatSource struct {
	*fileSet
	cur     source
	i       int
	ignored int64 // of the files closed
}

func (c *concatSource) next(r *row) error {
	for {
		if c.cur == nil {
			if c.i >= len(c.files) {
				return io.EOF
			}
			s, _, err := c.open(c.i)
			if err != nil {
				return err
			}
			c.cur = s
		}
		err := c.cur.next(r)
		if err == io.EOF {
			c.ignored += ignoredOf(c.cur)
			if err := c.cur.close(); err != nil {
				return err
			}
			c.cur, c.i = nil, c.i+1
			continue
		}
		r.Source = uint16(c.i)
		return err
	}
}

func (c *concatSource) Ignored() int64 {
	if c.cur != nil {
		return c.ignored + ignoredOf(c.cur)
	}
	return c.ignored
}

func (c *concatSource) close() error {
	if c.cur != nil {
		return c.cur.close()
	}
	return nil
}

// firstRow is a file's first row's ts, as the first pass found it.
type firstRow struct {
	i    int
	ts   int64
	none bool // no valid row
}

func (a firstRow) before(b firstRow) bool {
	if a.none != b.none {
		return b.none
	}
	return a.ts < b.ts
}

// mergeSource merges sorted files by ts (ties in file order), opening a file only when
// the merge reaches its first row and closing it at its end.
type mergeSource struct {
	*fileSet
	first  []firstRow // by first ts
	opened int        // files of first opened so far
	heap   fileHeap
	refill *mergeFile // the file the last row came from, to read its next row
	err    error
}

type mergeFile struct {
	i        int
	src      source
	unit     string
	head     row
	prevLine int64
}

func (m *mergeSource) next(r *row) error {
	if m.err != nil {
		return m.err
	}
	if f := m.refill; f != nil {
		if err := m.advance(f); err != nil {
			if !skippable(err) {
				m.err = err
			}
			return err // a bad row: the file goes on at the next call
		}
		m.refill = nil
	}
	// Open the files whose first row comes before the heap's.
	for m.opened < len(m.first) && (len(m.heap) == 0 || !m.first[m.opened].none &&
		(m.first[m.opened].ts < int64(m.heap[0].head.TS) || m.first[m.opened].ts == int64(m.heap[0].head.TS) && m.first[m.opened].i < m.heap[0].i)) {
		fr := m.first[m.opened]
		m.opened++
		s, format, err := m.open(fr.i)
		if err != nil {
			m.err = err
			return err
		}
		f := &mergeFile{i: fr.i, src: s, unit: unitOf(format)}
		if err := m.advance(f); err != nil {
			if !skippable(err) {
				m.err = err
			} else {
				m.refill = f
			}
			return err
		}
	}
	if len(m.heap) == 0 {
		return io.EOF
	}
	f := m.pop()
	*r = f.head
	m.refill = f
	return nil
}

// advance reads f's next row into its head and puts f on the heap, or closes f at its
// end. A bad row is returned (f is then still to be advanced).
func (m *mergeSource) advance(f *mergeFile) error {
	prevTS, prevLine := f.head.TS, f.prevLine
	err := f.src.next(&f.head)
	if err == io.EOF {
		return f.src.close()
	}
	if err != nil {
		return err
	}
	f.head.Source = uint16(f.i)
	if prevLine != 0 && f.head.TS < prevTS {
		b := m.bs[f.i]
		return &Error{File: b.file, Line: f.head.Line, Column: b.cols[fTS], Err: ErrUnsorted,
			Msg: fmt.Sprintf("%s is earlier than %s on %s %d; sort the trace by ts or pass --sort", f.head.TS, prevTS, f.unit, prevLine)}
	}
	f.prevLine = f.head.Line
	m.push(f)
	return nil
}

// fileHeap orders open files by their next row: (ts, file index).
type fileHeap []*mergeFile

func (h fileHeap) Len() int { return len(h) }
func (h fileHeap) Less(a, b int) bool {
	return h[a].head.TS < h[b].head.TS || h[a].head.TS == h[b].head.TS && h[a].i < h[b].i
}
func (h fileHeap) Swap(a, b int) { h[a], h[b] = h[b], h[a] }
func (h *fileHeap) Push(x any)   { *h = append(*h, x.(*mergeFile)) }
func (h *fileHeap) Pop() any {
	old := *h
	f := old[len(old)-1]
	*h = old[:len(old)-1]
	return f
}

func (m *mergeSource) push(f *mergeFile) { heap.Push(&m.heap, f) }
func (m *mergeSource) pop() *mergeFile   { return heap.Pop(&m.heap).(*mergeFile) }

func (m *mergeSource) close() error {
	var errs []error
	for _, f := range m.heap {
		errs = append(errs, f.src.close())
	}
	if m.refill != nil {
		errs = append(errs, m.refill.src.close())
	}
	m.heap, m.refill = nil, nil
	return errors.Join(errs...)
}
