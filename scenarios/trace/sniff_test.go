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
