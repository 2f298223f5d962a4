package rebill

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spendsim/spendsim/internal/shellquote"
	"github.com/spendsim/spendsim/internal/sweep"
)

// What merge checks of a replay's shards before it reads their parts: before anything,
// that the folder it is given holds shards at all (FindShards), and that they are one
// split, all N of them (replaySplit, for sweep.CheckSplit).

// FindShards says what dir, the folder spendsim merge is given, holds: the parts of a
// sharded replay (replay true: dir/replay-shards) or of a sharded sweep (dir/shards).
// Anything else is an error that says what merge expects there.
func FindShards(dir string) (replay bool, err error) {
	isDir := func(p string) bool { st, err := os.Stat(p); return err == nil && st.IsDir() }
	expected := fmt.Sprintf("merge takes the --out folder of a sharded replay or run: one holding %s/ (from %s) or %s/ (from %s)",
		ReplayShardsDir, shellquote.Join([]string{"spendsim", "replay", "--shard", "K/N", "--out", dir}),
		sweep.ShardsDir, shellquote.Join([]string{"spendsim", "run", "SCENARIO", "--shard", "K/N", "--out", dir}))
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, fmt.Errorf("%s does not exist: %s", dir, expected)
	case err != nil:
		return false, err
	case !st.IsDir():
		return false, fmt.Errorf("%s is not a folder: %s", dir, expected)
	case isDir(filepath.Join(dir, ReplayShardsDir)):
		return true, nil
	case isDir(filepath.Join(dir, sweep.ShardsDir)):
		return false, nil
	}
	abs, _ := filepath.Abs(dir)
	parent := filepath.Dir(abs)
	if clean := filepath.Clean(dir); filepath.Base(clean) == filepath.Base(abs) {
		parent = filepath.Dir(clean) // as the user named it, relative or not
	}
	switch filepath.Base(abs) {
	case ReplayShardsDir:
		return false, fmt.Errorf("%s is the %s folder itself: give merge the folder that holds it, spendsim merge %s", dir, ReplayShardsDir, shellquote.Quote(parent))
	case sweep.ShardsDir:
		if isDir(filepath.Join(parent, "runs")) {
			return false, fmt.Errorf("%s is the %s folder itself: give merge the folder that holds it, spendsim merge %s", dir, sweep.ShardsDir, shellquote.Quote(parent))
		}
	}
	return false, fmt.Errorf("%s holds neither %s/ nor %s/: no shard has finished there, or it is not the shards' --out folder; %s",
		dir, ReplayShardsDir, sweep.ShardsDir, expected)
}

// rerunShard is the command that runs shard k of n of dir's replay again, as a finished
// shard, m, ran.
func rerunShard(dir string, m *ReplayShardManifest, k, n int) string {
	if len(m.Command) > 0 {
		return sweep.RerunCommand(m.Command, k, n)
	}
	words := []string{"spendsim", "replay"}
	for _, t := range m.Traces {
		words = append(words, "--trace", t)
	}
	return shellquote.Join(append(words, "--shard", fmt.Sprintf("%d/%d", k, n), "--out", dir)) + " with the flags the other shards had"
}

// replaySplit is where a replay's shards keep their files in dir, and how to run one
// again, for sweep.CheckSplit.
func replaySplit(dir string, ms []ReplayShardManifest) sweep.SplitFiles {
	return sweep.SplitFiles{
		Folder: ReplayShardsDir,
		Files: func(k, n int) []string {
			return []string{shardName("shard", k, n, "json"), messagesPart(k, n), shardName("pairs", k, n, "bin")}
		},
		Rerun: func(k, n int) string { return rerunShard(dir, &ms[0], k, n) },
	}
}
