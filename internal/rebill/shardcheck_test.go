package rebill

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
