package pricing

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/money"
)

// Row is one card cell for display (`spendsim rates`).
type Row struct {
	Card       time.Time // the card's effective_from
	Model      Model
	Currency   string
	Market     string
	Category   Category
	Rate       money.Micros
	Confidence Confidence
	// From is the effective_from of the card the value was read from: Card itself, or an
	// earlier card when the cell was carried forward onto a partial card.
	From   time.Time
	Source string
	Note   string
}

// RowFilter picks the card cells Rows lists; its zero value picks every cell.
type RowFilter struct {
	// At: only the card of each model and currency in force on this calendar date (in
	// its own location); nil: every card.
	At *time.Time
	// Model: only this model's cards; ModelNone: every model. Which model bills on a
	// date is the billing era's, which this package does not know (model/billing's era
	// table does).
	Model Model
	// Cards: only the cards this span holds, and with At the one of them in force then
	// (Book.CardIn): an era's rules read cards of their own shape only — CBP's
	// per-category rules no user-/business-initiated card, nor the other way round. The
	// zero Span: any.
	Cards Span
	// Market: only this market (any case); an unknown name is an error listing the
	// known ones. "": every market.
	Market string
}

// Rows lists the card cells f picks, sorted by model, currency, card date, market name
// and category. Carried-forward cells are included, with Confidence Derived and From
// set to their origin card. Fallbacks (authentication for a missing
// authentication_international) are not rows: they are not in the data.
func (b *Book) Rows(f RowFilter) ([]Row, error) {
	want := market.Unknown
	if f.Market != "" {
		id, ok := b.markets.ID(f.Market)
		if !ok {
			return nil, fmt.Errorf("pricing: %q is not a market; want one of: %s", f.Market, strings.Join(b.markets.Names(), ", "))
		}
		want = id
	}
	var cards []*Card
	for _, c := range b.cards {
		if f.Model != ModelNone && c.model != f.Model || !f.Cards.holds(c.effDay) {
			continue
		}
		if f.At != nil {
			y, mo, d := f.At.Date()
			day := dayOf(time.Date(y, mo, d, 0, 0, 0, 0, time.UTC))
			if inForce(f.Cards.inSpan(b.chains[chainKey{c.model, c.currency}]), day) != c {
				continue
			}
		}
		cards = append(cards, c)
	}
	var out []Row
	for _, c := range cards {
		start := len(out)
		for _, cell := range c.Cells() {
			if want != market.Unknown && cell.Market != want {
				continue
			}
			out = append(out, Row{Card: c.effective, Model: c.model, Currency: c.currency,
				Market: b.markets.Name(cell.Market), Category: cell.Category, Rate: cell.Amount,
				Confidence: cell.Confidence, From: cell.Rate.Card, Source: cell.Source, Note: cell.Note})
		}
		// Cells come in market-id order, which is alphabetical; keep categories in
		// vocabulary order within a market.
		rs := out[start:]
		sort.SliceStable(rs, func(i, j int) bool {
			if rs[i].Market != rs[j].Market {
				return rs[i].Market < rs[j].Market
			}
			return rs[i].Category < rs[j].Category
		})
	}
	return out, nil
}

// FormatRate writes a rate as a plain decimal with at least four places, as rate cards
// print them ("0.0625", "2.3000", "0.062512").
func FormatRate(m money.Micros) string {
	s := m.String() // six places
	for strings.HasSuffix(s, "0") && len(s)-strings.IndexByte(s, '.') > 5 {
		s = s[:len(s)-1]
	}
	return s
}

// WriteCSV writes the book's cells as read (no carried-forward cells, no fallbacks) in
// the layout of ratecards.csv, sorted by model, currency, date, market and category: a
// --rates FILE that ReadBook reads back to the same book.
func (b *Book) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(bookColumns); err != nil {
		return err
	}
	for _, rc := range b.raw {
		keys := make([]cellKey, 0, len(rc.cells))
		for k := range rc.cells {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if keys[i].m != keys[j].m {
				return keys[i].m < keys[j].m
			}
			return keys[i].cat < keys[j].cat
		})
		for _, k := range keys {
			v := rc.cells[k]
			rec := []string{rc.effective.Format(time.DateOnly), rc.model.String(), b.markets.Name(k.m), k.cat.String(),
				rc.currency, FormatRate(v.amount), v.conf.String(), v.prov.Source, v.prov.Note}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
