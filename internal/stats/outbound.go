package stats

import (
	"sort"

	"github.com/spendsim/spendsim/model/blocking"
	"github.com/spendsim/spendsim/sim"
)

// OutboundSummary is what became of a sweep point's notifications and campaigns,
// across its replications: each count a mean per run with its Student-t 95% interval
// (null with one replication), like the SLA estimates.
type OutboundSummary struct {
	TemplatesSent   Estimate `json:"templates_sent"`   // notification and campaign templates sent
	TemplateReplies Estimate `json:"template_replies"` // conversations started by answering a template
	Blocks          Estimate `json:"blocks"`           // users who blocked the business
	ReachLost       Estimate `json:"reach_lost"`       // templates to users who had blocked: sent, never delivered
	LimitDelayed    Estimate `json:"limit_delayed"`    // templates held back by the messaging limit
	LimitFailed     Estimate `json:"limit_failed"`     // templates failed over the messaging limit
	CapRefused      Estimate `json:"cap_refused"`      // marketing templates refused by the per-user cap
	// LimitAfterHorizon: of LimitDelayed, the templates that went after the horizon
	// (in the drain, billed to the run); LimitHeldAtEnd: those still held when the
	// drain reached its bound, never sent.
	LimitAfterHorizon Estimate `json:"limit_after_horizon"`
	LimitHeldAtEnd    Estimate `json:"limit_held_at_end"`
	// Quality and MessagingLimit are the rating and limit at the horizon end most runs had
	// (on a tie the worse: lower quality, lower limit); the counts by value follow.
	// Absent without a blocking block.
	Quality            string           `json:"quality,omitempty"`
	QualityRuns        map[string]int64 `json:"quality_runs,omitempty"`
	MessagingLimit     string           `json:"messaging_limit,omitempty"`
	MessagingLimitRuns map[string]int64 `json:"messaging_limit_runs,omitempty"`
}

// summarizeOutbound aggregates the runs of one point; nil when none sent a
// business-initiated template or modelled blocking.
func summarizeOutbound(reps []*sim.RunResult) *OutboundSummary {
	some := false
	for _, r := range reps {
		some = some || r.Outbound != (sim.OutboundCounts{})
	}
	if !some {
		return nil
	}
	col := func(get func(*sim.OutboundCounts) int64) Estimate {
		xs := make([]float64, len(reps))
		for i, r := range reps {
			xs[i] = float64(get(&r.Outbound))
		}
		return estimate(xs)
	}
	s := &OutboundSummary{
		TemplatesSent:     col(func(o *sim.OutboundCounts) int64 { return o.TemplatesSent }),
		TemplateReplies:   col(func(o *sim.OutboundCounts) int64 { return o.TemplateReplies }),
		Blocks:            col(func(o *sim.OutboundCounts) int64 { return o.Blocks }),
		ReachLost:         col(func(o *sim.OutboundCounts) int64 { return o.ReachLost }),
		LimitDelayed:      col(func(o *sim.OutboundCounts) int64 { return o.LimitDelayed }),
		LimitFailed:       col(func(o *sim.OutboundCounts) int64 { return o.LimitFailed }),
		CapRefused:        col(func(o *sim.OutboundCounts) int64 { return o.CapRefused }),
		LimitAfterHorizon: col(func(o *sim.OutboundCounts) int64 { return o.LimitAfterHorizon }),
		LimitHeldAtEnd:    col(func(o *sim.OutboundCounts) int64 { return o.LimitHeldAtEnd }),
	}
	s.Quality, s.QualityRuns = mode(reps, func(o *sim.OutboundCounts) string { return o.Quality }, qualityRank)
	s.MessagingLimit, s.MessagingLimitRuns = mode(reps, func(o *sim.OutboundCounts) string { return o.MessagingLimit }, limitRank)
	return s
}

// mode is the most frequent non-empty value and the count of each; a tie goes to the
// lowest rank.
func mode(reps []*sim.RunResult, get func(*sim.OutboundCounts) string, rank func(string) int) (string, map[string]int64) {
	counts := map[string]int64{}
	for _, r := range reps {
		if v := get(&r.Outbound); v != "" {
			counts[v]++
		}
	}
	if len(counts) == 0 {
		return "", nil
	}
	vals := make([]string, 0, len(counts))
	for v := range counts {
		vals = append(vals, v)
	}
	sort.Slice(vals, func(i, j int) bool {
		if counts[vals[i]] != counts[vals[j]] {
			return counts[vals[i]] > counts[vals[j]]
		}
		return rank(vals[i]) < rank(vals[j])
	})
	return vals[0], counts
}

// qualityRank orders ratings worst first.
func qualityRank(q string) int {
	for i, name := range []string{blocking.Low.String(), blocking.Medium.String(), blocking.High.String()} {
		if q == name {
			return i
		}
	}
	return 3
}

// limitRank orders limits lowest first ("unlimited" last).
func limitRank(l string) int {
	if l == "unlimited" {
		return 1 << 30
	}
	n := 0
	for _, c := range l {
		n = 10*n + int(c-'0')
	}
	return n
}
