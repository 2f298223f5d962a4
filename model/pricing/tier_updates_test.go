package pricing

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/internal/sharedtest"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
)

// TestReadTierUpdates reads Meta's own example of the tiering webhook (the webhook
// corpus's C3 shape, from Meta's pricing page) as a tier file: India utility reached
// the band 25000001:50000000, effective 2025-11.
func TestReadTierUpdates(t *testing.T) {
	data, err := os.ReadFile("../../../shared/datasets/webhooks/shapes/C3_meta_account_update_volume_tier.jsonl")
	if err != nil {
		sharedtest.Missing(t, "the shared webhook corpus", err)
	}
	if k, err := Sniff(data); err != nil || k != KindTierUpdates {
		t.Fatalf("Sniff = %v, %v; want %v", k, err, KindTierUpdates)
	}
	mt := market.Builtin()
	tiers, err := ReadTierUpdates(data, "C3.jsonl", mt)
	if err != nil {
		t.Fatal(err)
	}
	india, _ := mt.ID("India")
	us, _ := mt.ID("North America")
	ups := tiers.Updates()
	if len(ups) != 1 || ups[0].Market != india || ups[0].Category != Utility || ups[0].From != 25000001 ||
		ups[0].To != 50000000 || ups[0].Year != 2025 || ups[0].Month != time.November {
		t.Fatalf("updates %+v", ups)
	}
	at := func(s string) model.Time {
		x, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return model.FromStd(x)
	}
	for _, tc := range []struct {
		m    market.ID
		cat  Category
		at   string
		want int64
	}{
		{india, Utility, "2025-11-01T00:00:00Z", 25000001}, // the effective month, though the update came in March
		{india, Utility, "2025-11-30T23:59:59Z", 25000001},
		{india, Utility, "2025-10-31T23:59:59Z", 0},
		{india, Utility, "2025-12-01T00:00:00Z", 0},
		{india, Authentication, "2025-11-15T00:00:00Z", 0},
		{us, Utility, "2025-11-15T00:00:00Z", 0},
	} {
		if got := tiers.Floor(tc.m, tc.cat, at(tc.at), nil); got != tc.want {
			t.Errorf("Floor(%s, %s, %s) = %d, want %d", mt.Name(tc.m), tc.cat, tc.at, got, tc.want)
		}
	}
}

func TestReadTierUpdatesErrors(t *testing.T) {
	mt := market.Builtin()
	for _, tc := range []struct{ in, want string }{
		{`{"field":"account_update","value":{"event":"DISABLED_UPDATE"}}`, "no VOLUME_BASED_PRICING_TIER_UPDATE"},
		{`{"value":{"event":"VOLUME_BASED_PRICING_TIER_UPDATE","volume_tier_info":{"tier_update_time":1,"pricing_category":"MARKETING","tier":"0:MAX","effective_month":"2025-11","region":"India"}}}`, "pricing_category: \"MARKETING\""},
		{`{"value":{"event":"VOLUME_BASED_PRICING_TIER_UPDATE","volume_tier_info":{"tier_update_time":1,"pricing_category":"UTILITY","tier":"5-9","effective_month":"2025-11","region":"India"}}}`, "tier: \"5-9\""},
		{`{"value":{"event":"VOLUME_BASED_PRICING_TIER_UPDATE","volume_tier_info":{"tier_update_time":1,"pricing_category":"UTILITY","tier":"0:9","effective_month":"Nov","region":"India"}}}`, "effective_month"},
		{`{"value":{"event":"VOLUME_BASED_PRICING_TIER_UPDATE","volume_tier_info":{"tier_update_time":1,"pricing_category":"UTILITY","tier":"0:9","effective_month":"2025-11","region":"Atlantis"}}}`, "region: \"Atlantis\""},
	} {
		_, err := ReadTierUpdates([]byte(tc.in), "t.jsonl", mt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.in, err, tc.want)
		}
	}
}

func FuzzReadTierUpdates(f *testing.F) {
	if data, err := os.ReadFile("../../../shared/datasets/webhooks/shapes/C3_meta_account_update_volume_tier.jsonl"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`{"value":{"event":"VOLUME_BASED_PRICING_TIER_UPDATE","volume_tier_info":{"tier_update_time":5,"pricing_category":"AUTHENTICATION","tier":"0:MAX","effective_month":"2026-01","region":"Brazil"}}}`))
	mt := market.Builtin()
	f.Fuzz(func(t *testing.T, data []byte) {
		tiers, err := ReadTierUpdates(data, "fuzz.jsonl", mt)
		if err != nil {
			return
		}
		for _, u := range tiers.Updates() {
			if u.From > u.To || u.At <= 0 || u.Market == market.Unknown || !tierCategory(u.Category) {
				t.Fatalf("accepted an impossible update %+v", u)
			}
		}
	})
}
