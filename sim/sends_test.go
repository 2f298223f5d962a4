package sim_test

import (
	"slices"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/blocking"
	"github.com/spendsim/spendsim/model/load"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// sentLog records the kinds of business message a run sent, by country.
type sentLog struct {
	noRecords
	sent  []billing.Sent
	after model.Time // only those sent from then on (0: all)
}

func (l *sentLog) Message(m *model.Message, _ *pricing.Charge) {
	if m.Direction != model.FromBusiness || m.TS < l.after {
		return
	}
	s := billing.Sent{Country: m.Country, Kind: m.Kind}
	if m.Kind == model.Template {
		s.Category = m.Category
	}
	if !slices.Contains(l.sent, s) {
		l.sent = append(l.sent, s)
	}
}

// TestSends: Config.Sends, what validate checks the rate cards price, is what a run
// sends: every kind of business message a run sent to a country is listed, and every
// one listed is sent (a run busy enough to send each: agents' replies and late
// marketing replies everywhere, utility notifications to BR and MX only, a daily
// authentication campaign to IN only).
func TestSends(t *testing.T) {
	cfg, err := sim.MMc(model.FromStd(time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)), 3000, 1, 30, 4, 24*4)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Countries = []load.Share{{Country: "BR", Share: 0.5}, {Country: "MX", Share: 0.3}, {Country: "IN", Share: 0.2}}
	cfg.Staffing.LateReply = agents.LateMarketing
	cfg.Notifications = []load.Notification{{Name: "updates", Category: "utility", PerCustomerMonth: 2, Countries: []string{"BR", "MX"}}}
	cfg.Campaigns = []load.Campaign{daily("codes", "authentication", "10:00", 0.2)}
	cfg.Campaigns[0].Countries = []string{"IN"}
	log := &sentLog{}
	if _, err := sim.Run(cfg, 5, log); err != nil {
		t.Fatal(err)
	}
	want := cfg.Sends()
	if len(want) != 9 {
		t.Errorf("Sends: %v, want 9 (text and late marketing to 3 countries, utility to 2, authentication to 1)", want)
	}
	// The notifications' and the campaign's templates are scheduled: the business sends
	// them whatever its customers do; the replies and late replies are not.
	for i, s := range want {
		if sched := s.Kind == model.Template && s.Category != model.Marketing; s.Scheduled != sched {
			t.Errorf("Sends: %s scheduled %v, want %v", s, s.Scheduled, sched)
		}
		want[i].Scheduled = false // the log cannot tell
	}
	for _, s := range log.sent {
		if !slices.Contains(want, s) {
			t.Errorf("the run sent %s, which Sends does not list (%v)", s, want)
		}
	}
	for _, s := range want {
		if !slices.Contains(log.sent, s) {
			t.Errorf("Sends lists %s, which the run did not send (%v)", s, log.sent)
		}
	}
	// A dropped late reply is no template.
	cfg.Staffing.LateReply = agents.LateDrop
	for _, s := range cfg.Sends() {
		if s.Kind == model.Template && s.Category == model.Marketing {
			t.Errorf("late_reply drop: Sends lists %s", s)
		}
	}
}

// TestDrainSends: Config.DrainSends, what validate checks the cards price after the
// horizon, lists every kind of business message a run sent in its drain: without a
// messaging limit, the agents' replies and late replies only (no notification or
// campaign starts then); with a limit that delays, also the templates it held, which
// go in the drain — here a campaign of utility templates to 3,000 customers of a 250
// number.
func TestDrainSends(t *testing.T) {
	cfg, err := sim.MMc(model.FromStd(time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)), 3000, 1, 30, 4, 24)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Countries = []load.Share{{Country: "BR", Share: 0.5}, {Country: "MX", Share: 0.5}}
	cfg.Staffing.LateReply = agents.LateMarketing
	cfg.Campaigns = []load.Campaign{{Name: "launch", Category: "utility", Days: []string{"mon"}, At: "10:00", Audience: 1}}
	text := func(c string) billing.Sent { return billing.Sent{Country: [2]byte{c[0], c[1]}, Kind: model.Text} }
	tmpl := func(c string, cat model.Category) billing.Sent {
		return billing.Sent{Country: [2]byte{c[0], c[1]}, Kind: model.Template, Category: cat}
	}
	for _, c := range []struct {
		name  string
		limit blocking.LimitSpec
		want  []billing.Sent
	}{
		{"no limit", blocking.LimitSpec{}, []billing.Sent{text("BR"), tmpl("BR", model.Marketing), text("MX"), tmpl("MX", model.Marketing)}},
		{"limit failing", blocking.LimitSpec{InitialTier: "250", Overflow: blocking.Fail}, []billing.Sent{text("BR"), tmpl("BR", model.Marketing), text("MX"), tmpl("MX", model.Marketing)}},
		{"limit delaying", blocking.LimitSpec{InitialTier: "250"}, cfg.Sends()},
	} {
		cfg.Blocking = blocking.Spec{MessagingLimit: c.limit}
		got := cfg.DrainSends()
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: DrainSends %v, want %v", c.name, got, c.want)
		}
		log := &sentLog{after: cfg.End}
		if _, err := sim.Run(cfg, 5, log); err != nil {
			t.Fatal(err)
		}
		for _, s := range log.sent {
			if !slices.ContainsFunc(got, func(g billing.Sent) bool { g.Scheduled = false; return g == s }) {
				t.Errorf("%s: the run sent %s in its drain, which DrainSends does not list (%v)", c.name, s, got)
			}
		}
		if held := slices.Contains(log.sent, tmpl("BR", model.Utility)); held != (c.limit.InitialTier != "" && c.limit.Overflow != blocking.Fail) {
			t.Errorf("%s: utility templates in the drain %v (%v)", c.name, held, log.sent)
		}
	}
}
