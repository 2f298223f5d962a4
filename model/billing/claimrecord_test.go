package billing

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"reflect"
	"testing"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/pricing"
)

// TestClaimRecordRoundTrip: claims written out as ClaimRecords (through encoding/gob, as
// a replay shard writes them) and read back by a ClaimReader settle into the charges,
// total and cards of one Biller, under every era, with counters that run out.
func TestClaimRecordRoundTrip(t *testing.T) {
	mt := market.Builtin()
	book := propBook(t, mt)
	tiers := &testTiers{}
	for _, pm := range propMarkets {
		id, _ := mt.ID(pm.name)
		for _, cat := range []pricing.Category{pricing.Utility, pricing.Authentication, pricing.AuthenticationInternational, pricing.Template} {
			tiers.add(uint16(id), cat, band{Index: 0, From: 0, To: 3})
			tiers.add(uint16(id), cat, band{Index: 1, From: 4, To: pricing.MaxVolume, VsListBP: -1000})
		}
	}
	for seed := uint64(1); seed <= 6; seed++ {
		start, _ := parseTS(propStarts[seed%uint64(len(propStarts))])
		trace := genTrace(seed, mt, genOptions{pairs: 30, n: 1500, start: start, gapMax: 40 * model.Minute})
		for e := EraAuto; e < numEras; e++ {
			o := Options{Era: e, book: book, tiers: tiers, Markets: mt, FreeConversationsPerMonth: 1 + int(seed%4)*2,
				PrimaryCountry: "BR", AuthIntlFrom: start, ServiceAllowancePerNumber: 1 + int(seed%3),
				NumberAccount: []uint16{0, 1, 0}}
			t.Run(fmt.Sprintf("seed=%d/%s", seed, e), func(t *testing.T) {
				want, b := billAll(t, o, trace)
				split, err := NewSplit(o)
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				enc := gob.NewEncoder(&buf)
				charges := make([]pricing.Charge, len(trace))
				for i := range trace {
					if charges[i], err = split.Bill(&trace[i]); err != nil {
						t.Fatalf("message %d: %v", i, err)
					}
					c := split.Claim()
					r := c.Record()
					if err := enc.Encode(&r); err != nil {
						t.Fatal(err)
					}
				}
				led, err := NewLedger(o)
				if err != nil {
					t.Fatal(err)
				}
				var cr ClaimReader
				dec := gob.NewDecoder(&buf)
				for i := range charges {
					var r ClaimRecord
					if err := dec.Decode(&r); err != nil {
						t.Fatal(err)
					}
					c := cr.Claim(&r)
					if err := led.Settle(&charges[i], &c); err != nil {
						t.Fatalf("message %d: %v", i, err)
					}
					if charges[i] != want[i] {
						t.Fatalf("message %d (%+v): %+v, one Biller %+v", i, trace[i], charges[i], want[i])
					}
				}
				wt, _ := b.Total()
				if gt, _ := led.Total(); gt != wt {
					t.Errorf("total %s, one Biller %s", gt, wt)
				}
				if wc, gc := b.CardUsed(), led.CardUsed(); !reflect.DeepEqual(gc, wc) {
					t.Errorf("cards %+v, one Biller %+v", gc, wc)
				}
			})
		}
	}
}
