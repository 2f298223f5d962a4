package reports

import (
	"fmt"
	"sort"
	"time"

	"github.com/spendsim/spendsim/internal/table"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
)

// File name of the per-month bill of a replay.
const BillFile = "bill.parquet"

type billKey struct {
	month    int32  // months since year 0 in the account's zone
	market   uint16 // the charge's market id; its name is in BillTally.names
	category pricing.Category
	typ      pricing.Type
}

type billCell struct {
	messages, billable int64
	amount             money.Sum
	derived            money.Sum // priced from derived or third-party rates
}

// BillTally aggregates delivered messages by month × market × pricing category ×
// pricing type: a handful of cells whatever the trace size.
type BillTally struct {
	loc   *time.Location
	cells map[billKey]*billCell // keyed by small integers: no string hashed per message
	names map[uint16]string     // market names by id

	// The month of the previous message and its bounds: messages come in time order,
	// so converting each one's time to a calendar date is rarely needed.
	month                int32
	monthFrom, monthTill model.Time
	// cur holds the month's cells by (market, category, type) (curIndex), so that the
	// map is looked up only for a cell's first message of a month.
	cur []*billCell
}

// curIndex is the place of a charge's cell in BillTally.cur; false for a category or
// type outside the vocabulary, whose cell is looked up in the map.
func curIndex(c *pricing.Charge) (int, bool) {
	if c.Category >= pricing.NumCategories || c.Type >= pricing.NumTypes {
		return 0, false
	}
	return (int(c.Market)*int(pricing.NumCategories)+int(c.Category))*int(pricing.NumTypes) + int(c.Type), true
}

// NewBillTally buckets months in loc.
func NewBillTally(loc *time.Location) *BillTally {
	if loc == nil {
		loc = time.UTC
	}
	return &BillTally{loc: loc, cells: map[billKey]*billCell{}, names: map[uint16]string{}}
}

// Add counts one delivered message evaluated at t. Cells are keyed by c.Market;
// marketName must be that market's name.
func (b *BillTally) Add(t model.Time, marketName string, c *pricing.Charge) {
	if t < b.monthFrom || t >= b.monthTill || b.monthTill == 0 {
		lt := t.In(b.loc)
		y, m := lt.Year(), lt.Month()
		b.month = int32(y)*12 + int32(m) - 1
		b.monthFrom = model.FromStd(time.Date(y, m, 1, 0, 0, 0, 0, b.loc))
		b.monthTill = model.FromStd(time.Date(y, m+1, 1, 0, 0, 0, 0, b.loc))
		clear(b.cur)
	}
	i, ok := curIndex(c)
	var cell *billCell
	if ok && i < len(b.cur) {
		cell = b.cur[i]
	}
	if cell == nil {
		cell = b.cell(marketName, c)
		if ok {
			if i >= len(b.cur) {
				b.cur = append(b.cur, make([]*billCell, i+1-len(b.cur))...)
			}
			b.cur[i] = cell
		}
	}
	cell.messages++
	if c.Billable {
		cell.billable++
		cell.amount.Add(c.Amount)
		if c.Confidence == pricing.Derived || c.Confidence == pricing.ThirdParty {
			cell.derived.Add(c.Amount)
		}
	}
}

// cell returns the month's cell of c, made when it is new.
func (b *BillTally) cell(marketName string, c *pricing.Charge) *billCell {
	k := billKey{b.month, c.Market, c.Category, c.Type}
	cell := b.cells[k]
	if cell == nil {
		cell = &billCell{}
		b.cells[k] = cell
		if name, ok := b.names[c.Market]; ok && name != marketName {
			// Two names for one id: the cells must not merge them.
			panic(fmt.Sprintf("reports: market %d is both %q and %q", c.Market, name, marketName))
		}
		b.names[c.Market] = marketName
	}
	return cell
}

// BillRow is one row of bill.parquet.
type BillRow struct {
	Month           time.Time // first day of the month, in the account's zone
	Market          string
	PricingCategory string
	PricingType     string
	Messages        int64 // delivered business messages
	Billable        int64 // charged ones
	AmountMicros    money.Micros
	DerivedMicros   money.Micros // of AmountMicros, priced from derived or third_party rates
}

// Rows returns the bill sorted by month, market, category, type.
func (b *BillTally) Rows() ([]BillRow, error) {
	keys := make([]billKey, 0, len(b.cells))
	for k := range b.cells {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, c := keys[i], keys[j]
		if a.month != c.month {
			return a.month < c.month
		}
		if a.market != c.market {
			return b.names[a.market] < b.names[c.market]
		}
		if a.category != c.category {
			return a.category < c.category
		}
		return a.typ < c.typ
	})
	rows := make([]BillRow, 0, len(keys))
	for _, k := range keys {
		cell := b.cells[k]
		amt, err := cell.amount.Total()
		if err != nil {
			return nil, err
		}
		der, _ := cell.derived.Total()
		rows = append(rows, BillRow{
			Month:           time.Date(int(k.month/12), time.Month(k.month%12+1), 1, 0, 0, 0, 0, b.loc),
			Market:          b.names[k.market],
			PricingCategory: k.category.String(),
			PricingType:     k.typ.String(),
			Messages:        cell.messages,
			Billable:        cell.billable,
			AmountMicros:    amt,
			DerivedMicros:   der,
		})
	}
	return rows, nil
}

// WriteBill writes bill.parquet.
func WriteBill(path string, rows []BillRow, currency, version string) error {
	tw, err := table.Create(path, []table.Column{
		table.DateCol("month"), table.StringCol("market"), table.StringCol("pricing_category").OrNull(), table.StringCol("pricing_type").OrNull(),
		table.Int64Col("messages"), table.Int64Col("billable"), table.Int64Col("amount_micros"), table.Int64Col("derived_amount_micros"), table.StringCol("currency"),
	}, table.Options{Version: version})
	if err != nil {
		return err
	}
	month, mkt, cat, typ := tw.Date("month"), tw.String("market"), tw.String("pricing_category"), tw.String("pricing_type")
	msgs, bill, amt, der, cur := tw.Int64("messages"), tw.Int64("billable"), tw.Int64("amount_micros"), tw.Int64("derived_amount_micros"), tw.String("currency")
	for _, r := range rows {
		month.Append(r.Month)
		mkt.Append(r.Market)
		appendOrNull(cat, r.PricingCategory)
		appendOrNull(typ, r.PricingType)
		msgs.Append(r.Messages)
		bill.Append(r.Billable)
		amt.Append(int64(r.AmountMicros))
		der.Append(int64(r.DerivedMicros))
		cur.Append(currency)
		if err := tw.EndRow(); err != nil {
			tw.Abort()
			return err
		}
	}
	return tw.Close()
}
