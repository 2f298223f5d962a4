package scenarios

import (
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
			`s.yaml:21: cost_per_hour: "8,50": the decimal separator is a dot (8.50); a comma may only group thousands (1,940.13)`},
		{"not an amount", []string{"cost_per_hour: 8", `cost_per_hour: 8.5.0`},
			`s.yaml:21: cost_per_hour: "8.5.0" is not a decimal amount`},
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
