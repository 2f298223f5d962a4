//go:build linux

package table

import (
	"errors"
	"math/rand/v2"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/spendsim/spendsim/internal/table/tabletest"
)

// TestTableStopsAtFirstWriteError: a write that fails (a full disk; here the file-size
// limit, which fails the same write call with EFBIG) stops the writer at its next
// batch, not at Close: the Parquet library drops the error of a row group's flush, and
// a replay would otherwise bill the whole trace before hearing of it. Nothing is left.
func TestTableStopsAtFirstWriteError(t *testing.T) {
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Skip(err)
	}
	const limit = 256 << 10
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: limit, Max: old.Max}); err != nil {
		t.Skip(err)
	}
	defer syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old)

	dir := t.TempDir()
	w, err := Create(filepath.Join(dir, "t.parquet"), []Column{Int64Col("x")}, Options{Version: testVersion, BatchRows: 1000, RowGroupRows: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	x := w.Int64("x")
	rng := rand.New(rand.NewPCG(1, 2))
	const rows = 2_000_000 // 16 MB of random numbers, which do not compress
	var stopped int
	for i := range rows {
		x.Append(rng.Int64())
		if err = w.EndRow(); err != nil {
			stopped = i
			break
		}
	}
	if !errors.Is(err, syscall.EFBIG) {
		t.Fatalf("after %d rows: %v, want the write's error", stopped, err)
	}
	// The first write to the file comes when the 1 MiB write buffer is full (131,072
	// numbers), and fails; the writer stops within a row group of it.
	if stopped > 1<<20/8+20_000 {
		t.Errorf("the writer stopped after %d of %d rows; its first write failed near row %d", stopped, rows, 1<<20/8)
	}
	w.Abort()
	if got := tabletest.DirEntries(t, dir); len(got) != 0 {
		t.Errorf("left behind: %v", got)
	}
}
