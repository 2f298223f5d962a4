package rebill

import (
	"errors"
	"io"
	"math"
	"sync"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/model/window"
	"github.com/spendsim/spendsim/sim/replay"
)

// A parallel replay: the caller's goroutine deals the trace's records by user to one
// replay.Part per worker, in rounds of roundSize records; each worker bills its Part's
// round on a goroutine of its own and flushes it to the round's last send time; one
// merging goroutine takes the rounds in order, merges what the workers billed by
// replay.Key, renumbers pairs, settles every claim with one Ledger and hands each
// message to the sink. Every message due by a round's last send time is billed in that
// round, and every later one has a later Key, so a round's merge is complete: the
// Ledger and the sink see exactly the sequence a replay.Replay would have given them,
// at any worker count. Memory is bounded by the rounds in flight.

const (
	roundSize = 8192 // records dealt per round
	inFlight  = 4    // rounds being dealt, billed and merged at once
)

// round is one batch of the trace on its way through the workers and the merger.
type round struct {
	dealt [][]replay.Dealt // per worker
	out   []partOut        // per worker: what it billed
	// mark is where a replay.Replay is at the round's end: every worker bills what comes
	// before it (replay.Part.Flush), so that a round's merge is complete.
	mark replay.Key
	end  bool          // the trace ended: every worker bills everything it holds
	stop error         // ends the replay after this round
	done chan struct{} // one token per worker that finished the round
}

// partOut is what one worker billed in a round.
type partOut struct {
	business bool // only business messages go to the sink: user messages are left out
	billed   []billedMsg
	newPairs []uint64   // places in the trace of the records that were their pair's first
	err      error      // the worker stopped here
	errKey   replay.Key // at this Key
}

type billedMsg struct {
	key replay.Key
	rec model.Record
	msg model.Message
	ch  pricing.Charge
	cl  billing.Claim
}

func (o *partOut) Billed(k replay.Key, rec *model.Record, m *model.Message, ch *pricing.Charge, c *billing.Claim) error {
	if o.business && m.Direction != model.FromBusiness {
		return nil // they claim nothing
	}
	o.billed = append(o.billed, billedMsg{key: k, rec: *rec, msg: *m, ch: *ch, cl: *c})
	return nil
}

const minTime = model.Time(math.MinInt64)

// parallel is how a replay runs in parallel.
type parallel struct {
	workers  int  // Parts, each on a goroutine
	round    int  // records dealt per round
	business bool // the sink reads business messages only (reports.MessageWriter): leave user messages out
}

// replayParallel bills src as replay.Replay does, its users hashed across workers.
func replayParallel(src replay.RecordSource, opts billing.Options, pl parallel, sink replay.Sink) (replay.Stats, error) {
	workers := pl.workers
	parts := make([]*replay.Part, workers)
	for w := range parts {
		p, err := replay.NewPart(opts)
		if err != nil {
			return replay.Stats{}, err
		}
		parts[w] = p
	}
	led, err := billing.NewLedger(opts)
	if err != nil {
		return replay.Stats{}, err
	}
	// quit ends every goroutine early: closed by the merger when it stops on an error,
	// else once it has merged the last round.
	quit := make(chan struct{})
	var closeQuit sync.Once
	stop := func() { closeQuit.Do(func() { close(quit) }) }
	free := make(chan *round, inFlight)
	for range inFlight {
		r := &round{dealt: make([][]replay.Dealt, workers), out: make([]partOut, workers), done: make(chan struct{}, workers)}
		for w := range r.out {
			r.out[w].business = pl.business
		}
		free <- r
	}
	feeds := make([]chan *round, workers)
	for w := range feeds {
		feeds[w] = make(chan *round, inFlight)
		go work(parts[w], w, feeds[w], quit)
	}
	toMerge := make(chan *round, inFlight)
	m := &merger{led: led, sink: sink, pairs: make([][]uint32, workers)}
	merged := make(chan error, 1)
	go func() {
		err := m.run(toMerge, free, quit)
		if err != nil {
			stop()
		}
		merged <- err
	}()

	st, err := deal(src, opts, parts, pl.round, feeds, toMerge, free, quit)
	for _, f := range feeds {
		close(f)
	}
	close(toMerge)
	if merr := <-merged; merr != nil {
		err = merr // the merger stops at the first error in billing order
	}
	stop()
	if err != nil {
		return st, err
	}
	st.Users = int64(m.next)
	for _, p := range parts {
		st.Billing.Add(p.Stats())
	}
	led.Settled(&st.Billing)
	st.Cards = led.CardUsed()
	st.Markets, st.Currency = opts.Markets, opts.Currency
	if st.Markets == nil {
		st.Markets = market.Builtin()
	}
	if st.Currency == "" {
		st.Currency = "USD"
	}
	return st, nil
}

