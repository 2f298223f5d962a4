package reports

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/internal/stats/statstest"
	"github.com/spendsim/spendsim/internal/table/tabletest"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

func TestParamColumn(t *testing.T) {
	for path, want := range map[string]string{
		"agents.shifts[0].headcount": "param_agents_shifts_0_headcount",
		"agents.handle_time_s":       "param_agents_handle_time_s",
		"load.Growth.monthlyRate":    "param_load_growth_monthlyrate",
		"pricing..era":               "param_pricing_era",
		"[2].x":                      "param_2_x",
	} {
		if got := ParamColumn(path); got != want {
			t.Errorf("ParamColumn(%q) = %q, want %q", path, got, want)
		}
	}
}

// wantRunsColumns is runs.parquet's schema for synthRuns, spelled out: users' queries
// depend on these names.
var wantRunsColumns = []string{
	"run_id", "point", "point_id", "replication", "seed",
	"param_agents_shifts_0_headcount", "param_agents_handle_time_s",
	"currency",
	"customers", "conversations", "user_messages", "business_messages", "templates",
	"replies", "replies_in_window", "late_utility", "late_marketing", "dropped",
	"unanswered", "first_responses", "answered_in_window",
	"templates_sent", "template_replies", "blocks", "reach_lost", "limit_delayed", "limit_failed", "cap_refused",
	"limit_after_horizon", "limit_held_at_end",
	"bot_replies", "bot_resolved", "bot_handoffs", "abandoned",
	"unanswered_conversations", "dropped_conversations", "drain_days", "drain_messaging_micros", "drain_staffing_micros",
	"in_window_share", "wait_mean_s", "waited_share", "first_response_mean_s",
	"first_response_p50_s", "first_response_p90_s", "first_response_p99_s",
	"agent_hours", "utilisation",
	"answered_share", "unanswered_share", "abandoned_share", "dropped_share",
	"messaging_micros", "staffing_micros", "total_micros", "derived_micros", "third_party_micros",
	"amount_marketing_micros", "amount_utility_micros", "amount_authentication_micros",
	"amount_authentication_international_micros", "amount_service_micros",
	"amount_referral_conversion_micros", "amount_user_initiated_micros",
	"amount_business_initiated_micros",
	"billable_marketing", "billable_utility", "billable_authentication",
	"billable_authentication_international", "billable_service",
	"billable_referral_conversion", "billable_user_initiated", "billable_business_initiated",
	"free_marketing", "free_utility", "free_authentication",
	"free_authentication_international", "free_service",
	"free_referral_conversion", "free_user_initiated", "free_business_initiated",
	"messages_regular", "messages_free_customer_service", "messages_free_entry_point",
	"messages_free_tier",
	"quality", "messaging_limit",
	// A LIST column shows as its group, the repeated group and the element leaf.
	"first_response_quantiles_s", "list", "element",
}

