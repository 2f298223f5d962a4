package stats

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SLA is a service-level target on one figure of a run or sweep point: a ceiling on a
// first-response percentile, or a floor on the share of conversations first answered
// in the window or on the share answered at all. Every conversation that arrived
// counts: a percentile is over all of them, the unanswered last, so p90<=1h is met only
// if at least 90% were answered within the hour. run and merge judge sweep points on it
// (JudgeSLA), optimize judges plans, with the one verdict (MetBy).
type SLA struct {
	Text   string  `json:"text"`   // as written, without spaces: "p90<=1h"
	Metric string  `json:"metric"` // p50, p90 or p99 (a ceiling, seconds), or in_window or answered (a floor, a share 0..1)
	Limit  float64 `json:"limit"`  // seconds for a percentile, a share 0..1 for in_window and answered
}

var (
	slaRE = regexp.MustCompile(`^\s*(p50|p90|p99|in_window|answered)\s*(<=|>=)\s*(\S+)\s*$`)
	// pctRE finds a percentile the SLA does not know ("p80<=1m"), to say which it does.
	pctRE = regexp.MustCompile(`^\s*[pP](\d+(?:\.\d+)?)\b`)
)

// slaForms is the SLA's grammar, for errors: what to write instead.
const slaForms = "want p50|p90|p99 <= DURATION (like p90<=1h: 90% of conversations answered within the hour), " +
	"or in_window|answered >= SHARE (like in_window>=0.95 or answered>=98%)"

// ParseSLA reads "p90<=1h", "p99 <= 90s", "in_window>=0.95" (or 95%) or
// "answered>=98%". A share is over 0 and at most 1 (100%): "answered>=100%" asks for
// every conversation answered.
func ParseSLA(s string) (SLA, error) {
	g := slaRE.FindStringSubmatch(s)
	if g == nil {
		if p := pctRE.FindStringSubmatch(s); p != nil && p[1] != "50" && p[1] != "90" && p[1] != "99" {
			// Summaries estimate these three alone (with their intervals), so no other
			// percentile can be judged.
			return SLA{}, fmt.Errorf("%q: p%s is not a percentile spendsim reports: the percentiles are p50, p90 and p99, "+
				"each over every conversation that arrived (p90<=1m means 90%% of conversations answered within a minute); %s", s, p[1], slaForms)
		}
		return SLA{}, fmt.Errorf("%q: %s", s, slaForms)
	}
	out := SLA{Text: strings.Join(strings.Fields(s), ""), Metric: g[1]}
	if g[1] == "in_window" || g[1] == "answered" {
		if g[2] != ">=" {
			return SLA{}, fmt.Errorf("%q: %s is a floor: write %s>=%s", s, g[1], g[1], g[3])
		}
		v, err := floorShare(g[3])
		if err != nil {
			return SLA{}, fmt.Errorf("%q: %w", s, err)
		}
		out.Limit = v
		return out, nil
	}
	if g[2] != "<=" {
		return SLA{}, fmt.Errorf("%q: a response time is a ceiling: write %s<=%s", s, g[1], g[3])
	}
	d, err := time.ParseDuration(g[3])
	if err != nil || d <= 0 {
		return SLA{}, fmt.Errorf("%q: %q is not a positive Go duration like 90s, 45m or 1h30m", s, g[3])
	}
	out.Limit = d.Seconds()
	return out, nil
}

// readShare reads "2%" or "0.02": the number as a fraction (0.02 both), and whether it
// was written as a percentage; ok false when s is no number.
func readShare(s string) (v float64, pct, ok bool) {
	t := strings.TrimSpace(s)
	pct = strings.HasSuffix(t, "%")
	v, err := strconv.ParseFloat(strings.TrimSuffix(t, "%"), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, pct, false
	}
	if pct {
		v /= 100
	}
	return v, pct, true
}

// floorShare reads an SLA's share: "95%" or "0.95", over 0 and at most 1. A number over 1
// without % is not a share ("80": 80% or 0.8?), and the error offers both.
func floorShare(s string) (float64, error) {
	v, pct, ok := readShare(s)
	switch {
	case !ok:
		return 0, fmt.Errorf("%q is not a share: write 95%% or 0.95", s)
	case !pct && v > 1:
		return 0, fmt.Errorf("%q is not a share: write %s%% or %s", s, shortFloat(v), shortFloat(v/100))
	case !(v > 0 && v <= 1):
		return 0, fmt.Errorf("%q must be between 0%% and 100%%, 0%% excluded (every plan meets a floor of nothing)", s)
	}
	return v, nil
}

