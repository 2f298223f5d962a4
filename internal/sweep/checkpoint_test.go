package sweep

import (
	"math"
	"os"
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
	cp, err := OpenCheckpoint(root, "all", "key1", false)
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
	other, _ := OpenCheckpoint(root, "all", "key2", true)
	if _, _, _, err := other.Load(runs[1].RunID, runs[1].Seed); err == nil {
		t.Error("a checkpoint of another scenario was accepted")
	}
	fresh, _ := OpenCheckpoint(root, "all", "key1", false)
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
