package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spendsim/spendsim/internal/safefile"
	"github.com/spendsim/spendsim/internal/shellquote"
	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/sim"
)

// ShardsDir holds one manifest per finished shard of a sharded sweep.
const ShardsDir = "shards"

// ShardPart is the path, relative to the output directory, of one shard's part of a
// table ("runs" or "daily"): runs/shard=2/part-2-of-4.parquet. The shard=K folder is
// Hive partitioning, so DuckDB, Spark or Trino read all parts as one table with a
// shard column: read_parquet('out/runs/*/part-*-of-4.parquet', hive_partitioning = true).
func ShardPart(table string, shard, shards int) string {
	return filepath.Join(table, fmt.Sprintf("shard=%d", shard), fmt.Sprintf("part-%d-of-%d.parquet", shard, shards))
}

// ShardManifestPath is the path, relative to the output directory, of a shard's
// manifest: shards/shard-2-of-4.json.
func ShardManifestPath(shard, shards int) string {
	return filepath.Join(ShardsDir, fmt.Sprintf("shard-%d-of-%d.json", shard, shards))
}

// ShardManifest describes one finished shard. It is written after the shard's parts,
// so its presence marks them complete, and it carries what `spendsim merge` needs to
// rebuild and check the whole sweep: the resolved scenario and seed to expand the full
// job list from, and which runs this shard holds.
type ShardManifest struct {
	Tool        string          `json:"tool"`
	Version     string          `json:"version"`
	Shard       int             `json:"shard"`  // 0-based
	Shards      int             `json:"shards"` // N; this shard ran the jobs whose index mod N is Shard
	Seed        uint64          `json:"seed"`
	Jobs        int             `json:"jobs"` // runs in the whole sweep
	RunIDs      []string        `json:"run_ids"`
	RunsPart    string          `json:"runs_part,omitempty"` // relative paths; absent when the shard got no runs
	DailyPart   string          `json:"daily_part,omitempty"`
	HorizonDays float64         `json:"horizon_days"`
	Args        []string        `json:"args"` // as manifest.json records them (Options.Args), the merged one's; before, the scenario alone
	Scenario    json.RawMessage `json:"scenario"`
	// ScenarioSHA256 is the SHA-256 of Scenario as written (ScenarioSHA256): what the
	// shard ran, resolved, replications included.
	ScenarioSHA256 string `json:"scenario_sha256"`
	// The parts' SHA-256 and sizes as the shard wrote them: merge reads a part only if
	// it still has them (a part copied in from another sweep of the same seed and run
	// ids would otherwise mix two scenarios).
	RunsSHA256  string `json:"runs_sha256,omitempty"`
	RunsBytes   int64  `json:"runs_bytes,omitempty"`
	DailySHA256 string `json:"daily_sha256,omitempty"`
	DailyBytes  int64  `json:"daily_bytes,omitempty"`
	// Priced is what priced the sweep (rate and tier files, cards in force): merge has
	// no rate files to read it from.
	Priced stats.Priced `json:"priced"`
	// RatesDigest is the user's rate and tier files' digest (pricing.Overlay.Digest),
	// which covers their bytes and how they were read (--rates-model, --rates-from,
	// --decimal-comma); absent with the built-in cards alone. Merge refuses shards that
	// differ in it: their runs priced other cards.
	RatesDigest string `json:"rates_digest,omitempty"`
	// Command is the shard's command line as given (program, command, flags), from
	// which merge prints the command that runs a missing shard.
	Command []string `json:"command,omitempty"`
}

// ratesOf says which files a shard billed with, for messages.
func (m *ShardManifest) ratesOf() string { return ratesText(m.RatesDigest, m.Priced.RateFiles) }

