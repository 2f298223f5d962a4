package progress

import (
	"bytes"
	"testing"
)

// TestRecordsOffTerminal: on a writer that is no terminal (a log, CI) nothing is drawn,
// notes are printed unless quiet, and every call is safe.
func TestRecordsOffTerminal(t *testing.T) {
	var buf bytes.Buffer
	r := NewRecords(&buf, false)
	r.Read(10)
	r.Read(5) // a new pass
	r.Note("pass 1 of 2 done")
	r.Stop()
	r.Stop()
	if buf.String() != "pass 1 of 2 done\n" {
		t.Errorf("wrote %q", buf.String())
	}
	buf.Reset()
	q := NewRecords(&buf, true)
	q.Note("pass 1 of 2 done")
	q.Stop()
	if buf.Len() != 0 {
		t.Errorf("quiet wrote %q", buf.String())
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 9961472: "9,961,472", -1234567: "-1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