func TestWriteRuns(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, RunsFile)
	runs := statstest.SynthRuns(3, 2)
	if err := WriteRuns(path, runs, testVersion); err != nil {
		t.Fatal(err)
	}
	f := tabletest.Read(t, path)
	f.CheckFooter(t, testVersion)
	if !slices.Equal(f.Names(), wantRunsColumns) {
		t.Fatalf("columns:\n got %v\nwant %v", f.Names(), wantRunsColumns)
	}
	if len(f.Rows) != len(runs) {
		t.Fatalf("%d rows, want %d", len(f.Rows), len(runs))
	}
	for name, want := range map[string]string{
		"run_id":                          "BYTE_ARRAY STRING REQUIRED",
		"point":                           "INT32 INT(32,true) REQUIRED",
		"seed":                            "INT64 INT(64,false) REQUIRED",
		"param_agents_shifts_0_headcount": "DOUBLE REQUIRED",
		"currency":                        "BYTE_ARRAY STRING REQUIRED",
		"dropped":                         "INT64 INT(64,true) REQUIRED",
		"first_response_p90_s":            "DOUBLE REQUIRED",
		"total_micros":                    "INT64 INT(64,true) REQUIRED",
		"amount_utility_micros":           "INT64 INT(64,true) REQUIRED",
		"billable_utility":                "INT64 INT(64,true) REQUIRED",
		"messages_free_customer_service":  "INT64 INT(64,true) REQUIRED",
	} {
		if got := f.TypeOf(t, name); got != want {
			t.Errorf("%s: type %q, want %q", name, got, want)
		}
	}
	for i, r := range runs {
		if got := string(f.Value(t, i, "run_id").ByteArray()); got != r.RunID {
			t.Errorf("row %d run_id = %q, want %q", i, got, r.RunID)
		}
		if got := string(f.Value(t, i, "point_id").ByteArray()); got != r.PointLabel {
			t.Errorf("row %d point_id = %q, want %q", i, got, r.PointLabel)
		}
		checks := map[string]int64{
			"replication":                 int64(r.Replication),
			"late_utility":                r.LateUtility,
			"messaging_micros":            int64(r.MessagingMicros),
			"staffing_micros":             int64(r.StaffingMicros),
			"total_micros":                int64(r.MessagingMicros + r.StaffingMicros),
			"amount_marketing_micros":     int64(r.AmountByCategory[pricing.Marketing]),
			"billable_utility":            r.BillableByCategory[pricing.Utility],
			"messages_regular":            r.MessagesByType[pricing.Regular],
			"messages_free_entry_point":   r.MessagesByType[pricing.FreeEntryPoint],
			"billable_business_initiated": 0,
		}
		for name, want := range checks {
			v := f.Value(t, i, name)
			var got int64
			if name == "replication" {
				got = int64(v.Int32())
			} else {
				got = v.Int64()
			}
			if got != want {
				t.Errorf("row %d %s = %d, want %d", i, name, got, want)
			}
		}
		if got := f.Value(t, i, "seed").Uint64(); got != r.Seed {
			t.Errorf("row %d seed = %d, want %d", i, got, r.Seed)
		}
		if got := f.Value(t, i, "param_agents_shifts_0_headcount").Double(); got != r.Params[0].Value {
			t.Errorf("row %d headcount = %v, want %v", i, got, r.Params[0].Value)
		}
		if got := f.Value(t, i, "first_response_p90_s").Double(); got != r.FirstResponseP90S {
			t.Errorf("row %d p90 = %v, want %v", i, got, r.FirstResponseP90S)
		}
	}
}

func TestWriteRunsRejectsMixedParams(t *testing.T) {
	dir := t.TempDir()
	runs := statstest.SynthRuns(2, 1)
	runs[1].Params = runs[1].Params[:1]
	err := WriteRuns(filepath.Join(dir, RunsFile), runs, testVersion)
	if err == nil || !strings.Contains(err.Error(), "sweeps 1 params") {
		t.Errorf("err = %v, want a params mismatch", err)
	}
	runs = statstest.SynthRuns(1, 1)
	runs[0].Params = []sim.Param{{Path: "a.b", Value: 1}, {Path: "a_b", Value: 2}}
	err = WriteRuns(filepath.Join(dir, RunsFile), runs, testVersion)
	if err == nil || !strings.Contains(err.Error(), "both map to column param_a_b") {
		t.Errorf("err = %v, want a column collision", err)
	}
	if got := tabletest.DirEntries(t, dir); len(got) != 0 {
		t.Errorf("rejected runs left %v", got)
	}
}

