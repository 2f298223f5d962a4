package agents

import (
	"math"
	"slices"
	"sort"
	"time"

	"github.com/spendsim/spendsim/model"
)

// Step is a point where the number of agents on duty changes.
type Step struct {
	At     model.Time
	Agents int // agents on duty from At until the next step
}

// Timeline is the number of agents on duty over a horizon, as steps.
type Timeline struct {
	Steps      []Step     // sorted; the first is at the horizon start
	AgentTime  model.Time // agent-time on duty over the horizon (agents × duration)
	HorizonEnd model.Time
}

// Timeline lays the shifts over [from, to) in loc: every step of the Cursor, and the
// agent-time they add up to.
func (s Staffing) Timeline(from, to model.Time, loc *time.Location) Timeline {
	c := s.Pattern().Cursor(from, to, loc)
	tl := Timeline{HorizonEnd: to}
	for st, ok := c.Next(); ok; st, ok = c.Next() {
		tl.Steps = append(tl.Steps, st)
	}
	tl.AgentTime = c.AgentTime()
	return tl
}

// Pattern is a team's shifts compiled for laying them out over time: each shift's
// weekdays and local minutes, the holidays as day numbers, and whether an ordinary
// week (no holiday, no change of UTC offset) keeps one headcount on duty throughout,
// as a 24/7 team does: then the Cursor goes over such weeks in one step.
type Pattern struct {
	rules    []rule
	holidays []int64 // model.DayNumber of each holiday, sorted, distinct
	steady   int     // agents on duty at every instant of an ordinary week; -1 when that varies
}

// rule is one shift as the timeline lays it.
type rule struct {
	days       uint8 // the weekdays it starts on: bit time.Weekday
	start, end int   // minutes after its day's local midnight; start < end < 2×1440
	headcount  int
}

// Pattern compiles s's shifts and holidays. Invalid entries (Validate reports them)
// are read as the timeline has always read them: a day name that does not parse is no
// day, a clock that does not parse is 00:00, a date that does not parse is no holiday.
func (s Staffing) Pattern() *Pattern {
	p := &Pattern{}
	for _, sh := range s.Shifts {
		if sh.Headcount == 0 {
			continue
		}
		r := rule{headcount: sh.Headcount}
		if len(sh.Days) == 0 {
			r.days = 1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday
		}
		for _, d := range sh.Days {
			if wd, ok := model.ParseWeekday(d); ok {
				r.days |= 1 << wd
			}
		}
		r.start, _ = parseClock(sh.Start)
		r.end, _ = parseClock(sh.End)
		if r.end <= r.start {
			r.end += 24 * 60 // ends the next day
		}
		if r.days != 0 {
			p.rules = append(p.rules, r)
		}
	}
	for _, h := range s.Holidays {
		if d, err := time.Parse(time.DateOnly, h); err == nil {
			p.holidays = append(p.holidays, model.DayNumber(d.Date()))
		}
	}
	slices.Sort(p.holidays)
	p.holidays = slices.Compact(p.holidays)
	p.steady = p.ordinaryWeek()
	return p
}

// ordinaryWeek is the headcount on duty at every minute of a week of ordinary days,
// or -1 if it changes: the shifts of days -2 to 7 laid on a clock of 1440-minute days
// (a shift ends before the end of the day after its own), counted over days 0 to 6.
func (p *Pattern) ordinaryWeek() int {
	const week = 7 * 24 * 60
	var cs []change
	for d := -2; d <= 7; d++ {
		for _, r := range p.rules {
			if r.days&(1<<((d+7)%7)) != 0 {
				cs = append(cs, change{model.Time(d*1440 + r.start), r.headcount}, change{model.Time(d*1440 + r.end), -r.headcount})
			}
		}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].at < cs[j].at })
	on, i := 0, 0
	for ; i < len(cs) && cs[i].at <= 0; i++ {
		on += cs[i].delta
	}
	steady := on // from minute 0
	for i < len(cs) && cs[i].at < week {
		for t := cs[i].at; i < len(cs) && cs[i].at == t; i++ {
			on += cs[i].delta
		}
		if on != steady {
			return -1
		}
	}
	return steady
}

