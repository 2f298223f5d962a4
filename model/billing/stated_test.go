package billing

import (
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
)

// TestStated: where the log states a fact billing would infer, the log wins (unless
// IgnoreStated), and Stats counts each charge it changed. Rates are the test card's:
// market 1 authentication 0.0014, authentication-international 0.0280 (India's, USD),
// marketing 0.0107; market 2 (the United States) marketing 0.0250.
func TestStated(t *testing.T) {
	eff := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	var bk testBook
	bk.add(eff, pricing.PMP, 1, pricing.Authentication, 1400)
	bk.add(eff, pricing.PMP, 1, pricing.AuthenticationInternational, 28000)
	bk.add(eff, pricing.PMP, 1, pricing.Marketing, 10700)
	bk.add(eff, pricing.PMP, 2, pricing.Marketing, 25000)
	at := mustTime(t, "2025-08-01T10:00:00Z")
	india, us := [2]byte{'I', 'N'}, [2]byte{'U', 'S'}
	tmpl := func(cat model.Category, mkt uint16, cc [2]byte, st model.Stated) model.Message {
		return model.Message{TS: at, Pair: 1, Market: mkt, Country: cc, Direction: model.FromBusiness,
			Kind: model.Template, Category: cat, Status: model.Delivered, Stated: st}
	}
	tests := []struct {
		name   string
		opts   Options
		msg    model.Message
		cat    pricing.Category
		amount int64 // micros; -1: not delivered (no charge)
		stated StatedStats
	}{
		{"auth-intl stated, no start time given", Options{}, tmpl(model.Authentication, 1, india, model.StatedAuthIntl),
			pricing.AuthenticationInternational, 28000, StatedStats{AuthIntl: 1}},
		{"the same, the log ignored", Options{IgnoreStated: true}, tmpl(model.Authentication, 1, india, model.StatedAuthIntl),
			pricing.Authentication, 1400, StatedStats{}},
		{"auth-intl stated and inferred: nothing to count", Options{AuthIntlFrom: mustTime(t, "2025-01-01T00:00:00Z")},
			tmpl(model.Authentication, 1, india, model.StatedAuthIntl), pricing.AuthenticationInternational, 28000, StatedStats{}},
		{"domestic stated where international is inferred", Options{AuthIntlFrom: mustTime(t, "2025-01-01T00:00:00Z")},
			tmpl(model.Authentication, 1, india, model.StatedAuthDomestic), pricing.Authentication, 1400, StatedStats{AuthDomestic: 1}},
		{"auth-intl stated, the card has no such rate: authentication", Options{},
			tmpl(model.Authentication, 2, us, model.StatedAuthIntl), pricing.Authentication, -2, StatedStats{}},
		{"US marketing delivered by Meta's word", Options{}, tmpl(model.Marketing, 2, us, model.StatedDelivered),
			pricing.Marketing, 25000, StatedStats{USMarketingDelivered: 1}},
		{"US marketing, no word: held back", Options{}, tmpl(model.Marketing, 2, us, 0), pricing.Marketing, -1, StatedStats{}},
		{"US marketing, the log ignored: held back", Options{IgnoreStated: true}, tmpl(model.Marketing, 2, us, model.StatedDelivered),
			pricing.Marketing, -1, StatedStats{}},
		{"marketing_lite at the marketing rate", Options{}, tmpl(model.Marketing, 1, india, model.StatedMarketingLite|model.StatedDelivered),
			pricing.MarketingLite, 10700, StatedStats{MarketingLite: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.opts
			o.book = &bk
			b, err := New(o)
			if err != nil {
				t.Fatal(err)
			}
			ch, err := b.Bill(&tc.msg)
			if tc.amount == -2 {
				// The test card has no US authentication rate at all: the error names the
				// authentication category, not the international one the log stated.
				if err == nil || !strings.Contains(err.Error(), "no authentication rate for market 2") {
					t.Fatalf("want a missing authentication rate, got %v, %+v", err, ch)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.amount < 0:
				if ch.Model != pricing.ModelNone || b.Stats().USMarketingHeld != 1 {
					t.Errorf("want held back (no pricing model, counted), got %+v, stats %+v", ch, b.Stats())
				}
			case ch.Category != tc.cat || int64(ch.Amount) != tc.amount || ch.Type != pricing.Regular:
				t.Errorf("charge %s %s %d, want regular %s %d", ch.Type, ch.Category, ch.Amount, tc.cat, tc.amount)
			}
			if got := b.Stats().Stated; got != tc.stated {
				t.Errorf("Stats.Stated %+v, want %+v", got, tc.stated)
			}
		})
	}
}