// WriteShard writes one shard's runs and daily parts into dir and then its manifest,
// having removed its previous manifest first, so that a manifest never marks parts it
// was not written with. Runs are checked and ordered as WriteSimulation does. A shard
// with no runs (more shards than runs) writes only its manifest: an empty part could not
// carry the sweep's param columns, and readers would see two schemas. The caller holds
// the shard's lock (safefile.LockPart); links inside dir are refused, not followed.
// digest is the user's rate files' (pricing.Overlay.Digest), "" without any; command is
// the shard's command line as given (ShardManifest.Command).
func WriteShard(dir, version string, s reports.Simulation, digest string, command []string, shard, shards, jobs int) (err error) {
	runs, days, err := stats.InOrder(s.Runs, s.Days)
	if err != nil {
		return err
	}
	ids := make([]string, len(runs))
	for i, r := range runs {
		ids[i] = r.RunID
	}
	if err := reports.ReconcileDaily(runs, s.Days); err != nil {
		return err
	}
	if _, err := reports.ParamPaths(runs); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	raw, err := json.Marshal(s.Scenario)
	if err != nil {
		return fmt.Errorf("sweep: shard manifest: scenario: %w", err)
	}
	args := s.Args
	if args == nil {
		args = []string{}
	}
	m := ShardManifest{
		Tool: "spendsim", Version: version, Shard: shard, Shards: shards, Seed: s.Seed, Jobs: jobs,
		RunIDs: ids, HorizonDays: s.HorizonDays, Args: args, Scenario: raw, ScenarioSHA256: ScenarioSHA256(raw),
		Priced: s.Priced.Listed(), Command: command,
	}
	manifest := ShardManifestPath(shard, shards)
	if err := safefile.RemoveInside(dir, manifest); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	// A shard that fails (a full disk) leaves no part without its manifest: a glob over
	// the parts would read it as finished.
	defer func() {
		if err != nil {
			removeParts(dir, shard, shards)
		}
	}()
	// place makes a file's folder and clears the temporaries a killed try of this shard
	// left there.
	place := func(rel string) (string, error) {
		if _, err := safefile.MkdirInside(dir, filepath.Dir(rel)); err != nil {
			return "", fmt.Errorf("sweep: %w", err)
		}
		p := filepath.Join(dir, rel)
		return p, safefile.RemoveTemps(p)
	}
	m.RatesDigest = digest
	if len(runs) > 0 {
		m.RunsPart, m.DailyPart = ShardPart("runs", shard, shards), ShardPart("daily", shard, shards)
		p, err := place(m.RunsPart)
		if err != nil {
			return err
		}
		if err := reports.WriteRuns(p, runs, version); err != nil {
			return err
		}
		if m.RunsSHA256, m.RunsBytes, err = safefile.HashFile(p); err != nil {
			return err
		}
		if p, err = place(m.DailyPart); err != nil {
			return err
		}
		if err := reports.WriteDaily(p, days, version); err != nil {
			return err
		}
		if m.DailySHA256, m.DailyBytes, err = safefile.HashFile(p); err != nil {
			return err
		}
	}
	p, err := place(manifest)
	if err != nil {
		return err
	}
	return reports.WriteJSON(p, m)
}

// removeParts removes shard k of n's parts from dir, and their shard=K folders once
// empty.
func removeParts(dir string, k, n int) {
	for _, table := range []string{"runs", "daily"} {
		rel := ShardPart(table, k, n)
		if safefile.RemoveInside(dir, rel) == nil {
			for sub := filepath.Dir(rel); sub != "."; sub = filepath.Dir(sub) {
				if p, err := safefile.Inside(dir, sub); err != nil || os.Remove(p) != nil {
					break // not empty: another shard's part stays
				}
			}
		}
	}
}

var shardManifestName = regexp.MustCompile(`^shard-(\d+)-of-(\d+)\.json$`)

