package pricing

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/money"
)

// rawCard is a card as read from its rows, before any overlay.
type rawCard struct {
	model     Model
	currency  string
	effective time.Time
	cells     map[cellKey]rawCell
}

type cellKey struct {
	m   market.ID
	cat Category
}

type rawCell struct {
	amount money.Micros
	conf   Confidence
	prov   Provenance
}

// bookColumns are the columns of ratecards.csv; the first six are required.
var bookColumns = []string{"effective_from", "pricing_model", "market", "category", "currency", "rate",
	"confidence", "source", "note"}

const bookRequired = 6

// ReadBook reads rate cards in spendsim's own layout (that of the embedded
// ratecards.csv): a header naming at least effective_from, pricing_model, market,
// category, currency and rate, in any order, optionally confidence, source and note;
// then one row per card cell. Rows sharing (effective_from, pricing_model, currency)
// form one card. A missing or empty confidence means UserSupplied. Market names must be
// those of the embedded market table. Errors read FILE:LINE: column NAME: problem.
// Rates are written with a decimal dot (money.Parse).
func ReadBook(r io.Reader, name string) (*Book, error) { return readBook(r, name, money.DotDecimal) }

// readBook is ReadBook with rates written in notation num.
func readBook(r io.Reader, name string, num money.Notation) (*Book, error) {
	mt := market.Builtin()
	cr := newCSVReader(r, num)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file; want a header %s", name, strings.Join(bookColumns[:bookRequired], ","))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		known := false
		for _, c := range bookColumns {
			known = known || c == h
		}
		if !known {
			return nil, fmt.Errorf("%s:1: column %q is not one of %s", name, header[i], strings.Join(bookColumns, ", "))
		}
		if _, dup := col[h]; dup {
			return nil, fmt.Errorf("%s:1: column %s appears twice", name, h)
		}
		col[h] = i
	}
	for _, c := range bookColumns[:bookRequired] {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("%s:1: column %s is missing; the header needs %s", name, c, strings.Join(bookColumns[:bookRequired], ","))
		}
	}
	get := func(rec []string, c string) string {
		i, ok := col[c]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	cards := map[chainKeyDate]*rawCard{}
	lines := map[chainKeyDate]map[cellKey]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue // a blank line
			}
			return nil, fmt.Errorf("%s:%d: %d columns, want %d as in the header", name, line, len(rec), len(header))
		}
		where := func(c string, format string, a ...any) error {
			return fmt.Errorf("%s:%d: column %s: %s", name, line, c, fmt.Sprintf(format, a...))
		}
		eff, err := time.Parse(time.DateOnly, get(rec, "effective_from"))
		if err != nil {
			return nil, where("effective_from", "%q is not a date; want YYYY-MM-DD", get(rec, "effective_from"))
		}
		m, ok := ParseModel(get(rec, "pricing_model"))
		if !ok {
			return nil, where("pricing_model", "%q is not one of NBP, CBP, PMP", get(rec, "pricing_model"))
		}
		mk, ok := mt.ID(get(rec, "market"))
		if !ok {
			return nil, where("market", "%q is not a market of the market table; want one of: %s",
				get(rec, "market"), strings.Join(mt.Names(), ", "))
		}
		cat, ok := ParseCategory(get(rec, "category"))
		if !ok || !modelAllows(m, cat) {
			return nil, where("category", "%q is not a %s category; want one of %s", get(rec, "category"), m, allowedNames(m))
		}
		cur := strings.ToUpper(get(rec, "currency"))
		if !isCurrency(cur) {
			return nil, where("currency", "%q is not an ISO 4217 code; want three letters such as USD", get(rec, "currency"))
		}
		amt, err := num.Parse(get(rec, "rate"))
		if msg := decimalCommaProblem(get(rec, "rate"), err, num); msg != "" {
			return nil, where("rate", "%s", msg)
		}
		if err != nil {
			return nil, where("rate", "%q is not a decimal amount (%v); want a plain decimal such as 0.0625", get(rec, "rate"), err)
		}
		if amt < 0 {
			return nil, where("rate", "%s is negative; rates are list prices of at least 0", get(rec, "rate"))
		}
		conf := UserSupplied
		if s := get(rec, "confidence"); s != "" {
			if conf, ok = ParseConfidence(s); !ok {
				return nil, where("confidence", "%q is not one of official, bsp, third_party, derived, user", s)
			}
		}
		k := chainKeyDate{chainKey{m, cur}, eff}
		rc := cards[k]
		if rc == nil {
			rc = &rawCard{model: m, currency: cur, effective: eff, cells: map[cellKey]rawCell{}}
			cards[k] = rc
			lines[k] = map[cellKey]int{}
		}
		ck := cellKey{mk, cat}
		if prev, dup := lines[k][ck]; dup {
			return nil, fmt.Errorf("%s:%d: %s %s for %s on the %s %s card of %s is already given on line %d",
				name, line, cat, "rate", mt.Name(mk), m, cur, eff.Format(time.DateOnly), prev)
		}
		lines[k][ck] = line
		rc.cells[ck] = rawCell{amount: amt, conf: conf, prov: Provenance{File: name, Line: line,
			Source: get(rec, "source"), Note: get(rec, "note")}}
	}
	if len(cards) == 0 {
		return nil, fmt.Errorf("%s: %w after the header; want one row per card cell", name, errNoCards)
	}
	raws := make([]rawCard, 0, len(cards))
	for _, rc := range cards {
		raws = append(raws, *rc)
	}
	return assemble(mt, raws)
}

