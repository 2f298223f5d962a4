package sweep

import (
	"errors"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/stats/statstest"
)

// TestCheckpoint: a saved run loads back exactly; a run of another sweep under the
// same id is refused; opening without keep starts afresh; Remove leaves nothing.
func TestCheckpoint(t *testing.T) {
	runs := statstest.SynthRuns(1, 2)
	runs[1].FirstResponseP90S = math.NaN()
	days := statstest.SynthDays(runs, 3)
	root := t.TempDir()
	cp, err := OpenCheckpoint(root, "all", "key1", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := cp.Save(runs[1], days[3:]); err != nil {
		t.Fatal(err)
	}
	r, d, ok, err := cp.Load(runs[1].RunID, runs[1].Seed)
	if err != nil || !ok || !statstest.SameRun(r, runs[1]) || len(d) != 3 || !d[2].Day.Equal(days[5].Day) || d[2].MessagingMicros != days[5].MessagingMicros {
		t.Fatalf("load: ok %v, err %v, run %+v", ok, err, r)
	}
	if _, _, ok, err := cp.Load(runs[0].RunID, runs[0].Seed); ok || err != nil {
		t.Errorf("a run never saved: ok %v, err %v", ok, err)
	}
	other, _ := OpenCheckpoint(root, "all", "key2", true, nil)
	if _, _, _, err := other.Load(runs[1].RunID, runs[1].Seed); err == nil {
		t.Error("a checkpoint of another scenario was accepted")
	}
	fresh, _ := OpenCheckpoint(root, "all", "key1", false, nil)
	if _, _, ok, _ := fresh.Load(runs[1].RunID, runs[1].Seed); ok {
		t.Error("opening without keep kept an earlier sweep's runs")
	}
	if err := fresh.Remove(); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadDir(root); err != nil || len(got) != 0 {
		t.Errorf("after Remove the output dir holds %v (%v)", got, err)
	}
}

// TestCheckpointLeave: a sweep that failed before finishing a run leaves no .partial
// (an empty .partial/all stayed before); one that finished runs keeps them and says
// where, and how to go on.
func TestCheckpointLeave(t *testing.T) {
	root := t.TempDir()
	cp, err := OpenCheckpoint(root, "all", "key1", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	failed := errors.New("disk full")
	if err := cp.Leave(failed, 0, "--resume"); err != failed {
		t.Errorf("nothing kept: %v", err)
	}
	if got, err := os.ReadDir(root); err != nil || len(got) != 0 {
		t.Errorf("after a failure with no run: %v (%v)", got, err)
	}
	cp, _ = OpenCheckpoint(root, "all", "key1", false, nil)
	runs := statstest.SynthRuns(1, 1)
	if err := cp.Save(runs[0], nil); err != nil {
		t.Fatal(err)
	}
	err = cp.Leave(failed, 1, "--resume")
	if !errors.Is(err, failed) || !strings.Contains(err.Error(), "the 1 run finished is kept in "+cp.Dir+": once that is fixed, run again with --resume") {
		t.Errorf("a run kept: %v", err)
	}
	if _, _, ok, _ := cp.Load(runs[0].RunID, runs[0].Seed); !ok {
		t.Error("the run was not kept")
	}
}

// TestCheckpointKeyHoldsResultShape: a checkpoint's key changes with the fields of what
// it holds, so runs saved by a spendsim whose results lacked a field (read back as
// zero by gob) are refused on --resume rather than resumed with zeros.
func TestCheckpointKeyHoldsResultShape(t *testing.T) {
	type before struct{ Messaging int64 }
	type after struct {
		Messaging int64
		DrainDays int64
	}
	if shapeOf(reflect.TypeFor[before]()) == shapeOf(reflect.TypeFor[after]()) {
		t.Error("shapeOf does not tell a result with one more field from one without")
	}
	if !strings.Contains(resultShape, " DrainDays:int64") || !strings.Contains(resultShape, "sim.DayRow") {
		t.Errorf("resultShape = %q; want the fields of sim.RunResult and sim.DayRow", resultShape)
	}
}