// ReadShardManifests reads every shard manifest in dir and checks that they belong to
// one sweep (same shard count, seed and scenario) and that each of its N shards is
// there exactly once. They are returned in shard order.
func ReadShardManifests(dir string) ([]ShardManifest, error) {
	entries, err := os.ReadDir(filepath.Join(dir, ShardsDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s has no %s folder: no shard of a sweep has finished there (run %s first)",
			dir, ShardsDir, shellquote.Join([]string{"spendsim", "run", "SCENARIO", "--shard", "K/N", "--out", dir}))
	}
	if err != nil {
		return nil, err
	}
	var ms []ShardManifest
	var broken func() error // the first manifest that could not be decoded, said once the others give the command that reruns it
	for _, e := range entries {
		g := shardManifestName.FindStringSubmatch(e.Name())
		if g == nil || e.IsDir() {
			continue // temporaries of a shard still writing, or unrelated files
		}
		p := filepath.Join(dir, ShardsDir, e.Name())
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		k, _ := strconv.Atoi(g[1])
		n, _ := strconv.Atoi(g[2])
		var m ShardManifest
		if err := json.Unmarshal(data, &m); err != nil {
			if broken == nil {
				broken = func() error {
					rerun := ""
					if len(ms) > 0 {
						rerun = splitFiles(dir, ms).Rerun(k, n)
					}
					return ManifestError(p, len(data), err, k, n, rerun)
				}
			}
			continue
		}
		if m.Shard != k || m.Shards != n {
			return nil, fmt.Errorf("%s: says shard %d of %d", p, m.Shard, m.Shards)
		}
		if sum := ScenarioSHA256(m.Scenario); m.ScenarioSHA256 != sum {
			return nil, fmt.Errorf("%s: its scenario's SHA-256 is %.12s…, its scenario_sha256 says %q: edited since, or written by an earlier spendsim; rerun shard %d of %d",
				p, sum, m.ScenarioSHA256, k, n)
		}
		ms = append(ms, m)
	}
	if broken != nil {
		return nil, broken()
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("%s: no shard manifests: no shard has finished", filepath.Join(dir, ShardsDir))
	}
	sort.Slice(ms, func(i, j int) bool { return ShardLess(ms[i].Shard, ms[i].Shards, ms[j].Shard, ms[j].Shards) })
	ids := make([][2]int, len(ms))
	for i, m := range ms {
		ids[i] = [2]int{m.Shard, m.Shards}
	}
	if err := CheckSplit(dir, ids, splitFiles(dir, ms)); err != nil {
		return nil, err
	}
	first := ms[0]
	for _, m := range ms[1:] {
		if m.Version != first.Version {
			return nil, fmt.Errorf("shards %d and %d of %s were written by spendsim %s and %s: run every shard with one version", first.Shard, m.Shard, dir, first.Version, m.Version)
		}
		na, nb := fmt.Sprintf("in shard %d", first.Shard), fmt.Sprintf("in shard %d", m.Shard)
		if m.Seed != first.Seed {
			return nil, fmt.Errorf("shards %d and %d of %s ran different seeds: seed %d %s, %d %s; run every shard with the same seed",
				first.Shard, m.Shard, dir, first.Seed, na, m.Seed, nb)
		}
		if string(m.Scenario) != string(first.Scenario) || m.ScenarioSHA256 != first.ScenarioSHA256 || m.Jobs != first.Jobs {
			why := scenarioDiff(first.Scenario, m.Scenario, na, nb)
			if why == "" {
				why = fmt.Sprintf("scenario sha256 %.12s… and %d runs %s, %.12s… and %d runs %s",
					first.ScenarioSHA256, first.Jobs, na, m.ScenarioSHA256, m.Jobs, nb)
			}
			return nil, fmt.Errorf("shards %d and %d of %s ran different scenarios: %s; run every shard with the same scenario file", first.Shard, m.Shard, dir, why)
		}
		if m.RatesDigest != first.RatesDigest {
			return nil, fmt.Errorf("shards %d and %d of %s were billed with different rates (shard %d: %s; shard %d: %s); run every shard with the same --rates and --tiers",
				first.Shard, m.Shard, dir, first.Shard, first.ratesOf(), m.Shard, m.ratesOf())
		}
	}
	return ms, nil
}

// splitFiles are where the shards of a sweep keep their files in dir, and how to run
// one again: as a finished shard ran (ms, those that finished), with its own --shard.
func splitFiles(dir string, ms []ShardManifest) SplitFiles {
	var command []string
	for _, m := range ms {
		if len(m.Command) > 0 {
			command = m.Command
			break
		}
	}
	return SplitFiles{
		Folder: ShardsDir,
		Files: func(k, n int) []string {
			return []string{ShardManifestPath(k, n), ShardPart("runs", k, n), ShardPart("daily", k, n)}
		},
		Rerun: func(k, n int) string {
			if command == nil { // shards of a spendsim that did not record it
				program := []string{"spendsim", "run"}
				if len(ms[0].Args) > 0 && ms[0].Args[0] == "run" { // args that begin with the command
					program = program[:1]
				}
				return RerunCommand(slices.Concat(program, ms[0].Args, []string{"--shard", "", "--out", dir}), k, n) +
					" with the other flags the shards had"
			}
			return RerunCommand(command, k, n)
		},
	}
}