// shortFloat writes x as briefly as it reads: 80, 0.8, 0.015.
func shortFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// ParseShare reads "2%" or "0.02" as 0.02, a share strictly between 0 and 1: the
// precision --precision asks of a mean.
func ParseShare(s string) (float64, error) {
	v, pct, ok := readShare(s)
	if !ok {
		return 0, fmt.Errorf("%q is not a share: write 2%% or 0.02", s)
	}
	if !pct && v >= 1 {
		return 0, fmt.Errorf("%q would be %s%% of the mean: write 2%% or 0.02", s, shortFloat(100*v))
	}
	if !(v > 0 && v < 1) {
		return 0, fmt.Errorf("%q must be between 0%% and 100%%, exclusive", s)
	}
	return v, nil
}

// ParseGrowth reads a monthly growth as "3%", "-2%" or "0.03" (0.03 for each). A bare
// number of 1 or more is refused with both readings offered: "5" is far likelier 5%
// than +500% a month. The range is Forecast.Validate's.
func ParseGrowth(s string) (float64, error) {
	v, pct, ok := readShare(s)
	switch {
	case !ok:
		return 0, fmt.Errorf("%q is not a growth per month: write 3%% or 0.03", s)
	case !pct && math.Abs(v) >= 1:
		return 0, fmt.Errorf("%q would be %+g%% a month: write %s%% or %s for %s%%", s, 100*v, shortFloat(v), shortFloat(v/100), shortFloat(v))
	case v <= -1 || v >= 1:
		return 0, fmt.Errorf("%q must be above -100%% and under +100%% a month", s)
	}
	return v, nil
}

// Floor says whether the target is a lower bound (in_window, answered) rather than a
// ceiling.
func (t SLA) Floor() bool { return t.Metric == "in_window" || t.Metric == "answered" }

// Met says whether figure v of the target's metric meets it. An unknown figure (NaN: no
// first response at all) or an infinite one never does.
func (t SLA) Met(v float64) bool {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return false
	}
	if t.Floor() {
		return v >= t.Limit
	}
	return v <= t.Limit
}

// Better says whether figure a is closer to meeting the target than b; an unknown
// figure is never closer.
func (t SLA) Better(a, b float64) bool {
	switch {
	case math.IsNaN(a):
		return false
	case math.IsNaN(b):
		return true
	case t.Floor():
		return a > b
	}
	return a < b
}

// Format shows a figure of the target's metric for people: a share (97.3%) or a
// duration (Seconds).
func (t SLA) Format(v float64) string {
	if t.Floor() {
		return fmt.Sprintf("%.1f%%", 100*v)
	}
	return Seconds(v)
}

// NotAnswered is how a first-response percentile that falls among the conversations
// never answered is shown to people.
const NotAnswered = "not answered"

// Seconds shows a duration in seconds for the terminal: Duration with "-" when unknown.
func Seconds(s float64) string { return Duration(s, "-") }

// Duration shows a duration in seconds in the unit that keeps it short: "90 s",
// "45.0 min", "1.5 h" (the unit by the magnitude, so -5400 s is "-90.0 min"); unknown
// (NaN: no conversations) shows as unknown, +Inf (a first-response percentile that
// falls among the conversations never answered) as NotAnswered.
func Duration(s float64, unknown string) string {
	switch a := math.Abs(s); {
	case math.IsNaN(s):
		return unknown
	case math.IsInf(s, 1):
		return NotAnswered
	case a < 120:
		return fmt.Sprintf("%.0f s", s)
	case a < 2*3600:
		return fmt.Sprintf("%.1f min", s/60)
	default:
		return fmt.Sprintf("%.1f h", s/3600)
	}
}

// SignedDuration shows a difference of durations with its sign ("+1.5 h", "-90 s");
// a difference involving a time never answered (±Inf) or unknown (NaN) has no number,
// and shows as unknown.
func SignedDuration(s float64, unknown string) string {
	switch {
	case math.IsNaN(s) || math.IsInf(s, 0):
		return unknown
	case s > 0:
		return "+" + Duration(s, unknown)
	}
	return Duration(s, unknown)
}

// SLAVerdict is summary.json's "sla_target": the target, which sweep points meet it and
// the cheapest of them in total cost (messaging + staffing).
//
// A point meets the target only if its whole 95% confidence interval does: the
// interval's upper end is at or under a percentile's ceiling, its lower end at or over
// the in-window floor. A point with a single replication has no interval and is judged
// on its mean (JudgedOn says so). A point whose interval reaches both sides of the
// target is undecided (SLA.Undecided): it counts as missing the target, and more
// replications may show it met or missed, as optimize says of such a plan.
type SLAVerdict struct {
	SLA
	JudgedOn  string    `json:"judged_on"`        // "ci95" or, with one replication, "mean"
	Meeting   []int     `json:"points_meeting"`   // sweep point numbers, in point order
	Undecided []int     `json:"points_undecided"` // sweep point numbers, in point order: none of Meeting
	Cheapest  *Cheapest `json:"cheapest_meeting"` // null: no point meets the target
}

