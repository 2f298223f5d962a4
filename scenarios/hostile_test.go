package scenarios

import (
	"math"
	"os"
	"strings"
	"testing"
)

// smallWith is the embedded small scenario with old replaced by new (which must occur).
func smallWith(t *testing.T, repl ...string) []byte {
	t.Helper()
	src, err := os.ReadFile("examples/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	for i := 0; i < len(repl); i += 2 {
		if !strings.Contains(s, repl[i]) {
			t.Fatalf("small.yaml has no %q", repl[i])
		}
		s = strings.Replace(s, repl[i], repl[i+1], 1)
	}
	return []byte(s)
}

// TestHostileScenarios is issue 15's hostile-input corpus for scenario files: each case
// is the one-line error a user sees. Before the fix, cost_per_hour "8,50" was 850 an
// hour (38,250 of staffing for about 382.50).
func TestHostileScenarios(t *testing.T) {
	for _, c := range []struct {
		name string
		repl []string
		want string
	}{
		{"decimal comma", []string{"cost_per_hour: 8", `cost_per_hour: "8,50"`},
			`s.yaml:21:18: agents.cost_per_hour: "8,50": the decimal separator is a dot (8.50); a comma may only group thousands (1,940.13)`},
		{"not an amount", []string{"cost_per_hour: 8", `cost_per_hour: 8.5.0`},
			`s.yaml:21:18: agents.cost_per_hour: "8.5.0" is not a decimal amount`},
		// the same text in a field that is no amount (the description) is not the place
		{"decimal comma after the same text", []string{"cost_per_hour: 8", `cost_per_hour: "8,50"`, "description: One week, 5k customers in BR and IN, two weekday staffing levels", `description: "8,50"`},
			`s.yaml:21:18: agents.cost_per_hour: "8,50": the decimal separator is a dot (8.50); a comma may only group thousands (1,940.13)`},
	} {
		_, err := Parse(smallWith(t, c.repl...), "s.yaml")
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: %v\nwant %s", c.name, err, c.want)
		}
	}
	sc, err := Parse(smallWith(t, "cost_per_hour: 8", `cost_per_hour: "1,008.50"`), "s.yaml")
	if err != nil || sc.Agents.CostPerHour != 1_008_500_000 {
		t.Errorf("cost_per_hour 1,008.50: %v, %v", sc, err)
	}
}

// TestPointCountAndEstimate: the grid's size is counted without overflow (64 two-valued
// dimensions made 0 points and 3·2^63 panicked), and the estimate grows with each axis.
func TestPointCountAndEstimate(t *testing.T) {
	sc, err := Parse(smallWith(t), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if n := sc.PointCount(); n != 2 {
		t.Errorf("small: %d points, want 2", n)
	}
	big := *sc
	big.Sweep = nil
	for range 64 {
		big.Sweep = append(big.Sweep, Dimension{Path: "agents.concurrency", Values: Nums(1, 2)})
	}
	if n := big.PointCount(); n != math.MaxInt64 {
		t.Errorf("2^64 points counted %d, want saturated at MaxInt64", n)
	}
	if _, err := big.Points(); err == nil || err.Error() != "sweep: more than 9.2e18 points is more than 1000000" {
		t.Errorf("Points of 2^64: %v", err)
	}
	e := sc.Estimate(4)
	if e.Runs != 2 || e.Concurrent != 2 || e.Customers != 5000 || e.Events <= 0 || e.Bytes < processBytes {
		t.Errorf("small: %+v", e)
	}
	// Conversations: 5000 customers × 0.5 a month × 7/30 months.
	if want := 5000 * 0.5 * 7 / 30.0; math.Abs(e.Conversations-want) > 1e-6 {
		t.Errorf("small: %g conversations, want %g", e.Conversations, want)
	}
	more := *sc
	more.Customers.Count *= 10
	if m := more.Estimate(4); !(m.Bytes > e.Bytes) {
		t.Errorf("ten times the customers: %s, not more than %s", m, e)
	}
	if err := sc.CheckMemory("s.yaml", 1<<40, "--max-memory 1.0 TiB", 4, true); err != nil {
		t.Error(err)
	}
	if err := sc.CheckMemory("s.yaml", 1<<20, "--max-memory 1.0 MiB", 4, true); err == nil || !strings.HasPrefix(err.Error(), "s.yaml: needs up to ") {
		t.Errorf("past the limit: %v", err)
	}
}