// ShardLess orders shards by split, then by number: (k, n) before (k2, n2).
func ShardLess(k, n, k2, n2 int) bool { return n < n2 || n == n2 && k < k2 }

// SplitFiles says where a kind of shard keeps its files, for CheckSplit's messages.
type SplitFiles struct {
	Folder string // the folder of the output folder that holds the manifests: shards, replay-shards
	// Files are the paths, relative to the output folder, of the files shard k of n
	// writes, its manifest first.
	Files func(k, n int) []string
	// Rerun is the command line that runs shard k of n again, from a finished shard's
	// manifest.
	Rerun func(k, n int) string
}

// CheckSplit checks that the finished shards ids ((K, N) pairs in ShardLess order, whose
// manifests are in dir's folder) are one split, all N of them. A missing shard is named
// as the shard that has not finished, with the command that runs it; shards of several
// splits are refused, naming the files of the older ones, which are stale.
func CheckSplit(dir string, ids [][2]int, sf SplitFiles) error {
	if n := ids[0][1]; n != ids[len(ids)-1][1] {
		return splitsError(dir, ids, sf)
	}
	n := ids[0][1]
	var missing []int
	next := 0
	for k := 0; k < n; k++ {
		if next < len(ids) && ids[next][0] == k {
			next++
			continue
		}
		missing = append(missing, k)
	}
	if len(missing) == 0 {
		return nil
	}
	k := missing[0]
	// The command is a finished shard's, --shard changed: its paths are as that shard's
	// node named them, which another node may mount elsewhere.
	whose := fmt.Sprintf(" (shard %d's command line, its paths as it named them)", ids[0][0])
	if len(missing) == 1 {
		return fmt.Errorf("%s: shard %d of %d has not finished (no %s); run it, then merge again: %s%s",
			dir, k, n, sf.Files(k, n)[0], sf.Rerun(k, n), whose)
	}
	return fmt.Errorf("%s: %s of %d have not finished (no %s, …); run each, then merge again: %s%s, and likewise with --shard K/%d for the others",
		dir, ShardList(missing), n, sf.Files(k, n)[0], sf.Rerun(k, n), whose, n)
}

// ShardList names shards readably: "shard 1", "shards 1 and 2", "shards 0, 3 and 5",
// "shards 0, 1, 2, 3, 4 and 95 more".
func ShardList(ks []int) string {
	if len(ks) == 1 {
		return fmt.Sprintf("shard %d", ks[0])
	}
	const most = 5
	names := make([]string, 0, most+1)
	for _, k := range ks[:min(len(ks), most)] {
		names = append(names, strconv.Itoa(k))
	}
	if len(ks) > most {
		names = append(names, fmt.Sprintf("%d more", len(ks)-most))
	}
	return "shards " + words.And(names)
}

// splitsError names the shards of each split in dir and the files of all but the
// newest split (the one whose newest manifest was written last), as stale.
func splitsError(dir string, ids [][2]int, sf SplitFiles) error {
	type split struct {
		n      int
		files  []string // those that exist, relative to dir
		newest time.Time
	}
	var splits []*split
	for _, id := range ids {
		if len(splits) == 0 || splits[len(splits)-1].n != id[1] {
			splits = append(splits, &split{n: id[1]})
		}
		sp := splits[len(splits)-1]
		for i, f := range sf.Files(id[0], id[1]) {
			st, err := os.Lstat(filepath.Join(dir, f))
			if err != nil {
				continue
			}
			sp.files = append(sp.files, f)
			if i == 0 && st.ModTime().After(sp.newest) {
				sp.newest = st.ModTime()
			}
		}
	}
	newest := 0
	for i, sp := range splits {
		if sp.newest.After(splits[newest].newest) {
			newest = i
		}
	}
	var of, older, stale []string
	for i, sp := range splits {
		of = append(of, fmt.Sprintf("of %d", sp.n))
		if i != newest {
			older = append(older, fmt.Sprintf("of %d", sp.n))
			for _, f := range sp.files {
				stale = append(stale, shellquote.Quote(filepath.Join(dir, f)))
			}
		}
	}
	count := "two"
	if len(splits) > 2 {
		count = strconv.Itoa(len(splits))
	}
	return fmt.Errorf("%s holds shards %s: parts of %s different splits. The split of %d was written last, so the split %s is likely stale: remove its files (rm %s), or rerun the shards of the split you mean",
		filepath.Join(dir, sf.Folder), strings.Join(of, " and "), count, splits[newest].n, strings.Join(older, " and "), strings.Join(stale, " "))
}

