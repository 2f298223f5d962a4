package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/limits"
)

// TestReplayOutputsFlag: --outputs writes only the files named; an unknown name is a
// usage error (exit 2) that lists the valid ones, and writes nothing.
func TestReplayOutputsFlag(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "t.csv", "ts,user,direction,type,category\n2025-08-01T10:00:00Z,5511987654321,business,template,marketing\n")
	out := filepath.Join(dir, "o")
	if code, _, stderr := spendsim(t, "replay", "--trace", tr, "--outputs", "summary", "--out", out, "-q"); code != 0 {
		t.Fatalf("--outputs summary: exit %d, stderr %q", code, stderr)
	}
	for f, want := range map[string]bool{"summary.json": true, "manifest.json": true, "bill.parquet": false, "messages.parquet": false} {
		if _, err := os.Stat(filepath.Join(out, f)); (err == nil) != want {
			t.Errorf("--outputs summary: %s written %v, want %v", f, err == nil, want)
		}
	}
	bad := filepath.Join(dir, "bad")
	code, _, stderr := spendsim(t, "replay", "--trace", tr, "--outputs", "bill,report", "--out", bad)
	if want := `--outputs: unknown output "report"; the outputs are bill,summary,messages`; code != 2 || !strings.Contains(stderr, want) {
		t.Errorf("--outputs bill,report: exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("a usage error left %s behind", bad)
	}
}

// TestReplayMaxMemory: --max-memory sets the replay's soft heap limit; a replay whose
// live heap comes near it says so and how to give it room (never with -q), and a size
// that is not one is a usage error.
func TestReplayMaxMemory(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "t.csv", "ts,user,direction,type,category\n2025-08-01T10:00:00Z,5511987654321,business,template,marketing\n")
	code, _, stderr := spendsim(t, "replay", "--trace", tr, "--max-memory", "1KiB", "--out", filepath.Join(dir, "o"))
	if code != 0 || !strings.Contains(stderr, "more than three quarters of its soft heap limit of 1.0 KiB (--max-memory)") || !strings.Contains(stderr, "--max-memory SIZE gives it room") {
		t.Errorf("--max-memory 1KiB: exit %d, stderr %q; want 0 and a note on the soft limit", code, stderr)
	}
	if code, _, stderr := spendsim(t, "replay", "--trace", tr, "--max-memory", "1KiB", "--out", filepath.Join(dir, "q"), "-q"); code != 0 || strings.Contains(stderr, "soft heap limit") {
		t.Errorf("-q: exit %d, stderr %q; want no note", code, stderr)
	}
	if code, _, stderr := spendsim(t, "replay", "--trace", tr, "--max-memory", "lots", "--out", filepath.Join(dir, "b")); code != 2 || !strings.Contains(stderr, `--max-memory: "lots" is not a size`) {
		t.Errorf("--max-memory lots: exit %d, stderr %q; want 2", code, stderr)
	}
	// a size past the machine's memory is taken, with a note that it does not protect
	// the machine (on replay and on the commands that run scenarios alike)
	if _, ok := limits.MachineMemory(); ok {
		if code, _, stderr := spendsim(t, "replay", "--trace", tr, "--max-memory", "100TiB", "--out", filepath.Join(dir, "big"), "-q"); code != 0 ||
			!strings.Contains(stderr, "note: --max-memory 100.0 TiB is more than this machine's memory") || !strings.Contains(stderr, "does not keep the replay from running out of memory") {
			t.Errorf("--max-memory 100TiB: exit %d, stderr %q; want 0 and a note", code, stderr)
		}
		if code, _, stderr := spendsim(t, "validate", "--max-memory", "100TiB", filepath.Join("..", "..", "scenarios", "examples", "small.yaml")); code != 0 || !strings.Contains(stderr, "does not keep the runs from running out of memory") {
			t.Errorf("validate --max-memory 100TiB: exit %d, stderr %q; want 0 and a note", code, stderr)
		}
	}
}

// TestReplayNoteUnderGOMEMLIMIT: GOMEMLIMIT overrides the replay's soft heap limit,
// but the note on a live heap past three quarters of it compared the heap with the
// limit GOMEMLIMIT had overridden (800 MiB by default): GOMEMLIMIT=100MiB kept 178 MiB
// live, 2.5 times slower, and said nothing. The note now takes the limit in force and
// says what set it.
func TestReplayNoteUnderGOMEMLIMIT(t *testing.T) {
	childMain()
	dir := t.TempDir()
	tr := writeFile(t, dir, "t.csv", "ts,user,direction,type,category\n2025-08-01T10:00:00Z,5511987654321,business,template,marketing\n")
	for _, tc := range []struct {
		flags []string
		says  string
	}{
		{nil, "soft heap limit of 1.0 MiB (GOMEMLIMIT), so the GC collected often; a larger GOMEMLIMIT gives it room"},
		{[]string{"--max-memory", "8GiB"}, "soft heap limit of 1.0 MiB (GOMEMLIMIT, which overrides --max-memory)"},
	} {
		args := append([]string{"replay", "--trace", tr, "--out", filepath.Join(dir, fmt.Sprint("o", len(tc.flags)))}, tc.flags...)
		cmd := child("TestReplayNoteUnderGOMEMLIMIT", []string{"GOMEMLIMIT=1MiB"}, args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil || !strings.Contains(stderr.String(), tc.says) {
			t.Errorf("GOMEMLIMIT=1MiB %v: %v, stderr %q; want %q", tc.flags, err, stderr.String(), tc.says)
		}
	}
}

// TestReplayUsageSlips: sizes and counts that make no sense are usage errors (exit 2)
// that say what to give, not runs that take minutes: --max-memory in bytes without its
// unit, --workers past 1024; nothing is written. A trace whose every row is invalid is
// an error under --skip-invalid too (exit 1, no output), not a bill of 0.00.
func TestReplayUsageSlips(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "t.csv", "ts,user,direction,type,category\n2025-08-01T10:00:00Z,5511987654321,business,template,marketing\n")
	bad := writeFile(t, dir, "bad.csv", "ts,user,direction,type,category\nxx,5511987654321,business,template,marketing\n2025-08-01T10:00:00Z,5511987654321,sideways,text,\n")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--trace", tr, "--max-memory", "512"}, 2, `--max-memory: "512" is 512 bytes; give the unit, like 512MiB or 8GiB`},
		{[]string{"--trace", tr, "--workers", "100000"}, 2, "--workers must be between 0 (the default) and 1024, got 100000"},
		{[]string{"--trace", bad, "--skip-invalid"}, 1, "bad.csv: nothing to read: all 2 lines of the trace were invalid and skipped; the first: bad.csv:2: column ts:"},
	} {
		out := filepath.Join(dir, "out")
		code, _, stderr := spendsim(t, append([]string{"replay", "--out", out, "-q"}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%v left %s behind", c.args, out)
		}
	}
}
