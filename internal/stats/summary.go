package stats

import (
	"fmt"
	"math"
	"strings"

	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/sim"
)

// SLAEstimates are how fast customers were answered, across replications. Every
// conversation that arrived counts: the percentiles are over all of them, one never
// answered sorting after every answered one, so a percentile that falls among the
// unanswered is +Inf (null in JSON: not answered, never a time), and the answered,
// abandoned and dropped shares say how many there were.
type SLAEstimates struct {
	FirstResponseP50S Estimate `json:"first_response_p50_s"`
	FirstResponseP90S Estimate `json:"first_response_p90_s"`
	FirstResponseP99S Estimate `json:"first_response_p99_s"`
	// InWindowShare is the share (0..1) of the conversations that arrived whose first
	// response was sent inside the customer service window (one never answered was not).
	InWindowShare Estimate `json:"in_window_share"`
	// The shares (0..1) of the conversations that got a first response, that never did,
	// and of those, whose customer gave up waiting and whose first reply was dropped
	// (late_reply: drop); the rest of the unanswered were still waiting at the end.
	AnsweredShare   Estimate `json:"answered_share"`
	UnansweredShare Estimate `json:"unanswered_share"`
	AbandonedShare  Estimate `json:"abandoned_share"`
	DroppedShare    Estimate `json:"dropped_share"`
	// Conversations are the same as counts per run.
	Conversations ConversationCounts `json:"conversations"`
}

// ConversationCounts are what became of a point's conversations, each a mean per run
// with its interval: Arrived = Answered + Unanswered; Abandoned and Dropped are part of
// Unanswered.
type ConversationCounts struct {
	Arrived    Estimate `json:"arrived"`
	Answered   Estimate `json:"answered"`
	Unanswered Estimate `json:"unanswered"`
	Abandoned  Estimate `json:"abandoned"`
	Dropped    Estimate `json:"dropped"`
}

// ParamValue is one swept field of a sweep point: its value is a number or, for a
// field that takes names, the name (a JSON string).
type ParamValue struct {
	Path  string `json:"path"`
	Value any    `json:"value"` // float64 or string
}

// PointSummary is one sweep point, aggregated over its replications. The embedded Spend
// holds per-replication means, each rounded once to a whole micro or message.
type PointSummary struct {
	Point        int          `json:"point"`
	PointID      string       `json:"point_id"` // the sweep's id of the point (sim.RunResult.PointLabel)
	Label        string       `json:"label"`    // for people: "8 agents"
	Params       []ParamValue `json:"params"`
	Replications int          `json:"replications"`
	Spend
	// DerivedShare is the share (0..1) of the messaging bill priced from derived
	// (carried-forward) or third_party rate cells, over all replications; null (NaN) for a
	// bill of 0 (Share).
	DerivedShare            Num            `json:"derived_or_third_party_share"`
	TotalCI95               *MoneyInterval `json:"total_ci95"` // of the messaging bill; null with 1 replication
	StaffingMicros          int64          `json:"staffing_micros"`
	Staffing                string         `json:"staffing"`
	TotalWithStaffingMicros int64          `json:"total_with_staffing_micros"` // messaging + staffing
	TotalWithStaffing       string         `json:"total_with_staffing"`
	TotalWithStaffingCI95   *MoneyInterval `json:"total_with_staffing_ci95"`
	// StaffingCostPlaceholder says the staffing figures (and so the totals with them)
	// price the team at a placeholder cost per hour, not a real one: the point's
	// agents.cost_per_hour is still its cost_per_hour_placeholder. Absent otherwise.
	StaffingCostPlaceholder bool         `json:"staffing_cost_placeholder,omitempty"`
	SLA                     SLAEstimates `json:"sla"`
	// Outbound is what became of notifications and campaigns; absent when the point
	// sent none and had no blocking block.
	Outbound *OutboundSummary `json:"outbound,omitempty"`
	// Agents is what the bot and the customers' patience did; absent without a bot
	// reply or a customer giving up.
	Agents *AgentsSummary `json:"agents,omitempty"`
	// Drain is how much of the spend fell after the horizon, on the days its
	// conversations were still being answered or its held templates going out; absent
	// when no run went past it.
	Drain *DrainSummary `json:"drain,omitempty"`
	// OffDuty is what the point's shifts allow at any headcount under the SLA target
	// (JudgeSLA): the share of conversations that arrived with nobody on duty and the
	// floor their wait puts under the target's percentile, for run's SLA line. Nil
	// without a target, or where the runs did not count it (a team modelled by its
	// response time, runs read back for a merge). Not in summary.json, which a merge
	// of shards must write byte for byte as the unsharded run.
	OffDuty *OffDuty         `json:"-"`
	runs    []*sim.RunResult // its replications, for JudgeSLA
}

