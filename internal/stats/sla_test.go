package stats

import (
	"math"
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

func iv(lo, hi float64) *Interval {
	return &Interval{Low: Num(lo), High: Num(hi)}
}

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
		target    SLA
		meeting   []int
		undecided []int // the interval reaches both sides of the limit
		cheapest  int   // -1: none
		how       string
	}{
		{SLA{Text: "p90<=1h", Metric: "p90", Limit: 3600}, []int{1, 2, 4}, []int{0}, 1, "judged on the upper end of the 95% interval"},
		{SLA{Text: "p90<=1000s", Metric: "p90", Limit: 1000}, []int{4}, []int{2}, 4, "judged on the upper end of the 95% interval"},
		{SLA{Text: "p90<=5m", Metric: "p90", Limit: 300}, []int{}, []int{}, -1, "judged on the upper end of the 95% interval"},
		// Floors: lower end at or over 0.95.
		{SLA{Text: "in_window>=0.95", Metric: "in_window", Limit: 0.95}, []int{0, 1, 2, 4}, []int{}, 0, "judged on the lower end of the 95% interval"},
		{SLA{Text: "in_window>=0.96", Metric: "in_window", Limit: 0.96}, []int{0, 2}, []int{1, 4}, 0, "judged on the lower end of the 95% interval"},
	} {
		s := Summary{Scenario: "t", Currency: "USD", Points: append([]PointSummary(nil), pts...)}
		if err := s.JudgeSLA(tc.target); err != nil {
			t.Fatal(err)
		}
		v := s.SLA
		if !slices.Equal(v.Meeting, tc.meeting) {
			t.Errorf("%s: meeting %v, want %v", tc.target.Text, v.Meeting, tc.meeting)
		}
		if !slices.Equal(v.Undecided, tc.undecided) {
			t.Errorf("%s: undecided %v, want %v", tc.target.Text, v.Undecided, tc.undecided)
		}
		for _, p := range s.Points {
			if s.UndecidedSLA(p.Point) != slices.Contains(tc.undecided, p.Point) {
				t.Errorf("%s: UndecidedSLA(%d) = %v", tc.target.Text, p.Point, s.UndecidedSLA(p.Point))
			}
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
	if err := s.JudgeSLA(SLA{Text: "p90<=1h", Metric: "p90", Limit: 3600}); err != nil {
		t.Fatal(err)
	}
	if s.SLA.JudgedOn != "mean" || s.SLA.Cheapest == nil || s.SLA.Cheapest.Point != 0 {
		t.Errorf("one replication: %+v", s.SLA)
	}
	if err := s.JudgeSLA(SLA{Text: "p95<=1h", Metric: "p95", Limit: 3600}); err == nil {
		t.Error("metric p95 accepted")
	}
}

// TestMetOnMeanOnly: an undecided estimate is named as one more replications may show
// to meet the target only when its mean meets it.
func TestMetOnMeanOnly(t *testing.T) {
	target := SLA{Text: "p90<=1h", Metric: "p90", Limit: 3600}
	for _, tc := range []struct {
		e                 Estimate
		undecided, onMean bool
	}{
		{Estimate{Mean: 3400, CI95: iv(3200, 3800)}, true, true},
		{Estimate{Mean: 3700, CI95: iv(3500, 3900)}, true, false},  // misses on its mean too
		{Estimate{Mean: 3000, CI95: iv(2800, 3600)}, false, false}, // met
		{Estimate{Mean: 3000}, false, false},                       // one replication: decided on the mean
		{Estimate{Mean: 4000, CI95: iv(3700, 4300)}, false, false}, // missed
	} {
		if got, on := target.Undecided(tc.e), target.MetOnMeanOnly(tc.e); got != tc.undecided || on != tc.onMean {
			t.Errorf("%+v %v: undecided %v, on its mean only %v; want %v, %v", tc.e, tc.e.CI95, got, on, tc.undecided, tc.onMean)
		}
	}
}

func TestParseSLA(t *testing.T) {
	s, err := ParseSLA("in_window >= 95%")
	if err != nil || s.Metric != "in_window" || s.Limit != 0.95 || s.Text != "in_window>=95%" {
		t.Errorf("in_window >= 95%%: %+v, %v", s, err)
	}
	s, err = ParseSLA("p99<=1h30m")
	if err != nil || s.Metric != "p99" || s.Limit != 5400 {
		t.Errorf("p99<=1h30m: %+v, %v", s, err)
	}
	for _, c := range []struct{ sla, want string }{
		{"p95<=1h", "want p50|p90|p99 <= DURATION"},
		{"p90>=1h", "a response time is a ceiling"},
		{"p90<=soon", "not a positive Go duration"},
		{"in_window<=0.9", "in_window is a floor"},
		{"in_window>=150%", "between 0% and 100%"},
	} {
		if _, err := ParseSLA(c.sla); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error saying %q", c.sla, err, c.want)
		}
	}
}

