package scenarios

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/spendsim/spendsim/sim"
)

// SweepValue is one value of a sweep dimension: a number (a headcount, a share, an
// amount in currency units) or, for a field that takes names, a name
// (late_reply: [utility, marketing, drop]). In YAML a plain number is a number and
// anything else (a word, a quoted number) a name.
type SweepValue struct {
	Num  float64 // the number, when Text is ""
	Text string  // the name; "" for a number
}

// Nums are numeric sweep values.
func Nums(vs ...float64) []SweepValue {
	out := make([]SweepValue, len(vs))
	for i, v := range vs {
		out[i] = SweepValue{Num: v}
	}
	return out
}

// UnmarshalYAML reads a scalar: an int or float is a number, a string a name.
func (v *SweepValue) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a sweep value is a number or a name, not a %s", n.Line, kindName(n.Kind))
	}
	switch n.ShortTag() {
	case "!!int", "!!float":
		f, err := strconv.ParseFloat(n.Value, 64)
		if err != nil {
			return fmt.Errorf("line %d: %q is not a number", n.Line, n.Value)
		}
		*v = SweepValue{Num: f}
	case "!!str":
		if n.Value == "" {
			return fmt.Errorf("line %d: an empty sweep value; give a number or a name", n.Line)
		}
		*v = SweepValue{Text: n.Value}
	default:
		return fmt.Errorf("line %d: %q is not a number or a name", n.Line, n.Value)
	}
	return nil
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "mapping"
	}
	return "node"
}

// MarshalYAML writes the number or the name, as read.
func (v SweepValue) MarshalYAML() (any, error) {
	if v.Text != "" {
		return v.Text, nil
	}
	return v.Num, nil
}

// MarshalJSON writes the number or the name (the manifest's resolved scenario).
func (v SweepValue) MarshalJSON() ([]byte, error) {
	if v.Text != "" {
		return json.Marshal(v.Text)
	}
	return json.Marshal(v.Num)
}

// UnmarshalJSON reads what MarshalJSON writes (a shard manifest's scenario).
func (v *SweepValue) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		*v = SweepValue{}
		return json.Unmarshal(b, &v.Text)
	}
	*v = SweepValue{}
	return json.Unmarshal(b, &v.Num)
}

// param is v as the run's param of dimension d.
func (v SweepValue) param(d Dimension) sim.Param {
	if v.Text != "" {
		return sim.Param{Path: d.Path, Name: d.Name, Value: math.NaN(), Text: v.Text}
	}
	return sim.Param{Path: d.Path, Name: d.Name, Value: v.Num}
}

// String is the value as run ids show it.
func (v SweepValue) String() string {
	if v.Text != "" {
		return v.Text
	}
	return formatValue(v.Num)
}
