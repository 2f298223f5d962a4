package reports

import (
	"path/filepath"
	"testing"

	"github.com/spendsim/spendsim/internal/stats/statstest"
)

// TestAgentsRoundTrip: runs.parquet keeps the bot's and the queue's counts, so a merged
// sweep summarises the same.
func TestAgentsRoundTrip(t *testing.T) {
	runs := statstest.AgentRuns()
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
