package trace

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
	"go.yaml.in/yaml/v3"

	"github.com/spendsim/spendsim/internal/limits"
	"github.com/spendsim/spendsim/model/market"
)

// Mapping reads a foreign CSV log as a trace without rewriting it: for each contract
// field it names the source column, value translations, or a constant. A field left
// zero reads the column of its contract name if the header has one, so a mapping
// lists only what differs. In YAML (see testdata/twcs.yaml for a complete example):
//
//	time_layout: Mon Jan 02 15:04:05 -0700 2006   # Go layout, or rfc3339 (default), unix, unix_ms
//	ts: {column: created_at}
//	user: {column: author_id}
//	direction: {column: inbound, values: {"True": user, "False": business}}
//	type: text                                     # a constant
//	country: US
//	message_id: {column: tweet_id}
//	reply_to: in_response_to_tweet_id               # business rows answer a message
//
// Reply chains: in logs where a business row names the message it answers instead of
// the customer (support desks, social media), reply_to is that column. A business
// row with a non-empty reply_to gets as user the user of the message it answers
// (itself possibly a reply: chains resolve), looked up among the last ReplyMemory
// message ids read (two generations of that many). The answered message must come
// earlier in ts order; unresolvable replies are invalid rows (SkipInvalid skips them).
type Mapping struct {
	TimeLayout  string `yaml:"time_layout"` // ts and delivered_ts: Go layout, or rfc3339 (default), unix (seconds), unix_ms
	TS          Field  `yaml:"ts"`
	User        Field  `yaml:"user"`
	Direction   Field  `yaml:"direction"`
	Type        Field  `yaml:"type"`
	Category    Field  `yaml:"category"`
	Country     Field  `yaml:"country"`
	Business    Field  `yaml:"business"`
	EntryPoint  Field  `yaml:"entry_point"`
	Status      Field  `yaml:"status"`
	DeliveredTS Field  `yaml:"delivered_ts"`
	MessageID   Field  `yaml:"message_id"`
	ReplyTo     string `yaml:"reply_to"`     // column naming the message a business row answers; "" = none
	ReplyMemory int    `yaml:"reply_memory"` // message ids remembered for reply_to, per generation; default 1,048,576
	Delimiter   string `yaml:"delimiter"`    // the CSV field separator: one character (";", "|") or "tab"; default ","
}

// Field says where one contract field comes from. In YAML a plain scalar is a
// constant (country: US); a mapping has the keys column, value and values.
type Field struct {
	Column string            // source column; "" = use Value (or the contract's column name, if both are empty)
	Value  string            // constant when Column is "", else the default for empty cells
	Values map[string]string // translates source values; values not listed pass through unchanged
}

// UnmarshalYAML reads a scalar as a constant. Mapping keys are checked here by hand:
// yaml's KnownFields does not reach inside a custom unmarshaler.
func (f *Field) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*f = Field{Value: n.Value}
		return nil
	case yaml.MappingNode:
		*f = Field{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			switch k.Value {
			case "column", "value":
				if v.Kind != yaml.ScalarNode {
					return fmt.Errorf("line %d: %s must be a string", v.Line, k.Value)
				}
				if k.Value == "column" {
					f.Column = v.Value
				} else {
					f.Value = v.Value
				}
			case "values":
				if v.Kind != yaml.MappingNode {
					return fmt.Errorf("line %d: values must be a mapping of source value to trace value", v.Line)
				}
				f.Values = map[string]string{}
				for j := 0; j+1 < len(v.Content); j += 2 {
					a, b := v.Content[j], v.Content[j+1]
					if a.Kind != yaml.ScalarNode || b.Kind != yaml.ScalarNode {
						return fmt.Errorf("line %d: values must map strings to strings", a.Line)
					}
					f.Values[a.Value] = b.Value
				}
			default:
				return fmt.Errorf("line %d: field %q not found in a field mapping (want column, value, values)", k.Line, k.Value)
			}
		}
		return nil
	}
	return fmt.Errorf("line %d: want a constant or {column: …, values: …}", n.Line)
}

// LoadMapping reads a mapping from a YAML file (at most limits.MappingFile bytes),
// strictly: unknown keys are errors.
func LoadMapping(path string) (*Mapping, error) {
	data, err := limits.ReadFile(path, limits.MappingFile, "a column mapping")
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var m Mapping
	if err := dec.Decode(&m); err != nil {
		if err == io.EOF {
			return nil, fmt.Errorf("%s: empty mapping", filepath.Base(path))
		}
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return nil, mappingKeyErrors(filepath.Base(path), te)
		}
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return &m, nil
}

// mappingKeyErrors rewrites the YAML decoder's "line 2: field usr not found in type
// trace.Mapping" as "m.yaml:2: unknown key "usr" (valid keys: …)", one line each.
func mappingKeyErrors(name string, te *yaml.TypeError) error {
	var keys []string
	t := reflect.TypeOf(Mapping{})
	for i := 0; i < t.NumField(); i++ {
		if k, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); k != "" {
			keys = append(keys, k)
		}
	}
	msgs := make([]string, 0, len(te.Errors))
	for _, e := range te.Errors {
		var line int
		var key string
		if n, _ := fmt.Sscanf(e, "line %d: field %s not found in type", &line, &key); n == 2 {
			msgs = append(msgs, fmt.Sprintf("%s:%d: unknown key %q (valid keys: %s)", name, line, key, strings.Join(keys, ", ")))
		} else if rest, ok := strings.CutPrefix(e, "line "); ok {
			msgs = append(msgs, name+":"+rest)
		} else {
			msgs = append(msgs, name+": "+e)
		}
	}
	return errors.New(strings.Join(msgs, "\n"))
}