// Cheapest names the sweep point with the lowest mean messaging + staffing cost (the
// lowest point index on a tie).
type Cheapest struct {
	Point                   int    `json:"point"`
	Label                   string `json:"label"`
	TotalWithStaffingMicros int64  `json:"total_with_staffing_micros"`
	TotalWithStaffing       string `json:"total_with_staffing"`
}

// Summary is summary.json for a simulation.
type Summary struct {
	Scenario string `json:"scenario"`
	Currency string `json:"currency"`
	Runs     int    `json:"runs"`
	// Priced is what priced the bill: the rate and tier files, the cards in force.
	Priced
	Points   []PointSummary `json:"points"`
	Cheapest *Cheapest      `json:"cheapest"`
	// SLA is the target of `spendsim run --sla` and the points meeting it; absent when
	// no target was given.
	SLA *SLAVerdict `json:"sla_target,omitempty"`
}

// Summarize aggregates runs into one PointSummary per sweep point, in point order.
// Runs may come in any order (a parallel sweep finishes them out of order): they are
// sorted by (point, replication) first, so float sums always add in the same order.
func Summarize(scenario string, runs []sim.RunResult) (Summary, error) {
	s := Summary{Scenario: scenario, Runs: len(runs), Points: []PointSummary{}, Priced: NewPriced(nil, nil)}
	if len(runs) == 0 {
		return s, nil
	}
	if err := sameParams(runs); err != nil {
		return Summary{}, fmt.Errorf("stats: summary: %w", err)
	}
	points := ByPoint(runs)
	first := points[0][0]
	s.Currency = first.Currency
	var all []*sim.RunResult
	for _, reps := range points {
		for _, r := range reps {
			if r.Currency != s.Currency {
				return Summary{}, fmt.Errorf("stats: summary: run %s is in %s, run %s in %s; one summary has one currency",
					r.RunID, r.Currency, first.RunID, s.Currency)
			}
		}
		all = append(all, reps...)
	}
	vary := varyingParams(all)
	for _, reps := range points {
		p, err := summarizePoint(reps, vary)
		if err != nil {
			return Summary{}, fmt.Errorf("stats: summary: point %d: %w", reps[0].Point, err)
		}
		s.Points = append(s.Points, p)
	}
	best := 0
	for i, p := range s.Points {
		if p.TotalWithStaffingMicros < s.Points[best].TotalWithStaffingMicros {
			best = i
		}
	}
	b := s.Points[best]
	s.Cheapest = &Cheapest{Point: b.Point, Label: b.Label,
		TotalWithStaffingMicros: b.TotalWithStaffingMicros, TotalWithStaffing: b.TotalWithStaffing}
	return s, nil
}

// PointLabels are the labels Summarize gives the points whose params these are (each
// point's, alike in paths): PointLabel of the params that vary between them. A caller
// that names a point as the run table shows it finds it by these.
func PointLabels(points [][]sim.Param) []string {
	if len(points) == 0 {
		return nil
	}
	vary := varying(points)
	labels := make([]string, len(points))
	for i, ps := range points {
		labels[i] = PointLabel(shown(ps, vary))
	}
	return labels
}

// shown are the params of params that vary marks: those a label names.
func shown(params []sim.Param, vary []bool) []sim.Param {
	var out []sim.Param
	for i, p := range params {
		if vary[i] {
			out = append(out, p)
		}
	}
	return out
}

// varyingParams marks the params whose value differs between runs (varying).
func varyingParams(runs []*sim.RunResult) []bool {
	params := make([][]sim.Param, len(runs))
	for i, r := range runs {
		params[i] = r.Params
	}
	return varying(params)
}

