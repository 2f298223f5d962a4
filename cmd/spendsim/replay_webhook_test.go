package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReplayWebhookLogOrder: Meta delivers status webhooks in any order, so the order
// of a log's lines must not change the bill. Every log of the shared webhook corpus is
// replayed as it is and with its lines shuffled (a CSV keeps its header first and is
// read with --sort), and summary.json must be the same, byte for byte.
func TestReplayWebhookLogOrder(t *testing.T) {
	logs, _ := filepath.Glob("../../../shared/datasets/webhooks/logs/*")
	if len(logs) == 0 {
		t.Skip("no webhook corpus")
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

		var summaries [2][]byte
		var codes [2]int
		for i, trace := range []string{p, shuffled} {
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
		if codes[0] != codes[1] || !bytes.Equal(summaries[0], summaries[1]) {
			t.Errorf("%s: exit %d, shuffled %d; summary.json\n%s\nshuffled:\n%s", filepath.Base(p), codes[0], codes[1], summaries[0], summaries[1])
		}
		if codes[0] == 0 {
			replays++
		}
	}
	if replays < 5 {
		t.Errorf("only %d logs replayed", replays)
	}
}
