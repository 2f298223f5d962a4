//go:build linux

package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spendsim/spendsim/internal/interrupt"
)

// writeLongTrace writes a CSV trace of n records (two thirds from the business) from
// a few thousand users, in time order.
func writeLongTrace(t *testing.T, path string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("ts,user,direction,type,category,status\n")
	start := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		ts := start.Add(time.Duration(i) * time.Second).Format(time.RFC3339)
		user := 5511900000000 + i%5000
		if i%3 == 0 {
			fmt.Fprintf(w, "%s,%d,user,,,\n", ts, user)
		} else {
			fmt.Fprintf(w, "%s,%d,business,template,%s,delivered\n", ts, user, []string{"marketing", "utility"}[i%2])
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// TestSignalsStop sends SIGINT or SIGTERM to long commands (run, replay, generate) in
// another process: each stops within a second, exits 130 or 143, says so, and leaves
// --out as it was (a run keeps its finished runs in .partial and says how to resume);
// no temporary file, staging folder or lock is left. The same signal twice within
// milliseconds, as GNU timeout and batch systems that signal the process group send it,
// is one signal: it used to kill spendsim at once, leaving its temporaries and lock.
func TestSignalsStop(t *testing.T) {
	childMain()
	if testing.Short() {
		t.Skip("interrupts commands of a few seconds")
	}
	dir := t.TempDir()
	sc := writeFile(t, dir, "medium.yaml", mediumScenario)
	tiny := writeFile(t, dir, "tiny.yaml", tinyScenario)
	trace := filepath.Join(dir, "long.csv")
	writeLongTrace(t, trace, 400_000)
	for _, tc := range []struct {
		name      string
		sig       syscall.Signal
		args      []string // --out OUT is added; OUT holds a previous set unless fresh
		fresh     bool
		busyWhen  string // a file in OUT (or glob) whose appearance says the command is at work
		wantCode  int
		wantNote  string
		wantAfter []string // hidden entries of OUT that may remain
		twice     bool     // the signal again 20 ms later
	}{
		{"run SIGINT", syscall.SIGINT, []string{"run", sc, "--workers", "1", "-q"}, false,
			".partial/all/*.gob", 130, "SIGINT: interrupted; the ", []string{".partial"}, false},
		{"replay SIGTERM", syscall.SIGTERM, []string{"replay", "--trace", trace, "-q"}, false,
			".spendsim-staging-*/.messages.parquet.tmp-*", 143, "SIGTERM: interrupted; nothing was written", nil, false},
		{"generate SIGINT", syscall.SIGINT, []string{"generate", "retail-month", "-q"}, true,
			".gen.parquet.tmp-*", 130, "SIGINT: interrupted; nothing was written", nil, false},
		{"gen-twice SIGTERM", syscall.SIGTERM, []string{"generate", "retail-month", "-q"}, true,
			".gen.parquet.tmp-*", 143, "SIGTERM: interrupted; nothing was written", nil, true},
		{"replay-twice SIGTERM", syscall.SIGTERM, []string{"replay", "--trace", trace, "-q"}, false,
			".spendsim-staging-*/.messages.parquet.tmp-*", 143, "SIGTERM: interrupted; nothing was written", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.Fields(tc.name)[0])
			args := append(tc.args, "--out", out)
			var before outSet
			if tc.args[0] == "generate" {
				os.MkdirAll(out, 0o755)
				args = append(tc.args, "-o", filepath.Join(out, "gen.parquet"))
			} else if !tc.fresh {
				if code, _, errOut := spendsim(t, "run", tiny, "--seed", "3", "--out", out, "-q"); code != 0 {
					t.Fatalf("the previous set: exit %d: %s", code, errOut)
				}
				before = checkOneSet(t, out)
			}
			cmd := child("TestSignalsStop", nil, args...)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			exited := startAtWork(t, cmd, filepath.Join(out, tc.busyWhen))
			sent := time.Now()
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			if tc.twice {
				time.Sleep(20 * time.Millisecond)
				cmd.Process.Signal(tc.sig)
			}
			var err error
			select {
			case err = <-exited:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("still running 10 s after %v", tc.sig)
			}
			took := time.Since(sent)
			t.Logf("%v: stopped in %v: %s", tc.sig, took.Round(time.Millisecond), strings.TrimSpace(stderr.String()))
			// interrupt.Grace is the most a command may take to stop; the rest is the exit and a
			// loaded machine.
			if took > interrupt.Grace+500*time.Millisecond {
				t.Errorf("stopped %v after the signal", took)
			}
			if code := exitCodeOf(err); code != tc.wantCode || !strings.Contains(stderr.String(), tc.wantNote) {
				t.Errorf("exit %d, %q; want %d and %q", code, stderr.String(), tc.wantCode, tc.wantNote)
			}
			after := readOut(t, out)
			if !slices.Equal(after.hidden, tc.wantAfter) {
				t.Errorf("left behind %v, want %v", after.hidden, tc.wantAfter)
			}
			switch {
			case tc.args[0] == "generate":
				if len(after.files) != 0 {
					t.Errorf("an interrupted generate left %v", keys(after.files))
				}
			case !after.complete || !equalMaps(after.files, before.files):
				t.Errorf("after the signal %s holds %v, want the previous set", out, keys(after.files))
			}
			if tc.args[0] == "run" {
				if !strings.Contains(stderr.String(), "run again with --resume to go on") {
					t.Errorf("the run did not say how to resume: %s", stderr.String())
				}
				code, _, errOut := spendsim(t, append(args, "--resume")...)
				if code != 0 {
					t.Fatalf("resume: exit %d: %s", code, errOut)
				}
				checkOneSet(t, out)
			}
		})
	}
}

// TestInterruptedFreshSeedSaysTheSeed: a scenario with no seed runs on one picked
// afresh, which -q does not print; interrupted, the run said "run again with --resume"
// and the resume then failed, "--resume needs the seed the interrupted run printed".
// Now the message names the seed with the flag, and going on as it says completes the
// run.
func TestInterruptedFreshSeedSaysTheSeed(t *testing.T) {
	childMain()
	if testing.Short() {
		t.Skip("interrupts a run of a few seconds")
	}
	dir := t.TempDir()
	sc := writeFile(t, dir, "noseed.yaml", strings.Replace(mediumScenario, "seed: 5\n", "", 1))
	out := filepath.Join(dir, "out")
	cmd := child("TestInterruptedFreshSeedSaysTheSeed", nil, "run", sc, "--workers", "1", "-q", "--out", out)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	exited := startAtWork(t, cmd, filepath.Join(out, ".partial/all/*.gob"))
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("still running 10 s after SIGINT")
	}
	var seed uint64
	i := strings.Index(stderr.String(), "run again with --resume --seed ")
	if i < 0 {
		t.Fatalf("the message does not name the seed: %s", stderr.String())
	}
	if _, err := fmt.Sscanf(stderr.String()[i:], "run again with --resume --seed %d to go on", &seed); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	if code, _, errOut := spendsim(t, "run", sc, "-q", "--out", out, "--resume", "--seed", fmt.Sprint(seed)); code != 0 {
		t.Fatalf("resume as told: exit %d: %s", code, errOut)
	}
	checkOneSet(t, out)
}
