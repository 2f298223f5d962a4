package scenarios

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/model/dist"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/sim"
)

// clone returns a deep copy, so that setting a swept field never touches the original.
func (s *Scenario) clone() *Scenario {
	c := *s
	c.Customers.Countries = append(c.Customers.Countries[:0:0], s.Customers.Countries...)
	c.Load.Profile.Hour = append(c.Load.Profile.Hour[:0:0], s.Load.Profile.Hour...)
	c.Load.Profile.Weekday = append(c.Load.Profile.Weekday[:0:0], s.Load.Profile.Weekday...)
	c.Load.Levels = append(c.Load.Levels[:0:0], s.Load.Levels...)
	c.Agents.Shifts = append(c.Agents.Shifts[:0:0], s.Agents.Shifts...)
	for i := range c.Agents.Shifts {
		c.Agents.Shifts[i].Days = append(c.Agents.Shifts[i].Days[:0:0], s.Agents.Shifts[i].Days...)
	}
	c.Sweep = append(c.Sweep[:0:0], s.Sweep...)
	// Pointed-to blocks are copied too: a sweep may set agents.bot.resolve_share or
	// forecast.growth_per_month.
	if s.Agents.Bot != nil {
		b := *s.Agents.Bot
		c.Agents.Bot = &b
	}
	if s.Forecast != nil {
		f := *s.Forecast
		c.Forecast = &f
	}
	c.cloneOutbound(s)
	for _, d := range []*dist.Spec{&c.Load.ThinkTime, &c.Agents.HandleTime, &c.Agents.ResponseTime, &c.Agents.Patience} {
		cloneTail(d)
	}
	for i := range c.Load.Notifications {
		cloneTail(&c.Load.Notifications[i].Reply.Delay)
	}
	for i := range c.Load.Campaigns {
		cloneTail(&c.Load.Campaigns[i].Reply.Delay)
	}
	return &c
}

// cloneTail gives d its own tail, so a sweep setting agents.response_time.tail.share
// never touches the original's.
func cloneTail(d *dist.Spec) {
	if d.Tail != nil {
		t := *d.Tail
		d.Tail = &t
	}
}

// SetValue assigns a sweep value to the field at path: a number (Set) or a name
// (SetText).
func (s *Scenario) SetValue(path string, v SweepValue) error {
	if v.Text != "" {
		return s.SetText(path, v.Text)
	}
	return s.Set(path, v.Num)
}

// SetText assigns name to the field at path that takes names (agents.late_reply,
// agents.priority, pricing); Validate says whether the name is one the field takes.
func (s *Scenario) SetText(path, name string) error {
	f, err := s.field(path)
	if err != nil {
		return err
	}
	if f.Kind() != reflect.String {
		return fmt.Errorf("path %s: takes a number, not a name like %q", path, name)
	}
	f.SetString(name)
	return nil
}

// Set assigns v to the numeric field at path (YAML names, dots and [index]:
// "agents.shifts[0].headcount"). Integer fields need integer values; money fields take
// the value as an amount in currency units.
func (s *Scenario) Set(path string, v float64) error {
	f, err := s.field(path)
	if err != nil {
		return err
	}
	if f.Type() == reflect.TypeOf(money.Micros(0)) {
		m, err := money.Parse(strconv.FormatFloat(v, 'f', -1, 64))
		if err != nil {
			return fmt.Errorf("path %s: %v", path, err)
		}
		f.SetInt(int64(m))
		return nil
	}
	switch f.Kind() {
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint64, reflect.Uint32:
		if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			return fmt.Errorf("path %s: is a whole number, got %s", path, formatValue(v))
		}
		if f.Kind() == reflect.Uint64 || f.Kind() == reflect.Uint32 {
			if v < 0 {
				return fmt.Errorf("path %s: must be >= 0, got %s", path, formatValue(v))
			}
			f.SetUint(uint64(v))
		} else {
			f.SetInt(int64(v))
		}
	case reflect.Float64:
		f.SetFloat(v)
	case reflect.String:
		return fmt.Errorf("path %s: takes a name, not a number like %s", path, formatValue(v))
	default:
		return fmt.Errorf("path %s: is not a numeric field (it is %s)", path, f.Kind())
	}
	return nil
}

