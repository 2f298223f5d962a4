package billing

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/pricing"
)

// TestBandConfidence: a charge priced in a volume band says how sure its amount is. A
// band with a rate of its own is as sure as the tier file says (user); a band that is the
// list rate, or a discount on it, rests on the list rate's cell. A review found the
// list-rate and -10 % bands of a user's tier file labelled user though their amounts came
// from a third-party list rate (0.0068 Brazil utility), so summary.json's
// derived_or_third_party_share said 67.8 % where 89.2 % of the bill rested on it
// (traces tiertrace.csv, tiers_br.csv: 0:2 List, 3:3 -10 %, 4:MAX 0.0050).
func TestBandConfidence(t *testing.T) {
	mt := market.Builtin()
	br, _ := mt.ID("Brazil")
	eff := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	book := &testBook{}
	book.add(eff, pricing.PMP, uint16(br), pricing.Utility, 6800)
	c := book.cards[pricing.PMP][0]
	cell := c.cells[[2]int{int(br), int(pricing.Utility)}]
	cell.Confidence = pricing.ThirdParty
	c.cells[[2]int{int(br), int(pricing.Utility)}] = cell
	tiers := &testTiers{}
	tiers.add(uint16(br), pricing.Utility, band{Index: 0, From: 0, To: 2, Confidence: pricing.UserSupplied})
	tiers.add(uint16(br), pricing.Utility, band{Index: 1, From: 3, To: 3, VsListBP: -1000, Confidence: pricing.UserSupplied})
	tiers.add(uint16(br), pricing.Utility, band{Index: 2, From: 4, To: pricing.MaxVolume, Rate: 5000, HasRate: true, Confidence: pricing.UserSupplied})
	start, _ := parseTS("2025-07-10T10:00:00Z")
	var trace []model.Message
	for i := range 4 {
		trace = append(trace, model.Message{TS: start + model.Time(i)*model.Day, Pair: uint32(i), Direction: model.FromBusiness,
			Kind: model.Template, Category: model.Utility, Market: uint16(br)})
	}
	charges, _ := billAll(t, Options{Era: EraPMP2025, book: book, tiers: tiers, Markets: mt}, trace)
	want := []struct {
		amount int64
		tier   int8
		conf   pricing.Confidence
	}{{6800, 0, pricing.ThirdParty}, {6800, 0, pricing.ThirdParty}, {6120, 1, pricing.ThirdParty}, {5000, 2, pricing.UserSupplied}}
	for i, ch := range charges {
		if int64(ch.Amount) != want[i].amount || ch.Tier != want[i].tier || ch.Confidence != want[i].conf {
			t.Errorf("message %d: %s, tier %d, confidence %s; want %d micros, tier %d, %s",
				i+1, ch.Amount, ch.Tier, ch.Confidence, want[i].amount, want[i].tier, want[i].conf)
		}
	}
}