// RerunCommand is command (a shard's command line as given: program, command, flags)
// with its --shard K/N or --shards N made --shard k/n, quoted for a POSIX shell.
func RerunCommand(command []string, k, n int) string {
	out := make([]string, 0, len(command))
	spec := fmt.Sprintf("%d/%d", k, n)
	for i := 0; i < len(command); i++ {
		w := command[i]
		name, _, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
		if !strings.HasPrefix(w, "-") || name != "shard" && name != "shards" {
			out = append(out, w)
			continue
		}
		if !hasValue {
			i++ // its value is the next word
		}
		out = append(out, "--shard", spec)
	}
	return shellquote.Join(out)
}

// MergeNote is what a finished shard of n prints: the merge command, quoted for a POSIX
// shell, to run once every shard has finished.
func MergeNote(n int, out string, flags []string) string {
	cmd := shellquote.Join(slices.Concat([]string{"spendsim", "merge", out}, flags))
	if n == 1 {
		return "this is the only shard (1 of 1); merge it: " + cmd
	}
	return fmt.Sprintf("when all %d shards have finished: %s", n, cmd)
}

// ReadParts reads a shard's runs and daily parts back; paramPaths are the sweep's
// param paths (see ReadRuns). Every run the manifest lists must be in the runs part,
// and no other.
func (m *ShardManifest) ReadParts(dir string, paramPaths []string) ([]sim.RunResult, []sim.DayRow, error) {
	if m.RunsPart == "" {
		if len(m.RunIDs) > 0 {
			return nil, nil, fmt.Errorf("shard %d of %d lists %s but no runs part", m.Shard, m.Shards, words.Count(len(m.RunIDs), "run"))
		}
		return nil, nil, nil
	}
	runsPath, err := m.part(dir, "runs", m.RunsPart)
	if err != nil {
		return nil, nil, err
	}
	dailyPath, err := m.part(dir, "daily", m.DailyPart)
	if err != nil {
		return nil, nil, err
	}
	if err := checkPartSum(runsPath, m.RunsSHA256, m.RunsBytes); err != nil {
		return nil, nil, err
	}
	if err := checkPartSum(dailyPath, m.DailySHA256, m.DailyBytes); err != nil {
		return nil, nil, err
	}
	runs, err := reports.ReadRuns(runsPath, paramPaths)
	if err != nil {
		return nil, nil, &unreadablePart{err}
	}
	days, err := reports.ReadDaily(dailyPath)
	if err != nil {
		return nil, nil, &unreadablePart{err}
	}
	if len(runs) != len(m.RunIDs) {
		return nil, nil, fmt.Errorf("%s: %s, its manifest lists %d", m.RunsPart, words.Count(len(runs), "run"), len(m.RunIDs))
	}
	for i, r := range runs {
		if r.RunID != m.RunIDs[i] {
			return nil, nil, fmt.Errorf("%s: row %d is run %s, its manifest lists %s", m.RunsPart, i, r.RunID, m.RunIDs[i])
		}
	}
	return runs, days, nil
}

