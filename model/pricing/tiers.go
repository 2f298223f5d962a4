package pricing

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/money"
)

// MaxVolume is the open upper end of the last band ("MAX", "--" in Meta's files).
const MaxVolume int64 = math.MaxInt64

// Band is one graduated volume band (PMP's, or NBP's where the user gives them): the
// charged messages of a calendar month numbered From to To (both inclusive; Meta's
// analytics write "0:750000", "750001:MAX") are charged at the band's rate. Bands are
// graduated: each band's rate applies only to the messages inside it (docs/billing.md,
// "Volume tiers").
type Band struct {
	Index    int          // tier index: 0 is the list-rate band
	From, To int64        // messages per calendar month, inclusive; To == MaxVolume when open-ended
	Rate     money.Micros // per message in the band, in the table's currency; meaningful when HasRate
	HasRate  bool         // false: the band is given only relative to the list rate (VsListBP)
	// VsListBP is the band's price relative to the list rate, in basis points of it
	// (Meta's "vs. List rate" column: -5 % is -500). Used when HasRate is false.
	VsListBP   int32
	Confidence Confidence // of Rate; a band without one rests on the list rate's cell
}

// PriceConfidence is the confidence of Price's price, list that of the list rate's cell:
// a band's own rate is as sure as its row says; the list rate, or a discount on it, is
// as sure as that cell (a third-party rate less 10 % is still third-party).
func (b Band) PriceConfidence(list Confidence) Confidence {
	if b.HasRate && b.Confidence != ConfNone {
		return b.Confidence
	}
	return list
}

// Price is the band's rate per message given the card's list rate: Rate when the band
// has one, else list × (1 + VsListBP/10000), rounded half away from zero to the micro;
// money.ErrOverflow when that leaves the int64 range. list × (10000 + VsListBP) would
// overflow long before the price does (above about 922 million units a message), so
// the whole ten-thousands of list and the rest are scaled apart.
func (b Band) Price(list money.Micros) (money.Micros, error) {
	if b.HasRate {
		return b.Rate, nil
	}
	f := 10000 + int64(b.VsListBP)
	q, r := int64(list)/10000, int64(list)%10000
	whole, err := money.Mul(money.Micros(q), f)
	if err != nil {
		return 0, err
	}
	part := r * f // |r| < 10000 and 0 <= f <= 20000: no overflow
	if part >= 0 {
		part = (part + 5000) / 10000
	} else {
		part = (part - 5000) / 10000
	}
	return money.Add(whole, money.Micros(part))
}

// Tiers holds graduated volume-band tables per (market, category, currency, effective
// date). Read-only after construction, safe for concurrent readers. A nil *Tiers has no
// bands: list rates everywhere.
type Tiers struct {
	markets *market.Table
	tables  map[tierKey][]tierTable // oldest first
	floors  []TierUpdate            // Meta's tier webhooks, earliest first (tier_updates.go)
}

type tierKey struct {
	m        market.ID
	cat      Category
	currency string
}

type tierTable struct {
	effective time.Time
	effDay    int32
	bands     []Band
	rows      []TierRow // the rows bands were read from, parallel to bands: where each is
	file      string    // and the file they were read from, for CheckList's errors
}

// Bands returns the bands of a market and category in currency, from the latest table
// effective on or before the date of at in loc (nil loc: UTC). Nil means no table
// applies: charge list rates. The slice is shared; do not modify it.
func (t *Tiers) Bands(m market.ID, cat Category, currency string, at model.Time, loc *time.Location) []Band {
	if t == nil || len(t.tables) == 0 {
		return nil
	}
	ts := t.tables[tierKey{m, cat, upperASCII(currency)}]
	if len(ts) == 0 {
		return nil
	}
	day := localDay(at, loc)
	i := sort.Search(len(ts), func(i int) bool { return ts[i].effDay > day }) - 1
	if i < 0 {
		return nil
	}
	return ts[i].bands
}

// Len is the number of band tables.
func (t *Tiers) Len() int {
	if t == nil {
		return 0
	}
	n := 0
	for _, ts := range t.tables {
		n += len(ts)
	}
	return n
}

// TierTable is one band table, for listings.
type TierTable struct {
	Market    string
	Category  Category
	Currency  string
	Effective time.Time
	Bands     []Band
}

