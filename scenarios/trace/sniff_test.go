package trace

import (
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
)

// TestCRLines: bare CRs and CRLFs become one LF each, also when a CRLF is split
// between two reads.
func TestCRLines(t *testing.T) {
	r := &crLines{r: iotest.OneByteReader(strings.NewReader("a\rb\r\nc\r\r\nd"))}
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if want := "a\nb\nc\n\nd"; string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestCRLinesReference: however the bytes arrive, crLines reads as a plain reference
// does (a CRLF is one LF, a bare CR is an LF), over every mix of the bytes that matter.
func TestCRLinesReference(t *testing.T) {
	ref := func(s string) string {
		return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	alphabet := []byte{'a', '\r', '\n'}
	var inputs []string
	var grow func(s string)
	grow = func(s string) {
		inputs = append(inputs, s)
		if len(s) < 7 {
			for _, b := range alphabet {
				grow(s + string(b))
			}
		}
	}
	grow("")
	inputs = append(inputs, strings.Repeat("ts,user\n", 5000)+strings.Repeat("x,y\r", 5000)+strings.Repeat("z\r\n", 5000))
	wraps := map[string]func(io.Reader) io.Reader{
		"whole":    func(r io.Reader) io.Reader { return r },
		"one byte": iotest.OneByteReader,
		"half":     iotest.HalfReader,
		"data+err": iotest.DataErrReader,
	}
	for _, in := range inputs {
		for name, wrap := range wraps {
			got, err := io.ReadAll(&crLines{r: wrap(strings.NewReader(in))})
			if err != nil || string(got) != ref(in) {
				t.Fatalf("%s read of %q: got %q, %v; want %q", name, in, got, err, ref(in))
			}
		}
	}
}

// TestNoHeaderMapped: a foreign log without its header line says so, naming the
// columns the mapping reads, rather than that a column is missing.
func TestNoHeaderMapped(t *testing.T) {
	m, err := LoadMapping("testdata/twcs.yaml")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("testdata/twcs_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(string(b), "\n")
	p := writeFile(t, t.TempDir(), "twcs.csv", body)
	_, _, err = readAll(t, p, Options{Mapping: m, Sort: true})
	want := `twcs.csv:1: no header row: the first line holds values ("Wed Oct 11 06:55:44 +0000 2017" is a time); want a header line naming the mapping's columns (created_at,author_id,inbound,tweet_id,in_response_to_tweet_id)`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}