// part is the path of a shard's part of table, which its manifest names as given: only
// the path WriteShard writes, inside dir, is read. A manifest naming another path
// (../../etc/passwd was read) or a link out of dir is refused.
func (m *ShardManifest) part(dir, table, given string) (string, error) {
	want := ShardPart(table, m.Shard, m.Shards)
	manifest := filepath.Join(dir, ShardManifestPath(m.Shard, m.Shards))
	if filepath.FromSlash(given) != want {
		return "", fmt.Errorf("%s: %s_part is %q; a shard's part is %s inside the output folder, and merge reads nothing else",
			manifest, table, given, filepath.ToSlash(want))
	}
	return safefile.ReadInside(dir, want)
}

// ParseShard resolves --shard K/N, or --shards N with K from the batch system's array
// index (JOB_COMPLETION_INDEX of a Kubernetes Indexed Job, SLURM_ARRAY_TASK_ID of a
// Slurm array), into (K, N); N = 0 means not sharded.
func ParseShard(shard string, shards int, getenv func(string) string) (int, int, error) {
	switch {
	case shard != "" && shards != 0:
		return 0, 0, fmt.Errorf("give --shard K/N or --shards N, not both")
	case shard != "":
		ks, ns, ok := strings.Cut(shard, "/")
		k, err1 := strconv.Atoi(ks)
		n, err2 := strconv.Atoi(ns)
		if !ok || err1 != nil || err2 != nil {
			return 0, 0, fmt.Errorf("--shard %q: want K/N, like 0/4 (K counts from 0)", shard)
		}
		if n < 1 || k < 0 || k >= n {
			return 0, 0, fmt.Errorf("--shard %q: want 0 <= K < N (K counts from 0)", shard)
		}
		return k, n, nil
	case shards != 0:
		if shards < 1 {
			return 0, 0, fmt.Errorf("--shards must be >= 1, got %d", shards)
		}
		// Both set (a Slurm job launching pods, an environment copied from another job)
		// is fine when they agree; when they disagree neither can be trusted to be this
		// task's number, and picking one would bill some shard twice and another never.
		found, from := -1, ""
		for _, name := range []string{"JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"} {
			v := getenv(name)
			if v == "" {
				continue
			}
			k, err := strconv.Atoi(v)
			if err != nil || k < 0 || k >= shards {
				return 0, 0, fmt.Errorf("--shards %d: %s=%q is not a shard number from 0 to %d (a Slurm array needs --array=0-%d)",
					shards, name, v, shards-1, shards-1)
			}
			if found >= 0 && k != found {
				return 0, 0, fmt.Errorf("--shards %d: %s=%d and %s=%d disagree on this task's shard: unset the one that is not this job's, or give --shard K/%d",
					shards, from, found, name, k, shards)
			}
			found, from = k, name
		}
		if found >= 0 {
			return found, shards, nil
		}
		return 0, 0, fmt.Errorf("--shards %d: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID is set; give --shard K/%d", shards, shards)
	}
	return 0, 0, nil
}

// checkPartSum checks that the part at p has the size and SHA-256 its manifest recorded.
func checkPartSum(p, sum string, size int64) error {
	if sum == "" {
		return &damagedPart{fmt.Errorf("%s: its shard's manifest records no SHA-256 of it (written by an earlier spendsim), so merge cannot tell it is the part its shard wrote", p)}
	}
	got, n, err := safefile.HashFile(p)
	switch {
	case err != nil:
		return err
	case n != size:
		return &damagedPart{fmt.Errorf("%s is %d bytes, its shard wrote %d: cut short, or replaced since (by a part of another sweep?)", p, n, size)}
	case got != sum:
		return &damagedPart{fmt.Errorf("%s is not the part its shard wrote: its SHA-256 is %.12s…, the shard's manifest records %.12s… (damaged, or replaced since by a part of another sweep?)", p, got, sum)}
	}
	return nil
}

// damagedPart is a part that is not the file its shard wrote.
type damagedPart struct{ err error }

func (e *damagedPart) Error() string { return e.err.Error() }
func (e *damagedPart) Unwrap() error { return e.err }

// unreadablePart is a part whose content could not be read as this spendsim reads
// them (a column missing, another type): what another build of spendsim wrote.
type unreadablePart struct{ err error }

func (e *unreadablePart) Error() string { return e.err.Error() }
func (e *unreadablePart) Unwrap() error { return e.err }
