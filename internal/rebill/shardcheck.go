package rebill

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/spendsim/spendsim/internal/safefile"
	"github.com/spendsim/spendsim/internal/shellquote"
	"github.com/spendsim/spendsim/internal/sweep"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios/trace"
)

// What merge checks of a replay's shards before it reads their parts: that they are
// shards of one replay (sameReplay: the same files, compared by content, and flags),
// that each part is the bytes its shard wrote (checkParts), and, before anything, that
// the folder it is given holds shards at all (FindShards).

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
	case isDir(filepath.Join(dir, sweep.ShardsDir)), isDir(filepath.Join(dir, sweep.PartialDir)):
		// A sweep's, or a sweep whose shards are still running (their runs so far in
		// .partial): sweep.Merge says which, once it has found the folder free or not.
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

// sameReplay says how b differs from a in what it replayed, "" if not at all. Files are
// compared by their content (SHA-256 and size, in order), not by their paths: the nodes
// of a cluster mount a shared folder at different paths, and a glob reads the files
// its expansion names. unit names what a and b are to the user: "shard" (numbered from
// 0, as --shard K/N is) or "pass" (numbered from 1).
func sameReplay(unit string, a, b *ReplayShardManifest) string {
	sa, sb := replayPart(unit, a), replayPart(unit, b)
	if d := inputsDiff(sa, a.Inputs, sb, b.Inputs); d != "" {
		return d
	}
	if d := rateFilesDiff(sa, a.RateFiles, sb, b.RateFiles); d != "" {
		return d
	}
	if d := settingsDiff(contentSettings(slices.Concat(a.Settings, a.ReadSettings)), contentSettings(slices.Concat(b.Settings, b.ReadSettings))); d != "" {
		return d
	}
	switch {
	case a.Pricing != b.Pricing:
		return fmt.Sprintf("%s had --pricing %s, %s --pricing %s", sa, a.Pricing, sb, b.Pricing)
	case a.Outputs != b.Outputs:
		return fmt.Sprintf("%s had --outputs %s, %s --outputs %s: merge writes the files every shard was asked for", sa, a.Outputs, sb, b.Outputs)
	case a.Version != b.Version:
		return fmt.Sprintf("%s was written by spendsim %s, %s by %s", sa, a.Version, sb, b.Version)
	}
	for _, n := range []struct {
		what string
		a, b int64
	}{{"records", a.Records, b.Records}, {"user messages", a.UserMessages, b.UserMessages}, {"business numbers", a.Numbers, b.Numbers}, {"business accounts", a.Accounts, b.Accounts}} {
		if n.a != n.b && unit == "pass" { // the passes hashed the files once, before the first
			return fmt.Sprintf("%s read %d %s, %s %d", sa, n.a, n.what, sb, n.b)
		}
		if n.a != n.b {
			return fmt.Sprintf("%s read %d %s, %s %d, of the same files: the trace was read differently", sa, n.a, n.what, sb, n.b)
		}
	}
	return ""
}

func replayPart(unit string, m *ReplayShardManifest) string {
	if unit == "pass" {
		return fmt.Sprintf("pass %d", m.Shard+1)
	}
	return fmt.Sprintf("%s %d", unit, m.Shard)
}

// pathSettings are the flags whose value is a file's path: their files are compared by
// content (inputs, rate_files), and their paths may differ from shard to shard.
var pathSettings = []string{"--rates=", "--tiers=", "--mapping="}

// contentSettings are settings without the paths of pathSettings.
func contentSettings(settings []string) []string {
	return slices.DeleteFunc(slices.Clone(settings), func(s string) bool {
		return slices.ContainsFunc(pathSettings, func(p string) bool { return strings.HasPrefix(s, p) })
	})
}

// sameInput reports whether a and b are the same file by content, a file or standard
// input (hashed as it was read) alike. An input that was not hashed is the same as
// none: two shards fed equal counts of other data would merge into a bill of neither.
func sameInput(a, b reports.Input) bool {
	return a.Role == b.Role && a.SHA256 != "" && a.SHA256 == b.SHA256 && a.Bytes == b.Bytes
}

func inputText(in reports.Input) string {
	path := in.Path
	if path == trace.Stdin {
		path = "standard input"
	}
	if in.SHA256 == "" {
		return fmt.Sprintf("%s %s (%s)", in.Role, path, in.Note)
	}
	return fmt.Sprintf("%s %s (sha256 %.12s…, %d bytes)", in.Role, path, in.SHA256, in.Bytes)
}

