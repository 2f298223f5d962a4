package trace

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spendsim/spendsim/model"
)

// reader is the pipeline every format shares:
//
//	source (parse, validate a row) → [external sort] → reply chain → user/country rule
//	→ order check (unsorted input only) → de-duplication by message_id
//
// The reply chain runs after the sort because a reply can only be resolved once the
// message it answers has been seen, and only time order guarantees that.
type reader struct {
	src  source
	b    *builder
	file string
	unit string // "line" or "row", for the order error
	opt  Options

	sorter *sorter[row]
	sorted bool

	replies *recent[string] // message id → user, for reply_to
	seen    *idSet          // message id → delivered yet

	prevTS   model.Time
	prevLine int64
	havePrev bool

	skipped    int64
	duplicates int64
	err        error
	closed     bool
	cur        row
}

type builderOf interface{ builder() *builder }

func newReader(src source, file, unit string, o Options) *reader {
	rd := &reader{src: src, file: file, unit: unit, opt: o}
	if bo, ok := src.(builderOf); ok {
		rd.b = bo.builder()
	} else {
		rd.b = newBuilder(file)
	}
	if o.Sort {
		order := rowsByTS
		if or, ok := src.(interface{ order() extSort[row] }); ok {
			order = or.order()
		}
		rd.sorter = newSorter(o.SortChunkRows, o.TempDir, order)
	}
	if o.Mapping != nil && o.Mapping.ReplyTo != "" {
		rd.replies = newRecent[string](o.Mapping.replyMemory())
	}
	w := o.DedupWindow
	if w <= 0 {
		w = 1 << 17
	}
	rd.seen = newIDSet(w)
	return rd
}

func (rd *reader) Skipped() int64    { return rd.skipped }
func (rd *reader) Duplicates() int64 { return rd.duplicates }

func (rd *reader) Ignored() int64 {
	if ig, ok := rd.src.(Ignorer); ok {
		return ig.Ignored()
	}
	return 0
}

func (rd *reader) Close() error {
	if rd.closed {
		return nil
	}
	rd.closed = true
	if rd.err == nil {
		rd.err = errClosed
	}
	err := rd.src.close()
	if rd.sorter != nil {
		if e := rd.sorter.close(); err == nil {
			err = e
		}
	}
	return err
}

// pull gets the next row from the source, skipping bad rows when allowed.
func (rd *reader) pull(r *row) error {
	for {
		err := rd.src.next(r)
		if err != nil && rd.opt.SkipInvalid && skippable(err) {
			rd.skipped++
			continue
		}
		return err
	}
}

func (rd *reader) Next(out *Record) error {
	if rd.err != nil {
		return rd.err
	}
	for {
		err := rd.step(&rd.cur)
		if err == nil {
			*out = rd.cur.Record
			return nil
		}
		if err == errDuplicate {
			continue
		}
		if rd.opt.SkipInvalid && skippable(err) {
			rd.skipped++
			continue
		}
		rd.err = err
		return err
	}
}

func (rd *reader) step(r *row) error {
	if rd.sorter != nil {
		if !rd.sorted {
			if err := rd.fill(); err != nil {
				return err
			}
			rd.sorted = true
		}
		if err := rd.sorter.next(r); err != nil {
			return err
		}
	} else if err := rd.pull(r); err != nil {
		return err
	}
	return rd.finish(r)
}

// fill feeds the whole source to the sorter.
func (rd *reader) fill() error {
	var r row
	for {
		err := rd.pull(&r)
		if err == io.EOF {
			return rd.sorter.finish()
		}
		if err != nil {
			return err
		}
		if err := rd.sorter.add(&r); err != nil {
			return err
		}
	}
}

// finish applies the rules that need rows in time order.
func (rd *reader) finish(r *row) error {
	if rd.replies != nil {
		if r.replyTo != "" {
			u, ok := rd.replies.get(r.replyTo)
			if !ok {
				msg := fmt.Sprintf("message %s is not earlier in the trace (or was forgotten: reply_memory), so the user it answers is unknown", quote(r.replyTo))
				if rd.sorter == nil {
					msg += "; if the trace is not sorted by ts, read it with Sort"
				}
				return &Error{File: rd.file, Line: r.Line, Column: rd.opt.Mapping.ReplyTo, row: true, Msg: msg}
			}
			r.User = u
		}
		if r.MessageID != "" {
			// Cloned: the key and value would otherwise keep their whole row's text alive.
			rd.replies.put(strings.Clone(r.MessageID), strings.Clone(r.User))
		}
	}
	if r.Country == "" {
		c, field, msg := userRule(r.User, "", rd.opt.DefaultCountry)
		if msg != "" {
			return rd.b.err(r.Line, field, msg)
		}
		r.Country = c
	}
	if rd.sorter == nil {
		if rd.havePrev && r.TS < rd.prevTS {
			return &Error{File: rd.file, Line: r.Line, Column: rd.b.cols[fTS], Err: ErrUnsorted,
				Msg: fmt.Sprintf("%s is earlier than %s on %s %d; sort the trace by ts or read it with Sort", r.TS, rd.prevTS, rd.unit, rd.prevLine)}
		}
		rd.prevTS, rd.prevLine, rd.havePrev = r.TS, r.Line, true
	}
	if r.MessageID != "" {
		delivered := r.Direction == model.FromBusiness && r.Status.WasDelivered()
		// A log of status events repeats a message's id: sent, then delivered. The first
		// delivered report of a message that was so far only sent goes through, so the
		// message is billed once, when it was delivered. (Ids are copied into the set.)
		if rd.seen.see(r.MessageID, rd.seen.hash(r.MessageID), delivered) {
			rd.duplicates++
			return errDuplicate
		}
	}
	return nil
}

