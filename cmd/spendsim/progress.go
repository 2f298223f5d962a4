package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// progress is a sweep's sweep.Progress on stderr: notes, unless quiet, and while runs
// go a bar of finished runs with an ETA, on a terminal only and from two seconds in, so
// a quick run leaves no trace and logs and CI stay clean.
type progress struct {
	w     io.Writer
	quiet bool
	p     *mpb.Progress // nil: no bar is drawing
	bar   *mpb.Bar
	timer *time.Timer
	total int64
}

// Planned adds n runs to the bar's total (--precision adds batches as it goes).
func (p *progress) Planned(n int) {
	if p.p == nil && !p.quiet {
		p.start()
	}
	if p.p != nil {
		p.total += int64(n)
		p.bar.SetTotal(p.total, false)
	}
}

func (p *progress) Finished(int) {
	if p.p != nil {
		p.bar.Increment()
	}
}

func (p *progress) Note(text string) {
	p.stop()
	if !p.quiet {
		fmt.Fprintln(p.w, text)
	}
}

func (p *progress) start() {
	f, ok := p.w.(*os.File)
	if !ok {
		return
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return
	}
	delay := make(chan any)
	p.p = mpb.New(mpb.WithOutput(f), mpb.WithWidth(40), mpb.WithRenderDelay(delay))
	p.bar = p.p.AddBar(0,
		mpb.PrependDecorators(decor.Name("runs "), decor.CountersNoUnit("%d/%d")),
		mpb.AppendDecorators(decor.Elapsed(decor.ET_STYLE_GO), decor.Name(" elapsed, about "),
			decor.AverageETA(decor.ET_STYLE_GO), decor.Name(" left")),
	)
	p.timer, p.total = time.AfterFunc(2*time.Second, func() { close(delay) }), 0
}

// stop ends the bar and waits until it is drawn for the last time, so that what is
// printed next starts on a line of its own.
func (p *progress) stop() {
	if p.p == nil {
		return
	}
	p.timer.Stop()
	if p.bar.Current() >= p.total {
		p.bar.SetTotal(p.total, true)
	} else {
		p.bar.Abort(false)
	}
	p.p.Wait()
	p.p = nil
}