// inputsDiff says where the files a and b read (trace files, mapping) differ, "" if not.
func inputsDiff(na string, a []reports.Input, nb string, b []reports.Input) string {
	for i := range max(len(a), len(b)) {
		switch {
		case i >= len(a):
			return fmt.Sprintf("%s read %d files, %s %d: %s read %s as well", na, len(a), nb, len(b), nb, inputText(b[i]))
		case i >= len(b):
			return fmt.Sprintf("%s read %d files, %s %d: %s read %s as well", na, len(a), nb, len(b), na, inputText(a[i]))
		case !sameInput(a[i], b[i]):
			return fmt.Sprintf("file %d of %d differs: %s read %s, %s read %s", i+1, len(a), na, inputText(a[i]), nb, inputText(b[i]))
		}
	}
	return ""
}

func rateFileText(f pricing.File) string {
	s := fmt.Sprintf("--%s %s (sha256 %.12s…, %s", f.Role, f.Path, f.SHA256, f.Kind)
	if f.Model != "" {
		s += ", " + f.Model
	}
	if f.EffectiveFrom != "" {
		s += " from " + f.EffectiveFrom
	}
	return s + ")"
}

// rateFilesDiff says where the rate and tier files a and b were billed with differ by
// content or by how they were read, "" if not.
func rateFilesDiff(na string, a []pricing.File, nb string, b []pricing.File) string {
	same := func(x, y pricing.File) bool {
		return x.Role == y.Role && x.SHA256 == y.SHA256 && x.Kind == y.Kind && x.Model == y.Model &&
			x.EffectiveFrom == y.EffectiveFrom && slices.Equal(x.Currencies, y.Currencies)
	}
	for i := range max(len(a), len(b)) {
		switch {
		case i >= len(a):
			return fmt.Sprintf("%s had %s, %s no such file", nb, rateFileText(b[i]), na)
		case i >= len(b):
			return fmt.Sprintf("%s had %s, %s no such file", na, rateFileText(a[i]), nb)
		case !same(a[i], b[i]):
			return fmt.Sprintf("%s had %s, %s %s", na, rateFileText(a[i]), nb, rateFileText(b[i]))
		}
	}
	return ""
}

// settingsDiff says where the settings (--name=value) a and b differ.
func settingsDiff(a, b []string) string {
	var d []string
	for i := range max(len(a), len(b)) {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if !sameSetting(x, y) {
			d = append(d, fmt.Sprintf("%s, not %s", x, y))
		}
	}
	return strings.Join(d, "; ")
}

// sameSetting says whether two recorded settings bill alike: equal, or two names of
// one time zone (--timezone=Etc/UTC and --timezone=UTC), compared as reconcile
// --replay compares them (Replayed.sameZone).
func sameSetting(x, y string) bool {
	if x == y {
		return true
	}
	const tz = "--timezone="
	zx, okx := strings.CutPrefix(x, tz)
	zy, oky := strings.CutPrefix(y, tz)
	if !okx || !oky {
		return false
	}
	return (&Replayed{Timezone: zx}).sameZone(zy)
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

// checkParts checks that every part of the shards ms in dir is the file its shard wrote:
// its size and SHA-256 as the shard's manifest recorded them. The parts are hashed on
// every core, a file each.
func checkParts(dir string, ms []ReplayShardManifest) error {
	type part struct {
		m           *ReplayShardManifest
		rel, sha256 string
		bytes       int64
	}
	var parts []part
	for i := range ms {
		m := &ms[i]
		parts = append(parts, part{m, m.Messages, m.MessagesSHA256, m.MessagesBytes}, part{m, m.Pairs, m.PairsSHA256, m.PairsBytes})
	}
	errs := make([]error, len(parts))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, p := range parts {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = checkPart(dir, p.m, p.rel, p.sha256, p.bytes)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// checkPart checks that the part rel of m in dir has the size and SHA-256 m recorded.
func checkPart(dir string, m *ReplayShardManifest, rel, sum string, size int64) error {
	p, err := safefile.ReadInside(dir, rel)
	if err != nil {
		return err
	}
	rerun := fmt.Sprintf("rerun shard %d of %d, then merge again: %s", m.Shard, m.Shards, rerunShard(dir, m, m.Shard, m.Shards))
	if sum == "" {
		return fmt.Errorf("%s: its shard's manifest records no SHA-256 of it (written by an earlier spendsim), so merge cannot tell it is whole; %s", p, rerun)
	}
	got, n, err := safefile.HashFile(p)
	switch {
	case err != nil:
		return err
	case n != size:
		return fmt.Errorf("%s is %d bytes, its shard wrote %d: cut short or rewritten since; %s", p, n, size, rerun)
	case got != sum:
		return fmt.Errorf("%s is not the part its shard wrote: its SHA-256 is %.12s…, the shard's manifest records %.12s… (damaged or rewritten since); %s", p, got, sum, rerun)
	}
	return nil
}