// TestParseSLAShares: README's grammar, in_window|answered >= SHARE with SHARE 0.95 or
// 95%: a fraction up to 1 or a percentage up to 100% (a floor of every conversation is
// a target; one of none is not). A number over 1 without % is not a share, and the
// error offers both readings; it said `"80" would be 8000% of the mean`, the wording
// of --precision, and `"1.0" would be 1.000% of the mean` for what is 100% (the
// support lead's review).
func TestParseSLAShares(t *testing.T) {
	for in, want := range map[string]float64{
		"answered>=98%": 0.98, "answered>=0.98": 0.98, "in_window>=1.0": 1, "in_window>=1": 1,
		"answered>=100%": 1, "in_window >= 0.5%": 0.005, "answered>=.9": 0.9,
	} {
		if s, err := ParseSLA(in); err != nil || math.Abs(s.Limit-want) > 1e-12 {
			t.Errorf("%q: %+v, %v; want limit %v", in, s, err, want)
		}
	}
	for in, want := range map[string]string{
		"answered>=80":      `"answered>=80": "80" is not a share: write 80% or 0.8`,
		"in_window>=1.5":    `"in_window>=1.5": "1.5" is not a share: write 1.5% or 0.015`,
		"answered>=lots":    `"answered>=lots": "lots" is not a share: write 95% or 0.95`,
		"answered>=0":       `"answered>=0": "0" must be between 0% and 100%, 0% excluded`,
		"in_window>=-5%":    `"in_window>=-5%": "-5%" must be between 0% and 100%, 0% excluded`,
		"in_window>=100.5%": `"in_window>=100.5%": "100.5%" must be between 0% and 100%, 0% excluded`,
	} {
		if _, err := ParseSLA(in); err == nil || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "of the mean") {
			t.Errorf("%q: %v, want %s…", in, err, want)
		}
	}
}

// TestParseSLAPercentiles: p50, p90 and p99 are the percentiles a summary estimates;
// any other pNN is refused naming them and what one means ("80% answered within a
// minute" would be p80<=1m, which spendsim cannot judge), and so is a target that
// names none.
func TestParseSLAPercentiles(t *testing.T) {
	for _, in := range []string{"p80<=1m", "P95 <= 1h", "p99.9<=1h"} {
		_, err := ParseSLA(in)
		if err == nil {
			t.Fatalf("%q accepted", in)
		}
		for _, want := range []string{"is not a percentile spendsim reports: the percentiles are p50, p90 and p99",
			"p90<=1m means 90% of conversations answered within a minute", "want p50|p90|p99 <= DURATION"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%q: %v\nwant it to say %q", in, err, want)
			}
		}
	}
	for _, in := range []string{"fast", "p90<1h"} {
		_, err := ParseSLA(in)
		if err == nil || !strings.Contains(err.Error(), "like p90<=1h: 90% of conversations answered within the hour") || strings.Contains(err.Error(), "not a percentile") {
			t.Errorf("%q: %v", in, err)
		}
	}
}

