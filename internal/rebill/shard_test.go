package rebill

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// replayFiles are the files of a replay that sharding must not change.
var replayFiles = []string{"messages.parquet", "bill.parquet", "summary.json", "manifest.json"}

func readReplayFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, f := range replayFiles {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		files[f] = string(b)
	}
	return files
}

// shardAndMerge replays o as n shards into o.Out and merges them.
func shardAndMerge(t *testing.T, o Options, n int) error {
	t.Helper()
	settings := []string{"--pricing=" + o.Pricing}
	for k := n - 1; k >= 0; k-- { // any order: a shard reads the whole trace
		if _, err := ReplayShard(context.Background(), o, ShardOptions{Shard: k, Shards: n, Settings: settings}); err != nil {
			return err
		}
	}
	_, err := MergeReplay(context.Background(), MergeOptions{Out: o.Out, Billing: o.Billing, Settings: settings, RateFiles: o.RateFiles, Version: o.Version})
	return err
}

// TestShardedReplaySameBytes: N shards merged write the very bytes of the unsharded
// replay, at N = 1, 2 and 3, for random traces under every era, over the test cards
// with counters small enough to run out (CBP free tiers, PMP volume tiers, the 2026
// service allowance).
func TestShardedReplaySameBytes(t *testing.T) {
	for i, era := range []string{"auto", "nbp-2018", "cbp-2022", "cbp-2023", "pmp-2025", "pmp-2026-10"} {
		seed := uint64(11 + i)
		trace := options(t, traceCSV(genRecords(seed, traceStarts[int(seed)%len(traceStarts)], 3000)))
		trace.Billing = eraOptions(t, era, seed)
		trace.Pricing, trace.Workers = era, 1
		want := trace
		want.Out = filepath.Join(t.TempDir(), "out")
		if _, err := Replay(context.Background(), want); err != nil {
			t.Fatalf("%s: %v", era, err)
		}
		wantFiles := readReplayFiles(t, want.Out)
		for _, n := range []int{1, 2, 3} {
			o := trace
			o.Out = filepath.Join(t.TempDir(), "out")
			if err := shardAndMerge(t, o, n); err != nil {
				t.Fatalf("%s, %d shards: %v", era, n, err)
			}
			for f, b := range readReplayFiles(t, o.Out) {
				if b != wantFiles[f] {
					t.Errorf("%s, %d shards: %s differs from the unsharded replay's: %s", era, n, f, firstDiff(b, wantFiles[f]))
				}
			}
		}
	}
}

