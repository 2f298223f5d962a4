package trace

import "sync"

// prefetch reads an underlying Reader on its own goroutine, a batch of records ahead of
// the caller, so that decoding a trace overlaps with whatever the caller does with the
// records (a replay bills and writes them). Records come out in the same order with
// the same errors; the underlying reader is only ever touched by the one goroutine.
type prefetch struct {
	full chan *batch
	free chan *batch
	quit chan struct{}
	wg   sync.WaitGroup
	src  Reader

	cur    *batch
	i      int
	err    error
	counts Counts
	closed bool
	names  []string // the reader's file names, which do not change
}

type batch struct {
	recs   []Record
	n      int
	err    error  // after recs[:n]
	counts Counts // the reader's counts once this batch was read
}

// Prefetch returns a Reader that reads r on a background goroutine, size records at
// a time. Closing it stops the goroutine and closes r.
func Prefetch(r Reader, size int) Reader {
	if size <= 0 {
		size = 4096
	}
	// Eight batches in flight let the reader run ahead through a burst of other work
	// on the machine instead of stalling the caller at every descheduling.
	const inFlight = 8
	p := &prefetch{full: make(chan *batch, inFlight-1), free: make(chan *batch, inFlight), quit: make(chan struct{}), src: r, names: NamesOf(r)}
	for i := 0; i < inFlight; i++ {
		p.free <- &batch{recs: make([]Record, size)}
	}
	p.wg.Add(1)
	go p.fill()
	return p
}

func (p *prefetch) fill() {
	defer p.wg.Done()
	for {
		var b *batch
		select {
		case b = <-p.free:
		case <-p.quit:
			return
		}
		b.n, b.err = 0, nil
		for b.n < len(b.recs) {
			if b.err = p.src.Next(&b.recs[b.n]); b.err != nil {
				break
			}
			b.n++
		}
		b.counts = CountsOf(p.src)
		select {
		case p.full <- b:
		case <-p.quit:
			return
		}
		if b.err != nil {
			return
		}
	}
}

func (p *prefetch) Next(r *Record) error {
	for {
		if p.err != nil {
			return p.err
		}
		if p.closed {
			return errClosed
		}
		if p.cur != nil && p.i < p.cur.n {
			*r = p.cur.recs[p.i]
			p.i++
			return nil
		}
		if p.cur != nil {
			if p.cur.err != nil {
				p.err = p.cur.err
				continue
			}
			p.free <- p.cur
		}
		p.cur, p.i = <-p.full, 0
		p.counts = p.cur.counts
	}
}

func (p *prefetch) Skipped() int64    { return p.counts.Skipped }
func (p *prefetch) Duplicates() int64 { return p.counts.Duplicates }
func (p *prefetch) Ignored() int64    { return p.counts.Ignored }
func (p *prefetch) Counts() Counts    { return p.counts }
func (p *prefetch) Names() []string   { return p.names }

func (p *prefetch) Close() error {
	if p.closed {
		return nil
	}
	p.closed = true
	close(p.quit)
	p.wg.Wait()
	return p.src.Close()
}