// field finds the field at path (YAML names, dots and [index]).
func (s *Scenario) field(path string) (reflect.Value, error) {
	f := reflect.ValueOf(s).Elem()
	rest := path
	for rest != "" {
		var seg string
		seg, rest, _ = strings.Cut(rest, ".")
		name, idx, hasIdx := seg, 0, false
		if i := strings.IndexByte(seg, '['); i >= 0 && strings.HasSuffix(seg, "]") {
			n, err := strconv.Atoi(seg[i+1 : len(seg)-1])
			if err != nil || n < 0 {
				return reflect.Value{}, fmt.Errorf("path %s: %q is not a valid index", path, seg[i:])
			}
			name, idx, hasIdx = seg[:i], n, true
		}
		next, ok := fieldByYAML(f, name)
		if !ok {
			return reflect.Value{}, fmt.Errorf("path %s: no field %q here", path, name)
		}
		f = next
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				return reflect.Value{}, fmt.Errorf("path %s: %s is not set in the scenario; give it a value there to sweep its fields", path, name)
			}
			f = f.Elem()
		}
		if hasIdx {
			if f.Kind() != reflect.Slice {
				return reflect.Value{}, fmt.Errorf("path %s: %s is not a list", path, name)
			}
			if idx >= f.Len() {
				return reflect.Value{}, fmt.Errorf("path %s: %s has %d entries, no [%d]", path, name, f.Len(), idx)
			}
			f = f.Index(idx)
		}
	}
	return f, nil
}

// fieldByYAML finds a struct field by its YAML name, looking into inlined structs.
func fieldByYAML(v reflect.Value, name string) (reflect.Value, bool) {
	if v.Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	f, ok := structFieldByYAML(v.Type(), name)
	if !ok {
		return reflect.Value{}, false
	}
	return v.FieldByIndex(f.Index), true
}

// Point is one sweep point: the scenario with the swept fields set.
type Point struct {
	Index    int
	ID       string // stable and readable: "weekday_agents=4,handle=300"; "lhs-003"
	Label    string // as run's table shows it: "weekday_agents=4, handle=300", "8 agents" (Points fills it)
	Params   []sim.Param
	Scenario *Scenario
}

// Points expands the sweep in declared order: a grid with the first dimension
// varying slowest, or, with sweep_mode: lhs, the Latin hypercube drawn from the
// scenario's seed (see lhsPoints). A scenario without a sweep is one point with id
// "base". Each point is labelled as run's table and summary.json label it.
func (s *Scenario) Points() ([]Point, error) {
	points, err := s.points(s.Seed)
	if err != nil {
		return nil, err
	}
	params := make([][]sim.Param, len(points))
	for i, p := range points {
		params[i] = p.Params
	}
	for i, l := range stats.PointLabels(params) {
		points[i].Label = l
	}
	return points, nil
}

// points is Points with the seed an lhs sweep is drawn from.
func (s *Scenario) points(seed uint64) ([]Point, error) {
	if s.SweepMode == SweepLHS {
		return s.lhsPoints(seed)
	}
	if c := s.PointCount(); c > maxPoints {
		return nil, fmt.Errorf("sweep: %s points is more than %d", countText(c), maxPoints)
	}
	n := int(s.PointCount())
	points := make([]Point, 0, n)
	idx := make([]int, len(s.Sweep))
	for p := 0; p < n; p++ {
		sc := s.clone()
		var ids []string
		var params []sim.Param
		for k, d := range s.Sweep {
			v := d.Values[idx[k]]
			if err := sc.SetValue(d.Path, v); err != nil {
				return nil, fmt.Errorf("sweep[%d]: %w", k, err)
			}
			ids = append(ids, d.label()+"="+v.String())
			params = append(params, v.param(d))
		}
		id := strings.Join(ids, ",")
		if id == "" {
			id = "base"
		}
		points = append(points, Point{Index: p, ID: id, Params: params, Scenario: sc})
		for k := len(idx) - 1; k >= 0; k-- { // odometer: last dimension fastest
			idx[k]++
			if idx[k] < len(s.Sweep[k].Values) {
				break
			}
			idx[k] = 0
		}
	}
	return points, nil
}

func (d Dimension) label() string {
	if d.Name != "" {
		return strings.ReplaceAll(d.Name, " ", "_")
	}
	last := d.Path[strings.LastIndexByte(d.Path, '.')+1:]
	if i := strings.IndexByte(last, '['); i >= 0 {
		last = last[:i]
	}
	return last
}

