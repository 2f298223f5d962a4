package model

import (
	"testing"
	"time"
)

// TestLocalClock: skipped local times move forward by the gap, others are as
// time.Date gives them, and a day-by-day walk through a skipped midnight advances.
func TestLocalClock(t *testing.T) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	for _, c := range []struct {
		name        string
		y           int
		m           time.Month
		d, h, min   int
		loc         *time.Location
		wantUTC     string
		wantLocalHM string
	}{
		// São Paulo went from -03 to -02 at 00:00 on 2018-11-04: the day starts at 01:00.
		{"skipped midnight", 2018, 11, 4, 0, 0, sp, "2018-11-04T03:00:00Z", "01:00"},
		{"after the gap", 2018, 11, 4, 1, 30, sp, "2018-11-04T03:30:00Z", "01:30"},
		{"the day before", 2018, 11, 3, 0, 0, sp, "2018-11-03T03:00:00Z", "00:00"},
		// Berlin skipped 02:00–03:00 on 2025-03-30.
		{"skipped 02:30", 2025, 3, 30, 2, 30, berlin, "2025-03-30T01:30:00Z", "03:30"},
		{"normalised date", 2025, 1, 32, 9, 0, berlin, "2025-02-01T08:00:00Z", "09:00"},
		{"normalised minutes", 2025, 1, 31, 0, 24*60 + 90, berlin, "2025-02-01T00:30:00Z", "01:30"},
	} {
		got := LocalClock(c.y, c.m, c.d, c.h, c.min, c.loc)
		if u := got.UTC().Format(time.RFC3339); u != c.wantUTC || got.Format("15:04") != c.wantLocalHM {
			t.Errorf("%s: %s (%s local), want %s (%s)", c.name, u, got.Format("15:04"), c.wantUTC, c.wantLocalHM)
		}
	}
	// Walking São Paulo's days across the change: 23 hours on 2018-11-04, and on.
	d := DayStart(2018, 11, 3, sp)
	var hours []float64
	for i := 0; i < 3; i++ {
		y, m, dd := d.Date()
		next := DayStart(y, m, dd+1, sp)
		hours = append(hours, next.Sub(d).Hours())
		d = next
	}
	if hours[0] != 24 || hours[1] != 23 || hours[2] != 24 {
		t.Errorf("day lengths %v, want [24 23 24]", hours)
	}
	if got := DayOf(time.Date(2018, 11, 4, 15, 0, 0, 0, sp), sp); !got.Equal(DayStart(2018, 11, 4, sp)) {
		t.Errorf("DayOf = %s", got)
	}
}

func TestSameZone(t *testing.T) {
	load := func(name string) *time.Location {
		t.Helper()
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"UTC", "Etc/UTC", true},
		{"UTC", "Etc/Zulu", true},
		{"Asia/Kolkata", "Asia/Calcutta", true},
		{"America/Sao_Paulo", "Brazil/East", true},
		{"UTC", "Europe/London", false},               // the same in winter, not in summer
		{"America/Sao_Paulo", "America/Bahia", false}, // UTC−3 today, kept summer time in 2011–12
		{"Asia/Kolkata", "Asia/Colombo", false},       // both +05:30 now, not in 1996–2006
		{"Etc/GMT-3", "Europe/Istanbul", false},       // Istanbul kept summer time until 2016
	} {
		if got := SameZone(load(c.a), load(c.b)); got != c.same {
			t.Errorf("SameZone(%s, %s) = %v, want %v", c.a, c.b, got, c.same)
		}
	}
}
