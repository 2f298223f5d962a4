package agents

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
)

// referenceTimeline is the day-by-day walk the Cursor replaced, kept word for word as
// the reference the Cursor is held to: every local day from the one before from,
// every shift on it, all changes sorted, merged and thinned to the changes of count.
func referenceTimeline(s Staffing, from, to model.Time, loc *time.Location) Timeline {
	type change struct {
		at    model.Time
		delta int
	}
	var cs []change
	type date struct {
		y int
		m time.Month
		d int
	}
	closed := map[date]bool{}
	for _, h := range s.Holidays {
		if d, err := time.Parse(time.DateOnly, h); err == nil { // Validate reports the others
			closed[date{d.Year(), d.Month(), d.Day()}] = true
		}
	}
	first := from.In(loc)
	day0 := model.DayStart(first.Year(), first.Month(), first.Day()-1, loc) // a shift from the day before may run into the horizon
	for d := day0; model.FromStd(d) < to; d = model.DayStart(d.Year(), d.Month(), d.Day()+1, loc) {
		if closed[date{d.Year(), d.Month(), d.Day()}] {
			continue
		}
		for _, sh := range s.Shifts {
			if sh.Headcount == 0 || !refWorksOn(sh, d.Weekday()) {
				continue
			}
			sm, _ := parseClock(sh.Start)
			em, _ := parseClock(sh.End)
			if em <= sm {
				em += 24 * 60
			}
			a := model.FromStd(model.LocalClock(d.Year(), d.Month(), d.Day(), 0, sm, loc))
			b := model.FromStd(model.LocalClock(d.Year(), d.Month(), d.Day(), 0, em, loc))
			a, b = max(a, from), min(b, to)
			if a >= b {
				continue
			}
			cs = append(cs, change{a, sh.Headcount})
			if b < to { // the horizon end is not a step
				cs = append(cs, change{b, -sh.Headcount})
			}
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].at < cs[j].at })
	tl := Timeline{Steps: []Step{{At: from}}, HorizonEnd: to}
	on := 0
	for _, c := range cs {
		on += c.delta
		last := &tl.Steps[len(tl.Steps)-1]
		if c.at == last.At {
			last.Agents = on
			continue
		}
		tl.Steps = append(tl.Steps, Step{At: c.at, Agents: on})
	}
	// merge steps that do not change the count
	out := tl.Steps[:1]
	for _, st := range tl.Steps[1:] {
		if st.Agents != out[len(out)-1].Agents {
			out = append(out, st)
		}
	}
	tl.Steps = out
	for i, st := range tl.Steps {
		end := to
		if i+1 < len(tl.Steps) {
			end = tl.Steps[i+1].At
		}
		tl.AgentTime += model.Time(st.Agents) * (end - st.At)
	}
	return tl
}

func refWorksOn(sh Shift, wd time.Weekday) bool {
	if len(sh.Days) == 0 {
		return wd >= time.Monday && wd <= time.Friday
	}
	for _, d := range sh.Days {
		if day, ok := model.ParseWeekday(d); ok && day == wd {
			return true
		}
	}
	return false
}

// timelineZones: clocks that change at midnight (São Paulo, Havana, Santiago), by half
// an hour (Lord Howe), for Ramadan (Casablanca), a skipped day (Apia), and never.
var timelineZones = []string{"UTC", "Europe/Berlin", "America/New_York", "America/Sao_Paulo",
	"America/Havana", "America/Santiago", "Australia/Lord_Howe", "Africa/Casablanca",
	"Pacific/Apia", "Asia/Kathmandu"}

func timelineLocations(t *testing.T) []*time.Location {
	var locs []*time.Location
	for _, name := range timelineZones {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Skip("no time zone data:", err)
		}
		locs = append(locs, loc)
	}
	return append(locs, time.FixedZone("-0330", -(3*3600+30*60)))
}

