package billing

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
)

// rateBook and rateCard are what billing needs from rate cards. *pricing.Book satisfies
// them through bookRates; tests substitute small hand-written cards so that expected
// amounts do not move when the shipped rate data is corrected.
type rateBook interface {
	// card returns the latest card of model m among those s holds in force on the date
	// of at in loc (pricing.Book.CardIn).
	card(m pricing.Model, currency string, at model.Time, loc *time.Location, s pricing.Span) (rateCard, error)
	// first returns the earliest card of model m among those s holds.
	first(m pricing.Model, currency string, s pricing.Span) (rateCard, error)
	// next returns the effective date of the earliest card of model m in currency
	// effective after `after` (any span), false if there is none.
	next(m pricing.Model, currency string, after time.Time) (time.Time, bool)
}

// rateCard values must be comparable and equal exactly when they are the same card:
// billing caches looked-up rates per card.
type rateCard interface {
	rate(mkt uint16, cat pricing.Category) (rateValue, error)
	// has reports whether the card itself has (mkt, cat), without fallbacks.
	has(mkt uint16, cat pricing.Category) bool
	// effective is the card's effective date.
	effective() time.Time
}

type rateValue struct {
	amount money.Micros
	conf   pricing.Confidence
	card   time.Time // effective date of the card the rate came from
}

// tierSource gives the graduated volume bands of a market and category on a date; empty
// means list rates.
type tierSource interface {
	bands(mkt uint16, cat pricing.Category, currency string, at model.Time, loc *time.Location) []band
	// floor is the least number the month's next charged message of (mkt, cat) gets in
	// the volume count: Meta's tier webhooks say it counted messages the log lacks.
	floor(mkt uint16, cat pricing.Category, at model.Time, loc *time.Location) int64
}

// band is one graduated volume band: the From-th to To-th charged message of the month
// (inclusive, counted from 1; Meta's "0:750000" first band starts at 0) costs
// Price(list rate) each.
type band = pricing.Band

// cardCache holds the rates of one card, filled per market on first use so that the
// per-message path is a slice index.
type cardCache struct {
	card     rateCard
	model    pricing.Model
	currency string
	rows     []rateRow
	eff      time.Time // effective date
	effDay   int64     // eff as model.DayNumber counts it
	// lastDay is the last day the card stands for (cardPeriod), as model.DayNumber
	// counts days; math.MaxInt64 when open-ended.
	lastDay int64
}

type rateRow struct {
	filled bool
	cells  [pricing.NumCategories]rateCell
}

type rateCell struct {
	v   rateValue
	err error
}

func (c *cardCache) rate(mkt uint16, cat pricing.Category) (*rateCell, error) {
	if int(mkt) >= len(c.rows) {
		rows := make([]rateRow, int(mkt)+1)
		copy(rows, c.rows)
		c.rows = rows
	}
	r := &c.rows[mkt]
	if !r.filled {
		for k := pricing.Marketing; k < pricing.NumCategories; k++ {
			v, err := c.card.rate(mkt, k)
			r.cells[k] = rateCell{v: v, err: err}
		}
		r.filled = true
	}
	cell := &r.cells[cat]
	return cell, cell.err
}

// has reports whether the card has a rate for (mkt, cat); used for the optional
// authentication-international cell.
func (c *cardCache) has(mkt uint16, cat pricing.Category) bool { return c.card.has(mkt, cat) }

// cardSlot is the card an era uses today: cards change at midnight in the account's time
// zone, so one lookup per era per day is enough.
type cardSlot struct {
	validTo model.Time // the slot is current while this equals Biller.dayEnd
	cc      *cardCache
	err     error
	// today is the day the slot is for, and marketDay the day the card stands for
	// (today clamped into cc's period), on which a counterfactual looks markets up
	// (Biller.cardMarket); moved says some market changed between the two.
	today, marketDay int64
	moved            bool
}

// cardFor returns the card that prices a message at `at` under era e's rules
// (docs/billing.md, "Rate cards"): the latest card of the era's pricing model in force
// on the date among the cards of the era's span (the era table's cards: the CBP 2022
// rules never read a card from 2023-06-01 on and the CBP 2023 rules never an older
// one). No card prices a message dated before its effective date, with one exception:
// a counterfactual era (a fixed era on a date before it began, whose rules were then
// another era's) reads the first card of its span, as re-pricing 2024 traffic under
// pmp-2025 reads the 2025-07-01 card.
//
// The message's rules consulted the card, so a bill names it (Ledger.CardUsed).
func (b *Biller) cardFor(e Era, at model.Time) (*cardCache, error) {
	cc, err := b.card(e, at)
	if err == nil {
		b.cl.card, b.cl.consulted = cc, true
	}
	return cc, err
}

