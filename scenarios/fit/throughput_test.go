package fit

import (
	"math"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/model/market"
)

// TestWorkLogHolding: what the work log keeps of a conversation the team held.
// Customer a is answered at 10:05 and again at 10:12 (a handle time of 2 minutes
// after a's 10:10): held 10:05–10:12, one stretch. Customer b's message is "answered"
// at 10:30 by an order update, and the team's own text comes on day 3: the 2½ days
// between are not holding, so b counts two stretches of none (a notification alone,
// and a lone text). The held seconds are a's 7 minutes, and as the trace reads it no
// conversation waited through an hour.
func TestWorkLogHolding(t *testing.T) {
	src := records{
		userMsg("2025-03-03T10:00:00Z", "a", "BR"),
		text("2025-03-03T10:05:00Z", "a", "BR"),
		userMsg("2025-03-03T10:10:00Z", "a", "BR"),
		text("2025-03-03T10:12:00Z", "a", "BR"),
		userMsg("2025-03-03T10:20:00Z", "b", "BR"),
		template("2025-03-03T10:30:00Z", "b", "BR", model.Utility),
		text("2025-03-05T09:15:00Z", "b", "BR"),
	}
	e := &estimator{o: Options{Location: time.UTC, SessionGap: DefaultSessionGap, FollowUp: DefaultFollowUp}, users: map[string]int32{}, biz: map[string]struct{}{}, markets: market.Builtin()}
	var rec model.Record
	for src.Next(&rec) == nil {
		if err := e.add(&rec); err != nil {
			t.Fatal(err)
		}
	}
	for i := range e.u {
		e.release(&e.u[i])
	}
	w := &e.work
	var held, starts, pickups float64
	for h := range w.heldS {
		held += w.heldS[h]
		starts += w.starts[h]
		pickups += w.pickups[h]
	}
	if held != 7*60 {
		t.Errorf("held %v s, want a's 420 s", held)
	}
	if pickups != 2 || starts != 3 {
		t.Errorf("%v pickups, %v stretches: want a's and b's, and b's text on day 3 a stretch of its own", pickups, starts)
	}
	if w.handle.N() != 1 {
		t.Errorf("%d handle times, want a's one", w.handle.N())
	}
	var through int32
	for _, d := range w.through {
		through += d
		if through != 0 {
			t.Errorf("an hour waited through: %v", w.through)
			break
		}
	}
}

// TestBacklogSlots: hours on duty in which work waited through and the team took up
// work that had waited are the ones measured; the slots are the conversations held
// at once in them, a handle time before each stretch included.
func TestBacklogSlots(t *testing.T) {
	base := model.FromStd(time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC))
	w := &workLog{base: base}
	for range 40 {
		w.handle.Add(360) // six minutes
	}
	// 30 hours, 08:00–20:00 each day on duty; in every on-duty hour four pickups, three
	// of them old, and three conversations held through it.
	steps := agents.Staffing{Shifts: []agents.Shift{{Days: []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, Start: "08:00", End: "20:00", Headcount: 1}}}.
		Timeline(base, base+model.Time(10*24)*model.Hour, time.UTC).Steps
	w.grow(10 * 24)
	for d := range 10 {
		for h := 8; h < 20; h++ {
			i := d*24 + h
			w.pickups[i], w.old[i], w.starts[i], w.heldS[i] = 4, 3, 4, 3*3600
		}
	}
	w.through[0]++ // one conversation waits through every hour
	bl := w.backlog(steps, 0.5, time.Hour)
	if bl.OnDuty != 120 || bl.Hours != 120 || !bl.Applies {
		t.Fatalf("%d of %d hours behind, applies %v: want all 120", bl.Hours, bl.OnDuty, bl.Applies)
	}
	if want := 3 + 4*360/3600.0; math.Abs(bl.Slots-want) > 1e-9 || bl.Pickups != 4 {
		t.Errorf("slots %v, pickups %v: want %v, 4", bl.Slots, bl.Pickups, want)
	}
	// Mostly fresh work taken up: the team kept up, however long one conversation
	// waited.
	for i := range w.old {
		w.old[i] = 1
	}
	if bl := w.backlog(steps, 0.5, time.Hour); bl.Hours != 0 || bl.Applies {
		t.Errorf("%d hours behind, applies %v, with fresh work taken up", bl.Hours, bl.Applies)
	}
}
