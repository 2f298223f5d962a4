package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/scenarios"
)

// What a sweep's results depend on besides the code: the resolved scenario, its seed and
// the user's rate and tier files. A shard's manifest and a checkpoint record it, so
// that merge and --resume refuse results of another sweep and say what differs, field
// by field: "agents.cost_per_hour: 9.5 in shard 0, 12 in shard 2".

// Identity is a sweep as a checkpoint records it (OpenCheckpoint).
type Identity struct {
	// Scenario is the resolved scenario's JSON, its replications left out (replication
	// r of a point is the same run whatever the count, which lets --precision resume)
	// and its seed, which is Seed.
	Scenario    json.RawMessage `json:"scenario"`
	Seed        uint64          `json:"seed"`
	RatesDigest string          `json:"rates_digest,omitempty"` // pricing.Overlay.Digest; "" for the built-in cards
	RateFiles   []pricing.File  `json:"rate_files,omitempty"`
}

// identityOf is the identity of the sweep of sc (its seed set) under rates.
func identityOf(sc *scenarios.Scenario, rates *pricing.Overlay) (*Identity, error) {
	c := *sc
	c.Replications, c.Seed = 0, 0 // the seed is Seed
	raw, err := json.Marshal(&c)
	if err != nil {
		return nil, err
	}
	id := &Identity{Scenario: raw, Seed: sc.Seed, RatesDigest: rates.DigestOf()}
	if rates != nil {
		id.RateFiles = rates.Files
	}
	return id, nil
}

// ScenarioSHA256 is the SHA-256 (hex) of a resolved scenario's JSON in its canonical
// form, compact (as json.Marshal writes it), as a shard's manifest records it.
func ScenarioSHA256(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		b.Reset()
		b.Write(raw)
	}
	h := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(h[:])
}

// ratesText says which files rates were read from, for messages.
func ratesText(digest string, files []pricing.File) string {
	if digest == "" {
		return "the built-in cards"
	}
	var parts []string
	for _, f := range files {
		parts = append(parts, fmt.Sprintf("--%s %s (sha256 %.12s…)", f.Role, f.Path, f.SHA256))
	}
	return strings.Join(parts, " and ") + " read as digest " + digest
}

// scenarioDiff says where the scenarios a and b (their JSON, as manifests record them)
// differ, field by field as a scenario file names them, with each side's value:
// "agents.cost_per_hour: 9.5 in shard 0, 12 in shard 2" for na = "in shard 0" and
// nb = "in shard 2". It names at most three fields, and how many more differ.
func scenarioDiff(a, b json.RawMessage, na, nb string) string {
	var sa, sb scenarios.Scenario
	if json.Unmarshal(a, &sa) != nil || json.Unmarshal(b, &sb) != nil {
		return fmt.Sprintf("the scenario %s (sha256 %.12s…) is not the one %s (sha256 %.12s…)", na, ScenarioSHA256(a), nb, ScenarioSHA256(b))
	}
	var d []string
	fieldDiffs("", reflect.ValueOf(sa), reflect.ValueOf(sb), &d)
	if len(d) == 0 {
		return ""
	}
	lines := make([]string, 0, 4)
	for _, f := range d[:min(len(d), 3)] {
		path, vals, _ := strings.Cut(f, "\x00")
		va, vb, _ := strings.Cut(vals, "\x00")
		lines = append(lines, fmt.Sprintf("%s: %s %s, %s %s", path, va, na, vb, nb))
	}
	if len(d) > 3 {
		lines = append(lines, fmt.Sprintf("and %d more fields", len(d)-3))
	}
	return strings.Join(lines, "; ")
}

// fieldDiffs appends to out, as "path\x00a\x00b", each field where a and b differ,
// named as YAML names it (agents.shifts[0].headcount).
func fieldDiffs(path string, a, b reflect.Value, out *[]string) {
	if a.CanInterface() && b.CanInterface() && reflect.DeepEqual(a.Interface(), b.Interface()) {
		return
	}
	leaf := func() { *out = append(*out, path+"\x00"+valueText(a)+"\x00"+valueText(b)) }
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			leaf()
			return
		}
		fieldDiffs(path, a.Elem(), b.Elem(), out)
	case reflect.Struct:
		if _, ok := a.Interface().(fmt.Stringer); ok {
			leaf()
			return
		}
		t, before := a.Type(), len(*out)
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			switch {
			case name == "-" || f.Tag.Get("json") == "-":
				continue
			case name == "" && strings.Contains(opts, "inline"):
				fieldDiffs(path, a.Field(i), b.Field(i), out)
				continue
			case name == "":
				name = strings.ToLower(f.Name)
			}
			if path != "" {
				name = path + "." + name
			}
			fieldDiffs(name, a.Field(i), b.Field(i), out)
		}
		if len(*out) == before { // differs only where no field names it
			leaf()
		}
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			leaf()
			return
		}
		for i := range a.Len() {
			fieldDiffs(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i), out)
		}
	case reflect.Map:
		keys := map[string]reflect.Value{}
		for _, k := range append(a.MapKeys(), b.MapKeys()...) {
			keys[fmt.Sprint(k.Interface())] = k
		}
		names := make([]string, 0, len(keys))
		for n := range keys {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			va, vb := a.MapIndex(keys[n]), b.MapIndex(keys[n])
			if !va.IsValid() || !vb.IsValid() {
				*out = append(*out, path+"."+n+"\x00"+valueText(va)+"\x00"+valueText(vb))
				continue
			}
			fieldDiffs(path+"."+n, va, vb, out)
		}
	default:
		leaf()
	}
}

