package trace

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestPrefetchIsTransparent: the same records, counts and final error through Prefetch
// as straight from the reader, with batches smaller than the trace.
func TestPrefetchIsTransparent(t *testing.T) {
	var b strings.Builder
	b.WriteString("ts,user,direction,type,category,message_id\n")
	for i := 0; i < 1000; i++ {
		cat := "utility"
		if i%7 == 0 {
			cat = "marketting" // invalid: skipped with SkipInvalid
		}
		id := i
		if i%11 == 0 {
			id = i - 1 // a duplicate of the previous message
		}
		b.WriteString("2025-09-01T10:" + pad(i/60) + ":" + pad(i%60) + "Z,5511987654321,business,template," + cat + ",m" + itoa(id) + "\n")
	}
	path := filepath.Join(t.TempDir(), "t.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	read := func(r Reader) ([]Record, int64, int64, error) {
		defer r.Close()
		var out []Record
		for {
			var rec Record
			err := r.Next(&rec)
			if err != nil {
				return out, r.Skipped(), r.(Duplicater).Duplicates(), err
			}
			out = append(out, rec)
		}
	}
	direct, _ := Open(path, Options{SkipInvalid: true})
	want, wantSkip, wantDup, wantErr := read(direct)
	opened, _ := Open(path, Options{SkipInvalid: true})
	got, gotSkip, gotDup, gotErr := read(Prefetch(opened, 64))
	if !errors.Is(wantErr, io.EOF) || !errors.Is(gotErr, io.EOF) {
		t.Fatalf("errors %v / %v", wantErr, gotErr)
	}
	if len(got) != len(want) || gotSkip != wantSkip || gotDup != wantDup || wantSkip == 0 || wantDup == 0 {
		t.Fatalf("got %d records, %d skipped, %d dups; want %d, %d, %d", len(got), gotSkip, gotDup, len(want), wantSkip, wantDup)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("record %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	// Closing early stops the goroutine without reading the rest.
	early, _ := Open(path, Options{SkipInvalid: true})
	p := Prefetch(early, 8)
	var rec Record
	if err := p.Next(&rec); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

func pad(n int) string { return fmt.Sprintf("%02d", n) }

func itoa(n int) string { return strconv.Itoa(n) }
