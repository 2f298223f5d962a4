package reports

import (
	"fmt"

	"github.com/spendsim/spendsim/internal/table"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// dayCounts are the integer columns of daily.parquet, each with the run figure its
// days add up to exactly (ReconcileDaily checks every one; docs/formats.md lists them).
var dayCounts = []struct {
	name  string
	get   func(*sim.DayRow) int64
	total func(*sim.RunResult) int64 // the run's figure: the sum of its days
}{
	{"conversations", func(d *sim.DayRow) int64 { return d.Conversations }, func(r *sim.RunResult) int64 { return r.Conversations }},
	{"user_messages", func(d *sim.DayRow) int64 { return d.UserMessages }, func(r *sim.RunResult) int64 { return r.UserMessages }},
	{"business_messages", func(d *sim.DayRow) int64 { return d.BusinessMessages }, func(r *sim.RunResult) int64 { return r.BusinessMessages }},
	{"billable", func(d *sim.DayRow) int64 { return d.Billable }, func(r *sim.RunResult) int64 {
		var n int64
		for _, b := range r.BillableByCategory {
			n += b
		}
		return n
	}},
	{"late_replies", func(d *sim.DayRow) int64 { return d.LateReplies }, func(r *sim.RunResult) int64 { return r.LateUtility + r.LateMarketing }},
	{"dropped", func(d *sim.DayRow) int64 { return d.Dropped }, func(r *sim.RunResult) int64 { return r.Dropped }},
	{"first_responses", func(d *sim.DayRow) int64 { return d.FirstResponses }, func(r *sim.RunResult) int64 { return r.FirstResponses }},
	{"templates", func(d *sim.DayRow) int64 { return d.Templates }, func(r *sim.RunResult) int64 { return r.Templates }},
	{"blocks", func(d *sim.DayRow) int64 { return d.Blocks }, func(r *sim.RunResult) int64 { return r.Outbound.Blocks }},
	{"reach_lost", func(d *sim.DayRow) int64 { return d.ReachLost }, func(r *sim.RunResult) int64 { return r.Outbound.ReachLost }},
}

// DailyColumns is the schema of daily.parquet.
//
// day is a Parquet DATE: the calendar day in the business's time zone. A DATE, not a
// timestamp of local midnight, because a timestamp column is UTC-adjusted and every
// reader would show São Paulo's midnight as 03:00 of the same day, and a 23- or 25-hour
// DST day would look like a data error. Join to runs.parquet on run_id.
func DailyColumns() []table.Column {
	cols := []table.Column{table.StringCol("run_id"), table.DateCol("day")}
	for _, c := range dayCounts {
		cols = append(cols, table.Int64Col(c.name))
	}
	cols = append(cols, table.Float64Col("first_response_sum_s"), table.Int64Col("messaging_micros"))
	for _, c := range pricing.Categories() {
		cols = append(cols, table.Int64Col("amount_"+c.String()+"_micros"))
	}
	// Last, so the columns before keep their places: true on the days after the
	// horizon, when the run's conversations were still being answered or its held
	// templates going out.
	return append(cols, table.BoolCol("after_horizon"))
}

// WriteDaily writes daily.parquet: one row per run and calendar day, in the order given.
func WriteDaily(path string, rows []sim.DayRow, version string) error {
	w, err := table.Create(path, DailyColumns(), table.Options{Version: version})
	if err != nil {
		return err
	}
	defer w.Abort()

	runID, day := w.String("run_id"), w.Date("day")
	counts := make([]*table.Int64Appender, len(dayCounts))
	for i, c := range dayCounts {
		counts[i] = w.Int64(c.name)
	}
	frSum, messaging := w.Float64("first_response_sum_s"), w.Int64("messaging_micros")
	cats := pricing.Categories()
	amounts := make([]*table.Int64Appender, len(cats))
	for i, c := range cats {
		amounts[i] = w.Int64("amount_" + c.String() + "_micros")
	}
	after := w.Bool("after_horizon")
	for i := range rows {
		d := &rows[i]
		if d.Day.IsZero() {
			return fmt.Errorf("reports: %s: run %s: daily row %d has no day", path, d.RunID, i)
		}
		runID.Append(d.RunID)
		day.Append(d.Day)
		for j, c := range dayCounts {
			counts[j].Append(c.get(d))
		}
		frSum.Append(d.FirstResponseSumS)
		messaging.Append(int64(d.MessagingMicros))
		for j, c := range cats {
			amounts[j].Append(int64(d.AmountByCategory[c]))
		}
		after.Append(d.AfterHorizon)
		if err := w.EndRow(); err != nil {
			return err
		}
	}
	return w.Close()
}

// ReconcileDaily checks that each run's days add up exactly to the run: every integer
// column to its run figure (dayCounts), messaging_micros and each amount_<category>_micros
// to the run's; and that every daily row belongs to a run. A mismatch means the
// simulator counted something on no day, or on two.
func ReconcileDaily(runs []sim.RunResult, days []sim.DayRow) error {
	type sums struct {
		total  money.Sum
		cats   [pricing.NumCategories]money.Sum
		counts []int64 // by dayCounts
	}
	byRun := make(map[string]*sums, len(runs))
	for _, r := range runs {
		byRun[r.RunID] = &sums{counts: make([]int64, len(dayCounts))}
	}
	for i := range days {
		d := &days[i]
		s, ok := byRun[d.RunID]
		if !ok {
			return fmt.Errorf("reports: daily row %d (%s) belongs to no run", i, d.RunID)
		}
		s.total.Add(d.MessagingMicros)
		for c := range d.AmountByCategory {
			s.cats[c].Add(d.AmountByCategory[c])
		}
		for j, c := range dayCounts {
			s.counts[j] += c.get(d)
		}
	}
	for i := range runs {
		r := &runs[i]
		s := byRun[r.RunID]
		for j, c := range dayCounts {
			if want := c.total(r); s.counts[j] != want {
				return fmt.Errorf("reports: run %s: daily %s add up to %d, the run reports %d", r.RunID, c.name, s.counts[j], want)
			}
		}
		got, err := s.total.Total()
		if err != nil {
			return fmt.Errorf("reports: run %s: daily messaging: %w", r.RunID, err)
		}
		if got != r.MessagingMicros {
			return fmt.Errorf("reports: run %s: daily messaging_micros add up to %d, the run reports %d",
				r.RunID, got, r.MessagingMicros)
		}
		for _, c := range pricing.Categories() {
			got, err := s.cats[c].Total()
			if err != nil {
				return fmt.Errorf("reports: run %s: daily %s: %w", r.RunID, c, err)
			}
			if got != r.AmountByCategory[c] {
				return fmt.Errorf("reports: run %s: daily amount_%s_micros add up to %d, the run reports %d",
					r.RunID, c, got, r.AmountByCategory[c])
			}
		}
	}
	return nil
}
