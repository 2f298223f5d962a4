package reports

import (
	"fmt"
	"strings"

	"github.com/spendsim/spendsim/internal/table"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// ParamColumn is the runs.parquet column name of a swept scenario field:
// "agents.shifts[0].headcount" → "param_agents_shifts_0_headcount". Every run of
// non-alphanumeric characters becomes one underscore; letters are lowercased.
func ParamColumn(path string) string {
	var b strings.Builder
	b.WriteString("param_")
	sep := false
	for _, r := range strings.ToLower(path) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if sep && b.Len() > len("param_") {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(r)
		} else {
			sep = true
		}
	}
	return b.String()
}

// ParamPaths checks that every run sweeps the same fields in the same order (the sweep
// expander guarantees it; a mix would silently misalign columns) and returns them.
func ParamPaths(runs []sim.RunResult) ([]string, error) {
	if len(runs) == 0 {
		return nil, nil
	}
	paths := make([]string, len(runs[0].Params))
	seen := map[string]string{}
	for i, p := range runs[0].Params {
		paths[i] = p.Path
		col := ParamColumn(p.Path)
		if other, dup := seen[col]; dup {
			return nil, fmt.Errorf("params %q and %q both map to column %s", other, p.Path, col)
		}
		seen[col] = p.Path
	}
	for _, r := range runs[1:] {
		if len(r.Params) != len(paths) {
			return nil, fmt.Errorf("run %s sweeps %d params, run %s sweeps %d", r.RunID, len(r.Params), runs[0].RunID, len(paths))
		}
		for i, p := range r.Params {
			if p.Path != paths[i] {
				return nil, fmt.Errorf("run %s param %d is %q, run %s has %q", r.RunID, i, p.Path, runs[0].RunID, paths[i])
			}
		}
	}
	return paths, nil
}

// runCounts are the integer columns of runs.parquet, in order, with their accessors.
var runCounts = []struct {
	name string
	get  func(*sim.RunResult) int64
}{
	{"customers", func(r *sim.RunResult) int64 { return r.Customers }},
	{"conversations", func(r *sim.RunResult) int64 { return r.Conversations }},
	{"user_messages", func(r *sim.RunResult) int64 { return r.UserMessages }},
	{"business_messages", func(r *sim.RunResult) int64 { return r.BusinessMessages }},
	{"templates", func(r *sim.RunResult) int64 { return r.Templates }},
	{"replies", func(r *sim.RunResult) int64 { return r.Replies }},
	{"replies_in_window", func(r *sim.RunResult) int64 { return r.RepliesInWindow }},
	{"late_utility", func(r *sim.RunResult) int64 { return r.LateUtility }},
	{"late_marketing", func(r *sim.RunResult) int64 { return r.LateMarketing }},
	{"dropped", func(r *sim.RunResult) int64 { return r.Dropped }},
	{"unanswered", func(r *sim.RunResult) int64 { return r.Unanswered }},
	{"first_responses", func(r *sim.RunResult) int64 { return r.FirstResponses }},
	{"answered_in_window", func(r *sim.RunResult) int64 { return r.AnsweredInWindow }},
	{"templates_sent", func(r *sim.RunResult) int64 { return r.Outbound.TemplatesSent }},
	{"template_replies", func(r *sim.RunResult) int64 { return r.Outbound.TemplateReplies }},
	{"blocks", func(r *sim.RunResult) int64 { return r.Outbound.Blocks }},
	{"reach_lost", func(r *sim.RunResult) int64 { return r.Outbound.ReachLost }},
	{"limit_delayed", func(r *sim.RunResult) int64 { return r.Outbound.LimitDelayed }},
	{"limit_failed", func(r *sim.RunResult) int64 { return r.Outbound.LimitFailed }},
	{"cap_refused", func(r *sim.RunResult) int64 { return r.Outbound.CapRefused }},
	{"limit_after_horizon", func(r *sim.RunResult) int64 { return r.Outbound.LimitAfterHorizon }},
	{"limit_held_at_end", func(r *sim.RunResult) int64 { return r.Outbound.LimitHeldAtEnd }},
	{"bot_replies", func(r *sim.RunResult) int64 { return r.BotReplies }},
	{"bot_resolved", func(r *sim.RunResult) int64 { return r.BotResolved }},
	{"bot_handoffs", func(r *sim.RunResult) int64 { return r.BotHandoffs }},
	{"abandoned", func(r *sim.RunResult) int64 { return r.Abandoned }},
	{"unanswered_conversations", func(r *sim.RunResult) int64 { return r.UnansweredConversations }},
	{"dropped_conversations", func(r *sim.RunResult) int64 { return r.DroppedConversations }},
	{"drain_days", func(r *sim.RunResult) int64 { return r.DrainDays }},
	{"drain_messaging_micros", func(r *sim.RunResult) int64 { return int64(r.DrainMessagingMicros) }},
	{"drain_staffing_micros", func(r *sim.RunResult) int64 { return int64(r.DrainStaffingMicros) }},
}

