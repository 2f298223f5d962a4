// Package progress says what a long command is doing on stderr: finished runs for a
// sweep (Runs, a sweep.Progress) and records read for a replay (Records). On a
// terminal they are drawn (a bar, a count) from two seconds in; anywhere else (a log,
// nohup, cron, CI) a plain line is written every half minute, so a quick command
// leaves no trace and a long one shows it is alive. Notes go out whether or not it is
// a terminal. Quiet says nothing but the notes that are no progress: none at all here.
package progress

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spendsim/spendsim/model/money"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// delay is how long a command runs before its progress is drawn.
const delay = 2 * time.Second

// logEvery is how often progress is written as a line where it cannot be drawn.
var logEvery = 30 * time.Second // a variable only so that a test can wait less

// logger writes line() to w every logEvery until stopped: progress off a terminal.
// Its println is how anyone else writes to w meanwhile, a line at a time.
type logger struct {
	mu   sync.Mutex
	w    io.Writer
	stop chan struct{}
	done chan struct{}
}

func startLogger(w io.Writer, line func() string) *logger {
	l := &logger{w: w, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		t := time.NewTicker(logEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				l.println(line())
			case <-l.stop:
				return
			}
		}
	}()
	return l
}

func (l *logger) println(text string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintln(l.w, text)
}

// end stops the lines and waits for the last one to be written; nil does nothing.
func (l *logger) end() {
	if l != nil {
		close(l.stop)
		<-l.done
	}
}

// terminal is w when it is a terminal, else nil.
func terminal(w io.Writer) *os.File {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return f
}

// Runs is a sweep's progress on W: notes, unless Quiet, and while runs go a bar of
// finished runs with an ETA.
type Runs struct {
	W     io.Writer
	Quiet bool
	p     *mpb.Progress // nil: no bar is drawing
	bar   *mpb.Bar
	timer *time.Timer
	total int64

	// Off a terminal: the lines, the runs planned and finished they count, and when
	// the first run was planned.
	log           *logger
	planned, done atomic.Int64
	began         time.Time
}

// Planned adds n runs to the bar's total (--precision adds batches as it goes).
func (r *Runs) Planned(n int) {
	r.planned.Add(int64(n))
	if r.p == nil && r.log == nil && !r.Quiet {
		r.start()
	}
	if r.p != nil {
		r.total += int64(n)
		r.bar.SetTotal(r.total, false)
	}
}

// Finished counts one run done.
func (r *Runs) Finished(int) {
	r.done.Add(1)
	if r.p != nil {
		r.bar.Increment()
	}
}

// Note ends the bar and prints text on a line of its own, unless Quiet.
func (r *Runs) Note(text string) {
	r.Stop()
	if !r.Quiet {
		fmt.Fprintln(r.W, text)
	}
}

func (r *Runs) start() {
	f := terminal(r.W)
	if f == nil {
		if r.began.IsZero() {
			r.began = time.Now()
		}
		began := r.began
		r.log = startLogger(r.W, func() string {
			elapsed := time.Since(began).Round(time.Second)
			done, planned := r.done.Load(), r.planned.Load()
			line := fmt.Sprintf("runs %d/%d, %s elapsed", done, planned, elapsed)
			if done > 0 && done < planned {
				left := time.Duration(float64(elapsed) * float64(planned-done) / float64(done)) // in float: no overflow
				line += fmt.Sprintf(", about %s left", left.Round(time.Second))
			}
			return line
		})
		return
	}
	shown := make(chan any)
	r.p = mpb.New(mpb.WithOutput(f), mpb.WithWidth(40), mpb.WithRenderDelay(shown))
	r.bar = r.p.AddBar(0,
		mpb.PrependDecorators(decor.Name("runs "), decor.CountersNoUnit("%d/%d")),
		mpb.AppendDecorators(decor.Elapsed(decor.ET_STYLE_GO), decor.Name(" elapsed, about "),
			decor.AverageETA(decor.ET_STYLE_GO), decor.Name(" left")),
	)
	r.timer, r.total = time.AfterFunc(delay, func() { close(shown) }), 0
}

