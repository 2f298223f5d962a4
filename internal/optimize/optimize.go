package optimize

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/scenarios"
	"github.com/spendsim/spendsim/sim"
)

// Plan is one evaluated staffing plan: a line of optimize.json.
type Plan struct {
	Headcounts              []int  `json:"headcounts"`    // per shift, in the scenario's order
	Bot                     *bool  `json:"bot,omitempty"` // with --bot: whether the plan uses the scenario's bot
	Label                   string `json:"label"`
	MessagingMicros         int64  `json:"messaging_micros"` // means over replications
	StaffingMicros          int64  `json:"staffing_micros"`
	TotalWithStaffingMicros int64  `json:"total_with_staffing_micros"`
	TotalWithStaffing       string `json:"total_with_staffing"`
	// First-response percentiles over every conversation, the unanswered last: null
	// when one falls among the unanswered in any replication (not answered), or
	// without conversations.
	FirstResponseP50S stats.Num `json:"first_response_p50_s"`
	FirstResponseP90S stats.Num `json:"first_response_p90_s"`
	FirstResponseP99S stats.Num `json:"first_response_p99_s"`
	InWindowShare     stats.Num `json:"in_window_share"`
	// The shares of conversations answered, never answered, abandoned and dropped.
	AnsweredShare   stats.Num `json:"answered_share"`
	UnansweredShare stats.Num `json:"unanswered_share"`
	AbandonedShare  stats.Num `json:"abandoned_share"`
	DroppedShare    stats.Num `json:"dropped_share"`
	// OffDutyShare is the share of conversations that arrived while none of the plan's
	// agents were on duty (mean over replications; null where not counted).
	OffDutyShare stats.Num `json:"off_duty_share"`
	// SLAFigure is the target's figure over the replications: its mean (the field
	// above of the target's metric) and 95% interval (null with one replication).
	SLAFigure stats.Estimate `json:"sla_figure"`
	// Feasible: the plan meets the SLA, judged as run judges a sweep point
	// (stats.SLA.MetBy): its whole 95% interval meets the target (its mean with one
	// replication).
	Feasible bool `json:"feasible"`
	// Undecided: the interval reaches both sides of the target, so these replications
	// cannot say whether the plan meets it; it counts as missing it (Feasible false).
	Undecided bool    `json:"undecided"`
	Best      bool    `json:"best"`
	Value     float64 `json:"-"` // the mean of the SLA figure: SLAFigure.Mean
	offDuty   *stats.OffDuty
	judged    float64 // the end of SLAFigure the verdict rests on (stats.SLA.Judged): the search's distance to the target
	plan      []int   // Headcounts, then with --bot 1 (bot on) or 0 (off)
	order     int     // evaluation order, for ties
}

// Result is optimize.json.
type Result struct {
	Scenario     string    `json:"scenario"`
	Currency     string    `json:"currency"`
	Seed         uint64    `json:"seed"`
	Replications int       `json:"replications"`
	SLA          stats.SLA `json:"sla"`
	// JudgedOn is what the verdicts rest on, as in summary.json's sla_target: "ci95",
	// or "mean" when a plan has no interval (one replication).
	JudgedOn     string   `json:"judged_on"`
	MaxHeadcount int      `json:"max_headcount"`
	Shifts       []string `json:"shifts"`
	Best         *Plan    `json:"best"`
	Evaluated    []*Plan  `json:"evaluated"` // cheapest first
	Runs         int      `json:"-"`         // runs simulated to find Best
	// StaffingCostPlaceholder: the staffing figures, and the totals with them, price the
	// team at a placeholder cost per hour (agents.cost_per_hour is still its
	// cost_per_hour_placeholder, as spendsim fit writes it). Absent otherwise.
	StaffingCostPlaceholder bool `json:"staffing_cost_placeholder,omitempty"`
	// OffDuty is what the shifts allow at any headcount, from the plan with every shift
	// at MaxHeadcount: the share of conversations arriving while nobody is on duty and,
	// for a percentile target, the floor their wait for the next shift puts under it;
	// null where not counted (a team modelled by its response time).
	OffDuty *stats.OffDuty `json:"off_duty"`
}

