package sweep

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spendsim/spendsim/internal/safefile"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/scenarios"
	"github.com/spendsim/spendsim/scenarios/trace"
	"github.com/spendsim/spendsim/sim"
)

// RecordWriter takes the messages of a generated run as trace records, in the order
// the run sends them: trace.Writer.
type RecordWriter interface {
	Write(r *model.Record) error
}

// Generated is what Generate simulated.
type Generated struct {
	Point        scenarios.Point // the sweep point simulated
	RunSeed      uint64          // replication 0's seed, derived from the scenario's
	Messages     int64           // records written: every message, both sides
	UserMessages int64
	Spend        money.Micros // the run's messaging bill: what replaying the trace bills
	Currency     string
}

// Generate simulates replication 0 of sweep point p of sc, seeded exactly as Run seeds
// it (sc.Seed), and writes every message of it to w as it goes, so memory does not
// grow with the messages. Users are synthetic opaque ids, "c<N>" for customer N of the
// run, with their country; message ids are "m<N>", the N-th message. A write error, or
// ctx ending, stops the writing, and the run's result is that error.
func Generate(ctx context.Context, sc *scenarios.Scenario, p scenarios.Point, rates *pricing.Overlay, w RecordWriter) (*Generated, error) {
	cfg, err := p.Scenario.Config(rates)
	if err != nil {
		return nil, err
	}
	runSeed := sim.DeriveSeed(sc.Seed, 0) // as Scenario.Jobs seeds replication 0
	rec := &traceRecorder{Stats: sim.NewStats(p.ID, cfg.Start, cfg.End, cfg.Location), w: w, ctx: ctx}
	out, err := sim.Run(cfg, runSeed, rec)
	if err == nil {
		err = rec.err
	}
	if err != nil {
		return nil, fmt.Errorf("generate %s point %s: %w", sc.Name, p.ID, err)
	}
	res, _, err := rec.Stats.Result(out, &cfg.Staffing, cfg.Billing.Currency)
	if err != nil {
		return nil, err
	}
	return &Generated{Point: p, RunSeed: runSeed, Messages: rec.n, UserMessages: res.UserMessages,
		Spend: res.MessagingMicros, Currency: cfg.Billing.Currency}, nil
}

// traceRecorder is the run's Stats (embedded, so every Recorder method reaches it)
// that also writes each message as a trace record.
type traceRecorder struct {
	*sim.Stats
	w         RecordWriter
	ctx       context.Context
	rec       model.Record
	n         int64
	countries map[[2]byte]string
	err       error // first write error, or ctx's; later messages are not written
}

// Err implements sim.Stopper: a write error, or ctx's end, ends the run at once.
func (t *traceRecorder) Err() error {
	if t.err == nil {
		t.err = t.ctx.Err()
	}
	return t.err
}

// Message implements sim.Recorder.
func (t *traceRecorder) Message(m *model.Message, c *pricing.Charge) {
	t.Stats.Message(m, c)
	if t.err != nil {
		return
	}
	t.n++
	country, ok := t.countries[m.Country]
	if !ok {
		if t.countries == nil {
			t.countries = map[[2]byte]string{}
		}
		country = string(m.Country[:])
		t.countries[m.Country] = country
	}
	t.rec = model.Record{
		TS: m.TS, DeliveredTS: m.DeliveredTS,
		User:      "c" + strconv.FormatUint(uint64(m.Pair), 10),
		MessageID: "m" + strconv.FormatInt(t.n, 10),
		Country:   country,
		Direction: m.Direction, Kind: m.Kind, Category: m.Category, Status: m.Status, EntryPoint: m.EntryPoint,
	}
	t.err = t.w.Write(&t.rec)
}

// GenerateFile is Generate into a trace file at path (format: "csv", "jsonl",
// "parquet", or "" by its extension), locked while written and appearing only when the
// run and the file are both complete: a failed run leaves nothing behind.
func GenerateFile(ctx context.Context, sc *scenarios.Scenario, p scenarios.Point, rates *pricing.Overlay, path, format, version string) (*Generated, error) {
	lock, err := safefile.LockFile(path)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	w, err := trace.NewWriter(path, trace.WriterOptions{Format: format, RowGroupRows: 256 << 10, Version: version})
	if err != nil {
		return nil, err
	}
	defer w.Abort()
	g, err := Generate(ctx, sc, p, rates, w)
	if err != nil {
		return nil, err
	}
	return g, w.Close()
}
