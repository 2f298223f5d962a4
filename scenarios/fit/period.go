package fit

import (
	"fmt"
	"time"

	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model"
)

// The observed arrival period. What fit estimates is how often things arrive: the
// customers' conversations and the business's notifications, per hour of the days in
// which they were seen arriving. Those days run from the first arrival's local day to
// the last's, where an arrival is a conversation a customer starts of their own accord
// (its first message came through an ad or a Page button, or not within the customer
// service window, 24 h, of a business message delivered to them, which it would
// answer: an answer to a notification or a late reply can take hours, so SessionGap,
// a conversation's own pace, would take one for an arrival) or a template to a user
// who has not written (the business's own traffic). A trace's last days may hold only
// what follows the last arrivals: a backlog's replies, late templates that fit cannot
// pair with a message, and the customers' answers to them (spendsim generate writes
// such a drain after its horizon); its first, replies to conversations that began before it. Counting those
// days would lower every rate, so the rates, the profiles and the daily levels rest on
// the period's days alone, and what fell outside it is counted (Result.LeftOut).
// A template to a user who has written is never an arrival: a late reply to them can
// come days after their last message. A trace with no arrival at all (every
// conversation answers a business message) falls back to its records' days.

// dayCounts are one local day's conversation starts and notifications, by local hour.
type dayCounts struct {
	conv  [24]int32
	notes [4][24]int32 // by template category (model.Category)
}

// dayTable holds the counts of each local day from the first record's (day0), at most
// maxDays of them, and the first and last arrival.
type dayTable struct {
	day0        int64 // the first record's local day, in days since 1970-01-01
	counts      []dayCounts
	first, last model.Time
	arrived     bool
}

// at is t's day's counts, nil beyond maxDays.
func (d *dayTable) at(t model.Time, loc *time.Location) *dayCounts {
	i := civilDay(t, loc) - d.day0
	if i >= maxDays {
		return nil // the trace is too long for a scenario: period says so
	}
	for int64(len(d.counts)) <= i {
		d.counts = append(d.counts, dayCounts{})
	}
	return &d.counts[i]
}

// arrive notes an arrival at t (records come in time order).
func (d *dayTable) arrive(t model.Time) {
	if !d.arrived {
		d.first, d.arrived = t, true
	}
	d.last = t
}

// LeftOut is what the trace holds outside the observed arrival period: conversations
// that started and notifications sent on the days before or after it.
type LeftOut struct {
	Conversations int64
	Notifications int64
}

// period sets r's horizon (Start, Days) to the observed arrival period, the trace's
// record days (From, To), and from the period's days r.Profile's counts, the
// notification counts by category and the conversations started each day.
func (e *estimator) period() (notes [4]Profile, noteN [4]int64, daily []int64, err error) {
	r, d, loc := &e.r, &e.days, e.o.Location
	first, last := e.first, e.last
	if d.arrived {
		first, last = d.first, d.last
	}
	dayOf := func(t model.Time) time.Time {
		lt := t.In(loc)
		return model.DayStart(lt.Year(), lt.Month(), lt.Day(), loc)
	}
	r.From, r.To = dayOf(e.first), dayOf(e.last)
	r.Start = dayOf(first)
	lastDay := dayOf(last)
	for t := r.Start; !t.After(lastDay); t = model.DayStart(t.Year(), t.Month(), t.Day()+1, loc) {
		r.Days++
	}
	from := civilDay(first, loc) - d.day0
	to := from + int64(r.Days) // exclusive
	if to > maxDays {
		return notes, noteN, nil, fmt.Errorf("fit: the trace spans %d days (%s to %s); a scenario holds at most %d",
			to, r.From.Format(time.DateOnly), lastDay.Format(time.DateOnly), maxDays)
	}
	for int64(len(d.counts)) < to {
		d.counts = append(d.counts, dayCounts{})
	}
	daily = make([]int64, r.Days)
	for i, dc := range d.counts {
		in := int64(i) >= from && int64(i) < to
		wd := int(((d.day0+int64(i)+3)%7 + 7) % 7) // 1970-01-01 was a Thursday; Monday is 0
		for h := range 24 {
			if n := int64(dc.conv[h]); in {
				r.Profile.Count[wd][h] += n
				daily[int64(i)-from] += n
			} else {
				r.LeftOut.Conversations += n
			}
			for c := range dc.notes {
				if n := int64(dc.notes[c][h]); in {
					notes[c].Count[wd][h] += n
					noteN[c] += n
				} else {
					r.LeftOut.Notifications += n
				}
			}
		}
	}
	return notes, noteN, daily, nil
}

// PeriodNote says what span the rates were measured over: the observed arrival period,
// and what of the trace lies outside it.
func (r *Result) PeriodNote() string {
	last := r.Start.AddDate(0, 0, r.Days-1)
	s := fmt.Sprintf("Arrivals (conversations customers started of their own accord, templates to users who had not written) were observed from %s to %s, %d days: the horizon below, and the days every rate is per hour of.",
		r.Start.Format(time.DateOnly), last.Format(time.DateOnly), r.Days)
	if r.From.Equal(r.Start) && r.To.Equal(last) {
		return s
	}
	return s + fmt.Sprintf(" The trace runs from %s to %s; its days outside that period hold only replies and the customers' answers to them (a backlog's replies and late templates after the last arrival, replies to conversations begun before the trace): the %s and %s there are left out of the rates.",
		r.From.Format(time.DateOnly), r.To.Format(time.DateOnly), words.Count(r.LeftOut.Conversations, "conversation"), words.Count(r.LeftOut.Notifications, "notification"))
}
