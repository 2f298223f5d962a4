package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Inside is root joined with rel, after checking that rel stays inside root
// (filepath.IsLocal) and that no folder between them is a symbolic link: a link inside
// an output folder could lead a write or a removal anywhere on the machine. The last
// element is not checked: os.Remove and os.Rename act on a link there, never through
// it. root itself is the user's to choose and may be or pass through a link.
func Inside(root, rel string) (string, error) {
	if !filepath.IsLocal(rel) {
		return "", fmt.Errorf("%s: %q is not a path inside it", root, rel)
	}
	p := root
	parts := strings.Split(filepath.Clean(rel), string(filepath.Separator))
	for _, part := range parts[:len(parts)-1] {
		p = filepath.Join(p, part)
		if err := notLink(p); err != nil {
			return "", err
		}
	}
	return filepath.Join(root, rel), nil
}

// notLink fails if p is a symbolic link; a p that does not exist is fine.
func notLink(p string) error {
	fi, err := os.Lstat(p)
	if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("%s is a symbolic link: spendsim does not follow links inside an output folder; remove it or write somewhere else", p)
	}
	return nil
}

// MkdirInside creates the folder rel inside root, and the folders between, as
// os.MkdirAll would, refusing a symbolic link anywhere on the way (Inside), the last
// element included. root must exist.
func MkdirInside(root, rel string) (string, error) {
	p, err := Inside(root, rel)
	if err != nil {
		return "", err
	}
	q := root
	for _, part := range strings.Split(filepath.Clean(rel), string(filepath.Separator)) {
		q = filepath.Join(q, part)
		// Another process may remove an empty parent between two steps (shards share
		// .partial); trying again a few times settles it.
		for try := 0; ; try++ {
			err = os.Mkdir(q, 0o755)
			if err == nil || errors.Is(err, fs.ErrExist) || try == 3 {
				break
			}
		}
		if err != nil && !errors.Is(err, fs.ErrExist) {
			return "", err
		}
		if err := notLink(q); err != nil {
			return "", err
		}
		if fi, err := os.Stat(q); err != nil {
			return "", err
		} else if !fi.IsDir() {
			return "", fmt.Errorf("%s is a file where spendsim needs a folder; move it away", q)
		}
	}
	return p, nil
}

// ReadInside is the path of rel inside dir for reading a file a manifest names,
// refusing one that resolves, through a link anywhere on the way, the file itself
// included, to a place outside dir. A file that does not exist is not refused: opening
// it says so.
func ReadInside(dir, rel string) (string, error) {
	p := filepath.Join(dir, rel)
	realDir, err1 := filepath.EvalSymlinks(dir)
	real, err2 := filepath.EvalSymlinks(p)
	if err1 != nil || err2 != nil {
		return p, nil
	}
	if r, err := filepath.Rel(realDir, real); err != nil || !filepath.IsLocal(r) {
		return "", fmt.Errorf("%s: a link to %s, outside %s; merge reads only the parts inside the output folder", p, real, dir)
	}
	return p, nil
}

// isTemp says whether name is a temporary of this package: ".NAME.tmp-DIGITS".
func isTemp(name string) bool {
	i := strings.LastIndex(name, ".tmp-")
	if !strings.HasPrefix(name, ".") || i < 1 || i+5 == len(name) {
		return false
	}
	for _, c := range name[i+5:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// RemoveTemps removes the temporaries that writers of path left beside it when they
// were killed before they could clean up. Only a caller that holds path's lock may do
// so: another writer's temporary looks the same.
func RemoveTemps(path string) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	return removeTemps(dir, func(name string) bool { return strings.HasPrefix(name, "."+base+".tmp-") })
}

// RemoveTempsIn removes every temporary of this package in dir (not in its folders), as
// RemoveTemps does for one file.
func RemoveTempsIn(dir string) error {
	return removeTemps(dir, func(string) bool { return true })
}

func removeTemps(dir string, match func(name string) bool) error {
	es, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range es {
		if e.Type().IsRegular() && isTemp(e.Name()) && match(e.Name()) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}
