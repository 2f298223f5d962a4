package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	if code != 0 || !strings.Contains(stderr, "more than three quarters of its soft heap limit of 1.0 KiB") || !strings.Contains(stderr, "--max-memory SIZE gives it room") {
		t.Errorf("--max-memory 1KiB: exit %d, stderr %q; want 0 and a note on the soft limit", code, stderr)
	}
	if code, _, stderr := spendsim(t, "replay", "--trace", tr, "--max-memory", "1KiB", "--out", filepath.Join(dir, "q"), "-q"); code != 0 || strings.Contains(stderr, "soft heap limit") {
		t.Errorf("-q: exit %d, stderr %q; want no note", code, stderr)
	}
	if code, _, stderr := spendsim(t, "replay", "--trace", tr, "--max-memory", "lots", "--out", filepath.Join(dir, "b")); code != 2 || !strings.Contains(stderr, `--max-memory: "lots" is not a size`) {
		t.Errorf("--max-memory lots: exit %d, stderr %q; want 2", code, stderr)
	}
}