// TestShardedReplayRefuses: merge refuses a missing shard, shards of two splits,
// shards of different options, and merge flags unlike the shards'.
func TestShardedReplayRefuses(t *testing.T) {
	o := options(t, traceCSV(genRecords(5, traceStarts[4], 400)))
	ctx := context.Background()
	merge := func(settings []string) error {
		_, err := MergeReplay(ctx, MergeOptions{Out: o.Out, Billing: o.Billing, Settings: settings, RateFiles: o.RateFiles, Version: o.Version})
		return err
	}
	same := []string{"--pricing=auto"}
	if _, err := ReplayShard(ctx, o, ShardOptions{Shard: 0, Shards: 2, Settings: same}); err != nil {
		t.Fatal(err)
	}
	if err := merge(same); err == nil || !strings.Contains(err.Error(), "shard 1 of 2 has not finished") {
		t.Errorf("one of two shards: %v", err)
	}
	if _, err := ReplayShard(ctx, o, ShardOptions{Shard: 1, Shards: 2, Settings: []string{"--pricing=pmp-2025"}}); err != nil {
		t.Fatal(err)
	}
	if err := merge(same); err == nil || !strings.Contains(err.Error(), "replayed differently") {
		t.Errorf("mixed options: %v", err)
	}
	if _, err := ReplayShard(ctx, o, ShardOptions{Shard: 1, Shards: 2, Settings: same}); err != nil {
		t.Fatal(err)
	}
	if err := merge([]string{"--pricing=cbp-2023"}); err == nil || !strings.Contains(err.Error(), "give spendsim merge the billing flags") {
		t.Errorf("other merge flags: %v", err)
	}
	if _, err := ReplayShard(ctx, o, ShardOptions{Shard: 0, Shards: 3, Settings: same}); err != nil {
		t.Fatal(err)
	}
	if err := merge(same); err == nil || !strings.Contains(err.Error(), "two different splits") {
		t.Errorf("two splits: %v", err)
	}
	if err := os.Remove(filepath.Join(o.Out, shardName("shard", 0, 3, "json"))); err != nil {
		t.Fatal(err)
	}
	if err := merge(same); err != nil {
		t.Fatalf("the split of two: %v", err)
	}
	// A part cut short is found, not half merged.
	p := filepath.Join(o.Out, messagesPart(1, 2))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := merge(same); err == nil || !strings.Contains(err.Error(), "cut short") {
		t.Errorf("a part cut short: %v", err)
	}
	// A part that is a link out of OUT is not read.
	outside := filepath.Join(t.TempDir(), "elsewhere.gob")
	if err := os.WriteFile(outside, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, p); err != nil {
		t.Fatal(err)
	}
	if err := merge(same); err == nil || !strings.Contains(err.Error(), "outside") {
		t.Errorf("a part linked out of OUT: %v", err)
	}
}

// TestReplayInPassesSameBytes: a replay in N passes writes the very bytes of a one-pass
// replay, at N = 2 and 3, under every era, and leaves no part behind.
func TestReplayInPassesSameBytes(t *testing.T) {
	for i, era := range []string{"auto", "nbp-2018", "cbp-2022", "cbp-2023", "pmp-2025", "pmp-2026-10"} {
		seed := uint64(31 + i)
		trace := options(t, traceCSV(genRecords(seed, traceStarts[int(seed)%len(traceStarts)], 3000)))
		trace.Billing = eraOptions(t, era, seed)
		trace.Pricing = era
		want := trace
		want.Out = filepath.Join(t.TempDir(), "out")
		if _, err := Replay(context.Background(), want); err != nil {
			t.Fatalf("%s: %v", era, err)
		}
		wantFiles := readReplayFiles(t, want.Out)
		for _, n := range []int{2, 3} {
			o := trace
			o.Out = filepath.Join(t.TempDir(), "out")
			o.Read.TempDir = t.TempDir()
			var heard []int
			o.Passes, o.OnPass = n, func(done, of int) { heard = append(heard, done) }
			if _, err := Replay(context.Background(), o); err != nil {
				t.Fatalf("%s, %d passes: %v", era, n, err)
			}
			for f, b := range readReplayFiles(t, o.Out) {
				if b != wantFiles[f] {
					t.Errorf("%s, %d passes: %s differs from the one-pass replay's: %s", era, n, f, firstDiff(b, wantFiles[f]))
				}
			}
			if len(heard) != n || heard[n-1] != n {
				t.Errorf("%s, %d passes: OnPass heard %v", era, n, heard)
			}
			if left, _ := os.ReadDir(o.Read.TempDir); len(left) != 0 {
				t.Errorf("%s, %d passes: left %d entries in the temp folder", era, n, len(left))
			}
			if _, err := os.Stat(filepath.Join(o.Out, ReplayShardsDir)); err == nil {
				t.Errorf("%s, %d passes: the output folder holds %s", era, n, ReplayShardsDir)
			}
		}
	}
}

