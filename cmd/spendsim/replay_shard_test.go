package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/sharedtest"
)

// TestReplayShardsMerge: a real webhook log replayed as N = 1, 2 and 3 shards (--shard
// K/N, and --shards N with K from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX), then
// merged, gives the unsharded replay's four files, byte for byte, and its table on
// stdout, under the era in force, PMP and CBP 2023.
func TestReplayShardsMerge(t *testing.T) {
	log := "../../../shared/datasets/webhooks/logs/fidelity_ctx.jsonl"
	if _, err := os.Stat(log); err != nil {
		sharedtest.Missing(t, "the webhook corpus", errors.New("no "+log))
	}
	for _, pricing := range []string{"auto", "pmp-2025", "cbp-2023"} {
		common := []string{"--trace", log, "--format", "webhook", "--pricing", pricing, "--quiet"}
		want := filepath.Join(t.TempDir(), "want")
		code, wantOut, stderr := spendsim(t, append([]string{"replay", "--out", want}, common...)...)
		if code != 0 {
			t.Fatalf("%s: replay: exit %d: %s", pricing, code, stderr)
		}
		for n := 1; n <= 3; n++ {
			out := filepath.Join(t.TempDir(), "out")
			for k := range n {
				args := append([]string{"replay", "--out", out}, common...)
				switch n {
				case 2:
					t.Setenv("JOB_COMPLETION_INDEX", "")
					t.Setenv("SLURM_ARRAY_TASK_ID", fmt.Sprint(k))
					args = append(args, "--shards", "2")
				case 3:
					t.Setenv("SLURM_ARRAY_TASK_ID", "") // else left from n = 2, disagreeing
					t.Setenv("JOB_COMPLETION_INDEX", fmt.Sprint(k))
					args = append(args, "--shards", "3")
				default:
					args = append(args, "--shard", "0/1")
				}
				if code, _, stderr := spendsim(t, args...); code != 0 {
					t.Fatalf("%s, shard %d of %d: exit %d: %s", pricing, k, n, code, stderr)
				}
			}
			code, got, stderr := spendsim(t, "merge", out, "--pricing", pricing)
			if code != 0 {
				t.Fatalf("%s, %d shards: merge: exit %d: %s", pricing, n, code, stderr)
			}
			if got != wantOut {
				t.Errorf("%s, %d shards: merge prints\n%s\nreplay printed\n%s", pricing, n, got, wantOut)
			}
			for _, f := range []string{"messages.parquet", "bill.parquet", "summary.json", "manifest.json"} {
				a, errA := os.ReadFile(filepath.Join(out, f))
				b, errB := os.ReadFile(filepath.Join(want, f))
				if errA != nil || errB != nil || string(a) != string(b) {
					t.Errorf("%s, %d shards: %s differs from the unsharded replay's (%v, %v)", pricing, n, f, errA, errB)
				}
			}
		}
	}
}

// TestReplayShardUsage: what cannot be sharded is a usage error (exit 2), and a merge
// given other billing flags than its shards had fails, naming the flag.
func TestReplayShardUsage(t *testing.T) {
	dir := t.TempDir()
	trace := writeFile(t, dir, "t.csv", "ts,user,direction,type,category,status\n2025-08-01T10:00:00Z,5511987654321,business,template,marketing,delivered\n")
	for _, args := range [][]string{
		{"--shard", "0/2", "--workers", "2"},
		{"--shard", "0/2", "--pricing", "all"},
		{"--shard", "2/2"},
		{"--shard", "0/2", "--restaff", "retail-month"},
	} {
		code, _, stderr := spendsim(t, append([]string{"replay", "--trace", trace, "--out", filepath.Join(dir, "x")}, args...)...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", args, code, stderr)
		}
	}
	out := filepath.Join(dir, "out")
	for k := range 2 {
		if code, _, stderr := spendsim(t, "replay", "--trace", trace, "--out", out, "--pricing", "pmp-2025", "--shard", fmt.Sprintf("%d/2", k)); code != 0 {
			t.Fatalf("shard %d: exit %d: %s", k, code, stderr)
		}
	}
	code, _, stderr := spendsim(t, "merge", out)
	if code != 2 || !strings.Contains(stderr, "--pricing=pmp-2025, not --pricing=auto") { // the merge's flags contradict the shards': usage
		t.Errorf("merge without the shards' --pricing: exit %d: %s", code, stderr)
	}
	if code, _, stderr := spendsim(t, "merge", out, "--pricing", "pmp-2025", "--sla", "p90<=1h"); code != 2 {
		t.Errorf("merge of a replay with --sla: exit %d: %s", code, stderr)
	}
	if code, _, stderr := spendsim(t, "merge", out, "--pricing", "pmp-2025"); code != 0 {
		t.Errorf("merge: exit %d: %s", code, stderr)
	}
}

// TestReplayShardNotes: a shard prints the merge command quoted for a shell (an output
// folder and a tier file with spaces in their names), in words that fit one shard of
// one; a merge missing a shard names it and the command that runs it, a finished
// shard's own with its --shard; merge given the shards' folder itself, or a folder with
// no shards, says what it expects.
func TestReplayShardNotes(t *testing.T) {
	dir := t.TempDir()
	trace := writeFile(t, dir, "t.csv", "ts,user,direction,type,category,status\n2025-08-01T10:00:00Z,5511987654321,business,template,marketing,delivered\n")
	out := filepath.Join(dir, "my out")
	_, stdout, stderr := spendsim(t, "replay", "--trace", trace, "--out", out, "--pricing", "pmp-2025", "--shard", "0/1", "-q")
	if want := "this is the only shard (1 of 1); merge it: spendsim merge '" + out + "' --pricing pmp-2025\n"; !strings.HasSuffix(stdout, want) {
		t.Errorf("shard 0 of 1 prints\n%s%s\nwant it to end\n%s", stdout, stderr, want)
	}
	two := filepath.Join(dir, "two out")
	_, stdout, stderr = spendsim(t, "replay", "--trace", trace, "--out", two, "--shard", "1/2", "-q")
	if want := "when all 2 shards have finished: spendsim merge '" + two + "'\n"; !strings.HasSuffix(stdout, want) {
		t.Errorf("shard 1 of 2 prints\n%s%s\nwant it to end\n%s", stdout, stderr, want)
	}
	code, _, stderr := spendsim(t, "merge", two)
	if want := "shard 0 of 2 has not finished (no replay-shards/shard-0-of-2.json); run it, then merge again: spendsim replay --trace " + trace + " --out '" + two + "' --shard 0/2 -q"; code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("merge missing shard 0: exit %d: %s\nwant %s", code, stderr, want)
	}
	code, _, stderr = spendsim(t, "merge", filepath.Join(two, "replay-shards"))
	if want := "is the replay-shards folder itself: give merge the folder that holds it, spendsim merge '" + two + "'"; code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("merge of replay-shards itself: exit %d: %s\nwant %s", code, stderr, want)
	}
	code, _, stderr = spendsim(t, "merge", filepath.Join(dir, "nonexist"))
	if code != 1 || !strings.Contains(stderr, "replay-shards/ (from spendsim replay --shard K/N --out") || !strings.Contains(stderr, "shards/ (from spendsim run SCENARIO --shard K/N --out") {
		t.Errorf("merge of a folder that does not exist: exit %d: %s", code, stderr)
	}
}
