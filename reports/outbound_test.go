package reports

import (
	"math"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/spendsim/spendsim/sim"
)

// outboundRuns is synthRuns with notifications and blocking: point 0's three
// replications blocked 10, 14 and 18 users and ended high, medium, medium at the 2K
// and 10K limits; point 1 had none of it.
func outboundRuns() []sim.RunResult {
	runs := synthRuns(2, 3)
	for i, q := range []string{"high", "medium", "medium"} {
		runs[i].Outbound = sim.OutboundCounts{TemplatesSent: 1000, Blocks: int64(10 + 4*i), ReachLost: int64(5 * i),
			LimitDelayed: 7, CapRefused: int64(i), TemplateReplies: 40, Quality: q, MessagingLimit: []string{"2000", "10000", "2000"}[i]}
	}
	return runs
}

// TestOutboundSummary: blocks get a mean and a Student-t interval like spend: mean 14,
// sd 4, t(0.975, 2) = 4.3026527, half-width 4.3026527 × 4 / √3 = 9.936551; the final
// rating and limit are the most frequent; a point without outbound traffic has none.
func TestOutboundSummary(t *testing.T) {
	s, err := Summarize("x", outboundRuns())
	if err != nil {
		t.Fatal(err)
	}
	o := s.Points[0].Outbound
	if o == nil || s.Points[1].Outbound != nil {
		t.Fatalf("outbound %+v / %+v; want point 0 only", o, s.Points[1].Outbound)
	}
	if o.Blocks.Mean != 14 || o.Blocks.CI95 == nil || math.Abs(float64(o.Blocks.CI95.High)-(14+9.936551)) > 1e-6 ||
		math.Abs(float64(o.Blocks.CI95.Low)-(14-9.936551)) > 1e-6 {
		t.Errorf("blocks %+v %+v, want 14 ± 9.936551", o.Blocks, o.Blocks.CI95)
	}
	if o.ReachLost.Mean != 5 || o.TemplatesSent.Mean != 1000 || o.TemplatesSent.CI95.Low != 1000 {
		t.Errorf("reach lost %v, templates sent %v %+v", o.ReachLost.Mean, o.TemplatesSent.Mean, o.TemplatesSent.CI95)
	}
	if o.Quality != "medium" || !reflect.DeepEqual(o.QualityRuns, map[string]int64{"high": 1, "medium": 2}) ||
		o.MessagingLimit != "2000" || !reflect.DeepEqual(o.MessagingLimitRuns, map[string]int64{"2000": 2, "10000": 1}) {
		t.Errorf("quality %s %v, limit %s %v", o.Quality, o.QualityRuns, o.MessagingLimit, o.MessagingLimitRuns)
	}
	// A tie goes to the worse: lower quality, lower limit.
	runs := outboundRuns()[:2]
	runs[1].Outbound.MessagingLimit = "unlimited"
	s, err = Summarize("x", runs)
	if err != nil {
		t.Fatal(err)
	}
	if o := s.Points[0].Outbound; o.Quality != "medium" || o.MessagingLimit != "2000" {
		t.Errorf("tie: quality %s, limit %s; want medium, 2000", o.Quality, o.MessagingLimit)
	}
}

// TestOutboundRoundTrip: runs.parquet keeps every outbound count and the final rating
// and limit, so a merged sweep summarises the same.
func TestOutboundRoundTrip(t *testing.T) {
	runs := outboundRuns()
	p := filepath.Join(t.TempDir(), "runs.parquet")
	if err := WriteRuns(p, runs, testVersion); err != nil {
		t.Fatal(err)
	}
	back, err := ReadRuns(p, []string{runs[0].Params[0].Path, runs[0].Params[1].Path})
	if err != nil {
		t.Fatal(err)
	}
	for i := range runs {
		if back[i].Outbound != runs[i].Outbound {
			t.Errorf("run %d: %+v back, wrote %+v", i, back[i].Outbound, runs[i].Outbound)
		}
	}
}
