package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/sweep"
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

// runShards runs scenario file sc as shards ks of n into out, each with extra flags.
func runShards(t *testing.T, sc, out string, n int, ks []int, extra ...string) {
	t.Helper()
	for _, k := range ks {
		args := append([]string{"run", sc, "--out", out, "-q", "--shard", fmt.Sprintf("%d/%d", k, n)}, extra...)
		if code, _, stderr := spendsim(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
}

// copyFiles copies the files rels of folder from into folder to.
func copyFiles(t *testing.T, from, to string, rels ...string) {
	t.Helper()
	for _, rel := range rels {
		data, err := os.ReadFile(filepath.Join(from, rel))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, rel), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRunShardsIdentity: the shards of a sweep record what they ran, so that merge
// refuses what is not one sweep and says what differs. A part copied in from a sweep of
// another scenario with the same seed and run ids (cost_per_hour changed) used to merge
// with exit 0, mixing the two; a manifest of that sweep is refused naming the field and
// both values; billing flags, which price a replay's shards, are a usage error for a
// run's (they were ignored); a manifest cut short says so and how to rerun its shard.
func TestRunShardsIdentity(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "a.yaml", strings.Replace(sweepScenario, "agents:\n", "agents:\n  cost_per_hour: 9.5\n", 1))
	other := writeFile(t, dir, "b.yaml", strings.Replace(sweepScenario, "agents:\n", "agents:\n  cost_per_hour: 12\n", 1))
	elsewhere := filepath.Join(dir, "other")
	runShards(t, other, elsewhere, 2, []int{1})
	fresh := func(name string) string {
		out := filepath.Join(dir, name)
		runShards(t, sc, out, 2, []int{0, 1})
		return out
	}

	out := fresh("part")
	copyFiles(t, elsewhere, out, sweep.ShardPart("runs", 1, 2))
	code, _, stderr := spendsim(t, "merge", out)
	if code != 1 || !strings.Contains(stderr, "runs/shard=1/part-1-of-2.parquet is not the part its shard wrote") || !strings.Contains(stderr, "--shard 1/2") {
		t.Errorf("merge with a part of another scenario: exit %d: %s", code, stderr)
	}

	out = fresh("manifest")
	copyFiles(t, elsewhere, out, sweep.ShardManifestPath(1, 2), sweep.ShardPart("runs", 1, 2), sweep.ShardPart("daily", 1, 2))
	code, _, stderr = spendsim(t, "merge", out)
	if want := "shards 0 and 1 of " + out + " ran different scenarios: agents.cost_per_hour: 9.5 in shard 0, 12 in shard 1; "; code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("merge with a shard of another scenario: exit %d: %s\nwant %s", code, stderr, want)
	}

	out = fresh("flags")
	rates := writeFile(t, dir, "r.csv", hostileHeader+"2025-01-01,PMP,Brazil,utility,USD,0.5\n")
	code, _, stderr = spendsim(t, "merge", out, "--pricing", "cbp-2023", "--rates", rates, "--timezone", "Asia/Tokyo")
	if code != 2 || !strings.Contains(stderr, "--pricing, --timezone, --rates are a replay's billing flags") {
		t.Errorf("merge of a run's shards with billing flags: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "summary.json")); err == nil {
		t.Error("a refused merge wrote summary.json")
	}

	p := filepath.Join(out, sweep.ShardManifestPath(1, 2))
	if err := os.Truncate(p, 200); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = spendsim(t, "merge", out)
	if want := p + ": it is cut short: its JSON ends unfinished after 200 bytes"; code != 1 || !strings.Contains(stderr, want) ||
		!strings.Contains(stderr, "run shard 1 of 2 again") || !strings.Contains(stderr, "--shard 1/2") {
		t.Errorf("merge with a manifest cut short: exit %d: %s\nwant %s", code, stderr, want)
	}
}

// TestRunShardFailsClean: a shard that fails writing its parts (here its daily part's
// folder is a file) leaves no part without a manifest, where it used to leave its runs
// part for a glob over the parts to read; going on from its kept runs with other flags
// (--resume --rates) is a usage error naming the flag; and a merge beside a part of
// another split says a glob over every part would read it, naming it.
func TestRunShardFailsClean(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "a.yaml", sweepScenario)
	out := filepath.Join(dir, "out")
	runShards(t, sc, out, 2, []int{0})
	if err := os.MkdirAll(filepath.Join(out, "daily"), 0o755); err != nil {
		t.Fatal(err)
	}
	blocker := writeFile(t, filepath.Join(out, "daily"), "shard=1", "")
	if code, _, stderr := spendsim(t, "run", sc, "--out", out, "-q", "--shard", "1/2"); code != 1 {
		t.Fatalf("a shard whose daily folder is a file: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, sweep.ShardPart("runs", 1, 2))); err == nil {
		t.Error("a failed shard left its runs part")
	}
	if err := os.Remove(blocker); err != nil {
		t.Fatal(err)
	}
	rates := writeFile(t, dir, "r.csv", hostileHeader+"2025-01-01,PMP,Brazil,utility,USD,0.5\n")
	code, _, stderr := spendsim(t, "run", sc, "--out", out, "-q", "--shard", "1/2", "--resume", "--rates", rates)
	if want := "are of another sweep: --rates: none in the kept runs, " + rates + " (sha256 "; code != 2 || !strings.Contains(stderr, want) {
		t.Errorf("--resume with --rates the kept runs had not: exit %d: %s\nwant %s", code, stderr, want)
	}
	runShards(t, sc, out, 2, []int{1}, "--resume")
	runShards(t, sc, out, 3, []int{2})
	if err := os.Remove(filepath.Join(out, sweep.ShardManifestPath(2, 3))); err != nil { // as a shard killed before its manifest leaves it
		t.Fatal(err)
	}
	code, _, stderr = spendsim(t, "merge", out, "-q")
	if want := "read " + filepath.Join(out, "runs", "*", "part-*-of-2.parquet") + " instead, or remove them: rm " + filepath.Join(out, sweep.ShardPart("runs", 2, 3)); code != 0 || !strings.Contains(stderr, want) {
		t.Errorf("merge beside a stray part: exit %d: %s\nwant %s", code, stderr, want)
	}
}

// TestReplayShardFailsClean: a replay shard that fails leaves no part without its
// manifest (its earlier try's parts went with that try's manifest, and used to stay),
// and a merge given a manifest cut short says so and how to rerun its shard.
func TestReplayShardFailsClean(t *testing.T) {
	dir := t.TempDir()
	head := "ts,user,direction,type,category,status\n2025-08-01T10:00:00Z,5511987654321,business,template,marketing,delivered\n"
	good := writeFile(t, dir, "t.csv", head)
	out := filepath.Join(dir, "out")
	for k := range 2 {
		if code, _, stderr := spendsim(t, "replay", "--trace", good, "--out", out, "--shard", fmt.Sprintf("%d/2", k), "-q"); code != 0 {
			t.Fatalf("shard %d: exit %d: %s", k, code, stderr)
		}
	}
	p := filepath.Join(out, "replay-shards", "shard-1-of-2.json")
	if err := os.Truncate(p, 100); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := spendsim(t, "merge", out)
	if want := p + ": it is cut short: its JSON ends unfinished after 100 bytes"; code != 1 || !strings.Contains(stderr, want) ||
		!strings.Contains(stderr, "spendsim replay --trace "+good+" --out "+out+" --shard 1/2") {
		t.Errorf("merge with a manifest cut short: exit %d: %s\nwant %s", code, stderr, want)
	}
	bad := writeFile(t, dir, "bad.csv", head+"2025-08-01T11:00:00Z,5511987654321,sideways,template,marketing,delivered\n")
	if code, _, stderr := spendsim(t, "replay", "--trace", bad, "--out", out, "--shard", "1/2", "-q"); code != 1 {
		t.Fatalf("a shard of a bad trace: exit %d: %s", code, stderr)
	}
	for _, part := range []string{"messages-1-of-2.bin.zst", "pairs-1-of-2.bin", "shard-1-of-2.json"} {
		if _, err := os.Stat(filepath.Join(out, "replay-shards", part)); err == nil {
			t.Errorf("a failed shard left %s", part)
		}
	}
}
