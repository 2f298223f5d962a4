package main

import (
	"errors"
	"fmt"
	"io"
	"runtime"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/scenarios/trace"
	"github.com/spendsim/spendsim/sim/replay"
)

// bytesPerUserTarget is issue 14's bound on a replay's live state per user, in every era.
const bytesPerUserTarget = 64

// measureUsers bills the trace at j.Path under j.Era through one replay.Part whose
// sink keeps nothing, closes the reader, and reports the live heap the Part holds per
// user after a garbage collection: the replay's state per user, without the buffers
// of the reader and of the output files, which do not grow with users.
func measureUsers(j job, _ *profiler) (childResult, error) {
	era, err := billing.ParseEra(j.Era)
	if err != nil {
		return childResult{}, err
	}
	book, err := pricing.Builtin()
	if err != nil {
		return childResult{}, err
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	part, err := replay.NewPart(billing.Options{Era: era, Book: book})
	if err != nil {
		return childResult{}, err
	}
	r, err := trace.Open(j.Path, trace.Options{})
	if err != nil {
		return childResult{}, err
	}
	var (
		d     = replay.NewDealer(1)
		sink  dropSink
		recs  [64]model.Record
		dealt [64]replay.Dealt
		n     int64
	)
	for done := false; !done; {
		k := 0
		for ; k < len(recs); k++ {
			err := r.Next(&recs[k])
			if errors.Is(err, io.EOF) {
				done = true
				break
			}
			if err != nil {
				r.Close()
				return childResult{}, err
			}
			if err := d.Check(&recs[k]); err != nil {
				r.Close()
				return childResult{}, err
			}
			if _, err := d.Deal(&recs[k], &dealt[k]); err != nil {
				r.Close()
				return childResult{}, err
			}
		}
		n += int64(k)
		if err := part.Feed(dealt[:k], &sink, nil); err != nil {
			r.Close()
			return childResult{}, err
		}
	}
	if err := r.Close(); err != nil {
		return childResult{}, err
	}
	if err := part.FlushAll(&sink); err != nil {
		return childResult{}, err
	}
	clear(recs[:])
	clear(dealt[:])
	runtime.GC()
	runtime.ReadMemStats(&after)
	users := part.Pairs()
	runtime.KeepAlive(part)
	if n != j.Size || users == 0 {
		return childResult{}, fmt.Errorf("users: read %d records and %d users, want %d records", n, users, j.Size)
	}
	live := float64(int64(after.HeapAlloc) - int64(before.HeapAlloc))
	return childResult{Counts: map[string]int64{"users": users, "billed": sink.n}, Floats: map[string]float64{"bytes_per_user": live / float64(users)}}, nil
}

// dropSink counts what a Part billed and keeps none of it.
type dropSink struct{ n int64 }

func (s *dropSink) Billed(replay.Key, *model.Record, *model.Message, *pricing.Charge, *billing.Claim) error {
	s.n++
	return nil
}
