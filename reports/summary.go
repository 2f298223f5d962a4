package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// Spend is a messaging bill in Meta's vocabulary: what summary.json reports for a
// replayed trace as a whole and for each simulated sweep point. TotalMicros is the
// WhatsApp bill only (the category amounts add up to it); staffing is reported apart.
// Maps are keyed by Meta's names and list every category and pricing type, zero or not,
// so the keys are the same in every file (encoding/json sorts them).
type Spend struct {
	Currency               string            `json:"currency"`
	TotalMicros            int64             `json:"total_micros"`
	Total                  string            `json:"total"` // TotalMicros as a decimal: "1940.130000"
	BillableByCategory     map[string]int64  `json:"billable_by_category"`
	AmountMicrosByCategory map[string]int64  `json:"amount_micros_by_category"`
	AmountByCategory       map[string]string `json:"amount_by_category"` // decimal strings
	MessagesByPricingType  map[string]int64  `json:"messages_by_pricing_type"`
}

// SpendTally accumulates a Spend exactly: money as integer micros with overflow
// detection, counts as int64. The replay command can feed it one charge at a time.
type SpendTally struct {
	Currency   string
	total      money.Sum
	amounts    [pricing.NumCategories]money.Sum
	billable   [pricing.NumCategories]int64
	byType     [pricing.NumTypes]int64
	overflowed string
}

// AddCharge adds one delivered business message's charge. A message of pricing type
// none (not priced) is counted under no type, as TypeNone has no key.
func (t *SpendTally) AddCharge(c pricing.Charge) {
	t.byType[c.Type]++
	if c.Billable {
		t.billable[c.Category]++
	}
	t.amounts[c.Category].Add(c.Amount)
	t.total.Add(c.Amount)
}

// AddRun adds a whole run's bill.
func (t *SpendTally) AddRun(r *sim.RunResult) {
	t.total.Add(r.MessagingMicros)
	for c := range r.AmountByCategory {
		t.amounts[c].Add(r.AmountByCategory[c])
		t.billable[c] += r.BillableByCategory[c]
	}
	for i := range r.MessagesByType {
		t.byType[i] += r.MessagesByType[i]
	}
}

// Spend returns the tally, each figure divided by n and rounded half away from zero to a
// whole micro or message (n = 1 for a plain total; n = replications for a mean).
func (t *SpendTally) Spend(n int64) (Spend, error) {
	if n < 1 {
		return Spend{}, fmt.Errorf("reports: spend divided by %d", n)
	}
	total, err := t.total.Total()
	if err != nil {
		return Spend{}, err
	}
	s := Spend{
		Currency:               t.Currency,
		TotalMicros:            divRound(int64(total), n),
		BillableByCategory:     map[string]int64{},
		AmountMicrosByCategory: map[string]int64{},
		AmountByCategory:       map[string]string{},
		MessagesByPricingType:  map[string]int64{},
	}
	s.Total = money.Micros(s.TotalMicros).String()
	for _, c := range pricing.Categories() {
		a, err := t.amounts[c].Total()
		if err != nil {
			return Spend{}, fmt.Errorf("%s: %w", c, err)
		}
		m := divRound(int64(a), n)
		s.AmountMicrosByCategory[c.String()] = m
		s.AmountByCategory[c.String()] = money.Micros(m).String()
		s.BillableByCategory[c.String()] = divRound(t.billable[c], n)
	}
	for _, ty := range pricing.Types() {
		s.MessagesByPricingType[ty.String()] = divRound(t.byType[ty], n)
	}
	return s, nil
}

// divRound is a/n rounded half away from zero: the one place a mean of micros or counts
// is rounded.
func divRound(a, n int64) int64 {
	q, r := a/n, a%n
	if 2*abs64(r) >= n {
		if a < 0 {
			q--
		} else {
			q++
		}
	}
	return q
}

func abs64(a int64) int64 {
	if a < 0 {
		return -a
	}
	return a
}

// Num is a float64 that encodes NaN and ±Inf as JSON null (encoding/json refuses them):
// a percentile of no responses is unknown, not zero.
type Num float64

