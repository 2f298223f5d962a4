package trace

import (
	"fmt"
	"strings"
	"testing"
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