// runFloats are the float columns of runs.parquet: shares (0..1), seconds, hours.
var runFloats = []struct {
	name string
	get  func(*sim.RunResult) float64
}{
	{"in_window_share", func(r *sim.RunResult) float64 { return r.InWindowShare }},
	{"wait_mean_s", func(r *sim.RunResult) float64 { return r.WaitMeanS }},
	{"waited_share", func(r *sim.RunResult) float64 { return r.WaitedShare }},
	{"first_response_mean_s", func(r *sim.RunResult) float64 { return r.FirstResponseMean }},
	{"first_response_p50_s", func(r *sim.RunResult) float64 { return r.FirstResponseP50S }},
	{"first_response_p90_s", func(r *sim.RunResult) float64 { return r.FirstResponseP90S }},
	{"first_response_p99_s", func(r *sim.RunResult) float64 { return r.FirstResponseP99S }},
	{"agent_hours", func(r *sim.RunResult) float64 { return r.AgentHours }},
	{"utilisation", func(r *sim.RunResult) float64 { return r.Utilisation }},
	{"answered_share", func(r *sim.RunResult) float64 { return r.AnsweredShare }},
	{"unanswered_share", func(r *sim.RunResult) float64 { return r.UnansweredShare }},
	{"abandoned_share", func(r *sim.RunResult) float64 { return r.AbandonedShare }},
	{"dropped_share", func(r *sim.RunResult) float64 { return r.DroppedShare }},
}

// RunsColumns is the schema of runs.parquet for runs sweeping the given param paths;
// named[i] says param i takes names (a STRING column, else DOUBLE).
func RunsColumns(paramPaths []string, named []bool) []table.Column {
	cols := []table.Column{
		table.StringCol("run_id"),
		table.Int32Col("point"),
		table.StringCol("point_id"), // the sweep's own readable id of the point: "headcount=8"
		table.Int32Col("replication"),
		table.Uint64Col("seed"),
	}
	for i, p := range paramPaths {
		if named[i] {
			cols = append(cols, table.StringCol(ParamColumn(p)))
		} else {
			cols = append(cols, table.Float64Col(ParamColumn(p)))
		}
	}
	cols = append(cols, table.StringCol("currency"))
	for _, c := range runCounts {
		cols = append(cols, table.Int64Col(c.name))
	}
	for _, c := range runFloats {
		cols = append(cols, table.Float64Col(c.name))
	}
	cols = append(cols, table.Int64Col("messaging_micros"), table.Int64Col("staffing_micros"), table.Int64Col("total_micros"),
		table.Int64Col("derived_micros"), table.Int64Col("third_party_micros"))
	for _, c := range pricing.Categories() {
		cols = append(cols, table.Int64Col("amount_"+c.String()+"_micros"))
	}
	for _, c := range pricing.Categories() {
		cols = append(cols, table.Int64Col("billable_"+c.String()))
	}
	for _, c := range pricing.Categories() {
		cols = append(cols, table.Int64Col("free_"+c.String()))
	}
	for _, t := range pricing.Types() {
		cols = append(cols, table.Int64Col("messages_"+t.String()))
	}
	// Last, so the flat columns keep their places: the run's first-response time at
	// 1%, 3%, ..., 99% (sim.FirstResponseQuantileLevels); empty if nobody was answered.
	// In DuckDB, first_response_quantiles_s[46] is the 91st percentile.
	// Final quality rating and messaging limit ("" without a blocking block).
	cols = append(cols, table.StringCol("quality"), table.StringCol("messaging_limit"))
	cols = append(cols, table.Float64ListCol("first_response_quantiles_s"))
	return cols
}

