package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/spendsim/spendsim/model/money"
)

// The decoder's messages give a line and no column, and name Go types rather than
// fields; the problems below give FILE:LINE:COLUMN: path: message by finding, in the
// document, the one key or value on that line the message is about. Where the line
// holds two that fit, which one is not known and the line alone is given. A value
// given through an alias is decoded, and reported, at its anchor's line: the field is
// found among every place the anchor is used, by the type the message names, and
// placed at the alias (position.go).

var (
	unknownField = regexp.MustCompile(`^line (\d+): field (\S+) not found in type (\S+)$`)
	lineError    = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	cannotDecode = regexp.MustCompile("^cannot unmarshal !!(\\w+) (?:`(.*)` )?into (\\S+)$")
	duplicateKey = regexp.MustCompile(`^mapping key "(.*)" already defined at line \d+$`)
)

// parserProblems are the YAML parser's own syntax errors (go.yaml.in/yaml/v3's
// parserc.go), as against its scanner's. For these the decoder gives the parser's
// zero-based line of where the construct it was reading began (an unclosed [ or {,
// or the mapping or list being read), and no line at all for the first.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'": true, "did not find expected ',' or '}'": true,
	"did not find expected '-' indicator": true, "did not find expected <document start>": true,
	"did not find expected <stream-start>": true, "did not find expected key": true,
	"did not find expected node content": true, "found duplicate %TAG directive": true,
	"found duplicate %YAML directive": true, "found incompatible YAML document": true,
	"found undefined tag handle": true,
}

// docField is a key's value or a list's item in the document, with its field path
// ("agents.shifts[0].headcount"; "" for the document itself) and, for a value, its key.
// A field the document gives through an alias (*day, or a merge's) has use, the first
// alias on its path, and the key and value in the anchor; use is nil elsewhere.
type docField struct {
	path          string
	key, val, use *yaml.Node
}

// maxAliased bounds the fields docFields lists through aliases (those in place are
// bounded by the document): aliases of aliases can name more fields than a document
// could hold (a "billion laughs"), and an anchor can hold an alias of itself.
const maxAliased = 1 << 12

// docFields lists the fields of the document's first mapping in the order the decoder
// reads them (document order, aliases followed where they are used, a mapping's merged
// keys after its own, a key it gives itself not merged); nil if data is not YAML.
func docFields(data []byte) []docField {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return nil
	}
	out := []docField{{val: doc.Content[0]}}
	aliased := 0
	var walk func(n *yaml.Node, path string, use *yaml.Node)
	field := func(path string, k, v, use *yaml.Node) {
		if use == nil && v.Kind == yaml.AliasNode {
			use = v
		}
		if use != nil {
			if aliased++; aliased > maxAliased {
				return
			}
		}
		v = resolve(v)
		out = append(out, docField{path, k, v, use})
		walk(v, path, use)
	}
	walk = func(n *yaml.Node, path string, use *yaml.Node) {
		switch n.Kind {
		case yaml.MappingNode:
			for _, e := range entries(n, use, map[string]bool{}, map[*yaml.Node]bool{}) {
				p := e.key.Value
				if path != "" {
					p = path + "." + e.key.Value
				}
				field(p, e.key, e.val, e.use)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				field(fmt.Sprintf("%s[%d]", path, i), nil, c, use)
			}
		}
	}
	walk(doc.Content[0], "", nil)
	return out
}

