package trace

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxRowBytes bounds one CSV row or JSON line: the only thing a reader holds whole.
const maxRowBytes = 16 << 20

var errRowTooLong = fmt.Errorf("row longer than %d MiB", maxRowBytes>>20)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// limitReader fails a read once the current row (since mark) exceeds max bytes, so a
// file with no line breaks cannot make encoding/csv buffer all of it.
type limitReader struct {
	r       io.Reader
	n, mark int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n-l.mark > maxRowBytes {
		return 0, errRowTooLong
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	return n, err
}

type csvSource struct {
	f    io.Closer
	cr   *csv.Reader
	lim  *limitReader
	b    *builder
	ncol int

	col     [nFields]int // source column per field, -1 if none
	konst   [nFields]string
	vals    [nFields]map[string]string
	replyTo int // -1 if none

	fl       fields
	rows     int64
	lastLine int64
}

func (s *csvSource) builder() *builder { return s.b }

// openCSV reads a CSV trace from st (closed with the source), its fields separated
// by delim (0: a comma); part holds partition values for fields no column gives.
func openCSV(st *stream, name string, m *Mapping, delim rune, part [nFields]string) (src source, err error) {
	defer func() {
		if err != nil {
			st.Close()
		}
	}()
	br := st.r
	if head, _ := br.Peek(3); bytes.Equal(head, utf8BOM) {
		br.Discard(3) // spreadsheet exports start with one
	}
	s := &csvSource{f: st, b: newBuilder(name), replyTo: -1}
	s.lim = &limitReader{r: br}
	s.cr = csv.NewReader(s.lim)
	if delim != 0 {
		s.cr.Comma = delim
	}
	s.cr.ReuseRecord = true
	s.cr.FieldsPerRecord = -1 // checked here, to say which row and how
	fail := func(format string, a ...any) error {
		return &Error{File: name, Line: 1, Msg: fmt.Sprintf(format, a...)}
	}

	header, err := s.cr.Read()
	if err == io.EOF {
		return nil, &Error{File: name, Msg: "empty file; want a header line naming the columns (" + strings.Join(fieldNames[:], ",") + ")"}
	}
	if err != nil {
		return nil, s.readErr(err)
	}
	var mf [nFields]*Field
	if m != nil {
		mf = m.fields()
		s.b.kind, s.b.layout = m.timeKind()
	}
	if v := s.headerValue(header, mf); v != "" {
		want := "the columns (" + strings.Join(fieldNames[:], ",") + ")"
		if m != nil {
			want = "the mapping's columns (" + strings.Join(m.columns(), ",") + ")"
		}
		return nil, fail("no header row: the first line holds values (%s is a time); want a header line naming %s", quote(v), want)
	}
	s.ncol = len(header)
	pos := make(map[string]int, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h)
		if j, dup := pos[h]; dup {
			return nil, fail("column %q appears twice in the header (columns %d and %d)", h, j+1, i+1)
		}
		pos[h] = i
	}
	have := strings.Join(header, ",")
	if len(have) > 200 {
		have = have[:200] + "…"
	}

	for i := range s.col {
		s.col[i] = -1
		var fld Field
		if mf[i] != nil {
			fld = *mf[i]
		}
		switch {
		case fld.Column != "":
			p, ok := pos[fld.Column]
			if !ok {
				return nil, fail("column %q (mapped to %s) is not in the header (%s)", fld.Column, fieldNames[i], have)
			}
			s.col[i] = p
			s.b.cols[i] = fld.Column
			s.konst[i] = fld.Value
			s.vals[i] = fld.Values
		case fld.Value != "":
			s.konst[i] = fld.Value
			s.b.consts[i] = true
		default:
			if p, ok := pos[fieldNames[i]]; ok {
				s.col[i] = p
			} else if part[i] != "" {
				s.konst[i] = part[i] // a partition folder's value
			}
		}
	}
	for _, req := range []int{fTS, fUser, fDirection} {
		if s.col[req] < 0 && s.konst[req] == "" {
			msg := fmt.Sprintf("missing required column %s (the header has %s)", fieldNames[req], have)
			if sep := otherSeparator(header); sep != "" {
				msg += "; the header is one column, its names separated by " + sep
			}
			return nil, fail("%s", msg)
		}
	}
	if m != nil && m.ReplyTo != "" {
		p, ok := pos[m.ReplyTo]
		if !ok {
			return nil, fail("column %q (the mapping's reply_to) is not in the header (%s)", m.ReplyTo, have)
		}
		s.replyTo = p
	}
	s.lastLine = 1
	return s, nil
}

