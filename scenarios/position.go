package scenarios

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// problemPath is the field path a validation problem starts with, as Validate and the
// model's validators name fields: YAML keys joined by dots, each with any [index]
// ("agents.shifts[0].headcount", "sweep[1].values[2]", "load.profile.hour_of_day").
var problemPath = regexp.MustCompile(`^([a-z_][a-z0-9_]*(?:\[\d+\])*(?:\.[a-z_][a-z0-9_]*(?:\[\d+\])*)*): `)

// locate prefixes each validation problem with the file name and, where the document
// holds the field its path names, the line and column of that field's value
// ("bad.yaml:24:67: agents.shifts[0].headcount: must be >= 0, got -3"), so that an
// editor jumps to it. A field the document lacks (a default, or a block it leaves
// out) is placed at the nearest enclosing field the document has: the shift of a
// missing headcount, the agents: key of a missing handle_time; a problem of a field
// no part of whose path is in the document, or of no field, has no position. A sweep
// value that makes a point invalid is reported under its own path by Validate
// (sweep[1].values[2], sweep[0].min: which point), so it is placed at that value; a
// problem of the scenario itself is reported once, at its own field (validateSweep).
// A field the document gives through an alias (*day, or a merge's <<: *day) is placed
// where the alias is used, and the problem says where in the anchor the value is
// ("(from &day at 7:20)"): every use of an anchor pointed at the anchor. The column
// counts characters from 1, as the YAML decoder does.
func locate(data []byte, name string, problems []string) []string {
	var doc yaml.Node
	// The first document was decoded already and data holds no second one.
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil || len(doc.Content) == 0 {
		doc = yaml.Node{}
	} else {
		doc = *doc.Content[0]
	}
	out := make([]string, len(problems))
	for i, p := range problems {
		out[i] = name + ": " + p
		if g := problemPath.FindStringSubmatch(p); g != nil {
			if n, use := nodeAt(&doc, g[1]); n != nil {
				out[i] = position(name, n, use) + p + fromAnchor(n, use)
			}
		}
	}
	return out
}

// position is "FILE:LINE:COLUMN: " for node n, given in the document at use (an alias)
// when use is not nil.
func position(name string, n, use *yaml.Node) string {
	if use != nil {
		n = use
	}
	return fmt.Sprintf("%s:%d:%d: ", name, n.Line, n.Column)
}

// fromAnchor says where in the anchor the value at n is when the document gives it
// through the alias use (" (from &day at 7:20)"); "" when use is nil.
func fromAnchor(n, use *yaml.Node) string {
	if use == nil {
		return ""
	}
	if n == use {
		n = resolve(use)
	}
	return fmt.Sprintf(" (from &%s at %d:%d)", use.Value, n.Line, n.Column)
}

// nodeAt is the node that shows where the field at path is given in the mapping m: its
// value, or its key where the value is a block mapping or list or is left empty (the
// value would start on the next line, or nowhere). Where the path leaves the document,
// it is the node of the deepest field on the path that the document has; nil if none.
// Where the path goes through an alias, use is the first alias on it (*day, or the
// *day of a merge key): where the document gives the field, at being in the anchor.
func nodeAt(m *yaml.Node, path string) (at, use *yaml.Node) {
	cur := m
	through := func(n *yaml.Node) {
		if use == nil && n != nil && n.Kind == yaml.AliasNode {
			use = n
		}
	}
	for seg := range strings.SplitSeq(path, ".") {
		key, idx, _ := strings.Cut(seg, "[")
		k, v, via := lookup(cur, key)
		if v == nil {
			return at, use
		}
		through(via)
		at = v
		if (v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode) && v.Style&yaml.FlowStyle == 0 ||
			v.Kind == yaml.ScalarNode && v.Value == "" && v.Style == 0 {
			at = k
		}
		through(v)
		cur = resolve(v)
		for idx != "" {
			var n string
			n, idx, _ = strings.Cut(idx, "]")
			idx = strings.TrimPrefix(idx, "[")
			i, err := strconv.Atoi(n)
			if err != nil || cur.Kind != yaml.SequenceNode || i >= len(cur.Content) {
				return at, use
			}
			at = cur.Content[i]
			through(at)
			cur = resolve(at)
		}
	}
	return at, use
}

// lookup finds key in mapping m, in its own entries first and then in those it merges
// (<<: *anchor, or a list of them, earlier ones first); nil, nil if m has none. via is
// the merge's alias a merged key came through, nil for m's own.
func lookup(m *yaml.Node, key string) (k, v, via *yaml.Node) {
	m = resolve(m)
	if m.Kind != yaml.MappingNode {
		return nil, nil, nil
	}
	var merges []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		switch k := m.Content[i]; {
		case k.Kind == yaml.ScalarNode && k.Tag == "!!merge":
			merges = append(merges, m.Content[i+1])
		case k.Kind == yaml.ScalarNode && k.Value == key:
			return k, m.Content[i+1], nil
		}
	}
	for _, mv := range merges {
		sources := []*yaml.Node{mv}
		if r := resolve(mv); r.Kind == yaml.SequenceNode {
			sources = r.Content
		}
		for _, src := range sources {
			if k, v, _ := lookup(src, key); v != nil {
				if src.Kind != yaml.AliasNode && mv.Kind == yaml.AliasNode {
					src = mv // <<: *list, a list of mappings anchored as one
				}
				return k, v, src
			}
		}
	}
	return nil, nil, nil
}

// resolve follows an alias to its anchored node.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}
