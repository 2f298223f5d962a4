package trace

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// What the first bytes of a text trace (CSV, JSON lines, a webhook log) say, once, before
// its first row: a file that is not text in the format's encoding gets an error that
// says what it is and what to do, instead of the parser's first confusion about it
// ("bare \" in non-quoted-field" for gzip data, a header of binary garbage for UTF-16 or
// Parquet). Nothing here runs per row.

// checkText looks at the start of st, a text trace of format named name, and says what
// is wrong with it if it is not such text: compressed data under a plain name, UTF-16,
// a Parquet file. st then reads through crLines, so that a line ending in a bare CR
// (classic Mac OS, and Excel for Mac's "CSV (Macintosh)") is a line wherever it is in
// the file, the first line or a later one: neither encoding/csv nor the JSON-lines
// reader ends a line at a CR, and a file with mixed line ends read its bare-CR lines
// as one ("has 13 fields, the header has 5").
func checkText(st *stream, name, format string) error {
	head, _ := st.r.Peek(4)
	fail := func(format string, a ...any) error {
		return &Error{File: name, Msg: fmt.Sprintf(format, a...)}
	}
	base := filepath.Base(name)
	if codec := sniffCompression(st.r); codec != "" {
		what := map[string]string{".gz": "gzip", ".zst": "zstd"}[codec]
		if ext, _ := compression(name); ext != "" {
			return fail("the data decompressed from it is %s data again (compressed twice?): decompress it once", what)
		}
		if formatByExt(base) == "" {
			base += textExt[format]
		}
		return fail("the file starts with %s data, not text: name it %s%s (it is decompressed as it is read), or decompress it", what, base, codec)
	}
	if string(head) == "PAR1" {
		return fail("a Parquet file, not %s: name it %s.parquet, or pass --format parquet", textWord[format], strings.TrimSuffix(base, filepath.Ext(base)))
	}
	if enc := utf16Kind(head); enc != "" {
		return fail("UTF-16 text (%s): save it as UTF-8 (a spreadsheet's \"CSV UTF-8\")", enc)
	}
	st.r = bufio.NewReaderSize(&crLines{r: st.r}, streamBuffer)
	return nil
}

// textExt is the extension of a text format, for a name suggested to the user.
var textExt = map[string]string{"csv": ".csv", "jsonl": ".jsonl", "webhook": ".jsonl"}

// textWord names a text format in errors.
var textWord = map[string]string{"csv": "CSV text", "jsonl": "JSON lines", "webhook": "a webhook log"}

// utf16Kind says how head is UTF-16 encoded ("little-endian, with a byte-order mark",
// "big-endian"), or "" when it is not: by its byte-order mark, else by ASCII text's
// every other byte being zero.
func utf16Kind(head []byte) string {
	switch {
	case len(head) < 2:
		return ""
	case head[0] == 0xFF && head[1] == 0xFE:
		return "little-endian, with a byte-order mark"
	case head[0] == 0xFE && head[1] == 0xFF:
		return "big-endian, with a byte-order mark"
	case len(head) < 4:
		return ""
	case head[0] != 0 && head[1] == 0 && head[2] != 0 && head[3] == 0:
		return "little-endian"
	case head[0] == 0 && head[1] != 0 && head[2] == 0 && head[3] != 0:
		return "big-endian"
	}
	return ""
}

// crLines reads r with every bare CR turned into an LF, and a CRLF into one LF, so line
// numbers count a file's lines as an editor does, whatever mix of LF, CRLF and bare CR
// ends them. Neither changes what a reader makes of a file without bare CRs: CSV and
// JSON lines read a CRLF as an LF. A chunk without a CR is handed on as read.
type crLines struct {
	r      io.Reader
	lastCR bool // the last byte read was a CR (handed out as an LF)
}

func (c *crLines) Read(p []byte) (int, error) {
	for {
		n, err := c.r.Read(p)
		r, w := 0, 0 // read and write positions in p[:n]
		if c.lastCR && n > 0 {
			c.lastCR = false
			if p[0] == '\n' {
				r = 1 // the LF of a CRLF split between reads, whose CR is already an LF
			}
		}
		for r < n {
			i := bytes.IndexByte(p[r:n], '\r')
			if i < 0 {
				if w != r {
					copy(p[w:], p[r:n])
				}
				w += n - r
				break
			}
			if w != r {
				copy(p[w:], p[r:r+i])
			}
			w, r = w+i, r+i+1
			p[w] = '\n'
			w++
			switch {
			case r == n:
				c.lastCR = true
			case p[r] == '\n':
				r++
			}
		}
		if w > 0 || n == 0 || err != nil {
			return w, err
		}
	}
}
