// Package interrupt turns SIGINT (Ctrl-C) and SIGTERM into a cancelled context, for a
// command that must stop within a second and leave no partial file behind: every
// long-running part of spendsim watches the context and drops what it was writing. A
// command still busy a grace period after the signal (work that does not look at the
// context: a trace being sorted, plots being drawn) is not waited for: its unfinished
// files are removed (safefile.Abandon) and the process exits with 128 + the signal's
// number, as a shell reports a process the signal killed (130, 143). A second signal
// kills at once.
package interrupt

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spendsim/spendsim/internal/safefile"
)

// Kept is what a command keeps all the same when it does not stop in time, for Watch
// to say: nothing, unless Runs says so. Safe to set while Watch runs.
type Kept struct{ note atomic.Pointer[string] }

// Runs says the command keeps its finished runs, and resume is the flags that go on
// from them ("--resume", "--resume --seed S" once a fresh seed is picked).
func (k *Kept) Runs(resume string) {
	s := "the runs finished so far are kept: run again with " + resume + " to go on"
	k.note.Store(&s)
}

func (k *Kept) String() string {
	if s := k.note.Load(); s != nil {
		return *s
	}
	return ""
}

// Grace is how long a command has to stop cleanly after a signal.
const Grace = time.Second

// Watch returns a context that SIGINT or SIGTERM cancels; received says which signal
// did (0 if none), and stop ends the watch. If the command has not returned Grace
// after the signal, Watch abandons its unfinished files, says so on stderr (with what
// kept says the command keeps all the same, if anything: "the runs finished so far are
// kept: run again with --resume to go on") and exits the process.
func Watch(stderr io.Writer, kept *Kept) (ctx context.Context, received func() syscall.Signal, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	var got atomic.Int32
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			sig := s.(syscall.Signal)
			got.Store(int32(sig))
			signal.Stop(ch) // the next one kills
			cancel()
			select {
			case <-time.After(Grace):
				safefile.Abandon()
				note := ""
				if k := kept.String(); k != "" {
					note = " (" + k + ")"
				}
				fmt.Fprintf(stderr, "spendsim: %s: interrupted; nothing was written%s\n", Name(sig), note)
				os.Exit(ExitCode(sig))
			case <-done:
			}
		case <-done:
		}
	}()
	var once sync.Once
	return ctx, func() syscall.Signal { return syscall.Signal(got.Load()) }, func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			cancel()
		})
	}
}

// ExitCode is the exit status of a command stopped by sig: 128 + its number.
func ExitCode(sig syscall.Signal) int { return 128 + int(sig) }

// Name is the signal's name as people write it: SIGINT, SIGTERM.
func Name(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}