type chainKeyDate struct {
	chainKey
	eff time.Time
}

// Merge returns a book with the cards of base and over; where both have a card of the
// same model, currency and date, over's cells replace or add to base's. This is how a
// --rates FILE fills a known gap without copying every embedded card. Partial cards are
// overlaid afresh on the merged cards.
func Merge(base, over *Book) (*Book, error) {
	if base.markets != over.markets {
		return nil, errors.New("pricing: cannot merge books built on different market tables")
	}
	idx := map[chainKeyDate]int{}
	var raws []rawCard
	for _, rc := range base.raw {
		idx[chainKeyDate{chainKey{rc.model, rc.currency}, rc.effective}] = len(raws)
		cells := make(map[cellKey]rawCell, len(rc.cells))
		for k, v := range rc.cells {
			cells[k] = v
		}
		rc.cells = cells
		raws = append(raws, rc)
	}
	for _, rc := range over.raw {
		k := chainKeyDate{chainKey{rc.model, rc.currency}, rc.effective}
		i, ok := idx[k]
		if !ok {
			raws = append(raws, rc)
			continue
		}
		for ck, v := range rc.cells {
			raws[i].cells[ck] = v
		}
	}
	return assemble(base.markets, raws)
}

// family groups categories by the card structure they belong to. CBP's 2022
// user/business-initiated cells were replaced by per-category cells on 2023-06-01
// (docs/billing.md, "Rate cards"), and NBP's template cells belong to no later
// structure: a card of one family is never judged by, or filled from, another family's
// cells.
func family(c Category) int {
	switch c {
	case UserInitiated, BusinessInitiated:
		return 1
	case Template:
		return 2
	}
	return 0
}

const numFamilies = 3

