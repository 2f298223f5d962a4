package reconcile

import (
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
)

// TestJudge: each way spendsim's charge and Meta's pricing object can differ, and the
// reason it is given. ours is spendsim's (model, type, category, billable); meta is the
// log's (pricing_model, type, category as spelt, billable).
func TestJudge(t *testing.T) {
	type side struct {
		model, typ, cat string
		billable        bool
	}
	type metaSide struct {
		model, typ, cat string
		billable        model.Billable
	}
	yes, no := model.IsBillable, model.NotBillable
	tests := []struct {
		name      string
		delivered bool
		ours      side
		meta      metaSide
		want      Reason
	}{
		{"PMP regular marketing, the same", true, side{"PMP", "regular", "marketing", true}, metaSide{"PMP", "regular", "marketing", yes}, ""},
		{"auth-intl, Meta's hyphen", true, side{"PMP", "regular", "authentication_international", true}, metaSide{"PMP", "regular", "authentication-international", yes}, ""},
		{"CBP free tier: Meta says billable, no type", true, side{"CBP", "free_tier", "service", true}, metaSide{"CBP", "", "service", yes}, ""},
		{"FEP reply: referral_conversion vs service", true, side{"PMP", "free_entry_point", "service", false}, metaSide{"PMP", "free_entry_point", "referral_conversion", no}, ""},
		{"not delivered, Meta billable", false, side{}, metaSide{"PMP", "regular", "marketing", yes}, NotDeliveredInLog},
		{"not delivered, Meta free", false, side{}, metaSide{"PMP", "free_customer_service", "service", no}, ""},
		{"another era", true, side{"CBP", "regular", "marketing", true}, metaSide{"PMP", "regular", "marketing", yes}, EraDiffers},
		{"Meta free in a window the log lacks", true, side{"PMP", "regular", "utility", true}, metaSide{"PMP", "free_customer_service", "utility", no}, NoInboundInLog},
		{"Meta free entry point the log lacks", true, side{"PMP", "regular", "marketing", true}, metaSide{"PMP", "free_entry_point", "marketing", no}, NoEntryPointInLog},
		{"spendsim saw a window Meta did not", true, side{"PMP", "free_customer_service", "utility", false}, metaSide{"PMP", "regular", "utility", yes}, WindowDiffers},
		{"PMP 2026 allowance", true, side{"PMP", "free_tier", "service", false}, metaSide{"PMP", "regular", "service", yes}, FreeTierOrAllow},
		{"CBP 2022: Meta user-initiated", true, side{"CBP", "regular", "business_initiated", true}, metaSide{"CBP", "", "user_initiated", yes}, NoInboundInLog},
		{"CBP: Meta's referral conversation", true, side{"CBP", "regular", "service", true}, metaSide{"CBP", "", "referral_conversion", no}, NoEntryPointInLog},
		{"category", true, side{"PMP", "regular", "marketing", true}, metaSide{"PMP", "regular", "utility", yes}, CategoryDiffers},
		{"CBP: spendsim rode, Meta opened", true, side{"CBP", "regular", "marketing", false}, metaSide{"CBP", "", "marketing", yes}, ConversationDiffer},
		{"CBP free service from 2024-11", true, side{"CBP", "free_customer_service", "service", false}, metaSide{"CBP", "", "service", yes}, BillableDiffers},
	}
	for _, tc := range tests {
		m := &Message{Delivered: tc.delivered, Model: tc.ours.model, Type: tc.ours.typ, Category: tc.ours.cat, Billable: tc.ours.billable,
			Meta: &model.MetaPricing{PricingModel: tc.meta.model, PricingType: tc.meta.typ, Category: tc.meta.cat, Billable: tc.meta.billable}}
		if got, d := judge(m, metaRide{}); got != tc.want {
			t.Errorf("%s: %q (%s), want %q", tc.name, got, d, tc.want)
		}
	}
}

func at(t *testing.T, s string) model.Time {
	t.Helper()
	x, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return model.FromStd(x)
}

