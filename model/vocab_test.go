package model

import (
	"slices"
	"testing"
	"time"
)

// TestVocabulary pins the trace contract's names (docs/formats.md) and that every name
// parses back to its code.
func TestVocabulary(t *testing.T) {
	check := func(what string, names, want []string, roundTrip func(string) (string, bool)) {
		t.Helper()
		if !slices.Equal(names, want) {
			t.Errorf("%s names = %q, want %q", what, names, want)
		}
		for _, n := range names {
			if got, ok := roundTrip(n); !ok || got != n {
				t.Errorf("%s: %q parses back as %q, %v", what, n, got, ok)
			}
		}
		if _, ok := roundTrip("Nope"); ok {
			t.Errorf("%s: \"Nope\" parsed", what)
		}
	}
	check("direction", DirectionNames(), []string{"user", "business"}, func(s string) (string, bool) { v, ok := ParseDirection(s); return v.String(), ok })
	check("kind", KindNames(), []string{"text", "template"}, func(s string) (string, bool) { v, ok := ParseKind(s); return v.String(), ok })
	check("category", CategoryNames(), []string{"marketing", "utility", "authentication"}, func(s string) (string, bool) { v, ok := ParseCategory(s); return v.String(), ok })
	check("status", StatusNames(), []string{"delivered", "read", "sent", "failed"}, func(s string) (string, bool) { v, ok := ParseStatus(s); return v.String(), ok })
	check("entry point", EntryPointNames(), []string{"ctwa", "page_cta"}, func(s string) (string, bool) { v, ok := ParseEntryPoint(s); return v.String(), ok })
	check("weekday", WeekdayNames(), []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, func(s string) (string, bool) { v, ok := ParseWeekday(s); return WeekdayName(v), ok })

	// The empty names: none for a category or an entry point, nothing else.
	if c, ok := ParseCategory(""); !ok || c != CatNone {
		t.Errorf("ParseCategory(\"\") = %v, %v", c, ok)
	}
	if e, ok := ParseEntryPoint(""); !ok || e != EntryNone {
		t.Errorf("ParseEntryPoint(\"\") = %v, %v", e, ok)
	}
	if _, ok := ParseDirection(""); ok {
		t.Error("ParseDirection(\"\") succeeded")
	}
	if _, ok := ParseStatus(""); ok {
		t.Error("ParseStatus(\"\") succeeded: the default is the reader's")
	}
	if d, ok := ParseWeekday("Sun"); !ok || d != time.Sunday {
		t.Errorf("ParseWeekday(Sun) = %v, %v", d, ok)
	}
	if got := Kind(7).String(); got != "Kind(7)" {
		t.Errorf("Kind(7) = %q", got)
	}
}

// TestParseAllocates nothing: the trace readers parse every field of every row.
func TestParseAllocatesNothing(t *testing.T) {
	b := []byte("page_cta")
	if n := testing.AllocsPerRun(100, func() {
		ParseDirection("business")
		ParseKind("template")
		ParseCategory("authentication")
		ParseStatus("failed")
		ParseEntryPoint(string(b))
		ParseWeekday("SUN")
	}); n != 0 {
		t.Errorf("%v allocations per parse", n)
	}
}

// TestValidName: the one rule for the names of scenarios, streams and campaigns.
func TestValidName(t *testing.T) {
	for name, want := range map[string]bool{"small": true, "otp-2fa": true, "a_b9": true, "9": true,
		"": false, "-x": false, "_x": false, "Bad": false, "a b": false, "é": false} {
		if got := ValidName(name); got != want {
			t.Errorf("ValidName(%q) = %v, want %v", name, got, want)
		}
	}
}
