package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// optScenario less its night shift: nobody on duty from 00:00 to 08:00, when a third
// of the conversations arrive (the load is flat over the day).
var twoShifts = strings.Replace(strings.Replace(optScenario, "name: opt", "name: twoshift", 1),
	`    - {name: night, days: [mon, tue, wed, thu, fri, sat, sun], start: "00:00", end: "08:00", headcount: 1}
`, "", 1)

// TestOptimizeShiftsMustChange: a third of the conversations arrive with nobody on
// duty, up to 8 hours before the morning shift, so their wait alone puts p90 over an
// hour at any headcount. optimize says so, names the share, tells the user to change
// the shifts rather than raise --max-headcount, and writes optimize.json with every
// plan tried, no best and the off-duty figures. With a night shift the advice stays
// to raise the cap.
func TestOptimizeShiftsMustChange(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "two.yaml", twoShifts)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := spendsim(t, "optimize", sc, "--sla", "p90<=1h", "--max-headcount", "4", "-r", "2", "--out", out, "-q")
	if code != 1 || !strings.Contains(stderr, "cannot be met by any headcount") ||
		!strings.Contains(stderr, "of conversations arrive while no shift is on duty") ||
		!strings.Contains(stderr, "the shifts, not the headcount, must change") || strings.Contains(stderr, "raise --max-headcount") {
		t.Errorf("exit %d:\n%s%s", code, stdout, stderr)
	}
	var res struct {
		Best    *struct{} `json:"best"`
		OffDuty *struct {
			Share struct {
				Mean float64 `json:"mean"`
			} `json:"share"`
			FloorS *struct {
				Mean float64 `json:"mean"`
			} `json:"floor_s"`
			ShiftsMustChange bool `json:"shifts_must_change"`
		} `json:"off_duty"`
		Evaluated []struct {
			OffDutyShare *float64 `json:"off_duty_share"`
		} `json:"evaluated"`
	}
	data, err := os.ReadFile(filepath.Join(out, "optimize.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	od := res.OffDuty
	if res.Best != nil || od == nil || !od.ShiftsMustChange || od.Share.Mean < 0.28 || od.Share.Mean > 0.39 ||
		od.FloorS == nil || od.FloorS.Mean < 3600 || len(res.Evaluated) == 0 || res.Evaluated[0].OffDutyShare == nil {
		t.Errorf("optimize.json: %s", data)
	}

	// run's SLA line says the same of the point.
	code, stdout, stderr = spendsim(t, "run", sc, "--sla", "p90<=1h", "--out", filepath.Join(dir, "run"), "-q")
	if code != 0 || !strings.Contains(stdout, "no point meets p90<=1h") || !strings.Contains(stdout, "the shifts, not the headcount, must change") {
		t.Errorf("run: exit %d:\n%s%s", code, stdout, stderr)
	}

	// Round the clock: nobody waits for a shift, and the advice is the cap's.
	full := writeFile(t, dir, "opt.yaml", optScenario)
	code, _, stderr = spendsim(t, "optimize", full, "--sla", "p90<=5m", "--max-headcount", "3", "-r", "1", "--out", filepath.Join(dir, "out3"))
	if code != 1 || !strings.Contains(stderr, "raise --max-headcount") || strings.Contains(stderr, "shifts, not the headcount") ||
		strings.Contains(stderr, "no shift is on duty") {
		t.Errorf("24/7: exit %d: %s", code, stderr)
	}
}
