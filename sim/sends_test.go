package sim_test

import (
	"slices"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/load"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// sentLog records the kinds of business message a run sent, by country.
type sentLog struct {
	noRecords
	sent []billing.Sent
}

func (l *sentLog) Message(m *model.Message, _ *pricing.Charge) {
	if m.Direction != model.FromBusiness {
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
