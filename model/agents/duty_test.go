package agents

import (
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
)

// TestDutyWait: shifts 08-16 and 16-24 in Kolkata, weekdays only. Asked in order, Duty
// says who is on duty and how long one arriving off duty waits for the next shift: to
// 08:00 the same day at night, to Monday 08:00 over the weekend, and Never once no
// shift comes before its end.
func TestDutyWait(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	week := []string{"mon", "tue", "wed", "thu", "fri"}
	s := Staffing{Shifts: []Shift{
		{Days: week, Start: "08:00", End: "16:00", Headcount: 2},
		{Days: week, Start: "16:00", End: "24:00", Headcount: 1},
	}}
	at := func(day, h, m int) model.Time { return model.FromStd(time.Date(2027, 1, day, h, m, 0, 0, loc)) } // 2027-01-04 is a Monday
	d := s.Duty(at(4, 0, 0), at(9, 12, 0), loc)
	for _, c := range []struct {
		t    model.Time
		wait model.Time // -1: Never
		on   bool
	}{
		{at(4, 0, 0), at(4, 8, 0) - at(4, 0, 0), false},
		{at(4, 3, 30), at(4, 8, 0) - at(4, 3, 30), false},
		{at(4, 8, 0), 0, true},
		{at(4, 16, 0), 0, true},
		{at(4, 23, 59), 0, true},
		{at(5, 7, 0), at(5, 8, 0) - at(5, 7, 0), false},
		{at(6, 12, 0), 0, true},
		{at(8, 23, 0), 0, true},
		{at(9, 1, 0), -1, false}, // Saturday: no shift before the end
	} {
		wait, on := d.Wait(c.t)
		want := c.wait
		if c.wait < 0 {
			want = Never
		}
		if on != c.on || wait != want {
			t.Errorf("%s: wait %d on duty %v, want %d %v", c.t.In(loc), wait, on, want, c.on)
		}
	}
	// A longer reach finds Monday's shift.
	d = s.Duty(at(9, 0, 0), at(20, 0, 0), loc)
	if wait, on := d.Wait(at(9, 1, 0)); on || wait != at(11, 8, 0)-at(9, 1, 0) {
		t.Errorf("Saturday 01:00: wait %d on duty %v, want until Monday 08:00", wait, on)
	}
}
