package billing

import (
	"fmt"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/pricing"
)

// refBiller is a naive reference for the differential test: docs/billing.md's rules
// written again, plainly, with maps, a calendar computed per message, a card looked up
// per message and no caches. It shares nothing with Biller but the era dates.
type refBiller struct {
	o        Options
	book     rateBook
	loc      *time.Location
	lastUser map[uint32]model.Time
	referral map[uint32]model.Time
	fepEnd   map[uint32]model.Time
	convs    map[[2]uint32]*refConv // (pair, slot) → latest conversation
	counts   map[string]int         // monthly counters by name
	nextConv int
}

type refConv struct {
	open, end model.Time
	typ       pricing.Type
	cat       pricing.Category
	id        int
}

const (
	refV1 = iota
	refMarketing
	refUtility
	refAuth
	refService
)

func newRef(o Options) *refBiller {
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	return &refBiller{o: o, book: o.book, loc: loc, lastUser: map[uint32]model.Time{},
		referral: map[uint32]model.Time{}, fepEnd: map[uint32]model.Time{},
		convs: map[[2]uint32]*refConv{}, counts: map[string]int{}}
}

func (r *refBiller) day(y int, m time.Month, d int) model.Time {
	return model.FromStd(time.Date(y, m, d, 0, 0, 0, 0, r.loc))
}

func (r *refBiller) month(at model.Time) string { return at.In(r.loc).Format("2006-01") }

// refResult is a charge plus the reference's own conversation number.
type refResult struct {
	ch   pricing.Charge
	conv int // 0: none
}

func (r *refBiller) card(era Era, at model.Time) rateCard {
	m := era.Model()
	q := at
	if era == EraCBP2022 && q >= r.day(2023, 6, 1) {
		q = r.day(2023, 6, 1) - 1
	}
	if era == EraCBP2023 && q < r.day(2023, 6, 1) {
		q = r.day(2023, 6, 1)
	}
	c, err := r.book.card(m, "USD", q, r.loc, pricing.Span{})
	if err != nil {
		c, err = r.book.first(m, "USD", pricing.Span{})
	}
	if err != nil {
		panic(err)
	}
	return c
}

func (r *refBiller) rate(c rateCard, mkt uint16, cat pricing.Category) pricing.Charge {
	v, err := c.rate(mkt, cat)
	if err != nil {
		panic(err)
	}
	return pricing.Charge{Type: pricing.Regular, Category: cat, Billable: true, Amount: v.amount, Confidence: v.conf}
}

func (r *refBiller) free(limit, def int) int {
	switch {
	case limit < 0:
		return 0
	case limit == 0:
		return def
	}
	return limit
}