// Figure is the estimate of p the target is on: its p90 for p90<=1h.
func (t SLA) Figure(p *PointSummary) (Estimate, error) {
	e := &p.SLA
	return t.pick(&e.FirstResponseP50S, &e.FirstResponseP90S, &e.FirstResponseP99S, &e.InWindowShare, &e.AnsweredShare)
}

// pick is the one of the estimates the target is on; nil for one not estimated, which
// is an error when the target asks for it.
func (t SLA) pick(p50, p90, p99, inWindow, answered *Estimate) (Estimate, error) {
	var e *Estimate
	switch t.Metric {
	case "p50":
		e = p50
	case "p90":
		e = p90
	case "p99":
		e = p99
	case "in_window":
		e = inWindow
	case "answered":
		e = answered
	default:
		return Estimate{}, fmt.Errorf("stats: SLA target %q: metric %q is not one of p50, p90, p99, in_window, answered", t.Text, t.Metric)
	}
	if e == nil {
		return Estimate{}, fmt.Errorf("%s is not estimated here", t.Metric)
	}
	return *e, nil
}

// Judged is the figure of e a verdict rests on: the pessimistic end of its 95%
// interval (the upper for a ceiling, the lower for a floor), or its mean with a single
// replication, which gives no interval (onCI false).
func (t SLA) Judged(e Estimate) (v float64, onCI bool) {
	switch {
	case e.CI95 == nil:
		return float64(e.Mean), false
	case t.Floor():
		return float64(e.CI95.Low), true
	}
	return float64(e.CI95.High), true
}

// MetBy is the verdict on an estimate over replications, the one that run, merge
// (JudgeSLA) and optimize give: met only if the whole 95% interval meets the target
// (the mean with a single replication). An unknown figure (no first response at all)
// never meets it.
func (t SLA) MetBy(e Estimate) bool {
	v, _ := t.Judged(e)
	return t.Met(v)
}

// Undecided says whether e's 95% interval reaches both sides of the limit: more
// replications could show the target met or missed. An interval ending on the
// limit is decided (the limit meets the target).
func (t SLA) Undecided(e Estimate) bool {
	if e.CI95 == nil || t.MetBy(e) {
		return false
	}
	optimistic := float64(e.CI95.Low)
	if t.Floor() {
		optimistic = float64(e.CI95.High)
	}
	return t.Met(optimistic)
}

// MetOnMeanOnly says whether e is undecided with its mean meeting the target: the
// estimate more replications may show to meet it, which optimize and run name when it
// is cheaper than their answer.
func (t SLA) MetOnMeanOnly(e Estimate) bool {
	return t.Undecided(e) && t.Met(float64(e.Mean))
}

// FormatInterval shows an interval of the target's metric for people: "6.3 h to
// 9.7 h", or "-" with none (a single replication).
func (t SLA) FormatInterval(iv *Interval) string {
	if iv == nil {
		return "-"
	}
	return t.Format(float64(iv.Low)) + " to " + t.Format(float64(iv.High))
}

// JudgeSLA sets s.SLA: which points meet t (MetBy on the figure of each the target is
// on), which are undecided (Undecided), and the cheapest meeting it in total cost (the
// lowest point number on a tie, as for Summary.Cheapest).
func (s *Summary) JudgeSLA(t SLA) error {
	v := &SLAVerdict{SLA: t, JudgedOn: "ci95", Meeting: []int{}, Undecided: []int{}}
	var best *PointSummary
	for i := range s.Points {
		p := &s.Points[i]
		e, err := t.Figure(p)
		if err != nil {
			return err
		}
		if _, onCI := t.Judged(e); !onCI {
			v.JudgedOn = "mean"
		}
		if t.Undecided(e) {
			v.Undecided = append(v.Undecided, p.Point)
		}
		p.OffDuty = OffDutyOf(t, p.runs)
		if !t.MetBy(e) {
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

// MeetsSLA says whether point meets the judged target (false when there is none).
func (s *Summary) MeetsSLA(point int) bool {
	if s.SLA == nil {
		return false
	}
	return slices.Contains(s.SLA.Meeting, point)
}

// UndecidedSLA says whether point is undecided on the judged target (false when there
// is none): its 95% interval reaches both sides of it.
func (s *Summary) UndecidedSLA(point int) bool {
	return s.SLA != nil && slices.Contains(s.SLA.Undecided, point)
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
