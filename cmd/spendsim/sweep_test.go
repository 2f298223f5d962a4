package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/sweep"
	"github.com/spendsim/spendsim/reports"
)

// sweepScenario has 2 sweep points × 3 replications = 6 runs, and is busy enough that
// late replies cost something, so the spend varies between replications. Three agents
// answer everyone in the window (two would leave a late reply in some replications
// only, a spend too small and too variable for --precision to pin down).
const sweepScenario = `name: sweep
start: 2025-09-01
days: 3
seed: 11
replications: 3
customers:
  count: 2000
  countries: [{country: BR, share: 1}]
load:
  conversations_per_customer_month: 3
agents:
  shifts:
    - {start: "09:00", end: "17:00", headcount: 1}
sweep:
  - {path: "agents.shifts[0].headcount", name: agents, values: [1, 3]}
`

// sameFiles fails the test for every named file that differs between two directories.
func sameFiles(t *testing.T, a, b string, files ...string) {
	t.Helper()
	for _, f := range files {
		x, err := os.ReadFile(filepath.Join(a, f))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between %s and %s", f, a, b)
		}
	}
}

var outputFiles = []string{"runs.parquet", "daily.parquet", "summary.json", "manifest.json", "spend_vs_sla.png", "spend_vs_sla.svg",
	"first_response_cdf.png", "first_response_cdf.svg", "spend_by_category.png", "spend_by_category.svg", "report.html"}

