package pricing

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/money"
)

// Rate is one cell of a rate card: what one unit (a conversation under CBP, a delivered
// template under NBP and PMP) costs in the card's currency.
type Rate struct {
	Amount     money.Micros
	Confidence Confidence // from the data row; Derived for a cell carried forward (see overlay)
	Card       time.Time  // effective_from of the card the value was read from (UTC midnight date)
}

// Provenance says where a cell's value comes from.
type Provenance struct {
	File   string // the file the row was read from ("ratecards.csv" for the embedded cards)
	Line   int    // 1-based line of the row in File
	Source string // the data's source column
	Note   string // the data's note column, or how the cell was carried forward
}

// Card is the rate card of one pricing model in one currency from one effective date:
// a dense (market × category) array, read-only once built.
type Card struct {
	model     Model
	currency  string
	effective time.Time // UTC midnight of effective_from
	effDay    int32     // effective as days since 1970-01-01, for cheap comparisons
	markets   *market.Table
	// rates[int(id)*NumCategories+cat]; Confidence == ConfNone marks an absent cell.
	// A flat slice indexed by market id and category keeps Rate free of maps and
	// allocation on the per-message path.
	rates []Rate
	prov  []Provenance // parallel to rates
	// base is the earlier card this one was overlaid on, when it is partial; nil when
	// the card is complete on its own.
	base *Card
}

// Book holds every rate card, sorted by model, currency and effective date. It is
// read-only after construction and safe for concurrent readers.
type Book struct {
	markets *market.Table
	cards   []*Card
	chains  map[chainKey][]*Card // cards of one model and currency, oldest first
	raw     []rawCard            // the cards as read, before overlay; Merge rebuilds from these
}

type chainKey struct {
	model    Model
	currency string
}

//go:embed data/ratecards.csv
var builtinRates []byte

var (
	builtinOnce sync.Once
	builtinBook *Book
	builtinErr  error
)

// Builtin returns the embedded rate cards (data/ratecards.csv), parsed once.
func Builtin() (*Book, error) {
	builtinOnce.Do(func() {
		builtinBook, builtinErr = ReadBook(bytes.NewReader(builtinRates), "ratecards.csv")
	})
	return builtinBook, builtinErr
}

// Markets is the market table the book's cards are indexed by.
func (b *Book) Markets() *market.Table { return b.markets }

// Span is which of a model's rate cards a set of rules may read: those effective on or
// after From and before Before, days of the calendar; the zero Day leaves that side
// open, and the zero Span holds every card. Cards change shape when the rules do (CBP's
// user-/business-initiated cells gave way to per-category cells on 2023-06-01), so
// package billing gives each era the span of the shape its rules read (docs/billing.md,
// "Rate cards"), and `spendsim rates --at` lists only those.
type Span struct {
	From, Before Day
}

// Holds reports whether a card effective on the date eff (midnight UTC, as
// Card.Effective) is one s lets rules read.
func (s Span) Holds(eff time.Time) bool { return s.holds(dayOf(eff)) }

func (s Span) holds(day int32) bool {
	return (s.From.IsZero() || day >= dayOf(s.From.Date())) && (s.Before.IsZero() || day < dayOf(s.Before.Date()))
}

// String says which cards s holds, as errors name them: "effective 2023-06-01 or
// later", "effective before 2023-06-01", "effective from 2022-02-01 to before
// 2023-06-01"; "" for the zero Span.
func (s Span) String() string {
	from, before := s.From.Date().Format(time.DateOnly), s.Before.Date().Format(time.DateOnly)
	switch {
	case s.From.IsZero() && s.Before.IsZero():
		return ""
	case s.Before.IsZero():
		return "effective " + from + " or later"
	case s.From.IsZero():
		return "effective before " + before
	}
	return "effective from " + from + " to before " + before
}

// inSpan is the part of chain cs (oldest first) that s holds: a chain is in date order,
// so that part is contiguous.
func (s Span) inSpan(cs []*Card) []*Card {
	i, j := 0, len(cs)
	for i < j && !s.holds(cs[i].effDay) {
		i++
	}
	for j > i && !s.holds(cs[j-1].effDay) {
		j--
	}
	return cs[i:j]
}

// inForce is the latest card of chain cs (oldest first) effective on or before day, nil
// if none is.
func inForce(cs []*Card, day int32) *Card {
	// Cards are few (tens); the last one at or before day wins.
	if i := sort.Search(len(cs), func(i int) bool { return cs[i].effDay > day }) - 1; i >= 0 {
		return cs[i]
	}
	return nil
}

// Card returns the latest card of model m in currency (ISO 4217, any case) whose
// effective_from is on or before the calendar date of at in loc: cards take effect at
// midnight in the business's time zone (docs/billing.md, "Time zone"). A nil loc means
// UTC. The error names the model, currency and date, and what the book does have.
func (b *Book) Card(m Model, currency string, at model.Time, loc *time.Location) (*Card, error) {
	return b.CardIn(m, currency, at, loc, Span{})
}

