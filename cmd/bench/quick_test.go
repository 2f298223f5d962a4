//go:build benchsmoke

// The benchmark harness's smoke test builds spendsim and runs every measurement at its
// smallest size: a minute of two cores, so it stays out of the default `go test ./...`.
// CI runs it: go test -tags benchsmoke -run TestQuick ./cmd/bench

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQuick runs `bench --quick` end to end, as CI does, and checks that every part
// reported its figures and that the reference loop models the same queue as sim.Run.
func TestQuick(t *testing.T) {
	out := filepath.Join(t.TempDir(), "bench.json")
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"--quick", "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, &stdout, &stderr)
	}
	t.Logf("\n%s", &stdout)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range rep.Figures {
		got[f.Name] = f.Value
	}
	for _, name := range []string{
		"sim.Run: events", "container/heap reference: events", "core / reference (events/s)", "core / plain loop (customers per CPU-s)",
		"decode only (trace reader)", "replay pmp-2025 / decode", "replay cbp-2023 / decode",
		"peak RSS replay pmp-2025", "wall time of this run",
		fmt.Sprintf("speedup at %d workers", rep.Machine.GOMAXPROCS),
	} {
		v, ok := got[name]
		if !ok || v <= 0 || math.IsInf(v, 0) {
			t.Errorf("figure %q = %v (present %v), want a positive number", name, v, ok)
		}
	}
	// At 200,000 conversations the late-reply share scatters by about one point
	// between seeds; both runs are seeded, so this only fails if the models differ.
	core, ref := got["late-reply share, sim.Run"], got["late-reply share, reference (same model)"]
	if core < 5 || math.Abs(core-ref) > 3 {
		t.Errorf("late-reply share: sim.Run %.2f%%, reference %.2f%%: the two loops do not model the same queue", core, ref)
	}
	if !strings.Contains(stdout.String(), "MET") && !strings.Contains(stdout.String(), "MISSED") {
		t.Errorf("no verdicts in the table:\n%s", &stdout)
	}
}
