package model

import "time"

// Time is an instant: milliseconds since the Unix epoch, UTC. Milliseconds keep
// sub-second trace timestamps ordered and window edges ("open means t < last + 24h")
// exact, and int64 milliseconds cover any date a business will ever message on.
type Time int64

// Durations in Time units.
const (
	Millisecond Time = 1
	Second           = 1000 * Millisecond
	Minute           = 60 * Second
	Hour             = 60 * Minute
	Day              = 24 * Hour
)

// FromStd converts a time.Time, truncating below the millisecond.
func FromStd(t time.Time) Time { return Time(t.UnixMilli()) }

// Std converts back to a time.Time in UTC.
func (t Time) Std() time.Time { return time.UnixMilli(int64(t)).UTC() }

// In converts to a time.Time in loc (the business's time zone).
func (t Time) In(loc *time.Location) time.Time { return time.UnixMilli(int64(t)).In(loc) }

// Seconds returns t as (fractional) seconds; for durations.
func (t Time) Seconds() float64 { return float64(t) / float64(Second) }

// Hours returns t as (fractional) hours; for durations.
func (t Time) Hours() float64 { return float64(t) / float64(Hour) }

// FromSeconds converts a duration in seconds, rounding to the nearest millisecond.
func FromSeconds(s float64) Time {
	if s >= 0 {
		return Time(s*1000 + 0.5)
	}
	return Time(s*1000 - 0.5)
}

// String formats t as RFC 3339 in UTC, with milliseconds when it has any.
func (t Time) String() string {
	if t%Second == 0 {
		return t.Std().Format(time.RFC3339)
	}
	return t.Std().Format("2006-01-02T15:04:05.000Z07:00")
}

// LocalClock is the instant at which loc's clock shows h:m on the civil date y-m-d
// (normalised as time.Date normalises: day 32 is the 1st of the next month, minute 90
// is 01:30). A time
// that a daylight-saving change skips is moved forward by the gap, whichever way
// time.Date would read it: it reads São Paulo's skipped midnight of 2018-11-04 as 23:00
// the day before (so "the next midnight" of a day-by-day walk would never come) and
// Berlin's skipped 02:30 as 03:30. Here the first is 01:00 of 2018-11-04, the second
// 03:30.
func LocalClock(y int, m time.Month, d, h, min int, loc *time.Location) time.Time {
	wall := time.Date(y, m, d, h, min, 0, 0, time.UTC) // the clock reading, normalised
	y, m, d = wall.Date()
	h, min = wall.Hour(), wall.Minute()
	t := time.Date(y, m, d, h, min, 0, 0, loc)
	if ty, tm, td := t.Date(); ty == y && tm == m && td == d && t.Hour() == h && t.Minute() == min {
		return t
	}
	// In a gap: read the clock with the offset in force before the change and with the
	// one after; the later reading is the forward one.
	_, off := t.Zone()
	a := wall.Add(-time.Duration(off) * time.Second)
	_, off = a.In(loc).Zone()
	if b := wall.Add(-time.Duration(off) * time.Second); b.After(a) {
		a = b
	}
	return a.In(loc)
}

// DayStart is the first instant of the civil date y-m-d in loc: local midnight, or
// the end of the gap where a daylight-saving change skips midnight.
func DayStart(y int, m time.Month, d int, loc *time.Location) time.Time {
	return LocalClock(y, m, d, 0, 0, loc)
}

// MonthsOn is the first instant, in loc, of day d of the month k months after y-m,
// or of that month's last day where it has no day d: a month from 31 January is 28
// (or 29) February, the next 31 March. A forecast's months and its growth steps
// start there; time.Date would roll 31 February over to 3 March, making two months
// of March.
func MonthsOn(y int, m time.Month, d, k int, loc *time.Location) time.Time {
	first := time.Date(y, m+time.Month(k), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return DayStart(first.Year(), first.Month(), min(d, last), loc)
}

// DayOf is the first instant of t's civil date in loc.
func DayOf(t time.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	return DayStart(lt.Year(), lt.Month(), lt.Day(), loc)
}

// SameZone says whether a and b keep the same clock at every instant a bill can
// fall on (1970 to 2200): then they cut the same days and months, and a bill made in
// one is the bill made in the other. Names alone would tell Etc/UTC from UTC, or
// Asia/Calcutta from Asia/Kolkata, though they are one zone.
func SameZone(a, b *time.Location) bool {
	if a.String() == b.String() {
		return true
	}
	end := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	for t := time.Unix(0, 0); t.Before(end); {
		ta, tb := t.In(a), t.In(b)
		_, oa := ta.Zone()
		_, ob := tb.Zone()
		if oa != ob {
			return false
		}
		_, ea := ta.ZoneBounds()
		_, eb := tb.ZoneBounds()
		switch {
		case ea.IsZero() && eb.IsZero():
			return true // neither changes again
		case ea.IsZero() || (!eb.IsZero() && eb.Before(ea)):
			t = eb
		default:
			t = ea
		}
	}
	return true
}