func (r *refBiller) Bill(m *model.Message) refResult {
	at := m.At()
	if m.Direction == model.FromUser {
		r.lastUser[m.Pair] = at
		if m.EntryPoint != model.EntryNone {
			r.referral[m.Pair] = at
		}
		return refResult{}
	}
	if r.o.Era != EraAuto && m.Country != [2]byte{} {
		mm := *m
		mm.Market = r.cardMarket(m, at)
		m = &mm
	}
	cat := pricing.Service
	if m.Kind == model.Template {
		cat = []pricing.Category{0, pricing.Marketing, pricing.Utility, pricing.Authentication}[m.Category]
	}
	res := refResult{ch: pricing.Charge{Market: m.Market, Category: cat}}
	if m.Status != model.Delivered && m.Status != model.Read {
		return res
	}
	if m.Kind == model.Template && m.Category == model.Marketing && m.Country == [2]byte{'U', 'S'} && at >= r.day(2025, 4, 1) {
		return res
	}
	era := r.o.Era
	if era == EraAuto {
		era = EraAt(at, r.loc)
	}
	ref, hadRef := r.referral[m.Pair]
	delete(r.referral, m.Pair)
	answered := hadRef && at-ref < 24*model.Hour
	last, hadUser := r.lastUser[m.Pair]
	csw := hadUser && at-last < 24*model.Hour
	fepOpen := at < r.fepEnd[m.Pair]
	open := func(slot int) *refConv {
		c := r.convs[[2]uint32{m.Pair, uint32(slot)}]
		if c != nil && at < c.end {
			return c
		}
		return nil
	}
	newConv := func(slot int, ch pricing.Charge, cc pricing.Category) refResult {
		r.nextConv++
		c := &refConv{open: at, end: at + 24*model.Hour, typ: ch.Type, cat: cc, id: r.nextConv}
		r.convs[[2]uint32{m.Pair, uint32(slot)}] = c
		ch.Model, ch.Market, ch.Opens = pricing.CBP, m.Market, true
		return refResult{ch: ch, conv: c.id}
	}
	fep := func(dur model.Time) refResult {
		opens := !fepOpen
		if !fepOpen {
			r.fepEnd[m.Pair] = at + dur
			for s := refV1; s <= refService; s++ {
				if c := open(s); c != nil {
					c.end = at
				}
			}
			r.nextConv++
			r.convs[[2]uint32{m.Pair, 99}] = &refConv{id: r.nextConv}
		}
		return refResult{ch: pricing.Charge{Model: pricing.CBP, Type: pricing.FreeEntryPoint, Category: pricing.ReferralConversion, Market: m.Market, Opens: opens},
			conv: r.convs[[2]uint32{m.Pair, 99}].id}
	}
	authCat := func(c rateCard) pricing.Category {
		if r.o.AuthIntlFrom != 0 && at >= r.o.AuthIntlFrom && m.Country != [2]byte{} &&
			string(m.Country[:]) != r.o.PrimaryCountry && c.has(m.Market, pricing.AuthenticationInternational) &&
			intlOnDate(r.book, m.Market, at, r.loc) {
			return pricing.AuthenticationInternational
		}
		return pricing.Authentication
	}
	account := "acct"
	switch era {
	case EraNBP2018:
		res.ch.Model = pricing.NBP
		if csw || m.Kind != model.Template {
			res.ch.Type = pricing.FreeCustomerService
			return res
		}
		ch := r.rate(r.card(era, at), m.Market, cat)
		ch.Model, ch.Market = pricing.NBP, m.Market
		r.counts[fmt.Sprintf("vol/%s/%d", r.month(at), m.Market)]++
		return refResult{ch: ch}

	case EraCBP2022:
		if c := open(refV1); c != nil && !fepOpen {
			return refResult{ch: pricing.Charge{Model: pricing.CBP, Type: c.typ, Category: c.cat, Market: m.Market}, conv: c.id}
		}
		if fepOpen || answered {
			dur := 72 * model.Hour
			if at < r.day(2023, 3, 1) {
				dur = 24 * model.Hour
			}
			return fep(dur)
		}
		cc := pricing.BusinessInitiated
		if csw {
			cc = pricing.UserInitiated
		}
		key := "free/" + account + "/" + r.month(at)
		if r.counts[key] < r.free(r.o.FreeConversationsPerMonth, 1000) {
			r.counts[key]++
			return newConv(refV1, pricing.Charge{Type: pricing.FreeTier, Category: cc, Billable: true}, cc)
		}
		return newConv(refV1, r.rate(r.card(era, at), m.Market, cc), cc)

	case EraCBP2023:
		if fepOpen || answered {
			return fep(72 * model.Hour)
		}
		if m.Kind == model.Template {
			slot := []int{0, refMarketing, refUtility, refAuth}[m.Category]
			c := r.card(era, at)
			if cat == pricing.Authentication {
				cat = authCat(c)
			}
			if oc := open(slot); oc != nil {
				return refResult{ch: pricing.Charge{Model: pricing.CBP, Type: oc.typ, Category: oc.cat, Market: m.Market}, conv: oc.id}
			}
			return newConv(slot, r.rate(c, m.Market, cat), cat)
		}
		var best *refConv
		for s := refMarketing; s <= refService; s++ {
			if c := open(s); c != nil && (best == nil || c.end > best.end) {
				best = c
			}
		}
		if best != nil {
			return refResult{ch: pricing.Charge{Model: pricing.CBP, Type: best.typ, Category: best.cat, Market: m.Market}, conv: best.id}
		}
		key := "free/" + account + "/" + r.month(at)
		switch {
		case at >= r.day(2024, 11, 1):
			return newConv(refService, pricing.Charge{Type: pricing.FreeCustomerService, Category: pricing.Service}, pricing.Service)
		case r.counts[key] < r.free(r.o.FreeConversationsPerMonth, 1000):
			r.counts[key]++
			return newConv(refService, pricing.Charge{Type: pricing.FreeTier, Category: pricing.Service, Billable: true}, pricing.Service)
		}
		return newConv(refService, r.rate(r.card(era, at), m.Market, pricing.Service), pricing.Service)
	}

	// PMP
	res.ch.Model = pricing.PMP
	if answered && !fepOpen {
		r.fepEnd[m.Pair] = at + 72*model.Hour
		fepOpen = true
	}
	if fepOpen {
		res.ch.Type = pricing.FreeEntryPoint
		return res
	}
	if m.Kind != model.Template {
		if era == EraPMP2025 {
			res.ch.Type = pricing.FreeCustomerService
			return res
		}
		key := fmt.Sprintf("allow/%d/%s", m.Number, r.month(at))
		if r.counts[key] < r.free(r.o.ServiceAllowancePerNumber, 1000) {
			r.counts[key]++
			res.ch.Type = pricing.FreeTier
			return res
		}
		ch := r.rate(r.card(era, at), m.Market, pricing.Utility)
		ch.Model, ch.Market, ch.Category = pricing.PMP, m.Market, pricing.Service
		return refResult{ch: ch}
	}
	if m.Category == model.Utility {
		if c := open(refUtility); c != nil {
			return refResult{ch: pricing.Charge{Model: pricing.CBP, Type: c.typ, Category: pricing.Utility, Market: m.Market}, conv: c.id}
		}
		if csw && era == EraPMP2025 {
			res.ch.Type = pricing.FreeCustomerService
			return res
		}
	}
	c := r.card(era, at)
	if cat == pricing.Authentication {
		cat = authCat(c)
	}
	ch := r.rate(c, m.Market, cat)
	ch.Model, ch.Market = pricing.PMP, m.Market
	return refResult{ch: ch}
}