// Tables lists every band table, sorted by market, category, currency and date.
func (t *Tiers) Tables() []TierTable {
	if t == nil {
		return nil
	}
	var out []TierTable
	for k, ts := range t.tables {
		for _, tt := range ts {
			out = append(out, TierTable{Market: t.markets.Name(k.m), Category: k.cat, Currency: k.currency,
				Effective: tt.effective, Bands: append([]Band(nil), tt.bands...)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Market != b.Market {
			return a.Market < b.Market
		}
		if a.Category != b.Category {
			return a.Category < b.Category
		}
		if a.Currency != b.Currency {
			return a.Currency < b.Currency
		}
		return a.Effective.Before(b.Effective)
	})
	return out
}

// TierRow is one row of a tiers.csv-layout file. The layout also carries examples and
// generic discount steps that are not complete band tables, so fields may be unknown.
type TierRow struct {
	Market     string     // a market name, or "*" for every market
	Categories []Category // "utility|authentication" lists several; Template (NBP) stands alone
	Index      int        // tier index; -1 when not given
	From, To   int64      // inclusive; -1 when not given; To == MaxVolume for "MAX"
	RateType   string     // "List" or "Tier"
	Rate       money.Micros
	HasRate    bool
	VsListBP   int32 // discount_pct in basis points (-5 → -500); meaningful when HasVsList
	HasVsList  bool
	Currency   string // "" when not given
	Effective  time.Time
	Confidence Confidence
	Source     string
	Note       string
	Line       int // in the file it was read from
	// RateCol and VsListCol are the columns (from 1, in bytes, as encoding/csv counts
	// them) of the rate and discount cells in Line, for errors; 0 when not known.
	RateCol, VsListCol int
}

var tierColumns = []string{"market", "category", "tier_index", "volume_from", "volume_to", "rate_type",
	"rate", "discount_pct", "currency", "effective_from", "confidence", "source", "note"}

//go:embed data/tiers.csv
var builtinTiersCSV []byte

// BuiltinTierRows returns the rows of the embedded tiers.csv, for listings. They are not
// complete band tables (see BuiltinTiers).
func BuiltinTierRows() []TierRow {
	rows, err := ReadTierRows(bytes.NewReader(builtinTiersCSV), "tiers.csv")
	if err != nil {
		panic("pricing: embedded tiers.csv is broken: " + err.Error())
	}
	return rows
}

// TierOptions chooses which embedded tier data BuiltinTiers applies.
type TierOptions struct {
	// ThirdPartyIndiaINR applies whats91's India INR utility band table (effective
	// 2026-01-01, six bands). Default false: it conflicts with Meta's own examples (its
	// ~6 % steps disagree with the 5 % steps of Meta's tier files, and its 20M–50M band
	// with Meta's example band 25000001:50000000), so spendsim does not bill by it unless
	// asked.
	ThirdPartyIndiaINR bool
}

// BuiltinTiers returns the embedded band tables the options select. With the zero
// options it is empty (list rates everywhere): the embedded tiers.csv holds Meta's
// examples (single bands such as India authentication_international 0:750000, band
// edges without rates, marketing's 0:MAX) and the generic discount ladder (0 to -25 %,
// no band edges), none of which is a complete table, plus the third-party India INR
// table that only ThirdPartyIndiaINR applies. Real tables come from Meta's Tier Pricing
// CSV (ReadMetaTiers).
func BuiltinTiers(o TierOptions) (*Tiers, error) {
	var sel []TierRow
	for _, r := range BuiltinTierRows() {
		if o.ThirdPartyIndiaINR && r.Market == "India" && r.Currency == "INR" && r.Confidence == ThirdParty &&
			len(r.Categories) == 1 && r.Categories[0] == Utility && r.Effective.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
			sel = append(sel, r)
		}
	}
	return NewTiers(sel, "tiers.csv")
}

// ReadTiers reads complete band tables in the layout of tiers.csv (see ReadTierRows and
// NewTiers).
func ReadTiers(r io.Reader, name string) (*Tiers, error) { return readTiers(r, name, money.DotDecimal) }

// readTiers is ReadTiers with numbers written in notation num.
func readTiers(r io.Reader, name string, num money.Notation) (*Tiers, error) {
	rows, err := readTierRows(r, name, num)
	if err != nil {
		return nil, err
	}
	return NewTiers(rows, name)
}

// ReadTierRows reads a file in the layout of tiers.csv: header
// market,category,tier_index,volume_from,volume_to,rate_type,rate,discount_pct,currency,
// effective_from,confidence,source,note. Cells may be empty where the data does not
// know them; NewTiers decides whether the rows form usable tables.
func ReadTierRows(r io.Reader, name string) ([]TierRow, error) {
	return readTierRows(r, name, money.DotDecimal)
}

// readTierRows is ReadTierRows with numbers written in notation num.
func readTierRows(r io.Reader, name string, num money.Notation) ([]TierRow, error) {
	mt := market.Builtin()
	cr := newCSVReader(r, num)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file; want a header %s", name, strings.Join(tierColumns, ","))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for i := range header {
		header[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff")))
	}
	if strings.Join(header, ",") != strings.Join(tierColumns, ",") {
		return nil, fmt.Errorf("%s:1: header is %q; want %s", name, strings.Join(header, ","), strings.Join(tierColumns, ","))
	}
	var rows []TierRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(tierColumns) {
			return nil, fmt.Errorf("%s:%d: %d columns, want %d", name, line, len(rec), len(tierColumns))
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		where := func(c int, format string, a ...any) error {
			return fmt.Errorf("%s:%d: column %s: %s", name, line, tierColumns[c], fmt.Sprintf(format, a...))
		}
		tr := TierRow{Market: rec[0], Index: -1, From: -1, To: -1, RateType: rec[5], Line: line,
			Source: rec[11], Note: rec[12], Confidence: UserSupplied}
		if tr.Market != "*" {
			id, ok := mt.ID(tr.Market)
			if !ok {
				return nil, where(0, "%q is not a market of the market table (or * for all)", rec[0])
			}
			tr.Market = mt.Name(id)
		}
		for _, s := range strings.Split(rec[1], "|") {
			c, ok := ParseCategory(s)
			if !ok || !(tierCategory(c) || c == Template) {
				return nil, where(1, "%q is not one of utility, authentication, authentication_international, marketing (PMP) or template (NBP) (| separates several)", s)
			}
			tr.Categories = append(tr.Categories, c)
		}
		if len(tr.Categories) > 1 && slices.Contains(tr.Categories, Template) {
			return nil, where(1, "%q joins template, NBP's bands over all of a market's templates, to PMP's per-category bands; want template alone on the row", rec[1])
		}
		if rec[2] != "" {
			n, err := strconv.Atoi(rec[2])
			if err != nil || n < 0 {
				return nil, where(2, "%q is not a tier index; want 0, 1, 2, …", rec[2])
			}
			tr.Index = n
		}
		if rec[3] != "" {
			if tr.From, err = parseVolume(rec[3], false, num); err != nil {
				return nil, where(3, "%v", err)
			}
		}
		if rec[4] != "" {
			if tr.To, err = parseVolume(rec[4], true, num); err != nil {
				return nil, where(4, "%v", err)
			}
		}
		if tr.From >= 0 && tr.To >= 0 && tr.To < tr.From {
			return nil, where(4, "%s is below volume_from %s", rec[4], rec[3])
		}
		switch strings.ToLower(tr.RateType) {
		case "list", "tier":
		default:
			return nil, where(5, "%q is not List or Tier", rec[5])
		}
		_, tr.RateCol = cr.FieldPos(6)
		_, tr.VsListCol = cr.FieldPos(7)
		if rec[6] != "" {
			if tr.Rate, err = num.Parse(rec[6]); err != nil || tr.Rate < 0 {
				if msg := decimalCommaProblem(rec[6], err, num); msg != "" {
					return nil, where(6, "%s", msg)
				}
				return nil, where(6, "%q is not a rate; want a plain decimal such as 0.1150", rec[6])
			}
			tr.HasRate = true
		}
		if rec[7] != "" {
			if tr.VsListBP, err = parsePercentBP(rec[7], num); err != nil {
				return nil, where(7, "%v", err)
			}
			if tr.VsListBP > 0 {
				return nil, fmt.Errorf("%s:%d:%d: column discount_pct: %s", name, line, tr.VsListCol, aboveListPct(rec[7]))
			}
			tr.HasVsList = true
		}
		if rec[8] != "" {
			tr.Currency = strings.ToUpper(rec[8])
			if !isCurrency(tr.Currency) {
				return nil, where(8, "%q is not an ISO 4217 code; want three letters such as INR", rec[8])
			}
		}
		if tr.Effective, err = time.Parse(time.DateOnly, rec[9]); err != nil {
			return nil, where(9, "%q is not a date; want YYYY-MM-DD", rec[9])
		}
		if rec[10] != "" {
			c, ok := ParseConfidence(rec[10])
			if !ok {
				return nil, where(10, "%q is not one of official, bsp, third_party, derived, user", rec[10])
			}
			tr.Confidence = c
		}
		rows = append(rows, tr)
	}
	return rows, nil
}

// NewTiers builds band tables from rows. Rows sharing (market, category, currency,
// effective date) form one table, which must be complete: a named market and currency,
// band edges on every row, a rate or a discount on every row, bands starting at 0 (or 1)
// and following each other without gap or overlap up to MAX. Anything less would leave
// some message count without a price. Errors name the file and line.
func NewTiers(rows []TierRow, name string) (*Tiers, error) {
	mt := market.Builtin()
	t := &Tiers{markets: mt, tables: map[tierKey][]tierTable{}}
	type tk struct {
		tierKey
		eff time.Time
	}
	groups := map[tk][]TierRow{}
	var order []tk
	for _, r := range rows {
		at := func(format string, a ...any) error {
			return fmt.Errorf("%s:%d: %s", name, r.Line, fmt.Sprintf(format, a...))
		}
		switch {
		case r.Market == "*":
			return nil, at("a band table needs a market, not *")
		case r.Currency == "":
			return nil, at("a band table needs a currency")
		case r.From < 0 || r.To < 0:
			return nil, at("a band needs both volume_from and volume_to")
		case !r.HasRate && !r.HasVsList:
			return nil, at("a band needs a rate or a discount_pct")
		}
		id, ok := mt.ID(r.Market)
		if !ok {
			return nil, at("%q is not a market of the market table", r.Market)
		}
		for _, c := range r.Categories {
			k := tk{tierKey{id, c, r.Currency}, r.Effective}
			if _, seen := groups[k]; !seen {
				order = append(order, k)
			}
			groups[k] = append(groups[k], r)
		}
	}
	for _, k := range order {
		rs := groups[k]
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].From < rs[j].From })
		bands := make([]Band, len(rs))
		for i, r := range rs {
			want := int64(0)
			if i > 0 {
				want = rs[i-1].To + 1
			}
			if r.From != want && !(i == 0 && r.From == 1) {
				what := "starts"
				if i > 0 {
					what = "follows " + strconv.FormatInt(rs[i-1].From, 10) + ":" + volumeText(rs[i-1].To) + " and starts"
				}
				return nil, fmt.Errorf("%s:%d: the %s %s band of %s %s %s at %d; want %d (bands must cover every count from 0 to MAX without gap or overlap)",
					name, r.Line, mt.Name(k.m), k.cat, k.currency, k.eff.Format(time.DateOnly), what, r.From, want)
			}
			idx := r.Index
			if idx < 0 {
				idx = i
			}
			bands[i] = Band{Index: idx, From: r.From, To: r.To, Rate: r.Rate, HasRate: r.HasRate, VsListBP: r.VsListBP, Confidence: r.Confidence}
		}
		if last := rs[len(rs)-1]; last.To != MaxVolume {
			return nil, fmt.Errorf("%s:%d: the last %s %s band of %s %s ends at %d; want MAX (an open upper end)",
				name, last.Line, mt.Name(k.m), k.cat, k.currency, k.eff.Format(time.DateOnly), last.To)
		}
		t.tables[k.tierKey] = append(t.tables[k.tierKey], tierTable{effective: k.eff, effDay: dayOf(k.eff), bands: bands, rows: rs, file: name})
	}
	// Rows of one key and date form one table, so dates within a key are distinct.
	for _, ts := range t.tables {
		sort.Slice(ts, func(i, j int) bool { return ts[i].effDay < ts[j].effDay })
	}
	return t, nil
}