// TestSLAMet: a ceiling and a floor are inclusive; an unknown or infinite figure never
// meets a target and is never closer to it.
func TestSLAMet(t *testing.T) {
	p90 := SLA{Text: "p90<=1h", Metric: "p90", Limit: 3600}
	in := SLA{Text: "in_window>=0.95", Metric: "in_window", Limit: 0.95}
	for _, c := range []struct {
		t    SLA
		v    float64
		want bool
	}{
		{p90, 3600, true}, {p90, 3601, false}, {p90, math.NaN(), false}, {p90, math.Inf(1), false},
		{in, 0.95, true}, {in, 0.9, false}, {in, math.NaN(), false},
	} {
		if got := c.t.Met(c.v); got != c.want {
			t.Errorf("%s met by %v: %v, want %v", c.t.Text, c.v, got, c.want)
		}
	}
	if !p90.Better(10, 20) || p90.Better(math.NaN(), 20) || !p90.Better(20, math.NaN()) || !in.Better(0.9, 0.8) {
		t.Error("Better: lower is better for a ceiling, higher for a floor, and NaN never")
	}
	if got := p90.Format(9000); got != "2.5 h" {
		t.Errorf("Format(9000) = %q", got)
	}
	if got := in.Format(0.9731); got != "97.3%" {
		t.Errorf("Format(0.9731) = %q", got)
	}
}

// TestParseShare: a percentage or a fraction, strictly between 0 and 1.
func TestParseShare(t *testing.T) {
	for in, want := range map[string]float64{"2%": 0.02, "0.02": 0.02, " 95% ": 0.95} {
		if got, err := ParseShare(in); err != nil || math.Abs(got-want) > 1e-12 {
			t.Errorf("ParseShare(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"2", "0%", "x", "100%", "-1%"} {
		if _, err := ParseShare(bad); err == nil {
			t.Errorf("ParseShare(%q) accepted", bad)
		}
	}
	// --precision 1.0 is 100% of the mean, not "1.000%" (the percentage was the text
	// with "00" added).
	for in, want := range map[string]string{"1.0": `"1.0" would be 100% of the mean`, "2": `"2" would be 200% of the mean`} {
		if _, err := ParseShare(in); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("ParseShare(%q): %v, want %s…", in, err, want)
		}
	}
}

// TestDuration: the unit follows the magnitude, sign kept; NaN shows as asked.
func TestDuration(t *testing.T) {
	for s, want := range map[float64]string{90: "90 s", 2700: "45.0 min", 9000: "2.5 h", -5400: "-90.0 min"} {
		if got := Duration(s, "-"); got != want {
			t.Errorf("Duration(%v) = %q, want %q", s, got, want)
		}
	}
	if Seconds(math.NaN()) != "-" || Duration(math.NaN(), "–") != "–" {
		t.Error("unknown durations")
	}
}

// TestParseGrowth: a monthly growth reads as a percent or a share; a bare 5 is refused
// with both readings (an analyst's "5" meant 5%, and ran as +500% a month), and a
// growth of a doubling a month or more is out of range either way.
func TestParseGrowth(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64
		err  string
	}{
		{"3%", 0.03, ""}, {"0.03", 0.03, ""}, {"-2%", -0.02, ""}, {" 0 ", 0, ""}, {"99%", 0.99, ""},
		{"5", 0, `"5" would be +500% a month: write 5% or 0.05 for 5%`},
		{"-1", 0, `"-1" would be -100% a month: write -1% or -0.01 for -1%`},
		{"150%", 0, `"150%" must be above -100% and under +100% a month`},
		{"-100%", 0, `"-100%" must be above -100% and under +100% a month`},
		{"abc", 0, `"abc" is not a growth per month: write 3% or 0.03`},
		{"NaN", 0, `"NaN" is not a growth per month: write 3% or 0.03`},
	} {
		got, err := ParseGrowth(c.in)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("ParseGrowth(%q) = %v, %v; want error %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || math.Abs(got-c.want) > 1e-12 {
			t.Errorf("ParseGrowth(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}