func (m *Mapping) fields() [nFields]*Field {
	return [nFields]*Field{
		fTS: &m.TS, fUser: &m.User, fDirection: &m.Direction, fType: &m.Type,
		fCategory: &m.Category, fCountry: &m.Country, fBusiness: &m.Business,
		fEntryPoint: &m.EntryPoint, fStatus: &m.Status, fDeliveredTS: &m.DeliveredTS,
		fMessageID: &m.MessageID,
	}
}

// columns are the header names the mapping reads, in the contract's field order: the
// source columns it names, and the required fields it neither maps nor makes constant.
func (m *Mapping) columns() []string {
	var out []string
	for i, f := range m.fields() {
		switch {
		case f.Column != "":
			out = append(out, f.Column)
		case f.Value == "" && (i == fTS || i == fUser || i == fDirection):
			out = append(out, fieldNames[i])
		}
	}
	if m.ReplyTo != "" {
		out = append(out, m.ReplyTo)
	}
	return out
}

func (m *Mapping) replyMemory() int {
	if m.ReplyMemory > 0 {
		return m.ReplyMemory
	}
	return 1 << 20
}

// timeKind resolves TimeLayout.
func (m *Mapping) timeKind() (timeKind, string) {
	switch strings.ToLower(m.TimeLayout) {
	case "", "rfc3339":
		return timeRFC3339, ""
	case "unix":
		return timeUnix, ""
	case "unix_ms":
		return timeUnixMS, ""
	}
	return timeLayout, m.TimeLayout
}

// Validate reports every problem at once, one per line, as "field: problem".
func (m *Mapping) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if k, layout := m.timeKind(); k == timeLayout {
		// A layout that cannot read back what it writes has no reference-time fields.
		ref := time.Date(2017, 10, 11, 6, 55, 44, 0, time.UTC)
		if t, err := time.Parse(layout, ref.Format(layout)); err != nil || !t.Equal(ref) {
			add("time_layout: %q is not a Go time layout that records date and time (like Mon Jan 02 15:04:05 -0700 2006), nor rfc3339, unix, unix_ms", layout)
		}
	}
	checks := [nFields]func(string) bool{
		fDirection:  func(s string) bool { _, ok := model.ParseDirection(s); return ok },
		fType:       func(s string) bool { _, ok := model.ParseKind(s); return ok },
		fCategory:   func(s string) bool { _, ok := parseCategory(s); return ok },
		fStatus:     func(s string) bool { _, ok := parseStatus(s); return ok },
		fEntryPoint: func(s string) bool { _, ok := model.ParseEntryPoint(s); return ok },
		fCountry:    func(s string) bool { _, ok := newBuilder("").country(s); return ok },
	}
	wants := [nFields]string{
		fDirection: directionList, fType: kindList,
		fCategory: categoryList, fStatus: statusList,
		fEntryPoint: entryPointList, fCountry: "an ISO 3166-1 alpha-2 code",
	}
	for i, f := range m.fields() {
		name := fieldNames[i]
		if check := checks[i]; check != nil {
			hint := func(string) string { return "" }
			if i == fCountry {
				hint = market.CountryHint
			}
			if f.Value != "" && !check(f.Value) {
				add("%s: %q is not one of %s%s", name, f.Value, wants[i], hint(f.Value))
			}
			for src, v := range f.Values {
				if v != "" && !check(v) {
					add("%s: values: %q maps to %q, not one of %s%s", name, src, v, wants[i], hint(v))
				}
			}
		}
		if f.Column == "" && f.Values != nil {
			add("%s: values without a column", name)
		}
	}
	if m.Delimiter != "" {
		if _, err := ParseDelimiter(m.Delimiter); err != nil {
			add("%v", err)
		}
	}
	if m.ReplyMemory < 0 {
		add("reply_memory: %d is negative", m.ReplyMemory)
	}
	// Errors from map iteration come in random order; sort for stable messages.
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	slices.Sort(msgs)
	if len(msgs) == 0 {
		return nil
	}
	return errors.New(strings.Join(msgs, "\n"))
}

// ErrMappingNotCSV marks the error for a column mapping given with a trace that is not
// CSV (errors.Is): the caller's options do not fit the trace, so nothing is read.
var ErrMappingNotCSV = errors.New("a column mapping applies to CSV only")

// mappingFits refuses a column mapping for a trace file in another format than CSV:
// read without it, the trace would be billed as if the mapping had been applied.
func mappingFits(o Options, name, format string) error {
	if o.Mapping == nil || format == "csv" {
		return nil
	}
	return &Error{File: name, Msg: fmt.Sprintf("%v, not %s", ErrMappingNotCSV, format), Err: ErrMappingNotCSV}
}

// mappingFitsAll checks a mapping against every file of a set before any is read (a
// sorted set's files are opened one after another, the last after all the others'
// rows): by --format, by name, else by content for regular files (a pipe can be read
// only once: openFile checks it when it opens it).
func mappingFitsAll(files []traceFile, o Options) error {
	if o.Mapping == nil {
		return nil
	}
	if o.Format != "" {
		return mappingFits(o, files[0].name, o.Format)
	}
	for _, f := range files {
		format := formatByExt(f.path)
		if format != "parquet" && format != "csv" {
			if !isRegular(f.path) {
				continue
			}
			var err error
			if format, err = detect(f.path); err != nil {
				continue // said when the file is opened
			}
		}
		if err := mappingFits(o, f.name, format); err != nil {
			return err
		}
	}
	return nil
}
