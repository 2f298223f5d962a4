package rebill

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios/trace"
	"github.com/spendsim/spendsim/sim/replay"
)

// ReplayPricing is Replay when o.Pricing names one era, else ReplayEras ("all" or a
// comma-separated list: billing.ParseEras), whose table it returns too.
func ReplayPricing(ctx context.Context, o Options) (*reports.ReplaySummary, *reports.Eras, error) {
	if eras, err := billing.ParseEras(o.Pricing); err == nil && len(eras) > 1 {
		t, s, err := ReplayEras(ctx, o)
		return s, t, err
	}
	s, err := Replay(ctx, o)
	return s, nil, err
}

// ReplayEras reads the trace once and bills it under each era o.Pricing names ("all",
// or a list: billing.ParseEras), every era on goroutines of its own. Each era's files
// are the output set of o.Out/<era>, the very bytes `replay --pricing <era> --out
// o.Out/<era>` writes; eras.json, the eras side by side, and its bar chart eras.png
// and eras.svg are the set of o.Out itself, written last, its manifest listing each
// era's (so the next set written to o.Out removes the era folders it does not write,
// and never a folder of the user's). "all" leaves out nbp-2018 when no NBP rate card was given (Eras.LeftOut);
// an era named in a list that cannot be billed is an error, as in Replay. It returns
// the table and the first era's summary (the trace's counts are every era's). Nothing
// is written when any era fails.
func ReplayEras(ctx context.Context, o Options) (*reports.Eras, *reports.ReplaySummary, error) {
	eras, err := billing.ParseEras(o.Pricing)
	if err != nil {
		return nil, nil, err
	}
	hashPiped(&o)
	top, err := reports.NewOutput(o.Out, o.Version)
	if err != nil {
		return nil, nil, err
	}
	defer top.Close()
	res := &reports.Eras{Trace: traceName(o.Traces), Rates: o.Rates, Eras: []reports.EraBill{}, LeftOut: []reports.EraLeft{}}
	var runs []*eraRun
	for _, e := range eras {
		if strings.EqualFold(strings.TrimSpace(o.Pricing), "all") && e.Model() == pricing.NBP && o.Billing.Book != nil {
			if _, err := o.Billing.Book.First(pricing.NBP, currencyOf(o.Billing)); err != nil {
				res.LeftOut = append(res.LeftOut, reports.EraLeft{Pricing: e.String(), Reason: err.Error()})
				continue
			}
		}
		eo := o
		eo.Billing.Era, eo.Pricing, eo.Out = e, e.String(), filepath.Join(o.Out, e.String())
		op, err := reports.NewOutput(eo.Out, o.Version)
		if err != nil {
			return nil, nil, err
		}
		defer op.Close()
		mw, err := reports.NewMessageWriter(eo.Outputs.messagesPath(op), o.Version, eo.Billing.Markets, currencyOf(eo.Billing), eo.Billing.Location, eo.Outputs.slim())
		if err != nil {
			return nil, nil, err
		}
		defer mw.Abort() // nothing once Close has succeeded
		runs = append(runs, &eraRun{o: eo, op: op, mw: mw, src: eraSource{in: make(chan recordBatch, 8)}, quit: make(chan struct{})})
	}
	r, err := trace.OpenAll(o.Traces, o.Read)
	if err != nil {
		return nil, nil, err
	}
	names := trace.NamesOf(r)
	r = trace.Prefetch(r, 4096)
	defer r.Close()

	// The eras run side by side: DefaultWorkers between them, unless --workers says.
	workers := o.Workers
	if workers <= 0 {
		workers = max(1, DefaultWorkers()/max(1, len(runs)))
	}
	var wg sync.WaitGroup
	for _, run := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(run.quit)
			run.st, run.err = replayWith(&run.src, run.o.Billing, workers, run.mw, true)
		}()
	}
	readErr := fanOut(ctx, r, runs, o.Progress)
	wg.Wait()
	if !errors.Is(readErr, io.EOF) {
		return nil, nil, trace.AtFiles(names, readErr) // every era stopped on it
	}

	var first *reports.ReplaySummary
	for _, run := range runs {
		if run.err != nil {
			return nil, nil, fmt.Errorf("under %s: %w", run.o.Pricing, trace.AtFiles(names, run.err))
		}
		s, rows, err := summarizeReplay(run.mw, run.st, run.src.users, trace.CountsOf(r), run.o)
		if err != nil {
			return nil, nil, err
		}
		if err := run.mw.Close(); err != nil {
			return nil, nil, err
		}
		if err := writeReplayFiles(run.op, run.o, s, rows); err != nil {
			return nil, nil, err
		}
		res.Eras = append(res.Eras, reports.NewEraBill(s, run.o.Pricing))
		if first == nil {
			first, res.Records, res.Business, res.Skipped, res.Webhook = s, s.Records, s.Business, s.Skipped, s.Webhook
		}
	}
	for _, run := range runs {
		if err := commitReplay(run.op, run.o, nil); err != nil {
			return nil, nil, err
		}
		top.Nest(run.o.Pricing) // so that the next set written to o.Out drops the eras it does not bill
	}
	if err := top.WriteEras(res); err != nil {
		return nil, nil, err
	}
	m, err := replayManifest(o, nil) // the inputs, as each era's manifest records them
	if err != nil {
		return nil, nil, err
	}
	return res, first, top.Commit(m)
}

// eraRun is one era's replay in a ReplayEras.
type eraRun struct {
	o    Options // its era, name and folder
	op   *reports.Output
	mw   *reports.MessageWriter
	src  eraSource
	quit chan struct{} // closed when its replay has returned: it reads no more
	st   replay.Stats
	err  error
}

// recordBatch is a run of the trace's records, shared by every era (read only), or
// the error that ends the trace (io.EOF at its end).
type recordBatch struct {
	recs []model.Record
	err  error
}

const fanBatch = 1024 // records per batch handed to the eras

// fanOut reads r once and hands each batch to every era still reading, then the error
// that ended it (io.EOF at the end of the trace), which it returns; it stops early when
// ctx ends. progress, when set, hears of the records read (Options.Progress).
func fanOut(ctx context.Context, r trace.Reader, runs []*eraRun, progress func(int64)) error {
	var read int64
	send := func(b recordBatch) {
		for _, run := range runs {
			select {
			case run.src.in <- b:
			case <-run.quit:
			}
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			send(recordBatch{err: err})
			return err
		}
		recs := make([]model.Record, 0, fanBatch)
		var err error
		for len(recs) < fanBatch {
			recs = append(recs, model.Record{})
			if err = r.Next(&recs[len(recs)-1]); err != nil {
				recs = recs[:len(recs)-1]
				break
			}
		}
		if len(recs) > 0 {
			if read += int64(len(recs)); progress != nil && read%progressEvery == 0 {
				progress(read)
			}
			send(recordBatch{recs: recs})
		}
		if err != nil {
			send(recordBatch{err: err})
			return err
		}
	}
}

// eraSource is one era's view of the trace fanOut reads: the records of its batches,
// then the error that ended it; it counts user messages as source does.
type eraSource struct {
	in    chan recordBatch
	cur   recordBatch
	i     int
	users int64
}

func (s *eraSource) Next(r *model.Record) error {
	for s.i == len(s.cur.recs) {
		if s.cur.err != nil {
			return s.cur.err
		}
		s.cur, s.i = <-s.in, 0
	}
	*r = s.cur.recs[s.i]
	s.i++
	if r.Direction == model.FromUser {
		s.users++
	}
	return nil
}
