package sim_test

import (
	"runtime"
	"testing"

	"github.com/spendsim/spendsim/sim"
)

// BenchmarkRun is the event core on the M/M/c + 24-hour-window model: 1,000,000
// customers, 2 agents, arrivals 0.5/h, handle rate 0.3/h, every message billed under
// PMP 2025. One op is one customer conversation; the horizon grows with b.N. It reports
// conversations and events per second; allocs/op must be 0 (the steady state allocates
// nothing; the setup's few large slices round away over a long run).
func BenchmarkRun(b *testing.B) {
	hours := max(b.N*2, 1000) // 0.5 arrivals per hour
	cfg := mmc(b, 2, 0.5, 0.3, hours)
	b.ReportAllocs()
	b.ResetTimer()
	o, err := sim.Run(cfg, 1, sim.NewStats("bench", cfg.Start, cfg.End, cfg.Location))
	if err != nil {
		b.Fatal(err)
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(o.Conversations)/sec, "customers/s")
	b.ReportMetric(float64(o.Events)/sec, "events/s")
}

// TestRunLoopAllocations checks that allocations do not grow with the number of events:
// a run four times as long may allocate only what slices growing by doubling cost,
// not anything per event.
func TestRunLoopAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip()
	}
	measure := func(hours int) (mallocs uint64, events int64) {
		cfg := mmc(t, 2, 0.5, 0.3, hours)
		st := sim.NewStats("alloc", cfg.Start, cfg.End, cfg.Location)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		o, err := sim.Run(cfg, 1, st)
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		return after.Mallocs - before.Mallocs, o.Events
	}
	m1, e1 := measure(200_000)
	m4, e4 := measure(800_000)
	extra := float64(m4) - float64(m1)
	perEvent := extra / float64(e4-e1)
	t.Logf("%d events: %d mallocs; %d events: %d mallocs; %.6f mallocs per extra event", e1, m1, e4, m4, perEvent)
	if perEvent > 0.001 {
		t.Fatalf("%.4f allocations per event: the run loop allocates in its steady state", perEvent)
	}
}
