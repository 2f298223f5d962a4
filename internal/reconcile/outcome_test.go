package reconcile

import (
	"slices"
	"testing"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
)

func newLogReconciler(t *testing.T) *Reconciler {
	t.Helper()
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(Options{Book: book}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func result(t *testing.T, r *Reconciler) *Result {
	t.Helper()
	res, err := r.Result()
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestOutcome: the verdict a finance pipeline gates on. Only agreement passes: not a
// run in which Meta said nothing, nor one in which Meta said nothing about a charge.
func TestOutcome(t *testing.T) {
	jul := at(t, "2025-07-02T10:00:00Z")
	pmp := func(amount string, meta *model.MetaPricing) *Message {
		return &Message{At: jul, Market: "Brazil", Model: "PMP", Type: "regular", Category: "marketing", Billable: true,
			Delivered: true, Amount: money.MustParse(amount), Meta: meta}
	}
	said := func() *model.MetaPricing {
		return &model.MetaPricing{PricingModel: "PMP", PricingType: "regular", Category: "marketing", Billable: model.IsBillable}
	}

	// Nothing Meta said, nothing charged: nothing compared, not agreement, and no Meta
	// total (Meta did not say 0).
	r := newLogReconciler(t)
	if row, _ := r.Message(pmp("0", nil)); row != nil {
		t.Errorf("a free message without Meta's word has a row: %+v", row)
	}
	res := result(t, r)
	if res.Outcome() != NothingCompared || res.Agrees() || res.Summary.MetaTotalKnown || len(res.Groups) != 0 {
		t.Errorf("nothing said: outcome %q, agrees %v, Meta's total known %v, rows %d", res.Outcome(), res.Agrees(), res.Summary.MetaTotalKnown, len(res.Groups))
	}

	// One message agrees, one charged without Meta's word: unverified; spendsim's total
	// is the whole bill, and the charge has its rows.
	r = newLogReconciler(t)
	if _, err := r.Message(pmp("0.0625", said())); err != nil {
		t.Fatal(err)
	}
	row, err := r.Message(pmp("0.0625", nil))
	if err != nil || row == nil || row.Reason != NoMetaPricing || row.Agrees || row.MetaKnown() || row.MetaMessages != 0 {
		t.Fatalf("the unverified message's row %+v (%v)", row, err)
	}
	res = result(t, r)
	s := res.Summary
	if res.Outcome() != Unverified || res.Agrees() || s.TotalMicros != money.MustParse("0.125") || s.ComparedMicros != money.MustParse("0.0625") ||
		s.UnverifiedMicros != money.MustParse("0.0625") || s.MetaTotalMicros != money.MustParse("0.0625") || !s.MetaTotalKnown || s.Unverified != 1 {
		t.Errorf("outcome %q, summary %+v", res.Outcome(), s)
	}
	if len(res.Groups) != 1 || res.Groups[0].Reason != NoMetaPricing || res.Groups[0].Messages != 2 || res.Groups[0].MetaMessages != 1 ||
		res.Groups[0].MetaKnown() || res.Groups[0].Detail == "" {
		t.Errorf("group %+v", res.Groups[0])
	}

	// A difference outranks an unverified charge; with both, both are counted.
	if _, err := r.Message(pmp("0.0625", &model.MetaPricing{PricingModel: "PMP", PricingType: "regular", Category: "utility", Billable: model.IsBillable})); err != nil {
		t.Fatal(err)
	}
	if res = result(t, r); res.Outcome() != Differ || res.ByReason[NoMetaPricing] != 1 || res.ByReason[CategoryDiffers] != 1 {
		t.Errorf("outcome %q, by reason %v", res.Outcome(), res.ByReason)
	}

	// Everything said and agreed: agree.
	r = newLogReconciler(t)
	if _, err := r.Message(pmp("0.0625", said())); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Message(pmp("0", nil)); err != nil { // free, no word: counted, not a charge left unverified
		t.Fatal(err)
	}
	if res = result(t, r); res.Outcome() != Agree || !res.Agrees() || res.Summary.WithoutMetaPricing != 1 {
		t.Errorf("outcome %q, summary %+v", res.Outcome(), res.Summary)
	}
}

// TestMetaAmountFreeTier: Meta's CBP word states no pricing type and marks a free-tier
// conversation billable. Where spendsim counted the message in the month's free tier,
// Meta's conversation is priced in it too (0) when the free tier covers Meta's
// category; at the list rate otherwise, or where spendsim was past the free tier.
func TestMetaAmountFreeTier(t *testing.T) {
	cbp := func(ts, mkt, typ, cat, amount, metaCat string) *Message {
		return &Message{At: at(t, ts), Market: mkt, Model: "CBP", Type: typ, Category: cat, Billable: true, Delivered: true,
			ConversationID: 1, Amount: money.MustParse(amount),
			Meta: &model.MetaPricing{PricingModel: "CBP", Category: metaCat, Billable: model.IsBillable}}
	}
	tests := []struct {
		name     string
		m        *Message
		free     bool
		wantWhy  Reason
		wantZero bool
	}{
		{"CBP 2022: spendsim's free tier, Meta user-initiated", cbp("2023-02-23T21:12:11Z", "Argentina", "free_tier", "business_initiated", "0", "user_initiated"), true, NoInboundInLog, true},
		{"CBP 2022: past the free tier, Meta user-initiated", cbp("2023-02-23T21:12:11Z", "Argentina", "regular", "business_initiated", "0.0632", "user_initiated"), false, NoInboundInLog, false},
		{"CBP 2023: free service, Meta marketing (not in the free tier)", cbp("2023-08-02T10:00:00Z", "India", "free_tier", "service", "0", "marketing"), false, CategoryDiffers, false},
	}
	for _, tc := range tests {
		r := newLogReconciler(t)
		row, err := r.Message(tc.m)
		if err != nil {
			t.Fatal(err)
		}
		if row.Reason != tc.wantWhy || !row.MetaKnown() || (row.MetaAmount == 0) != tc.wantZero || freeTierCovers(tc.m) != tc.free {
			t.Errorf("%s: reason %q, Meta amount %s (known %v), want zero %v", tc.name, row.Reason, row.MetaAmount, row.MetaKnown(), tc.wantZero)
		}
	}
}

// TestBothAnalyticsCountOnce: given both of Meta's analytics, a CBP conversation is set
// beside conversation_analytics only, a PMP message beside pricing_analytics only, so the
// compared total is the bill's once (compared + unverified = total). It was summed into
// a row of each, and compared came to twice the bill.
func TestBothAnalyticsCountOnce(t *testing.T) {
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	jun, jul := at(t, "2025-06-01T00:00:00Z"), at(t, "2025-07-01T00:00:00Z")
	aug := at(t, "2025-08-01T00:00:00Z")
	points := []pricing.AnalyticsPoint{
		{Source: pricing.ConversationAnalytics, Start: jun, End: jul, Country: "BR", Count: 1, Cost: money.MustParse("0.0625"), HasCost: true},
		{Source: pricing.PricingAnalytics, Start: jul, End: aug, Country: "BR", Count: 1, Cost: money.MustParse("0.0625"), HasCost: true},
	}
	r, err := New(Options{Book: book}, points)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []*Message{
		{At: at(t, "2025-06-02T10:00:00Z"), Market: "Brazil", Model: "CBP", Type: "regular", Category: "marketing", Billable: true,
			Delivered: true, ConversationID: 1, Amount: money.MustParse("0.0625")},
		{At: at(t, "2025-07-02T10:00:00Z"), Market: "Brazil", Model: "PMP", Type: "regular", Category: "marketing", Billable: true,
			Delivered: true, Amount: money.MustParse("0.0625")},
	} {
		if _, err := r.Message(m); err != nil {
			t.Fatal(err)
		}
	}
	res, err := r.Result()
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summary
	if s.TotalMicros != 125_000 || s.ComparedMicros != 125_000 || s.UnverifiedMicros != 0 || s.MetaTotalMicros != 125_000 || res.Outcome() != Agree {
		t.Errorf("total %d, compared %d, unverified %d, Meta %d, %s; want 125000, 125000, 0, 125000, agree",
			s.TotalMicros, s.ComparedMicros, s.UnverifiedMicros, s.MetaTotalMicros, res.Outcome())
	}
	for _, g := range res.Groups {
		if g.Messages != 1 {
			t.Errorf("row %+v: %d messages; want each message in one row", *g, g.Messages)
		}
	}
}

// TestGroupReasonDifferenceFirst: a group holding an unverified charge and a message
// that differs is labelled by the difference, which the terminal would otherwise not
// show (it prints the group's reason, and no_meta_pricing sorts first).
func TestGroupReasonDifferenceFirst(t *testing.T) {
	var g Row
	g.add(&Row{Messages: 1, Reason: NoMetaPricing, Unverified: 1})
	g.add(&Row{Messages: 1, Reason: RateMissing})
	if g.Agrees || g.Reason != RateMissing || !slices.Equal(g.Why, []Reason{NoMetaPricing, RateMissing}) {
		t.Errorf("group: agrees %v, reason %s, why %v; want rate_missing first of both", g.Agrees, g.Reason, g.Why)
	}
}

// TestOutcomeNotAgreeUnread: two ways a reconciliation whose every comparison agrees is
// still not agreement. Analytics rows whose counts agree but whose points carry no cost
// (Meta shows none to partner-billed accounts) verify no money: counts_only, not agree
// (a reviewer's pa3.json printed "agree … within 0.000000 USD" beside "Meta unknown").
// Rows of the log skipped as invalid may hold Meta's word: unverified (a reviewer's
// log with one bad timestamp, --skip-invalid, agreed and exited 0).
func TestOutcomeNotAgreeUnread(t *testing.T) {
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	jul, aug := at(t, "2025-07-01T00:00:00Z"), at(t, "2025-08-01T00:00:00Z")
	m := &Message{At: at(t, "2025-07-02T10:00:00Z"), Market: "Brazil", Model: "PMP", Type: "regular", Category: "utility", Billable: true,
		Delivered: true, Amount: money.MustParse("0.0068")}
	for _, tc := range []struct {
		name                string
		hasCost             bool
		skipped             int64
		want                Outcome
		countsOnly, onlyAmt string
	}{
		{"cost given", true, 0, Agree, "", "0"},
		{"no cost", false, 0, CountsOnly, "1", "0.0068"},
		{"cost given, a row skipped", true, 1, Unverified, "", "0"},
		{"no cost, a row skipped", false, 1, Unverified, "1", "0.0068"},
	} {
		pt := pricing.AnalyticsPoint{Source: pricing.PricingAnalytics, Start: jul, End: aug, Country: "BR", Category: pricing.Utility, Count: 1}
		if tc.hasCost {
			pt.Cost, pt.HasCost = money.MustParse("0.0068"), true
		}
		r, err := New(Options{Book: book, Skipped: tc.skipped}, []pricing.AnalyticsPoint{pt})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Message(m); err != nil {
			t.Fatal(err)
		}
		res := result(t, r)
		s := res.Summary
		if res.Outcome() != tc.want || res.Agrees() != (tc.want == Agree) || s.Skipped != tc.skipped ||
			(s.CountsOnly > 0) != (tc.countsOnly != "") || s.CountsOnlyMicros != money.MustParse(tc.onlyAmt) {
			t.Errorf("%s: outcome %s (agrees %v), counts only %d (%s), skipped %d; want %s", tc.name, res.Outcome(), res.Agrees(),
				s.CountsOnly, s.CountsOnlyMicros, s.Skipped, tc.want)
		}
	}
}
