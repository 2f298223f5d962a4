package rebill

import (
	"context"
	"path/filepath"
	"testing"
)

// TestReplayProgress: Options.Progress hears the records read every progressEvery
// records, in a replay and in one under several eras.
func TestReplayProgress(t *testing.T) {
	o := options(t, traceCSV(genRecords(3, traceStarts[0], progressEvery+500)))
	o.Pricing = "pmp-2025"
	o.Billing = eraOptions(t, "pmp-2025", 3)
	for _, pricing := range []string{"pmp-2025", "cbp-2023,pmp-2025"} {
		var heard []int64
		o.Progress = func(n int64) { heard = append(heard, n) }
		o.Pricing, o.Out = pricing, filepath.Join(t.TempDir(), "out")
		if _, _, err := ReplayPricing(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		if len(heard) == 0 || heard[0] != progressEvery {
			t.Errorf("%s: heard %v, want %d first", pricing, heard, progressEvery)
		}
	}
}
