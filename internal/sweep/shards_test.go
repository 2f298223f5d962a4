package sweep

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestShardList: shards named as a person would.
func TestShardList(t *testing.T) {
	for _, c := range []struct {
		ks   []int
		want string
	}{
		{[]int{1}, "shard 1"},
		{[]int{1, 2}, "shards 1 and 2"},
		{[]int{0, 3, 5}, "shards 0, 3 and 5"},
		{[]int{0, 1, 2, 3, 4, 5, 6}, "shards 0, 1, 2, 3, 4 and 2 more"},
	} {
		if got := ShardList(c.ks); got != c.want {
			t.Errorf("ShardList(%v) = %q, want %q", c.ks, got, c.want)
		}
	}
}

// TestRerunCommand: a shard's command line as given, with its --shard K/N (any
// spelling) or --shards N made the missing shard's, quoted for a shell.
func TestRerunCommand(t *testing.T) {
	for _, c := range []struct {
		cmd  []string
		want string
	}{
		{[]string{"spendsim", "replay", "--trace", "a b.csv", "--shard", "0/3", "--out", "/x/o"}, "spendsim replay --trace 'a b.csv' --shard 2/3 --out /x/o"},
		{[]string{"spendsim", "replay", "--shard=0/3", "--trace", "logs/*.csv"}, "spendsim replay --shard 2/3 --trace 'logs/*.csv'"},
		{[]string{"spendsim", "run", "my.yaml", "--shards", "3", "-q"}, "spendsim run my.yaml --shard 2/3 -q"},
		{[]string{"spendsim", "run", "my.yaml", "-shard", "1/3"}, "spendsim run my.yaml --shard 2/3"},
	} {
		if got := RerunCommand(c.cmd, 2, 3); got != c.want {
			t.Errorf("RerunCommand(%q) = %s, want %s", c.cmd, got, c.want)
		}
	}
}

// TestMergeNote: the merge a finished shard names, quoted, in words that fit N = 1.
func TestMergeNote(t *testing.T) {
	if got, want := MergeNote(2, "/shared/my out", []string{"--tiers", "t 1.csv"}), "when all 2 shards have finished: spendsim merge '/shared/my out' --tiers 't 1.csv'"; got != want {
		t.Errorf("MergeNote(2) = %s, want %s", got, want)
	}
	if got, want := MergeNote(1, "out", nil), "this is the only shard (1 of 1); merge it: spendsim merge out"; got != want {
		t.Errorf("MergeNote(1) = %s, want %s", got, want)
	}
}

// TestCheckSplit: a missing shard is named readably with the command that runs it;
// shards of two splits name the older split's files as stale.
func TestCheckSplit(t *testing.T) {
	dir := t.TempDir()
	sf := SplitFiles{
		Folder: "parts",
		Files: func(k, n int) []string {
			return []string{filepath.Join("parts", "m-"+strconv.Itoa(k)+"-"+strconv.Itoa(n)), filepath.Join("parts", "d-"+strconv.Itoa(k)+"-"+strconv.Itoa(n))}
		},
		Rerun: func(k, n int) string { return "spendsim x --shard " + strconv.Itoa(k) + "/" + strconv.Itoa(n) },
	}
	if err := CheckSplit(dir, [][2]int{{0, 2}, {1, 2}}, sf); err != nil {
		t.Errorf("a whole split: %v", err)
	}
	err := CheckSplit(dir, [][2]int{{0, 3}, {2, 3}}, sf)
	if err == nil || !strings.Contains(err.Error(), "shard 1 of 3 has not finished (no parts/m-1-3); run it, then merge again: spendsim x --shard 1/3") {
		t.Errorf("one missing: %v", err)
	}
	err = CheckSplit(dir, [][2]int{{1, 4}}, sf)
	if err == nil || !strings.Contains(err.Error(), "shards 0, 2 and 3 of 4 have not finished") || !strings.Contains(err.Error(), "spendsim x --shard 0/4") {
		t.Errorf("three missing: %v", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "parts"), 0o755); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	for _, f := range []string{"m-0-2", "d-0-2", "m-0-3"} {
		p := filepath.Join(dir, "parts", f)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f, "-2") {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	err = CheckSplit(dir, [][2]int{{0, 2}, {0, 3}}, sf)
	want := "the split of 2 is likely stale: remove its files (rm " + filepath.Join(dir, "parts", "m-0-2") + " " + filepath.Join(dir, "parts", "d-0-2") + ")"
	if err == nil || !strings.Contains(err.Error(), "parts of two different splits") || !strings.Contains(err.Error(), want) {
		t.Errorf("two splits: %v\nwant %s", err, want)
	}
}
