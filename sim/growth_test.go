package sim_test

import (
	"math"
	"testing"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/load"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// growthRecorder counts customers' messages before and after a time, and the highest
// customer seen in each part.
type growthRecorder struct {
	at        sim.Time
	n         [2]int
	maxPair   [2]uint32
	noRecords // the rest of sim.Recorder
}

func (g *growthRecorder) Message(m *model.Message, _ *pricing.Charge) {
	if m.Direction != model.FromUser {
		return
	}
	i := 0
	if m.TS >= g.at {
		i = 1
	}
	g.n[i]++
	g.maxPair[i] = max(g.maxPair[i], m.Pair)
}

type noRecords struct{}

func (noRecords) Reply(sim.Time, sim.ReplyOutcome) {}
func (noRecords) Pickup(sim.Time, sim.Time)        {}
func (noRecords) FirstResponse(sim.Time, sim.Time) {}

// TestGrowth: from a growth step on, conversations arrive at the step's multiple of
// the base rate, and the customers who write include the ones the growth added.
func TestGrowth(t *testing.T) {
	cfg := mmc(t, 10, 8, 1, 24*20)
	half := cfg.Start + (cfg.End-cfg.Start)/2
	cfg.Growth = []load.Step{{At: half, Factor: 2}}
	rec := &growthRecorder{at: half}
	if _, err := sim.Run(cfg, 5, rec); err != nil {
		t.Fatal(err)
	}
	// About 1,920 arrivals before the step: the ratio's sd is about 4%.
	if r := float64(rec.n[1]) / float64(rec.n[0]); math.Abs(r-2) > 0.2 {
		t.Errorf("messages after / before the 2x step: %d / %d = %.3f, want about 2", rec.n[1], rec.n[0], r)
	}
	grown := uint32(sim.CustomersGrown(cfg.Customers, 2))
	if rec.maxPair[0] >= uint32(cfg.Customers) || rec.maxPair[1] < uint32(cfg.Customers) || rec.maxPair[1] >= grown {
		t.Errorf("highest customer before %d, after %d; base %d, grown %d", rec.maxPair[0], rec.maxPair[1], cfg.Customers, grown)
	}
}

// TestLevels: a level scales the rate at which conversations arrive, not the customer
// base: from the level on, twice the messages, from the same customers; with growth
// too, the two multiply.
func TestLevels(t *testing.T) {
	cfg := mmc(t, 10, 8, 1, 24*20)
	half := cfg.Start + (cfg.End-cfg.Start)/2
	cfg.Levels = []load.Step{{At: half, Factor: 2}}
	rec := &growthRecorder{at: half}
	if _, err := sim.Run(cfg, 5, rec); err != nil {
		t.Fatal(err)
	}
	if r := float64(rec.n[1]) / float64(rec.n[0]); math.Abs(r-2) > 0.2 {
		t.Errorf("messages after / before the 2x level: %d / %d = %.3f, want about 2", rec.n[1], rec.n[0], r)
	}
	if rec.maxPair[1] >= uint32(cfg.Customers) {
		t.Errorf("customer %d wrote after the level; the base has %d", rec.maxPair[1], cfg.Customers)
	}
	cfg.Growth = []load.Step{{At: half, Factor: 1.5}}
	rec = &growthRecorder{at: half}
	if _, err := sim.Run(cfg, 5, rec); err != nil {
		t.Fatal(err)
	}
	if r := float64(rec.n[1]) / float64(rec.n[0]); math.Abs(r-3) > 0.3 {
		t.Errorf("messages after / before 1.5x growth at a 2x level: %d / %d = %.3f, want about 3", rec.n[1], rec.n[0], r)
	}
}
