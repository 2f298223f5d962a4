package market

import (
	"time"

	"github.com/spendsim/spendsim/model"
)

// Local resolves countries to markets in one time zone for callers that ask once per
// message (the run loop, a replay). Market rows change only at local midnight, so it
// remembers the local day of the last lookup and converts a time to a local date only
// when a message falls outside it. Not safe for concurrent use: one per run.
type Local struct {
	t           *Table
	days        model.Days
	from, until model.Time // the cached local day [from, until)
	day         int32      // its day number, clamped as ForCountryIn clamps
}

// In returns a resolver for loc (nil: UTC).
func (t *Table) In(loc *time.Location) *Local {
	if loc == nil {
		loc = time.UTC
	}
	return &Local{t: t, days: model.NewDays(loc), from: 1, until: 0} // empty day: the first lookup fills it
}

// Day is the local day [from, until) of the latest lookup: every lookup inside it
// resolves as that one did. Empty (from > until) before the first lookup.
func (l *Local) Day() (from, until model.Time) { return l.from, l.until }

// ForCountry is Table.ForCountryIn(iso2, at, loc).
func (l *Local) ForCountry(iso2 [2]byte, at model.Time) ID {
	if at < l.from || at >= l.until {
		n := l.days.Of(at)
		l.from, l.until = l.days.Start(n), l.days.Start(n+1)
		l.day = l.t.clamp(int32(n)) // localDay(at, loc)
	}
	return l.t.forCountryDay(string(iso2[:]), l.day)
}