// card is cardFor without noting the card as consulted: for a charge a counter may
// still make free.
func (b *Biller) card(e Era, at model.Time) (*cardCache, error) {
	s := &b.cards[e]
	if s.validTo == b.dayEnd {
		return s.cc, s.err
	}
	s.validTo = b.dayEnd
	s.cc, s.err = b.lookupCard(e, at)
	s.today = b.days.Of(at)
	s.marketDay, s.moved = s.today, false
	if s.err == nil {
		s.marketDay = min(max(s.today, s.cc.effDay), s.cc.lastDay)
		s.moved = b.markets != nil && s.marketDay != s.today && b.markets.Moved(s.today, s.marketDay)
	}
	return s.cc, s.err
}

// cardMarket is the market a business message m at `at` is priced in under a fixed
// era (docs/billing.md, "Eras", the market goes with the card): its country's market on
// the day the era's card stands for, its own date clamped into the card's period,
// where a market changed between that day and the message's; else m.Market, the
// caller's market of the message's date. Under EraAuto the card in force on the date
// prices it, so m.Market stands. A message with no country, or no card to read (an
// error the rules will give if it is charged), keeps m.Market too. The card and the
// day are looked up once per day (cardSlot); a message costs two array lookups only
// on days a market moved between the dates.
func (b *Biller) cardMarket(m *model.Message, at model.Time) uint16 {
	if b.era == EraAuto || m.Country == [2]byte{} {
		return m.Market
	}
	s := &b.cards[b.era]
	if s.validTo != b.dayEnd {
		b.card(b.era, at)
	}
	if !s.moved {
		return m.Market
	}
	then := b.markets.ForCountryOn(m.Country, s.marketDay)
	if then == b.markets.ForCountryOn(m.Country, s.today) {
		return m.Market // this country did not move: the caller's market stands
	}
	return uint16(then)
}

func (b *Biller) lookupCard(e Era, at model.Time) (*cardCache, error) {
	eb := &b.bounds.eras[e]
	m := eb.model
	if b.book == nil {
		return nil, fmt.Errorf("billing: no rate book to price %s messages at %v", e, at)
	}
	c, err := b.book.card(m, b.currency, at, b.loc, eb.cards)
	if err != nil && b.era != EraAuto && at < eb.start && b.bounds.era(at) != e {
		// Card fails before the span's first card; First succeeding shows that was the
		// only reason, so a counterfactual date before any card uses the first one.
		if f, ferr := b.book.first(m, b.currency, eb.cards); ferr == nil {
			c, err = f, nil
		}
	}
	if err != nil {
		return nil, b.noCard(e, at, err)
	}
	for _, cc := range b.cardList {
		if cc.card == c {
			return cc, nil
		}
	}
	eff := c.effective()
	cc := &cardCache{card: c, model: m, currency: b.currency, eff: eff, effDay: model.DayNumber(eff.Date())}
	cc.lastDay = b.cardLastDay(e, cc)
	b.cardList = append(b.cardList, cc)
	return cc, nil
}

// cardLastDay is the last day card cc stands for, read under era e's rules
// (docs/billing.md, "Eras"): the day before the next card of its model and currency,
// and no later than the last day of the span of cards e reads (cbp-2022's end at
// 2023-05-31, for a currency with no later CBP card) nor than the last day the rules of
// its model were in force (CBP to 2025-06-30, NBP to 2022-01-31, PMP open) — unless
// the card is dated after that day (a user's card of a model Meta no longer used),
// which then stands for every date from its own. math.MaxInt64: open-ended. A card's
// span is that of every era that reads it (the eras of one model read the same cards
// or none in common), so the answer is the card's.
func (b *Biller) cardLastDay(e Era, cc *cardCache) int64 {
	last := int64(math.MaxInt64)
	if n, ok := b.book.next(cc.model, b.currency, cc.eff); ok {
		last = model.DayNumber(n.Date()) - 1
	}
	if before := b.bounds.eras[e].cards.Before; !before.IsZero() {
		last = min(last, model.DayNumber(before.Year, before.Month, before.Day)-1)
	}
	if end, ok := b.modelEnd(cc.model); ok && cc.effDay <= end {
		last = min(last, end)
	}
	return max(last, cc.effDay)
}

// modelEnd is the last day the rules of pricing model m were in force (the day before
// the era after its last era began, as model.DayNumber counts days), false while they
// still are.
func (b *Biller) modelEnd(m pricing.Model) (int64, bool) {
	for k := numEras - 1; k >= firstEra; k-- {
		if b.bounds.eras[k].model == m {
			if k+1 >= numEras {
				return 0, false
			}
			return b.days.Of(b.bounds.eras[k+1].start) - 1, true
		}
	}
	return 0, false
}