// aboveListPct says why a band's discount_pct (Meta's "vs. List rate") s above 0 is
// refused: volume tiers lower the list rate, never raise it.
func aboveListPct(s string) string {
	return fmt.Sprintf("%q prices the band above the list rate; volume tiers are discounts on it: want 0 or a negative percentage such as -5%% (Meta's \"vs. List rate\" runs from 0%% to -25%%)", s)
}

// CheckList refuses a band whose own rate is above the list rate it discounts: the
// rate of its market and category (NBP's bands: the template rate) on the card of book,
// in its currency, in force on the table's effective date (or, for a table older than
// every card, the first card, whose date the bands go with: docs/billing.md, "Volume
// tiers"). Meta's volume tiers only lower the list rate (its Tier Pricing CSV's "vs.
// List rate" runs from 0 % to -25 %), so a band above it is a typo, a misplaced decimal
// most often, that would overcharge every message in it. The error names the file, line
// and column of the rate, the card and the most the band may be. Later cards are not
// held against the table, which was published with the list rates of its date; cells
// the book lacks, and cards in other currencies, are not checked: billing says what is
// missing when a message needs it.
func (t *Tiers) CheckList(book *Book) error {
	if t == nil || book == nil {
		return nil
	}
	var first error // the earliest line's, whatever the map's order
	firstLine := 0
	for k, ts := range t.tables {
		m, cat := PMP, k.cat
		if cat == Template {
			m = NBP
		}
		chain := book.chains[chainKey{m, k.currency}]
		if len(chain) == 0 {
			continue
		}
		for i, tt := range ts {
			c := inForce(chain, tt.effDay)
			if c == nil {
				if c = chain[0]; i+1 < len(ts) && ts[i+1].effDay <= c.effDay {
					continue // replaced before any card took effect: never in force
				}
			}
			list, err := c.Rate(k.m, cat)
			if err != nil {
				continue
			}
			for b, bd := range tt.bands {
				if !bd.HasRate || bd.Rate <= list.Amount {
					continue
				}
				r := tt.rows[b]
				if first != nil && r.Line >= firstLine {
					continue
				}
				firstLine = r.Line
				first = fmt.Errorf("%s:%d:%d: the rate %s of the %s %s band %s:%s of %s is above the list rate %s of the %s %s card effective %s; volume tiers are discounts: want at most %s (a misplaced decimal? if the card is the one out of date, give the right one with --rates)",
					tt.file, r.Line, r.RateCol, bd.Rate, t.markets.Name(k.m), cat, volumeText(bd.From), volumeText(bd.To),
					tt.effective.Format(time.DateOnly), list.Amount, m, k.currency, c.effective.Format(time.DateOnly), list.Amount)
			}
		}
	}
	return first
}

