//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package safefile

import (
	"errors"
	"os"
	"syscall"
)

var (
	errBusy    = syscall.EWOULDBLOCK
	errNoLocks = errors.New("the file system cannot lock")
)

// openLockFile opens path for locking, creating it; a symbolic link there is refused
// rather than followed.
func openLockFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o644)
}

// flock takes an exclusive or shared lock on f without waiting.
func flock(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.ENOLCK || err == syscall.EOPNOTSUPP || err == syscall.ENOSYS:
			return errNoLocks
		}
		return err
	}
}