// Options are what a search is asked for besides the scenario.
type Options struct {
	SLA          stats.SLA        // the target every answer meets, judged as run judges it (stats.SLA.MetBy)
	MaxHeadcount int              // the most agents on any one shift, 1 or more
	Workers      int              // parallel runs; 0 = all cores
	Bot          bool             // also switch the scenario's agents.bot on or off
	Rates        *pricing.Overlay // the user's cards and tiers over the built-in ones; nil: none
}

// Search finds the cheapest staffing plan meeting o.SLA. sc must have no sweep, a seed
// (every plan is simulated on it: common random numbers) and, with o.Bot, a bot; every
// plan is sc with other headcounts (and the bot on or off), simulated
// sc.Replications times. The search: first sc's own headcounts and every shift at
// o.MaxHeadcount (if that misses the SLA, nothing within the cap can, and Search fails
// with an *Unreachable naming the best figure reached, and where the shifts alone miss
// the SLA whatever their headcounts, saying so; it returns the plans evaluated with it). Then, step by step, it evaluates the neighbours of
// the current plan (one shift ±1, or one agent moved between shifts, or the bot
// switched) in one parallel batch: from a plan missing the SLA it moves to the cheapest
// neighbour meeting it, else to the one closest to it; from a plan meeting it, to a
// cheaper neighbour meeting it, until there is none. There it tries an escape (see
// escape: at most S·(S−1) + 2·S plans two steps away, S the shifts) and, when one of
// them meets the SLA for less, goes on from it; every move lowers the cost, so the
// search ends. The answer is the cheapest plan meeting the SLA among everything
// evaluated; ties go to the better SLA figure, then to the plan evaluated first, so
// the answer is the same on every machine. A team modelled by its response time
// (agents.response_time) has waits no headcount changes: Search refuses it with a
// *scenarios.Error rather than answer with no agents.
func Search(ctx context.Context, sc *scenarios.Scenario, o Options) (*Result, error) {
	if sc.Agents.ByResponseTime() {
		return nil, &scenarios.Error{File: sc.Name, Problems: []string{fmt.Sprintf("optimize: %s: agents.response_time models the team by how long it takes "+
			"to reply, whoever is on shift, so no headcount changes the waits: staffing only adds cost, and the answer would be no agents at all. "+
			"To weigh staffing against the waits, replace response_time with handle_time (and concurrency), so that agents answer from a queue", sc.Name)}}
	}
	if len(sc.Sweep) > 0 || sc.Seed == 0 || o.MaxHeadcount < 1 || (o.Bot && sc.Agents.Bot == nil) {
		return nil, fmt.Errorf("optimize: %s: want no sweep, a seed, a bot with Bot and MaxHeadcount >= 1", sc.Name)
	}
	op := &optimizer{sc: sc, sla: o.SLA, max: o.MaxHeadcount, workers: o.Workers, bot: o.Bot, rates: o.Rates, cache: map[string]*Plan{}}
	return op.search(ctx)
}

type optimizer struct {
	sc       *scenarios.Scenario
	sla      stats.SLA
	max      int
	workers  int
	bot      bool // plans also switch the scenario's bot on or off: one more element, 0 or 1
	rates    *pricing.Overlay
	cache    map[string]*Plan
	currency string
	runs     int
	noEscape bool // tests: the descent alone, as before escapes, to show what it misses
	onMean   bool // some plan was judged on its mean: it had no interval
}

func hcKey(hc []int) string {
	parts := make([]string, len(hc))
	for i, h := range hc {
		parts[i] = strconv.Itoa(h)
	}
	return strings.Join(parts, ",")
}

func (o *optimizer) shiftNames() []string {
	names := make([]string, len(o.sc.Agents.Shifts))
	for i, s := range o.sc.Agents.Shifts {
		names[i] = s.Name
		if names[i] == "" {
			names[i] = fmt.Sprintf("shift%d", i)
		}
	}
	return names
}

func (o *optimizer) label(hc []int) string {
	names := o.shiftNames()
	parts := make([]string, len(names))
	for i := range names {
		parts[i] = fmt.Sprintf("%s=%d", names[i], hc[i])
	}
	if o.bot {
		parts = append(parts, map[bool]string{true: "bot=on", false: "bot=off"}[hc[len(names)] == 1])
	}
	return strings.Join(parts, ",")
}

// limit is the largest value element i of a plan may take: a shift's headcount, or
// 1 for the bot switch.
func (o *optimizer) limit(i int) int {
	if i >= len(o.sc.Agents.Shifts) {
		return 1
	}
	return o.max
}

