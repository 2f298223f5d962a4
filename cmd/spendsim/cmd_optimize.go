package main

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
	"github.com/spendsim/spendsim/sim"
)

func optimizeCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "optimize",
		Usage:     "find the shift headcounts with the lowest total cost that meet a response-time SLA",
		ArgsUsage: "SCENARIO.yaml | NAME",
		Description: `Searches the headcount of every shift for the lowest total cost (messaging + staffing,
the mean over replications) that meets --sla, by simulating each candidate with the
same seeds (common random numbers: every candidate sees the same customers).

The search: first the scenario's headcounts and every shift at --max-headcount (if
that misses the SLA, nothing within the cap can, and the command fails naming the
best figure reached). Then, step by step, it evaluates the neighbours of the current
plan (one shift ±1, or one agent moved between shifts) in parallel: from a plan
missing the SLA it moves to the cheapest neighbour meeting it, else to the one closest
to it; from a plan meeting it, to a cheaper neighbour meeting it, until there is none.
The answer is the cheapest plan meeting the SLA among everything evaluated. This is a
local search: on a plateau it may miss a cheaper plan two steps away. With --bot, the
scenario's agents.bot is one more switch in the plan (on or off, a step like ±1), its
cost_per_conversation counted with the staffing.

SLA (the mean over replications of the run's figure):
   p50<=DURATION, p90<=DURATION, p99<=DURATION   first-response percentile (Go duration: 90s, 45m, 1h30m)
   in_window>=SHARE                               share of replies inside the 24 h window (0.95 or 95%)

Prints every evaluated plan (cheapest first, * marks the best) and writes to --out
optimize.json with the same, and optimize_frontier.png (and .svg): every plan's total
cost against its SLA figure, the target and the best plan marked.

Examples:
   spendsim optimize small --sla 'p90<=1h'
   spendsim optimize my.yaml --sla 'p90 <= 30m' --max-headcount 15 --replications 5
   spendsim optimize my.yaml --sla 'in_window>=0.98' --seed 42
   spendsim optimize my.yaml --sla 'p90<=1h' --bot      # is the scenario's bot worth its fee?`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "sla", Usage: "the target: `EXPR` like 'p90<=1h' or 'in_window>=0.95'"},
			&cli.IntFlag{Name: "max-headcount", Value: 20, Usage: "the most agents on any one shift"},
			&cli.IntFlag{Name: "replications", Aliases: []string{"r"}, Usage: "replications per candidate (default: the scenario's)"},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed (default: the scenario's; if none, a fresh one, printed)"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output `DIR` (default: out/<scenario name>-optimize)"},
			&cli.IntFlag{Name: "workers", Aliases: []string{"w"}, Usage: "parallel runs (default: all cores)"},
			&cli.BoolFlag{Name: "bot", Usage: "also decide whether to use the scenario's agents.bot (on or off), its cost_per_conversation counted as staffing"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no notes on stderr"},
		}, rateFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("optimize takes one scenario (a file or an embedded name), got %d arguments", c.NArg())
			}
			if !c.IsSet("sla") {
				return usagef("--sla is required: the target to meet, like --sla 'p90<=1h' or --sla 'in_window>=0.95'")
			}
			sla, err := stats.ParseSLA(c.String("sla"))
			if err != nil {
				return usagef("--sla: %v", err)
			}
			maxHC := c.Int("max-headcount")
			if maxHC < 1 || maxHC > 10_000 {
				return usagef("--max-headcount must be between 1 and 10000, got %d", maxHC)
			}
			if c.Int("workers") < 0 {
				return usagef("--workers must be >= 0, got %d", c.Int("workers"))
			}
			sc, _, err := scenarios.Load(c.Args().First())
			if err != nil {
				return err
			}
			if c.Bool("bot") && sc.Agents.Bot == nil {
				return usagef("--bot: %s has no agents.bot to switch on or off; add one (reply_s, resolve_share, cost_per_conversation)", c.Args().First())
			}
			if len(sc.Sweep) > 0 {
				return usagef("%s has a sweep; optimize chooses the headcounts itself: remove sweep", c.Args().First())
			}
			if c.IsSet("replications") {
				sc.Replications = c.Int("replications")
				if sc.Replications < 1 || sc.Replications > 100_000 {
					return usagef("--replications must be between 1 and 100000, got %d", sc.Replications)
				}
			}
			seed, fresh := scenarios.PickSeed(c.Uint64("seed"), c.IsSet("seed"), sc.Seed)
			if sc.Seed = seed; fresh && !c.Bool("quiet") {
				e.noteSeed(seed)
			}
			out := c.String("out")
			if out == "" {
				out = filepath.Join("out", sc.Name+"-optimize")
			}
			rates, err := readUserRates(c)
			if err != nil {
				return err
			}
			o := &optimizer{sc: sc, sla: sla, max: maxHC, workers: c.Int("workers"), bot: c.Bool("bot"), rates: rates, cache: map[string]*candidate{}}
			started := time.Now()
			res, err := o.search(c)
			if err != nil {
				return err
			}
			op, err := reports.NewOutput(out, e.version)
			if err != nil {
				return err
			}
			if err := reports.WriteJSON(op.Path("optimize.json"), res); err != nil {
				return err
			}
			pts := make([]reports.OptimizePoint, len(res.Evaluated))
			for i, cd := range res.Evaluated {
				pts[i] = reports.OptimizePoint{Label: cd.Label, TotalMicros: cd.TotalWithStaffingMicros,
					Value: cd.value, Feasible: cd.Feasible, Best: cd.Best}
			}
			pl, err := reports.PlotOptimize(res.Scenario, res.Currency, sla.Metric, sla.Limit, pts)
			if err != nil {
				return err
			}
			if err := reports.WritePlot(op.Dir, reports.OptimizeFrontier, pl); err != nil {
				return err
			}
			printOptimize(e.stdout, res)
			if !c.Bool("quiet") {
				fmt.Fprintf(e.stderr, "%d plans, %d runs in %.1fs; results in %s\n", len(res.Evaluated), o.runs, time.Since(started).Seconds(), out)
			}
			return nil
		},
	}
}