// Sweep modes.
const (
	SweepGrid = "grid"
	SweepLHS  = "lhs"
)

// validateSweep checks the sweep block: every problem as "sweep[i].field: message".
// Every point is checked whole, so a problem of the scenario itself (own, Validate's
// problems without the sweep) would come again under each sweep value: it is left to
// own, which reports it once at its field, unless the value sets the very field it is
// about (agents.shifts[0].headcount = -1 where the file says -1 too).
func (s *Scenario) validateSweep(own []string) []string {
	ownSet := make(map[string]bool, len(own))
	for _, e := range own {
		ownSet[e] = true
	}
	var errs []string
	add := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	lhs := s.SweepMode == SweepLHS
	switch s.SweepMode {
	case "", SweepGrid:
		if s.Samples != 0 {
			add("samples: only with sweep_mode: lhs (a grid runs every combination of values)")
		}
		if n := s.PointCount(); n > maxPoints {
			// The product of the dimensions' value counts, which overflowed int: 64
			// two-valued dimensions made 0 points, and 3·2^63 panicked.
			add("sweep: the grid has %s points (the product of every dimension's number of values), more than %d", countText(n), maxPoints)
		}
	case SweepLHS:
		if s.Samples < 1 || s.Samples > maxPoints {
			add("samples: must be between 1 and %d with sweep_mode: lhs, got %d", maxPoints, s.Samples)
		}
		if len(s.Sweep) == 0 {
			add("sweep: sweep_mode: lhs needs at least one dimension {path, min, max}")
		}
	default:
		add("sweep_mode: %q is not grid or lhs", s.SweepMode)
		return errs
	}
	seen := map[string]bool{}
	for i, d := range s.Sweep {
		p := fmt.Sprintf("sweep[%d]", i)
		if seen[d.Path] {
			add("%s.path: %s is swept twice", p, d.Path)
		}
		seen[d.Path] = true
		if d.Path == "days" && s.Forecast != nil {
			// Config ends the runs at the months' end: every point would run the same.
			add("%s.path: days is forecast.months' length in a scenario with a forecast block; sweep forecast.months, or remove the forecast block", p)
			continue
		}
		var probes []SweepValue
		if lhs {
			if len(d.Values) > 0 {
				add("%s.values: an lhs dimension takes min and max, not values", p)
			}
			if d.Min == nil {
				add("%s.min: missing (an lhs dimension needs min and max)", p)
			}
			if d.Max == nil {
				add("%s.max: missing (an lhs dimension needs min and max)", p)
			}
			if d.Min == nil || d.Max == nil {
				continue
			}
			lo, hi := *d.Min, *d.Max
			if math.IsNaN(lo) || math.IsInf(lo, 0) || math.IsNaN(hi) || math.IsInf(hi, 0) {
				add("%s: min and max must be finite numbers", p)
				continue
			}
			if !(lo < hi) {
				add("%s.max: must be greater than min (%s), got %s", p, formatValue(lo), formatValue(hi))
				continue
			}
			probes = Nums(lo, hi)
		} else {
			if d.Min != nil || d.Max != nil {
				add("%s: min and max are for sweep_mode: lhs; a grid dimension lists values", p)
			}
			if len(d.Values) == 0 {
				add("%s.values: at least one value is needed", p)
			}
			names := 0
			for _, v := range d.Values {
				if v.Text != "" {
					names++
				}
			}
			if names > 0 && names < len(d.Values) {
				add("%s.values: numbers and names mixed; a field takes one or the other", p)
				continue
			}
			probes = d.Values
		}
		probe := s.clone()
		probe.Sweep, probe.SweepMode, probe.Samples = nil, "", 0
		if lhs {
			// Samples of whole-number fields and amounts are rounded; the values
			// rounding can reach are what must be valid.
			if _, lo, hi, err := probe.lhsRounding(d.Path, probes[0].Num, probes[1].Num); err == nil {
				if lo > hi {
					add("%s: %s holds whole numbers (or micros) and %s..%s holds none", p, d.Path, probes[0], probes[1])
					continue
				}
				probes = Nums(lo, hi)
			}
		}
		for j, v := range probes {
			if err := probe.SetValue(d.Path, v); err != nil {
				add("%s: %v", p, err)
				break
			}
			where := fmt.Sprintf("%s.values[%d]", p, j)
			if lhs {
				where = p + [...]string{".min", ".max"}[j]
			}
			for _, e := range probe.Validate() {
				if !ownSet[e] || strings.HasPrefix(e, d.Path+": ") {
					add("%s: with %s = %s: %s", where, d.Path, v, e)
				}
			}
		}
	}
	return errs
}

