package scenarios

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/sim"
)

// clone returns a deep copy, so that setting a swept field never touches the original.
func (s *Scenario) clone() *Scenario {
	c := *s
	c.Customers.Countries = append(c.Customers.Countries[:0:0], s.Customers.Countries...)
	c.Load.Profile.Hour = append(c.Load.Profile.Hour[:0:0], s.Load.Profile.Hour...)
	c.Load.Profile.Weekday = append(c.Load.Profile.Weekday[:0:0], s.Load.Profile.Weekday...)
	c.Agents.Shifts = append(c.Agents.Shifts[:0:0], s.Agents.Shifts...)
	for i := range c.Agents.Shifts {
		c.Agents.Shifts[i].Days = append(c.Agents.Shifts[i].Days[:0:0], s.Agents.Shifts[i].Days...)
	}
	c.Sweep = append(c.Sweep[:0:0], s.Sweep...)
	return &c
}

// Set assigns v to the numeric field at path (YAML names, dots and [index]:
// "agents.shifts[0].headcount"). Integer fields need integer values; money fields take
// the value as an amount in currency units.
func (s *Scenario) Set(path string, v float64) error {
	f := reflect.ValueOf(s).Elem()
	rest := path
	for rest != "" {
		var seg string
		seg, rest, _ = strings.Cut(rest, ".")
		name, idx, hasIdx := seg, 0, false
		if i := strings.IndexByte(seg, '['); i >= 0 && strings.HasSuffix(seg, "]") {
			n, err := strconv.Atoi(seg[i+1 : len(seg)-1])
			if err != nil || n < 0 {
				return fmt.Errorf("path %s: %q is not a valid index", path, seg[i:])
			}
			name, idx, hasIdx = seg[:i], n, true
		}
		next, ok := fieldByYAML(f, name)
		if !ok {
			return fmt.Errorf("path %s: no field %q here", path, name)
		}
		f = next
		if hasIdx {
			if f.Kind() != reflect.Slice {
				return fmt.Errorf("path %s: %s is not a list", path, name)
			}
			if idx >= f.Len() {
				return fmt.Errorf("path %s: %s has %d entries, no [%d]", path, name, f.Len(), idx)
			}
			f = f.Index(idx)
		}
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
	default:
		return fmt.Errorf("path %s: is not a numeric field (it is %s)", path, f.Kind())
	}
	return nil
}

// fieldByYAML finds a struct field by its YAML name, looking into inlined structs.
func fieldByYAML(v reflect.Value, name string) (reflect.Value, bool) {
	if v.Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("yaml")
		tagName, opts, _ := strings.Cut(tag, ",")
		if opts == "inline" {
			if f, ok := fieldByYAML(v.Field(i), name); ok {
				return f, true
			}
			continue
		}
		if tagName == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// Point is one sweep point: the scenario with the swept fields set.
type Point struct {
	Index    int
	ID       string // stable and readable: "weekday_agents=4,handle=300"
	Params   []sim.Param
	Scenario *Scenario
}

// Points expands the sweep grid in declared order: the first dimension varies
// slowest. A scenario without a sweep is one point with id "base".
func (s *Scenario) Points() ([]Point, error) {
	n := 1
	for _, d := range s.Sweep {
		n *= len(d.Values)
	}
	if n > 1_000_000 {
		return nil, fmt.Errorf("sweep: %d points is more than 1000000", n)
	}
	points := make([]Point, 0, n)
	idx := make([]int, len(s.Sweep))
	for p := 0; p < n; p++ {
		sc := s.clone()
		var ids []string
		var params []sim.Param
		for k, d := range s.Sweep {
			v := d.Values[idx[k]]
			if err := sc.Set(d.Path, v); err != nil {
				return nil, fmt.Errorf("sweep[%d]: %w", k, err)
			}
			ids = append(ids, d.label()+"="+formatValue(v))
			params = append(params, sim.Param{Path: d.Path, Name: d.Name, Value: v})
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
