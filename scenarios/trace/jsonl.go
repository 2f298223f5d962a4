package trace

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// lineReader yields lines without their end (LF or CRLF) and without a leading BOM,
// of any length up to maxRowBytes (bufio.Scanner's 64 KiB default is a classic trap
// for JSON logs). The slice is valid until the next call.
type lineReader struct {
	br   *bufio.Reader
	buf  []byte
	line int64
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 64<<10)}
}

func (l *lineReader) next() ([]byte, error) {
	line, err := l.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		l.buf = append(l.buf[:0], line...)
		for err == bufio.ErrBufferFull {
			if len(l.buf) > maxRowBytes {
				l.line++
				return nil, errRowTooLong
			}
			line, err = l.br.ReadSlice('\n')
			l.buf = append(l.buf, line...)
		}
		line = l.buf
	}
	if err == io.EOF {
		if len(line) == 0 {
			return nil, io.EOF
		}
		err = nil
	}
	if err != nil {
		return nil, err
	}
	l.line++
	if len(line) > maxRowBytes {
		return nil, errRowTooLong
	}
	line = bytes.TrimSuffix(line, []byte{'\n'})
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if l.line == 1 {
		line = bytes.TrimPrefix(line, utf8BOM)
	}
	return bytes.TrimSpace(line), nil
}

// lineErr turns a lineReader failure into a located, fatal error.
func lineErr(file string, l *lineReader, err error) error {
	if errors.Is(err, errRowTooLong) {
		return &Error{File: file, Line: l.line, Msg: fmt.Sprintf("line is longer than %d MiB; is it really JSON lines?", maxRowBytes>>20), Err: err}
	}
	return &Error{File: file, Msg: err.Error(), Err: err}
}

// badUTF8 checks a line before decoding: encoding/json would silently turn invalid
// bytes into U+FFFD, and ids would no longer match the system they came from.
func badUTF8(b []byte) string {
	if utf8.Valid(b) {
		return ""
	}
	return checkUTF8(string(b))
}

// jsonRow has the contract's field names. Pointers tell absent (or null) from "".
type jsonRow struct {
	TS          *string `json:"ts"`
	User        *string `json:"user"`
	Direction   *string `json:"direction"`
	Type        *string `json:"type"`
	Category    *string `json:"category"`
	Country     *string `json:"country"`
	Business    *string `json:"business"`
	EntryPoint  *string `json:"entry_point"`
	Status      *string `json:"status"`
	DeliveredTS *string `json:"delivered_ts"`
	MessageID   *string `json:"message_id"`
}

// jsonlKeys are the contract's keys, exactly as written: duplicates and case variants
// are errors (jsonkeys.go).
var jsonlKeys = newKeyRules(fieldNames[:]...)

type jsonlSource struct {
	f    io.Closer
	lr   *lineReader
	b    *builder
	fl   fields
	rows int64
	part [nFields]string // partition values for fields a row leaves empty
	keys keyScan
}

func (s *jsonlSource) builder() *builder { return s.b }

// openJSONL reads JSON lines from st (closed with the source).
func openJSONL(st *stream, name string, part [nFields]string) (source, error) {
	return &jsonlSource{f: st, lr: newLineReader(st), b: newBuilder(name), part: part, keys: keyScan{rules: jsonlKeys}}, nil
}

func (s *jsonlSource) next(r *row) error {
	var line []byte
	for len(line) == 0 {
		var err error
		line, err = s.lr.next()
		if err == io.EOF {
			if s.rows == 0 {
				return &Error{File: s.b.file, Msg: "empty file, no rows"}
			}
			return io.EOF
		}
		if err != nil {
			return lineErr(s.b.file, s.lr, err)
		}
	}
	s.rows++
	n := s.lr.line
	if msg := badUTF8(line); msg != "" {
		return &Error{File: s.b.file, Line: n, Msg: msg, row: true}
	}
	var j jsonRow
	if err := json.Unmarshal(line, &j); err != nil {
		return jsonErr(s.b.file, n, err)
	}
	if p := s.keys.check(line); p != nil {
		return &Error{File: s.b.file, Line: n, Column: p.where, Msg: p.msg, row: true}
	}
	f := &s.fl
	for i, p := range [nFields]*string{j.TS, j.User, j.Direction, j.Type, j.Category, j.Country,
		j.Business, j.EntryPoint, j.Status, j.DeliveredTS, j.MessageID} {
		f.v[i] = s.part[i]
		if p != nil && *p != "" {
			f.v[i] = *p
		}
	}
	return s.b.build(f, n, r)
}

// jsonErr locates a decoding error: the field for a wrong type, else the syntax.
func jsonErr(file string, line int64, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return &Error{File: file, Line: line, row: true, Err: err, Msg: fmt.Sprintf("a JSON %s, want an object", te.Value)}
		}
		return &Error{File: file, Line: line, Column: te.Field, row: true, Err: err,
			Msg: fmt.Sprintf("a JSON %s, want a %s", te.Value, jsonType(te.Type.Kind().String()))}
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	return &Error{File: file, Line: line, row: true, Err: err, Msg: "bad JSON: " + msg}
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	}
	return kind
}

func (s *jsonlSource) close() error { return s.f.Close() }