// TestShardsMergeToUnsharded: four shards of a six-run sweep (one of them taking its
// index from a Kubernetes Indexed Job's JOB_COMPLETION_INDEX), merged, give exactly the
// files of the unsharded run.
func TestShardsMergeToUnsharded(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "sweep.yaml", sweepScenario)
	whole, parts := filepath.Join(dir, "whole"), filepath.Join(dir, "parts")
	if code, _, stderr := spendsim(t, "run", sc, "--out", whole, "-q"); code != 0 {
		t.Fatalf("unsharded: exit %d: %s", code, stderr)
	}
	for _, args := range [][]string{{"--shard", "0/4"}, {"--shard", "1/4"}, {"--shard", "3/4"}} {
		if code, _, stderr := spendsim(t, append([]string{"run", sc, "--out", parts, "-q"}, args...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	// Three of four shards: merge must refuse, naming the missing one and the command
	// that runs it (a finished shard's, with its own --shard).
	if code, _, stderr := spendsim(t, "merge", parts); code != 1 || !strings.Contains(stderr, "shard 2 of 4 has not finished") ||
		!strings.Contains(stderr, "spendsim run "+sc+" --out "+parts+" -q --shard 2/4") {
		t.Errorf("merge with a shard missing: exit %d, stderr %q", code, stderr)
	}
	t.Setenv("JOB_COMPLETION_INDEX", "2")
	code, stdout, stderr := spendsim(t, "run", sc, "--out", parts, "--shards", "4", "-q")
	if code != 0 || !strings.Contains(stdout, "shard 2 of 4") {
		t.Fatalf("--shards 4 with JOB_COMPLETION_INDEX=2: exit %d, %s%s", code, stdout, stderr)
	}
	for _, p := range []string{"runs/shard=2/part-2-of-4.parquet", "daily/shard=2/part-2-of-4.parquet", "shards/shard-2-of-4.json"} {
		if _, err := os.Stat(filepath.Join(parts, p)); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(parts, "summary.json")); err == nil {
		t.Error("a shard wrote summary.json")
	}
	code, stdout, stderr = spendsim(t, "merge", parts)
	if code != 0 || !strings.Contains(stdout, "6 runs") {
		t.Fatalf("merge: exit %d: %s%s", code, stdout, stderr)
	}
	sameFiles(t, whole, parts, outputFiles...)

	// A part that lost a run is caught, not merged into a thinner summary.
	m := readShardManifest(t, parts, 1, 4)
	m.RunIDs = m.RunIDs[:1]
	if err := reports.WriteJSON(filepath.Join(parts, sweep.ShardManifestPath(1, 4)), m); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := spendsim(t, "merge", parts); code != 1 || !strings.Contains(stderr, "manifest lists 1") {
		t.Errorf("merge of a damaged shard: exit %d, stderr %q", code, stderr)
	}
}

func readShardManifest(t *testing.T, dir string, k, n int) sweep.ShardManifest {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, sweep.ShardManifestPath(k, n)))
	if err != nil {
		t.Fatal(err)
	}
	var m sweep.ShardManifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestShardSpec(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	for _, c := range []struct {
		shard  string
		shards int
		vars   map[string]string
		k, n   int
		errHas string
	}{
		{"", 0, nil, 0, 0, ""},
		{"2/4", 0, nil, 2, 4, ""},
		{"0/1", 0, nil, 0, 1, ""},
		{"", 4, map[string]string{"JOB_COMPLETION_INDEX": "3"}, 3, 4, ""},
		{"", 4, map[string]string{"SLURM_ARRAY_TASK_ID": "1"}, 1, 4, ""},
		{"4/4", 0, nil, 0, 0, "0 <= K < N"},
		{"1-4", 0, nil, 0, 0, "want K/N"},
		{"", 4, nil, 0, 0, "neither JOB_COMPLETION_INDEX"},
		{"", 4, map[string]string{"SLURM_ARRAY_TASK_ID": "4"}, 0, 0, "--array=0-3"},
		{"1/4", 4, nil, 0, 0, "not both"},
		// Both set: one number when they agree; when they disagree, which is this task's
		// is not known (one was used, silently).
		{"", 3, map[string]string{"JOB_COMPLETION_INDEX": "2", "SLURM_ARRAY_TASK_ID": "2"}, 2, 3, ""},
		{"", 3, map[string]string{"JOB_COMPLETION_INDEX": "0", "SLURM_ARRAY_TASK_ID": "2"}, 0, 0, "JOB_COMPLETION_INDEX=0 and SLURM_ARRAY_TASK_ID=2 disagree"},
		{"", 3, map[string]string{"JOB_COMPLETION_INDEX": "1", "SLURM_ARRAY_TASK_ID": "7"}, 0, 0, `SLURM_ARRAY_TASK_ID="7" is not a shard number`},
	} {
		k, n, err := shardSpec(c.shard, c.shards, env(c.vars))
		if c.errHas != "" {
			if err == nil || !strings.Contains(err.Error(), c.errHas) || exitCode(err) != exitUsage {
				t.Errorf("%q %d %v: err %v, want a usage error with %q", c.shard, c.shards, c.vars, err, c.errHas)
			}
			continue
		}
		if err != nil || k != c.k || n != c.n {
			t.Errorf("%q %d %v: %d/%d %v, want %d/%d", c.shard, c.shards, c.vars, k, n, err, c.k, c.n)
		}
	}
}

// TestPrecision: --precision stops at some replication count R where every point's
// interval is narrow enough, and its files are those of a scenario with R fixed
// replications.
func TestPrecision(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "sweep.yaml", sweepScenario)
	prec := filepath.Join(dir, "prec")
	code, _, stderr := spendsim(t, "run", sc, "--out", prec, "--precision", "3%")
	if code != 0 || !strings.Contains(stderr, "precision reached") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var s stats.Summary
	data, err := os.ReadFile(filepath.Join(prec, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	r := s.Points[0].Replications
	if r <= 3 {
		t.Fatalf("stopped at %d replications; the test scenario should need more than its own 3", r)
	}
	for _, p := range s.Points {
		if p.Replications != r {
			t.Errorf("point %s: %d replications, point 0 has %d", p.PointID, p.Replications, r)
		}
		ci := p.TotalWithStaffingCI95
		if half := float64(ci.HighMicros-ci.LowMicros) / 2; half > 0.03*float64(p.TotalWithStaffingMicros)+1 {
			t.Errorf("point %s: half-width %.0f micros on a mean of %d: over 3%%", p.PointID, half, p.TotalWithStaffingMicros)
		}
	}
	fixed := filepath.Join(dir, "fixed")
	body := strings.Replace(sweepScenario, "replications: 3", "replications: "+itoa(r), 1)
	if code, _, stderr := spendsim(t, "run", writeFile(t, dir, "fixed.yaml", body), "--out", fixed, "-q"); code != 0 {
		t.Fatal(stderr)
	}
	sameFiles(t, prec, fixed, "runs.parquet", "daily.parquet", "summary.json")

	// The cap holds, and says so.
	capped := filepath.Join(dir, "capped")
	code, _, stderr = spendsim(t, "run", sc, "--out", capped, "--precision", "0.1%", "--max-replications", "5")
	if code != 0 || !strings.Contains(stderr, "NOT reached at --max-replications 5") {
		t.Errorf("capped: exit %d: %s", code, stderr)
	}
	noSeed := writeFile(t, dir, "noseed.yaml", strings.Replace(sweepScenario, "seed: 11\n", "", 1))
	for _, bad := range [][]string{{"--shard", "0/2"}, {"--resume"}} {
		if code, _, stderr := spendsim(t, append([]string{"run", noSeed, "--out", capped}, bad...)...); code != exitUsage || !strings.Contains(stderr, "no seed") {
			t.Errorf("no seed, %v: exit %d, %s", bad, code, stderr)
		}
	}
	for _, bad := range [][]string{{"--precision", "2"}, {"--precision", "0%"}, {"--precision", "x"}, {"--precision", "2%", "--shard", "0/2"}} {
		if code, _, _ := spendsim(t, append([]string{"run", sc, "--out", capped}, bad...)...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", bad, code, exitUsage)
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestMergeUsage(t *testing.T) {
	if code, stdout, _ := spendsim(t, "merge", "--help"); code != 0 || !strings.Contains(stdout, "spendsim merge /shared/out") {
		t.Errorf("merge --help: exit %d:\n%s", code, stdout)
	}
	if code, _, _ := spendsim(t, "merge"); code != exitUsage {
		t.Errorf("merge without a directory: exit %d, want %d", code, exitUsage)
	}
	if code, _, stderr := spendsim(t, "merge", t.TempDir()); code != exitFailure || !strings.Contains(stderr, "no shard has finished") {
		t.Errorf("merge of an empty directory: exit %d, %s", code, stderr)
	}
}
