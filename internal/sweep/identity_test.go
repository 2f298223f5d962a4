package sweep

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/scenarios"
)

// TestIdentityDiff: what differs between two sweeps is named as a scenario file names it,
// with both values, and rate files by the flag that gave them.
func TestIdentityDiff(t *testing.T) {
	id := func(yaml string, files ...pricing.File) *Identity {
		t.Helper()
		sc, err := scenarios.Parse([]byte(yaml), "sweep.yaml")
		if err != nil {
			t.Fatal(err)
		}
		o := &pricing.Overlay{Files: files}
		if len(files) > 0 {
			o.Digest = files[0].SHA256[:4]
		} else {
			o = nil
		}
		x, err := identityOf(sc, o)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	base := id(sweepScenario)
	for _, c := range []struct {
		name string
		b    *Identity
		want string
	}{
		{"same", id(sweepScenario), ""},
		{"replications alone", id(strings.Replace(sweepScenario, "replications: 3", "replications: 5", 1)), ""},
		{"seed", id(strings.Replace(sweepScenario, "seed: 11", "seed: 12", 1)), "seed: 11 in a, 12 in b"},
		{"a headcount", id(strings.Replace(sweepScenario, "headcount: 1}", "headcount: 2}", 1)), "agents.shifts[0].headcount: 1 in a, 2 in b"},
		{"a list", id(strings.Replace(sweepScenario, "values: [1, 2]", "values: [1, 2, 5]", 1)), "sweep[0].values: [1,2] in a, [1,2,5] in b"},
		{"rates", id(sweepScenario, pricing.File{Role: "rates", Path: "my.csv", SHA256: "abcdef0123456789abcdef"}), "--rates: none in a, my.csv (sha256 abcdef012345…) in b"},
	} {
		if got := identityDiff(base, c.b, "in a", "in b"); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	var raw json.RawMessage = []byte(`{"Name": "x"}`)
	if got, want := ScenarioSHA256(raw), ScenarioSHA256([]byte(`{"Name":"x"}`)); got != want {
		t.Errorf("the scenario's SHA-256 depends on its indentation: %s, %s", got, want)
	}
}
