package fit

import (
	"math"
	"sort"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/scenarios"
)

// workLog is what the estimate keeps of the team's work, hour by hour of the trace:
// the conversations it took up (first team replies; those that had waited since
// before the hour apart), the time it held conversations (stretches from a team
// reply to the last that followed, each within a session gap of the one before), and
// how many answered conversations waited through the hour untaken. It also keeps the
// delay of every team reply after a conversation's first: the customer's next message
// is answered by the agent holding the chat, after a handle time. Memory grows with
// the trace's hours, not its messages.
type workLog struct {
	base    model.Time // the hour of the first record
	pickups []float64  // first team replies, by hour from base
	old     []float64  // of pickups, those of conversations that started before the hour
	starts  []float64  // stretches of holding a conversation that began, by hour
	heldS   []float64  // conversation-seconds held, within stretches, by hour
	through []int32    // answered conversations that waited through the hour: differences
	handle  Samples    // team reply delays after the first reply: handle times
}

// maxWorkHours bounds the hours the work log follows (a scenario's longest horizon).
const maxWorkHours = maxDays * 24

func (w *workLog) hour(t model.Time) int { return int((t - w.base) / model.Hour) }

// grow makes room for hour h; false past maxWorkHours.
func (w *workLog) grow(h int) bool {
	if h < 0 || h >= maxWorkHours {
		return false
	}
	for len(w.pickups) <= h+1 {
		w.pickups = append(w.pickups, 0)
		w.old = append(w.old, 0)
		w.starts = append(w.starts, 0)
		w.heldS = append(w.heldS, 0)
		w.through = append(w.through, 0)
	}
	return true
}

// takeUp records a conversation started at start whose first team reply came at first.
func (w *workLog) takeUp(start, first model.Time) {
	h := w.hour(first)
	if !w.grow(h) {
		return
	}
	w.pickups[h]++
	w.starts[h]++
	if start < w.base+model.Time(h)*model.Hour {
		w.old[h]++
	}
	// The hours wholly inside (start, first): from the one after start's to the one
	// before first's.
	a, b := w.hour(start)+1, h-1
	if a <= b && a >= 0 {
		w.through[a]++
		w.through[b+1]--
	}
}

// resume records a stretch of holding a conversation that began at t with a team
// reply long after the one before (a first reply that was not the team's: a
// notification the trace cannot tell from a late reply).
func (w *workLog) resume(t model.Time) {
	if h := w.hour(t); w.grow(h) {
		w.starts[h]++
	}
}

// release records a stretch of holding a conversation, from the team reply that
// began it to the last.
func (w *workLog) release(first, last model.Time) {
	for a := first; a < last; {
		h := w.hour(a)
		if !w.grow(h) {
			return
		}
		e := min(last, w.base+model.Time(h+1)*model.Hour)
		w.heldS[h] += (e - a).Seconds()
		a = e
	}
}

// Backlog is what the team got through while work waited for it: the headcount a
// trace can show. In an hour on duty through which an answered conversation waited
// untaken, and in which the team took up mostly conversations that had waited since
// before it, a team that takes conversations up in order had every chat slot busy, so
// the conversations it held at once then are its slots (agents × concurrency). A
// conversation is held from a handle time before a team reply (an agent took it up)
// to the last team reply that followed with no gap over the session gap (the agent let
// it go): a first "reply" that was a notification, the team's own days later, is not
// days of holding. The trace cannot say how many chats an agent holds at once, only
// their sum.
type Backlog struct {
	OnDuty, Hours int           // hours wholly on duty in the trace, and of them those backlogged
	Pickups       float64       // conversations taken up per backlogged hour
	Handle        Fitted        // the team's replies after the first: the handle time
	HandleErr     error         // why Handle is missing
	Slots         float64       // conversations held at once, on average, in the backlogged hours
	gap           time.Duration // a stretch of holding a conversation ends after this long with no team message
	// Applies says the estimate stands: backlogged hours are at least minBacklogShare
	// of those on duty and at least minBacklogHours, and the handle time is fitted.
	Applies bool
	// Asked is the concurrency the user gave (fit --concurrency; 0: none), which only
	// the estimate uses: BacklogNote says so where it does not stand.
	Asked int
}