// entries are the key-value pairs of mapping m the decoder reads, in its order: m's
// own (given reaches m through the alias use), then those of the mappings it merges
// (<<: *day, or a list of them), each through its alias, less the keys seen already.
// A mapping is read once (read marks it): one that merges itself (&a {<<: *a}), or
// is merged again, has no key left unseen the second time, and a chain of mappings
// each merging the one before twice would otherwise be read 2^depth times.
func entries(m, use *yaml.Node, seen map[string]bool, read map[*yaml.Node]bool) []docField {
	if read[m] {
		return nil
	}
	read[m] = true
	var own, merges []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Tag == "!!merge" {
			merges = append(merges, m.Content[i+1])
		} else if !seen[k.Value] {
			own = append(own, k, m.Content[i+1])
		}
	}
	var out []docField
	for i := 0; i < len(own); i += 2 {
		seen[own[i].Value] = true
		out = append(out, docField{key: own[i], val: own[i+1], use: use})
	}
	for _, mv := range merges {
		sources := []*yaml.Node{mv}
		if r := resolve(mv); r.Kind == yaml.SequenceNode {
			sources = r.Content
		}
		for _, src := range sources {
			u := use
			if u == nil && src.Kind == yaml.AliasNode {
				u = src
			} else if u == nil && mv.Kind == yaml.AliasNode {
				u = mv
			}
			if r := resolve(src); r.Kind == yaml.MappingNode {
				out = append(out, entries(r, u, seen, read)...)
			}
		}
	}
	return out
}

// pick is the field a decoder message is about, of those that fit: the one that fits,
// else the one that also fits narrower (nil: none narrower). Where those left are one
// node of the document reached at several places (an anchor and its aliases), the
// decoder met them in the order docFields lists them and reports each of them, so it
// is the first of them not yet taken. False when none or several fit.
func pick(fields []docField, taken map[int]bool, fits, narrower func(docField) bool) (docField, bool) {
	var found, narrow []int
	for i, f := range fields {
		if fits(f) {
			found = append(found, i)
			if narrower != nil && narrower(f) {
				narrow = append(narrow, i)
			}
		}
	}
	for _, c := range [][]int{found, narrow} {
		if len(c) == 1 {
			taken[c[0]] = true
			return fields[c[0]], true
		}
	}
	for _, c := range [][]int{narrow, found} {
		if len(c) == 0 || !oneNode(fields, c) {
			continue
		}
		for _, i := range c {
			if !taken[i] {
				taken[i] = true
				return fields[i], true
			}
		}
	}
	return docField{}, false
}

// oneNode says whether the fields at is are one key and value of the document.
func oneNode(fields []docField, is []int) bool {
	for _, i := range is[1:] {
		if fields[i].key != fields[is[0]].key || fields[i].val != fields[is[0]].val {
			return false
		}
	}
	return true
}

// at is "FILE:LINE:COLUMN: path: " for node n of field f and path ("" leaves the path
// out), placed at the alias where f is given through one.
func (f docField) at(name string, n *yaml.Node, path string) string {
	if path != "" {
		path += ": "
	}
	return position(name, n, f.use) + path
}

// fromAnchor is " (from &day at 7:20)" for node n of a field given through an alias,
// "" for one given in place.
func (f docField) fromAnchor(n *yaml.Node) string { return fromAnchor(n, f.use) }

// parentPath is the path of the mapping that holds f's key.
func (f docField) parentPath() string {
	return strings.TrimSuffix(strings.TrimSuffix(f.path, f.key.Value), ".")
}

// amountProblem locates an amount the decoder could not read: the YAML decoder stops
// at a field's own parser without saying where, so the amount is looked up in the
// document by its text among the fields that hold amounts (the first that reads so:
// the decoder stops at the first it cannot read), and the problem reads
// FILE:LINE:COLUMN: path: what is wrong.
func amountProblem(data []byte, name string, pe *money.ParseError) string {
	msg := strings.TrimPrefix(pe.Error(), "money: ")
	amount := reflect.TypeFor[money.Micros]()
	for _, f := range docFields(data) {
		if t, ok := fieldType(f.path); ok && t == amount && f.key != nil && f.val.Kind == yaml.ScalarNode && f.val.Value == pe.Text {
			return f.at(name, f.val, f.path) + msg + f.fromAnchor(f.val)
		}
	}
	return name + ": " + msg
}

