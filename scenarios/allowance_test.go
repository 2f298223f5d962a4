package scenarios

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// TestServiceAllowance: business.service_allowance means what replay's
// --service-allowance means. Absent, the default 1,000 free service messages per number
// a month, and the resolved scenario (manifest.json, report.html) says 1000; 0, none,
// as the flag's 0 (it meant 1,000 until the scenario and the flag were made to agree);
// -1, none, as old files say it. The replay command a generated trace prints bills it
// the same way.
func TestServiceAllowance(t *testing.T) {
	for _, c := range []struct {
		name, business string
		resolved       int    // the scenario's service_allowance once read
		billed         int    // billing.Options.ServiceAllowancePerNumber (negative: none)
		flag           string // what the replay command says of it
	}{
		{"absent: the default", "", 1000, 1000, ""},
		{"0: none, as --service-allowance 0", "business: {service_allowance: 0}\n", 0, -1, " --service-allowance 0"},
		{"-1: none, as old files say it", "business: {service_allowance: -1}\n", -1, -1, " --service-allowance 0"},
		{"a count", "business: {service_allowance: 250}\n", 250, 250, " --service-allowance 250"},
		{"the default's own count", "business: {service_allowance: 1000}\n", 1000, 1000, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			sc, err := Parse([]byte(head+c.business+`agents: {shifts: [{start: "09:00", end: "17:00", headcount: 1}]}`), "s.yaml")
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := sc.Config(nil)
			if err != nil {
				t.Fatal(err)
			}
			if sc.Business.ServiceAllowance != c.resolved || cfg.Billing.ServiceAllowancePerNumber != c.billed {
				t.Errorf("resolved %d, billed with %d; want %d, %d", sc.Business.ServiceAllowance, cfg.Billing.ServiceAllowancePerNumber, c.resolved, c.billed)
			}
			b, err := json.Marshal(sc)
			if err != nil {
				t.Fatal(err)
			}
			if want := `"ServiceAllowance":` + strconv.Itoa(c.resolved); !strings.Contains(string(b), want) {
				t.Errorf("the resolved scenario lacks %s: %s", want, b)
			}
			cmd := sc.ReplayCommand("t.csv", nil)
			if got := strings.TrimPrefix(cmd, "spendsim replay --trace t.csv --pricing auto --timezone UTC --currency USD"); got != c.flag {
				t.Errorf("replay command %q, want the flags %q after the zone and currency", cmd, c.flag)
			}
		})
	}
	_, err := Parse([]byte(head+"business: {service_allowance: -2}\n"+`agents: {shifts: [{start: "09:00", end: "17:00", headcount: 1}]}`), "s.yaml")
	if want := "s.yaml:5:31: business.service_allowance: must be 0 or more (0 turns the allowance off; -1, as older files wrote, does too), got -2"; err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}