// TestReplayInPassesFails: a trace with a bad row (which every pass reads, so the first
// stops on it) names the file and line, and leaves neither an output folder nor a part
// behind; standard input, which cannot be read twice, is refused, and so is a trace
// that changes between passes (a log still being written).
func TestReplayInPassesFails(t *testing.T) {
	csv := traceCSV(genRecords(5, traceStarts[0], 500))
	o := options(t, csv+"2025-07-01T00:00:00Z,,+5511900000001,BR,biz,sideways,text,,delivered,,m-bad\n")
	o.Pricing, o.Passes = "pmp-2025", 3
	o.Billing = eraOptions(t, "pmp-2025", 5)
	o.Read.TempDir = t.TempDir()
	_, err := Replay(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "trace.csv:502") {
		t.Fatalf("err = %v, want it to name trace.csv:502", err)
	}
	if _, err := os.Stat(o.Out); err == nil {
		t.Error("a failed replay in passes left its output folder")
	}
	if left, _ := os.ReadDir(o.Read.TempDir); len(left) != 0 {
		t.Errorf("a failed replay in passes left %d entries in the temp folder", len(left))
	}
	o.Traces = []string{"-"}
	if _, err := Replay(context.Background(), o); err == nil || !strings.Contains(err.Error(), "standard input") {
		t.Errorf("passes over standard input: err = %v", err)
	}

	grows := options(t, csv)
	grows.Pricing, grows.Passes, grows.Billing = "pmp-2025", 3, o.Billing
	grows.Read.TempDir = t.TempDir()
	grows.OnPass = func(done, of int) {
		if done == 1 { // the log gains its next records
			if err := os.WriteFile(grows.Traces[0], []byte(traceCSV(genRecords(5, traceStarts[0], 900))), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	// the passes are named as the user counts them (1 and 2), not as the shards inside
	if _, err := Replay(context.Background(), grows); err == nil || !strings.Contains(err.Error(), "the trace changed while it was replayed") ||
		!strings.Contains(err.Error(), "pass 1 read 500 records, pass 2 900)") || strings.Contains(err.Error(), "shard") {
		t.Errorf("a trace that grows between passes: err = %v", err)
	}
	if _, err := os.Stat(grows.Out); err == nil {
		t.Error("a replay whose trace changed left its output folder")
	}
	touched := options(t, csv)
	touched.Pricing, touched.Passes, touched.Billing = "pmp-2025", 2, o.Billing
	touched.Read.TempDir = t.TempDir()
	touched.OnPass = func(done, of int) {
		if done == 2 { // rewritten after the last pass read it: same records, a new time
			later := time.Now().Add(time.Hour)
			if err := os.Chtimes(touched.Traces[0], later, later); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := Replay(context.Background(), touched); err == nil || !strings.Contains(err.Error(), "changed while it was replayed in passes") {
		t.Errorf("a trace touched during the passes: err = %v", err)
	}
	if _, err := Replay(context.Background(), Options{Traces: o.Traces, Passes: MaxPasses + 1, Out: filepath.Join(t.TempDir(), "x")}); err == nil || !strings.Contains(err.Error(), "at most 256") {
		t.Errorf("%d passes: err = %v", MaxPasses+1, err)
	}
}

// TestShardedReplayRefusesOldParts: shards whose messages parts are in another
// format (those of spendsim before its part codec were gob, with no part_format in
// the manifest) are refused, with the advice to re-run them.
func TestShardedReplayRefusesOldParts(t *testing.T) {
	o := options(t, traceCSV(genRecords(7, traceStarts[1], 300)))
	settings := []string{"--pricing=auto"}
	for k := range 2 {
		if _, err := ReplayShard(context.Background(), o, ShardOptions{Shard: k, Shards: 2, Settings: settings}); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(o.Out, shardName("shard", 1, 2, "json"))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "part_format")
	m["messages_part"] = shardName("messages", 1, 2, "gob.zst")
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = MergeReplay(context.Background(), MergeOptions{Out: o.Out, Billing: o.Billing, Settings: settings, RateFiles: o.RateFiles, Version: o.Version})
	if err == nil || !strings.Contains(err.Error(), "gob format") || !strings.Contains(err.Error(), "re-run the shards") {
		t.Errorf("a shard of the gob format: %v", err)
	}
}