var errClosed = errors.New("trace: Next after Close")

// ErrUnsorted marks the error for a row whose ts goes backwards (errors.Is).
var ErrUnsorted = errors.New("trace not sorted by ts")

// errDuplicate drops a row silently; it is counted in Duplicates, not Skipped.
var errDuplicate = &Error{row: true, Msg: "duplicate message_id"}

// recent is a map that remembers at least max of its most recent keys in two
// generations: when the current one fills it becomes the old one and the older is
// dropped. Memory is bounded without per-entry bookkeeping.
type recent[V any] struct {
	cur, old map[string]V
	max      int
}

func newRecent[V any](max int) *recent[V] {
	return &recent[V]{cur: make(map[string]V), max: max}
}

func (m *recent[V]) get(k string) (V, bool) {
	if v, ok := m.cur[k]; ok {
		return v, true
	}
	v, ok := m.old[k]
	return v, ok
}

func (m *recent[V]) put(k string, v V) {
	if len(m.cur) >= m.max {
		m.old, m.cur = m.cur, make(map[string]V, m.max)
	}
	m.cur[k] = v
}

// input is a trace file opened once. Detection reads its first bytes through a
// sniffer, which keeps them in head; the format's reader then reads head and the rest
// of the file, so a FIFO, a pipe or stdin, which cannot be read twice, loses nothing
// (a FIFO used to hang at its second open, and <(cat t.csv) lost 4 bytes).
type input struct {
	f *os.File
	// src is what the trace's bytes are read from: f, or a reader over it (a
	// decompressor sets it, and clears regular: its bytes are not f's at offsets).
	src     io.Reader
	head    []byte // read for detection, not yet given to the format's reader
	regular bool   // src is a regular file: it can be read at offsets (Parquet)
	spool   string // a temporary copy of a piped Parquet file, removed on close
}

func openInput(path string) (*input, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &input{f: f, src: f, regular: st.Mode().IsRegular()}, nil
}

// stream is the input from its first byte: what detection read, then the rest.
func (in *input) stream() io.Reader {
	if len(in.head) == 0 {
		return in.src
	}
	head := in.head
	in.head = nil
	return io.MultiReader(bytes.NewReader(head), in.src)
}

func (in *input) close() error {
	err := in.f.Close()
	if in.spool != "" {
		os.Remove(in.spool)
	}
	return err
}

// sniffer reads the input from its first byte for detection, keeping in head what it
// takes from the file.
type sniffer struct {
	in  *input
	off int
}

func (s *sniffer) Read(p []byte) (int, error) {
	if s.off < len(s.in.head) {
		n := copy(p, s.in.head[s.off:])
		s.off += n
		return n, nil
	}
	n, err := s.in.src.Read(p)
	s.in.head = append(s.in.head, p[:n]...)
	s.off += n
	return n, err
}

// detect picks a format by path's extension, then by content: the Parquet magic, a
// JSON object (webhook or JSONL, sniffJSON), else CSV.
func (in *input) detect(path string) (string, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return "csv", nil
	case ".parquet":
		return "parquet", nil
	case ".jsonl", ".ndjson", ".json":
		return in.sniffJSON()
	}
	var head [4]byte
	n, err := io.ReadFull(&sniffer{in: in}, head[:])
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", err
	}
	if n == 4 && string(head[:]) == "PAR1" {
		return "parquet", nil
	}
scan:
	for _, c := range head[:n] {
		switch c {
		case ' ', '\t', '\r', '\n':
		case '{':
			return in.sniffJSON()
		default:
			break scan
		}
	}
	return "csv", nil
}

// sniffJSON tells a webhook log (payloads with "object" and "entry") from a JSONL trace
// by the first non-blank line.
func (in *input) sniffJSON() (string, error) {
	lr := newLineReader(&sniffer{in: in})
	for {
		line, err := lr.next()
		if err != nil {
			if err == io.EOF {
				return "jsonl", nil
			}
			return "", err
		}
		if len(line) == 0 {
			continue
		}
		if isWebhookPayload(line) {
			return "webhook", nil
		}
		return "jsonl", nil
	}
}

// readerAt is the input as a file read at offsets, for Parquet, whose footer is at its
// end: the file itself, or a copy of a pipe's bytes in a temporary file in tempDir.
func (in *input) readerAt(tempDir string) (*os.File, int64, error) {
	if in.regular { // read at offsets: what detection read does not matter
		st, err := in.f.Stat()
		if err != nil {
			return nil, 0, err
		}
		return in.f, st.Size(), nil
	}
	tmp, err := os.CreateTemp(tempDir, "spendsim-trace-*.parquet")
	if err != nil {
		return nil, 0, err
	}
	in.spool = tmp.Name()
	n, err := io.Copy(tmp, in.stream())
	if err == nil {
		err = in.f.Close()
		in.f, in.src = tmp, tmp
	}
	if err != nil {
		tmp.Close()
		return nil, 0, fmt.Errorf("copying the piped Parquet file to %s (Parquet is read from its end): %w", filepath.Dir(tmp.Name()), err)
	}
	return tmp, n, nil
}
