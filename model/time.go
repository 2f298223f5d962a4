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
