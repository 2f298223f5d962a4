package scenarios

import "testing"

// forecastHead is a scenario starting 2026-10-01 with a forecast block of 3 months
// (October to December: 92 days); each case adds days or a sweep to it.
const forecastHead = `name: t
start: 2026-10-01
customers: {count: 10, countries: [{country: BR, share: 1}]}
load: {conversations_per_customer_month: 1}
agents: {shifts: [{start: "09:00", end: "17:00", headcount: 1}]}
forecast: {months: 3, growth_per_month: 0.04}
`

// TestForecastAndDays: a forecast block makes the horizon its months, for run as for
// forecast, so a days the file gives must agree with them: days: 10 beside a
// three-month forecast is an error at days, not a 92-day run the user did not ask for.
// Without days, or with the months' own length, the file is what it was.
func TestForecastAndDays(t *testing.T) {
	for _, c := range []struct {
		name, yaml string
		days       int    // the horizon of a valid scenario
		want       string // the one problem of an invalid one
	}{
		{"no days: the months decide", forecastHead, 92, ""},
		{"days the months' length", forecastHead + "days: 92\n", 92, ""},
		{"days in conflict", forecastHead + "days: 10\n", 0,
			"s.yaml:7:7: days: 10, but forecast.months: 3 from 2026-10-01 is 92 days, and a scenario with a forecast block runs its months: remove days (or give 92), or remove the forecast block to run 10 days"},
		{"days swept under a forecast", forecastHead + "sweep:\n  - {path: days, values: [10, 20]}\n", 0,
			"s.yaml:8:12: sweep[0].path: days is forecast.months' length in a scenario with a forecast block; sweep forecast.months, or remove the forecast block"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sc, err := Parse([]byte(c.yaml), "s.yaml")
			if c.want != "" {
				if err == nil || err.Error() != c.want {
					t.Fatalf("got %v\nwant %s", err, c.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := sc.Config(nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := int((cfg.End - cfg.Start).Hours() / 24); sc.Days != c.days || got != c.days {
				t.Errorf("days %d, horizon %d days; want %d", sc.Days, got, c.days)
			}
		})
	}
}
