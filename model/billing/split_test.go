package billing

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/pricing"
)

// TestSplitSameCharges is the claim that makes a parallel replay possible, checked
// differentially: the account counters change prices, never pair state. Seeded random
// traces under every era, with counters small enough to run out (free tiers of 1 to 7
// conversations, allowances of 1 to 3 service messages, volume bands from the 4th
// message, two accounts), are billed by one Biller and by split Billers, each holding
// the pairs hashed to it and billing them in trace order, whose claims one Ledger
// settles in trace order: every charge, the total, the stats and the cards used are
// the same at every split.
func TestSplitSameCharges(t *testing.T) {
	mt := market.Builtin()
	book := propBook(t, mt)
	tiers := &testTiers{}
	for _, name := range []string{"Brazil", "India", "North America", "Rest of Africa", "Rest of Central & Eastern Europe", "Morocco", "Ukraine"} {
		id, _ := mt.ID(name)
		for _, cat := range []pricing.Category{pricing.Utility, pricing.Authentication, pricing.AuthenticationInternational, pricing.Template} {
			tiers.add(uint16(id), cat, band{Index: 0, From: 0, To: 3})
			tiers.add(uint16(id), cat, band{Index: 1, From: 4, To: 6, VsListBP: -1000})
			tiers.add(uint16(id), cat, band{Index: 2, From: 7, To: pricing.MaxVolume, VsListBP: -2500})
		}
	}
	for seed := uint64(1); seed <= 20; seed++ {
		start, _ := parseTS(propStarts[seed%uint64(len(propStarts))])
		trace := genTrace(seed, mt, genOptions{pairs: 40, n: 3000, start: start, gapMax: 40 * model.Minute, movers: true})
		for e := EraAuto; e < numEras; e++ {
			o := Options{Era: e, book: book, tiers: tiers, Markets: mt, FreeConversationsPerMonth: 1 + int(seed%4)*2,
				PrimaryCountry: "BR", AuthIntlFrom: start, ServiceAllowancePerNumber: 1 + int(seed%3),
				NumberAccount: []uint16{0, 1, 0}, TierCountPerCategory: seed%2 == 0}
			if seed%3 == 0 {
				o.NumberAccount, o.AccountPerNumber = nil, true
			}
			if e == EraNBP2018 && seed%5 == 0 {
				o.FreeConversationsPerMonth = -1 // off: charged at once
			}
			t.Run(fmt.Sprintf("seed=%d/%s", seed, e), func(t *testing.T) {
				want, b := billAll(t, o, trace)
				for _, n := range []int{1, 2, 3, 7} {
					got, stats, led := billSplit(t, o, trace, n)
					for i := range want {
						if got[i] != want[i] {
							t.Fatalf("%d splits: message %d (%+v): %+v, one Biller %+v", n, i, trace[i], got[i], want[i])
						}
					}
					wt, _ := b.Total()
					if gt, _ := led.Total(); gt != wt {
						t.Errorf("%d splits: total %s, one Biller %s", n, gt, wt)
					}
					if ws := b.Stats(); stats != ws {
						t.Errorf("%d splits: stats %+v, one Biller %+v", n, stats, ws)
					}
					if wc, gc := b.CardUsed(), led.CardUsed(); !reflect.DeepEqual(gc, wc) {
						t.Errorf("%d splits: cards %+v, one Biller %+v", n, gc, wc)
					}
				}
			})
		}
	}
}

// billSplit bills trace with n split Billers, pair p going to p mod n, and settles the
// claims in trace order with one Ledger.
func billSplit(t *testing.T, o Options, trace []model.Message, n int) ([]pricing.Charge, Stats, *Ledger) {
	t.Helper()
	parts := make([]*Biller, n)
	for i := range parts {
		var err error
		if parts[i], err = NewSplit(o); err != nil {
			t.Fatal(err)
		}
	}
	charges := make([]pricing.Charge, len(trace))
	claims := make([]Claim, len(trace))
	for i := range trace {
		b := parts[int(trace[i].Pair)%n]
		ch, err := b.Bill(&trace[i])
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		charges[i], claims[i] = ch, b.Claim()
	}
	led, err := NewLedger(o)
	if err != nil {
		t.Fatal(err)
	}
	for i := range charges {
		if err := led.Settle(&charges[i], &claims[i]); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	var st Stats
	for _, b := range parts {
		st.Add(b.Stats())
	}
	led.Settled(&st)
	return charges, st, led
}
