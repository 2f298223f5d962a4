package billing

import (
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
