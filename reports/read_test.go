package reports

import (
	"math"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/spendsim/spendsim/internal/stats/statstest"
	"github.com/spendsim/spendsim/sim"
)

// TestReadBackRoundTrip: what WriteRuns and WriteDaily write, ReadRuns and ReadDaily
// give back field for field (NaN percentiles of a run nobody answered included), and
// rewriting what was read gives the same bytes. That is what lets merge reproduce an
// unsharded run exactly.
func TestReadBackRoundTrip(t *testing.T) {
	runs := statstest.SynthRuns(3, 4)
	runs[5].FirstResponseP50S, runs[5].FirstResponseP99S = math.NaN(), math.Inf(1)
	runs[4].FirstResponseQuantilesS = nil // nobody answered: an empty list, read back as nil
	days := synthDays(runs, 5)
	dir := t.TempDir()
	rp, dp := filepath.Join(dir, "runs.parquet"), filepath.Join(dir, "daily.parquet")
	if err := WriteRuns(rp, runs, testVersion); err != nil {
		t.Fatal(err)
	}
	if err := WriteDaily(dp, days, testVersion); err != nil {
		t.Fatal(err)
	}
	paths := []string{runs[0].Params[0].Path, runs[0].Params[1].Path}
	back, err := ReadRuns(rp, paths)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(runs) {
		t.Fatalf("%d runs back, wrote %d", len(back), len(runs))
	}
	for i := range runs {
		want := runs[i]
		want.MessagesByType[0] = 0 // TypeNone has no column
		if !sameRun(back[i], want) {
			t.Errorf("run %d:\n got %+v\nwant %+v", i, back[i], want)
		}
	}
	daysBack, err := ReadDaily(dp)
	if err != nil {
		t.Fatal(err)
	}
	if len(daysBack) != len(days) {
		t.Fatalf("%d days back, wrote %d", len(daysBack), len(days))
	}
	for i := range days {
		got, want := daysBack[i], days[i]
		if y, m, d := want.Day.Date(); got.Day != got.Day.UTC() || got.Day.Year() != y || got.Day.Month() != m || got.Day.Day() != d {
			t.Errorf("day %d: %v, want the calendar day of %v", i, got.Day, want.Day)
		}
		got.Day = want.Day
		if !reflect.DeepEqual(got, want) {
			t.Errorf("day %d:\n got %+v\nwant %+v", i, got, want)
		}
	}
	rp2, dp2 := filepath.Join(dir, "runs2.parquet"), filepath.Join(dir, "daily2.parquet")
	if err := WriteRuns(rp2, back, testVersion); err != nil {
		t.Fatal(err)
	}
	if err := WriteDaily(dp2, daysBack, testVersion); err != nil {
		t.Fatal(err)
	}
	if string(readFile(t, rp)) != string(readFile(t, rp2)) || string(readFile(t, dp)) != string(readFile(t, dp2)) {
		t.Error("rewriting what was read back changed the bytes")
	}
	if _, err := ReadRuns(rp, []string{"agents.no_such_field"}); err == nil {
		t.Error("reading a param column that is not there succeeded")
	}
}

// sameRun compares runs with NaN equal to NaN, as the files store it.
func sameRun(a, b sim.RunResult) bool {
	fa, fb := reflect.ValueOf(&a).Elem(), reflect.ValueOf(&b).Elem()
	for i := 0; i < fa.NumField(); i++ {
		x, y := fa.Field(i), fb.Field(i)
		if x.Kind() == reflect.Float64 {
			if !(x.Float() == y.Float() || math.IsNaN(x.Float()) && math.IsNaN(y.Float())) {
				return false
			}
			continue
		}
		if !reflect.DeepEqual(x.Interface(), y.Interface()) {
			return false
		}
	}
	return true
}

// TestCheckpoint: a saved run loads back exactly; a run of another sweep under the
// same id is refused; opening without keep starts afresh; Remove leaves nothing.
func TestCheckpoint(t *testing.T) {
	runs := statstest.SynthRuns(1, 2)
	runs[1].FirstResponseP90S = math.NaN()
	days := synthDays(runs, 3)
	root := t.TempDir()
	dir := filepath.Join(root, PartialDir, "all")
	cp, err := OpenCheckpoint(dir, "key1", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := cp.Save(runs[1], days[3:]); err != nil {
		t.Fatal(err)
	}
	r, d, ok, err := cp.Load(runs[1].RunID, runs[1].Seed)
	if err != nil || !ok || !sameRun(r, runs[1]) || len(d) != 3 || !d[2].Day.Equal(days[5].Day) || d[2].MessagingMicros != days[5].MessagingMicros {
		t.Fatalf("load: ok %v, err %v, run %+v", ok, err, r)
	}
	if _, _, ok, err := cp.Load(runs[0].RunID, runs[0].Seed); ok || err != nil {
		t.Errorf("a run never saved: ok %v, err %v", ok, err)
	}
	other, _ := OpenCheckpoint(dir, "key2", true)
	if _, _, _, err := other.Load(runs[1].RunID, runs[1].Seed); err == nil {
		t.Error("a checkpoint of another scenario was accepted")
	}
	fresh, _ := OpenCheckpoint(dir, "key1", false)
	if _, _, ok, _ := fresh.Load(runs[1].RunID, runs[1].Seed); ok {
		t.Error("opening without keep kept an earlier sweep's runs")
	}
	if err := fresh.Remove(); err != nil {
		t.Fatal(err)
	}
	if got := dirEntries(t, root); len(got) != 0 {
		t.Errorf("after Remove the output dir holds %v", got)
	}
}
