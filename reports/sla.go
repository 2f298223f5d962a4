package reports

import (
	"fmt"
	"math"
	"strings"
)

// SLATarget is a service-level target on one figure of a sweep point: a ceiling on a
// first-response percentile, or a floor on the share of replies sent in the window.
type SLATarget struct {
	Text   string  `json:"text"`   // as written, without spaces: "p90<=1h"
	Metric string  `json:"metric"` // p50, p90 or p99 (a ceiling, seconds), or in_window (a floor, a share 0..1)
	Limit  float64 `json:"limit"`  // seconds for a percentile, a share 0..1 for in_window
}

// SLAVerdict is summary.json's "sla_target": the target, which sweep points meet it and
// the cheapest of them in total cost (messaging + staffing).
//
// A point meets the target only if its whole 95% confidence interval does: the
// interval's upper end is at or under a percentile's ceiling, its lower end at or over
// the in-window floor. A point with a single replication has no interval and is judged
// on its mean (JudgedOn says so).
type SLAVerdict struct {
	SLATarget
	JudgedOn string    `json:"judged_on"`        // "ci95" or, with one replication, "mean"
	Meeting  []int     `json:"points_meeting"`   // sweep point numbers, in point order
	Cheapest *Cheapest `json:"cheapest_meeting"` // null: no point meets the target
}

// estimate is the figure of p the target is on.
func (t SLATarget) estimate(p *PointSummary) (Estimate, error) {
	switch t.Metric {
	case "p50":
		return p.SLA.FirstResponseP50S, nil
	case "p90":
		return p.SLA.FirstResponseP90S, nil
	case "p99":
		return p.SLA.FirstResponseP99S, nil
	case "in_window":
		return p.SLA.InWindowShare, nil
	}
	return Estimate{}, fmt.Errorf("reports: SLA target %q: metric %q is not one of p50, p90, p99, in_window", t.Text, t.Metric)
}

// Floor says whether the target is a lower bound (in_window) rather than a ceiling.
func (t SLATarget) Floor() bool { return t.Metric == "in_window" }

// Display is the target for people: "p90 ≤ 1h", "in_window ≥ 95%".
func (t SLATarget) Display() string {
	if t.Floor() {
		return fmt.Sprintf("%s ≥ %s%%", t.Metric, trimFloat(100*t.Limit))
	}
	_, rhs, ok := strings.Cut(t.Text, "<=")
	if !ok {
		rhs = durationText(t.Limit)
	}
	return t.Metric + " ≤ " + rhs
}

func trimFloat(v float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}

// meets judges one point: the pessimistic end of its 95% interval (its mean with a
// single replication) against the limit. An unknown figure (no first response at all)
// never meets a target.
func (t SLATarget) meets(p *PointSummary) (bool, bool, error) {
	e, err := t.estimate(p)
	if err != nil {
		return false, false, err
	}
	v, onCI := float64(e.Mean), false
	if e.CI95 != nil {
		onCI = true
		if t.Floor() {
			v = float64(e.CI95.Low)
		} else {
			v = float64(e.CI95.High)
		}
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return false, onCI, nil
	}
	if t.Floor() {
		return v >= t.Limit, onCI, nil
	}
	return v <= t.Limit, onCI, nil
}

// JudgeSLA sets s.SLA: which points meet t and the cheapest of them in total cost (the
// lowest point number on a tie, as for Summary.Cheapest).
func (s *Summary) JudgeSLA(t SLATarget) error {
	v := &SLAVerdict{SLATarget: t, JudgedOn: "ci95", Meeting: []int{}}
	var best *PointSummary
	for i := range s.Points {
		p := &s.Points[i]
		ok, onCI, err := t.meets(p)
		if err != nil {
			return err
		}
		if !onCI {
			v.JudgedOn = "mean"
		}
		if !ok {
			continue
		}
		v.Meeting = append(v.Meeting, p.Point)
		if best == nil || p.TotalWithStaffingMicros < best.TotalWithStaffingMicros {
			best = p
		}
	}
	if best != nil {
		v.Cheapest = &Cheapest{Point: best.Point, Label: best.Label,
			TotalWithStaffingMicros: best.TotalWithStaffingMicros, TotalWithStaffing: best.TotalWithStaffing}
	}
	s.SLA = v
	return nil
}

// meetsSLA says whether point meets the judged target (false when there is none).
func (s *Summary) meetsSLA(point int) bool {
	if s.SLA == nil {
		return false
	}
	for _, m := range s.SLA.Meeting {
		if m == point {
			return true
		}
	}
	return false
}

// SLAJudgement is one sentence on how points were judged, for the report and the plot.
func (v *SLAVerdict) SLAJudgement() string {
	end := "upper"
	if v.Floor() {
		end = "lower"
	}
	if v.JudgedOn == "mean" {
		return "judged on the mean, as one replication gives no interval"
	}
	return "judged on the " + end + " end of the 95% interval"
}
