package billing

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
)

// propMarket is a recipient the generator draws from.
type propMarket struct {
	name    string
	country string
}

var propMarkets = []propMarket{{"Brazil", "BR"}, {"India", "IN"}, {"North America", "US"}, {"North America", "CA"}}

// propMovers are recipients whose market changes on 2026-10-01 (Morocco and Ukraine
// leave their regional groups): a fixed era reading an older card prices them in its
// grouping (docs/billing.md, "Eras"). name is the group; standalone their own market.
var propMovers = []propMarket{{"Rest of Africa", "MA"}, {"Rest of Central & Eastern Europe", "UA"}}

// propStandalone is the market a mover has of its own from 2026-10-01.
var propStandalone = map[string]string{"MA": "Morocco", "UA": "Ukraine"}

// propBook is a complete card of every era for the property markets, so that no message
// of a random trace lacks a rate. Amounts are arbitrary but distinct per category.
func propBook(t testing.TB, mt *market.Table) *testBook {
	b := &testBook{}
	d := func(s string) time.Time {
		x, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	for i, pm := range append(append([]propMarket(nil), propMarkets...), propMovers...) {
		id, ok := mt.ID(pm.name)
		if !ok {
			t.Fatalf("market %q", pm.name)
		}
		mkt := uint16(id)
		if own, ok := propStandalone[pm.country]; ok {
			// Its own market from 2026-10-01, on the PMP card of that day only.
			oid, ok := mt.ID(own)
			if !ok {
				t.Fatalf("market %q", own)
			}
			base := int64(1000 * (i + 11))
			b.add(d("2026-10-01"), pricing.PMP, uint16(oid), pricing.Marketing, base+40000)
			b.add(d("2026-10-01"), pricing.PMP, uint16(oid), pricing.Utility, base+4000)
			b.add(d("2026-10-01"), pricing.PMP, uint16(oid), pricing.Authentication, base+4100)
		}
		base := int64(1000 * (i + 1))
		b.add(d("2018-08-01"), pricing.NBP, mkt, pricing.Template, base+500)
		b.add(d("2022-02-01"), pricing.CBP, mkt, pricing.UserInitiated, base+100)
		b.add(d("2022-02-01"), pricing.CBP, mkt, pricing.BusinessInitiated, base+200)
		for _, eff := range []string{"2023-06-01", "2024-11-01"} {
			b.add(d(eff), pricing.CBP, mkt, pricing.Marketing, base+30000)
			b.add(d(eff), pricing.CBP, mkt, pricing.Utility, base+3000)
			b.add(d(eff), pricing.CBP, mkt, pricing.Authentication, base+2000)
			svc := base + 2500
			if eff == "2024-11-01" {
				svc = 0
			}
			b.add(d(eff), pricing.CBP, mkt, pricing.Service, svc)
		}
		b.add(d("2025-07-01"), pricing.PMP, mkt, pricing.Marketing, base+40000)
		b.add(d("2025-07-01"), pricing.PMP, mkt, pricing.Utility, base+4000)
		b.add(d("2025-07-01"), pricing.PMP, mkt, pricing.Authentication, base+4100)
		if pm.name == "India" {
			b.add(d("2024-07-01"), pricing.CBP, mkt, pricing.AuthenticationInternational, 28000)
			b.add(d("2025-07-01"), pricing.PMP, mkt, pricing.AuthenticationInternational, 28000)
		}
	}
	return b
}

type genOptions struct {
	pairs    int
	n        int
	start    model.Time
	gapMax   model.Time // mean gap between consecutive messages is gapMax/2
	inWindow bool       // every business message has a user message just before it (no entry points)
	movers   bool       // recipients also in propMovers: markets that change on 2026-10-01
}

// genTrace makes a random time-ordered trace (by Message.At). One seed, one trace.
func genTrace(seed uint64, mt *market.Table, g genOptions) []model.Message {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	type user struct {
		mkt     uint16
		country [2]byte
		number  uint16
	}
	users := make([]user, g.pairs)
	pms := propMarkets
	if g.movers {
		pms = append(append([]propMarket(nil), propMarkets...), propMovers...)
	}
	for i := range users {
		pm := pms[r.IntN(len(pms))]
		id, _ := mt.ID(pm.name)
		users[i] = user{uint16(id), [2]byte{pm.country[0], pm.country[1]}, uint16(r.IntN(3))}
	}
	var out []model.Message
	at := g.start
	for len(out) < g.n {
		at += model.Time(r.Int64N(int64(g.gapMax)))
		p := r.IntN(g.pairs)
		u := users[p]
		m := model.Message{TS: at, Pair: uint32(p), Number: u.number, Market: u.mkt, Country: u.country}
		if g.inWindow {
			um := m
			um.Direction = model.FromUser
			out = append(out, um)
			at += model.Time(r.Int64N(int64(2 * model.Hour)))
			m.TS = at
		}
		if !g.inWindow && r.IntN(3) == 0 {
			m.Direction = model.FromUser
			if r.IntN(5) == 0 {
				m.EntryPoint = model.EntryPoint(1 + r.IntN(2))
			}
		} else {
			m.Direction = model.FromBusiness
			if r.IntN(3) == 0 {
				m.Kind = model.Text
			} else {
				m.Kind = model.Template
				m.Category = model.Category(1 + r.IntN(3))
			}
			switch x := r.IntN(20); {
			case x == 0:
				m.Status = model.Sent
			case x == 1:
				m.Status = model.Failed
			case x < 6:
				m.Status = model.Read
			}
			if r.IntN(4) == 0 {
				// Delivered later than sent: At stays `at`, the send time moves back.
				m.DeliveredTS = at
				m.TS = at - model.Time(r.Int64N(int64(2*model.Hour)))
			}
		}
		if g.movers {
			m.Market = uint16(mt.ForCountry(string(m.Country[:]), m.At())) // on its date, as a replay resolves it
		}
		out = append(out, m)
	}
	return out
}

// inZone is trace with every recipient's market resolved on the message's date in loc,
// as a replay in that time zone resolves it (markets change at local midnight).
func inZone(trace []model.Message, mt *market.Table, loc *time.Location) []model.Message {
	out := append([]model.Message(nil), trace...)
	for i := range out {
		if m := &out[i]; m.Country != [2]byte{} {
			m.Market = uint16(mt.ForCountryIn(string(m.Country[:]), m.At(), loc))
		}
	}
	return out
}

func billAll(t *testing.T, o Options, trace []model.Message) ([]pricing.Charge, *Biller) {
	t.Helper()
	b, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]pricing.Charge, len(trace))
	for i := range trace {
		ch, err := b.Bill(&trace[i])
		if err != nil {
			t.Fatalf("message %d (%+v): %v", i, trace[i], err)
		}
		out[i] = ch
	}
	return out, b
}

