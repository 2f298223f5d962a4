package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/sharedtest"
)

// TestReplayWebhookLogOrder: Meta delivers status webhooks in any order, and again at
// times, so neither the order of a log's lines nor a status delivered twice may change
// the bill. Every log of the shared webhook corpus is replayed as it is, with its lines
// shuffled (a CSV keeps its header first and is read with --sort), and, for webhook
// logs, shuffled with a third of its status-only lines repeated; summary.json must be the
// same, byte for byte.
func TestReplayWebhookLogOrder(t *testing.T) {
	logs, _ := filepath.Glob("../../../shared/datasets/webhooks/logs/*")
	if len(logs) == 0 {
		sharedtest.Missing(t, "the webhook corpus", errors.New("no logs in ../shared/datasets/webhooks/logs"))
	}
	rng := rand.New(rand.NewPCG(12, 7))
	replays := 0
	for _, p := range logs {
		args := []string{"--skip-invalid", "--default-country", "BR", "--quiet"}
		switch filepath.Ext(p) {
		case ".jsonl":
			args = append(args, "--format", "webhook")
		case ".csv":
			args = append(args, "--sort")
		default:
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
		head := 0
		if filepath.Ext(p) == ".csv" {
			head = 1
		}
		rest := lines[head:]
		rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
		dir := t.TempDir()
		shuffled := writeFile(t, dir, filepath.Base(p), strings.Join(lines, "\n")+"\n")
		traces := []string{p, shuffled}
		if filepath.Ext(p) == ".jsonl" {
			dup := append([]string(nil), lines...)
			for _, l := range lines {
				if strings.Contains(l, `"statuses"`) && !strings.Contains(l, `"messages"`) && rng.IntN(3) == 0 {
					dup = append(dup, l)
				}
			}
			rng.Shuffle(len(dup), func(i, j int) { dup[i], dup[j] = dup[j], dup[i] })
			traces = append(traces, writeFile(t, dir, "dup-"+filepath.Base(p), strings.Join(dup, "\n")+"\n"))
		}

		summaries := make([][]byte, len(traces))
		codes := make([]int, len(traces))
		for i, trace := range traces {
			out := filepath.Join(dir, "out"+string(rune('a'+i)))
			code, _, stderr := spendsim(t, append([]string{"replay", "--trace", trace, "--out", out}, args...)...)
			codes[i] = code
			if code == 0 {
				if summaries[i], err = os.ReadFile(filepath.Join(out, "summary.json")); err != nil {
					t.Fatal(err)
				}
			} else if strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Errorf("%s: error is not one line: %q", trace, stderr)
			}
		}
		for i := 1; i < len(traces); i++ {
			// The summary names its trace: the copies have the original's base name but
			// the duplicated one.
			got := bytes.Replace(summaries[i], []byte(`"dup-`), []byte(`"`), 1)
			if codes[0] != codes[i] || !bytes.Equal(summaries[0], got) {
				t.Errorf("%s: exit %d, %s %d; summary.json\n%s\nthat one:\n%s", filepath.Base(p), codes[0], filepath.Base(traces[i]), codes[i], summaries[0], summaries[i])
			}
		}
		if codes[0] == 0 {
			replays++
		}
	}
	if replays < 5 {
		t.Errorf("only %d logs replayed", replays)
	}
}

// TestReplayReportsIgnoredChanges: what a webhook log holds that is no message (here an
// account_update) is read past, and the replay says so: in summary.json and on stderr,
// --quiet or not, beside the skipped-rows note.
func TestReplayReportsIgnoredChanges(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, _, stderr := spendsim(t, "replay", "--trace", "../../scenarios/trace/testdata/webhook.jsonl", "--out", out, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var s struct {
		Ignored *int64 `json:"ignored_changes"`
	}
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if s.Ignored == nil || *s.Ignored != 1 {
		t.Errorf("summary.json: ignored_changes = %v, want 1", s.Ignored)
	}
	if !strings.Contains(stderr, "1 webhook change that is no message read past") {
		t.Errorf("stderr does not report the ignored change:\n%s", stderr)
	}
}
