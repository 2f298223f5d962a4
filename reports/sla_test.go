package reports

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// slaPoint is a sweep point with just what the SLA judgement reads: total cost and the
// p90 and in-window estimates (a nil interval: one replication).
func slaPoint(point int, totalMicros int64, p90 float64, p90CI *Interval, inWindow float64, inCI *Interval) PointSummary {
	p := PointSummary{Point: point, Label: "p" + string(rune('0'+point)), Replications: 1,
		TotalWithStaffingMicros: totalMicros, TotalWithStaffing: "x"}
	p.SLA.FirstResponseP90S = Estimate{Mean: Num(p90), CI95: p90CI}
	p.SLA.InWindowShare = Estimate{Mean: Num(inWindow), CI95: inCI}
	p.SLA.FirstResponseP50S = Estimate{Mean: Num(p90 / 2)}
	p.SLA.FirstResponseP99S = Estimate{Mean: Num(p90 * 2)}
	return p
}

func iv(lo, hi float64) *Interval { return &Interval{Low: Num(lo), High: Num(hi)} }

// TestJudgeSLA: a point meets a ceiling only if its interval's upper end does, a floor
// only if its lower end does; with one replication the mean decides; the cheapest
// meeting point wins, the lower point number on a tie; an unknown p90 never meets.
func TestJudgeSLA(t *testing.T) {
	pts := []PointSummary{
		// Mean 3000 s under a 3600 s ceiling, but the interval reaches 3700: not met.
		slaPoint(0, 100, 3000, iv(2300, 3700), 0.99, iv(0.98, 1)),
		// Interval up to exactly 3600: met (the ceiling is inclusive).
		slaPoint(1, 300, 3300, iv(3000, 3600), 0.97, iv(0.95, 0.99)),
		// Met, and as cheap as point 1... no, dearer by one micro.
		slaPoint(2, 301, 1000, iv(900, 1100), 0.999, iv(0.998, 1)),
		// No first response at all: unknown, never meets.
		slaPoint(3, 50, math.NaN(), nil, math.NaN(), nil),
		// Met at the same cost as point 1: point 1 stays the cheapest (lower number).
		slaPoint(4, 300, 600, iv(500, 700), 0.96, iv(0.951, 0.969)),
	}
	pts[3].SLA.FirstResponseP90S.CI95 = iv(math.NaN(), math.NaN())
	pts[3].SLA.InWindowShare.CI95 = iv(math.NaN(), math.NaN())
	for _, tc := range []struct {
		target   SLATarget
		meeting  []int
		cheapest int // -1: none
		how      string
	}{
		{SLATarget{Text: "p90<=1h", Metric: "p90", Limit: 3600}, []int{1, 2, 4}, 1, "judged on the upper end of the 95% interval"},
		{SLATarget{Text: "p90<=1000s", Metric: "p90", Limit: 1000}, []int{4}, 4, "judged on the upper end of the 95% interval"},
		{SLATarget{Text: "p90<=5m", Metric: "p90", Limit: 300}, []int{}, -1, "judged on the upper end of the 95% interval"},
		// Floors: lower end at or over 0.95.
		{SLATarget{Text: "in_window>=0.95", Metric: "in_window", Limit: 0.95}, []int{0, 1, 2, 4}, 0, "judged on the lower end of the 95% interval"},
		{SLATarget{Text: "in_window>=0.96", Metric: "in_window", Limit: 0.96}, []int{0, 2}, 0, "judged on the lower end of the 95% interval"},
	} {
		s := Summary{Scenario: "t", Currency: "USD", Points: append([]PointSummary(nil), pts...)}
		if err := s.JudgeSLA(tc.target); err != nil {
			t.Fatal(err)
		}
		v := s.SLA
		if !slices.Equal(v.Meeting, tc.meeting) {
			t.Errorf("%s: meeting %v, want %v", tc.target.Text, v.Meeting, tc.meeting)
		}
		switch {
		case tc.cheapest < 0 && v.Cheapest != nil:
			t.Errorf("%s: cheapest meeting %+v, want none", tc.target.Text, v.Cheapest)
		case tc.cheapest >= 0 && (v.Cheapest == nil || v.Cheapest.Point != tc.cheapest):
			t.Errorf("%s: cheapest meeting %+v, want point %d", tc.target.Text, v.Cheapest, tc.cheapest)
		}
		if v.JudgedOn != "ci95" || v.SLAJudgement() != tc.how {
			t.Errorf("%s: judged on %q: %q", tc.target.Text, v.JudgedOn, v.SLAJudgement())
		}
	}

	// One replication: no interval, the mean decides (3000 s ≤ 3600 s).
	one := slaPoint(0, 100, 3000, nil, 0.9, nil)
	s := Summary{Points: []PointSummary{one}}
	if err := s.JudgeSLA(SLATarget{Text: "p90<=1h", Metric: "p90", Limit: 3600}); err != nil {
		t.Fatal(err)
	}
	if s.SLA.JudgedOn != "mean" || s.SLA.Cheapest == nil || s.SLA.Cheapest.Point != 0 {
		t.Errorf("one replication: %+v", s.SLA)
	}
	if err := s.JudgeSLA(SLATarget{Text: "p95<=1h", Metric: "p95", Limit: 3600}); err == nil {
		t.Error("metric p95 accepted")
	}
}

