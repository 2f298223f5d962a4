package trace

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestPipes (issue 15): a trace read from a FIFO or a pipe (<(cat t.csv), /dev/stdin)
// reads exactly as the file does, in every format, detected or given. Detection used to
// open the file a second time: a FIFO without an extension hung, and a pipe lost the 4
// bytes sniffed.
func TestPipes(t *testing.T) {
	pq := filepath.Join(t.TempDir(), "good.parquet")
	w, err := NewWriter(pq, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range mustReadAll(t, "testdata/good.csv", Options{}) {
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file   string
		format string
	}{
		{"testdata/good.csv", ""}, {"testdata/good.csv", "csv"},
		{"testdata/good.jsonl", ""}, {"testdata/good.jsonl", "jsonl"},
		{"testdata/webhook.jsonl", ""}, {"testdata/webhook.jsonl", "webhook"},
		{pq, ""}, {pq, "parquet"},
	} {
		want := mustReadAll(t, c.file, Options{Format: c.format})
		data, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(c.file) + "/" + c.format
		t.Run("fifo "+name, func(t *testing.T) {
			fifo := filepath.Join(t.TempDir(), "trace") // no extension: detected by content
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Skip("no FIFOs here:", err)
			}
			go func() {
				f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
				if err != nil {
					return
				}
				f.Write(data)
				f.Close()
			}()
			got := readWithin(t, fifo, Options{Format: c.format, TempDir: t.TempDir()})
			if !reflect.DeepEqual(got, want) {
				t.Errorf("from a FIFO:\n%+v\nwant\n%+v", got, want)
			}
		})
		t.Run("pipe "+name, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			go func() {
				w.Write(data)
				w.Close()
			}()
			path := "/proc/self/fd/" + strconv.Itoa(int(r.Fd())) // what <(cat t.csv) names
			if _, err := os.Stat(path); err != nil {
				t.Skip("no /proc here")
			}
			tmp := t.TempDir()
			got := readWithin(t, path, Options{Format: c.format, TempDir: tmp})
			if !reflect.DeepEqual(got, want) {
				t.Errorf("from a pipe:\n%+v\nwant\n%+v", got, want)
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("%s left behind in the temporary folder", left[0].Name())
			}
		})
	}
}

// readWithin reads a whole trace, failing the test if that takes more than a minute
// (a reader waiting on a FIFO nobody writes to any more).
func readWithin(t *testing.T, path string, o Options) []Record {
	t.Helper()
	type result struct {
		recs []Record
		err  error
	}
	done := make(chan result, 1)
	go func() {
		recs, _, err := readAll(t, path, o)
		done <- result{recs, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		return r.recs
	case <-time.After(time.Minute):
		t.Fatal("reading hangs")
		return nil
	}
}