// WriteRuns writes runs.parquet: one row per run (sweep point × replication), in the
// order given. All runs must sweep the same param paths.
func WriteRuns(path string, runs []sim.RunResult, version string) error {
	paths, err := ParamPaths(runs)
	if err != nil {
		return fmt.Errorf("reports: %s: %w", path, err)
	}
	named := make([]bool, len(paths))
	for i := range paths {
		named[i] = runs[0].Params[i].Text != ""
		for _, r := range runs[1:] {
			if (r.Params[i].Text != "") != named[i] {
				return fmt.Errorf("reports: %s: param %s is a name in run %s and a number in run %s", path, paths[i], runs[0].RunID, r.RunID)
			}
		}
	}
	w, err := table.Create(path, RunsColumns(paths, named), table.Options{Version: version})
	if err != nil {
		return err
	}
	defer w.Abort()

	runID, point, pointID := w.String("run_id"), w.Int32("point"), w.String("point_id")
	rep, seed := w.Int32("replication"), w.Uint64("seed")
	params := make([]*table.Float64Appender, len(paths))
	names := make([]*table.StringAppender, len(paths))
	for i, p := range paths {
		if named[i] {
			names[i] = w.String(ParamColumn(p))
		} else {
			params[i] = w.Float64(ParamColumn(p))
		}
	}
	currency := w.String("currency")
	counts := make([]*table.Int64Appender, len(runCounts))
	for i, c := range runCounts {
		counts[i] = w.Int64(c.name)
	}
	floats := make([]*table.Float64Appender, len(runFloats))
	for i, c := range runFloats {
		floats[i] = w.Float64(c.name)
	}
	messaging, staffing, total := w.Int64("messaging_micros"), w.Int64("staffing_micros"), w.Int64("total_micros")
	derived, third := w.Int64("derived_micros"), w.Int64("third_party_micros")
	cats := pricing.Categories()
	amounts := make([]*table.Int64Appender, len(cats))
	billable := make([]*table.Int64Appender, len(cats))
	free := make([]*table.Int64Appender, len(cats))
	for i, c := range cats {
		amounts[i] = w.Int64("amount_" + c.String() + "_micros")
		billable[i] = w.Int64("billable_" + c.String())
		free[i] = w.Int64("free_" + c.String())
	}
	types := pricing.Types()
	byType := make([]*table.Int64Appender, len(types))
	for i, t := range types {
		byType[i] = w.Int64("messages_" + t.String())
	}
	quality, limit := w.String("quality"), w.String("messaging_limit")
	quantiles := w.Float64List("first_response_quantiles_s")

	for i := range runs {
		r := &runs[i]
		tot, err := money.Add(r.MessagingMicros, r.StaffingMicros)
		if err != nil {
			return fmt.Errorf("reports: %s: run %s: total: %w", path, r.RunID, err)
		}
		runID.Append(r.RunID)
		point.Append(int32(r.Point))
		pointID.Append(r.PointLabel)
		rep.Append(int32(r.Replication))
		seed.Append(r.Seed)
		for j, p := range r.Params {
			if named[j] {
				names[j].Append(p.Text)
			} else {
				params[j].Append(p.Value)
			}
		}
		currency.Append(r.Currency)
		for j, c := range runCounts {
			counts[j].Append(c.get(r))
		}
		for j, c := range runFloats {
			floats[j].Append(c.get(r))
		}
		messaging.Append(int64(r.MessagingMicros))
		staffing.Append(int64(r.StaffingMicros))
		total.Append(int64(tot))
		derived.Append(int64(r.DerivedMicros))
		third.Append(int64(r.ThirdPartyMicros))
		for j, c := range cats {
			amounts[j].Append(int64(r.AmountByCategory[c]))
			billable[j].Append(r.BillableByCategory[c])
			free[j].Append(r.FreeByCategory[c])
		}
		for j, t := range types {
			byType[j].Append(r.MessagesByType[t])
		}
		quality.Append(r.Outbound.Quality)
		limit.Append(r.Outbound.MessagingLimit)
		quantiles.Append(r.FirstResponseQuantilesS)
		if err := w.EndRow(); err != nil {
			return err
		}
	}
	return w.Close()
}