// evaluate simulates the plans not in the cache, all in one parallel batch, with the
// same seeds for every plan.
func (o *optimizer) evaluate(ctx context.Context, plans [][]int) error {
	var todo [][]int
	var jobs []sim.Job
	seen := map[string]bool{}
	for _, hc := range plans {
		k := hcKey(hc)
		if o.cache[k] != nil || seen[k] {
			continue
		}
		seen[k] = true
		p := *o.sc
		p.Agents.Shifts = slices.Clone(o.sc.Agents.Shifts)
		for i := range p.Agents.Shifts {
			p.Agents.Shifts[i].Headcount = hc[i]
		}
		if o.bot && hc[len(p.Agents.Shifts)] == 0 {
			p.Agents.Bot = nil
		}
		js, err := p.Jobs(o.sc.Seed, o.rates)
		if err != nil {
			return err
		}
		for i := range js {
			js[i].ID = o.label(hc) + "/" + js[i].ID
			js[i].Point = len(todo)
		}
		jobs = append(jobs, js...)
		todo = append(todo, hc)
	}
	if len(jobs) == 0 {
		return nil
	}
	runs, _, err := sim.RunAll(ctx, jobs, o.workers, nil)
	if err != nil {
		return err
	}
	o.runs += len(runs)
	reps := int64(o.sc.Replications)
	for i, hc := range todo {
		nShifts := len(o.sc.Agents.Shifts)
		cd := &Plan{Headcounts: hc[:nShifts:nShifts], Label: o.label(hc), order: len(o.cache), plan: hc}
		if o.bot {
			on := hc[nShifts] == 1
			cd.Bot = &on
		}
		var msg, staff money.Sum
		// Means over replications; a percentile not answered (+Inf) in one stays so.
		var p50, p90, p99, inw, ans, unans, aband, drop float64
		var withConv float64 // replications with conversations (stats.HasConversations): the figures' divisor
		var figure []float64 // the target's figure, per replication
		var mine []*sim.RunResult
		for _, r := range runs {
			if r.Point != i {
				continue
			}
			mine = append(mine, &r)
			o.currency = r.Currency
			msg.Add(r.MessagingMicros)
			staff.Add(r.StaffingMicros)
			if !stats.HasConversations(&r) {
				continue // no percentile, no share: summary.json's rule
			}
			withConv++
			p50 += r.FirstResponseP50S
			p90 += r.FirstResponseP90S
			p99 += r.FirstResponseP99S
			inw += r.InWindowShare
			ans += r.AnsweredShare
			unans += r.UnansweredShare
			aband += r.AbandonedShare
			drop += r.DroppedShare
			figure = append(figure, o.figure(&r))
		}
		m, err1 := msg.Total()
		s, err2 := staff.Total()
		if err1 != nil || err2 != nil {
			return fmt.Errorf("optimize: %s: the messaging or staffing sum of %d replications: %w", cd.Label, reps, money.ErrOverflow)
		}
		cd.MessagingMicros = stats.DivRound(int64(m), reps)
		cd.StaffingMicros = stats.DivRound(int64(s), reps)
		tot, err := money.Add(money.Micros(cd.MessagingMicros), money.Micros(cd.StaffingMicros))
		if err != nil {
			return fmt.Errorf("optimize: %s: messaging + staffing: %w", cd.Label, err)
		}
		cd.TotalWithStaffingMicros = int64(tot)
		cd.TotalWithStaffing = money.Micros(cd.TotalWithStaffingMicros).String()
		n := withConv
		cd.FirstResponseP50S, cd.FirstResponseP90S = stats.Num(p50/n), stats.Num(p90/n)
		cd.FirstResponseP99S, cd.InWindowShare = stats.Num(p99/n), stats.Num(inw/n)
		cd.AnsweredShare, cd.UnansweredShare = stats.Num(ans/n), stats.Num(unans/n)
		cd.AbandonedShare, cd.DroppedShare = stats.Num(aband/n), stats.Num(drop/n)
		cd.offDuty = stats.OffDutyOf(o.sla, mine)
		cd.OffDutyShare = stats.Num(math.NaN())
		if cd.offDuty != nil {
			cd.OffDutyShare = cd.offDuty.Share.Mean
		}
		// The same verdict as run's on a sweep point, on the same estimate.
		cd.SLAFigure = o.sla.Estimate(figure)
		cd.Value = float64(cd.SLAFigure.Mean)
		cd.Feasible, cd.Undecided = o.sla.MetBy(cd.SLAFigure), o.sla.Undecided(cd.SLAFigure)
		var onCI bool
		cd.judged, onCI = o.sla.Judged(cd.SLAFigure)
		if !onCI {
			o.onMean = true
		}
		o.cache[hcKey(hc)] = cd
	}
	return nil
}

