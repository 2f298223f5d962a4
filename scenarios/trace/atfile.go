package trace

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// AtFile makes the "line N: ..." errors of reading or replaying a trace read
// "FILE:N: ..." with the trace's base name; other errors are returned as they are.
func AtFile(path string, err error) error {
	return AtFiles([]string{filepath.Base(path)}, err)
}

// AtFiles is AtFile for a trace of several files, named by Record.Source (a Reader's
// Names): an error that says its file (sim/replay's LineError) gets that file's name,
// any other the first's.
func AtFiles(names []string, err error) error {
	if len(names) == 0 {
		return err
	}
	name := names[0]
	var l interface{ SourceLine() (uint16, int64) }
	if errors.As(err, &l) {
		if src, _ := l.SourceLine(); int(src) < len(names) {
			name = names[src]
		}
	}
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, tail, ok := strings.Cut(rest, ": "); ok {
			return fmt.Errorf("%s:%s: %s", name, n, tail)
		}
	}
	return err
}
