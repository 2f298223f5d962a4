package reports

import (
	"math"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/spendsim/spendsim/internal/stats/statstest"
)

// TestReadBackRoundTrip: what WriteRuns and WriteDaily write, ReadRuns and ReadDaily
// give back field for field (NaN percentiles of a run nobody answered included), and
// rewriting what was read gives the same bytes. That is what lets merge reproduce an
// unsharded run exactly.
func TestReadBackRoundTrip(t *testing.T) {
	runs := statstest.SynthRuns(3, 4)
	runs[5].FirstResponseP50S, runs[5].FirstResponseP99S = math.NaN(), math.Inf(1)
	runs[4].FirstResponseQuantilesS = nil // nobody answered: an empty list, read back as nil
	days := statstest.SynthDays(runs, 5)
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
		if !statstest.SameRun(back[i], want) {
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