// deal reads src into rounds and sends each to every worker and then to the merger.
func deal(src replay.RecordSource, opts billing.Options, parts []*replay.Part, size int, feeds []chan *round, toMerge, free chan *round, quit chan struct{}) (replay.Stats, error) {
	var st replay.Stats
	d := replay.NewDealer(len(parts))
	d.SetAccounts(opts)
	var rec model.Record
	for {
		var r *round
		select {
		case r = <-free:
		case <-quit:
			return st, nil
		}
		for w := range r.dealt {
			r.dealt[w] = r.dealt[w][:0]
		}
		r.end, r.stop, r.mark = false, nil, replay.Key{At: minTime}
		for n := 0; n < size; n++ {
			if err := src.Next(&rec); err != nil {
				if errors.Is(err, io.EOF) {
					r.end = true
				} else {
					r.stop = err
				}
				break
			}
			st.Records++
			if err := d.Check(&rec); err != nil {
				r.stop = err
				break
			}
			w := 0
			if len(parts) > 1 {
				w = replay.PartOf(rec.User, len(parts))
			}
			r.dealt[w] = append(r.dealt[w], replay.Dealt{})
			dl := &r.dealt[w][len(r.dealt[w])-1]
			if _, err := d.Deal(&rec, dl); err != nil {
				// A replay.Replay billed what was due by this record's send time first.
				r.dealt[w] = r.dealt[w][:len(r.dealt[w])-1]
				r.stop, r.mark = err, replay.Key{At: rec.TS, Seq: math.MaxUint64}
				break
			}
			r.mark = replay.Key{At: rec.TS, Seq: dl.Seq}
		}
		for _, f := range feeds {
			f <- r
		}
		toMerge <- r
		if r.end || r.stop != nil {
			st.Numbers, st.Accounts = int64(d.Numbers()), int64(d.Accounts())
			return st, nil
		}
	}
}

// work bills the rounds of Part p, worker w, until its feed closes.
func work(p *replay.Part, w int, feed chan *round, quit chan struct{}) {
	stopped := false
	for r := range feed {
		o := &r.out[w]
		o.billed, o.newPairs, o.err = o.billed[:0], o.newPairs[:0], nil
		select {
		case <-quit:
			stopped = true
		default:
		}
		if !stopped {
			err := p.Feed(r.dealt[w], o, func(seq uint64) { o.newPairs = append(o.newPairs, seq) })
			switch {
			case err != nil:
			case r.end:
				err = p.FlushAll(o)
			default:
				err = p.Flush(r.mark, o)
			}
			if err != nil {
				o.err, o.errKey, stopped = err, p.Stopped(), true
			}
		}
		select {
		case r.done <- struct{}{}:
		case <-quit:
			return
		}
	}
}

// merger settles the rounds in order.
type merger struct {
	led   *billing.Ledger
	sink  replay.Sink
	pairs [][]uint32 // per worker: the replay-wide id of each of its pairs
	next  uint32     // pairs numbered so far
	heads []int
}

func (m *merger) run(toMerge, free chan *round, quit chan struct{}) error {
	for r := range toMerge {
		for range len(r.out) {
			select {
			case <-r.done:
			case <-quit:
				return nil
			}
		}
		if err := m.round(r); err != nil {
			return err
		}
		if r.stop != nil {
			return r.stop
		}
		free <- r
	}
	return nil
}

// round settles one round's messages in Key order, up to the first worker's error.
func (m *merger) round(r *round) error {
	m.renumber(r)
	var stop *partOut
	for w := range r.out {
		if o := &r.out[w]; o.err != nil && (stop == nil || o.errKey.Less(stop.errKey)) {
			stop = o
		}
	}
	m.heads = m.heads[:0]
	for range r.out {
		m.heads = append(m.heads, 0)
	}
	for {
		w := -1
		for k := range r.out {
			if i := m.heads[k]; i < len(r.out[k].billed) && (w < 0 || r.out[k].billed[i].key.Less(r.out[w].billed[m.heads[w]].key)) {
				w = k
			}
		}
		if w < 0 {
			break
		}
		b := &r.out[w].billed[m.heads[w]]
		if stop != nil && stop.errKey.Less(b.key) {
			break
		}
		m.heads[w]++
		b.msg.Pair = m.pairs[w][b.msg.Pair]
		if b.ch.ConversationID != 0 {
			b.ch.ConversationID = window.Repair(b.ch.ConversationID, b.msg.Pair)
		}
		if err := m.led.Settle(&b.ch, &b.cl); err != nil {
			return &replay.LineError{Source: b.rec.Source, Line: b.rec.Line, Err: err}
		}
		if err := m.sink.Message(&b.rec, &b.msg, &b.ch); err != nil {
			return err
		}
	}
	if stop != nil {
		return stop.err
	}
	return nil
}

// renumber gives the pairs first seen in r the ids a single Part would have given
// them: in order of their first record in the trace.
func (m *merger) renumber(r *round) {
	for k := range m.heads {
		m.heads[k] = 0
	}
	for len(m.heads) < len(r.out) {
		m.heads = append(m.heads, 0)
	}
	for {
		w := -1
		for k := range r.out {
			if i := m.heads[k]; i < len(r.out[k].newPairs) && (w < 0 || r.out[k].newPairs[i] < r.out[w].newPairs[m.heads[w]]) {
				w = k
			}
		}
		if w < 0 {
			return
		}
		m.heads[w]++
		m.pairs[w] = append(m.pairs[w], m.next)
		m.next++
	}
}
