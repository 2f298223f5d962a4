package reports

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/spendsim/spendsim/sim"
)

// agentRuns is synthRuns with a bot and impatient customers at point 0: its three
// replications had 100, 120 and 140 bot replies, 40 conversations resolved by the bot
// each, and 3, 5 and 7 customers giving up; point 1 had neither.
func agentRuns() []sim.RunResult {
	runs := synthRuns(2, 3)
	for i := 0; i < 3; i++ {
		runs[i].BotReplies, runs[i].BotResolved, runs[i].Abandoned = int64(100+20*i), 40, int64(3+2*i)
	}
	return runs
}

// TestAgentsSummary: bot replies average 120 with sd 20, so the Student-t half-width
// is t(0.975, 2) × 20 / √3 = 4.3026527 × 11.547005 = 49.682755; giving up averages 5.
// A point without a bot or impatient customers has no agents section.
func TestAgentsSummary(t *testing.T) {
	s, err := Summarize("x", agentRuns())
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

// TestAgentsRoundTrip: runs.parquet keeps the bot's and the queue's counts, so a merged
// sweep summarises the same.
func TestAgentsRoundTrip(t *testing.T) {
	runs := agentRuns()
	p := filepath.Join(t.TempDir(), "runs.parquet")
	if err := WriteRuns(p, runs, testVersion); err != nil {
		t.Fatal(err)
	}
	back, err := ReadRuns(p, []string{runs[0].Params[0].Path, runs[0].Params[1].Path})
	if err != nil {
		t.Fatal(err)
	}
	for i := range runs {
		if b := back[i]; b.BotReplies != runs[i].BotReplies || b.BotResolved != runs[i].BotResolved || b.Abandoned != runs[i].Abandoned {
			t.Errorf("run %d: read back %d/%d/%d, wrote %d/%d/%d", i, b.BotReplies, b.BotResolved, b.Abandoned,
				runs[i].BotReplies, runs[i].BotResolved, runs[i].Abandoned)
		}
	}
}
