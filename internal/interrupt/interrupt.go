// Package interrupt turns SIGINT (Ctrl-C) and SIGTERM into a cancelled context, for a
// command that must stop within a second and leave no partial file behind: every
// long-running part of spendsim watches the context and drops what it was writing. A
// command still busy a grace period after the signal (work that does not look at the
// context: a trace being sorted, plots being drawn) is not waited for: its unfinished
// files are removed (safefile.Abandon) and the process exits with 128 + the signal's
// number, as a shell reports a process the signal killed (130, 143). A second signal
// stops it at once (Ctrl-C twice), removing its unfinished files all the same, unless
// it is the first one again within Repeat: the same signal delivered twice.
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
	"github.com/spendsim/spendsim/internal/words"
)

// Kept is what a command keeps all the same when it does not stop in time, for Watch
// to say: nothing, unless Runs says so. Safe to set while Watch runs.
type Kept struct{ runs atomic.Pointer[keptRuns] }

type keptRuns struct {
	dir, resume string
	count       func(dir string) int
}

// Runs says the command keeps the runs it finishes in dir, as many as count(dir) says
// (the keeper's own count: other files it keeps there are no runs), and resume is the
// flags that go on from them ("--resume", "--resume --seed S" once a fresh seed is
// picked). Until a run is there, or if dir is gone, nothing is kept.
func (k *Kept) Runs(dir, resume string, count func(dir string) int) {
	k.runs.Store(&keptRuns{dir, resume, count})
}

func (k *Kept) String() string {
	r := k.runs.Load()
	if r == nil {
		return ""
	}
	n := r.count(r.dir)
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("the %s finished so far %s kept in %s: run again with %s to go on", words.Count(n, "run"), words.Are(n), r.dir, r.resume)
}

// Grace is how long a command has to stop cleanly after a signal.
const Grace = time.Second

// Repeat is how long after a signal the same signal again is taken for the first one
// delivered twice, not for a second request to stop. GNU timeout sends SIGTERM to the
// command and then to its process group, which holds the command: two SIGTERMs
// microseconds apart; Kubernetes and Slurm signal every process of a group or job step,
// and a wrapper script that forwards the signal it got too adds another within
// milliseconds. Taken as "press twice to force quit" these killed spendsim before it
// could remove its temporary files and lock. A person pressing Ctrl-C again because the
// first press seemed to do nothing does so after half a second at the earliest (seeing
// that nothing happened takes a reaction time of a quarter second or more), and a
// command stops within Grace of the first signal anyway, so a repeat ignored in this
// window delays nothing by more than half a second. A different signal (SIGINT after
// SIGTERM) is never a repeat.
const Repeat = 500 * time.Millisecond

// Watch returns a context that SIGINT or SIGTERM cancels; received says which signal
// did (0 if none), and stop ends the watch. If the command has not returned Grace
// after the signal, Watch abandons its unfinished files, says so on stderr (with what
// kept says the command keeps all the same, if anything: "the 3 runs finished so far
// are kept in out/x/.partial/all: run again with --resume to go on") and exits the process.
func Watch(stderr io.Writer, kept *Kept) (ctx context.Context, received func() syscall.Signal, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	var got atomic.Int32
	done := make(chan struct{})
	go func() {
		var first syscall.Signal
		select {
		case s := <-ch:
			first = s.(syscall.Signal)
		case <-done:
			return
		}
		at := time.Now()
		got.Store(int32(first))
		cancel()
		grace := time.NewTimer(Grace)
		defer grace.Stop()
		for {
			select {
			case s := <-ch:
				sig := s.(syscall.Signal)
				if sig == first && time.Since(at) < Repeat {
					continue // the first signal delivered twice (timeout, a process group)
				}
				signal.Stop(ch) // a third one kills, should removing the files hang
				quit(stderr, sig, kept, " again: stopped at once")
			case <-grace.C:
				quit(stderr, first, kept, ": interrupted")
			case <-done:
				return
			}
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

// quit abandons the command's unfinished files, says so and exits as sig would have
// stopped the process.
func quit(stderr io.Writer, sig syscall.Signal, kept *Kept, what string) {
	safefile.Abandon()
	note := ""
	if k := kept.String(); k != "" {
		note = " (" + k + ")"
	}
	fmt.Fprintf(stderr, "spendsim: %s%s; nothing was written%s\n", Name(sig), what, note)
	os.Exit(ExitCode(sig))
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
