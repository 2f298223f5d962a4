package pricing

import (
	"os"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/model/money"
)

// TestReadAnalytics reads a pricing_analytics response as the Graph API returns it
// (the points of Meta's documented example response: a MARKETING_LITE point, an
// AUTHENTICATION_INTERNATIONAL one with a tier and a decimal cost) followed by a
// conversation_analytics page fetched from paging.next (the field's value alone), one
// per line.
func TestReadAnalytics(t *testing.T) {
	data, err := os.ReadFile("testdata/analytics_pages.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	pts, err := ReadAnalytics(data, "pages.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 3 {
		t.Fatalf("%d points, want 3", len(pts))
	}
	p := pts[0]
	if p.Source != PricingAnalytics || p.Category != MarketingLite || p.Type != Regular || p.Country != "US" ||
		p.Count != 1 || p.Cost != 10*money.PerUnit || !p.HasCost || p.Tier != "0:MAX" || p.Start != 1748761200000 {
		t.Errorf("point 1: %+v", p)
	}
	if p := pts[1]; p.Category != AuthenticationInternational || p.Cost != money.MustParse("4.6") || p.Tier != "0:750000" {
		t.Errorf("point 2: %+v", p)
	}
	p = pts[2]
	if p.Source != ConversationAnalytics || p.Category != Authentication || p.Type != FreeEntryPoint || p.Count != 1558 ||
		p.Cost != 1500 || p.Phone != "15550458206" || p.Where != "pages.jsonl: response 2, data point 1" {
		t.Errorf("point 3: %+v", p)
	}
}

// TestReadAnalyticsErrors: what is wrong, and where.
func TestReadAnalyticsErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{``, "x.json: empty: no analytics response"},
		{`{"id":"1"}`, "x.json: response 1: none of pricing_analytics, conversation_analytics, data or data_points"},
		{`{"error":{"message":"Cost not available"}}`, `an error response, not analytics: "Cost not available"`},
		{`{"pricing_analytics":{"data":[{"data_points":[{"end":2,"volume":1}]}]}}`, "response 1, data point 1: start: missing"},
		{`{"pricing_analytics":{"data":[{"data_points":[{"start":1,"end":2,"volume":1,"pricing_category":"PROMO"}]}]}}`, `category: "PROMO" is not one of`},
		{`{"pricing_analytics":{"data":[{"data_points":[{"start":1,"end":2,"volume":1,"pricing_type":"FREE"}]}]}}`, `type: "FREE" is not one of`},
		{`{"pricing_analytics":{"data":[{"data_points":[{"start":1,"end":2,"volume":1,"cost":"x"}]}]}}`, "data point 1"},
		{`{"pricing_analytics":{"data":[{"data_points":[{"start":1,"end":2,"volume":1,"cost":-1}]}]}}`, "cost: \"-1\" is negative"},
		{`{"pricing_analytics":{"data":[{"data_points":[{"start":1,"end":2,"conversation":1}]}]}}`, "conversation: in a pricing_analytics response"},
		{`{"data":[{"data_points":[{"start":1,"end":2}]}]}`, "volume: missing, as is conversation"},
		{`{"pricing_analytics":{"data":[{"data_points":[{"start":1,"end":2,"volume":1,"country":"USA"}]}]}}`, `country: "USA" is not`},
		{`{"pricing_analytics":{`, "x.json: not JSON"},
	} {
		_, err := ReadAnalytics([]byte(tc.in), "x.json")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
}

func TestCostMicros(t *testing.T) {
	for in, want := range map[string]money.Micros{"0": 0, "4.6": 4_600_000, "0.0232": 23200, "1.5e-3": 1500,
		"0.0000005": 1, "0.00000049": 0, "88.1010": 88_101_000} {
		got, err := costMicros(in)
		if err != nil || got != want {
			t.Errorf("costMicros(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

func FuzzReadAnalytics(f *testing.F) {
	if data, err := os.ReadFile("testdata/analytics_pages.jsonl"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`[{"data_points":[{"start":1,"end":2,"volume":3,"cost":1e2}]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		pts, err := ReadAnalytics(data, "fuzz.json")
		if err != nil {
			return
		}
		for _, p := range pts {
			if p.End < p.Start || p.Count < 0 || p.Cost < 0 || (p.Source != PricingAnalytics && p.Source != ConversationAnalytics) {
				t.Fatalf("accepted an impossible point %+v", p)
			}
		}
	})
}
