//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package safefile

import (
	"errors"
	"os"
)

// Where flock is not available, outputs are not locked (Lock says so).
var (
	errBusy    = errors.New("busy")
	errNoLocks = errors.New("no flock on this platform")
)

func openLockFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
}

func flock(*os.File, bool) error { return errNoLocks }