// CardIn is Card among the cards span s holds only: a card outside s is never returned,
// however recent. The error says which cards s holds when the book has cards of m in
// currency outside it only.
func (b *Book) CardIn(m Model, currency string, at model.Time, loc *time.Location, s Span) (*Card, error) {
	if m == ModelNone {
		return nil, errors.New("pricing: a rate card needs a pricing model (NBP, CBP or PMP)")
	}
	cur := upperASCII(currency)
	all := b.chains[chainKey{m, cur}]
	cs := s.inSpan(all)
	day := localDay(at, loc)
	if c := inForce(cs, day); c != nil {
		return c, nil
	}
	date := time.Unix(int64(day)*86400, 0).UTC().Format(time.DateOnly)
	which := m.String() + " card in " + cur
	if w := s.String(); w != "" {
		which += " " + w
	}
	switch {
	case len(cs) > 0:
		return nil, fmt.Errorf("pricing: no %s in force on %s: the earliest is effective %s",
			which, date, cs[0].effective.Format(time.DateOnly))
	case len(all) > 0:
		return nil, b.outside(which, all)
	}
	return nil, fmt.Errorf("pricing: no %s in force on %s: %s; supply one with --rates FILE", which, date, b.has(m))
}

// InForce is CardIn without the error: the card, or nil where none is in force. It
// allocates nothing, for lookups on a hot path that expect to find none.
func (b *Book) InForce(m Model, currency string, at model.Time, loc *time.Location, s Span) *Card {
	return inForce(s.inSpan(b.chains[chainKey{m, upperASCII(currency)}]), localDay(at, loc))
}

// First returns the earliest card of model m in currency: billing applies it to dates
// before the model's first card when a counterfactual era is replayed on older traffic.
func (b *Book) First(m Model, currency string) (*Card, error) {
	return b.FirstIn(m, currency, Span{})
}

// FirstIn is First among the cards span s holds only.
func (b *Book) FirstIn(m Model, currency string, s Span) (*Card, error) {
	if m == ModelNone {
		return nil, errors.New("pricing: a rate card needs a pricing model (NBP, CBP or PMP)")
	}
	cur := upperASCII(currency)
	all := b.chains[chainKey{m, cur}]
	which := m.String() + " card in " + cur
	if w := s.String(); w != "" {
		which += " " + w
	}
	if cs := s.inSpan(all); len(cs) > 0 {
		return cs[0], nil
	} else if len(all) > 0 {
		return nil, b.outside(which, all)
	}
	return nil, fmt.Errorf("pricing: no %s: %s; supply one with --rates FILE", which, b.has(m))
}

// outside is the error for a book whose cards of a model and currency, all, are all
// outside the span `which` names.
func (b *Book) outside(which string, all []*Card) error {
	dates := make([]string, 0, 3)
	for i, c := range all {
		if i == 3 {
			dates = append(dates, "…")
			break
		}
		dates = append(dates, c.effective.Format(time.DateOnly))
	}
	return fmt.Errorf("pricing: no %s: the book's %s %s cards are effective %s", which, all[0].model, all[0].currency, strings.Join(dates, ", "))
}

// has describes the currencies the book holds for model m, for error messages.
func (b *Book) has(m Model) string {
	var cur []string
	for k := range b.chains {
		if k.model == m {
			cur = append(cur, k.currency)
		}
	}
	if len(cur) == 0 {
		if m == NBP {
			return "the book has no NBP card (spendsim ships none: Meta's 2018 prices are not public)"
		}
		return fmt.Sprintf("the book has no %s card in any currency", m)
	}
	sort.Strings(cur)
	return fmt.Sprintf("the book has %s cards in %s", m, strings.Join(cur, ", "))
}

// Cards returns every card, sorted by model, currency and effective date. The slice is
// a copy; the cards are shared and read-only.
func (b *Book) Cards() []*Card { return append([]*Card(nil), b.cards...) }

// Model is the card's pricing model.
func (c *Card) Model() Model { return c.model }

// Currency is the card's ISO 4217 currency code, upper case.
func (c *Card) Currency() string { return c.currency }

// Effective is the card's effective_from date (UTC midnight).
func (c *Card) Effective() time.Time { return c.effective }

// Partial reports whether the card lacked cells of its predecessor and was overlaid on
// it; Base is that predecessor (nil for a complete card).
func (c *Card) Partial() bool { return c.base != nil }

// Base is the card a partial card was overlaid on, or nil.
func (c *Card) Base() *Card { return c.base }

// String names the card: "PMP USD 2025-07-01".
func (c *Card) String() string {
	return fmt.Sprintf("%s %s %s", c.model, c.currency, c.effective.Format(time.DateOnly))
}

