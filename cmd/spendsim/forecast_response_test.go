package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A desk held at one agent while customers grow 25% a month: about 60% busy in the
// first month, over 90% in the third, so the p90 wait grows from minutes to hours.
const growingDesk = `name: growing
seed: 5
start: 2026-08-01
replications: 3
forecast: {months: 3, growth_per_month: 0.25}
customers: {count: 2400, countries: [{country: BR, share: 1}]}
load: {conversations_per_customer_month: 2}
agents:
  handle_time: {dist: exponential, mean_s: 300}
  cost_per_hour: 10
  shifts: [{days: [mon, tue, wed, thu, fri, sat, sun], start: "00:00", end: "24:00", headcount: 1}]
`

type estimateJSON struct {
	Mean *float64 `json:"mean"`
	CI95 *struct {
		Low, High *float64
	} `json:"ci95"`
}

type responseJSON struct {
	Conversations estimateJSON `json:"conversations"`
	Answered      estimateJSON `json:"answered_share"`
	P90           estimateJSON `json:"first_response_p90_s"`
	MeetsSLA      string       `json:"meets_sla"`
}

// TestForecastResponseTimes: a forecast carries each month's first-response p90 (with
// its interval) and answered share, by the month the conversations arrived, counted as
// run counts them: the horizon's figures are run's own on the same scenario, and the
// months' conversations add up to them. --sla marks the months, and names the first
// that misses the target; the staffing stays the scenario's, so the growing base waits
// longer each month.
func TestForecastResponseTimes(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "grow.yaml", growingDesk)
	out := filepath.Join(dir, "f")
	code, stdout, stderr := spendsim(t, "forecast", sc, "--replications", "3", "--sla", "p90<=45m", "--out", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d:\n%s%s", code, stdout, stderr)
	}
	var f struct {
		Horizon struct {
			Response *responseJSON `json:"response"`
		} `json:"horizon"`
		Months []struct {
			Month    string        `json:"month"`
			Response *responseJSON `json:"response"`
		} `json:"months"`
		SLA *struct {
			Text        string   `json:"text"`
			Missed      []string `json:"months_missing"`
			FirstMissed string   `json:"first_month_missing"`
		} `json:"sla_target"`
	}
	data, err := os.ReadFile(filepath.Join(out, "forecast.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Months) != 3 || f.Horizon.Response == nil || f.SLA == nil {
		t.Fatalf("forecast.json has no response times or SLA verdict: %s", data)
	}
	var arrived float64
	for i, m := range f.Months {
		r := m.Response
		if r == nil || r.P90.Mean == nil || r.P90.CI95 == nil || r.Answered.Mean == nil || r.Conversations.Mean == nil {
			t.Fatalf("month %s: response %+v", m.Month, r)
		}
		arrived += *r.Conversations.Mean
		if i > 0 && !(*r.P90.Mean > *f.Months[i-1].Response.P90.Mean) {
			t.Errorf("p90 %s %.0f s not above %s's %.0f s: the same desk for more customers", m.Month, *r.P90.Mean, f.Months[i-1].Month, *f.Months[i-1].Response.P90.Mean)
		}
	}
	if d := arrived - *f.Horizon.Response.Conversations.Mean; math.Abs(d) > 1e-6 {
		t.Errorf("the months' conversations add up to %.3f, the horizon's %.3f", arrived, *f.Horizon.Response.Conversations.Mean)
	}
	first, last := f.Months[0].Response, f.Months[2].Response
	if first.MeetsSLA != "met" || last.MeetsSLA != "missed" || f.SLA.FirstMissed == "" || f.SLA.FirstMissed == f.Months[0].Month {
		t.Errorf("p90<=45m: first month %s (p90 %.0f s), last %s (p90 %.0f s), first missing %q",
			first.MeetsSLA, *first.P90.Mean, last.MeetsSLA, *last.P90.Mean, f.SLA.FirstMissed)
	}
	if !strings.Contains(stdout, "first response p90") || !strings.Contains(stdout, "p90<=45m is first missed in "+f.SLA.FirstMissed) ||
		!strings.Contains(stdout, "staffing is held as the scenario gives it") {
		t.Errorf("table:\n%s", stdout)
	}

	// run of the same scenario: the same replications, so the horizon's figures are its.
	rout := filepath.Join(dir, "r")
	if code, _, stderr := spendsim(t, "run", sc, "--out", rout, "-q"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	var s struct {
		Points []struct {
			SLA struct {
				P90      estimateJSON `json:"first_response_p90_s"`
				Answered estimateJSON `json:"answered_share"`
			} `json:"sla"`
		} `json:"points"`
	}
	data, err = os.ReadFile(filepath.Join(rout, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	h := f.Horizon.Response
	if got, want := *h.P90.Mean, *s.Points[0].SLA.P90.Mean; got != want || *h.P90.CI95.High != *s.Points[0].SLA.P90.CI95.High {
		t.Errorf("horizon p90 %v (to %v), run's %v (to %v)", got, *h.P90.CI95.High, want, *s.Points[0].SLA.P90.CI95.High)
	}
	if *h.Answered.Mean != *s.Points[0].SLA.Answered.Mean {
		t.Errorf("horizon answered %v, run's %v", *h.Answered.Mean, *s.Points[0].SLA.Answered.Mean)
	}

	// Without --sla: the figures, no verdict.
	code, stdout, stderr = spendsim(t, "forecast", sc, "--replications", "3", "--out", filepath.Join(dir, "f2"), "-q")
	if code != 0 || !strings.Contains(stdout, "first response p90") || strings.Contains(stdout, "first missed") {
		t.Errorf("no --sla: exit %d:\n%s%s", code, stdout, stderr)
	}
	// The in-window share is not estimated month by month.
	code, _, stderr = spendsim(t, "forecast", sc, "--sla", "in_window>=0.9", "--out", filepath.Join(dir, "f3"), "-q")
	if code != 2 || !strings.Contains(stderr, "p50, p90, p99 and answered") {
		t.Errorf("--sla in_window: exit %d: %s", code, stderr)
	}
}