func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// Interval is a two-sided 95% confidence interval.
type Interval struct {
	Low  Num `json:"low"`
	High Num `json:"high"`
}

// Estimate is a mean across replications and its 95% confidence interval (Student t
// with replications−1 degrees of freedom). CI95 is null with a single replication:
// there is no spread to estimate it from.
type Estimate struct {
	Mean Num       `json:"mean"`
	CI95 *Interval `json:"ci95"`
}

// MoneyInterval is a 95% confidence interval of an amount, rounded to whole micros.
type MoneyInterval struct {
	LowMicros  int64  `json:"low_micros"`
	Low        string `json:"low"`
	HighMicros int64  `json:"high_micros"`
	High       string `json:"high"`
}

// SLA is how fast customers were answered, across replications.
type SLA struct {
	FirstResponseP50S Estimate `json:"first_response_p50_s"`
	FirstResponseP90S Estimate `json:"first_response_p90_s"`
	FirstResponseP99S Estimate `json:"first_response_p99_s"`
	// InWindowShare is the share (0..1) of replies sent inside the customer service window.
	InWindowShare Estimate `json:"in_window_share"`
}

// ParamValue is one swept field of a sweep point.
type ParamValue struct {
	Path  string  `json:"path"`
	Value float64 `json:"value"`
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
	TotalCI95               *MoneyInterval `json:"total_ci95"` // of the messaging bill; null with 1 replication
	StaffingMicros          int64          `json:"staffing_micros"`
	Staffing                string         `json:"staffing"`
	TotalWithStaffingMicros int64          `json:"total_with_staffing_micros"` // messaging + staffing
	TotalWithStaffing       string         `json:"total_with_staffing"`
	TotalWithStaffingCI95   *MoneyInterval `json:"total_with_staffing_ci95"`
	SLA                     SLA            `json:"sla"`
	// Outbound is what became of notifications and campaigns; absent when the point
	// sent none and had no blocking block.
	Outbound *OutboundSummary `json:"outbound,omitempty"`
	// Agents is what the bot and the customers' patience did; absent without a bot
	// reply or a customer giving up.
	Agents *AgentsSummary `json:"agents,omitempty"`
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
	Scenario string         `json:"scenario"`
	Currency string         `json:"currency"`
	Runs     int            `json:"runs"`
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
	s := Summary{Scenario: scenario, Runs: len(runs), Points: []PointSummary{}}
	if len(runs) == 0 {
		return s, nil
	}
	if _, err := paramPaths(runs); err != nil {
		return Summary{}, fmt.Errorf("reports: summary: %w", err)
	}
	sorted := make([]*sim.RunResult, len(runs))
	for i := range runs {
		sorted[i] = &runs[i]
	}
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].Point != sorted[j].Point {
			return sorted[i].Point < sorted[j].Point
		}
		return sorted[i].Replication < sorted[j].Replication
	})
	s.Currency = sorted[0].Currency
	for _, r := range sorted {
		if r.Currency != s.Currency {
			return Summary{}, fmt.Errorf("reports: summary: run %s is in %s, run %s in %s; one summary has one currency",
				r.RunID, r.Currency, sorted[0].RunID, s.Currency)
		}
	}
	vary := varyingParams(sorted)
	for start := 0; start < len(sorted); {
		end := start + 1
		for end < len(sorted) && sorted[end].Point == sorted[start].Point {
			end++
		}
		p, err := summarizePoint(sorted[start:end], vary)
		if err != nil {
			return Summary{}, fmt.Errorf("reports: summary: point %d: %w", sorted[start].Point, err)
		}
		s.Points = append(s.Points, p)
		start = end
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

// varyingParams marks the params whose value differs between runs. A field swept over
// a single value tells the points nothing apart, so labels leave it out; if no param
// varies, all are kept.
func varyingParams(runs []*sim.RunResult) []bool {
	vary := make([]bool, len(runs[0].Params))
	some := false
	for i, p := range runs[0].Params {
		for _, r := range runs[1:] {
			if v := r.Params[i].Value; v != p.Value && !(math.IsNaN(v) && math.IsNaN(p.Value)) {
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
	var shown []sim.Param
	for i, pr := range first.Params {
		if vary[i] {
			shown = append(shown, pr)
		}
	}
	p := PointSummary{
		Point:        first.Point,
		PointID:      first.PointLabel,
		Label:        PointLabel(shown),
		Params:       make([]ParamValue, len(first.Params)),
		Replications: len(reps),
	}
	for i, pr := range first.Params {
		p.Params[i] = ParamValue{Path: pr.Path, Value: pr.Value}
	}
	tally := SpendTally{Currency: first.Currency}
	var staffing, withStaffing money.Sum
	messagingEach := make([]float64, len(reps))
	withStaffingEach := make([]float64, len(reps))
	var p50, p90, p99, inWin []float64
	for i, r := range reps {
		tally.AddRun(r)
		staffing.Add(r.StaffingMicros)
		tot, err := money.Add(r.MessagingMicros, r.StaffingMicros)
		if err != nil {
			return PointSummary{}, fmt.Errorf("run %s: %w", r.RunID, err)
		}
		withStaffing.Add(tot)
		// Spread estimates only: the bill itself is summed in integers above.
		messagingEach[i] = float64(r.MessagingMicros)
		withStaffingEach[i] = float64(tot)
		p50 = append(p50, r.FirstResponseP50S)
		p90 = append(p90, r.FirstResponseP90S)
		p99 = append(p99, r.FirstResponseP99S)
		inWin = append(inWin, r.InWindowShare)
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
	p.StaffingMicros = divRound(int64(st), n)
	p.Staffing = money.Micros(p.StaffingMicros).String()
	p.TotalWithStaffingMicros = divRound(int64(ws), n)
	p.TotalWithStaffing = money.Micros(p.TotalWithStaffingMicros).String()
	p.TotalCI95 = moneyCI(p.TotalMicros, messagingEach)
	p.TotalWithStaffingCI95 = moneyCI(p.TotalWithStaffingMicros, withStaffingEach)
	p.Outbound = summarizeOutbound(reps)
	p.Agents = summarizeAgents(reps)
	p.SLA = SLA{
		FirstResponseP50S: estimate(p50),
		FirstResponseP90S: estimate(p90),
		FirstResponseP99S: estimate(p99),
		InWindowShare:     estimate(inWin),
	}
	return p, nil
}

// meanHalfWidth is the sample mean of xs and the half-width of its two-sided 95%
// Student t confidence interval; the half-width is NaN for fewer than two values.
func meanHalfWidth(xs []float64) (mean, half float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += x
	}
	mean /= n
	if len(xs) < 2 {
		return mean, math.NaN()
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	sd := math.Sqrt(ss / (n - 1))
	// Quantile draws no random numbers; Src is set only so that no distuv value ever
	// holds the global generator.
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1, Src: rand.NewPCG(0, 0)}
	return mean, t.Quantile(0.975) * sd / math.Sqrt(n)
}

func estimate(xs []float64) Estimate {
	mean, half := meanHalfWidth(xs)
	e := Estimate{Mean: Num(mean)}
	if !math.IsNaN(half) {
		e.CI95 = &Interval{Low: Num(mean - half), High: Num(mean + half)}
	}
	return e
}

// moneyCI centres the interval on the exactly computed mean and rounds its bounds to
// whole micros; nil with a single replication.
func moneyCI(meanMicros int64, each []float64) *MoneyInterval {
	_, half := meanHalfWidth(each)
	if math.IsNaN(half) {
		return nil
	}
	h := int64(math.Round(half))
	lo, hi := meanMicros-h, meanMicros+h
	return &MoneyInterval{LowMicros: lo, Low: money.Micros(lo).String(), HighMicros: hi, High: money.Micros(hi).String()}
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
		v := strconv.FormatFloat(p.Value, 'g', -1, 64)
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

// WriteJSON writes v as indented JSON with a final newline, atomically.
func WriteJSON(path string, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	// Labels and paths are shown to people; "<" should stay "<".
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("reports: %s: %w", path, err)
	}
	return WriteFileAtomic(path, buf.Bytes())
}
