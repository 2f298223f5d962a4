// Package safefile writes outputs that appear whole or not at all. It is the one place
// spendsim does this, for every output it writes (tables, traces, summaries, plots,
// scenarios, checkpoints, manifests):
//
//   - A file (Create, WriteFile) is written under a hidden temporary name in its
//     destination directory (".NAME.tmp-DIGITS"), flushed, made readable (0644, as
//     os.Create would), synced, and renamed into place; a failed or abandoned write
//     removes the temporary file.
//   - A set of files, a command's output folder (Set), is written into a staging folder
//     inside it and moved in with its manifest last, the previous set's files removed
//     first, so the folder holds one complete set (its manifest.json, listing every file
//     with its SHA-256) or no manifest, never files of two runs; a kill at any moment is
//     finished or undone by the next writer of the folder. A set may nest the sets of
//     folders inside it (Nest: a replay's era folders), listing their manifests; the
//     set that replaces it removes the nested sets it does not nest again.
//   - Writers lock what they write (Lock: flock on a lock file that exists only while
//     held): a set's folder (OpenSet), a part of a folder that several writers fill
//     (LockPart: the shards of a sweep), a single output file (LockFile). A second
//     writer fails at once with a *BusyError. The lock holder removes the temporaries
//     and staging folders killed writers left (RemoveTemps, RemoveTempsIn).
//   - Nothing is followed through a symbolic link inside an output folder (Inside,
//     MkdirInside, RemoveInside): a link there could send a write or a removal anywhere.
//     The folder itself is the user's to choose and may be a link.
package safefile

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// File is a file being written under a temporary name; Commit puts it in place, Abort
// drops it. Writes go through a buffer; the temporary file is removed on any error of
// Commit, and Abort may be called after Commit (it then does nothing), so
// `defer f.Abort()` is always safe.
type File struct {
	f    *os.File
	buf  *bufio.Writer
	path string
	done bool
}

// tempPattern is the name a file has while it is written: hidden, and recognisable as
// spendsim's by its ".tmp-" part.
func tempPattern(path string) (dir, pattern string) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	return dir, "." + base + ".tmp-*"
}

// Create starts writing path. bufSize is the write buffer (0: 64 KiB).
func Create(path string, bufSize int) (*File, error) {
	if bufSize <= 0 {
		bufSize = 64 << 10
	}
	dir, pattern := tempPattern(path)
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	w := &File{f: f, buf: bufio.NewWriterSize(f, bufSize), path: path}
	name := f.Name()
	track(w, func() { os.Remove(name) })
	return w, nil
}

// Write implements io.Writer.
func (w *File) Write(p []byte) (int, error) { return w.buf.Write(p) }

// WriteString implements io.StringWriter.
func (w *File) WriteString(s string) (int, error) { return w.buf.WriteString(s) }

// Path is where the file will be once committed.
func (w *File) Path() string { return w.path }

// Commit flushes, syncs and renames the file into place, then syncs its directory so the
// rename is durable.
func (w *File) Commit() error {
	if w.done {
		return errors.New("safefile: " + w.path + ": committed or aborted already")
	}
	w.done = true
	err := w.buf.Flush()
	if err == nil {
		err = w.f.Chmod(0o644) // CreateTemp makes files 0600; outputs are meant to be shared
	}
	if err == nil {
		err = w.f.Sync()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = rename(w.f.Name(), w.path)
	}
	untrack(w)
	if err != nil {
		os.Remove(w.f.Name())
		return fmt.Errorf("%s: %w", w.path, err)
	}
	SyncDir(filepath.Dir(w.path))
	return nil
}

// unfinished is what this process is writing and has not committed, closed or
// released (a File, a Set, a Lock), with what Abandon does with it. A process-wide
// registry, because what it answers is process-wide: what a process that exits now
// leaves behind.
var unfinished sync.Map

func track(key any, cleanup func()) { unfinished.Store(key, cleanup) }
func untrack(key any)               { unfinished.Delete(key) }

// Abandon removes what this process is writing and has not finished (temporary files,
// staging folders) and releases its locks, as Abort, Close and Release would. It is for
// a process about to exit without its commands finishing (one that did not stop soon
// enough after a signal); it may be called from any goroutine, and the process should
// exit right after. A set already being moved in is left to the next writer, which
// finishes it.
func Abandon() {
	unfinished.Range(func(k, v any) bool {
		v.(func())()
		unfinished.Delete(k)
		return true
	})
}

// AfterStep, when set, is called after every step of this package that changes what a
// reader sees, with the path changed: a rename into place (a file, a set into its
// folder, each file of a set), the removal of a previous set's file. It is for crash
// tests, which kill the process there to see what a kill at that moment leaves; nil
// otherwise.
var AfterStep func(path string)

func rename(from, to string) error {
	if err := os.Rename(from, to); err != nil {
		return err
	}
	if AfterStep != nil {
		AfterStep(to)
	}
	return nil
}

// Abort drops the file: the destination keeps whatever it held before. It does nothing
// after Commit or a previous Abort.
func (w *File) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.f.Close()
	os.Remove(w.f.Name())
	untrack(w)
}

// WriteFile writes data to path whole or not at all: path holds either its old content
// or all of data, never a part.
func WriteFile(path string, data []byte) error {
	f, err := Create(path, len(data))
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Commit()
}

// SyncDir makes a rename in dir durable. It is best effort: some platforms and file
// systems cannot sync a directory, and the files in it are already complete.
func SyncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}

// TempDir makes a new folder in dir (the system's temporary folder when "") named
// after pattern, as os.MkdirTemp does, for files a command needs only while it runs.
// remove removes it; until then Abandon removes it too, so that a command stopped by a
// signal leaves nothing there.
func TempDir(dir, pattern string) (path string, remove func(), err error) {
	path, err = os.MkdirTemp(dir, pattern)
	if err != nil {
		return "", nil, err
	}
	key := new(byte)
	track(key, func() { os.RemoveAll(path) })
	return path, func() {
		untrack(key)
		os.RemoveAll(path)
	}, nil
}