// randomStaffing draws a team: shifts on random weekdays (none: mon–fri), at random
// quarter hours or the clock hours where clocks change, overnight shifts, 24:00, a
// start equal to its end, headcount 0; or one of the teams that keep one headcount all
// week (24/7, two 12-hour shifts, day and night shifts handing over at other hours each
// day, nobody), for the Cursor's skip; holidays around
// from, some repeated, some not dates at all.
func randomStaffing(rng *rand.Rand, from model.Time, loc *time.Location) Staffing {
	var s Staffing
	clock := func() string {
		switch rng.IntN(6) {
		case 0:
			return "24:00"
		case 1:
			return fmt.Sprintf("%02d:%02d", rng.IntN(4), 30*rng.IntN(2)) // where clocks change
		}
		return fmt.Sprintf("%02d:%02d", rng.IntN(24), 15*rng.IntN(4))
	}
	switch rng.IntN(5) {
	case 0:
		s.Shifts = []Shift{{Days: model.WeekdayNames(), Start: "00:00", End: "24:00", Headcount: 1 + rng.IntN(3)}}
	case 4:
		// A day and a night shift that hand over at other hours each weekday: one
		// headcount all week, though no two days look alike.
		var in, out [7]int
		for w := range 7 {
			in[w], out[w] = rng.IntN(12), 12+rng.IntN(12)
		}
		for w, d := range model.WeekdayNames() { // mon first
			s.Shifts = append(s.Shifts,
				Shift{Days: []string{d}, Start: fmt.Sprintf("%02d:00", in[w]), End: fmt.Sprintf("%02d:00", out[w]), Headcount: 2},
				Shift{Days: []string{d}, Start: fmt.Sprintf("%02d:00", out[w]), End: fmt.Sprintf("%02d:00", in[(w+1)%7]), Headcount: 2})
		}
	case 1:
		s.Shifts = []Shift{
			{Days: model.WeekdayNames(), Start: "08:00", End: "20:00", Headcount: 2},
			{Days: model.WeekdayNames(), Start: "20:00", End: "08:00", Headcount: 2},
		}
	case 2:
		s.Shifts = []Shift{{Start: "09:00", End: "17:00", Headcount: 0}}
	default:
		for range 1 + rng.IntN(4) {
			sh := Shift{Start: clock(), End: clock(), Headcount: rng.IntN(4)}
			for _, d := range model.WeekdayNames() {
				if rng.IntN(2) == 0 {
					sh.Days = append(sh.Days, d)
				}
			}
			if rng.IntN(8) == 0 {
				sh.Days = append(sh.Days, "someday")
			}
			s.Shifts = append(s.Shifts, sh)
		}
	}
	day := from.In(loc)
	for range rng.IntN(6) {
		s.Holidays = append(s.Holidays, day.AddDate(0, 0, rng.IntN(60)-10).Format(time.DateOnly))
	}
	if len(s.Holidays) > 0 && rng.IntN(3) == 0 {
		s.Holidays = append(s.Holidays, s.Holidays[0], "2025-02-30")
	}
	return s
}

