package reports

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"

	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// ReadRuns reads back a runs.parquet (or a shard's part of one) that WriteRuns wrote
// for runs sweeping paramPaths. Each run's Params carry Path and Value; the sweep's
// short names are not stored in the file, so the caller fills them in from the
// scenario. Every field WriteRuns writes comes back exactly (floats bit for bit), so
// runs read back summarise and rewrite to the same bytes; MessagesByType[TypeNone],
// which has no column, is zero.
func ReadRuns(path string, paramPaths []string) ([]sim.RunResult, error) {
	var runs []sim.RunResult
	err := readTable(path, func(t *recordCols) error {
		runID, point, pointID := t.str("run_id"), t.i32("point"), t.str("point_id")
		rep, seed, currency := t.i32("replication"), t.u64("seed"), t.str("currency")
		params := make([]*array.Float64, len(paramPaths))
		for i, p := range paramPaths {
			params[i] = t.f64(ParamColumn(p))
		}
		counts := make([]*array.Int64, len(runCounts))
		for i, c := range runCounts {
			counts[i] = t.i64(c.name)
		}
		floats := make([]*array.Float64, len(runFloats))
		for i, c := range runFloats {
			floats[i] = t.f64(c.name)
		}
		messaging, staffing := t.i64("messaging_micros"), t.i64("staffing_micros")
		cats := pricing.Categories()
		amounts := make([]*array.Int64, len(cats))
		billable := make([]*array.Int64, len(cats))
		for i, c := range cats {
			amounts[i] = t.i64("amount_" + c.String() + "_micros")
			billable[i] = t.i64("billable_" + c.String())
		}
		types := pricing.Types()
		byType := make([]*array.Int64, len(types))
		for i, ty := range types {
			byType[i] = t.i64("messages_" + ty.String())
		}
		quality, limit := t.str("quality"), t.str("messaging_limit")
		quantiles := typed[*array.List](t, "first_response_quantiles_s", "list<float64>")
		if t.err != nil {
			return t.err
		}
		for row := 0; row < t.rows; row++ {
			r := sim.RunResult{
				RunID: runID.Value(row), Point: int(point.Value(row)), PointLabel: pointID.Value(row),
				Replication: int(rep.Value(row)), Seed: seed.Value(row), Currency: currency.Value(row),
				MessagingMicros: money.Micros(messaging.Value(row)), StaffingMicros: money.Micros(staffing.Value(row)),
			}
			for i, p := range paramPaths {
				r.Params = append(r.Params, sim.Param{Path: p, Value: params[i].Value(row)})
			}
			// Set through the same accessor table the writer reads with, so a column
			// added to one is added to both.
			for i, c := range runCounts {
				*intField(&r, c.name) = counts[i].Value(row)
			}
			for i, c := range runFloats {
				*floatField(&r, c.name) = floats[i].Value(row)
			}
			for i, c := range cats {
				r.AmountByCategory[c] = money.Micros(amounts[i].Value(row))
				r.BillableByCategory[c] = billable[i].Value(row)
			}
			for i, ty := range types {
				r.MessagesByType[ty] = byType[i].Value(row)
			}
			r.Outbound.Quality, r.Outbound.MessagingLimit = quality.Value(row), limit.Value(row)
			if lo, hi := quantiles.ValueOffsets(row); hi > lo {
				vs := quantiles.ListValues().(*array.Float64).Float64Values()
				r.FirstResponseQuantilesS = append([]float64(nil), vs[lo:hi]...)
			}
			runs = append(runs, r)
		}
		return nil
	})
	return runs, err
}

// intField and floatField map a runs.parquet column to the RunResult field it holds.
func intField(r *sim.RunResult, name string) *int64 {
	switch name {
	case "customers":
		return &r.Customers
	case "conversations":
		return &r.Conversations
	case "user_messages":
		return &r.UserMessages
	case "business_messages":
		return &r.BusinessMessages
	case "templates":
		return &r.Templates
	case "replies":
		return &r.Replies
	case "replies_in_window":
		return &r.RepliesInWindow
	case "late_utility":
		return &r.LateUtility
	case "late_marketing":
		return &r.LateMarketing
	case "dropped":
		return &r.Dropped
	case "unanswered":
		return &r.Unanswered
	case "first_responses":
		return &r.FirstResponses
	case "templates_sent":
		return &r.Outbound.TemplatesSent
	case "template_replies":
		return &r.Outbound.TemplateReplies
	case "blocks":
		return &r.Outbound.Blocks
	case "reach_lost":
		return &r.Outbound.ReachLost
	case "limit_delayed":
		return &r.Outbound.LimitDelayed
	case "limit_failed":
		return &r.Outbound.LimitFailed
	case "cap_refused":
		return &r.Outbound.CapRefused
	case "bot_replies":
		return &r.BotReplies
	case "bot_resolved":
		return &r.BotResolved
	case "bot_handoffs":
		return &r.BotHandoffs
	case "abandoned":
		return &r.Abandoned
	}
	panic("reports: runs column " + name + " has no field to read into")
}

func floatField(r *sim.RunResult, name string) *float64 {
	switch name {
	case "in_window_share":
		return &r.InWindowShare
	case "wait_mean_s":
		return &r.WaitMeanS
	case "waited_share":
		return &r.WaitedShare
	case "first_response_mean_s":
		return &r.FirstResponseMean
	case "first_response_p50_s":
		return &r.FirstResponseP50S
	case "first_response_p90_s":
		return &r.FirstResponseP90S
	case "first_response_p99_s":
		return &r.FirstResponseP99S
	case "agent_hours":
		return &r.AgentHours
	case "utilisation":
		return &r.Utilisation
	}
	panic("reports: runs column " + name + " has no field to read into")
}