// minBacklogHours and minBacklogShare are the backlogged hours on duty the throughput
// estimate needs: with fewer, the team kept up with its customers most of the time,
// and what it got through says how many customers wrote, not how many agents it had.
const (
	minBacklogHours = 24
	minBacklogShare = 0.25
)

// backlog measures the team's slots in the hours on duty under steps in which
// answered work waited.
func (w *workLog) backlog(steps []agents.Step, zeroS float64, gap time.Duration) *Backlog {
	bl := &Backlog{gap: gap}
	bl.Handle, bl.HandleErr = w.handle.Fit(zeroS)
	handle := 0.0
	if bl.HandleErr == nil {
		handle = bl.Handle.MeanS
	}
	var waiting int32
	var picked, heldS float64
	for h := range w.pickups {
		waiting += w.through[h]
		from := w.base + model.Time(h)*model.Hour
		if !onDuty(steps, from, from+model.Hour) {
			continue
		}
		bl.OnDuty++
		// Behind: answered work waited through the hour, and what the team took up
		// in it was mostly work that had waited since before it. A conversation
		// "answered" late by a notification waits through hours while the team keeps
		// up; then the team takes up mostly conversations that have just come in.
		if waiting > 0 && w.pickups[h] > 0 && 2*w.old[h] >= w.pickups[h] {
			bl.Hours++
			picked += w.pickups[h]
			// The handle time before each stretch's first reply is held too (in the
			// reply's hour).
			heldS += w.heldS[h] + w.starts[h]*handle
		}
	}
	if bl.Hours == 0 {
		return bl
	}
	bl.Pickups = picked / float64(bl.Hours)
	bl.Slots = heldS / 3600 / float64(bl.Hours)
	bl.Applies = bl.HandleErr == nil && bl.Hours >= minBacklogHours &&
		float64(bl.Hours) >= minBacklogShare*float64(bl.OnDuty) && bl.Slots > 0
	return bl
}

// onDuty says agents are on duty under steps through the whole of [from, to).
func onDuty(steps []agents.Step, from, to model.Time) bool {
	p, ok := pickup(steps, from)
	if !ok || p != from {
		return false
	}
	for i := sort.Search(len(steps), func(i int) bool { return steps[i].At > from }); i < len(steps) && steps[i].At < to; i++ {
		if steps[i].Agents == 0 {
			return false
		}
	}
	return true
}

// sizeFromBacklog measures the team's throughput while work waited (Team.Backlog)
// over the horizon [from, to) in loc and, for a queue team whose trace shows a backlog,
// sizes it from that: the conversations held at once are its slots, concurrency
// (0: the default scenario's) chats an agent, and its handle time is the delay of
// the replies after a conversation's first. Elsewhere the team is left as fitTeam
// sized it.
func (t *Team) sizeFromBacklog(w *workLog, from, to time.Time, loc *time.Location, zeroS float64, gap time.Duration, concurrency int) {
	s := agents.Staffing{Shifts: []agents.Shift{(&Team{Days: t.Days, StartHour: t.StartHour, Hours: t.Hours, Headcount: 1}).Shift()}}
	steps := s.Timeline(model.FromStd(from), model.FromStd(to.AddDate(0, 0, 8)), loc).Steps
	t.Backlog = w.backlog(steps, zeroS, gap)
	t.Backlog.Asked = concurrency
	if t.RoundTheClock() || !t.Backlog.Applies {
		return
	}
	if concurrency <= 0 {
		concurrency = max(1, scenarios.Default().Agents.Concurrency)
	}
	t.Concurrency = concurrency
	t.Headcount = max(1, int(math.Round(t.Backlog.Slots/float64(concurrency))))
}

// FromBacklog says the team's headcount and handle time come from its throughput in a
// backlog (Team.Backlog), not from its waits.
func (t *Team) FromBacklog() bool {
	return t.Backlog != nil && t.Backlog.Applies && !t.RoundTheClock()
}
