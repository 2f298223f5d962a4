package stats

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// QuantileMethod names how forecast quantiles are taken: across R replications, the
// p-th percentile of an amount is its k-th smallest value with k = ceil(p·R/100) (at
// least 1), an exact order statistic of the integer micros (Hyndman and Fan's
// definition 1, the inverse of the empirical distribution function). Each figure's
// quantile is taken on its own, so the P50s of the categories need not add up to the
// P50 of the total; the means do.
const QuantileMethod = "nearest-rank: k-th smallest of the replications, k = ceil(p*R/100)"

// Quantile returns the p-th percentile (0 < p <= 100) of xs by QuantileMethod. xs is
// not modified.
func Quantile(xs []int64, p int) int64 {
	if len(xs) == 0 || p <= 0 || p > 100 {
		panic(fmt.Sprintf("stats: quantile %d of %d values", p, len(xs)))
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	k := (p*len(s) + 99) / 100 // ceil(p·R/100) in integers
	return s[max(k, 1)-1]
}

// Band is one amount across replications: P10, P50, P90 and the mean, in micros, with
// decimal strings beside them.
type Band struct {
	P10Micros  int64  `json:"p10_micros"`
	P50Micros  int64  `json:"p50_micros"`
	P90Micros  int64  `json:"p90_micros"`
	MeanMicros int64  `json:"mean_micros"` // rounded half away from zero
	P10        string `json:"p10"`
	P50        string `json:"p50"`
	P90        string `json:"p90"`
}

// bandOf bands xs; the error is their sum (for the mean) leaving the int64 range.
func bandOf(xs []int64) (Band, error) {
	var sum money.Sum
	for _, x := range xs {
		sum.Add(money.Micros(x))
	}
	total, err := sum.Total()
	if err != nil {
		return Band{}, fmt.Errorf("the sum of the %s (for the mean): %w", words.Count(len(xs), "replication"), err)
	}
	b := Band{P10Micros: Quantile(xs, 10), P50Micros: Quantile(xs, 50), P90Micros: Quantile(xs, 90),
		MeanMicros: DivRound(int64(total), int64(len(xs)))}
	b.P10, b.P50, b.P90 = money.Micros(b.P10Micros).String(), money.Micros(b.P50Micros).String(), money.Micros(b.P90Micros).String()
	return b, nil
}

// bands bands several amounts, each named for the error.
type bands struct{ err error }

func (bs *bands) of(name string, xs []int64) Band {
	if bs.err != nil {
		return Band{}
	}
	b, err := bandOf(xs)
	if err != nil {
		bs.err = fmt.Errorf("%s: %w", name, err)
	}
	return b
}

// plus is a + b, or an error naming what overflowed.
func plus(a, b int64, what string) (int64, error) {
	s, err := money.Add(money.Micros(a), money.Micros(b))
	if err != nil {
		return 0, fmt.Errorf("stats: forecast %s: %w", what, err)
	}
	return int64(s), nil
}

// ForecastMonth is one month of a forecast.
type ForecastMonth struct {
	Month string `json:"month"` // YYYY-MM of the period's first day
	Start string `json:"start"` // first local day, YYYY-MM-DD
	// End is the last local day, YYYY-MM-DD, inclusive: the day before the next month's
	// start (the horizon's end for the last). A month runs from the start day, so it is
	// a calendar month only when the forecast starts on the 1st (Calendar).
	End       string `json:"end"`
	Days      int    `json:"days"`
	Pricing   string `json:"pricing"`   // the era in force (two, "a→b", if it changes inside the month)
	Customers int64  `json:"customers"` // active customer base
	// Staffing is a month's shifts and the fees of the conversations the bot took on in
	// it; the last month's also holds the drain's shifts. The bot's conversations and
	// the drain depend on chance: the mean over the replications (staffingByMonth).
	AgentHours     float64         `json:"agent_hours"`
	StaffingMicros int64           `json:"staffing_micros"`
	Staffing       string          `json:"staffing"`
	Messaging      Band            `json:"messaging"`           // the WhatsApp bill
	Total          Band            `json:"total_with_staffing"` // messaging + staffing
	ByCategory     map[string]Band `json:"by_category"`         // every category, zero or not
	// DerivedShare and ThirdPartyShare are the shares (0..1) of the month's messaging
	// bill, over all replications, priced from derived rate cells (carried forward onto
	// a partial card, or derived in the rate data) and from third_party ones; null (NaN)
	// for a month billed 0 (Share).
	DerivedShare    Num `json:"derived_share"`
	ThirdPartyShare Num `json:"third_party_share"`
	// RestsOn marks what the month's prices rest on beyond published rates:
	// RestsDerived when carried-forward or derived cells priced part of the bill,
	// RestsServiceAtUtility when service messages were charged at the utility rate
	// (pmp-2026-10, a decision of docs/billing.md). Empty for neither.
	RestsOn []string `json:"rests_on"`
	// Response is how fast the month's customers were answered by the scenario's
	// staffing, held as it is; null for a forecast whose runs did not figure it.
	Response *ForecastResponse `json:"response"`
	// StartDay is Start as the local midnight it names (forecast.parquet's month column).
	StartDay time.Time `json:"-"`
}

// What a forecast month's prices may rest on (ForecastMonth.RestsOn).
const (
	RestsDerived          = "carried_forward_or_derived_rates"
	RestsServiceAtUtility = "service_at_utility_rate"
)

// Forecast is forecast.json.
type Forecast struct {
	Scenario       string  `json:"scenario"`
	Currency       string  `json:"currency"`
	Seed           uint64  `json:"seed"`
	Replications   int     `json:"replications"`
	GrowthPerMonth float64 `json:"growth_per_month"`
	Quantiles      string  `json:"quantiles"` // QuantileMethod
	// Priced is what priced the forecast: the rate and tier files, the cards in force.
	Priced
	// Horizon is the whole horizon: each replication's months summed, then banded.
	Horizon ForecastMonth   `json:"horizon"`
	Months  []ForecastMonth `json:"months"`
	// StaffingCostPlaceholder: the staffing figures, and the totals with them, price the
	// team at a placeholder cost per hour (agents.cost_per_hour is still its
	// cost_per_hour_placeholder, as spendsim fit writes it). Absent otherwise.
	StaffingCostPlaceholder bool `json:"staffing_cost_placeholder,omitempty"`
	// SLA is the target of `forecast --sla` and the months missing it; absent without
	// one.
	SLA *ForecastSLA `json:"sla_target,omitempty"`
}

// ForecastInput is what BuildForecast needs: the configuration every replication ran
// and, per replication, its run and its daily rows.
type ForecastInput struct {
	Name           string
	Seed           uint64
	GrowthPerMonth float64
	Config         *sim.Config
	Runs           []sim.RunResult
	Days           [][]sim.DayRow
	Priced         Priced // what priced the runs
}

// BuildForecast cuts each replication's days into months of [Config.Start,
// Config.End) in the business's time zone, from the start day on (calendar months
// when start is the 1st), and bands every month's amounts across replications. The
// days after the horizon (its last conversations answered) count in the last month,
// their replies and the shifts that sent them: the months' staffing adds up to the
// runs' (staffingByMonth).
func BuildForecast(in ForecastInput) (Forecast, error) {
	cfg := in.Config
	if len(in.Runs) == 0 || len(in.Runs) != len(in.Days) {
		return Forecast{}, fmt.Errorf("stats: forecast of %s and %d day lists", words.Count(len(in.Runs), "run"), len(in.Days))
	}
	loc := cfg.Location
	first := cfg.Start.In(loc)
	var starts []time.Time
	for m := 0; ; m++ {
		s := model.MonthsOn(first.Year(), first.Month(), first.Day(), m, loc)
		if model.FromStd(s) >= cfg.End {
			break
		}
		starts = append(starts, s)
	}
	n, reps := len(starts), len(in.Runs)
	cats := pricing.Categories()
	// amounts[month][replication]; byCat[month][category][replication]
	amounts := make([][]int64, n)
	byCat := make([][][]int64, n)
	// All replications together, per month and over the horizon (last): the bill and
	// its parts priced from derived and third_party cells.
	total, derived, third := make([]money.Sum, n+1), make([]money.Sum, n+1), make([]money.Sum, n+1)
	for m := range starts {
		amounts[m] = make([]int64, reps)
		byCat[m] = make([][]int64, len(cats))
		for c := range cats {
			byCat[m][c] = make([]int64, reps)
		}
	}
	for r, days := range in.Days {
		if in.Runs[r].Currency != in.Runs[0].Currency {
			return Forecast{}, fmt.Errorf("stats: forecast runs in %s and %s", in.Runs[0].Currency, in.Runs[r].Currency)
		}
		var sums []money.Sum = make([]money.Sum, n)
		catSums := make([][]money.Sum, n)
		for m := range catSums {
			catSums[m] = make([]money.Sum, len(cats))
		}
		for _, d := range days {
			m := monthOf(starts, d.Day)
			sums[m].Add(d.MessagingMicros)
			for _, k := range []int{m, n} {
				total[k].Add(d.MessagingMicros)
				derived[k].Add(d.DerivedMicros)
				third[k].Add(d.ThirdPartyMicros)
			}
			for c, cat := range cats {
				catSums[m][c].Add(d.AmountByCategory[cat])
			}
		}
		for m := range starts {
			t, err := sums[m].Total()
			if err != nil {
				return Forecast{}, fmt.Errorf("stats: forecast %s: %w", starts[m].Format("2006-01"), err)
			}
			amounts[m][r] = int64(t)
			for c := range cats {
				ct, err := catSums[m][c].Total()
				if err != nil {
					return Forecast{}, fmt.Errorf("stats: forecast %s: %w", starts[m].Format("2006-01"), err)
				}
				byCat[m][c][r] = int64(ct)
			}
		}
	}
	f := Forecast{
		Scenario: in.Name, Currency: in.Runs[0].Currency, Seed: in.Seed, Replications: reps,
		GrowthPerMonth: in.GrowthPerMonth, Quantiles: QuantileMethod, Priced: in.Priced.Listed(),
		StaffingCostPlaceholder: in.Config.Staffing.PlaceholderCost(),
	}
	horizon := make([]int64, reps)
	horizonCat := make([][]int64, len(cats))
	for c := range cats {
		horizonCat[c] = make([]int64, reps)
	}
	staff, err := staffingByMonth(in, starts)
	if err != nil {
		return Forecast{}, err
	}
	responses, horizonResponse := forecastResponses(in.Runs, n)
	var agentHours float64
	for m, st := range starts {
		end := cfg.End // the next month's start: the days monthOf puts in this month
		if m+1 < n {
			end = model.FromStd(starts[m+1])
		}
		month := st.Format("2006-01")
		agentHours += staff[m].hours
		var bs bands
		fm := ForecastMonth{
			Month: month, Start: st.Format(time.DateOnly), End: lastDay(end, loc),
			Days:       int(end.In(loc).Sub(st).Hours()/24 + 0.5),
			Pricing:    eraSpan(cfg.Billing.Era, model.FromStd(st), end, loc),
			Customers:  int64(customersAt(cfg, model.FromStd(st))),
			AgentHours: staff[m].hours, StaffingMicros: staff[m].mean, Staffing: money.Micros(staff[m].mean).String(),
			Messaging: bs.of("messaging", amounts[m]), ByCategory: map[string]Band{}, StartDay: st,
		}
		totals := make([]int64, reps)
		for r := range totals {
			if totals[r], err = plus(amounts[m][r], staff[m].each[r], month+" messaging + staffing"); err != nil {
				return Forecast{}, err
			}
			if horizon[r], err = plus(horizon[r], amounts[m][r], "horizon messaging"); err != nil {
				return Forecast{}, err
			}
		}
		fm.Total = bs.of("total_with_staffing", totals)
		for c, cat := range cats {
			fm.ByCategory[cat.String()] = bs.of(cat.String(), byCat[m][c])
			for r := range reps {
				if horizonCat[c][r], err = plus(horizonCat[c][r], byCat[m][c][r], "horizon "+cat.String()); err != nil {
					return Forecast{}, err
				}
			}
		}
		if bs.err != nil {
			return Forecast{}, fmt.Errorf("stats: forecast %s: %w", month, bs.err)
		}
		fm.restsOn(&derived[m], &third[m], &total[m])
		if responses != nil {
			fm.Response = responses[m]
		}
		f.Months = append(f.Months, fm)
	}
	// The horizon's staffing is each replication's run's: the months add up to it.
	var staffing money.Sum
	for _, r := range in.Runs {
		staffing.Add(r.StaffingMicros)
	}
	staffSum, err := staffing.Total()
	if err != nil {
		return Forecast{}, fmt.Errorf("stats: forecast staffing: %w", err)
	}
	staffTotal := money.Micros(DivRound(int64(staffSum), int64(reps)))
	var bs bands
	h := ForecastMonth{
		Month: f.Months[0].Month + ".." + f.Months[n-1].Month, Start: f.Months[0].Start, End: f.Months[n-1].End,
		Days:      int(cfg.End.In(loc).Sub(first).Hours()/24 + 0.5),
		Pricing:   eraSpan(cfg.Billing.Era, cfg.Start, cfg.End, loc),
		Customers: f.Months[n-1].Customers, AgentHours: agentHours,
		StaffingMicros: int64(staffTotal), Staffing: staffTotal.String(),
		Messaging: bs.of("messaging", horizon), ByCategory: map[string]Band{},
	}
	totals := make([]int64, reps)
	for r := range totals {
		if totals[r], err = plus(horizon[r], int64(in.Runs[r].StaffingMicros), "horizon messaging + staffing"); err != nil {
			return Forecast{}, err
		}
	}
	h.Total = bs.of("total_with_staffing", totals)
	for c, cat := range cats {
		h.ByCategory[cat.String()] = bs.of(cat.String(), horizonCat[c])
	}
	if bs.err != nil {
		return Forecast{}, fmt.Errorf("stats: forecast horizon: %w", bs.err)
	}
	h.restsOn(&derived[n], &third[n], &total[n])
	h.Response = horizonResponse
	f.Horizon = h
	return f, nil
}

// monthStaffing is one month's staffing: each replication's, their mean (rounded half
// away from zero) and the mean agent-hours.
type monthStaffing struct {
	each  []int64 // micros, per replication
	mean  int64
	hours float64
}

// staffingByMonth cuts each replication's staffing cost (sim.RunResult.StaffingMicros,
// costed by the run: the shifts from Start until its backlog was cleared, and the
// bot's fees) into the forecast's months. A month before the last costs its shifts and
// the fees of the conversations the bot took on in it (sim.DayRow.BotConversations);
// the shifts' cost is rounded once on the agent-time from Start to the month's end, so
// each month is the difference of two such costs and the months add up exactly. The
// last month is the rest of the run's cost: its own shifts and bot fees, and the
// drain's shifts (the shifts after the horizon on which its conversations were
// answered, billed with their replies in that month). The drain's length and the bot's
// conversations depend on chance: a month's staffing is the mean over the replications.
func staffingByMonth(in ForecastInput, starts []time.Time) ([]monthStaffing, error) {
	cfg, reps, n := in.Config, len(in.Runs), len(starts)
	var fee money.Micros
	if b := cfg.Staffing.Bot; b != nil {
		fee = b.CostPerConversation
	}
	bots := make([][]int64, reps) // [replication][month]: conversations the bot took on
	for r, days := range in.Days {
		bots[r] = make([]int64, n)
		for _, d := range days {
			bots[r][monthOf(starts, d.Day)] += d.BotConversations
		}
	}
	out := make([]monthStaffing, n)
	var upTo model.Time                     // agent-time of the months so far
	var costed money.Micros                 // its cost
	feesSoFar := make([]money.Micros, reps) // each replication's bot fees of the months so far
	var cum cumulative                      // every replication's staffing of the months so far
	var meanSoFar int64                     // its mean
	for m, st := range starts[:n-1] {
		month := st.Format("2006-01")
		tl := cfg.Staffing.Timeline(model.FromStd(st), model.FromStd(starts[m+1]), cfg.Location)
		upTo += tl.AgentTime
		c, err := agents.Cost(cfg.Staffing.CostPerHour, upTo)
		if err != nil {
			return nil, fmt.Errorf("stats: forecast %s: staffing: %w", month, err)
		}
		ms := monthStaffing{each: make([]int64, reps), hours: tl.AgentTime.Hours()}
		for r := range ms.each {
			f, err := money.Mul(fee, bots[r][m])
			if err != nil {
				return nil, fmt.Errorf("stats: forecast %s: bot fees: %w", month, err)
			}
			feesSoFar[r] += f // part of the run's cost: no overflow
			ms.each[r] = int64(c - costed + f)
			cum.Add(money.Micros(ms.each[r]))
		}
		if ms.mean, err = cum.meanSince(&meanSoFar, reps); err != nil {
			return nil, fmt.Errorf("stats: forecast %s: staffing: %w", month, err)
		}
		out[m], costed = ms, c
	}
	last := monthStaffing{each: make([]int64, reps)}
	for r, run := range in.Runs {
		last.each[r] = int64(run.StaffingMicros - costed - feesSoFar[r]) // both are part of it: no overflow
		cum.Add(money.Micros(last.each[r]))
		last.hours += run.AgentHours - upTo.Hours()
	}
	var err error
	if last.mean, err = cum.meanSince(&meanSoFar, reps); err != nil {
		return nil, fmt.Errorf("stats: forecast %s: staffing: %w", starts[n-1].Format("2006-01"), err)
	}
	last.hours /= float64(reps)
	out[n-1] = last
	return out, nil
}

// cumulative is a running sum over the months of every replication's staffing.
type cumulative struct{ money.Sum }

// meanSince is the mean over reps replications of what was added since the last call,
// rounded so that the means add up to the mean of the whole (the forecast's months to
// its horizon): the difference of the rounded running means. *soFar is the last one.
func (c *cumulative) meanSince(soFar *int64, reps int) (int64, error) {
	t, err := c.Total()
	if err != nil {
		return 0, err
	}
	mean := DivRound(int64(t), int64(reps))
	d := mean - *soFar
	*soFar = mean
	return d, nil
}

// restsOn fills the shares of fm's bill priced from derived and third-party cells and
// what its prices rest on beyond published rates.
func (fm *ForecastMonth) restsOn(derived, third, total *money.Sum) {
	fm.DerivedShare, fm.ThirdPartyShare = Share(derived, total), Share(third, total)
	fm.RestsOn = []string{}
	if fm.DerivedShare > 0 {
		fm.RestsOn = append(fm.RestsOn, RestsDerived)
	}
	if strings.Contains(fm.Pricing, billing.EraPMP2026Oct.String()) && fm.ByCategory[pricing.Service.String()].MeanMicros > 0 {
		fm.RestsOn = append(fm.RestsOn, RestsServiceAtUtility)
	}
}

// monthOf is the index of the period holding day (a local midnight).
func monthOf(starts []time.Time, day time.Time) int {
	m := 0
	for m+1 < len(starts) && !day.Before(starts[m+1]) {
		m++
	}
	return m
}

func customersAt(cfg *sim.Config, t model.Time) int {
	n := cfg.Customers
	for _, g := range cfg.Growth {
		if g.At <= t {
			n = sim.CustomersGrown(cfg.Customers, g.Factor)
		}
	}
	return n
}

// eraSpan names the era in force over [from, to): a fixed era's name, or under auto
// the era at from, and "a→b" when the rules change before to.
func eraSpan(e billing.Era, from, to model.Time, loc *time.Location) string {
	if e != billing.EraAuto {
		return e.String()
	}
	a, b := billing.EraAt(from, loc), billing.EraAt(to-1, loc)
	if a == b {
		return a.String()
	}
	return a.String() + "→" + b.String()
}

// lastDay is the local day before end (a local midnight), YYYY-MM-DD.
func lastDay(end model.Time, loc *time.Location) string {
	t := end.In(loc)
	return model.DayStart(t.Year(), t.Month(), t.Day()-1, loc).Format(time.DateOnly)
}

// Calendar says whether the month is a calendar month, the 1st to its last day (Meta
// invoices by them): every month of a forecast that starts on the 1st.
func (m ForecastMonth) Calendar() bool {
	start, err1 := time.Parse(time.DateOnly, m.Start)
	end, err2 := time.Parse(time.DateOnly, m.End)
	return err1 == nil && err2 == nil && start.Day() == 1 && end.Equal(start.AddDate(0, 1, -1))
}
