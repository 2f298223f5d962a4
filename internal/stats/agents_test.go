package stats

import (
	"math"
	"testing"

	"github.com/spendsim/spendsim/internal/stats/statstest"
)

// TestAgentsSummary: bot replies average 120 with sd 20, so the Student-t half-width
// is t(0.975, 2) × 20 / √3 = 4.3026527 × 11.547005 = 49.682755; giving up averages 5.
// A point without a bot or impatient customers has no agents section.
func TestAgentsSummary(t *testing.T) {
	s, err := Summarize("x", statstest.AgentRuns())
	if err != nil {
		t.Fatal(err)
	}
	a := s.Points[0].Agents
	if a == nil || s.Points[1].Agents != nil {
		t.Fatalf("agents %+v / %+v; want point 0 only", a, s.Points[1].Agents)
	}
	if a.BotReplies.Mean != 120 || a.BotReplies.CI95 == nil || math.Abs(float64(a.BotReplies.CI95.High)-(120+49.682755)) > 1e-5 {
		t.Errorf("bot replies %+v %+v, want 120 ± 49.682755", a.BotReplies, a.BotReplies.CI95)
	}
	if a.BotResolved.Mean != 40 || a.Abandoned.Mean != 5 {
		t.Errorf("bot resolved %v, abandoned %v; want 40 and 5", a.BotResolved.Mean, a.Abandoned.Mean)
	}
}