// headerValue is a time that the first line holds where a header would name the ts
// column, "" when it names it or holds no time: a file without a header row, whose
// first row would otherwise be read as column names (`column "" appears twice`).
func (s *csvSource) headerValue(header []string, mf [nFields]*Field) string {
	ts := fieldNames[fTS]
	if mf[fTS] != nil && mf[fTS].Column != "" {
		ts = mf[fTS].Column
	}
	for _, h := range header {
		if strings.TrimSpace(h) == ts {
			return ""
		}
	}
	for _, h := range header {
		if h = strings.TrimSpace(h); h != "" {
			if _, msg := s.b.parseTime(h); msg == "" {
				return h
			}
		}
	}
	return ""
}

// otherSeparator says what separates the names of a one-column header, and the
// --delimiter that reads it, when it holds a tab, ";" or "|"; "" when it holds none.
func otherSeparator(header []string) string {
	if len(header) != 1 {
		return ""
	}
	for _, sep := range []string{"\t", ";", "|"} {
		if strings.Contains(header[0], sep) {
			if sep == "\t" {
				return "tabs: pass --delimiter tab"
			}
			return fmt.Sprintf("%q: pass --delimiter '%s'", sep, sep)
		}
	}
	return ""
}

// readErr turns what encoding/csv reports into a located error.
func (s *csvSource) readErr(err error) error {
	if errors.Is(err, errRowTooLong) {
		return &Error{File: s.b.file, Line: s.lastLine + 1, Msg: err.Error() + "; is it really CSV?", Err: err}
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{File: s.b.file, Line: int64(pe.StartLine), Msg: "bad CSV: " + pe.Err.Error(), Err: err, row: true}
	}
	return &Error{File: s.b.file, Msg: err.Error(), Err: err}
}

func (s *csvSource) next(r *row) error {
	rec, err := s.cr.Read()
	s.lim.mark = s.cr.InputOffset()
	if err == io.EOF {
		if s.rows == 0 {
			return &Error{File: s.b.file, Line: 1, Msg: "header only, no rows"}
		}
		return io.EOF
	}
	if err != nil {
		return s.readErr(err)
	}
	line, _ := s.cr.FieldPos(0)
	s.lastLine = int64(line)
	s.rows++
	// A row may stop short of the header: hand-written and spreadsheet-exported logs
	// leave trailing empty optional fields off. More fields than the header is an error.
	if len(rec) > s.ncol {
		return &Error{File: s.b.file, Line: s.lastLine, row: true,
			Msg: fmt.Sprintf("has %d fields, the header has %d", len(rec), s.ncol)}
	}
	f := &s.fl
	for i, c := range s.col {
		v := s.konst[i]
		if c >= 0 && c < len(rec) {
			v = rec[c]
			if m := s.vals[i]; m != nil {
				if t, ok := m[v]; ok {
					v = t
				}
			}
			if v == "" {
				v = s.konst[i]
			}
		}
		f.v[i] = v
	}
	f.replyTo = ""
	if s.replyTo >= 0 && s.replyTo < len(rec) {
		f.replyTo = rec[s.replyTo]
	}
	return s.b.build(f, s.lastLine, r)
}

func (s *csvSource) close() error { return s.f.Close() }