// candidate is one evaluated staffing plan.
type candidate struct {
	Headcounts              []int     `json:"headcounts"`    // per shift, in the scenario's order
	Bot                     *bool     `json:"bot,omitempty"` // with --bot: whether the plan uses the scenario's bot
	Label                   string    `json:"label"`
	MessagingMicros         int64     `json:"messaging_micros"` // means over replications
	StaffingMicros          int64     `json:"staffing_micros"`
	TotalWithStaffingMicros int64     `json:"total_with_staffing_micros"`
	TotalWithStaffing       string    `json:"total_with_staffing"`
	FirstResponseP50S       stats.Num `json:"first_response_p50_s"` // null: no first response
	FirstResponseP90S       stats.Num `json:"first_response_p90_s"`
	FirstResponseP99S       stats.Num `json:"first_response_p99_s"`
	InWindowShare           stats.Num `json:"in_window_share"`
	Feasible                bool      `json:"feasible"`
	Best                    bool      `json:"best"`
	value                   float64   // the SLA figure
	plan                    []int     // Headcounts, then with --bot 1 (bot on) or 0 (off)
	order                   int       // evaluation order, for ties
}

// optimizeResult is optimize.json.
type optimizeResult struct {
	Scenario     string       `json:"scenario"`
	Currency     string       `json:"currency"`
	Seed         uint64       `json:"seed"`
	Replications int          `json:"replications"`
	SLA          stats.SLA    `json:"sla"`
	MaxHeadcount int          `json:"max_headcount"`
	Shifts       []string     `json:"shifts"`
	Best         *candidate   `json:"best"`
	Evaluated    []*candidate `json:"evaluated"` // cheapest first
}

