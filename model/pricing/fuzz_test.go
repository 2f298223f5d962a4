package pricing

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
)

// Seeds: the embedded data, the hand-made Meta samples in testdata/, and small edge
// cases. `go test -fuzz FuzzReadBook ./model/pricing/` explores from them.

func FuzzReadBook(f *testing.F) {
	f.Add(builtinRates[:2000])
	f.Add([]byte("effective_from,pricing_model,market,category,currency,rate\n2025-07-01,PMP,Brazil,marketing,USD,0.0625\n"))
	f.Add([]byte("rate,currency,category,market,pricing_model,effective_from,note\n\"1,940.13\",idr,Marketing,indonesia,pmp,2025-07-01,\"a\nb\"\n"))
	f.Add([]byte("effective_from,pricing_model,market,category,currency,rate\n2018-08-01,NBP,Other,template,EUR,0.1\n2019-01-01,NBP,Other,marketing,EUR,0.2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ReadBook(bytes.NewReader(data), "fuzz.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		checkBook(t, b)
		// What WriteCSV writes, ReadBook reads back to the same cells.
		var buf bytes.Buffer
		if err := b.WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		b2, err := ReadBook(bytes.NewReader(buf.Bytes()), "fuzz.csv")
		if err != nil {
			t.Fatalf("re-reading written book: %v\n%s", err, buf.Bytes())
		}
		sameBooks(t, b, b2)
	})
}

func FuzzReadMetaCard(f *testing.F) {
	for _, name := range []string{"meta-pricing-usd.csv", "meta-pricing-idr.csv"} {
		f.Add([]byte(readTestdata(f, name)), false)
	}
	f.Add([]byte("Market,Currency,Marketing\nBrazil,$US,0.0625\n"), true)
	f.Add([]byte("x\nMarket,Currency,Utility,Service\nUnited States,A$,\"1,000.5\",n/a\nCanada,A$,\"1,000.5\",--\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, cbp bool) {
		m := PMP
		if cbp {
			m = CBP
		}
		b, err := ReadMetaCard(bytes.NewReader(data), "fuzz.csv", m, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		checkBook(t, b)
		if cs := b.Cards(); len(cs) != 1 || cs[0].Model() != m {
			t.Fatalf("a Meta card file makes one %s card, got %v", m, cs)
		}
	})
}

func FuzzReadMetaTiers(f *testing.F) {
	f.Add([]byte(readTestdata(f, "meta-tiers-usd.csv")))
	f.Add([]byte("Volume tiers\n\"Market\n(per rate card)\",Currency,From,To,Rate type,Rate,vs. List rate\nBrazil,$US,0,--,List,0.0068,0%\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tiers, err := ReadMetaTiers(bytes.NewReader(data), "fuzz.csv", time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		// Every table covers every count from its start to MAX, without gap or overlap.
		for _, tt := range tiers.Tables() {
			bs := tt.Bands
			if len(bs) == 0 || bs[0].From > 1 || bs[len(bs)-1].To != MaxVolume {
				t.Fatalf("%s %s: bands %+v", tt.Market, tt.Category, bs)
			}
			for i := 1; i < len(bs); i++ {
				if bs[i].From != bs[i-1].To+1 {
					t.Fatalf("%s %s: bands %+v", tt.Market, tt.Category, bs)
				}
			}
		}
	})
}

// checkBook checks the invariants of any book a reader returns: every card can be looked
// up at its own date, every present cell is non-negative, and Rate never panics.
func checkBook(t *testing.T, b *Book) {
	t.Helper()
	n := market.Builtin().Len()
	for _, c := range b.Cards() {
		got, err := b.Card(c.Model(), c.Currency(), model.FromStd(c.Effective()), nil)
		if err != nil || got != c {
			t.Fatalf("Card at %s's own date = %v, %v", c, got, err)
		}
		for m := 0; m <= n+1; m++ {
			for cat := CatNone; cat <= NumCategories; cat++ {
				r, err := c.Rate(market.ID(m), cat)
				if err == nil && (r.Amount < 0 || r.Confidence == ConfNone || r.Card.After(c.Effective())) {
					t.Fatalf("%s (%d, %s): %+v", c, m, cat, r)
				}
			}
		}
	}
}

// FuzzReadTiers: spendsim's tier layout (tiers.csv, and NBP's category template rows)
// read from anything: an error names the file, and a table read lists its bands
// without panicking, each band's range in order.
func FuzzReadTiers(f *testing.F) {
	f.Add(builtinTiersCSV)
	const h = "market,category,tier_index,volume_from,volume_to,rate_type,rate,discount_pct,currency,effective_from,confidence,source,note\n"
	f.Add([]byte(h + "Brazil,template,0,1,2,List,,0,USD,2018-08-01,,,\nBrazil,template,1,3,MAX,Tier,,-20,USD,2018-08-01,,,\n"))
	f.Add([]byte(h + "India,utility|authentication,0,0,750000,List,,0,USD,2025-07-01,,,\nIndia,utility|authentication,1,750001,MAX,Tier,0.0012,,USD,2025-07-01,,,\n"))
	f.Add([]byte(h + "Brazil,template|utility,0,1,2,List,,0,USD,2018-08-01,,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tiers, err := ReadTiers(bytes.NewReader(data), "fuzz.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, tb := range tiers.Tables() {
			for i, b := range tb.Bands {
				if b.From > b.To || (i > 0 && b.From <= tb.Bands[i-1].To) {
					t.Fatalf("bands out of order in %+v", tb)
				}
			}
		}
	})
}
