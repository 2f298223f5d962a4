package replay

import (
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/pricing"
)

// RecordSource yields trace records in send-time order; io.EOF ends it.
type RecordSource interface {
	Next(r *model.Record) error
}

// Sink receives every message of a replay with its pricing, in evaluation-time order.
// rec and m are only valid during the call.
type Sink interface {
	Message(rec *model.Record, m *model.Message, c *pricing.Charge) error
}

// Stats is what a replay saw, beyond the charges.
type Stats struct {
	Records  int64
	Users    int64 // distinct (business number, user) pairs
	Numbers  int64 // distinct business numbers
	Accounts int64 // the business accounts they are in (Dealer.Accounts)
	Billing  billing.Stats
	Cards    []billing.CardUse
	Markets  *market.Table
	Currency string
}

// Replay bills a trace: each record gets dense ids for its business number and
// (number, user) pair, a market from its country or phone number at its evaluation time,
// and its charge from a Biller. Records come in send order but are billed at delivery
// time, so a small reorder buffer holds messages whose delivery lies ahead of the
// stream; it never holds more than the messages in flight at once. Memory grows with
// distinct users, not with messages. It is one Part, whose claims a Ledger settles as
// they come: a parallel replay (internal/rebill) gives the same charges.
func Replay(src RecordSource, opts billing.Options, sink Sink) (Stats, error) {
	part, err := NewPart(opts)
	if err != nil {
		return Stats{}, err
	}
	led, err := billing.NewLedger(opts)
	if err != nil {
		return Stats{}, err
	}
	d := NewDealer(1)
	d.SetAccounts(opts)
	st, err := run(src, d, part, &Settler{Ledger: led, Sink: sink})
	if err != nil {
		return st, err
	}
	st.Users, st.Numbers, st.Accounts = part.Pairs(), int64(d.Numbers()), int64(d.Accounts())
	st.Billing = part.Stats()
	led.Settled(&st.Billing)
	st.Cards = led.CardUsed()
	st.Markets, st.Currency = part.markets, opts.Currency
	if st.Currency == "" {
		st.Currency = "USD"
	}
	return st, nil
}

// run reads src to its end through d into part.
func run(src RecordSource, d *Dealer, part *Part, sink PartSink) (Stats, error) {
	var (
		st    Stats
		recs  [lookahead]model.Record
		dealt [lookahead]Dealt
	)
	for {
		n := 0
		var err error
		for n < lookahead {
			if err = src.Next(&recs[n]); err != nil {
				break
			}
			n++
		}
		for k := range n {
			st.Records++
			if err := d.Check(&recs[k]); err != nil {
				return st, first(part.Feed(dealt[:k], sink, nil), err)
			}
			if _, err := d.Deal(&recs[k], &dealt[k]); err != nil {
				if ferr := part.Feed(dealt[:k], sink, nil); ferr != nil {
					return st, ferr
				}
				return st, first(part.Flush(Key{recs[k].TS, math.MaxUint64}, sink), err)
			}
		}
		if ferr := part.Feed(dealt[:n], sink, nil); ferr != nil {
			return st, ferr
		}
		if errors.Is(err, io.EOF) {
			return st, part.FlushAll(sink)
		}
		if err != nil {
			return st, err
		}
	}
}

// first is the first error that is not nil.
func first(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Settler settles what a Part billed with its Ledger, in billing order, and passes
// each message on to Sink.
type Settler struct {
	Ledger *billing.Ledger
	Sink   Sink
}

// Billed implements PartSink.
func (s *Settler) Billed(_ Key, rec *model.Record, m *model.Message, ch *pricing.Charge, c *billing.Claim) error {
	if err := s.Ledger.Settle(ch, c); err != nil {
		return &LineError{Source: rec.Source, Line: rec.Line, Err: err}
	}
	return s.Sink.Message(rec, m, ch)
}

// MonthOf returns the first day of t's calendar month in loc, for per-month bills.
func MonthOf(t model.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	return model.DayStart(lt.Year(), lt.Month(), 1, loc)
}

// LineError is a problem with one record of the trace. It reads "line N: …"; Source is
// the index of the record's file among the trace's files (model.Record.Source), for
// the caller to name it (trace.AtFiles).
type LineError struct {
	Source uint16
	Line   int64
	Err    error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// SourceLine says which file and line the error is about.
func (e *LineError) SourceLine() (uint16, int64) { return e.Source, e.Line }

func lineErrorf(rec *model.Record, format string, a ...any) error {
	return &LineError{Source: rec.Source, Line: rec.Line, Err: fmt.Errorf(format, a...)}
}
