package reports

import (
	"path/filepath"
	"testing"

	"github.com/spendsim/spendsim/internal/stats/statstest"
)

// TestOutboundRoundTrip: runs.parquet keeps every outbound count and the final rating
// and limit, so a merged sweep summarises the same.
func TestOutboundRoundTrip(t *testing.T) {
	runs := statstest.OutboundRuns()
	p := filepath.Join(t.TempDir(), "runs.parquet")
	if err := WriteRuns(p, runs, testVersion); err != nil {
		t.Fatal(err)
	}
	back, err := ReadRuns(p, []string{runs[0].Params[0].Path, runs[0].Params[1].Path})
	if err != nil {
		t.Fatal(err)
	}
	for i := range runs {
		if back[i].Outbound != runs[i].Outbound {
			t.Errorf("run %d: %+v back, wrote %+v", i, back[i].Outbound, runs[i].Outbound)
		}
	}
}