// varying marks the params whose value differs between points. A field swept over a
// single value tells the points nothing apart, so labels leave it out; if no param
// varies, all are kept.
func varying(points [][]sim.Param) []bool {
	vary := make([]bool, len(points[0]))
	some := false
	for i, p := range points[0] {
		for _, r := range points[1:] {
			if !r[i].Equal(p) {
				vary[i], some = true, true
				break
			}
		}
	}
	if !some {
		for i := range vary {
			vary[i] = true
		}
	}
	return vary
}

func summarizePoint(reps []*sim.RunResult, vary []bool) (PointSummary, error) {
	n := int64(len(reps))
	first := reps[0]
	p := PointSummary{
		Point:        first.Point,
		PointID:      first.PointLabel,
		Label:        PointLabel(shown(first.Params, vary)),
		Params:       make([]ParamValue, len(first.Params)),
		Replications: len(reps),
		runs:         reps,
	}
	for i, pr := range first.Params {
		p.Params[i] = ParamValue{Path: pr.Path, Value: pr.Value}
		if pr.Text != "" {
			p.Params[i].Value = pr.Text
		}
	}
	tally := SpendTally{Currency: first.Currency}
	var staffing, withStaffing, messaging, derived money.Sum
	messagingEach := make([]float64, len(reps))
	withStaffingEach := make([]float64, len(reps))
	var p50, p90, p99, inWin []float64
	var shares [4][]float64 // answered, unanswered, abandoned, dropped
	var counts [5][]float64 // arrived, answered, unanswered, abandoned, dropped
	for i, r := range reps {
		tally.AddRun(r)
		messaging.Add(r.MessagingMicros)
		derived.Add(r.DerivedMicros)
		derived.Add(r.ThirdPartyMicros)
		staffing.Add(r.StaffingMicros)
		tot, err := money.Add(r.MessagingMicros, r.StaffingMicros)
		if err != nil {
			return PointSummary{}, fmt.Errorf("run %s: %w", r.RunID, err)
		}
		withStaffing.Add(tot)
		// Spread estimates only: the bill itself is summed in integers above.
		messagingEach[i] = float64(r.MessagingMicros)
		withStaffingEach[i] = float64(tot)
		if HasConversations(r) {
			p50 = append(p50, r.FirstResponseP50S)
			p90 = append(p90, r.FirstResponseP90S)
			p99 = append(p99, r.FirstResponseP99S)
			inWin = append(inWin, r.InWindowShare)
			for k, v := range [...]float64{r.AnsweredShare, r.UnansweredShare, r.AbandonedShare, r.DroppedShare} {
				shares[k] = append(shares[k], v)
			}
		}
		for k, v := range [...]int64{r.Conversations, r.FirstResponses, r.UnansweredConversations, r.Abandoned, r.DroppedConversations} {
			counts[k] = append(counts[k], float64(v))
		}
	}
	var err error
	if p.Spend, err = tally.Spend(n); err != nil {
		return PointSummary{}, err
	}
	st, err := staffing.Total()
	if err != nil {
		return PointSummary{}, fmt.Errorf("staffing: %w", err)
	}
	ws, err := withStaffing.Total()
	if err != nil {
		return PointSummary{}, fmt.Errorf("messaging + staffing: %w", err)
	}
	p.DerivedShare = Share(&derived, &messaging)
	p.StaffingMicros = DivRound(int64(st), n)
	p.Staffing = money.Micros(p.StaffingMicros).String()
	p.TotalWithStaffingMicros = DivRound(int64(ws), n)
	p.TotalWithStaffing = money.Micros(p.TotalWithStaffingMicros).String()
	if p.TotalCI95, err = spendCI(p.TotalMicros, messagingEach); err != nil {
		return PointSummary{}, fmt.Errorf("total_ci95: %w", err)
	}
	if p.TotalWithStaffingCI95, err = spendCI(p.TotalWithStaffingMicros, withStaffingEach); err != nil {
		return PointSummary{}, fmt.Errorf("total_with_staffing_ci95: %w", err)
	}
	p.Outbound = summarizeOutbound(reps)
	p.Agents = summarizeAgents(reps)
	if p.Drain, err = summarizeDrain(reps); err != nil {
		return PointSummary{}, err
	}
	p.SLA = SLAEstimates{
		FirstResponseP50S: estimate(p50),
		FirstResponseP90S: estimate(p90),
		FirstResponseP99S: estimate(p99),
		InWindowShare:     shareEstimate(inWin),
		AnsweredShare:     shareEstimate(shares[0]),
		UnansweredShare:   shareEstimate(shares[1]),
		AbandonedShare:    shareEstimate(shares[2]),
		DroppedShare:      shareEstimate(shares[3]),
		Conversations: ConversationCounts{
			Arrived: estimate(counts[0]), Answered: estimate(counts[1]), Unanswered: estimate(counts[2]),
			Abandoned: estimate(counts[3]), Dropped: estimate(counts[4]),
		},
	}
	return p, nil
}

