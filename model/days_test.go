package model

import (
	"math/rand/v2"
	"testing"
	"time"
)

// daysZones are zones whose clocks do everything a calendar can get wrong: changes at
// midnight (São Paulo, Havana), half-hour changes (Lord Howe), odd offsets
// (Kathmandu, St John's), a change of two hours (Troll), negative summer time in the
// data (Dublin), Ramadan changes (Casablanca), a skipped day (Apia 2011-12-30,
// Kiritimati 1994-12-31), and none at all (UTC, fixed zones).
var daysZones = []string{"UTC", "America/Sao_Paulo", "America/Havana", "Europe/Berlin",
	"America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns",
	"Antarctica/Troll", "Europe/Dublin", "Africa/Casablanca", "Pacific/Apia",
	"Pacific/Kiritimati", "Asia/Tehran", "America/Santiago"}

func daysLocations(t *testing.T) []*time.Location {
	var locs []*time.Location
	for _, name := range daysZones {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Skip("no time zone data:", err)
		}
		locs = append(locs, loc)
	}
	return append(locs, time.FixedZone("+0545", 5*3600+45*60), time.FixedZone("-0330", -(3*3600+30*60)))
}

// TestDaysMatchesLocalClock: Of, Start and Clock answer exactly what time.Time.In,
// DayStart and LocalClock do, day after day (the cached stretch) and at random days
// (jumps), in every zone of daysZones; Linear's days are linear.
func TestDaysMatchesLocalClock(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 6))
	for _, loc := range daysLocations(t) {
		c := NewDays(loc)
		check := func(n int64, minute int) {
			t.Helper()
			y, m, d := CivilDate(n)
			want := FromStd(LocalClock(y, m, d, 0, minute, loc))
			if got := c.Clock(n, minute); got != want {
				t.Fatalf("%s: Clock(%d-%02d-%02d, %d min) = %s, LocalClock %s", loc, y, m, d, minute, got, want)
			}
			if minute == 0 {
				if got := c.Start(n); got != want || !want.In(loc).Equal(DayStart(y, m, d, loc)) {
					t.Fatalf("%s: Start(%d-%02d-%02d) = %s, DayStart %s", loc, y, m, d, got, want)
				}
			}
			at := want + Time(rng.Int64N(int64(2*Day))) - Day
			ly, lm, ld := at.In(loc).Date()
			if got, want := c.Of(at), DayNumber(ly, lm, ld); got != want {
				t.Fatalf("%s: Of(%s) = %d, want %d (%d-%02d-%02d)", loc, at, got, want, ly, lm, ld)
			}
		}
		// Every day from 1990 to 2040, a few minutes of each, in order.
		for n := DayNumber(1990, 1, 1); n < DayNumber(2040, 1, 1); n++ {
			for _, minute := range []int{0, 90, 150, 23*60 + 30, 24 * 60, 24*60 + 150, 2879} {
				check(n, minute)
			}
		}
		// Random days and minutes from 1850 to 2300, out of order.
		for range 20_000 {
			check(DayNumber(1850, 1, 1)+rng.Int64N(450*366), rng.IntN(2880))
		}
		// Linear: for days inside the run it reports, the clock is the formula; check its edges and a few days inside.
		for range 3_000 {
			n := DayNumber(1900, 1, 1) + rng.Int64N(300*366)
			lo, hi := c.Linear(n)
			if lo == hi {
				continue
			}
			off := c.Offset()
			for _, m := range []int64{lo, lo + 1, n, hi - 2, hi - 1, lo + rng.Int64N(min(hi-lo, 1<<40))} {
				if m < lo || m >= hi {
					continue
				}
				minute := rng.IntN(2880)
				y, mo, d := CivilDate(m)
				want := FromStd(LocalClock(y, mo, d, 0, minute, loc))
				if got := Time(m)*Day + Time(minute)*Minute - off; got != want {
					t.Fatalf("%s: Linear(%d) = [%d, %d): day %d-%02d-%02d minute %d is %s, not %s", loc, n, lo, hi, y, mo, d, minute, want, got)
				}
			}
		}
	}
}

func TestCivilDays(t *testing.T) {
	if n := DayNumber(1970, 1, 1); n != 0 {
		t.Errorf("DayNumber(1970-01-01) = %d", n)
	}
	if n := DayNumber(1969, 12, 31); n != -1 {
		t.Errorf("DayNumber(1969-12-31) = %d", n)
	}
	if n := DayNumber(2025, 1, 32); n != DayNumber(2025, 2, 1) {
		t.Errorf("DayNumber does not normalise: %d", n)
	}
	for n := int64(-800_000); n < 800_000; n += 997 {
		y, m, d := CivilDate(n)
		if DayNumber(y, m, d) != n {
			t.Fatalf("CivilDate(%d) = %d-%d-%d does not number back", n, y, m, d)
		}
		if wd := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Weekday(); WeekdayOf(n) != wd {
			t.Fatalf("WeekdayOf(%d) = %s, want %s", n, WeekdayOf(n), wd)
		}
	}
}