func TestSLADisplay(t *testing.T) {
	for _, tc := range []struct {
		t    SLATarget
		want string
	}{
		{SLATarget{Text: "p90<=1h", Metric: "p90", Limit: 3600}, "p90 ≤ 1h"},
		{SLATarget{Text: "p99<=90s", Metric: "p99", Limit: 90}, "p99 ≤ 90s"},
		{SLATarget{Text: "in_window>=0.95", Metric: "in_window", Limit: 0.95}, "in_window ≥ 95%"},
		{SLATarget{Text: "in_window>=97.5%", Metric: "in_window", Limit: 0.975}, "in_window ≥ 97.5%"},
	} {
		if got := tc.t.Display(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.t.Text, got, tc.want)
		}
	}
}

// TestSpendVsSLAMarksTarget: the plot's legend names the cheapest point meeting the
// target and draws the p90 target, or says that no point meets it; report.html's table
// marks the same point and says the same.
func TestSpendVsSLAMarksTarget(t *testing.T) {
	runs := synthRuns(4, 3)
	base, err := Summarize("night-staff", runs)
	if err != nil {
		t.Fatal(err)
	}
	// A target every point meets: the highest upper end of a p90 interval.
	hi := 0.0
	for _, p := range base.Points {
		hi = math.Max(hi, math.Ceil(float64(p.SLA.FirstResponseP90S.CI95.High)))
	}
	met := fmt.Sprintf("p90<=%.0fs", hi)
	far := fmt.Sprintf("p90<=%.0fs", 1000*hi)
	disp := func(text string) string { return strings.Replace(text, "<=", " ≤ ", 1) }
	for _, tc := range []struct {
		name   string
		target SLATarget
		svg    []string // in the SVG's text
		html   string
	}{
		{"met", SLATarget{Text: met, Metric: "p90", Limit: hi}, []string{"cheapest meeting " + disp(met), "target " + disp(met)}, "Cheapest meeting the target " + disp(met)},
		{"none", SLATarget{Text: "p90<=1s", Metric: "p90", Limit: 1}, []string{"no point meets p90 ≤ 1s", "target p90 ≤ 1s"}, "No sweep point meets the target p90 ≤ 1s."},
		{"far", SLATarget{Text: far, Metric: "p90", Limit: 1000 * hi}, []string{"cheapest meeting " + disp(far), "target " + disp(far) + " (beyond the axis)"}, "Cheapest meeting the target " + disp(far)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim := testSimulation(runs, synthDays(runs, 30))
			sim.SLA = &tc.target
			dir := writeSimulation(t, sim)
			svg := string(readFile(t, filepath.Join(dir, SpendVsSLA+".svg")))
			for _, want := range tc.svg {
				if !strings.Contains(svg, want) {
					t.Errorf("SVG lacks %q", want)
				}
			}
			page := string(readFile(t, filepath.Join(dir, ReportFile)))
			if !strings.Contains(page, tc.html) {
				t.Errorf("report.html lacks %q", tc.html)
			}
			cheapestCells := strings.Count(page, `<td class="sla-best">yes, cheapest</td>`)
			if want := map[bool]int{true: 1, false: 0}[tc.name != "none"]; cheapestCells != want {
				t.Errorf("report.html marks %d rows as the cheapest meeting the target, want %d", cheapestCells, want)
			}
			summary := string(readFile(t, filepath.Join(dir, SummaryFile)))
			if !strings.Contains(summary, `"sla_target"`) {
				t.Error("summary.json has no sla_target")
			}
			keepPlots(t, dir, "sla-"+tc.name)
		})
	}
}
