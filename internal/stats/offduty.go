package stats

import (
	"fmt"
	"math"

	"github.com/spendsim/spendsim/sim"
)

// OffDuty is what the shifts alone allow, whatever their headcounts: the share of
// conversations that arrived while no agent was on duty, and the first-response
// percentile of an SLA target that their wait for the next shift alone gives (each
// conversation that arrived on duty counted at 0, as run counts every conversation).
// No headcount brings the percentile under that floor; only other shifts do.
type OffDuty struct {
	Share Estimate `json:"share"` // 0..1, over the replications
	// FloorS is the target's percentile (seconds) the waits alone give; null for a
	// target on a share (in_window, answered) or where a bot answers meanwhile.
	FloorS *Estimate `json:"floor_s"`
	// ShiftsMustChange: the floor's mean alone misses the target, so every plan's
	// figure, at least its floor in every replication, misses it as run judges it
	// (SLA.MetBy): the shifts, not their headcounts, must change.
	ShiftsMustChange bool `json:"shifts_must_change"`
}

// OffDutyOf is the off-duty figures of one plan's (or sweep point's) replications on
// target t; nil where the runs did not count them (a team modelled by its response
// time) or no conversation arrived.
func OffDutyOf(t SLA, runs []*sim.RunResult) *OffDuty {
	var share, floor []float64
	for _, r := range runs {
		if !r.OffDutyCounted || !HasConversations(r) {
			continue
		}
		share = append(share, r.OffDutyShare)
		var f float64
		switch t.Metric {
		case "p50":
			f = r.OffDutyFloorP50S
		case "p90":
			f = r.OffDutyFloorP90S
		case "p99":
			f = r.OffDutyFloorP99S
		default:
			f = math.NaN()
		}
		floor = append(floor, f)
	}
	if len(share) == 0 {
		return nil
	}
	d := &OffDuty{Share: shareEstimate(share)}
	for _, f := range floor {
		if math.IsNaN(f) {
			return d
		}
	}
	e := estimate(floor)
	d.FloorS = &e
	d.ShiftsMustChange = !t.Met(float64(e.Mean))
	return d
}

// Note is the sentence on what the shifts alone allow under t, for a target not met:
// the share arriving off duty and, where that alone misses t, the floor their wait
// puts under its percentile and that the shifts, not the headcount, must change. ""
// when every conversation arrived on duty.
func (d *OffDuty) Note(t SLA) string {
	if d == nil || !(float64(d.Share.Mean) > 0) {
		return ""
	}
	share := fmt.Sprintf("%.1f%% of conversations arrive while no shift is on duty", 100*float64(d.Share.Mean))
	if !d.ShiftsMustChange {
		return share
	}
	floor := "beyond any shift"
	if f := float64(d.FloorS.Mean); !math.IsInf(f, 1) {
		floor = Seconds(f) + " or more"
	}
	return fmt.Sprintf("%s, and their wait for the next shift alone puts %s at %s, whatever the headcount: "+
		"the shifts, not the headcount, must change to meet %s (cover the hours nobody is on duty), or the target", share, t.Metric, floor, t.Text)
}