// sameParams checks that every run sweeps the same fields in the same order (the sweep
// expander guarantees it; a mix would silently misalign the points' params).
func sameParams(runs []sim.RunResult) error {
	for _, r := range runs[1:] {
		if len(r.Params) != len(runs[0].Params) {
			return fmt.Errorf("run %s sweeps %d params, run %s sweeps %d", r.RunID, len(r.Params), runs[0].RunID, len(runs[0].Params))
		}
		for i, p := range r.Params {
			if p.Path != runs[0].Params[i].Path {
				return fmt.Errorf("run %s param %d is %q, run %s has %q", r.RunID, i, p.Path, runs[0].RunID, runs[0].Params[i].Path)
			}
		}
	}
	return nil
}

// PointLabel is a short human name for a sweep point, for plots and summaries (which
// pass only the params that vary between points):
// "8 agents", "handle_time_s=600, 8 agents". A field swept under two paths with the same
// last name ("shifts[0].headcount", "shifts[1].headcount") keeps its parent to tell
// them apart. A param the sweep named reads "name=value". No params: "baseline".
func PointLabel(params []sim.Param) string {
	if len(params) == 0 {
		return "baseline"
	}
	names := make([]string, len(params))
	count := map[string]int{}
	for i, p := range params {
		names[i] = lastSegment(p.Path)
		count[names[i]]++
	}
	parts := make([]string, len(params))
	for i, p := range params {
		v := p.String()
		if p.Name != "" { // the scenario author's own name for the dimension
			parts[i] = p.Name + "=" + v
			continue
		}
		var prefix string
		if count[names[i]] > 1 {
			prefix = parentSegment(p.Path) + " "
		}
		switch names[i] {
		case "headcount":
			unit := "agents"
			if p.Value == 1 {
				unit = "agent"
			}
			parts[i] = prefix + v + " " + unit
		default:
			parts[i] = prefix + names[i] + "=" + v
		}
	}
	return strings.Join(parts, ", ")
}

func lastSegment(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	return path
}

func parentSegment(path string) string {
	i := strings.LastIndexByte(path, '.')
	if i < 0 {
		return ""
	}
	parent := path[:i]
	if j := strings.LastIndexByte(parent, '.'); j >= 0 {
		parent = parent[j+1:]
	}
	return parent
}

// HasConversations says whether a run has figures of its conversations: the
// first-response percentiles and the shares (answered, in the window, unanswered,
// abandoned, dropped). A percentile or a share of no conversation is none, so a
// replication in which no conversation arrived is left out of every mean, interval
// and difference of them (summary.json's, compare.json's, optimize's), rather than
// counted as 0 or making the figure unknown for all the replications.
func HasConversations(r *sim.RunResult) bool { return r.Conversations > 0 }

// Share is part ÷ whole, the share of a bill resting on something (derived or
// third-party rates). A share of nothing cannot be computed: for a whole of 0, or sums
// that overflowed, it is NaN, which JSON writes null (docs/formats.md, "Outputs").
func Share(part, whole *money.Sum) Num {
	w, err := whole.Total()
	p, err2 := part.Total()
	if err != nil || err2 != nil || w == 0 {
		return Num(math.NaN())
	}
	return Num(float64(p) / float64(w))
}