// Stop ends the bar and waits until it is drawn for the last time, so that what is
// printed next starts on a line of its own.
func (r *Runs) Stop() {
	r.log.end()
	r.log = nil
	if r.p == nil {
		return
	}
	r.timer.Stop()
	if r.bar.Current() >= r.total {
		r.bar.SetTotal(r.total, true)
	} else {
		r.bar.Abort(false)
	}
	r.p.Wait()
	r.p = nil
}

// Records is a replay's progress on a terminal: the records read so far, how fast, and
// for how long. Read may be called from any goroutine; Stop ends it.
type Records struct {
	mu    sync.Mutex
	w     io.Writer
	quiet bool
	p     *mpb.Progress
	bar   *mpb.Bar
	timer *time.Timer
	shown bool // the count is being drawn (from delay on): notes go above it

	// The pass under way (a replay in passes reads the trace again from its start):
	// which (from 1), when it began, and the records it has read; read by the bar's
	// decorator and the lines.
	passMu    sync.Mutex
	pass      int
	passStart time.Time
	read      int64

	log *logger // off a terminal: the lines
}

// NewRecords draws on w when it is a terminal and quiet is false; otherwise it draws
// nothing and costs nothing but the calls.
func NewRecords(w io.Writer, quiet bool) *Records {
	r := &Records{w: w, quiet: quiet, pass: 1, passStart: time.Now()}
	f := terminal(w)
	if quiet {
		return r
	}
	if f == nil {
		began := time.Now()
		r.log = startLogger(w, func() string { return fmt.Sprintf("%s, %s elapsed", r.text(), time.Since(began).Round(time.Second)) })
		return r
	}
	shown := make(chan any)
	r.p = mpb.New(mpb.WithOutput(f), mpb.WithWidth(1), mpb.WithRenderDelay(shown))
	r.bar = r.p.New(0, mpb.SpinnerStyle(),
		mpb.PrependDecorators(decor.Any(func(decor.Statistics) string { return r.text() })),
		mpb.AppendDecorators(decor.Elapsed(decor.ET_STYLE_GO), decor.Name(" elapsed")),
	)
	r.timer = time.AfterFunc(delay, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.p != nil {
			r.shown = true
			close(shown)
		}
	})
	return r
}

// Pass says that pass k (from 1) over the trace begins: its count starts at 0. Read
// also takes a count below the last for a new pass, but a pass that ended within one
// report of its start would not show it.
func (r *Records) Pass(k int) {
	r.passMu.Lock()
	defer r.passMu.Unlock()
	r.pass, r.passStart, r.read = k, time.Now(), 0
}

// Read says that n records have been read so far in this pass over the trace; fewer
// than the last call says a new pass began.
func (r *Records) Read(n int64) {
	if r.bar == nil && r.log == nil {
		return
	}
	r.passMu.Lock()
	if n < r.read {
		r.pass++
		r.passStart = time.Now()
	}
	r.read = n
	r.passMu.Unlock()
	if r.bar != nil {
		r.bar.SetCurrent(n)
	}
}

// text is what the bar says before its spinner: records read and how fast.
func (r *Records) text() string {
	r.passMu.Lock()
	defer r.passMu.Unlock()
	s := time.Since(r.passStart).Seconds()
	if s <= 0 {
		s = 1
	}
	pass := ""
	if r.pass > 1 {
		pass = fmt.Sprintf("pass %d: ", r.pass)
	}
	return fmt.Sprintf("%s%s records read, %s a second", pass, thousands(r.read), thousands(int64(float64(r.read)/s)))
}

// thousands writes n with a comma every three digits, as every count is shown.
func thousands(n int64) string { return money.GroupThousands(strconv.FormatInt(n, 10)) }

// Note prints text on a line of its own, above the count while it is drawn, unless
// quiet.
func (r *Records) Note(text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.quiet:
	case r.log != nil:
		r.log.println(text) // not amid a line of progress
	case r.shown && r.p != nil:
		fmt.Fprintln(r.p, text) // above the count, at its next refresh
	default:
		fmt.Fprintln(r.w, text) // nothing drawn yet
	}
}

// Stop ends the count and waits until it is cleared, so that what is printed next
// starts on a line of its own.
func (r *Records) Stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log.end()
	r.log = nil
	if r.p == nil {
		return
	}
	r.timer.Stop()
	r.bar.Abort(true)
	r.p.Wait()
	r.p = nil
}
