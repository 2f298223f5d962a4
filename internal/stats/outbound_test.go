package stats

import (
	"math"
	"reflect"
	"testing"

	"github.com/spendsim/spendsim/internal/stats/statstest"
)

// TestOutboundSummary: blocks get a mean and a Student-t interval like spend: mean 14,
// sd 4, t(0.975, 2) = 4.3026527, half-width 4.3026527 × 4 / √3 = 9.936551; the final
// rating and limit are the most frequent; a point without outbound traffic has none.
func TestOutboundSummary(t *testing.T) {
	s, err := Summarize("x", statstest.OutboundRuns())
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
	runs := statstest.OutboundRuns()[:2]
	runs[1].Outbound.MessagingLimit = "unlimited"
	s, err = Summarize("x", runs)
	if err != nil {
		t.Fatal(err)
	}
	if o := s.Points[0].Outbound; o.Quality != "medium" || o.MessagingLimit != "2000" {
		t.Errorf("tie: quality %s, limit %s; want medium, 2000", o.Quality, o.MessagingLimit)
	}
}