// TestNBPBandsFromTierFile bills NBP templates by bands read from a tier file (category
// template) through the real pricing.Tiers adapter, on a counterfactual nbp-2018 bill of
// November 2025 that also holds Meta's tier webhook for Brazil utility (band 1001:MAX).
// The webhook raises PMP's utility count (the first PMP utility template is the 1001st,
// band 1) but not NBP's count over all templates, which Meta never reported: NBP's 1st
// and 2nd templates take band 0 (the list rate), the 3rd band 1 (20 % below the card's
// 0.0500).
func TestNBPBandsFromTierFile(t *testing.T) {
	base, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	card, err := pricing.ReadBook(strings.NewReader("effective_from,pricing_model,market,category,currency,rate\n"+
		"2018-08-01,NBP,Brazil,template,USD,0.0500\n"), "nbp.csv")
	if err != nil {
		t.Fatal(err)
	}
	book, err := pricing.Merge(base, card)
	if err != nil {
		t.Fatal(err)
	}
	bands, err := pricing.ReadTiers(strings.NewReader(
		"market,category,tier_index,volume_from,volume_to,rate_type,rate,discount_pct,currency,effective_from,confidence,source,note\n"+
			"Brazil,template,0,1,2,List,,0,USD,2018-08-01,,,\n"+
			"Brazil,template,1,3,MAX,Tier,,-20,USD,2018-08-01,,,\n"+
			"Brazil,utility,0,0,1000,List,,0,USD,2025-07-01,,,\n"+
			"Brazil,utility,1,1001,MAX,Tier,,-10,USD,2025-07-01,,,\n"), "bands.csv")
	if err != nil {
		t.Fatal(err)
	}
	floors, err := pricing.ReadTierUpdates([]byte(`{"event":"VOLUME_BASED_PRICING_TIER_UPDATE","volume_tier_info":`+
		`{"tier_update_time":1761955200,"pricing_category":"UTILITY","tier":"1001:MAX","effective_month":"2025-11","region":"Brazil"}}`),
		"webhooks.jsonl", market.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	tiers := pricing.MergeTiers(bands, floors)
	br, _ := book.Markets().ID("Brazil")
	at := mustTime(t, "2025-11-10T10:00:00Z")
	bill := func(e Era) string {
		b, err := New(Options{Era: e, Book: book, Tiers: tiers})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for i, cat := range []model.Category{model.Utility, model.Marketing, model.Utility} {
			ch, err := b.Bill(business(at+model.Time(i)*model.Minute, uint32(i), uint16(br), cat))
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%s/%d", ch.Amount, ch.Tier))
		}
		return strings.Join(got, " ")
	}
	if got, want := bill(EraNBP2018), "0.050000/0 0.050000/0 0.040000/1"; got != want {
		t.Errorf("nbp-2018: %s, want %s", got, want)
	}
	// PMP Brazil utility 0.0068 (2025-07-01 card): band 1 from the first, by the webhook.
	if got, want := bill(EraPMP2025), "0.006120/1 0.062500/0 0.006120/1"; got != want {
		t.Errorf("pmp-2025: %s, want %s", got, want)
	}
}

// TestCounterfactualReadsTheCardsBands: a counterfactual era that prices a date before
// its first card with that card (a 2024 trace under pmp-2025 reads the 2025-07-01 card)
// reads the volume bands in force with that card too. A reviewer's 2024 trace went
// wholly at the list rate under a 2025-07-01 tier table, while the same traffic dated
// 2025 crossed its bands, and the bill still named the tier file it had not used.
func TestCounterfactualReadsTheCardsBands(t *testing.T) {
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	tiers, err := pricing.ReadTiers(strings.NewReader(
		"market,category,tier_index,volume_from,volume_to,rate_type,rate,discount_pct,currency,effective_from,confidence,source,note\n"+
			"Brazil,utility,0,0,2,List,,0,USD,2025-07-01,,,\n"+
			"Brazil,utility,1,3,MAX,Tier,,-10,USD,2025-07-01,,,\n"), "bands.csv")
	if err != nil {
		t.Fatal(err)
	}
	br, _ := book.Markets().ID("Brazil")
	bill := func(start string) string {
		b, err := New(Options{Era: EraPMP2025, Book: book, Tiers: tiers})
		if err != nil {
			t.Fatal(err)
		}
		at := mustTime(t, start)
		var got []string
		for i := range 4 {
			ch, err := b.Bill(business(at+model.Time(i)*model.Minute, uint32(i), uint16(br), model.Utility))
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%s/%d", ch.Amount, ch.Tier))
		}
		return strings.Join(got, " ")
	}
	// Brazil utility 0.0068 on the 2025-07-01 card; from the third, 10% off.
	want := "0.006800/0 0.006800/0 0.006120/1 0.006120/1"
	for _, start := range []string{"2025-08-04T10:00:00Z", "2024-08-05T10:00:00Z"} {
		if got := bill(start); got != want {
			t.Errorf("pmp-2025 from %s: %s, want %s", start, got, want)
		}
	}
}