// change is a shift starting (+headcount) or ending (-headcount) at an instant.
type change struct {
	at    model.Time
	delta int
}

// Cursor lays a Pattern over [from, to) in a time zone, one capacity change at a time:
// the number of agents on duty at from, then each instant it changes. Shifts are
// placed on local calendar days, so a 09:00 shift starts at 09:00 local time on both
// sides of a daylight-saving change (model.LocalClock moves a start the change skips
// forward); no shift starts on a holiday (one that began the evening before runs to
// its end); a shift ending at or after to adds no change at to.
//
// It walks the local days as they come, laying each day's shifts just before its
// changes are due, so a run of any length holds only a day or two of them; and where
// the Pattern keeps one headcount through ordinary weeks, it passes over every whole
// week up to the next holiday, offset change or the horizon end at once. The steps are
// those Staffing.Timeline has always given; TestCursorMatchesReference holds them to
// the day-by-day walk it replaced.
type Cursor struct {
	p        *Pattern
	days     model.Days
	from, to model.Time
	// next is the start of the next local day to lay (model.DayStart of its date);
	// bound is a time no change of that day or any later one comes before.
	next, bound model.Time
	pend        []change // laid and not yet passed, latest first
	on          int      // agents on duty after the changes passed
	last        Step     // the latest step returned
	started     bool
	done        bool
	agentTime   model.Time // agent-time from from to last.At
	laid        int64      // days laid one by one (the rest were skipped), for tests
}

// Cursor starts laying p over [from, to) in loc (nil: UTC).
func (p *Pattern) Cursor(from, to model.Time, loc *time.Location) *Cursor {
	c := &Cursor{p: p, days: model.NewDays(loc), from: from, to: to}
	// A shift of the day before may run into the horizon.
	c.setNext(c.days.Start(c.days.Of(from) - 1))
	return c
}

// Next is the next step: first the agents on duty at from, then each change, in time
// order. ok is false once the horizon holds no more.
func (c *Cursor) Next() (st Step, ok bool) {
	for !c.done {
		t, any := c.peek()
		if !c.started {
			c.started = true
			if any && t == c.from {
				c.pass(t)
			}
			c.last = Step{At: c.from, Agents: c.on}
			return c.last, true
		}
		if !any || t >= c.to {
			c.done = true
			c.agentTime += model.Time(c.last.Agents) * (c.to - c.last.At)
			break
		}
		c.pass(t)
		if c.on != c.last.Agents {
			c.agentTime += model.Time(c.last.Agents) * (t - c.last.At)
			c.last = Step{At: t, Agents: c.on}
			return c.last, true
		}
	}
	return Step{}, false
}

// AgentTime is the agent-time on duty over [from, to): agents × duration summed over
// the steps. It goes through the steps Next has not returned yet.
func (c *Cursor) AgentTime() model.Time {
	for _, ok := c.Next(); ok; _, ok = c.Next() {
	}
	return c.agentTime
}

// peek lays days until no day still to lay can change the count before the earliest
// change laid, and returns that change's time; false if none is left.
func (c *Cursor) peek() (model.Time, bool) {
	for c.next < c.to && (len(c.pend) == 0 || c.pend[len(c.pend)-1].at >= c.bound) {
		c.lay()
	}
	if len(c.pend) == 0 {
		return 0, false
	}
	return c.pend[len(c.pend)-1].at, true
}

// pass applies every change laid at t.
func (c *Cursor) pass(t model.Time) {
	for n := len(c.pend); n > 0 && c.pend[n-1].at == t; n-- {
		c.on += c.pend[n-1].delta
		c.pend = c.pend[:n-1]
	}
}

// setNext makes the day starting at t the next to lay. A day's clock readings all fall
// at or after the start of its date, whichever way a daylight-saving change turns
// them, so no change of it or a later day comes before bound.
func (c *Cursor) setNext(t model.Time) {
	c.next = t
	c.bound = min(t, c.days.Start(c.days.Of(t)))
}

