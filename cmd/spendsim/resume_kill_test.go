package main

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// killScenario is 2 points × 24 replications = 48 runs of 100,000 customers over 30
// days: a few seconds on one worker, so a sweep can be killed midway.
const killScenario = `name: kill
start: 2025-09-01
days: 30
seed: 5
replications: 24
customers:
  count: 100000
  countries: [{country: BR, share: 1}]
load:
  conversations_per_customer_month: 2
agents:
  cost_per_hour: 8
  late_reply: utility
  shifts:
    - {start: "09:00", end: "17:00", headcount: 8}
sweep:
  - {path: "agents.shifts[0].headcount", name: agents, values: [8, 10]}
`

const killRuns = 48

// childEnv marks a re-executed test binary that is to run spendsim's Main on the
// arguments after "--" and exit with its code.
const childEnv = "SPENDSIM_TEST_RUN_MAIN"

// TestResumeAfterKill kills a real spendsim process with SIGKILL in the middle of a
// sweep (no chance to clean up or flush anything), resumes it with --resume and gets
// the very bytes of a sweep that was never interrupted. The process is this test
// binary re-executed to run Main, so no separate build is needed.
func TestResumeAfterKill(t *testing.T) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(Main(append([]string{"spendsim"}, flag.Args()...), os.Stdout, os.Stderr))
	}
	if testing.Short() {
		t.Skip("kills a sweep of a few seconds")
	}
	dir := t.TempDir()
	sc := writeFile(t, dir, "kill.yaml", killScenario)

	// The interrupted sweep: one worker, killed once some runs are checkpointed.
	killed := filepath.Join(dir, "killed")
	cmd := exec.Command(os.Args[0], "-test.run=^TestResumeAfterKill$", "--",
		"run", sc, "--out", killed, "--workers", "1", "-q")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	partial := filepath.Join(killed, ".partial", "all")
	saved := func() int {
		m, _ := filepath.Glob(filepath.Join(partial, "*.gob"))
		return len(m)
	}
	deadline := time.Now().Add(60 * time.Second)
	for saved() < 5 {
		select {
		case err := <-exited:
			t.Fatalf("the sweep ended (%v) before 5 of %d runs were checkpointed; stderr: %s", err, killRuns, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no 5 runs checkpointed in 60 s; stderr: %s", stderr.String())
		}
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	if err := <-exited; err == nil {
		t.Fatal("the sweep finished before it was killed: make killScenario longer")
	}
	atKill := saved()
	if atKill >= killRuns {
		t.Fatalf("all %d runs were checkpointed before the kill: make killScenario longer", killRuns)
	}
	// Killed midway: runs are checkpointed, none of the final files is there.
	for _, f := range outputFiles {
		if _, err := os.Stat(filepath.Join(killed, f)); !os.IsNotExist(err) {
			t.Errorf("the killed sweep left %s (%v)", f, err)
		}
	}

	// Resume it in a new process's stead (in-process here: what matters is what the
	// killed one left on disk).
	code, _, errOut := spendsim(t, "run", sc, "--out", killed, "--workers", "1", "--resume")
	if code != 0 {
		t.Fatalf("resume: exit %d: %s", code, errOut)
	}
	m := regexp.MustCompile(`(\d+) runs in [0-9.]+s \((\d+) more resumed from`).FindStringSubmatch(errOut)
	if m == nil {
		t.Fatalf("resume did not say what it resumed: %q", errOut)
	}
	ran, _ := strconv.Atoi(m[1])
	resumed, _ := strconv.Atoi(m[2])
	t.Logf("killed with %d of %d runs checkpointed; the resume took %d from the checkpoint and ran %d", atKill, killRuns, resumed, ran)
	if resumed < atKill || ran+resumed != killRuns {
		t.Errorf("resume ran %d and took %d from the checkpoint; %d were saved when killed, %d in all", ran, resumed, atKill, killRuns)
	}

	// The uninterrupted sweep, on two workers: same bytes.
	whole := filepath.Join(dir, "whole")
	if code, _, errOut := spendsim(t, "run", sc, "--out", whole, "--workers", "2", "-q"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	sameFiles(t, killed, whole, outputFiles...)
	// Nothing else is left: no .partial, no temporary file.
	entries, err := os.ReadDir(killed)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := slices.Clone(outputFiles)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("after the resume the output folder holds %v, want %v", names, want)
	}
}
