package rebill

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/model/pricing"
)

// tierOverlay is a tier file of bytes b read as the user named it, path.
func tierOverlay(t *testing.T, path string, b []byte) *pricing.Overlay {
	t.Helper()
	ov, err := pricing.NewOverlay(pricing.UserFiles{Tiers: path, TiersData: b})
	if err != nil {
		t.Fatal(err)
	}
	return ov
}

// TestShardsSameFilesOtherPaths: shards that read the same trace and tier files under
// other paths (relative and absolute, as nodes of a cluster mount a shared folder
// differently) merge, and the merge, given the tier file under a third path, writes the
// unsharded replay's four files of shard 0's paths, byte for byte. Files of other
// content are refused, naming both files readably.
func TestShardsSameFilesOtherPaths(t *testing.T) {
	base := options(t, traceCSV(genRecords(21, traceStarts[5], 1500)))
	dir := filepath.Dir(base.Traces[0])
	base.Billing = eraOptions(t, "pmp-2025", 21)
	tiers, err := os.ReadFile("../../cmd/spendsim/testdata/timelines/cards/tiers-india.csv")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	base.Pricing, base.Workers = "pmp-2025", 1
	tierBytes := tiers
	shard := func(trace, tiers string) (Options, ShardOptions) {
		o := base
		o.Traces = []string{trace}
		o.Args = []string{trace} // the trace named after the flags: a path like the others
		ov := tierOverlay(t, tiers, tierBytes)
		o.Rates, o.RateFiles, o.Billing.Tiers = ov.Name, ov.Files, ov.Tiers
		return o, ShardOptions{Shards: 2, Settings: []string{"--pricing=pmp-2025", "--tiers=" + tiers}}
	}
	o0, s0 := shard("trace.csv", "tiers-india.csv")
	o1, s1 := shard(filepath.Join(dir, "trace.csv"), "/elsewhere/tiers-india.csv")
	s1.Shard = 1
	ctx := context.Background()
	for _, s := range []struct {
		o  Options
		so ShardOptions
	}{{o0, s0}, {o1, s1}} {
		if _, err := ReplayShard(ctx, s.o, s.so); err != nil {
			t.Fatal(err)
		}
	}
	om, sm := shard("trace.csv", "/mnt/x/tiers-india.csv")
	mo := MergeOptions{Out: base.Out, Billing: om.Billing, Settings: sm.Settings, RateFiles: om.RateFiles, Version: base.Version}
	if _, err := MergeReplay(ctx, mo); err != nil {
		t.Fatalf("shards of one trace and tier file under other paths: %v", err)
	}
	want := o0
	want.Out = filepath.Join(t.TempDir(), "want")
	if _, err := Replay(ctx, want); err != nil {
		t.Fatal(err)
	}
	wantFiles := readReplayFiles(t, want.Out)
	for f, b := range readReplayFiles(t, base.Out) {
		if b != wantFiles[f] {
			t.Errorf("%s differs from the unsharded replay's with shard 0's paths: %s", f, firstDiff(b, wantFiles[f]))
		}
	}

	// A tier file of other bytes, given to merge and to a shard.
	other := tierOverlay(t, "tiers-other.csv", tierBytes)
	other.Files[0].SHA256 = strings.Repeat("ab", 32)
	bad := mo
	bad.RateFiles = other.Files
	_, err = MergeReplay(ctx, bad)
	if err == nil || !strings.Contains(err.Error(), "the shards had --tiers tiers-india.csv (sha256 ") ||
		!strings.Contains(err.Error(), "merge --tiers tiers-other.csv (sha256 abababababab…") || strings.Contains(err.Error(), "{") {
		t.Errorf("merge given a tier file of other bytes: %v", err)
	}
	o1.RateFiles = other.Files
	if _, err := ReplayShard(ctx, o1, s1); err != nil {
		t.Fatal(err)
	}
	_, err = MergeReplay(ctx, mo)
	if err == nil || !strings.Contains(err.Error(), "shard 0 had --tiers tiers-india.csv (sha256 ") ||
		!strings.Contains(err.Error(), "shard 1 --tiers tiers-other.csv (sha256 abababababab…") || strings.Contains(err.Error(), "{") {
		t.Errorf("shards of two tier files: %v", err)
	}

	// A trace of other bytes under the same name.
	o1.RateFiles = o0.RateFiles
	elsewhere := filepath.Join(t.TempDir(), "trace.csv")
	if err := os.WriteFile(elsewhere, []byte(traceCSV(genRecords(22, traceStarts[5], 1500))), 0o644); err != nil {
		t.Fatal(err)
	}
	o1.Traces = []string{elsewhere}
	if _, err := ReplayShard(ctx, o1, s1); err != nil {
		t.Fatal(err)
	}
	_, err = MergeReplay(ctx, mo)
	if err == nil || !strings.Contains(err.Error(), "file 1 of 1 differs: shard 0 read trace trace.csv (sha256 ") ||
		!strings.Contains(err.Error(), "shard 1 read trace "+elsewhere+" (sha256 ") {
		t.Errorf("shards of two traces: %v", err)
	}
}