// TestAnalyticsRows: spendsim's messages summed by the analytics' dimensions, and each
// row's verdict. The analytics break down by country and category, not type.
func TestAnalyticsRows(t *testing.T) {
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	jul, aug := at(t, "2025-07-01T00:00:00Z"), at(t, "2025-08-01T00:00:00Z")
	pt := func(cc string, cat pricing.Category, n int64, cost string, tier string) pricing.AnalyticsPoint {
		return pricing.AnalyticsPoint{Source: pricing.PricingAnalytics, Start: jul, End: aug, Country: cc, Category: cat,
			Count: n, Cost: money.MustParse(cost), HasCost: true, Tier: tier}
	}
	points := []pricing.AnalyticsPoint{
		pt("BR", pricing.Marketing, 2, "0.125", "0:MAX"),           // agrees
		pt("BR", pricing.Utility, 2, "0.0070", "0:750000"),         // amount differs
		pt("IN", pricing.Authentication, 1, "0.001", "750001:MAX"), // volume tier
		pt("IN", pricing.Utility, 3, "0", ""),                      // count differs
		pt("MX", pricing.Marketing, 1, "0.0305", "0:MAX"),          // not in the log
	}
	r, err := New(Options{Book: book}, points)
	if err != nil {
		t.Fatal(err)
	}
	msg := func(ts, mkt, cat, typ, amount string) {
		m := &Message{At: at(t, ts), Market: mkt, Model: "PMP", Type: typ, Category: cat, Delivered: true, Amount: money.MustParse(amount)}
		if _, err := r.Message(m); err != nil {
			t.Fatal(err)
		}
	}
	msg("2025-07-02T10:00:00Z", "Brazil", "marketing", "regular", "0.0625")
	msg("2025-07-03T10:00:00Z", "Brazil", "marketing", "regular", "0.0625")
	msg("2025-07-03T11:00:00Z", "Brazil", "utility", "regular", "0.0068")
	msg("2025-07-03T11:00:00Z", "Brazil", "utility", "free_customer_service", "0") // same row: the type is not a dimension
	msg("2025-07-04T10:00:00Z", "India", "authentication", "regular", "0.0014")
	msg("2025-07-05T10:00:00Z", "India", "utility", "regular", "0")
	msg("2025-07-05T10:00:00Z", "Germany", "marketing", "regular", "0.1365") // not in Meta's
	msg("2025-08-05T10:00:00Z", "Brazil", "marketing", "regular", "0.0625")  // outside the span
	res, err := r.Result()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Reason{"Brazil marketing": "", "Brazil utility": AmountDiffers, "India authentication": VolumeTier,
		"India utility": CountDiffers, "Mexico marketing": NotInLog, "Germany marketing": NotInMeta}
	got := map[string]Reason{}
	var unverified []*Row
	for _, g := range res.Groups {
		if g.Source == SourceLog {
			unverified = append(unverified, g)
			continue
		}
		got[g.Market+" "+g.Category] = g.Reason
		if g.Type != "" || g.Source != SourcePricing {
			t.Errorf("row %+v: type should be summed over, source pricing_analytics", g)
		}
	}
	for k, w := range want {
		if r, ok := got[k]; !ok || r != w {
			t.Errorf("%s: %q (present %v), want %q", k, r, ok, w)
		}
	}
	if len(got) != len(want) || res.Summary.OutsideSpan != 1 || res.Agrees() || res.Summary.RowsAgree != 1 {
		t.Errorf("rows %v, summary %+v", got, res.Summary)
	}
	// The message outside the span is in no analytics row: its charge is unverified, in
	// a row of its own beside them, and in spendsim's total.
	if len(unverified) != 1 || unverified[0].Month.Month() != time.August || unverified[0].Reason != NoMetaPricing ||
		unverified[0].Amount != money.MustParse("0.0625") || unverified[0].MetaKnown() {
		t.Errorf("unverified rows %+v, want 2025-08 Brazil marketing no_meta_pricing 0.0625, Meta's amount unknown", unverified)
	}
	s := res.Summary
	if s.Unverified != 1 || s.UnverifiedMicros != money.MustParse("0.0625") || s.TotalMicros != money.MustParse("0.3322") ||
		s.ComparedMicros != money.MustParse("0.2697") || res.ByReason[NoMetaPricing] != 1 {
		t.Errorf("summary %+v, by reason %v", s, res.ByReason)
	}
}

// TestConversationAnalytics: against conversation_analytics, spendsim counts CBP
// conversations (distinct ids), with their opening charge.
func TestConversationAnalytics(t *testing.T) {
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	jun, jul := at(t, "2024-06-01T00:00:00Z"), at(t, "2024-07-01T00:00:00Z")
	r, err := New(Options{Book: book}, []pricing.AnalyticsPoint{{Source: pricing.ConversationAnalytics, Start: jun, End: jul,
		Category: pricing.Marketing, Type: pricing.Regular, Count: 2, Cost: money.MustParse("0.125"), HasCost: true}})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		conv   int64
		amount string
	}{{7, "0.0625"}, {7, "0"}, {9, "0.0625"}} {
		m := &Message{At: jun + model.Time(i+1)*3600_000, Market: "Brazil", Model: "CBP", Type: "regular", Category: "marketing",
			Delivered: true, ConversationID: c.conv, Amount: money.MustParse(c.amount)}
		if _, err := r.Message(m); err != nil {
			t.Fatal(err)
		}
	}
	res, err := r.Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Groups) != 1 || !res.Groups[0].Agrees || res.Groups[0].Messages != 2 || !res.Agrees() {
		t.Errorf("rows %+v", res.Groups[0])
	}
}
