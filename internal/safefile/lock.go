package safefile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// BusyError says that another process holds the lock on an output: two commands writing
// one folder (or one file) at once would leave a mix of both.
type BusyError struct {
	What string // the output, as the user named it: "out/small", "out/small (shard 1 of 4)"
	PID  int    // the holder's process id when it wrote one, else 0
}

func (e *BusyError) Error() string {
	who := "another spendsim command"
	if e.PID > 0 {
		who += " (process " + strconv.Itoa(e.PID) + ")"
	}
	return fmt.Sprintf("%s is being written by %s; wait for it to finish, or write somewhere else", e.What, who)
}

// Lock is an advisory lock (flock) held on a lock file that exists only while someone
// holds it: Release removes it, still locked, and acquire checks after locking that the
// file it locked is still the one under that name (else the holder before it removed it
// in between, and it locks the new one). So a finished command leaves no lock file, and
// a killed one leaves a file nobody holds, which the next command simply locks.
//
// Locks are advisory: only spendsim takes them. A lock is not taken, and the command
// goes on, where the file system cannot lock at all (flock fails with ENOLCK or
// EOPNOTSUPP, as some network file systems do).
type Lock struct {
	f         *os.File
	path      string
	exclusive bool
	once      sync.Once // Release may come from Abandon's goroutine too
}

// acquire locks path, exclusively or shared, without waiting: a lock another process
// holds is a *BusyError naming what.
func acquire(path, what string, exclusive bool) (*Lock, error) {
	for range 100 {
		f, err := openLockFile(path)
		if err != nil {
			return nil, fmt.Errorf("%s: cannot create its lock file: %w", what, err)
		}
		switch err := flock(f, exclusive); {
		case errors.Is(err, errBusy):
			pid := readPID(f)
			f.Close()
			return nil, &BusyError{What: what, PID: pid}
		case errors.Is(err, errNoLocks):
			f.Close()
			os.Remove(path)
			return &Lock{}, nil
		case err != nil:
			f.Close()
			return nil, fmt.Errorf("%s: lock %s: %w", what, path, err)
		}
		fi, err1 := f.Stat()
		li, err2 := os.Lstat(path)
		if err1 == nil && err2 == nil && os.SameFile(fi, li) {
			if exclusive {
				// Who holds it, for the message a second writer gets.
				f.Truncate(0)
				f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
			}
			l := &Lock{f: f, path: path, exclusive: exclusive}
			track(l, l.Release)
			return l, nil
		}
		f.Close() // removed by its holder between our open and flock: lock the new one
	}
	return nil, fmt.Errorf("%s: lock %s: the lock file kept being replaced", what, path)
}

// Release removes the lock file, if no one else holds it, and unlocks. It does nothing
// on a nil or released Lock.
func (l *Lock) Release() {
	if l == nil || l.f == nil {
		return
	}
	l.once.Do(func() {
		untrack(l)
		// A shared holder removes the file only if it is the last one; the conversion
		// to exclusive may drop its shared lock when it fails, which no longer matters.
		if l.exclusive || flock(l.f, true) == nil {
			os.Remove(l.path)
		}
		l.f.Close()
	})
}

func readPID(f *os.File) int {
	b, _ := io.ReadAll(io.NewSectionReader(f, 0, 32))
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

// PartLock is a writer's hold on its own part of a folder that several writers fill at
// once: the shards of a sweep, each writing its parts into one shared folder. It holds
// the folder's lock shared, so that no one replaces the folder's set meanwhile (OpenSet
// waits for no one: it fails), and the part's own lock exclusively, so that the same
// part is not written twice at once (a shard retried while its first try still runs).
type PartLock struct {
	folder, part *Lock
}

// LockPart locks part (a name: "shard-1-of-4") of dir for writing; dir must exist.
func LockPart(dir, part string) (*PartLock, error) {
	folder, err := acquire(filepath.Join(dir, lockName), dir, false)
	if err != nil {
		return nil, err
	}
	own, err := acquire(filepath.Join(dir, ".spendsim-"+part+".lock"), dir+" ("+part+")", true)
	if err != nil {
		folder.Release()
		return nil, err
	}
	return &PartLock{folder: folder, part: own}, nil
}

// Release unlocks the part and the folder; it does nothing the second time.
func (p *PartLock) Release() {
	if p == nil {
		return
	}
	p.part.Release()
	p.folder.Release()
}

// LockFile locks path, a command's one output file (a generated trace, a fitted
// scenario), against a second writer, and removes the temporaries that writers of it
// killed before they could clean up left beside it. Its lock file is .NAME.lock beside
// path, there only while held.
func LockFile(path string) (*Lock, error) {
	dir, base := filepath.Split(path)
	l, err := acquire(filepath.Join(dir, "."+base+".lock"), path, true)
	if err != nil {
		return nil, err
	}
	if err := RemoveTemps(path); err != nil {
		l.Release()
		return nil, err
	}
	return l, nil
}