// yamlProblems turns the decoder's messages into FILE:LINE:COLUMN: path: ones, or
// FILE:LINE: ones where the document does not say which field a message is about and
// for syntax errors, whose column the decoder does not give.
func yamlProblems(data []byte, name string, err error) []string {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	fields := docFields(data)
	taken := map[int]bool{}
	out := make([]string, 0, len(msgs))
	for _, m := range msgs {
		if g := unknownField.FindStringSubmatch(m); g != nil {
			line, _ := strconv.Atoi(g[1])
			where, from := fmt.Sprintf("%s:%d: ", name, line), ""
			if f, ok := pick(fields, taken, func(f docField) bool { return f.key != nil && f.key.Line == line && f.key.Value == g[2] }, nil); ok {
				where, from = f.at(name, f.key, f.parentPath()), f.fromAnchor(f.key)
			}
			hint := ""
			if keys := validKeys()[g[3]]; len(keys) > 0 {
				hint = " (valid keys here: " + strings.Join(keys, ", ") + ")"
			}
			out = append(out, fmt.Sprintf("%sunknown field %q%s%s", where, g[2], hint, from))
		} else if g := lineError.FindStringSubmatch(m); g != nil && te != nil {
			line, _ := strconv.Atoi(g[1])
			where, from := fmt.Sprintf("%s:%d: ", name, line), ""
			// Two on the line may fit ([{share: [1]}]), or one anchored value at the
			// places it is used: the one whose field has the type named.
			f, ok := pick(fields, taken, func(f docField) bool { return fitsTypeError(f, line, g[2]) },
				func(f docField) bool { return typeNamed(f.path, g[2]) })
			if ok {
				where, from = f.at(name, f.val, f.path), f.fromAnchor(f.val)
				if f.key != nil && duplicateKey.MatchString(g[2]) {
					where, from = f.at(name, f.key, f.parentPath()), f.fromAnchor(f.key)
				}
			}
			out = append(out, where+decodeProblem(g[2])+from)
		} else {
			out = append(out, syntaxProblem(data, name, m))
		}
	}
	return out
}

// fitsTypeError says whether f is what the decoder's message m about line is about: the
// value it could not decode, or the key given twice.
func fitsTypeError(f docField, line int, m string) bool {
	if f.val.Line != line && (f.key == nil || f.key.Line != line) {
		return false // before the patterns: aliases can list many fields
	}
	if g := duplicateKey.FindStringSubmatch(m); g != nil {
		return f.key != nil && f.key.Line == line && f.key.Value == g[1]
	}
	g := cannotDecode.FindStringSubmatch(m)
	if g == nil || f.val.Line != line {
		return false
	}
	switch g[1] {
	case "seq":
		return f.val.Kind == yaml.SequenceNode
	case "map":
		return f.val.Kind == yaml.MappingNode
	}
	if f.val.Kind != yaml.ScalarNode {
		return false
	}
	if short, ok := strings.CutSuffix(g[2], "..."); ok && len(g[2]) == 10 { // the decoder cuts values past 10 characters
		return len(f.val.Value) > 10 && strings.HasPrefix(f.val.Value, short)
	}
	return f.val.Value == g[2]
}

// typeNamed says whether the scenario field at path has the Go type the decoder's
// message m says it could not decode into.
func typeNamed(path string, m string) bool {
	g := cannotDecode.FindStringSubmatch(m)
	if g == nil {
		return false
	}
	t, ok := fieldType(path)
	return ok && t.String() == g[3]
}

// fieldType is the Go type of the scenario field at path ("agents.shifts[0].headcount",
// "per_template.marketing": a map's key reads as its value), pointers left out.
func fieldType(path string) (reflect.Type, bool) {
	t := reflect.TypeOf(Scenario{})
	deref := func() {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
	}
	for seg := range strings.SplitSeq(path, ".") {
		key, idx, _ := strings.Cut(seg, "[")
		deref()
		switch t.Kind() {
		case reflect.Struct:
			f, ok := structFieldByYAML(t, key)
			if !ok {
				return nil, false
			}
			t = f.Type
		case reflect.Map:
			t = t.Elem()
		default:
			return nil, false
		}
		for range strings.Count(idx, "[") + min(len(idx), 1) {
			deref()
			if t.Kind() != reflect.Slice {
				return nil, false
			}
			t = t.Elem()
		}
	}
	deref()
	return t, true
}

