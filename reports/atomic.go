package reports

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
)

// commitTemp finishes a file written under a temporary name: flush, make it readable
// like a file os.Create would make, sync so the rename cannot land before the data, close
// and rename onto path. The caller removes the temporary file if this fails.
func commitTemp(f *os.File, buf *bufio.Writer, path string) error {
	if buf != nil {
		if err := buf.Flush(); err != nil {
			return fmt.Errorf("reports: %s: %w", path, err)
		}
	}
	// CreateTemp makes files 0600; results are meant to be shared.
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("reports: %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("reports: %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("reports: %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("reports: %s: %w", path, err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// syncDir makes a rename durable. It is best effort: some platforms and file systems
// cannot sync a directory, and the file itself is already complete.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}