// figure is the run's figure of the target's metric.
func (o *optimizer) figure(r *sim.RunResult) float64 {
	switch o.sla.Metric {
	case "p50":
		return r.FirstResponseP50S
	case "p90":
		return r.FirstResponseP90S
	case "p99":
		return r.FirstResponseP99S
	case "answered":
		return r.AnsweredShare
	}
	return r.InWindowShare
}

// cheaper orders candidates by total cost, then by the SLA figure, then by when they
// were evaluated, so the answer is the same on every machine.
func (o *optimizer) cheaper(a, b *Plan) bool {
	if a.TotalWithStaffingMicros != b.TotalWithStaffingMicros {
		return a.TotalWithStaffingMicros < b.TotalWithStaffingMicros
	}
	if a.judged != b.judged && !(math.IsNaN(a.judged) && math.IsNaN(b.judged)) {
		return o.sla.Better(a.judged, b.judged)
	}
	return a.order < b.order
}

// neighbours are the plans one step from hc: one shift ±1, or one agent moved from
// one shift to another, within 0..max; with --bot, also the bot switched.
func (o *optimizer) neighbours(hc []int) [][]int {
	var out [][]int
	add := func(i, di, j, dj int) {
		n := slices.Clone(hc)
		n[i] += di
		if j >= 0 {
			n[j] += dj
		}
		for k, h := range n {
			if h < 0 || h > o.limit(k) {
				return
			}
		}
		out = append(out, n)
	}
	for i := range hc {
		add(i, +1, -1, 0)
		add(i, -1, -1, 0)
	}
	shifts := len(o.sc.Agents.Shifts)
	for i := range shifts {
		for j := range shifts {
			if i != j {
				add(i, +1, j, -1)
			}
		}
	}
	return out
}

func (o *optimizer) search(ctx context.Context) (*Result, error) {
	n := len(o.sc.Agents.Shifts)
	start, top := make([]int, n), make([]int, n)
	for i, s := range o.sc.Agents.Shifts {
		start[i] = min(s.Headcount, o.max)
		top[i] = o.max
	}
	tops := [][]int{top}
	if o.bot {
		// Start with the bot on; the top staffing is tried with it and without.
		start = append(start, 1)
		tops = [][]int{append(slices.Clone(top), 1), append(top, 0)}
	}
	if err := o.evaluate(ctx, append([][]int{start}, tops...)); err != nil {
		return nil, err
	}
	res := &Result{Scenario: o.sc.Name, Seed: o.sc.Seed, Replications: o.sc.Replications,
		SLA: o.sla, MaxHeadcount: o.max, Shifts: o.shiftNames(), StaffingCostPlaceholder: o.sc.Agents.PlaceholderCost()}
	res.OffDuty = o.cache[hcKey(tops[0])].offDuty
	if !slices.ContainsFunc(tops, func(t []int) bool { return o.cache[hcKey(t)].Feasible }) {
		o.collect(res)
		return res, o.unreachable(tops)
	}
	cur := o.cache[hcKey(start)]
	for step := 0; step < 10_000; step++ {
		nbs := o.neighbours(cur.plan)
		if err := o.evaluate(ctx, nbs); err != nil {
			return nil, err
		}
		var next *Plan
		for _, hc := range nbs {
			cd := o.cache[hcKey(hc)]
			switch {
			case cd.Feasible && (!cur.Feasible || o.cheaper(cd, cur)):
				if next == nil || !next.Feasible || o.cheaper(cd, next) {
					next = cd
				}
			case !cur.Feasible && !cd.Feasible && o.sla.Better(cd.judged, cur.judged):
				if next == nil || (!next.Feasible && o.sla.Better(cd.judged, next.judged)) {
					next = cd
				}
			}
		}
		if next == nil && !cur.Feasible {
			// No neighbour comes closer: add an agent to every shift (the plan with
			// every shift at the cap meets the SLA, so this ends).
			up := slices.Clone(cur.plan)
			for i := range n {
				up[i] = min(up[i]+1, o.max)
			}
			if err := o.evaluate(ctx, [][]int{up}); err != nil {
				return nil, err
			}
			next = o.cache[hcKey(up)]
		}
		if next == nil && !o.noEscape {
			var err error
			if next, err = o.escape(ctx, cur, nbs); err != nil {
				return nil, err
			}
		}
		if next == nil {
			break
		}
		cur = next
	}
	o.collect(res)
	return res, nil
}