// MissingRateError is returned by Card.Rate for a cell the data does not have.
// Billing returns one too for an authentication_international cell a card lacks where
// the market has that rate (Why says how billing knows).
type MissingRateError struct {
	Card     *Card
	Market   string
	Category Category
	Why      string // why the cell is needed, where the card's lacking it is not enough to say so ("" for none)
}

func (e *MissingRateError) Error() string {
	d := e.Card.effective.Format(time.DateOnly)
	why := ""
	if e.Why != "" {
		why = " (" + e.Why + ")"
	}
	return fmt.Sprintf("pricing: the %s %s card of %s has no %s rate for %s%s; supply it with --rates FILE, "+
		"a CSV with header effective_from,pricing_model,market,category,currency,rate and a row such as %s,%s,%s,%s,%s,<rate>",
		e.Card.model, e.Card.currency, d, e.Category, e.Market, why, d, e.Card.model, csvQuote(e.Market), e.Category, e.Card.currency)
}

// Rate returns the card's rate for a market and category: an exact lookup, except three
// fallbacks the data's layout defines:
//   - authentication_international absent → the market's authentication rate: the market
//     has no international rate (docs/billing.md, "Rate cards"), unless a card of
//     another currency shows it has, which billing checks before it asks;
//   - marketing_lite → the marketing rate: Meta charges Marketing Messages Lite messages
//     as marketing messages, and cards have no such column;
//   - on an NBP card, marketing, utility or authentication absent → the template rate
//     (NBP priced every template alike).
//
// Any other absent cell is a *MissingRateError naming the market, category and card,
// and saying how to supply it. Rate neither allocates nor takes locks on success.
func (c *Card) Rate(m market.ID, cat Category) (Rate, error) {
	if m == market.Unknown || int(m) > c.markets.Len() || cat == CatNone || cat >= NumCategories {
		return Rate{}, c.badKey(m, cat)
	}
	i := int(m)*int(NumCategories) + int(cat)
	if r := c.rates[i]; r.Confidence != ConfNone {
		return r, nil
	}
	fb := CatNone
	switch {
	case cat == AuthenticationInternational:
		fb = Authentication
	case cat == MarketingLite:
		fb = Marketing
	case c.model == NBP && (cat == Marketing || cat == Utility || cat == Authentication):
		fb = Template
	}
	if fb != CatNone {
		if r := c.rates[int(m)*int(NumCategories)+int(fb)]; r.Confidence != ConfNone {
			return r, nil
		}
	}
	return Rate{}, &MissingRateError{Card: c, Market: c.markets.Name(m), Category: cat}
}

func (c *Card) badKey(m market.ID, cat Category) error {
	if cat == CatNone || cat >= NumCategories {
		return fmt.Errorf("pricing: category %d is not a rate card category (card %s)", cat, c)
	}
	return fmt.Errorf("pricing: market id %d is not a market of the table (1..%d; card %s)", m, c.markets.Len(), c)
}

// Cell is one present cell of a card, with its provenance, for listings.
type Cell struct {
	Market   market.ID
	Category Category
	Rate
	Provenance
}

// Cells lists the card's present cells (its own and any carried forward), by market id
// then category. No fallbacks are applied: these are the cells the data has.
func (c *Card) Cells() []Cell {
	var out []Cell
	for i, r := range c.rates {
		if r.Confidence == ConfNone {
			continue
		}
		out = append(out, Cell{
			Market:     market.ID(i / int(NumCategories)),
			Category:   Category(i % int(NumCategories)),
			Rate:       r,
			Provenance: c.prov[i],
		})
	}
	return out
}

// Has reports whether the card has its own or a carried cell for (m, cat), without
// fallbacks.
func (c *Card) Has(m market.ID, cat Category) bool {
	i := int(m)*int(NumCategories) + int(cat)
	return m != market.Unknown && cat != CatNone && cat < NumCategories && i < len(c.rates) && c.rates[i].Confidence != ConfNone
}

// errNoCards is returned for a rate file with a header but no rows.
var errNoCards = errors.New("no rate rows")

// localDay is the day number (days since 1970-01-01) of the calendar date of at in loc.
func localDay(at model.Time, loc *time.Location) int32 {
	if loc == nil || loc == time.UTC {
		d := at / model.Day
		if at%model.Day < 0 {
			d--
		}
		return int32(d)
	}
	y, mo, d := at.In(loc).Date()
	return dayOf(time.Date(y, mo, d, 0, 0, 0, 0, time.UTC))
}

func dayOf(t time.Time) int32 { return int32(t.Unix() / 86400) }

// upperASCII upper-cases s, allocating only when s has a lower-case letter, so the
// usual already-upper currency code costs nothing per lookup.
func upperASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'a' <= s[i] && s[i] <= 'z' {
			return strings.ToUpper(s)
		}
	}
	return s
}

func csvQuote(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}