// TestShardsGlobAndNames: a shard given a glob and one given the files it expands to
// read the same trace, and merge.
func TestShardsGlobAndNames(t *testing.T) {
	o := options(t, "")
	dir := filepath.Join(filepath.Dir(o.Traces[0]), "logs")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	recs := genRecords(23, traceStarts[3], 1200)
	for i, name := range []string{"a.csv", "b.csv"} {
		part := recs[i*600 : (i+1)*600]
		if err := os.WriteFile(filepath.Join(dir, name), []byte(traceCSV(part)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	o.Billing = eraOptions(t, "cbp-2023", 23)
	o.Pricing = "cbp-2023"
	settings := []string{"--pricing=cbp-2023"}
	ctx := context.Background()
	g := o
	g.Traces = []string{filepath.Join(dir, "*.csv")}
	if _, err := ReplayShard(ctx, g, ShardOptions{Shard: 0, Shards: 2, Settings: settings}); err != nil {
		t.Fatal(err)
	}
	o.Traces = []string{filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")}
	if _, err := ReplayShard(ctx, o, ShardOptions{Shard: 1, Shards: 2, Settings: settings}); err != nil {
		t.Fatal(err)
	}
	if _, err := MergeReplay(ctx, MergeOptions{Out: o.Out, Billing: o.Billing, Settings: settings, Version: o.Version}); err != nil {
		t.Errorf("a glob and the names it expands to: %v", err)
	}
}

// TestShardPartDamaged: a part whose bytes were rewritten, its size kept, is refused
// before merge reads it, naming the file and the command that reruns its shard; so is
// a part of another size.
func TestShardPartDamaged(t *testing.T) {
	o := options(t, traceCSV(genRecords(24, traceStarts[4], 800)))
	o.Billing = eraOptions(t, "pmp-2025", 24)
	o.Pricing = "pmp-2025"
	settings := []string{"--pricing=pmp-2025"}
	ctx := context.Background()
	for k := range 2 {
		command := []string{"spendsim", "replay", "--trace", o.Traces[0], "--shard", "9/9", "--out", o.Out}
		if _, err := ReplayShard(ctx, o, ShardOptions{Shard: k, Shards: 2, Settings: settings, Command: command}); err != nil {
			t.Fatal(err)
		}
	}
	merge := func() error {
		_, err := MergeReplay(ctx, MergeOptions{Out: o.Out, Billing: o.Billing, Settings: settings, Version: o.Version})
		return err
	}
	if err := merge(); err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{shardName("pairs", 1, 2, "bin"), messagesPart(0, 2)} {
		p := filepath.Join(o.Out, rel)
		good, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b := []byte(string(good))
		b[len(b)/2] ^= 1
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		err = merge()
		if err == nil || !strings.Contains(err.Error(), p+" is not the part its shard wrote") ||
			!strings.Contains(err.Error(), "then merge again: spendsim replay --trace "+o.Traces[0]+" --shard ") {
			t.Errorf("%s with a byte rewritten: %v", rel, err)
		}
		if err := os.WriteFile(p, append(good, 0), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := merge(); err == nil || !strings.Contains(err.Error(), "cut short or rewritten") {
			t.Errorf("%s a byte longer: %v", rel, err)
		}
		if err := os.WriteFile(p, good, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := merge(); err != nil {
		t.Errorf("the parts as written again: %v", err)
	}
}

// TestShardsOtherOutputs: shards asked for other files (--outputs) are refused, naming
// both; messages and messages-slim too, whose messages.parquet differ.
func TestShardsOtherOutputs(t *testing.T) {
	o := options(t, traceCSV(genRecords(25, traceStarts[4], 300)))
	settings := []string{"--pricing=auto"}
	ctx := context.Background()
	for _, c := range []struct{ a, b, want string }{
		{"bill", "summary", "shard 0 had --outputs bill, shard 1 --outputs summary"},
		{"messages", "messages-slim", "shard 0 had --outputs messages, shard 1 --outputs messages-slim"},
	} {
		for k, outs := range []string{c.a, c.b} {
			x := o
			var err error
			if x.Outputs, err = ParseOutputs(outs); err != nil {
				t.Fatal(err)
			}
			if _, err := ReplayShard(ctx, x, ShardOptions{Shard: k, Shards: 2, Settings: settings}); err != nil {
				t.Fatal(err)
			}
		}
		_, err := MergeReplay(ctx, MergeOptions{Out: o.Out, Billing: o.Billing, Settings: settings, Version: o.Version})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("--outputs %s and %s: %v", c.a, c.b, err)
		}
	}
}

// TestFindShards: merge's folder holds a replay's shards or a sweep's; anything else
// says what merge expects, and the shards' own folder says to give its parent.
func TestFindShards(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"r/replay-shards", "s/shards", "s/runs", "empty"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		dir    string
		replay bool
		want   string // in the error; "" for none
	}{
		{"r", true, ""},
		{"s", false, ""},
		{"nonexist", false, "nonexist does not exist: merge takes the --out folder of a sharded replay or run: one holding replay-shards/ (from spendsim replay --shard K/N --out"},
		{"empty", false, "holds neither replay-shards/ nor shards/: no shard has finished there"},
		{"r/replay-shards", false, "is the replay-shards folder itself: give merge the folder that holds it, spendsim merge " + filepath.Join(dir, "r")},
		{"s/shards", false, "is the shards folder itself: give merge the folder that holds it, spendsim merge " + filepath.Join(dir, "s")},
	} {
		replay, err := FindShards(filepath.Join(dir, c.dir))
		switch {
		case c.want == "" && (err != nil || replay != c.replay):
			t.Errorf("%s: replay %v, %v; want %v", c.dir, replay, err, c.replay)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want %q", c.dir, err, c.want)
		}
	}
}