// cardMarket is the reference's reading of "the market goes with the card"
// (docs/billing.md, "Eras"): the card the fixed era reads on the date stands for its
// effective date to the day before the model's next card, to no later than the last
// day the era's span of cards and its model's rules lasted (unless it is dated after);
// the country's market on the date clamped into that, where it differs from the
// country's market on the date itself.
func (r *refBiller) cardMarket(m *model.Message, at model.Time) uint16 {
	era := r.o.Era
	c := r.card(era, at)
	eff := c.effective()
	last := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, x := range r.book.(*testBook).cards[era.Model()] {
		if x.eff.After(eff) {
			last = x.eff.AddDate(0, 0, -1)
			break
		}
	}
	if era == EraCBP2022 {
		last = minDate(last, time.Date(2023, 5, 31, 0, 0, 0, 0, time.UTC))
	}
	modelEnd := map[pricing.Model]time.Time{pricing.NBP: time.Date(2022, 1, 31, 0, 0, 0, 0, time.UTC), pricing.CBP: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)}
	if end, ok := modelEnd[era.Model()]; ok && !eff.After(end) {
		last = minDate(last, end)
	}
	y, mo, d := at.In(r.loc).Date()
	date := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	if date.Before(eff) {
		date = eff
	}
	if date.After(last) {
		date = last
	}
	then := r.o.Markets.ForCountryIn(string(m.Country[:]), model.FromStd(time.Date(date.Year(), date.Month(), date.Day(), 12, 0, 0, 0, r.loc)), r.loc)
	if then == r.o.Markets.ForCountryIn(string(m.Country[:]), at, r.loc) {
		return m.Market
	}
	return uint16(then)
}