// lay lays the shifts of the day starting at c.next (unless it is a holiday) and moves
// on to the next day, or over whole ordinary weeks (skip).
func (c *Cursor) lay() {
	n := c.days.Of(c.next) // its date
	if c.skip(n) {
		return
	}
	c.laid++
	if !c.p.holiday(n) {
		wd := model.WeekdayOf(n)
		for _, r := range c.p.rules {
			if r.days&(1<<wd) == 0 {
				continue
			}
			a := max(c.days.Clock(n, r.start), c.from)
			b := min(c.days.Clock(n, r.end), c.to)
			if a >= b {
				continue
			}
			c.add(a, r.headcount)
			if b < c.to { // the horizon end is not a step
				c.add(b, -r.headcount)
			}
		}
	}
	c.setNext(c.days.Start(n + 1))
}

// add lays a change, keeping pend latest first.
func (c *Cursor) add(at model.Time, delta int) {
	i := sort.Search(len(c.pend), func(i int) bool { return c.pend[i].at < at })
	c.pend = slices.Insert(c.pend, i, change{at, delta})
}

// skip passes over whole weeks from day n, the next to lay, when laying them could
// change nothing: the Pattern keeps one headcount through ordinary weeks, that many
// are on duty now, and every day from n-2 to the last one skipped has a linear clock
// (no offset change), is no holiday and lies inside the horizon, so no shift is cut
// at its ends. The changes still to pass are then those of day n-1 running into day
// n, and after 7w days the same shifts of the same weekday run into day n+7w: they
// move by 7w days, and the walk goes on at day n+7w.
func (c *Cursor) skip(n int64) bool {
	if c.p.steady < 0 || c.on != c.p.steady {
		return false
	}
	lo, hi := c.days.Linear(n - 2)
	off := c.days.Offset()
	if lo == hi || c.next != model.Time(n)*model.Day-off || model.Time(n-2)*model.Day-off < c.from {
		return false
	}
	// The last day skipped, n+7w-1, and day n+7w whose start must be the one laid
	// next: linear, no holiday, and day n+7w ends by to.
	last := min(hi-1, c.p.nextHoliday(n-2)-1, floorDiv(int64(c.to+off), int64(model.Day))-1)
	w := (last - n) / 7
	if w < 1 {
		return false
	}
	by := model.Time(7*w) * model.Day
	for i := range c.pend {
		c.pend[i].at += by
	}
	c.next += by
	c.bound += by
	return true
}

// holiday reports whether day n is a holiday.
func (p *Pattern) holiday(n int64) bool {
	_, ok := slices.BinarySearch(p.holidays, n)
	return ok
}

// nextHoliday is the first holiday on or after day n, or a day past every horizon.
func (p *Pattern) nextHoliday(n int64) int64 {
	i, _ := slices.BinarySearch(p.holidays, n)
	if i == len(p.holidays) {
		return math.MaxInt64 / int64(model.Day)
	}
	return p.holidays[i]
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// Duty answers, for times asked in increasing order, whether an agent is on duty and,
// when none is, how long until one is: the wait no headcount shortens, as nobody
// answers before the next shift starts.
type Duty struct {
	c       *Cursor
	cur     Step // the step holding the last time asked
	next    Step // the step after it, when hasNext
	hasNext bool
}

// Duty lays s's shifts from from on (over [from, to), to well past the last time to be
// asked, so that the next shift after it is found) in loc.
func (s Staffing) Duty(from, to model.Time, loc *time.Location) *Duty {
	d := &Duty{c: s.Pattern().Cursor(from, to, loc)}
	d.cur, _ = d.c.Next() // the agents on duty at from
	d.next, d.hasNext = d.c.Next()
	return d
}

// Wait is 0 and true when an agent is on duty at t, else the time from t until one is
// and false; Never when nobody comes on duty before the Duty's end. t is at or after
// the last time asked.
func (d *Duty) Wait(t model.Time) (wait model.Time, onDuty bool) {
	for d.hasNext && d.next.At <= t {
		d.cur = d.next
		d.next, d.hasNext = d.c.Next()
	}
	if d.cur.Agents > 0 {
		return 0, true
	}
	if !d.hasNext { // a step changes the count: after none on duty, some are
		return Never, false
	}
	return d.next.At - t, false
}

// Never is Duty.Wait's answer when nobody comes on duty again.
const Never = model.Time(math.MaxInt64)