// valueText is v as a scenario file would write it, near enough: numbers and amounts
// plainly (9.5, not 9.500000), the rest as JSON; "none" for nothing.
func valueText(v reflect.Value) string {
	if !v.IsValid() || (v.Kind() == reflect.Pointer || v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && v.IsNil() {
		return "none"
	}
	if !v.CanInterface() {
		return fmt.Sprint(v)
	}
	switch x := v.Interface().(type) {
	case money.Micros:
		s := strings.TrimRight(x.String(), "0")
		return strings.TrimSuffix(s, ".")
	case fmt.Stringer:
		return x.String()
	}
	if b, err := json.Marshal(v.Interface()); err == nil {
		return string(b)
	}
	return fmt.Sprint(v.Interface())
}

// ratesDiff names the rate flags whose files or reading differ between a (digest da,
// files fa) and b, with each side's value: "--rates: my.csv (sha256 …) in the kept
// runs, none in this run".
func ratesDiff(na string, fa []pricing.File, da string, nb string, fb []pricing.File, db string) string {
	find := func(fs []pricing.File, role string) *pricing.File {
		for i := range fs {
			if fs[i].Role == role {
				return &fs[i]
			}
		}
		return nil
	}
	text := func(f *pricing.File) string {
		if f == nil {
			return "none"
		}
		return fmt.Sprintf("%s (sha256 %.12s…)", f.Path, f.SHA256)
	}
	var d []string
	for _, role := range []string{"rates", "tiers"} {
		a, b := find(fa, role), find(fb, role)
		switch {
		case a == nil && b == nil:
		case a == nil || b == nil || a.SHA256 != b.SHA256:
			d = append(d, fmt.Sprintf("--%s: %s %s, %s %s", role, text(a), na, text(b), nb))
		case a.Model != b.Model:
			d = append(d, fmt.Sprintf("--rates-model: %s %s, %s %s", a.Model, na, b.Model, nb))
		case a.EffectiveFrom != b.EffectiveFrom:
			d = append(d, fmt.Sprintf("--rates-from: %s %s, %s %s", a.EffectiveFrom, na, b.EffectiveFrom, nb))
		}
	}
	if len(d) == 0 && da != db {
		d = append(d, fmt.Sprintf("the rate files were read otherwise (--rates-model, --rates-from or --decimal-comma): digest %s %s, %s %s", da, na, db, nb))
	}
	return strings.Join(d, "; ")
}

// identityDiff says how the sweep b differs from a, "" if not at all.
func identityDiff(a, b *Identity, na, nb string) string {
	var d []string
	if a.Seed != b.Seed {
		d = append(d, fmt.Sprintf("seed: %d %s, %d %s", a.Seed, na, b.Seed, nb))
	}
	if string(a.Scenario) != string(b.Scenario) {
		if s := scenarioDiff(a.Scenario, b.Scenario, na, nb); s != "" {
			d = append(d, s)
		}
	}
	if a.RatesDigest != b.RatesDigest {
		d = append(d, ratesDiff(na, a.RateFiles, a.RatesDigest, nb, b.RateFiles, b.RatesDigest))
	}
	return strings.Join(d, "; ")
}

// ErrFlags marks a command line whose flags contradict what they apply to: a merge given
// billing flags other than its shards had, or --resume with another sweep than the one
// whose runs are kept. The user fixes it on the command line (exit 2), where parts that
// disagree with each other are fixed by running a shard again (exit 1).
var ErrFlags = errors.New("the command line contradicts what it applies to")

type flagsError struct{ err error }

func (e flagsError) Error() string   { return e.err.Error() }
func (e flagsError) Unwrap() []error { return []error{e.err, ErrFlags} }

// FlagsErrorf is an error of the command line's flags (ErrFlags).
func FlagsErrorf(format string, a ...any) error { return flagsError{fmt.Errorf(format, a...)} }

// ManifestError is the error of the manifest of shard k of n at p that could not be
// decoded (err, json.Unmarshal's): cut short, or not a shard manifest, and what to do.
// rerun is the command that runs the shard again, "" if none is known.
func ManifestError(p string, size int, err error, k, n int, rerun string) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	what := err.Error()
	switch {
	case errors.As(err, &syntax) && strings.Contains(syntax.Error(), "unexpected end"):
		what = fmt.Sprintf("it is cut short: its JSON ends unfinished after %d bytes (copied or synced only in part, or its disk filled)", size)
	case errors.As(err, &syntax):
		what = fmt.Sprintf("it is not a shard manifest: not JSON at byte %d (%v)", syntax.Offset, err)
	case errors.As(err, &typ):
		want := map[reflect.Kind]string{reflect.String: "a string", reflect.Bool: "true or false", reflect.Slice: "a list",
			reflect.Map: "an object", reflect.Struct: "an object"}[typ.Type.Kind()]
		if want == "" {
			want = "a number"
		}
		what = fmt.Sprintf("it is not a shard manifest of this spendsim: %q is a JSON %s at byte %d, where a manifest holds %s", typ.Field, typ.Value, typ.Offset, want)
	}
	if rerun == "" {
		rerun = fmt.Sprintf("its --shard %d/%d with the flags the other shards had", k, n)
	}
	return fmt.Errorf("%s: %s; run shard %d of %d again (it writes its manifest anew), then merge: %s", p, what, k, n, rerun)
}
