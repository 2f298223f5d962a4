package scenarios

import (
	"bytes"
	"fmt"
	"io/fs"
	"strings"
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
	f.Add([]byte(strings.Replace(base, "headcount: 0", "headcount: -1", 1) + "sweep:\n  - {path: agents.concurrency, values: [0, 2]}\n"))
	// Anchors, aliases and merges, whose problems are placed at the aliases.
	f.Add([]byte(strings.Replace(base, "{start: \"09:00\", end: \"17:00\", headcount: 1}", "&day {start: &t \"09:00\", end: \"17:00\", headcount: x}\n    - {<<: [*day], headcount: *t}\n    - *day", 1)))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Parse(data, "fuzz.yaml")
		if err != nil {
			se, ok := err.(*Error)
			if !ok {
				t.Fatalf("error of type %T, want *Error: %v", err, err)
			}
			// A problem's position is inside the document, its lines counted as the
			// parser breaks them (a bare CR ends a line too), the empty line after a
			// final break included, as an editor shows it.
			lines := yamlLines(append(bytes.Clone(data), '.'))
			for _, p := range se.Problems {
				var line, col int
				if n, _ := fmt.Sscanf(p, "fuzz.yaml:%d:%d:", &line, &col); n == 2 && (line < 1 || line > lines || col < 1) {
					t.Fatalf("%q: position outside the %d lines", p, lines)
				}
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
