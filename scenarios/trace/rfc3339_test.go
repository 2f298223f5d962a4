package trace

import "testing"

// TestRFC3339Forms: the trace contract says ts is an RFC 3339 time, and RFC 3339 (section
// 5.6) allows "t" and "z" in lower case and a space between date and time.
func TestRFC3339Forms(t *testing.T) {
	b := newBuilder("t.csv")
	want, msg := b.parseTime("2025-09-01T10:00:00Z")
	if msg != "" {
		t.Fatal(msg)
	}
	for _, s := range []string{"2025-09-01t10:00:00z", "2025-09-01 10:00:00Z", "2025-09-01 10:00:00+00:00", "2025-09-01 07:00:00-03:00"} {
		if got, msg := b.parseTime(s); msg != "" || got != want {
			t.Errorf("%q: %v %q, want %v", s, got, msg, want)
		}
	}
	for _, s := range []string{"2025-09-01x10:00:00Z", "2025-09-01 10:00", "2025-09-01"} {
		if _, msg := b.parseTime(s); msg == "" {
			t.Errorf("%q parsed", s)
		}
	}
}
