package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pipeStdin makes standard input a pipe that yields data, until the test ends.
func pipeStdin(t *testing.T, data []byte) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		w.Write(data)
		w.Close()
	}()
	old := os.Stdin
	os.Stdin = r
	t.Cleanup(func() { os.Stdin = old; r.Close() })
}

// TestReplayShardsStdinHashed: shards fed the trace on standard input hash it as they
// read it, so two shards fed other data of the same record count (one row's category
// changed) are refused, naming both shards and the digests, where they used to
// merge into a bill neither trace gives; fed the same data, the merged manifest records
// its SHA-256 as for a file, and so does a replay of a Parquet trace piped in (copied to a
// temporary file first).
func TestReplayShardsStdinHashed(t *testing.T) {
	head := "ts,user,direction,type,category,status\n"
	a := head + "2025-08-01T10:00:00Z,5511987654321,business,template,marketing,delivered\n2025-08-01T11:00:00Z,5511987654322,business,template,marketing,delivered\n"
	b := strings.Replace(a, "2,business,template,marketing", "2,business,template,utility", 1) // as many records
	dir := t.TempDir()
	shard := func(out, data string, k int) {
		t.Helper()
		pipeStdin(t, []byte(data))
		if code, _, stderr := spendsim(t, "replay", "--trace", "-", "--pricing", "pmp-2025", "--out", out, "--shard", fmt.Sprintf("%d/2", k), "-q"); code != 0 {
			t.Fatalf("shard %d: exit %d: %s", k, code, stderr)
		}
	}
	mixed := filepath.Join(dir, "mixed")
	shard(mixed, a, 0)
	shard(mixed, b, 1)
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	code, _, stderr := spendsim(t, "merge", mixed, "--pricing", "pmp-2025")
	if code != 1 || !strings.Contains(stderr, "shards 0 and 1") || !strings.Contains(stderr, "standard input (sha256 "+sum(a)[:12]) ||
		!strings.Contains(stderr, "standard input (sha256 "+sum(b)[:12]) {
		t.Errorf("merge of shards fed other data on standard input: exit %d: %s", code, stderr)
	}
	same := filepath.Join(dir, "same")
	shard(same, a, 0)
	shard(same, a, 1)
	if code, _, stderr := spendsim(t, "merge", same, "--pricing", "pmp-2025"); code != 0 {
		t.Fatalf("merge of shards fed the same data: exit %d: %s", code, stderr)
	}
	if m, _ := os.ReadFile(filepath.Join(same, "manifest.json")); !strings.Contains(string(m), `"sha256": "`+sum(a)+`"`) {
		t.Errorf("the merged manifest does not record standard input's SHA-256 %s:\n%s", sum(a), m)
	}
	pq, err := os.ReadFile("testdata/examples/common/messages.parquet")
	if err != nil {
		t.Fatal(err)
	}
	pipeStdin(t, pq)
	out := filepath.Join(dir, "parquet")
	if code, _, stderr := spendsim(t, "replay", "--trace", "-", "--out", out, "-q"); code != 0 {
		t.Fatalf("replay of Parquet on standard input: exit %d: %s", code, stderr)
	}
	if m, _ := os.ReadFile(filepath.Join(out, "manifest.json")); !strings.Contains(string(m), `"sha256": "`+sum(string(pq))+`"`) {
		t.Errorf("the manifest of a Parquet trace piped in does not record its SHA-256:\n%s", m)
	}
}
