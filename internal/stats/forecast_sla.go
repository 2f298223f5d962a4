package stats

import (
	"fmt"

	"github.com/spendsim/spendsim/sim"
)

// ForecastResponse is how fast the customers who wrote in a forecast month (or over
// its horizon) were answered, whenever the answer came: the month's conversations by
// their arrival, counted as run counts a point's (SLAEstimates): every conversation
// that arrived, the unanswered last, each figure a mean over the replications with its
// 95% interval. The staffing stays the scenario's throughout, so with growth these are
// what the same team would deliver to a larger base.
type ForecastResponse struct {
	Conversations     Estimate `json:"conversations"` // arrived in the month, per run
	AnsweredShare     Estimate `json:"answered_share"`
	FirstResponseP50S Estimate `json:"first_response_p50_s"`
	FirstResponseP90S Estimate `json:"first_response_p90_s"`
	FirstResponseP99S Estimate `json:"first_response_p99_s"`
	// MeetsSLA is the verdict on the forecast's SLA target (Forecast.SLA): "met",
	// "missed" or "undecided" (its interval reaches both sides, as run's points
	// undecided). Absent without a target.
	MeetsSLA string `json:"meets_sla,omitempty"`
}

// The verdicts of ForecastResponse.MeetsSLA.
const (
	SLAMet       = "met"
	SLAMissed    = "missed"
	SLAUndecided = "undecided"
)

// ForecastSLA is forecast.json's "sla_target": the target of `forecast --sla`, judged on
// each month's conversations as run judges a point (SLA.MetBy), and the months that miss
// it.
type ForecastSLA struct {
	SLA
	JudgedOn string `json:"judged_on"` // "ci95" or, with one replication, "mean"
	// Missed are the months (YYYY-MM) that do not meet the target, undecided ones
	// included, in order; FirstMissed is the first of them, "" for none.
	Missed      []string `json:"months_missing"`
	FirstMissed string   `json:"first_month_missing"`
}

// responseOf bands one month's figures (or the horizon's) over the replications, by
// the estimates run's summary uses: a replication without conversations is left out.
func responseOf(figs []sim.PeriodFigures) *ForecastResponse {
	var arrived, answered, p50, p90, p99 []float64
	for _, f := range figs {
		arrived = append(arrived, float64(f.Conversations))
		if f.Conversations == 0 {
			continue
		}
		answered = append(answered, f.AnsweredShare)
		p50 = append(p50, f.FirstResponseP50S)
		p90 = append(p90, f.FirstResponseP90S)
		p99 = append(p99, f.FirstResponseP99S)
	}
	return &ForecastResponse{Conversations: estimate(arrived), AnsweredShare: shareEstimate(answered),
		FirstResponseP50S: estimate(p50), FirstResponseP90S: estimate(p90), FirstResponseP99S: estimate(p99)}
}

// forecastResponses are each month's figures and the horizon's, from the runs: nil
// when the runs did not figure their months apart (a run without Config.Periods). A
// one-month forecast's month is its horizon.
func forecastResponses(runs []sim.RunResult, months int) ([]*ForecastResponse, *ForecastResponse) {
	horizon := make([]sim.PeriodFigures, len(runs))
	for r, run := range runs {
		horizon[r] = sim.PeriodFigures{Conversations: run.Conversations, FirstResponses: run.FirstResponses,
			AnsweredShare: run.AnsweredShare, FirstResponseP50S: run.FirstResponseP50S,
			FirstResponseP90S: run.FirstResponseP90S, FirstResponseP99S: run.FirstResponseP99S}
		if len(run.Periods) != months && months > 1 {
			return nil, nil
		}
	}
	out := make([]*ForecastResponse, months)
	for m := range out {
		if months == 1 {
			out[m] = responseOf(horizon)
			continue
		}
		figs := make([]sim.PeriodFigures, len(runs))
		for r, run := range runs {
			figs[r] = run.Periods[m]
		}
		out[m] = responseOf(figs)
	}
	return out, responseOf(horizon)
}

// figure is the estimate of r the target is on; forecasts do not estimate the
// in-window share month by month.
func (t SLA) forecastFigure(r *ForecastResponse) (Estimate, error) {
	return t.pick(&r.FirstResponseP50S, &r.FirstResponseP90S, &r.FirstResponseP99S, nil, &r.AnsweredShare)
}

// ForecastSLAMetrics are the SLA metrics forecast judges month by month.
const ForecastSLAMetrics = "p50, p90, p99 and answered"

// CheckForecastSLA says whether a forecast can judge t month by month.
func CheckForecastSLA(t SLA) error {
	if _, err := t.forecastFigure(&ForecastResponse{}); err != nil {
		return fmt.Errorf("%q: a forecast judges %s month by month, not %s", t.Text, ForecastSLAMetrics, t.Metric)
	}
	return nil
}

// JudgeSLA marks each month, and the horizon, met, missed or undecided on t, as run
// judges a sweep point (SLA.MetBy, SLA.Undecided), and sets f.SLA. A forecast without
// response figures cannot be judged.
func (f *Forecast) JudgeSLA(t SLA) error {
	if err := CheckForecastSLA(t); err != nil {
		return err
	}
	if f.Horizon.Response == nil {
		return fmt.Errorf("stats: forecast %s has no response times to judge %s on", f.Scenario, t.Text)
	}
	v := &ForecastSLA{SLA: t, JudgedOn: "ci95", Missed: []string{}}
	judge := func(r *ForecastResponse) bool {
		e, _ := t.forecastFigure(r)
		if _, onCI := t.Judged(e); !onCI {
			v.JudgedOn = "mean"
		}
		switch {
		case t.MetBy(e):
			r.MeetsSLA = SLAMet
		case t.Undecided(e):
			r.MeetsSLA = SLAUndecided
		default:
			r.MeetsSLA = SLAMissed
		}
		return r.MeetsSLA == SLAMet
	}
	for i := range f.Months {
		if !judge(f.Months[i].Response) {
			v.Missed = append(v.Missed, f.Months[i].Month)
		}
	}
	judge(f.Horizon.Response)
	if len(v.Missed) > 0 {
		v.FirstMissed = v.Missed[0]
	}
	f.SLA = v
	return nil
}

// SLAJudgement is one sentence on how the months were judged.
func (v *ForecastSLA) SLAJudgement() string {
	return (&SLAVerdict{SLA: v.SLA, JudgedOn: v.JudgedOn}).SLAJudgement()
}
