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

// Rows lists card cells sorted by model, currency, card date, market name and category.
// With at, only the card of each model and currency in force on at's calendar date (in
// at's own location); otherwise every card. With a market name (any case), only that
// market; an unknown name is an error listing the known ones. Carried-forward cells are
// included, with Confidence Derived and From set to their origin card. Fallbacks
// (authentication for a missing authentication_international) are not rows: they are
// not in the data.
func (b *Book) Rows(at *time.Time, marketName string) ([]Row, error) {
	want := market.Unknown
	if marketName != "" {
		id, ok := b.markets.ID(marketName)
		if !ok {
			return nil, fmt.Errorf("pricing: %q is not a market; want one of: %s", marketName, strings.Join(b.markets.Names(), ", "))
		}
		want = id
	}
	var cards []*Card
	if at == nil {
		cards = b.cards
	} else {
		y, mo, d := at.Date()
		day := dayOf(time.Date(y, mo, d, 0, 0, 0, 0, time.UTC))
		for _, c := range b.cards {
			cs := b.chains[chainKey{c.model, c.currency}]
			i := sort.Search(len(cs), func(i int) bool { return cs[i].effDay > day }) - 1
			if i >= 0 && cs[i] == c {
				cards = append(cards, c)
			}
		}
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