// ReadDaily reads back a daily.parquet (or a part of one). Days come back as UTC
// midnight of the stored calendar day: the file holds a DATE, not an instant, and
// WriteDaily writes the same DATE for either.
func ReadDaily(path string) ([]sim.DayRow, error) {
	var rows []sim.DayRow
	err := readTable(path, func(t *recordCols) error {
		runID, day := t.str("run_id"), t.date("day")
		counts := make([]*array.Int64, len(dayCounts))
		for i, c := range dayCounts {
			counts[i] = t.i64(c.name)
		}
		frSum, messaging := t.f64("first_response_sum_s"), t.i64("messaging_micros")
		cats := pricing.Categories()
		amounts := make([]*array.Int64, len(cats))
		for i, c := range cats {
			amounts[i] = t.i64("amount_" + c.String() + "_micros")
		}
		if t.err != nil {
			return t.err
		}
		for row := 0; row < t.rows; row++ {
			d := sim.DayRow{
				RunID:             runID.Value(row),
				Day:               time.Unix(int64(day.Value(row))*86400, 0).UTC(),
				FirstResponseSumS: frSum.Value(row),
				MessagingMicros:   money.Micros(messaging.Value(row)),
			}
			for i, c := range dayCounts {
				*dayField(&d, c.name) = counts[i].Value(row)
			}
			for i, c := range cats {
				d.AmountByCategory[c] = money.Micros(amounts[i].Value(row))
			}
			rows = append(rows, d)
		}
		return nil
	})
	return rows, err
}

func dayField(d *sim.DayRow, name string) *int64 {
	switch name {
	case "conversations":
		return &d.Conversations
	case "user_messages":
		return &d.UserMessages
	case "business_messages":
		return &d.BusinessMessages
	case "billable":
		return &d.Billable
	case "late_replies":
		return &d.LateReplies
	case "dropped":
		return &d.Dropped
	case "first_responses":
		return &d.FirstResponses
	case "templates":
		return &d.Templates
	case "blocks":
		return &d.Blocks
	case "reach_lost":
		return &d.ReachLost
	}
	panic("reports: daily column " + name + " has no field to read into")
}

// recordCols looks up the columns of one record batch by name and type; the first
// missing or mistyped column is kept in err, so a reader asks for all its columns and
// checks once.
type recordCols struct {
	path string
	rec  arrow.Record
	rows int
	err  error
}

func (t *recordCols) col(name string) arrow.Array {
	if t.err != nil {
		return nil
	}
	idx := t.rec.Schema().FieldIndices(name)
	if len(idx) == 0 {
		t.err = fmt.Errorf("reports: %s: no column %s", t.path, name)
		return nil
	}
	a := t.rec.Column(idx[0])
	if a.NullN() > 0 {
		t.err = fmt.Errorf("reports: %s: column %s has nulls", t.path, name)
		return nil
	}
	return a
}

func typed[T arrow.Array](t *recordCols, name, want string) T {
	var zero T
	a := t.col(name)
	if a == nil {
		return zero
	}
	v, ok := a.(T)
	if !ok {
		t.err = fmt.Errorf("reports: %s: column %s is %s, want %s", t.path, name, a.DataType(), want)
		return zero
	}
	return v
}

func (t *recordCols) str(n string) *array.String  { return typed[*array.String](t, n, "string") }
func (t *recordCols) i32(n string) *array.Int32   { return typed[*array.Int32](t, n, "int32") }
func (t *recordCols) i64(n string) *array.Int64   { return typed[*array.Int64](t, n, "int64") }
func (t *recordCols) u64(n string) *array.Uint64  { return typed[*array.Uint64](t, n, "uint64") }
func (t *recordCols) f64(n string) *array.Float64 { return typed[*array.Float64](t, n, "float64") }
func (t *recordCols) date(n string) *array.Date32 { return typed[*array.Date32](t, n, "date") }

// readTable calls fn with each record batch of a Parquet file written by TableWriter.
// It reads one row group at a time: arrow v17 fails a batch that crosses a row group
// on a dictionary column, and its record reader ends each row group with io.EOF.
func readTable(path string, fn func(*recordCols) error) (err error) {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	defer f.Close()
	// arrow v17 panics on some corrupt metadata instead of returning an error; a
	// damaged part should be an error that names it.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("reports: %s: corrupt Parquet file: %v", path, p)
		}
	}()
	pf, err := file.NewParquetReader(f)
	if err != nil {
		return fmt.Errorf("reports: %s: %w", path, err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 64 << 10}, memory.DefaultAllocator)
	if err != nil {
		return fmt.Errorf("reports: %s: %w", path, err)
	}
	for rg := 0; rg < pf.NumRowGroups(); rg++ {
		rr, err := fr.GetRecordReader(context.Background(), nil, []int{rg})
		if err != nil {
			return fmt.Errorf("reports: %s: row group %d: %w", path, rg, err)
		}
		for rr.Next() {
			rec := rr.Record()
			if err := fn(&recordCols{path: path, rec: rec, rows: int(rec.NumRows())}); err != nil {
				rr.Release()
				return err
			}
		}
		err = rr.Err()
		rr.Release()
		// io.EOF is how v17's record reader says a row group is done.
		if err != nil && err != io.EOF {
			return fmt.Errorf("reports: %s: row group %d: %w", path, rg, err)
		}
	}
	return nil
}
