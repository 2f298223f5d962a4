package trace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestKeyRules(t *testing.T) {
	k := newKeyRules("ts", "user", "category", "id")
	many := make([]string, 40)
	for i := range many {
		many[i] = fmt.Sprintf(`"k%d":%d`, i, i)
	}
	for _, c := range []struct{ in, want string }{
		{`{"ts":"x","user":"a"}`, ""},
		{`{"user":"a","user":"b"}`, "user: given twice"},
		{`{"user":"a","\u0075ser":"b"}`, "user: given twice"}, // the same key to a decoder
		{`{"a":{"x":1,"x":2}}`, "a.x: given twice"},           // in any object
		{`{"a":[{"x":1},{"x":2}],"b":{"x":3}}`, ""},           // one object each
		{`{"a":[1,"}",{"q":"\"{"}],"a":2}`, "a: given twice"}, // brackets and quotes inside strings
		{`{"Category":"utility"}`, `Category: differs from the key "category" only in case`},
		{`{"USER":1}`, `USER: differs from the key "user" only in case`},
		{"{\"\u212a\":1}", ""},                                            // the Kelvin sign folds to k, not a known name
		{"{\"t\u017f\":1}", `tſ: differs from the key "ts" only in case`}, // long s folds to s, as encoding/json matches it
		{"{\"\u0131d\":1}", ""},                                           // dotless i does not fold to i
		{`{"Other":1,"other":2}`, ""},                                     // unknown keys may differ in case
		{"{" + strings.Join(many, ",") + `,"k7":0}`, "k7: given twice"},   // past 32 keys, a set
		{"{" + strings.Join(many, ",") + `,"k40":0}`, ""},
	} {
		got := ""
		if p := k.check([]byte(c.in)); p != nil {
			got = p.where + ": " + p.msg
		}
		if !strings.HasPrefix(got, c.want) || (c.want == "") != (got == "") {
			t.Errorf("%s: %q, want %q", c.in, got, c.want)
		}
	}
}

func TestWebhookKeyNames(t *testing.T) {
	for _, n := range []string{"entry", "changes", "statuses", "recipient_id", "pricing", "category", "phone_number_id", "wa_id"} {
		if !webhookKeys.exact([]byte(n)) {
			t.Errorf("%s is not among the webhook keys", n)
		}
	}
}

// FuzzKeyScan checks the key scan against a plain reference built on encoding/json's
// tokenizer: the same first bad key, at the same path, for any valid JSON text.
func FuzzKeyScan(f *testing.F) {
	for _, s := range []string{`{"user":"a","user":"b"}`, `{"a":{"Ts":1}}`, `[{"x":[{"x":1,"x":2}]}]`, `{"a\u0062":1,"ab":2}`, `"s"`, `{"q":"\"{\\","r":{}}`} {
		f.Add([]byte(s))
	}
	k := newKeyRules("ts", "user", "category", "id")
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) || !utf8.Valid(b) { // the sources check UTF-8 first
			return
		}
		var got string
		if p := k.check(b); p != nil {
			got = p.where + ": " + p.msg
		}
		if want := referenceKeyCheck(t, b, k.names); got != want {
			t.Fatalf("%q: scan %q, reference %q", b, got, want)
		}
	})
}

func referenceKeyCheck(t *testing.T, b []byte, names []string) string {
	dec := json.NewDecoder(bytes.NewReader(b))
	type frame struct {
		object bool
		keys   map[string]bool
		key    bool // the next token of this object is a key
	}
	var stack []*frame
	var path []string
	top := func() *frame {
		if len(stack) == 0 {
			return nil
		}
		return stack[len(stack)-1]
	}
	valueDone := func() { // a value ended: an object that held it waits for a key again
		if f := top(); f != nil && f.object {
			f.key = true
			path = path[:len(path)-1]
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		if f := top(); f != nil && f.object && f.key {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				valueDone()
				continue
			}
			key := tok.(string)
			where := strings.Join(append(append([]string{}, path...), key), ".")
			if f.keys[key] {
				return where + ": given twice in one object; a key may appear once (readers differ on which value wins)"
			}
			f.keys[key] = true
			for _, n := range names {
				if !slices.Contains(names, key) && strings.EqualFold(n, key) {
					return where + ": " + fmt.Sprintf("differs from the key %q only in case; keys are case-sensitive", n)
				}
			}
			f.key = false
			path = append(path, key)
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, keys: map[string]bool{}, key: true})
		case json.Delim('['):
			stack = append(stack, &frame{})
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
			valueDone()
		default:
			valueDone()
		}
	}
}