type optimizer struct {
	sc       *scenarios.Scenario
	sla      stats.SLA
	max      int
	workers  int
	bot      bool // plans also switch the scenario's bot on or off: one more element, 0 or 1
	rates    *pricing.Overlay
	cache    map[string]*candidate
	currency string
	runs     int
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
func (o *optimizer) evaluate(c *cli.Context, plans [][]int) error {
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
	runs, _, err := sim.RunAll(c.Context, jobs, o.workers, nil)
	if err != nil {
		return err
	}
	o.runs += len(runs)
	reps := int64(o.sc.Replications)
	for i, hc := range todo {
		nShifts := len(o.sc.Agents.Shifts)
		cd := &candidate{Headcounts: hc[:nShifts:nShifts], Label: o.label(hc), order: len(o.cache), plan: hc}
		if o.bot {
			on := hc[nShifts] == 1
			cd.Bot = &on
		}
		var msg, staff money.Sum
		var p50, p90, p99, inw float64
		for _, r := range runs {
			if r.Point != i {
				continue
			}
			o.currency = r.Currency
			msg.Add(r.MessagingMicros)
			staff.Add(r.StaffingMicros)
			p50 += r.FirstResponseP50S
			p90 += r.FirstResponseP90S
			p99 += r.FirstResponseP99S
			inw += r.InWindowShare
			if r.FirstResponses == 0 {
				p50, p90, p99 = math.NaN(), math.NaN(), math.NaN()
			}
		}
		m, err1 := msg.Total()
		s, err2 := staff.Total()
		if err1 != nil || err2 != nil {
			return fmt.Errorf("optimize: %s: spend overflows", cd.Label)
		}
		cd.MessagingMicros = stats.DivRound(int64(m), reps)
		cd.StaffingMicros = stats.DivRound(int64(s), reps)
		cd.TotalWithStaffingMicros = cd.MessagingMicros + cd.StaffingMicros
		cd.TotalWithStaffing = money.Micros(cd.TotalWithStaffingMicros).String()
		n := float64(reps)
		cd.FirstResponseP50S, cd.FirstResponseP90S = stats.Num(p50/n), stats.Num(p90/n)
		cd.FirstResponseP99S, cd.InWindowShare = stats.Num(p99/n), stats.Num(inw/n)
		switch o.sla.Metric {
		case "p50":
			cd.value = p50 / n
		case "p90":
			cd.value = p90 / n
		case "p99":
			cd.value = p99 / n
		default:
			cd.value = inw / n
		}
		cd.Feasible = o.sla.Met(cd.value)
		o.cache[hcKey(hc)] = cd
	}
	return nil
}

// cheaper orders candidates by total cost, then by the SLA figure, then by when they
// were evaluated, so the answer is the same on every machine.
func (o *optimizer) cheaper(a, b *candidate) bool {
	if a.TotalWithStaffingMicros != b.TotalWithStaffingMicros {
		return a.TotalWithStaffingMicros < b.TotalWithStaffingMicros
	}
	if a.value != b.value && !(math.IsNaN(a.value) && math.IsNaN(b.value)) {
		return o.sla.Better(a.value, b.value)
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

func (o *optimizer) search(c *cli.Context) (*optimizeResult, error) {
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
	if err := o.evaluate(c, append([][]int{start}, tops...)); err != nil {
		return nil, err
	}
	res := &optimizeResult{Scenario: o.sc.Name, Seed: o.sc.Seed, Replications: o.sc.Replications,
		SLA: o.sla, MaxHeadcount: o.max, Shifts: o.shiftNames()}
	if !slices.ContainsFunc(tops, func(t []int) bool { return o.cache[hcKey(t)].Feasible }) {
		best := o.closest()
		return nil, fmt.Errorf("optimize: %s cannot be met within --max-headcount %d: the best %s reached is %s (%s); raise --max-headcount or relax the SLA",
			o.sla.Text, o.max, o.sla.Metric, o.sla.Format(best.value), best.Label)
	}
	cur := o.cache[hcKey(start)]
	for step := 0; step < 10_000; step++ {
		nbs := o.neighbours(cur.plan)
		if err := o.evaluate(c, nbs); err != nil {
			return nil, err
		}
		var next *candidate
		for _, hc := range nbs {
			cd := o.cache[hcKey(hc)]
			switch {
			case cd.Feasible && (!cur.Feasible || o.cheaper(cd, cur)):
				if next == nil || !next.Feasible || o.cheaper(cd, next) {
					next = cd
				}
			case !cur.Feasible && !cd.Feasible && o.sla.Better(cd.value, cur.value):
				if next == nil || (!next.Feasible && o.sla.Better(cd.value, next.value)) {
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
			if err := o.evaluate(c, [][]int{up}); err != nil {
				return nil, err
			}
			next = o.cache[hcKey(up)]
		}
		if next == nil {
			break
		}
		cur = next
	}
	for _, cd := range o.cache {
		res.Evaluated = append(res.Evaluated, cd)
		if cd.Feasible && (res.Best == nil || o.cheaper(cd, res.Best)) {
			res.Best = cd
		}
	}
	res.Best.Best = true
	res.Currency = o.currency
	slices.SortFunc(res.Evaluated, func(a, b *candidate) int {
		if o.cheaper(a, b) {
			return -1
		}
		if o.cheaper(b, a) {
			return 1
		}
		return cmp.Compare(a.order, b.order)
	})
	return res, nil
}

// closest is the evaluated plan nearest to meeting the SLA.
func (o *optimizer) closest() *candidate {
	var best *candidate
	for _, cd := range o.cache {
		if best == nil || o.sla.Better(cd.value, best.value) || (cd.value == best.value && cd.order < best.order) {
			best = cd
		}
	}
	return best
}

func printOptimize(w io.Writer, r *optimizeResult) {
	fmt.Fprintf(w, "%s: %s, %d replications per plan, seed %d, at most %d per shift, %s\n\n",
		r.Scenario, r.SLA.Text, r.Replications, r.Seed, r.MaxHeadcount, r.Currency)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "plan\tmessaging\tstaffing\ttotal\t%s\tmeets SLA\t\n", r.SLA.Metric)
	for _, cd := range r.Evaluated {
		mark := ""
		if cd.Best {
			mark = " *"
		}
		meets := "no"
		if cd.Feasible {
			meets = "yes"
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%s\t%s\t\n", cd.Label, mark, cents(cd.MessagingMicros), cents(cd.StaffingMicros),
			cents(cd.TotalWithStaffingMicros), r.SLA.Format(cd.value), meets)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nbest: %s, %s %s in total, %s %s\n", r.Best.Label, cents(r.Best.TotalWithStaffingMicros), r.Currency,
		r.SLA.Metric, r.SLA.Format(r.Best.value))
}
