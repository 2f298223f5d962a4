package scenarios

import (
	"reflect"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/model/blocking"
	"github.com/spendsim/spendsim/sim"
)

// TestNotificationsExample: the shipped example uses every key of load.notifications,
// load.campaigns and blocking, resolves into the engine's configuration, and its
// first run sends templates, loses reach to blocks and ends with a rating and a limit.
func TestNotificationsExample(t *testing.T) {
	sc, _, err := Load("notifications")
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Load.Notifications) != 2 || len(sc.Load.Campaigns) != 2 || !sc.Blocking.Enabled() {
		t.Fatalf("example lost its blocks: %d notifications, %d campaigns, blocking %+v", len(sc.Load.Notifications), len(sc.Load.Campaigns), sc.Blocking)
	}
	want := blocking.Spec{
		PerTemplate:    blocking.PerCategory{Marketing: 0.003, Utility: 0.0005, Authentication: 0.0001},
		Fatigue:        0.25,
		MarketingCap:   0.02,
		MessagingLimit: blocking.LimitSpec{InitialTier: "1000", Overflow: blocking.Delay},
		Quality:        blocking.QualitySpec{MediumFrom: 0.01, LowFrom: 0.03, MinTemplates: 100},
	}
	if sc.Blocking != want {
		t.Errorf("blocking %+v, want %+v", sc.Blocking, want)
	}
	jobs, err := sc.Jobs(sc.Seed, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := sim.Simulate(&jobs[0])
	if err != nil {
		t.Fatal(err)
	}
	o := res.Outbound
	t.Logf("%+v", o)
	if o.TemplatesSent == 0 || o.Blocks == 0 || o.ReachLost == 0 || o.CapRefused == 0 || o.LimitDelayed == 0 || o.TemplateReplies == 0 ||
		o.Quality == "" || o.MessagingLimit == "" {
		t.Errorf("example run: %+v; want every count above 0", o)
	}
}

func TestOutboundValidation(t *testing.T) {
	src := `name: x
start: 2025-09-01
customers: {count: 10, countries: [{country: BR, share: 1}]}
load:
  conversations_per_customer_month: 1
  notifications:
    - {name: dup, category: utility, per_customer_month: 1, countries: [MX]}
  campaigns:
    - {name: dup, days: [mon], at: "10:00", audience: 0.5}
blocking:
  per_template: {marketing: 2}
  messaging_limit: {initial_tier: 5000}
agents:
  shifts: [{start: "09:00", end: "17:00", headcount: 1}]
`
	_, err := Parse([]byte(src), "x.yaml")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`x.yaml:7:73: load.notifications[0].countries[0]: MX is not in customers.countries, so no customer would get these templates`,
		`x.yaml:9:14: load.campaigns[0].name: "dup" is already the name of load.notifications[0]; names must be unique among notifications and campaigns`,
		`x.yaml:11:29: blocking.per_template.marketing: must be a probability between 0 and 1, got 2`,
		`x.yaml:12:35: blocking.messaging_limit.initial_tier: "5000" is not one of 250, 1000, 2000, 10000, 100000, unlimited (0 or absent: no limit)`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	bad := strings.Replace(src, "per_customer_month: 1, countries", "per_customer_monthly: 1, countries", 1)
	if _, err := Parse([]byte(bad), "x.yaml"); err == nil || !strings.Contains(err.Error(), `unknown field "per_customer_monthly"`) {
		t.Errorf("a misspelt key: %v", err)
	}
}

// TestSweepNotificationField: a sweep may set a notification's rate; each point gets
// its own copy of the list.
func TestSweepNotificationField(t *testing.T) {
	sc, _, err := Load("notifications")
	if err != nil {
		t.Fatal(err)
	}
	sc.Sweep = []Dimension{{Path: "load.notifications[0].per_customer_month", Name: "updates", Values: Nums(1, 3)}}
	points, err := sc.points(1)
	if err != nil {
		t.Fatal(err)
	}
	var got []float64
	for _, p := range points {
		got = append(got, p.Scenario.Load.Notifications[0].PerCustomerMonth)
	}
	if !reflect.DeepEqual(got, []float64{1, 3}) || sc.Load.Notifications[0].PerCustomerMonth != 1.5 {
		t.Errorf("points %v, original %v; want [1 3], 1.5", got, sc.Load.Notifications[0].PerCustomerMonth)
	}
}
