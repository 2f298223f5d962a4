package model

import (
	"math"
	"time"
)

// Days is the civil calendar of one time zone, for a run that walks it day by day:
// the local day of an instant (Of), the instant a day starts (Start) and the instant
// a local clock reading falls on (Clock), exactly as LocalClock and time.Time.In give
// them, daylight-saving days and skipped midnights included.
//
// Days are numbered from 1970-01-01, whatever the zone (CivilDate, DayNumber). Days
// remembers the stretch of constant UTC offset its last answer fell in; inside it a
// day is Day long and an answer is arithmetic, so only a change of offset (twice a
// year where clocks change, never in UTC or a fixed zone) asks the time package. That
// is what makes a day boundary cost a few instructions instead of a time.Date call.
// The zero value is not usable; not safe for concurrent use: one per run.
type Days struct {
	loc *time.Location
	// from, until is a stretch [from, until) of loc's time line with the constant
	// offset off (local clock minus UTC) that holds the last instant asked about.
	from, until, off Time
}

// NewDays returns the calendar of loc (nil: UTC).
func NewDays(loc *time.Location) Days {
	if loc == nil {
		loc = time.UTC
	}
	return Days{loc: loc, from: 1, until: 0} // empty: the first question fills it
}

// Location is the calendar's time zone.
func (c *Days) Location() *time.Location { return c.loc }

// Of is the number of the local day t falls on: t.In(loc)'s date as DayNumber counts.
func (c *Days) Of(t Time) int64 {
	if t < c.from || t >= c.until {
		c.learn(t)
	}
	return floorDiv(int64(t+c.off), int64(Day))
}

// Start is the first instant of local day n: DayStart of its date.
func (c *Days) Start(n int64) Time { return c.Clock(n, 0) }

// Clock is the instant loc's clock shows minute (0 and up; 1440 is the next day's
// midnight) of local day n: LocalClock of its date at 0:minute.
func (c *Days) Clock(n int64, minute int) Time {
	local := Time(n)*Day + Time(minute)*Minute
	// Inside a stretch of one offset that holds both the instant and its local
	// reading taken as UTC, time.Date's two zone lookups both find this offset, the
	// reading reads back unchanged, and LocalClock returns local - off.
	if at := local - c.off; at >= c.from && at < c.until && local >= c.from && local < c.until {
		return at
	}
	y, m, d := CivilDate(n)
	at := FromStd(LocalClock(y, m, d, 0, minute, c.loc))
	c.learn(at)
	return at
}

// learn remembers the stretch of constant offset that holds t.
func (c *Days) learn(t Time) {
	lt := t.In(c.loc)
	_, off := lt.Zone()
	start, end := lt.ZoneBounds()
	c.off = Time(off) * Second
	c.from, c.until = math.MinInt64, math.MaxInt64
	if !start.IsZero() {
		c.from = FromStd(start)
	}
	if !end.IsZero() {
		c.until = FromStd(end)
	}
}

// Linear is the run of days [lo, hi) around day n over which loc's clock is linear:
// for every day m in it and every minute from 0 to 2879 (through the end of the next
// day), Clock(m, minute) = m×Day + minute×Minute − Offset(). Empty (lo = hi) when day
// n's own clock is not: the offset changes within about two days of it.
func (c *Days) Linear(n int64) (lo, hi int64) {
	c.Start(n) // learn the stretch of day n's start
	// Day m is linear when its readings [m×Day, (m+2)×Day) and the instants they fall
	// on, readings − off, all lie inside [from, until).
	lo, hi = math.MinInt64/int64(Day)+3, math.MaxInt64/int64(Day)-3
	if c.from != math.MinInt64 {
		lo = ceilDiv(int64(c.from+max(0, c.off)), int64(Day))
	}
	if c.until != math.MaxInt64 {
		hi = floorDiv(int64(c.until-max(0, -c.off)), int64(Day)) - 1
	}
	if n < lo || n >= hi {
		return n, n
	}
	return lo, hi
}

// Offset is the offset of the stretch Days last looked at (local clock minus UTC).
func (c *Days) Offset() Time { return c.off }

// CivilDate is the date of day n (days from 1970-01-01).
func CivilDate(n int64) (y int, m time.Month, d int) {
	return time.Unix(n*86400, 0).UTC().Date()
}

// DayNumber is the number of the date y-m-d (normalised as time.Date normalises: day
// 32 is the 1st of the next month) counted from 1970-01-01 = 0.
func DayNumber(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// WeekdayOf is the weekday of day n.
func WeekdayOf(n int64) time.Weekday {
	return time.Weekday((n%7 + 7 + 4) % 7) // 1970-01-01 was a Thursday
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

func ceilDiv(a, b int64) int64 { return -floorDiv(-a, b) }
