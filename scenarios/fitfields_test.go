package scenarios

import (
	"context"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/sim"
)

// levelsYAML: a week of 5,000 customers with a three-day surge at four times the base
// rate, and a team that never takes up 40% of the conversations; both swept.
const levelsYAML = `
name: levels
seed: 3
start: 2025-09-01
days: 7
timezone: America/Sao_Paulo
customers:
  count: 5000
  countries: [{country: BR, share: 1}]
load:
  conversations_per_customer_month: 2
  levels:
    - {from: 2025-09-03, to: 2025-09-05, factor: 4}
agents:
  response_time: {dist: exponential, mean_s: 600}
  ignore_share: 0.4
sweep:
  - {path: "load.levels[0].factor", name: surge, values: [1, 4]}
  - {path: agents.ignore_share, name: ignore, values: [0, 0.4]}
`

// TestLevelsScenario: load.levels and agents.ignore_share parse, resolve, sweep and
// run: the surge point has about (4 + 4×3) / 7 ≈ 2.3 times the conversations of the
// flat one (4 days at the base, 3 at four times it: 16 base days against 7), and
// ignoring 40% leaves about 40% unanswered.
func TestLevelsScenario(t *testing.T) {
	sc, err := Parse([]byte(levelsYAML), "levels.yaml")
	if err != nil {
		t.Fatal(err)
	}
	jobs, err := sc.Jobs(sc.Seed, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := sim.RunAll(context.Background(), jobs, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]sim.RunResult{}
	for _, r := range res {
		byID[r.RunID] = r
	}
	flat, surge := byID["surge=1,ignore=0"], byID["surge=4,ignore=0"]
	if r := float64(surge.Conversations) / float64(flat.Conversations); r < 16.0/7*0.93 || r > 16.0/7*1.07 {
		t.Errorf("conversations with the surge / without: %d / %d = %.3f, want about %.3f", surge.Conversations, flat.Conversations, r, 16.0/7)
	}
	ign := byID["surge=4,ignore=0.4"]
	if share := float64(ign.Unanswered) / float64(ign.Conversations); share < 0.37 || share > 0.43 {
		t.Errorf("unanswered share with ignore_share 0.4: %d of %d = %.3f, want about 0.4", ign.Unanswered, ign.Conversations, share)
	}
	if surge.Unanswered > surge.Conversations/50 {
		t.Errorf("unanswered with ignore_share 0: %d of %d", surge.Unanswered, surge.Conversations)
	}
}

func TestLevelsValidate(t *testing.T) {
	bad := strings.Replace(levelsYAML, "to: 2025-09-05", "to: 2025-09-02", 1)
	_, err := Parse([]byte(bad), "bad.yaml")
	if err == nil || !strings.Contains(err.Error(), "bad.yaml:13:30: load.levels[0].to: 2025-09-02 is before from (2025-09-03)") {
		t.Errorf("got %v", err)
	}
}

// TestTailSweep: a response time with a tail parses, and a sweep of the tail's share
// gives each point its own tail and leaves the scenario's alone.
func TestTailSweep(t *testing.T) {
	y := strings.Replace(levelsYAML, "response_time: {dist: exponential, mean_s: 600}",
		"response_time: {dist: lognormal, mean_s: 600, sd_s: 900, tail: {share: 0.3, dist: lognormal, mean_s: 90000, sd_s: 200000}}", 1)
	y = y[:strings.Index(y, "sweep:")] + "sweep:\n  - {path: agents.response_time.tail.share, name: tail, values: [0.1, 0.5]}\n"
	sc, err := Parse([]byte(y), "tail.yaml")
	if err != nil {
		t.Fatal(err)
	}
	points, err := sc.Points()
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 2 || points[0].Scenario.Agents.ResponseTime.Tail.Share != 0.1 || points[1].Scenario.Agents.ResponseTime.Tail.Share != 0.5 {
		t.Fatalf("points %+v", points)
	}
	if sc.Agents.ResponseTime.Tail.Share != 0.3 {
		t.Errorf("the sweep changed the scenario's tail share to %v", sc.Agents.ResponseTime.Tail.Share)
	}
	bad := strings.Replace(y, "share: 0.3", "share: 1", 1)
	if _, err := Parse([]byte(bad), "bad.yaml"); err == nil || !strings.Contains(err.Error(), "agents.response_time.tail.share: must be a share between 0 and 1 (both excluded), got 1") {
		t.Errorf("tail share 1: %v", err)
	}
}