// noCard says why no card prices a message at `at` under era e's rules (err, the
// book's word) and what to pass to bill it.
func (b *Biller) noCard(e Era, at model.Time, err error) error {
	eb := &b.bounds.eras[e]
	m := eb.model
	if _, ferr := b.book.first(m, b.currency, eb.cards); ferr == nil {
		// The model has cards of the era's shape, but none in force yet.
		return fmt.Errorf("billing: %s rules at %v: %w; a card prices only messages from its effective date on: pass --rates FILE with a card of pricing_model %s effective by then", e, at, err, m)
	}
	if _, ferr := b.book.first(m, b.currency, pricing.Span{}); ferr == nil {
		// Cards of the model in this currency, all of another shape: never read in its
		// place. A card dated on the era's first day is in its span and prices any date.
		return fmt.Errorf("billing: no %s rate card in %s: the %s rules read only %s cards %s (docs/billing.md, \"Rate cards\"): %w; "+
			"pass --rates FILE, a CSV with header effective_from,pricing_model,market,category,currency,rate, with a card of such a date: rows such as %s,%s,<market>,<category>,%s,<rate>",
			e, b.currency, e, m, eb.cards, err, eb.start.In(b.loc).Format(time.DateOnly), m, b.currency)
	}
	if m == pricing.NBP {
		return fmt.Errorf("billing: %s rules at %v need an NBP rate card (pricing_model NBP, category template rows): %w", e, at, err)
	}
	return fmt.Errorf("billing: no %s rate card in %s for %s at %v: %w", m, b.currency, e, at, err)
}

// ModelCards reads the rate card that prices a charge of a given pricing model, as a
// Biller does, for a charge billed elsewhere: Meta's word on a message (a webhook's
// pricing object) names a pricing model and no era, and internal/reconcile prices it
// on the card the rules of that model read at the message's time.
type ModelCards struct {
	o      Options
	bounds bounds
	by     [numEras]*Biller // a fixed-era Biller per era asked for
	errs   [numEras]error   // New's error for that era (the NBP rules without an NBP card)
}

// NewModelCards checks o (its Book, Currency and Location are what count; Era is
// ignored) and returns a ModelCards.
func NewModelCards(o Options) (*ModelCards, error) {
	if o.Book == nil {
		return nil, fmt.Errorf("billing: Options.Book is required (the rate cards to price with)")
	}
	o.Era = EraAuto
	b, err := New(o)
	if err != nil {
		return nil, err
	}
	return &ModelCards{o: o, bounds: b.bounds}, nil
}

// Card returns the card that prices a charge of pricing model m at `at`: the card the
// rules of m in force then read (docs/billing.md, "Rate cards") — those of the latest
// era of m started by `at`, among the cards of that era's span (CBP before 2023-06-01
// reads only the user-/business-initiated cards, CBP from then on only the
// per-category ones), or, for a date before m's first era began, that era's as a
// counterfactual (its first card). The error is a Biller's: which card, of which
// dates, is missing, and the row to add with --rates.
func (c *ModelCards) Card(m pricing.Model, at model.Time) (*pricing.Card, error) {
	e, ok := c.bounds.eraOf(m, at)
	if !ok {
		return nil, fmt.Errorf("billing: no pricing era has pricing model %q", m)
	}
	if c.by[e] == nil && c.errs[e] == nil {
		o := c.o
		o.Era = e
		c.by[e], c.errs[e] = New(o)
	}
	if c.errs[e] != nil {
		return nil, c.errs[e]
	}
	cc, err := c.by[e].lookupCard(e, at)
	if err != nil {
		return nil, err
	}
	bc, ok := cc.card.(bookCard)
	if !ok {
		return nil, fmt.Errorf("billing: ModelCards reads Options.Book only")
	}
	return bc.c, nil
}

// CardUse says how many billable messages one rate card priced.
type CardUse struct {
	Model     pricing.Model
	Currency  string
	Effective time.Time  // the card's effective date
	Charged   int64      // billable messages priced from it
	Last      model.Time // the latest message the rules read it for
}

