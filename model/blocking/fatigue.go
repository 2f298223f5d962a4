package blocking

import (
	"math"

	"github.com/spendsim/spendsim/model"
)

// FatigueMemory is how many template times Fatigue keeps per customer: a user who got
// more in 7 days counts as having got this many.
const FatigueMemory = 8

// Week is the fatigue and quality look-back.
const Week = 7 * model.Day

// BlockProbability is the chance that a user blocks right after a template:
// base × (1 + fatigue × n7), capped at 1, where n7 is how many templates the user got
// in the previous 7 days.
func BlockProbability(base, fatigue float64, n7 int) float64 {
	return math.Min(1, base*(1+fatigue*float64(n7)))
}

// Fatigue remembers, per customer, the times of their last FatigueMemory templates to
// the second, in one flat slice (4 bytes a slot): memory per customer, not per message.
type Fatigue struct {
	start model.Time // times are stored as seconds after start, plus 1; 0 = empty slot
	slots []uint32
}

// NewFatigue keeps customers' template times from start on.
func NewFatigue(customers int, start model.Time) *Fatigue {
	return &Fatigue{start: start, slots: make([]uint32, customers*FatigueMemory)}
}

func (f *Fatigue) stamp(t model.Time) uint32 {
	return uint32((t-f.start)/model.Second) + 1
}

// Count is how many templates customer c got in the 7 days before t: at instants in
// (t − 7 d, t], to the second.
func (f *Fatigue) Count(c int32, t model.Time) int {
	from := f.stamp(t - Week)
	if t-Week < f.start {
		from = 0
	}
	n := 0
	for _, s := range f.slots[int(c)*FatigueMemory : (int(c)+1)*FatigueMemory] {
		if s != 0 && s > from {
			n++
		}
	}
	return n
}

// Add records a template to customer c at t, over its oldest remembered one.
func (f *Fatigue) Add(c int32, t model.Time) {
	ring := f.slots[int(c)*FatigueMemory : (int(c)+1)*FatigueMemory]
	oldest := 0
	for i, s := range ring {
		if s < ring[oldest] {
			oldest = i
		}
	}
	ring[oldest] = f.stamp(t)
}