// lhsRounding is how an lhs sample for the field at path is made a value the field
// can hold: whole numbers (counts) are rounded to the nearest one, amounts to the
// micro. The bounds narrow to the values that rounding can give.
func (s *Scenario) lhsRounding(path string, lo, hi float64) (round func(float64) float64, rlo, rhi float64, err error) {
	f, err := s.field(path)
	if err != nil {
		return nil, 0, 0, err
	}
	if f.Type() == reflect.TypeOf(money.Micros(0)) {
		r := func(v float64) float64 { return math.Round(v*1e6) / 1e6 }
		return r, math.Ceil(lo*1e6) / 1e6, math.Floor(hi*1e6) / 1e6, nil
	}
	switch f.Kind() {
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint64, reflect.Uint32:
		return math.Round, math.Ceil(lo), math.Floor(hi), nil
	}
	return func(v float64) float64 { return v }, lo, hi, nil
}

// lhsPoints draws a Latin hypercube of s.Samples points: each dimension's min..max is
// cut into Samples equal strata and every stratum is used by exactly one point, at a
// uniform position inside it. The strata are shuffled independently per dimension, in
// declared order, from the "lhs" stream of seed, so the same seed gives the same
// points, and point i is "lhs-<i>" zero-padded. A sample for a whole-number field (a
// headcount) is rounded to the nearest whole number, and an amount to the micro:
// strata narrower than that then share values.
func (s *Scenario) lhsPoints(seed uint64) ([]Point, error) {
	n := s.Samples
	rng := sim.Stream(seed, "lhs")
	vals := make([][]float64, len(s.Sweep)) // [dimension][point]
	for k, d := range s.Sweep {
		lo, hi := *d.Min, *d.Max
		round, rlo, rhi, err := s.lhsRounding(d.Path, lo, hi)
		if err != nil {
			return nil, fmt.Errorf("sweep[%d]: %w", k, err)
		}
		readable := readableIn(lo, hi, n)
		perm := rng.Perm(n)
		vals[k] = make([]float64, n)
		for i := range n {
			u := (float64(perm[i]) + rng.Float64()) / float64(n)
			v := readable(lo+u*(hi-lo), perm[i])
			// Clamped because float rounding of lo + u·(hi−lo), or rounding to a
			// whole number, can step just outside the bounds.
			vals[k][i] = min(max(round(v), rlo), rhi)
		}
	}
	width := max(3, len(strconv.Itoa(n-1)))
	points := make([]Point, 0, n)
	for i := range n {
		sc := s.clone()
		params := make([]sim.Param, len(s.Sweep))
		for k, d := range s.Sweep {
			if err := sc.Set(d.Path, vals[k][i]); err != nil {
				return nil, fmt.Errorf("sweep[%d]: %w", k, err)
			}
			params[k] = sim.Param{Path: d.Path, Name: d.Name, Value: vals[k][i]}
		}
		points = append(points, Point{Index: i, ID: fmt.Sprintf("lhs-%0*d", width, i), Params: params, Scenario: sc})
	}
	return points, nil
}

// readableIn returns a function that shortens a sample v of stratum s (of n equal
// strata of lo..hi) to about three significant digits of the stratum width, so that
// ids and plot labels read "handle=857.46" rather than "handle=857.4586926809561",
// while keeping it inside its own stratum.
func readableIn(lo, hi float64, n int) func(v float64, s int) float64 {
	w := (hi - lo) / float64(n)
	decimals := max(0, 2-int(math.Floor(math.Log10(w))))
	step := math.Pow(10, -float64(decimals))
	stratum := func(v float64) int { return min(int((v-lo)/(hi-lo)*float64(n)), n-1) }
	short := func(v float64) float64 {
		r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', decimals, 64), 64)
		return r
	}
	return func(v float64, s int) float64 {
		r := short(v)
		// The stratum is at least 100 steps wide, so one step back in is enough.
		if stratum(r) < s {
			r = short(r + step)
		} else if stratum(r) > s {
			r = short(r - step)
		}
		if stratum(r) != s || r < lo || r > hi {
			return v
		}
		return r
	}
}
