package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
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

// TestProgressLinesOffTerminal: off a terminal (nohup, cron, CI) a long command said
// nothing until its end; now it writes a plain line every logEvery: runs done of
// planned with the time left, records read (naming the pass past the first), and
// notes between whole lines. A command shorter than logEvery writes none, and quiet
// none at all.
func TestProgressLinesOffTerminal(t *testing.T) {
	defer func(d time.Duration) { logEvery = d }(logEvery)
	logEvery = 20 * time.Millisecond
	var buf lockedBuffer
	r := &Runs{W: &buf}
	r.Planned(4)
	r.Finished(1)
	waitFor(&buf, "runs 1/4, ")
	r.Stop()
	if got := buf.String(); !strings.HasPrefix(got, "runs 1/4, ") || !strings.Contains(got, " elapsed, about ") {
		t.Errorf("runs wrote %q", got)
	}

	buf = lockedBuffer{}
	rec := NewRecords(&buf, false)
	rec.Read(2000)
	rec.Read(10) // the second pass
	rec.Note("pass 1 of 2 done")
	waitFor(&buf, "pass 2: 10 records read, ")
	rec.Stop()
	if got := buf.String(); !strings.Contains(got, "pass 1 of 2 done\n") || !strings.Contains(got, "pass 2: 10 records read, ") {
		t.Errorf("records wrote %q", got)
	}

	// A pass said by Pass shows even when its count never went below the last.
	buf = lockedBuffer{}
	rec = NewRecords(&buf, false)
	rec.Read(65536)
	rec.Pass(2)
	rec.Read(65536)
	waitFor(&buf, "pass 2: 65,536 records read, ")
	rec.Stop()
	if got := buf.String(); !strings.Contains(got, "pass 2: 65,536 records read, ") {
		t.Errorf("records after Pass wrote %q", got)
	}

	buf = lockedBuffer{}
	q := NewRecords(&buf, true)
	qr := &Runs{W: &buf, Quiet: true}
	q.Read(5)
	qr.Planned(3)
	time.Sleep(50 * time.Millisecond)
	q.Stop()
	qr.Stop()
	if buf.String() != "" {
		t.Errorf("quiet wrote %q", buf.String())
	}

	logEvery = time.Hour
	buf = lockedBuffer{}
	quick := NewRecords(&buf, false)
	quick.Read(5)
	quick.Stop()
	if buf.String() != "" {
		t.Errorf("a quick command wrote %q", buf.String())
	}
}

// waitFor waits until buf holds want, at most 5 s: a fixed sleep would fail on a loaded
// machine whose ticker fires late; the assertions after it say what was written.
func waitFor(buf *lockedBuffer, want string) {
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end) && !strings.Contains(buf.String(), want); {
		time.Sleep(5 * time.Millisecond)
	}
}

// lockedBuffer is a bytes.Buffer the lines' goroutine and the test may share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