// structFieldByYAML finds struct type t's field by its YAML name, looking into inlined
// structs; its Index leads to it from t.
func structFieldByYAML(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tagName, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if opts == "inline" && f.Type.Kind() == reflect.Struct {
			if g, ok := structFieldByYAML(f.Type, name); ok {
				g.Index = append([]int{i}, g.Index...)
				return g, true
			}
			continue
		}
		if tagName == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// syntaxProblem is a YAML syntax error as FILE:LINE: message, the line one-based where
// the parser gave its zero-based one, and an error at the end of the file placed on its
// last line. The decoder gives no column.
func syntaxProblem(data []byte, name, m string) string {
	m = strings.TrimPrefix(m, "yaml: ")
	line := 0
	msg := m
	if g := lineError.FindStringSubmatch(m); g != nil {
		line, _ = strconv.Atoi(g[1])
		msg = g[2]
	}
	if !parserProblems[msg] {
		if line == 0 {
			return name + ": " + m
		}
		return fmt.Sprintf("%s:%d: %s", name, line, msg)
	}
	line++
	if lines := yamlLines(data); line > lines && lines > 0 {
		line, msg = lines, msg+" (at the end of the file)"
	}
	return fmt.Sprintf("%s:%d: %s", name, line, msg)
}

// decodeProblem says a value of the wrong kind in the user's words ("\"abc\" is text,
// want a whole number") instead of the decoder's, which names Go types.
func decodeProblem(m string) string {
	g := cannotDecode.FindStringSubmatch(m)
	if g == nil {
		return m
	}
	got := map[string]string{"str": "text", "int": "a whole number", "float": "a number", "bool": "true or false",
		"seq": "a list", "map": "a mapping (key: value lines)", "null": "empty"}[g[1]]
	if got == "" {
		got = "a " + g[1]
	}
	if g[2] != "" {
		got = fmt.Sprintf("%q is %s", g[2], got)
	} else {
		got = "found " + got
	}
	want := g[3]
	switch {
	case strings.HasPrefix(want, "[]"):
		want = "a list"
	case strings.HasPrefix(want, "map["):
		want = "a mapping (key: value lines)"
	case strings.HasPrefix(want, "int") || strings.HasPrefix(want, "uint"):
		want = "a whole number"
	case strings.HasPrefix(want, "float"):
		want = "a number"
	case want == "string":
		want = "text"
	case want == "bool":
		want = "true or false"
	default:
		if keys := validKeys()[want]; len(keys) > 0 {
			want = "a mapping with keys " + strings.Join(keys, ", ")
		} else {
			want = "a value of another kind (see docs/formats.md)"
		}
	}
	return got + "; want " + want
}

// validKeys maps each struct type of a scenario, named as the YAML decoder names it in
// errors ("agents.Shift"), to its YAML keys in declaration order.
func validKeys() map[string][]string {
	out := map[string][]string{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || out[t.String()] != nil {
			return
		}
		out[t.String()] = []string{}
		var keys []string
		var collect func(t reflect.Type)
		collect = func(t reflect.Type) {
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
				if opts == "inline" {
					collect(f.Type)
					continue
				}
				if name == "" || name == "-" {
					continue
				}
				keys = append(keys, name)
				walk(f.Type)
			}
		}
		collect(t)
		out[t.String()] = keys
	}
	walk(reflect.TypeOf(Scenario{}))
	return out
}

// yamlLines is how many lines the YAML parser sees in data: it breaks lines at CR LF,
// CR, LF, NEL, LS and PS, as YAML 1.1 does, so a file saved with bare CRs (classic Mac)
// has as many lines as an editor shows, and a break that ends the file opens none.
func yamlLines(data []byte) int {
	lines, open := 0, false
	for i := 0; i < len(data); {
		n := 0
		switch {
		case data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n':
			n = 2
		case data[i] == '\r' || data[i] == '\n':
			n = 1
		case bytes.HasPrefix(data[i:], []byte("\u0085")):
			n = 2
		case bytes.HasPrefix(data[i:], []byte("\u2028")), bytes.HasPrefix(data[i:], []byte("\u2029")):
			n = 3
		}
		if n == 0 {
			open = true
			i++
			continue
		}
		lines++
		open = false
		i += n
	}
	if open {
		lines++
	}
	return lines
}
