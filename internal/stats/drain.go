package stats

import (
	"fmt"

	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/sim"
)

// DrainSummary is what a sweep point's spend holds of its drain: the days after the
// horizon on which its runs still answered the conversations that arrived inside it,
// and what those days cost. The point's messaging and staffing include it (a bill
// covers every message a run caused); this says how much of them it is, so that a
// reader of "5 days" knows the spend runs past them.
type DrainSummary struct {
	DaysMax         int64  `json:"days_max"`  // the most days after the horizon of any replication
	DaysMean        Num    `json:"days_mean"` // the mean over replications
	MessagingMicros int64  `json:"messaging_micros"`
	Messaging       string `json:"messaging"`
	StaffingMicros  int64  `json:"staffing_micros"`
	Staffing        string `json:"staffing"`
	TotalMicros     int64  `json:"total_micros"` // messaging + staffing, the drain's part of total_with_staffing
	Total           string `json:"total"`
}

// summarizeDrain is the point's drain, amounts the means over replications rounded
// once; nil when no replication went on past the horizon.
func summarizeDrain(reps []*sim.RunResult) (*DrainSummary, error) {
	var days, most int64
	var msg, staff, total money.Sum
	for _, r := range reps {
		days += r.DrainDays
		most = max(most, r.DrainDays)
		msg.Add(r.DrainMessagingMicros)
		staff.Add(r.DrainStaffingMicros)
		total.Add(r.DrainMessagingMicros)
		total.Add(r.DrainStaffingMicros)
	}
	if most == 0 {
		return nil, nil
	}
	n := int64(len(reps))
	d := &DrainSummary{DaysMax: most, DaysMean: Num(float64(days) / float64(n))}
	if err := setMeans(n, amountMean{&msg, &d.MessagingMicros, &d.Messaging}, amountMean{&staff, &d.StaffingMicros, &d.Staffing},
		amountMean{&total, &d.TotalMicros, &d.Total}); err != nil {
		return nil, fmt.Errorf("drain: %w", err)
	}
	return d, nil
}
