package rebill

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spendsim/spendsim/reports"
)

// Replayed is what a replay's folder says of how it was made, that reconciling it
// must take as it is: reconcile --replay DIR reads it.
type Replayed struct {
	Dir string
	// Skipped counts the trace's rows the replay skipped as invalid (summary.json's
	// skipped_invalid_rows; 0 where it wrote no summary.json).
	Skipped int64
}

// ReadReplayed reads what dir, a replay's output folder, says of how it was made.
func ReadReplayed(dir string) (*Replayed, error) {
	r := &Replayed{Dir: dir}
	b, err := os.ReadFile(filepath.Join(dir, reports.SummaryFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return r, nil // --outputs without summary
	case err != nil:
		return nil, err
	}
	var s reports.ReplaySummary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w (reconcile reads a replay's summary.json: replay the trace again)", filepath.Join(dir, reports.SummaryFile), err)
	}
	r.Skipped = s.Skipped
	return r, nil
}
