package trace

import (
	"fmt"
	"testing"
)

// TestMergeOpensFilesAsReached: files merged by ts are opened only when the merge
// reaches their first row, so a trace in daily files holds one or two open at a time
// however many days it has; files that overlap are all open together.
func TestMergeOpensFilesAsReached(t *testing.T) {
	dir := t.TempDir()
	const days = 6
	for d := range days {
		body := header
		for h := 0; h < 24; h += 6 {
			body += fmt.Sprintf("2025-08-%02dT%02d:00:00Z,55119876543%02d,user,,,,,,,,\n", d+1, h, d)
		}
		writeFile(t, dir, fmt.Sprintf("day-%d.csv", d), body)
	}
	maxOpen := func(args []string) (int, int) {
		r, err := OpenAll(args, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		m := r.(*reader).src.(*mergeSource)
		most, n := 0, 0
		var rec Record
		var last Record
		for r.Next(&rec) == nil {
			if n > 0 && rec.TS < last.TS {
				t.Fatalf("record %d at %s after %s", n, rec.TS, last.TS)
			}
			last = rec
			n++
			most = max(most, len(m.heap))
		}
		return most, n
	}
	if most, n := maxOpen([]string{dir}); most > 1 || n != days*4 {
		t.Errorf("daily files: %d records, up to %d open; want %d, 1", n, most, days*4)
	}
	// The same days again in files of their own: each pair overlaps.
	other := t.TempDir()
	for d := range days {
		writeFile(t, other, fmt.Sprintf("again-%d.csv", d), header+fmt.Sprintf("2025-08-%02dT03:00:00Z,5511987654399,user,,,,,,,,\n", d+1))
	}
	if most, n := maxOpen([]string{dir, other}); most > 2 || n != days*5 {
		t.Errorf("two overlapping sets: %d records, up to %d open; want %d, 2", n, most, days*5)
	}
}