func minDate(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// TestDifferential bills seeded random traces with Biller and with the naive reference
// under every era, in four time zones (one with DST) and with assorted options, and requires the same
// charge for every message (conversations compared as a one-to-one mapping of ids).
func TestDifferential(t *testing.T) {
	mt := market.Builtin()
	book := propBook(t, mt)
	var zones []*time.Location
	for _, name := range []string{"UTC", "America/Sao_Paulo", "Europe/Berlin", "Asia/Kolkata"} {
		z, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		zones = append(zones, z)
	}
	for seed := uint64(1); seed <= 12; seed++ {
		start, _ := parseTS(propStarts[seed%uint64(len(propStarts))])
		trace := genTrace(seed+100, mt, genOptions{pairs: 25, n: 4000, start: start, gapMax: 30 * model.Minute, movers: true})
		for e := EraAuto; e < numEras; e++ {
			o := Options{Era: e, book: book, Markets: mt,
				FreeConversationsPerMonth: []int{0, -1, 3, 40}[seed%4],
				ServiceAllowancePerNumber: []int{0, -1, 5}[seed%3],
				PrimaryCountry:            []string{"", "BR", "IN"}[seed%3],
				AuthIntlFrom:              start + model.Time(seed)*model.Day}
			o.Location = zones[(seed+uint64(e))%uint64(len(zones))] // Berlin's DST ends inside some traces
			b, err := New(o)
			if err != nil {
				t.Fatal(err)
			}
			ref := newRef(o)
			mine2ref, ref2mine := map[uint64]int{}, map[int]uint64{}
			trace := inZone(trace, mt, o.Location)
			for i := range trace {
				m := &trace[i]
				got, err := b.Bill(m)
				if err != nil {
					t.Fatalf("seed %d %s tz %v message %d (%+v at %v): %v", seed, e, o.Location, i, *m, m.At(), err)
				}
				want := ref.Bill(m)
				g, w := got, want.ch
				g.ConversationID, w.ConversationID = 0, 0
				g.Tier, w.Tier = 0, 0
				if g != w {
					t.Fatalf("seed %d era %s tz %v message %d (%+v):\n\tgot  %+v\n\twant %+v", seed, e, o.Location, i, *m, got, want.ch)
				}
				if (got.ConversationID == 0) != (want.conv == 0) {
					t.Fatalf("seed %d %s message %d: conversation id %x, reference conversation %d", seed, e, i, got.ConversationID, want.conv)
				}
				if want.conv != 0 {
					if r, ok := mine2ref[got.ConversationID]; ok && r != want.conv {
						t.Fatalf("seed %d %s message %d: id %x was reference conversation %d, now %d", seed, e, i, got.ConversationID, r, want.conv)
					}
					if id, ok := ref2mine[want.conv]; ok && id != got.ConversationID {
						t.Fatalf("seed %d %s message %d: reference conversation %d was id %x, now %x", seed, e, i, want.conv, id, got.ConversationID)
					}
					mine2ref[got.ConversationID], ref2mine[want.conv] = want.conv, got.ConversationID
				}
			}
		}
	}
}

// intlOnDate is the reference's reading of "the international rate keeps its date": on
// the date of at, some card of any model in force has market mkt's
// authentication-international rate.
func intlOnDate(book rateBook, mkt uint16, at model.Time, loc *time.Location) bool {
	for _, m := range []pricing.Model{pricing.CBP, pricing.PMP} {
		if c, err := book.card(m, "USD", at, loc, pricing.Span{}); err == nil && c.has(mkt, pricing.AuthenticationInternational) {
			return true
		}
	}
	return false
}