// TestCursorMatchesReference holds Staffing.Timeline, the Cursor drained, to the
// day-by-day walk it replaced over random teams, holidays and horizons (an hour to
// three years, starting anywhere, empty and reversed ones too) in zones with every
// kind of clock change, and over successive weeks after a horizon as a run's drain
// lays them.
func TestCursorMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 6))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for _, loc := range timelineLocations(t) {
		for i := range n {
			from := model.Time(rng.Int64N(int64(50*365*model.Day))) + model.FromStd(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC))
			if rng.IntN(2) == 0 {
				from = from / model.Hour * model.Hour
			}
			var length model.Time
			switch rng.IntN(4) {
			case 0:
				length = model.Time(rng.Int64N(int64(3 * model.Day)))
			case 1:
				length = model.Time(rng.Int64N(int64(60 * model.Day)))
			case 2:
				length = model.Time(rng.Int64N(int64(3 * 365 * model.Day)))
			default:
				length = model.Time(rng.Int64N(int64(2*model.Hour))) - model.Hour
			}
			s := randomStaffing(rng, from, loc)
			check := func(from, to model.Time) {
				t.Helper()
				got, want := s.Timeline(from, to, loc), referenceTimeline(s, from, to, loc)
				if !slices.Equal(got.Steps, want.Steps) || got.AgentTime != want.AgentTime || got.HorizonEnd != want.HorizonEnd {
					t.Fatalf("%s case %d: %+v over [%s, %s):\n got %d steps %v, agent-time %v\nwant %d steps %v, agent-time %v",
						loc, i, s, from.In(loc), to.In(loc), len(got.Steps), head(got.Steps), got.AgentTime, len(want.Steps), head(want.Steps), want.AgentTime)
				}
			}
			check(from, from+length)
			if i%10 == 0 { // the drain: a week at a time after the horizon
				for w := range model.Time(4) {
					check(from+length+w*7*model.Day, from+length+(w+1)*7*model.Day)
				}
			}
		}
	}
}

func head(s []Step) []Step { return s[:min(len(s), 12)] }

// TestCursorSkipsOrdinaryWeeks: a 24/7 team over 2,000 years lays a handful of days in
// UTC, a few around each clock change in Berlin and each holiday, not one a day.
func TestCursorSkipsOrdinaryWeeks(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	s := Staffing{Shifts: []Shift{{Days: model.WeekdayNames(), Start: "00:00", End: "24:00", Headcount: 3}},
		Holidays: []string{"2025-12-25", "2026-01-01"}}
	from := model.FromStd(time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC))
	for _, c := range []struct {
		loc      *time.Location
		years    int
		maxLaid  int64
		maxSteps int
	}{{time.UTC, 2000, 60, 5}, {berlin, 100, 100 * 2 * 12, 5}} {
		to := from + model.Time(c.years)*365*model.Day
		cur := s.Pattern().Cursor(from, to, c.loc)
		var steps []Step
		for st, ok := cur.Next(); ok; st, ok = cur.Next() {
			steps = append(steps, st)
		}
		if cur.laid > c.maxLaid || len(steps) != c.maxSteps {
			t.Errorf("%s, %d years: %d days laid (want at most %d), %d steps (want %d: %v)", c.loc, c.years, cur.laid, c.maxLaid, len(steps), c.maxSteps, steps)
		}
		if want := referenceTimeline(s, from, min(to, from+3*365*model.Day), c.loc); !slices.Equal(head(steps), head(want.Steps)) {
			t.Errorf("%s: steps %v, want %v", c.loc, head(steps), head(want.Steps))
		}
	}
}

// TestOrdinaryWeek: the headcount a week keeps throughout, or -1.
func TestOrdinaryWeek(t *testing.T) {
	all := model.WeekdayNames()
	for _, c := range []struct {
		shifts []Shift
		want   int
	}{
		{nil, 0},
		{[]Shift{{Days: all, Start: "00:00", End: "24:00", Headcount: 2}}, 2},
		{[]Shift{{Days: all, Start: "07:00", End: "07:00", Headcount: 1}}, 1}, // start = end: 24 hours
		{[]Shift{{Days: all, Start: "06:00", End: "18:00", Headcount: 1}, {Days: all, Start: "18:00", End: "06:00", Headcount: 1}}, 1},
		{[]Shift{{Days: all, Start: "09:00", End: "17:00", Headcount: 1}}, -1},
		{[]Shift{{Start: "00:00", End: "24:00", Headcount: 1}}, -1}, // mon–fri
		{[]Shift{{Days: all, Start: "00:00", End: "24:00", Headcount: 0}}, 0},
	} {
		if got := (Staffing{Shifts: c.shifts}).Pattern().steady; got != c.want {
			t.Errorf("%+v: %d, want %d", c.shifts, got, c.want)
		}
	}
}
