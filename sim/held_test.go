package sim_test

import (
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/blocking"
	"github.com/spendsim/spendsim/model/load"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// heldRun runs cfg with the standard statistics and returns the result and the day rows.
func heldRun(t *testing.T, cfg *sim.Config) (sim.RunResult, []sim.DayRow) {
	t.Helper()
	st := sim.NewStats("t", cfg.Start, cfg.End, cfg.Location)
	o, err := sim.Run(cfg, 1, st)
	if err != nil {
		t.Fatal(err)
	}
	res, days, err := st.Result(o, &cfg.Staffing, "USD")
	if err != nil {
		t.Fatal(err)
	}
	return res, days
}

// TestHeldTemplatesGoInTheDrain: a one-day run (Monday 2025-09-01, UTC) whose campaign
// asks at 10:00 for a utility template to each of 3,000 customers on a fresh 250
// number. 250 go at once; the rest wait past the horizon and go as the limit lets
// them, billed on the days they go: 250 on Tuesday at 10:00, when Monday's leave the
// rolling 24 h, 750 at 11:00 when the upgrade found due on Monday at 11:00 lifts the
// limit to 1K; on Wednesday 250 at 10:00 and 750 at 11:00 as Tuesday's leave, and the
// last 750 at 12:00, when the upgrade due since Tuesday's 12:00 evaluation lifts it to
// 10K. The bill covers all 3,000, 2,750 of them in the drain's two days.
func TestHeldTemplatesGoInTheDrain(t *testing.T) {
	start := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	cfg := quiet(t, start, 1, 3000)
	cfg.Campaigns = []load.Campaign{{Name: "launch", Category: "utility", Days: []string{"mon"}, At: "10:00", Audience: 1}}
	cfg.Blocking = blocking.Spec{MessagingLimit: blocking.LimitSpec{InitialTier: "250", Overflow: blocking.Delay}}
	res, days := heldRun(t, cfg)
	if res.Conversations != 0 {
		t.Fatalf("%d conversations: the test wants templates alone", res.Conversations)
	}
	type day struct {
		templates int64
		after     bool
	}
	var got []day
	for _, d := range days {
		got = append(got, day{d.Templates, d.AfterHorizon})
	}
	want := []day{{250, false}, {1000, true}, {1750, true}}
	if len(got) != len(want) {
		t.Fatalf("days %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("day %d: %d templates (after horizon %v), want %d (%v)", i, got[i].templates, got[i].after, want[i].templates, want[i].after)
		}
	}
	o := res.Outbound
	if o.TemplatesSent != 3000 || o.LimitDelayed != 2750 || o.LimitAfterHorizon != 2750 || o.LimitHeldAtEnd != 0 || o.LimitFailed != 0 {
		t.Errorf("counts %+v, want 3,000 sent, 2,750 delayed, all of them after the horizon", o)
	}
	if o.MessagingLimit != "250" {
		t.Errorf("limit at the horizon end %s, want 250 (it rose only in the drain)", o.MessagingLimit)
	}
	r := rate(t, cfg.Start, pricing.Utility)
	if res.MessagingMicros != 3000*r || res.DrainMessagingMicros != 2750*r {
		t.Errorf("messaging %d, of it %d in the drain; want 3,000 and 2,750 × %d", res.MessagingMicros, res.DrainMessagingMicros, r)
	}
	if res.DrainDays != 2 || res.BillableByCategory[pricing.Utility] != 3000 {
		t.Errorf("drain days %d, utility billable %d; want 2, 3,000", res.DrainDays, res.BillableByCategory[pricing.Utility])
	}
	if res.DrainStaffingMicros != 0 || res.AgentHours != 24 {
		t.Errorf("drain staffing %d, agent hours %v: the held templates need no agent (want 0, 24)", res.DrainStaffingMicros, res.AgentHours)
	}
}

// TestHeldTemplatesStopAtMaxDrain: every customer blocks after their template, so the
// number is rated low from the first evaluation and its 250 limit never rises. Of
// 100,000 templates asked for on the horizon's one day, 250 go then and 250 each day
// at 10:00 after it until the drain's bound (MaxDrain, 366 days after the horizon
// end): 367 × 250 = 91,750 sent and billed; the other 8,250 are counted as still held,
// never sent.
func TestHeldTemplatesStopAtMaxDrain(t *testing.T) {
	if testing.Short() {
		t.Skip("a year of drain")
	}
	start := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	cfg := quiet(t, start, 1, 100_000)
	cfg.Campaigns = []load.Campaign{{Name: "launch", Category: "utility", Days: []string{"mon"}, At: "10:00", Audience: 1}}
	cfg.Blocking = blocking.Spec{PerTemplate: blocking.PerCategory{Utility: 1},
		MessagingLimit: blocking.LimitSpec{InitialTier: "250", Overflow: blocking.Delay}}
	res, days := heldRun(t, cfg)
	o := res.Outbound
	if o.TemplatesSent != 91_750 || o.LimitHeldAtEnd != 8_250 || o.LimitAfterHorizon != 91_500 || o.LimitDelayed != 99_750 {
		t.Errorf("counts %+v, want 91,750 sent, 91,500 of them after the horizon, 8,250 held at the end", o)
	}
	if o.Quality != "low" || o.MessagingLimit != "250" {
		t.Errorf("quality %s, limit %s at the horizon end; want low, 250", o.Quality, o.MessagingLimit)
	}
	var billable int64
	for _, d := range days {
		billable += d.Billable
	}
	if billable != 91_750 || res.BillableByCategory[pricing.Utility] != 91_750 {
		t.Errorf("%d billable over the days, %d in the run: want the 91,750 sent", billable, res.BillableByCategory[pricing.Utility])
	}
	if last := days[len(days)-1].Day; !last.Equal(time.Date(2026, 9, 2, 0, 0, 0, 0, time.UTC)) || res.DrainDays != 366 {
		t.Errorf("last day %v, %d drain days; want 2026-09-02, 366", last, res.DrainDays)
	}
}

// TestHeldWarmupTemplatesNotBilled: the warm-up's templates that the messaging limit
// still holds at Start take their room first, but are billed and counted nowhere, in
// the horizon or in the drain. Every customer blocks after a template, so the number
// stays at 250 a day: the warm-up's Monday campaign (2025-09-01) leaves 1,250 of its
// 3,000 held at Start (2025-09-08); the horizon's Monday asks for 3,000 more, which go
// behind them. Each of the horizon's 3,000 ends once: delivered and billed, lost to a
// customer who blocked, or still held at the drain's bound; the warm-up's are in
// none of these. Before the fix the drain billed the warm-up's too.
func TestHeldWarmupTemplatesNotBilled(t *testing.T) {
	start := time.Date(2025, 9, 8, 0, 0, 0, 0, time.UTC)
	cfg := quiet(t, start, 1, 3000)
	cfg.Warmup = 7 * 24 * model.Hour
	cfg.Campaigns = []load.Campaign{{Name: "launch", Category: "utility", Days: []string{"mon"}, At: "10:00", Audience: 1}}
	cfg.Blocking = blocking.Spec{PerTemplate: blocking.PerCategory{Utility: 1},
		MessagingLimit: blocking.LimitSpec{InitialTier: "250", Overflow: blocking.Delay}}
	res, days := heldRun(t, cfg)
	o := res.Outbound
	billed := res.BillableByCategory[pricing.Utility]
	if o.TemplatesSent+o.LimitHeldAtEnd != 3000 || billed+o.ReachLost+o.CapRefused+o.LimitFailed != o.TemplatesSent {
		t.Errorf("the horizon's 3,000: %d sent + %d held at the end; of the sent, %d billed + %d reach lost + %d capped + %d failed",
			o.TemplatesSent, o.LimitHeldAtEnd, billed, o.ReachLost, o.CapRefused, o.LimitFailed)
	}
	if o.Blocks > billed {
		t.Errorf("%d blocks counted from %d delivered templates: the warm-up's blocks are counted", o.Blocks, billed)
	}
	var dayBillable int64
	for _, d := range days {
		dayBillable += d.Billable
	}
	if r := rate(t, cfg.Start, pricing.Utility); dayBillable != billed || res.MessagingMicros != money.Micros(billed)*r {
		t.Errorf("days bill %d templates, the run %d at %d micros; want %d × %d", dayBillable, res.MessagingMicros, billed, billed, r)
	}
}