// assemble builds cards from raw rows and overlays partial cards.
//
// Partial cards. Each (effective_from, model, currency) group of ratecards.csv is meant
// as a full snapshot, but data/README.md ("Partial cards"; docs/billing.md, "Rate cards")
// lists cards that are not: the INR cards (India only, a category or two at a time),
// the 2026-10-01 AED excerpt and the 2026-10-01 USD rows (two markets). Decision: a card
// is complete when, within the category families it uses, it has at least one cell for
// every market and every category its predecessor (the previous card of the same model
// and currency, as overlaid) has. A complete card stands alone, so its absent cells stay
// errors: the 2026-07-01 USD card covers all 32 markets, and its missing Italy, Spain,
// UK and Saudi Arabia marketing cells are real gaps (those prices rose to unknown
// values), not carry-forwards. A card that is not complete is overlaid on its
// predecessor: every predecessor cell it lacks is carried forward with Confidence
// Derived, keeping the effective date of the card the value was read from in Rate.Card.
// The first card of a model and currency is complete by definition. A cell missing from
// both is a *MissingRateError.
func assemble(mt *market.Table, raws []rawCard) (*Book, error) {
	sort.Slice(raws, func(i, j int) bool {
		a, b := raws[i], raws[j]
		if a.model != b.model {
			return a.model < b.model
		}
		if a.currency != b.currency {
			return a.currency < b.currency
		}
		return a.effective.Before(b.effective)
	})
	b := &Book{markets: mt, chains: map[chainKey][]*Card{}, raw: raws}
	n := (mt.Len() + 1) * int(NumCategories)
	for _, rc := range raws {
		c := &Card{model: rc.model, currency: rc.currency, effective: rc.effective,
			effDay: dayOf(rc.effective), markets: mt, rates: make([]Rate, n), prov: make([]Provenance, n)}
		var fams [numFamilies]bool
		for k, v := range rc.cells {
			i := int(k.m)*int(NumCategories) + int(k.cat)
			c.rates[i] = Rate{Amount: v.amount, Confidence: v.conf, Card: rc.effective}
			c.prov[i] = v.prov
			fams[family(k.cat)] = true
		}
		key := chainKey{rc.model, rc.currency}
		chain := b.chains[key]
		if len(chain) > 0 {
			prev := chain[len(chain)-1]
			if !complete(c, prev, fams) {
				c.base = prev
				for i, r := range prev.rates {
					cat := Category(i % int(NumCategories))
					if r.Confidence == ConfNone || c.rates[i].Confidence != ConfNone || !fams[family(cat)] {
						continue
					}
					r.Confidence = Derived
					c.rates[i] = r
					p := prev.prov[i]
					p.Note = fmt.Sprintf("carried forward to the %s card, which lists only some markets or categories "+
						"(partial card overlay; docs/billing.md \"Rate cards\"); %s card row: %s",
						c, r.Card.Format(time.DateOnly), p.Note)
					c.prov[i] = p
				}
			}
		}
		b.chains[key] = append(chain, c)
		b.cards = append(b.cards, c)
	}
	return b, nil
}

// complete reports whether c, by its own cells, covers every market and category that
// prev has within c's category families.
func complete(c, prev *Card, fams [numFamilies]bool) bool {
	nc := int(NumCategories)
	mkts := make([]bool, len(c.rates)/nc)
	var cats [NumCategories]bool
	for i, r := range c.rates {
		if r.Confidence != ConfNone {
			mkts[i/nc] = true
			cats[i%nc] = true
		}
	}
	for i, r := range prev.rates {
		cat := Category(i % nc)
		if r.Confidence == ConfNone || !fams[family(cat)] {
			continue
		}
		if !mkts[i/nc] || !cats[cat] {
			return false
		}
	}
	return true
}

// modelAllows says which categories a card of each model may price.
func modelAllows(m Model, c Category) bool {
	switch m {
	case NBP:
		return c == Template || c == Marketing || c == Utility || c == Authentication
	case CBP:
		return c == Marketing || c == Utility || c == Authentication || c == AuthenticationInternational ||
			c == Service || c == UserInitiated || c == BusinessInitiated
	case PMP:
		return c == Marketing || c == Utility || c == Authentication || c == AuthenticationInternational || c == Service
	}
	return false
}

func allowedNames(m Model) string {
	var s []string
	for c := Marketing; c < NumCategories; c++ {
		if modelAllows(m, c) {
			s = append(s, c.String())
		}
	}
	return strings.Join(s, ", ")
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