// TestDailyAddsUpToRuns reads both files back and checks, per run, that the daily
// messaging_micros and category amounts add up to the run's.
func TestDailyAddsUpToRuns(t *testing.T) {
	dir := t.TempDir()
	runs := statstest.SynthRuns(2, 3)
	days := statstest.SynthDays(runs, 31)
	if err := WriteRuns(filepath.Join(dir, RunsFile), runs, testVersion); err != nil {
		t.Fatal(err)
	}
	if err := WriteDaily(filepath.Join(dir, DailyFile), days, testVersion); err != nil {
		t.Fatal(err)
	}
	rf := tabletest.Read(t, filepath.Join(dir, RunsFile))
	df := tabletest.Read(t, filepath.Join(dir, DailyFile))
	df.CheckFooter(t, testVersion)

	wantCols := []string{"run_id", "day", "conversations", "user_messages", "business_messages",
		"billable", "late_replies", "dropped", "first_responses", "templates", "blocks", "reach_lost",
		"first_response_sum_s", "messaging_micros"}
	for _, c := range pricing.Categories() {
		wantCols = append(wantCols, "amount_"+c.String()+"_micros")
	}
	wantCols = append(wantCols, "after_horizon")
	if !slices.Equal(df.Names(), wantCols) {
		t.Fatalf("daily columns:\n got %v\nwant %v", df.Names(), wantCols)
	}
	if got := df.TypeOf(t, "day"); got != "INT32 DATE REQUIRED" {
		t.Errorf("day: type %q, want a DATE", got)
	}
	if len(df.Rows) != len(days) {
		t.Fatalf("%d daily rows, want %d", len(df.Rows), len(days))
	}

	type key struct{ run, col string }
	daily := map[key]int64{}
	amountCols := []string{"messaging_micros"}
	for _, c := range pricing.Categories() {
		amountCols = append(amountCols, "amount_"+c.String()+"_micros")
	}
	for i := range df.Rows {
		run := string(df.Value(t, i, "run_id").ByteArray())
		for _, c := range amountCols {
			daily[key{run, c}] += df.Value(t, i, c).Int64()
		}
	}
	for i := range rf.Rows {
		run := string(rf.Value(t, i, "run_id").ByteArray())
		for _, c := range amountCols {
			if got, want := daily[key{run, c}], rf.Value(t, i, c).Int64(); got != want {
				t.Errorf("run %s: daily %s add up to %d, runs.parquet says %d", run, c, got, want)
			}
		}
	}
	if err := ReconcileDaily(runs, days); err != nil {
		t.Errorf("ReconcileDaily: %v", err)
	}

	// Day 0 is 2026-03-01 in the business's zone (UTC−3), though its midnight is
	// 03:00 UTC.
	if got, want := df.Value(t, 0, "day").Int32(), int32(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Unix()/86400); got != want {
		t.Errorf("first day = %d, want %d (2026-03-01)", got, want)
	}
}

func TestReconcileDailyFindsMismatch(t *testing.T) {
	runs := statstest.SynthRuns(1, 2)
	days := statstest.SynthDays(runs, 3)
	days[4].MessagingMicros += 1
	err := ReconcileDaily(runs, days)
	if err == nil || !strings.Contains(err.Error(), "run "+runs[1].RunID+": daily messaging_micros add up to") {
		t.Errorf("err = %v, want a messaging mismatch on %s", err, runs[1].RunID)
	}

	days = statstest.SynthDays(runs, 3)
	days[0].AmountByCategory[pricing.Utility] += 5
	days[0].AmountByCategory[pricing.Marketing] -= 5
	err = ReconcileDaily(runs, days)
	if err == nil || !strings.Contains(err.Error(), "daily amount_marketing_micros") {
		t.Errorf("err = %v, want a category mismatch", err)
	}

	// Every count, not only money: a conversation counted on no day.
	days = statstest.SynthDays(runs, 3)
	days[1].Conversations--
	err = ReconcileDaily(runs, days)
	if err == nil || !strings.Contains(err.Error(), "run "+runs[0].RunID+": daily conversations add up to") {
		t.Errorf("err = %v, want a conversations mismatch on %s", err, runs[0].RunID)
	}

	days = append(statstest.SynthDays(runs, 3), sim.DayRow{RunID: "ghost", Day: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), MessagingMicros: money.Micros(1)})
	if err := ReconcileDaily(runs, days); err == nil || !strings.Contains(err.Error(), "belongs to no run") {
		t.Errorf("err = %v, want an orphan row", err)
	}
}