// NewerElsewhere returns the card of u's pricing model that o's rules would have read
// for u's latest message in another currency of o.Book, in force on its date (a
// counterfactual's first card excepted), when it is later than u's card
// (the latest such, the first currency in alphabetical order on a tie): Meta changed
// the model's prices after u's card, and u's currency has no card that shows it, so a
// bill in it prices at the old rates, which can reverse a comparison with another era
// (a CBP INR bill of 2025 traffic rests on the 2023-06-01 card, before the 2024 India
// utility cut the USD cards carry). ok is false when no other currency has a later
// card in force then, or o has no Book.
func NewerElsewhere(o Options, u CardUse) (newer CardUse, ok bool, err error) {
	if o.Book == nil {
		return CardUse{}, false, nil
	}
	var currencies []string
	for _, c := range o.Book.Cards() {
		if c.Model() == u.Model && !strings.EqualFold(c.Currency(), u.Currency) && !slices.Contains(currencies, c.Currency()) {
			currencies = append(currencies, c.Currency())
		}
	}
	slices.Sort(currencies)
	for _, cur := range currencies {
		oc := o
		oc.Currency = cur
		b, err := New(oc)
		if err != nil {
			return CardUse{}, false, err
		}
		e := b.era
		if e == EraAuto {
			e = b.bounds.era(u.Last)
		}
		if eras[e].model != u.Model {
			continue
		}
		// The card in force on the day the rules read (never a counterfactual's first
		// card, later than the message: no price change it could have missed).
		c, err := b.book.card(u.Model, cur, u.Last, b.loc, eras[e].cards)
		if err != nil {
			continue // no card in that currency then
		}
		if eff := c.effective(); eff.After(u.Effective) && (!ok || eff.After(newer.Effective)) {
			newer, ok = CardUse{Model: u.Model, Currency: cur, Effective: eff, Last: u.Last}, true
		}
	}
	return newer, ok, nil
}

// CardUsed lists the rate cards this Biller consulted, in the order first used, with the
// number of billable messages each priced: enough for a replay summary to name the
// card(s) behind a bill.
func (b *Biller) CardUsed() []CardUse { return b.led.CardUsed() }

// CardSpan is a rate card and the days of a horizon it prices.
type CardSpan struct {
	Model     pricing.Model
	Currency  string
	Effective time.Time // the card's effective date
	// CarriedFrom is, for a partial card, the effective date of the card its missing
	// cells were carried forward from (confidence derived); zero for a complete card.
	CarriedFrom time.Time
	From, To    time.Time // first and last local day of the horizon the card prices
}

// CardsOver lists the rate cards o's rules would price messages with on each day of
// [from, to) in o.Location, consecutive days with one card joined: what a simulated
// horizon was priced with, found without billing a message. A day no card is in force
// on is left out (a message charged then is an error). It needs o.Book.
func CardsOver(o Options, from, to model.Time) ([]CardSpan, error) {
	b, err := New(o)
	if err != nil {
		return nil, err
	}
	var out []CardSpan
	var last *cardCache
	b.eachDay(from, to, func(_ model.Time, day time.Time, _ Era, cc *cardCache, err error) {
		switch {
		case err != nil:
			last = nil
		case cc == last:
			out[len(out)-1].To = day
		default:
			cs := CardSpan{Model: cc.model, Currency: cc.currency, Effective: cc.eff, From: day, To: day}
			if bc, ok := cc.card.(bookCard); ok && bc.c.Partial() {
				cs.CarriedFrom = bc.c.Base().Effective()
			}
			out = append(out, cs)
			last = cc
		}
	})
	return out, nil
}

// eachDay calls f for each local day of [from, to) in b's zone, in order, with the
// day's first instant in the span (from, on the first day), its local midnight, the
// era whose rules bill it, and the card those rules read then (lookupCard).
func (b *Biller) eachDay(from, to model.Time, f func(t model.Time, day time.Time, e Era, cc *cardCache, err error)) {
	for t := from; t < to; {
		y, mo, d := t.In(b.loc).Date()
		day := model.DayStart(y, mo, d, b.loc)
		next := model.FromStd(model.DayStart(y, mo, d+1, b.loc))
		e := b.era
		if e == EraAuto {
			e = b.bounds.era(t)
		}
		cc, err := b.lookupCard(e, t)
		f(t, day, e, cc, err)
		t = next
	}
}

// Uncovered says, for each era whose rules this Biller would read for some instant of
// [from, to), whether a card prices the first such instant: the error lookupCard gives
// when none does (what to pass to bill it), one per era, in era order; nil when every
// era has its card. A run over those days stops at the first message it charges
// there; one that charges none (only free messages) needs no card, so this is a
// warning to give before a run, not a verdict.
func (b *Biller) Uncovered(from, to model.Time) []error {
	var errs []error
	check := func(e Era, at model.Time) {
		if _, err := b.lookupCard(e, at); err != nil {
			errs = append(errs, err)
		}
	}
	if b.era != EraAuto {
		check(b.era, from)
		return errs
	}
	first := b.bounds.era(from) // in force from `from`, even before its own start
	for e := first; e < numEras; e++ {
		at := from
		if e != first {
			at = b.bounds.eras[e].start
		}
		if at >= to {
			break
		}
		check(e, at)
	}
	return errs
}
