//go:build linux

package interrupt

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childEnv, set, makes the test binary play a command under Watch that gets the
// signals the value names (see watchedChild) instead of running the tests.
const childEnv = "SPENDSIM_INTERRUPT_CHILD"

// keptEnv names the folder where the child keeps its runs.
const keptEnv = "SPENDSIM_INTERRUPT_KEPT"

func TestMain(m *testing.M) {
	if plan := os.Getenv(childEnv); plan != "" {
		watchedChild(plan)
	}
	os.Exit(m.Run())
}

// watchedChild is a command under Watch that sends itself the signals of plan, each
// "SIG@MS" at MS milliseconds after the first (the first waits until Watch saw it), and
// then finishes its work 200 ms after the last one, within Grace of the first, printing
// "stopped cleanly" and exiting 0 as a command that stops in time does.
//
// With keptEnv set to a folder, the command keeps runs there (Kept.Runs); a plan
// ending in "busy" never finishes, for Watch to stop it Grace after the first signal.
func watchedChild(plan string) {
	var kept Kept
	if dir := os.Getenv(keptEnv); dir != "" {
		kept.Runs(dir, "--resume", func(dir string) int {
			runs, _ := filepath.Glob(filepath.Join(dir, "*.gob")) // as a sweep counts them
			return len(runs)
		})
	}
	ctx, received, stop := Watch(os.Stderr, &kept)
	plan, busy := strings.CutSuffix(plan, " busy")
	start, last := time.Now(), time.Duration(0)
	for i, step := range strings.Fields(plan) {
		name, ms, _ := strings.Cut(step, "@")
		sig := map[string]syscall.Signal{"INT": syscall.SIGINT, "TERM": syscall.SIGTERM}[name]
		d, _ := time.ParseDuration(ms + "ms")
		time.Sleep(time.Until(start.Add(d)))
		last = d
		syscall.Kill(os.Getpid(), sig)
		if i == 0 {
			<-ctx.Done() // Watch has the first one
			start = time.Now()
		}
	}
	if busy {
		select {}
	}
	time.Sleep(time.Until(start.Add(last + 200*time.Millisecond)))
	stop()
	os.Stderr.WriteString("stopped cleanly after " + Name(received()) + "\n")
	os.Exit(0)
}

// TestRepeatedSignal: GNU timeout sends SIGTERM to the command and to its process
// group, and Kubernetes and Slurm signal the whole group: the same signal twice within
// milliseconds. Watch took the second for "press twice to force quit", and the process
// died of it at once, leaving its temporary files and lock. Now the same signal again
// within Repeat is the first one delivered twice; after Repeat, or another signal, it
// still stops the command at once (exit 128 + its number, saying so).
func TestRepeatedSignal(t *testing.T) {
	for _, tc := range []struct {
		plan     string
		wantCode int
		wantSays string
	}{
		{"TERM@0 TERM@0", 0, "stopped cleanly after SIGTERM"},
		{"TERM@0 TERM@10 TERM@20", 0, "stopped cleanly after SIGTERM"},
		{"INT@0 INT@5", 0, "stopped cleanly after SIGINT"},
		{"INT@0", 0, "stopped cleanly after SIGINT"},
		// Ctrl-C pressed again once the first seemed to do nothing: quit at once.
		{"INT@0 INT@" + ms(Repeat+50*time.Millisecond), 130, "spendsim: SIGINT again: stopped at once; nothing was written"},
		// Another signal is no repeat, however soon.
		{"TERM@0 INT@5", 130, "spendsim: SIGINT again: stopped at once"},
	} {
		t.Run(tc.plan, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), childEnv+"="+tc.plan)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode() // -1: killed by the signal
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.wantCode || !strings.Contains(stderr.String(), tc.wantSays) {
				t.Errorf("exit %d, %q; want %d and %q", code, stderr.String(), tc.wantCode, tc.wantSays)
			}
		})
	}
}

func ms(d time.Duration) string {
	return strings.TrimSuffix((d / time.Millisecond * time.Millisecond).String(), "ms")
}

// TestKeptSaysWhatIsThere: a run that did not stop within Grace said "the runs finished
// so far are kept: run again with --resume" whether or not any run had finished. Now it
// counts the runs in the folder that keeps them and names it, and says nothing is kept
// when none is there.
func TestKeptSaysWhatIsThere(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		files []string
		want  string
	}{
		{nil, "spendsim: SIGINT: interrupted; nothing was written\n"},
		{[]string{".a.gob.tmp-1"}, "spendsim: SIGINT: interrupted; nothing was written\n"},
		// A keeper's other files are no runs: the sweep's identity.json was counted as one.
		{[]string{"identity.json"}, "spendsim: SIGINT: interrupted; nothing was written\n"},
		{[]string{"a.gob", "b.gob", ".c.gob.tmp-2"}, "spendsim: SIGINT: interrupted; nothing was written (the 2 runs finished so far are kept in " + dir + ": run again with --resume to go on)\n"},
	} {
		for _, f := range tc.files {
			os.WriteFile(dir+"/"+f, nil, 0o644)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"=INT@0 busy", keptEnv+"="+dir)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 || stderr.String() != tc.want {
			t.Errorf("%v: %v, %q; want exit 130 and %q", tc.files, err, stderr.String(), tc.want)
		}
	}
}