var propStarts = []string{"2021-11-20T00:00:00Z", "2023-05-15T00:00:00Z", "2024-10-20T00:00:00Z",
	"2025-06-20T00:00:00Z", "2026-09-25T00:00:00Z"}

// TestPropertiesAcrossEras bills seeded random traces under every era and checks the
// invariants that hold whatever the rules: amounts are never negative, only billable
// charges cost anything, the total is the sum of the charges, billing is deterministic,
// and the era never changes which messages count as delivered.
func TestPropertiesAcrossEras(t *testing.T) {
	mt := market.Builtin()
	book := propBook(t, mt)
	for seed := uint64(1); seed <= 20; seed++ {
		start, _ := parseTS(propStarts[seed%uint64(len(propStarts))])
		trace := genTrace(seed, mt, genOptions{pairs: 30, n: 3000, start: start, gapMax: 40 * model.Minute})
		var delivered []bool
		for e := EraAuto; e < numEras; e++ {
			o := Options{Era: e, book: book, Markets: mt, FreeConversationsPerMonth: 1 + int(seed%4)*100,
				PrimaryCountry: "BR", AuthIntlFrom: start, ServiceAllowancePerNumber: int(seed % 3 * 50)}
			t.Run(fmt.Sprintf("seed=%d/%s", seed, e), func(t *testing.T) {
				charges, b := billAll(t, o, trace)
				var sum money.Micros
				var these []bool
				opened := map[uint64]bool{}
				for i, ch := range charges {
					m := &trace[i]
					if ch.Amount < 0 {
						t.Fatalf("message %d: negative amount %s", i, ch.Amount)
					}
					if !ch.Billable && ch.Amount != 0 {
						t.Fatalf("message %d: free but costs %s: %+v", i, ch.Amount, ch)
					}
					// Billable means charged (regular) or counted on the invoice at no cost
					// (a CBP free-tier conversation, as Meta reports it).
					if ch.Billable && (ch.Model == pricing.ModelNone || (ch.Type != pricing.Regular && !(ch.Type == pricing.FreeTier && ch.Model == pricing.CBP && ch.Amount == 0))) {
						t.Fatalf("message %d: billable without a model or as %s: %+v", i, ch.Type, ch)
					}
					if m.Direction == model.FromUser {
						if ch != (pricing.Charge{}) {
							t.Fatalf("message %d: user message charged %+v", i, ch)
						}
						continue
					}
					if !m.Status.WasDelivered() && ch.Model != pricing.ModelNone {
						t.Fatalf("message %d: undelivered but priced %+v", i, ch)
					}
					// Units: every delivered NBP or PMP message is one, and each CBP
					// conversation is carried by its first message only. A charged unit
					// is billable; only units cost anything.
					if ch.Model == pricing.CBP {
						if ch.ConversationID == 0 {
							t.Fatalf("message %d: CBP charge without a conversation %+v", i, ch)
						}
						if first := !opened[ch.ConversationID]; ch.Opens != first {
							t.Fatalf("message %d: Opens %v, first message of its conversation %v: %+v", i, ch.Opens, first, ch)
						}
						opened[ch.ConversationID] = true
					} else if ch.Opens {
						t.Fatalf("message %d: Opens outside CBP %+v", i, ch)
					}
					if ch.Unit() && ch.Type == pricing.TypeNone || ch.Type == pricing.Regular && ch.Unit() != ch.Billable {
						t.Fatalf("message %d: unit %v as %q, billable %v: %+v", i, ch.Unit(), ch.Type, ch.Billable, ch)
					}
					if ch.Amount > 0 && !(ch.Unit() && ch.Type == pricing.Regular) {
						t.Fatalf("message %d: costs %s without being a charged unit: %+v", i, ch.Amount, ch)
					}
					sum += ch.Amount
					these = append(these, ch.Model != pricing.ModelNone)
				}
				total, err := b.Total()
				if err != nil || total != sum {
					t.Fatalf("Total %s (%v) != sum of charges %s", total, err, sum)
				}
				if delivered == nil {
					delivered = these
				} else {
					for i := range these {
						if these[i] != delivered[i] {
							t.Fatalf("business message %d: delivered=%v under %s, %v under auto", i, these[i], e, delivered[i])
						}
					}
				}
				again, _ := billAll(t, o, trace)
				for i := range again {
					if again[i] != charges[i] {
						t.Fatalf("message %d: not deterministic: %+v then %+v", i, charges[i], again[i])
					}
				}
				b.Reset()
				for i := range trace {
					ch, err := b.Bill(&trace[i])
					if err != nil || ch != charges[i] {
						t.Fatalf("message %d after Reset: %+v, %v; want %+v", i, ch, err, charges[i])
					}
				}
			})
		}
	}
}

