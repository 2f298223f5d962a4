package reports

import (
	"math"
	"time"

	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/spendsim/spendsim/internal/table"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// ReadRuns reads back a runs.parquet (or a shard's part of one) that WriteRuns wrote
// for runs sweeping paramPaths. Each run's Params carry Path and Value (or, from a
// STRING column, a field's name in Text, Value NaN); the sweep's
// short names are not stored in the file, so the caller fills them in from the
// scenario. Every field WriteRuns writes comes back exactly (floats bit for bit), so
// runs read back summarise and rewrite to the same bytes; MessagesByType[TypeNone],
// which has no column, is zero.
func ReadRuns(path string, paramPaths []string) ([]sim.RunResult, error) {
	var runs []sim.RunResult
	err := table.Read(path, func(t *table.Batch) error {
		runID, point, pointID := t.String("run_id"), t.Int32("point"), t.String("point_id")
		rep, seed, currency := t.Int32("replication"), t.Uint64("seed"), t.String("currency")
		params := make([]*array.Float64, len(paramPaths))
		names := make([]*array.String, len(paramPaths))
		for i, p := range paramPaths {
			if t.IsString(ParamColumn(p)) {
				names[i] = t.String(ParamColumn(p))
			} else {
				params[i] = t.Float64(ParamColumn(p))
			}
		}
		counts := make([]*array.Int64, len(runCounts))
		for i, c := range runCounts {
			counts[i] = t.Int64(c.name)
		}
		floats := make([]*array.Float64, len(runFloats))
		for i, c := range runFloats {
			floats[i] = t.Float64(c.name)
		}
		messaging, staffing := t.Int64("messaging_micros"), t.Int64("staffing_micros")
		derived, third := t.Int64("derived_micros"), t.Int64("third_party_micros")
		cats := pricing.Categories()
		amounts := make([]*array.Int64, len(cats))
		billable := make([]*array.Int64, len(cats))
		free := make([]*array.Int64, len(cats))
		for i, c := range cats {
			amounts[i] = t.Int64("amount_" + c.String() + "_micros")
			billable[i] = t.Int64("billable_" + c.String())
			free[i] = t.Int64("free_" + c.String())
		}
		types := pricing.Types()
		byType := make([]*array.Int64, len(types))
		for i, ty := range types {
			byType[i] = t.Int64("messages_" + ty.String())
		}
		quality, limit := t.String("quality"), t.String("messaging_limit")
		quantiles := t.Float64List("first_response_quantiles_s")
		if err := t.Err(); err != nil {
			return err
		}
		for row := 0; row < t.Rows(); row++ {
			r := sim.RunResult{
				RunID: runID.Value(row), Point: int(point.Value(row)), PointLabel: pointID.Value(row),
				Replication: int(rep.Value(row)), Seed: seed.Value(row), Currency: currency.Value(row),
				MessagingMicros: money.Micros(messaging.Value(row)), StaffingMicros: money.Micros(staffing.Value(row)),
				DerivedMicros: money.Micros(derived.Value(row)), ThirdPartyMicros: money.Micros(third.Value(row)),
			}
			for i, p := range paramPaths {
				if names[i] != nil {
					r.Params = append(r.Params, sim.Param{Path: p, Value: math.NaN(), Text: names[i].Value(row)})
				} else {
					r.Params = append(r.Params, sim.Param{Path: p, Value: params[i].Value(row)})
				}
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
				r.FreeByCategory[c] = free[i].Value(row)
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
	case "answered_in_window":
		return &r.AnsweredInWindow
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
	case "limit_after_horizon":
		return &r.Outbound.LimitAfterHorizon
	case "limit_held_at_end":
		return &r.Outbound.LimitHeldAtEnd
	case "bot_replies":
		return &r.BotReplies
	case "bot_resolved":
		return &r.BotResolved
	case "bot_handoffs":
		return &r.BotHandoffs
	case "abandoned":
		return &r.Abandoned
	case "unanswered_conversations":
		return &r.UnansweredConversations
	case "dropped_conversations":
		return &r.DroppedConversations
	case "drain_days":
		return &r.DrainDays
	case "drain_messaging_micros":
		return (*int64)(&r.DrainMessagingMicros)
	case "drain_staffing_micros":
		return (*int64)(&r.DrainStaffingMicros)
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
	case "answered_share":
		return &r.AnsweredShare
	case "unanswered_share":
		return &r.UnansweredShare
	case "abandoned_share":
		return &r.AbandonedShare
	case "dropped_share":
		return &r.DroppedShare
	}
	panic("reports: runs column " + name + " has no field to read into")
}

// ReadDaily reads back a daily.parquet (or a part of one). Days come back as UTC
// midnight of the stored calendar day: the file holds a DATE, not an instant, and
// WriteDaily writes the same DATE for either.
func ReadDaily(path string) ([]sim.DayRow, error) {
	var rows []sim.DayRow
	err := table.Read(path, func(t *table.Batch) error {
		runID, day := t.String("run_id"), t.Date("day")
		counts := make([]*array.Int64, len(dayCounts))
		for i, c := range dayCounts {
			counts[i] = t.Int64(c.name)
		}
		frSum, messaging := t.Float64("first_response_sum_s"), t.Int64("messaging_micros")
		after := t.Bool("after_horizon")
		cats := pricing.Categories()
		amounts := make([]*array.Int64, len(cats))
		for i, c := range cats {
			amounts[i] = t.Int64("amount_" + c.String() + "_micros")
		}
		if err := t.Err(); err != nil {
			return err
		}
		for row := 0; row < t.Rows(); row++ {
			d := sim.DayRow{
				RunID:             runID.Value(row),
				Day:               time.Unix(int64(day.Value(row))*86400, 0).UTC(),
				AfterHorizon:      after.Value(row),
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
