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

// WriteFileAtomic writes data to path through a temporary file in the same directory and
// a rename, so path holds either its old content or all of data, never a part.
func WriteFileAtomic(path string, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("reports: %s: %w", path, err)
	}
	if _, err = f.Write(data); err == nil {
		err = commitTemp(f, nil, path)
	} else {
		err = fmt.Errorf("reports: %s: %w", path, err)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	return nil
}