// tierCategory reports whether a PMP category may have volume bands, in any tier file.
// Marketing appears in the data only as Meta's "0:MAX" (no tiers); it is accepted so
// that row reads. NBP's Template is read only from spendsim's tier layout
// (readTierRows): Meta's Tier Pricing CSV and tier webhooks are PMP's.
func tierCategory(c Category) bool {
	return c == Marketing || c == Utility || c == Authentication || c == AuthenticationInternational
}

func volumeText(v int64) string {
	if v == MaxVolume {
		return "MAX"
	}
	return strconv.FormatInt(v, 10)
}

// parsePercentBP reads a percentage ("-5", "-5%", "−5 %", "0%") exactly into basis
// points.
func parsePercentBP(s string, num money.Notation) (int32, error) {
	t := strings.TrimSpace(s)
	t = strings.ReplaceAll(t, "−", "-") // U+2212 MINUS SIGN, as typeset tables print it
	t = strings.TrimSpace(strings.TrimSuffix(t, "%"))
	// num.Parse is an exact decimal reader; a percent has at most 2 useful decimals.
	v, err := num.Parse(t)
	if msg := decimalCommaProblem(s, err, num); msg != "" {
		return 0, errors.New(msg)
	}
	// v is the percentage in millionths; one basis point is 0.01 % = 10000 millionths.
	if err != nil || v%10000 != 0 || v < -100*money.PerUnit || v > 100*money.PerUnit {
		return 0, fmt.Errorf("%q is not a percentage; want a number such as -5%% (at most 2 decimals, between -100 and 100)", s)
	}
	return int32(v / 10000), nil
}

// MergeTiers returns the band tables of base and over; a table of over replaces base's
// table of the same market, category, currency and date. Either may be nil. This lets
// several Tier Pricing CSVs (one per currency or date) be loaded together.
func MergeTiers(base, over *Tiers) *Tiers {
	out := &Tiers{markets: market.Builtin(), tables: map[tierKey][]tierTable{}}
	for _, src := range []*Tiers{base, over} {
		if src == nil {
			continue
		}
		out.floors = append(out.floors, src.floors...)
		for k, ts := range src.tables {
			cur := out.tables[k]
			for _, tt := range ts {
				i := slices.IndexFunc(cur, func(x tierTable) bool { return x.effDay == tt.effDay })
				if i >= 0 {
					cur[i] = tt
				} else {
					cur = append(cur, tt)
				}
			}
			sort.Slice(cur, func(i, j int) bool { return cur[i].effDay < cur[j].effDay })
			out.tables[k] = cur
		}
	}
	sort.SliceStable(out.floors, func(i, j int) bool { return out.floors[i].At < out.floors[j].At })
	return out
}
