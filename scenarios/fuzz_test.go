package scenarios

import (
	"io/fs"
	"testing"
)

// FuzzParse: no input makes the scenario loader panic, and a scenario it accepts
// always expands into points and resolves into engine configurations.
func FuzzParse(f *testing.F) {
	entries, _ := fs.ReadDir(examples, "examples")
	for _, e := range entries {
		data, _ := fs.ReadFile(examples, "examples/"+e.Name())
		f.Add(data)
	}
	f.Add([]byte(base))
	f.Add([]byte(base + "sweep:\n  - {path: \"agents.shifts[0].headcount\", values: [1, 2]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Parse(data, "fuzz.yaml")
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T, want *Error: %v", err, err)
			}
			return
		}
		if sc.Customers.Count > 1_000_000 || len(sc.Sweep) > 3 {
			return // valid but too big to expand in a fuzz iteration
		}
		pts, err := sc.Points()
		if err != nil {
			return
		}
		for _, p := range pts[:min(len(pts), 4)] {
			if _, err := p.Scenario.Config(nil); err != nil {
				t.Fatalf("accepted scenario does not resolve: %v", err)
			}
		}
	})
}
