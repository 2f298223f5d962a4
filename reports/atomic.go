package reports

import (
	"fmt"

	"github.com/spendsim/spendsim/internal/safefile"
)

// WriteFileAtomic writes data to path whole or not at all (safefile.WriteFile). It
// stays for the callers that have not moved to safefile yet (summary.json,
// checkpoints, the forecast and restaff reports); new code calls safefile directly.
func WriteFileAtomic(path string, data []byte) error {
	if err := safefile.WriteFile(path, data); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	return nil
}
