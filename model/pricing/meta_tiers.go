package pricing

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/money"
)

// Meta's Tier Pricing CSV; meta.go has the reader helpers it shares with ReadMetaCard.

// tierGroupCols are the five columns of one category group in Meta's Tier Pricing CSV.
var tierGroupCols = []string{"from", "to", "rate type", "rate", "vs. list rate"}

// ReadMetaTiers reads Meta's "Tier Pricing" CSV: a title line mentioning volume tiers, a
// URL note, a row naming the category groups (Utility, Authentication, Auth-Intl), a
// sub-header row, the header `"Market\n(per rate card)", Currency` followed by
// From, To, Rate type, Rate, vs. List rate per group, then one row per band. The market
// appears on the first row of its block only and is carried down; so is the currency
// when a row leaves it empty. A group whose cells are all n/a has no bands. From/To are
// message counts with thousands separators, To "--" meaning no upper end. The file does
// not carry its effective date; the caller gives it. Each (market, category) block must
// be a complete graduated table (see NewTiers).
func ReadMetaTiers(r io.Reader, name string, effective time.Time) (*Tiers, error) {
	return readMetaTiers(r, name, effective, money.DotDecimal)
}

// readMetaTiers is ReadMetaTiers with numbers written in notation num.
func readMetaTiers(r io.Reader, name string, effective time.Time, num money.Notation) (*Tiers, error) {
	y, mo, d := effective.Date()
	effective = time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	mt := market.Builtin()
	cr := newMetaReader(r, num)
	var header []string
	var prevRecs [][]string
	headerLine := 0
	for n := 0; header == nil; n++ {
		rec, err := cr.Read()
		if err == io.EOF || n == metaHeaderSearch {
			return nil, fmt.Errorf("%s: no header row starting with \"Market\" in the first %d rows; want Meta's Tier Pricing CSV", name, metaHeaderSearch)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if n == 0 && !strings.Contains(strings.ToLower(strings.Join(rec, " ")), "volume tier") {
			return nil, fmt.Errorf("%s:1: the title line does not mention volume tiers; want Meta's Tier Pricing CSV", name)
		}
		if len(rec) > 0 && strings.HasPrefix(normHeader(rec[0]), "market") {
			header = rec
			headerLine, _ = cr.FieldPos(0)
			break
		}
		prevRecs = append(prevRecs, rec)
	}
	if len(header) < 2 || normHeader(header[1]) != "currency" {
		return nil, fmt.Errorf("%s:%d: second column is not Currency; want \"Market (per rate card)\", Currency, From, To, …", name, headerLine)
	}
	// Group starts and categories come from the section row above the header, when
	// there is one; else the documented order.
	type group struct {
		start int
		cat   Category
	}
	var groups []group
	for i := len(prevRecs) - 1; i >= 0 && groups == nil; i-- {
		for j, f := range prevRecs[i] {
			if c, ok := metaCategory(normHeader(f)); ok && j >= 2 {
				groups = append(groups, group{j, c})
			}
		}
	}
	if groups == nil {
		groups = []group{{2, Utility}, {7, Authentication}, {12, AuthenticationInternational}}
	}
	for _, g := range groups {
		if !tierCategory(g.cat) || g.cat == Marketing {
			return nil, fmt.Errorf("%s: a %s group in a tier file; want Utility, Authentication, Auth-Intl", name, g.cat)
		}
		for k, want := range tierGroupCols {
			got := ""
			if g.start+k < len(header) {
				got = normHeader(header[g.start+k])
			}
			if strings.ReplaceAll(got, ".", "") != strings.ReplaceAll(want, ".", "") {
				return nil, fmt.Errorf("%s:%d: column %d is %q; want %q (the %s group is From, To, Rate type, Rate, vs. List rate)",
					name, headerLine, g.start+k+1, got, want, g.cat)
			}
		}
	}
	var rows []TierRow
	type blockKey struct {
		m   market.ID
		cat Category
	}
	// North America may come as United States and Canada blocks with the same bands:
	// keep the first spelling's rows, and check the other's match.
	firstName := map[market.ID]string{}
	alias := map[blockKey][]TierRow{}
	curMarket, curName, curCur := market.Unknown, "", ""
	index := map[blockKey]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		cell := func(i int) string {
			if i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		at := func(col int, format string, a ...any) error {
			l := line
			if col < len(rec) {
				l, _ = cr.FieldPos(col)
			}
			h := "?"
			if col < len(header) {
				h = strings.Join(strings.Fields(header[col]), " ")
			}
			return fmt.Errorf("%s:%d: column %s: %s", name, l, h, fmt.Sprintf(format, a...))
		}
		if s := cell(0); s != "" {
			id, ok := metaMarket(mt, s)
			if !ok {
				return nil, at(0, "%q is not a market of the market table (a new standalone market? add it to markets.csv)", s)
			}
			curMarket, curName, curCur = id, s, ""
			if _, ok := firstName[id]; !ok {
				firstName[id] = s
			}
		} else if curMarket == market.Unknown {
			return nil, at(0, "empty before any market; want the market on the first row of its block")
		}
		if s := cell(1); s != "" {
			c, ok := metaCurrency(s)
			if !ok {
				return nil, at(1, "%q is not a currency; want $US, A$, £, ₹, RP or an ISO 4217 code", s)
			}
			curCur = c
		} else if curCur == "" {
			return nil, at(1, "empty on the first row of %s; want the currency", curName)
		}
		for _, g := range groups {
			all := true
			for k := range tierGroupCols {
				all = all && noValue(cell(g.start+k))
			}
			if all {
				continue
			}
			tr := TierRow{Market: mt.Name(curMarket), Categories: []Category{g.cat}, Currency: curCur,
				Effective: effective, Confidence: UserSupplied, Source: "Meta Tier Pricing CSV " + name, Line: line}
			if tr.From, err = parseVolume(cell(g.start), false, num); err != nil {
				return nil, at(g.start, "%v", err)
			}
			if tr.To, err = parseVolume(cell(g.start+1), true, num); err != nil {
				return nil, at(g.start+1, "%v", err)
			}
			if tr.To < tr.From {
				return nil, at(g.start+1, "%s is below From %s", cell(g.start+1), cell(g.start))
			}
			tr.RateType = cell(g.start + 2)
			lt := strings.ToLower(tr.RateType)
			if lt != "list" && !strings.Contains(lt, "tier") {
				return nil, at(g.start+2, "%q is neither List nor a Tier; want List or Tier N", tr.RateType)
			}
			if g.start+3 < len(rec) {
				_, tr.RateCol = cr.FieldPos(g.start + 3)
			}
			if g.start+4 < len(rec) {
				_, tr.VsListCol = cr.FieldPos(g.start + 4)
			}
			if s := cell(g.start + 3); !noValue(s) {
				if tr.Rate, err = metaAmount(s, num); err != nil {
					if msg := decimalCommaProblem(s, err, num); msg != "" {
						return nil, at(g.start+3, "%s", msg)
					}
					return nil, at(g.start+3, "%q is not a rate; want a decimal such as 1,940.13", s)
				}
				tr.HasRate = true
			}
			if s := cell(g.start + 4); !noValue(s) {
				if tr.VsListBP, err = parsePercentBP(s, num); err != nil {
					return nil, at(g.start+4, "%v", err)
				}
				if tr.VsListBP > 0 {
					l, _ := cr.FieldPos(g.start + 4)
					return nil, fmt.Errorf("%s:%d:%d: column %s: %s", name, l, tr.VsListCol, strings.Join(strings.Fields(header[min(g.start+4, len(header)-1)]), " "), aboveListPct(s))
				}
				tr.HasVsList = true
			}
			bk := blockKey{curMarket, g.cat}
			if firstName[curMarket] != curName {
				alias[bk] = append(alias[bk], tr)
				continue
			}
			tr.Index = index[bk]
			index[bk]++
			rows = append(rows, tr)
		}
	}
	for bk, ars := range alias {
		var mine []TierRow
		for _, r := range rows {
			if id, _ := mt.ID(r.Market); id == bk.m && r.Categories[0] == bk.cat {
				mine = append(mine, r)
			}
		}
		same := len(mine) == len(ars)
		for i := 0; same && i < len(mine); i++ {
			a, b := mine[i], ars[i]
			same = a.From == b.From && a.To == b.To && a.Rate == b.Rate && a.HasRate == b.HasRate &&
				a.VsListBP == b.VsListBP && a.Currency == b.Currency
		}
		if !same {
			return nil, fmt.Errorf("%s:%d: the %s bands differ from those on line %d; both are %s in Meta's market table",
				name, ars[0].Line, bk.cat, lineOf(mine), mt.Name(bk.m))
		}
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no band rows after the header on line %d", name, headerLine)
	}
	return NewTiers(rows, name)
}

func lineOf(rs []TierRow) int {
	if len(rs) == 0 {
		return 0
	}
	return rs[0].Line
}