// collect fills res with every plan evaluated, cheapest first, and the cheapest
// meeting the SLA (none when nothing within the cap does).
func (o *optimizer) collect(res *Result) {
	for _, cd := range o.cache {
		res.Evaluated = append(res.Evaluated, cd)
		if cd.Feasible && (res.Best == nil || o.cheaper(cd, res.Best)) {
			res.Best = cd
		}
	}
	if res.Best != nil {
		res.Best.Best = true
	}
	res.Currency, res.Runs, res.JudgedOn = o.currency, o.runs, "ci95"
	if o.onMean {
		res.JudgedOn = "mean"
	}
	slices.SortFunc(res.Evaluated, func(a, b *Plan) int {
		if o.cheaper(a, b) {
			return -1
		}
		if o.cheaper(b, a) {
			return 1
		}
		return cmp.Compare(a.order, b.order)
	})
}

// Unreachable is Search's error when no plan within the cap meets the SLA; Search then
// returns its Result too, every plan evaluated and no Best, for optimize.json.
type Unreachable struct{ msg string }

func (e *Unreachable) Error() string { return e.msg }

// unreachable is the error when no plan at the cap (tops) meets the SLA: with one whose
// interval reaches both sides of the target, more replications may decide it;
// otherwise nothing within the cap meets it.
func (o *optimizer) unreachable(tops [][]int) error {
	for _, t := range tops {
		if cd := o.cache[hcKey(t)]; cd.Undecided {
			return &Unreachable{fmt.Sprintf("optimize: %s: %d replications cannot decide it: with every shift at --max-headcount %d (%s) the mean %s is %s but its 95%% interval (%s) reaches past the target, and optimize, like run, takes a plan to meet the SLA only if its whole interval does; raise --replications for a narrower interval, or --max-headcount",
				o.sla.Text, o.sc.Replications, o.max, cd.Label, o.sla.Metric, o.sla.Format(cd.Value), o.sla.FormatInterval(cd.SLAFigure.CI95))}
		}
	}
	best := o.closest()
	reached := fmt.Sprintf("the best %s reached is %s, 95%% interval %s (%s, %.1f%% of conversations answered)",
		o.sla.Metric, o.sla.Format(best.Value), o.sla.FormatInterval(best.SLAFigure.CI95), best.Label, 100*float64(best.AnsweredShare))
	// What the shifts allow at any headcount: the plan with every shift at the cap.
	od := o.cache[hcKey(tops[0])].offDuty
	if od != nil && od.ShiftsMustChange {
		return &Unreachable{fmt.Sprintf("optimize: %s cannot be met by any headcount: with every shift at --max-headcount %d %s; %s",
			o.sla.Text, o.max, reached, od.Note(o.sla))}
	}
	msg := fmt.Sprintf("optimize: %s cannot be met within --max-headcount %d: %s; raise --max-headcount or relax the SLA", o.sla.Text, o.max, reached)
	if n := od.Note(o.sla); n != "" {
		msg += " (" + n + ")"
	}
	return &Unreachable{msg}
}

// closest is the evaluated plan nearest to meeting the SLA.
// Among plans whose figure is equally far (a percentile not answered in both), the
// one answering more conversations is nearer.
func (o *optimizer) closest() *Plan {
	var best *Plan
	for _, cd := range o.cache {
		if best == nil || o.sla.Better(cd.judged, best.judged) {
			best = cd
			continue
		}
		if cd.judged == best.judged && (cd.AnsweredShare > best.AnsweredShare ||
			cd.AnsweredShare == best.AnsweredShare && cd.order < best.order) {
			best = cd
		}
	}
	return best
}