// TestPropertyPMPInWindow: "a PMP trace whose business messages all fall inside the
// window costs only its marketing and authentication templates" — at their list rates
// (no tiers configured), with no entry points in the trace.
func TestPropertyPMPInWindow(t *testing.T) {
	mt := market.Builtin()
	book := propBook(t, mt)
	for seed := uint64(1); seed <= 20; seed++ {
		for _, e := range []Era{EraAuto, EraPMP2025} {
			start, _ := parseTS("2025-07-02T00:00:00Z")
			if e == EraPMP2025 {
				start, _ = parseTS("2023-01-10T00:00:00Z") // the counterfactual on older traffic
			}
			trace := genTrace(seed, mt, genOptions{pairs: 40, n: 4000, start: start, gapMax: 30 * model.Minute, inWindow: true})
			if end := trace[len(trace)-1].At(); e == EraAuto && EraAt(end, nil) != EraPMP2025 {
				t.Fatalf("trace ends at %v, outside PMP 2025", end)
			}
			charges, b := billAll(t, Options{Era: e, book: book, Markets: mt, PrimaryCountry: "BR", AuthIntlFrom: start}, trace)
			card, err := book.card(pricing.PMP, "USD", start, time.UTC, pricing.Span{})
			if err != nil {
				card, _ = book.first(pricing.PMP, "USD", pricing.Span{}) // the first PMP card prices older traffic
			}
			var want money.Micros
			usOff := pricing.USMarketingOffFrom.At(time.UTC)
			for i, ch := range charges {
				m := &trace[i]
				if m.Direction != model.FromBusiness || !m.Status.WasDelivered() ||
					(m.Category == model.Marketing && m.Country == [2]byte{'U', 'S'} && m.At() >= usOff) {
					continue
				}
				if !b.WindowOpen(m.Pair, m.At()) {
					t.Fatalf("seed %d: generator left message %d outside the window", seed, i)
				}
				var cat pricing.Category
				switch {
				case m.Kind == model.Text || m.Category == model.Utility:
					if ch.Billable {
						t.Fatalf("seed %d %s message %d: in-window %v charged: %+v", seed, e, i, m.Category, ch)
					}
					continue
				case m.Category == model.Marketing:
					cat = pricing.Marketing
				default:
					cat = pricing.Authentication
					if m.Country != [2]byte{'B', 'R'} && card.has(m.Market, pricing.AuthenticationInternational) && intlOnDate(book, m.Market, m.At(), time.UTC) {
						cat = pricing.AuthenticationInternational
					}
				}
				r, err := card.rate(m.Market, cat)
				if err != nil {
					t.Fatal(err)
				}
				if !ch.Billable || ch.Amount != r.amount || ch.Category != cat {
					t.Fatalf("seed %d %s message %d: %+v, want %s at %s", seed, e, i, ch, cat, r.amount)
				}
				want += r.amount
			}
			if total, _ := b.Total(); total != want {
				t.Fatalf("seed %d %s: total %s, want %s", seed, e, total, want)
			}
		}
	}
}
