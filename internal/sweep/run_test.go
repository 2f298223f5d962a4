package sweep

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/spendsim/spendsim/scenarios"
)

// sweepScenario has 2 sweep points × 3 replications = 6 runs, and is busy enough that
// late replies cost something, so the spend varies between replications.
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
  - {path: "agents.shifts[0].headcount", name: agents, values: [1, 2]}
`

var outputFiles = []string{"runs.parquet", "daily.parquet", "summary.json", "manifest.json", "spend_vs_sla.png", "spend_vs_sla.svg",
	"first_response_cdf.png", "first_response_cdf.svg", "spend_by_category.png", "spend_by_category.svg", "report.html"}

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

// hook is a Progress that calls finished after each run, as a test's Ctrl-C.
type hook struct{ finished func(done int) }

func (h hook) Planned(int) {}
func (h hook) Finished(done int) {
	if h.finished != nil {
		h.finished(done)
	}
}
func (h hook) Note(string) {}

// run is Run on a fresh copy of the scenario (Run raises its replications with
// Precision), as `spendsim run` gives it.
func run(ctx context.Context, t *testing.T, yaml string, o Options) error {
	t.Helper()
	sc, err := scenarios.Parse([]byte(yaml), "sweep.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if o.Version == "" {
		o.Version, o.Workers, o.MaxReplications, o.Args = "v0.0.0-test", 2, 200, []string{"sweep.yaml"}
	}
	_, err = Run(ctx, sc, o)
	return err
}

// TestResumeAfterInterrupt stops a sweep after two finished runs (the progress hook
// cancels the context, as Ctrl-C does), resumes it, and gets the bytes of an
// uninterrupted run, having run only the runs the first attempt did not save.
func TestResumeAfterInterrupt(t *testing.T) {
	dir := t.TempDir()
	whole, resumed := filepath.Join(dir, "whole"), filepath.Join(dir, "resumed")
	if err := run(context.Background(), t, sweepScenario, Options{Out: whole}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := Options{Out: resumed, Progress: hook{func(done int) {
		if done == 2 {
			cancel()
		}
	}}}
	if err := run(ctx, t, sweepScenario, o); err == nil {
		t.Fatal("the interrupted run reported success")
	}
	saved, _ := filepath.Glob(filepath.Join(resumed, PartialDir, "all", "*.gob"))
	if len(saved) < 2 || len(saved) >= 6 {
		t.Fatalf("%d runs saved after the interrupt, want from 2 to 5", len(saved))
	}
	if _, err := os.Stat(filepath.Join(resumed, "summary.json")); err == nil {
		t.Fatal("the interrupted run wrote summary.json")
	}
	var ran atomic.Int64
	o.Resume = true
	o.Progress = hook{func(int) { ran.Add(1) }}
	if err := run(context.Background(), t, sweepScenario, o); err != nil {
		t.Fatal(err)
	}
	if got, want := ran.Load(), int64(6-len(saved)); got != want {
		t.Errorf("resume ran %d runs, want the %d not saved", got, want)
	}
	sameFiles(t, whole, resumed, outputFiles...)
	if _, err := os.Stat(filepath.Join(resumed, PartialDir)); err == nil {
		t.Errorf("%s is still there after a complete run", PartialDir)
	}

	// A checkpoint of another seed is refused rather than mixed in.
	ctx, cancel = context.WithCancel(context.Background())
	o.Resume, o.Progress = false, hook{func(done int) { cancel() }}
	if err := run(ctx, t, sweepScenario, o); err == nil {
		t.Fatal("interrupted run reported success")
	}
	o.Resume, o.Progress = true, nil
	if err := run(context.Background(), t, strings.Replace(sweepScenario, "seed: 11", "seed: 12", 1), o); err == nil || !strings.Contains(err.Error(), "of another sweep: seed: 11 in the kept runs, 12 in this run; run with what they ran") {
		t.Errorf("resume with another seed: %v", err)
	}
}

// TestPrecisionResume: a Precision run interrupted in its second batch resumes to the
// same replication count and the same bytes, since the stopping rule looks only at
// results, which the checkpoint keeps exactly.
func TestPrecisionResume(t *testing.T) {
	dir := t.TempDir()
	yaml := strings.Replace(sweepScenario, "replications: 3\n", "", 1)
	whole, resumed := filepath.Join(dir, "whole"), filepath.Join(dir, "resumed")
	if err := run(context.Background(), t, yaml, Options{Out: whole, Precision: 0.03}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := Options{Out: resumed, Precision: 0.03, Progress: hook{func(done int) {
		if done == 6 { // the first batch is 2 points × 2 replications
			cancel()
		}
	}}}
	if err := run(ctx, t, yaml, o); err == nil {
		t.Fatal("the interrupted run reported success")
	}
	o.Resume, o.Progress = true, nil
	if err := run(context.Background(), t, yaml, o); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, whole, resumed, outputFiles...)
}

// TestInterruptedSaysWhatIsKept: a run stopped before any run finished said "the 0 runs
// finished so far are kept in hg/.partial/all: run again with --resume", though the
// empty checkpoint, and the output folder the run had made, were removed. Now it says
// nothing was kept; stopped later, the folder it names is there, holding the runs.
func TestInterruptedSaysWhatIsKept(t *testing.T) {
	for _, shards := range []int{0, 2} {
		out := filepath.Join(t.TempDir(), "hg")
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // Ctrl-C before the first run finished
		err := run(ctx, t, sweepScenario, Options{Out: out, Shards: shards})
		var in *Interrupted
		if !errors.As(err, &in) {
			t.Fatalf("shards %d: %v, want an interruption", shards, err)
		}
		if msg := err.Error(); strings.Contains(msg, "kept in") || !strings.Contains(msg, "nothing was kept") || strings.Contains(msg, "with --resume") {
			t.Errorf("shards %d: %q, want it to say nothing was kept", shards, msg)
		}
		if _, serr := os.Stat(out); serr == nil {
			t.Errorf("shards %d: %s is left behind", shards, out)
		}

		ctx, cancel = context.WithCancel(context.Background())
		err = run(ctx, t, sweepScenario, Options{Out: out, Shards: shards, Progress: hook{func(done int) {
			if done == 1 {
				cancel()
			}
		}}})
		cancel()
		if !errors.As(err, &in) || in.Kept == 0 {
			t.Fatalf("shards %d, stopped after a run: %v", shards, err)
		}
		if in.Checkpoint != CheckpointDir(out, 0, shards) {
			t.Errorf("shards %d: kept in %s, CheckpointDir says %s", shards, in.Checkpoint, CheckpointDir(out, 0, shards))
		}
		saved, _ := filepath.Glob(filepath.Join(in.Checkpoint, "*.gob"))
		if !strings.Contains(err.Error(), "kept in "+in.Checkpoint+": run again with --resume") || len(saved) != in.Kept {
			t.Errorf("shards %d: %q, and %s holds %d runs", shards, err, in.Checkpoint, len(saved))
		}
	}
}
