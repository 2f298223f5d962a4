package scenarios

import (
	"strings"
	"testing"

	"github.com/spendsim/spendsim/model"
)

// TestEntryPointHours: business.entry_point_hours means what replay's
// --entry-point-hours means: the length of every CBP 2022 free entry point
// conversation, 24 or 72 h, whatever its date; absent, the date rule (0). The replay
// command a generated trace prints bills it the same way; another value is an error at
// its place in the file.
func TestEntryPointHours(t *testing.T) {
	for _, c := range []struct {
		business string
		billed   model.Time
		flag     string
	}{
		{"", 0, ""},
		{"business: {entry_point_hours: 72}\n", 72 * model.Hour, " --entry-point-hours 72"},
		{"business: {entry_point_hours: 24}\n", 24 * model.Hour, " --entry-point-hours 24"},
	} {
		sc, err := Parse([]byte(head+c.business+`agents: {shifts: [{start: "09:00", end: "17:00", headcount: 1}]}`), "s.yaml")
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := sc.Config(nil)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Billing.EntryPointV1 != c.billed {
			t.Errorf("%q: billed with EntryPointV1 %v, want %v", c.business, cfg.Billing.EntryPointV1, c.billed)
		}
		cmd := sc.ReplayCommand("t.csv", nil)
		if got := strings.TrimPrefix(cmd, "spendsim replay --trace t.csv --pricing auto --timezone UTC --currency USD"); got != c.flag {
			t.Errorf("%q: replay command %q, want the flags %q after the zone and currency", c.business, cmd, c.flag)
		}
	}
	_, err := Parse([]byte(head+"business: {entry_point_hours: 48}\n"+`agents: {shifts: [{start: "09:00", end: "17:00", headcount: 1}]}`), "s.yaml")
	if want := "s.yaml:5:31: business.entry_point_hours: must be 24 or 72"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %v\nwant %s…", err, want)
	}
}
