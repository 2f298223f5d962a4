package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/table/tabletest"
)

// TestDrainIsSaid: the drain is billed (TestDrainIsStaffed) and said. One agent on
// heavy works a 14-day horizon's 80 hours (640 USD) and then weeks of shifts after it;
// the header, the plots' spend axis and report.html once said "14 days" of a spend
// that was mostly the drain's. Now the header and the axis read "14 days + drain", and
// the table, report.html and summary.json give each point's drain days and amounts:
// agents=1's drain staffing is its staffing less the horizon's 640 USD, its days those
// daily.parquet marks after_horizon.
func TestDrainIsSaid(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "heavy.yaml", heavy)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := spendsim(t, "run", sc, "--out", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"2025-09-01 + 14 days + drain (America/Sao_Paulo)", "\n+ drain: ", "\n  agents=1: up to "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the run table lacks %q:\n%s", want, stdout)
		}
	}
	var sum struct {
		Points []struct {
			Label          string
			StaffingMicros int64 `json:"staffing_micros"`
			Drain          *struct {
				DaysMax        int64 `json:"days_max"`
				StaffingMicros int64 `json:"staffing_micros"`
			}
		}
	}
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &sum); err != nil {
		t.Fatal(err)
	}
	one := sum.Points[0]
	if one.Label != "agents=1" || one.Drain == nil {
		t.Fatalf("point 0: %+v, want agents=1 with a drain", one)
	}
	if got, want := one.Drain.StaffingMicros, one.StaffingMicros-640_000_000; got != want {
		t.Errorf("agents=1: drain staffing %d micros, want staffing %d less the horizon's 640 USD = %d", got, one.StaffingMicros, want)
	}
	// Every run's drain days are its after_horizon days; agents=1's most is days_max.
	runs := tabletest.Read(t, filepath.Join(out, "runs.parquet"))
	days := tabletest.Read(t, filepath.Join(out, "daily.parquet"))
	after, afterMessaging := map[string]int64{}, map[string]int64{}
	for i := range days.Rows {
		if days.Value(t, i, "after_horizon").Boolean() {
			id := days.Value(t, i, "run_id").String()
			after[id]++
			afterMessaging[id] += days.Value(t, i, "messaging_micros").Int64()
		}
	}
	var most int64
	for i := range runs.Rows {
		id, n := runs.Value(t, i, "run_id").String(), runs.Value(t, i, "drain_days").Int64()
		if n != after[id] {
			t.Errorf("run %s: drain_days %d, daily.parquet has %d days after the horizon", id, n, after[id])
		}
		if m := runs.Value(t, i, "drain_messaging_micros").Int64(); m != afterMessaging[id] {
			t.Errorf("run %s: drain_messaging_micros %d, daily.parquet's days after the horizon %d", id, m, afterMessaging[id])
		}
		if runs.Value(t, i, "point").Int32() == 0 {
			most = max(most, n)
		}
	}
	var drainMessaging int64
	for _, m := range afterMessaging {
		drainMessaging += m
	}
	if drainMessaging == 0 {
		t.Error("no run sent a paid message after the horizon: the drain's messaging is not checked")
	}
	if most == 0 || one.Drain.DaysMax != most {
		t.Errorf("agents=1: days_max %d, its runs' most days after the horizon %d", one.Drain.DaysMax, most)
	}
	html, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), `<p id="drain">`) || !strings.Contains(string(html), "<li>agents=1: up to ") {
		t.Error("report.html does not say that the spend includes the drain")
	}
	for _, f := range []string{"spend_by_category.svg", "spend_vs_sla.svg"} {
		svg, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(svg), "14 days + drain") {
			t.Errorf("%s: the spend axis does not say 14 days + drain", f)
		}
	}
}
