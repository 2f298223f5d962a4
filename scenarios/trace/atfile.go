package trace

import (
	"fmt"
	"path/filepath"
	"strings"
)

// AtFile makes the "line N: ..." errors of reading or replaying a trace read
// "FILE:N: ..." with the trace's base name; other errors are returned as they are.
func AtFile(path string, err error) error {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, tail, ok := strings.Cut(rest, ": "); ok {
			return fmt.Errorf("%s:%s: %s", filepath.Base(path), n, tail)
		}
	}
	return err
}
