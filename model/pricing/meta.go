package pricing

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/money"
)

// The readers below follow the layout of Meta's downloadable rate files as
// docs/formats.md, "Meta's rate-card CSV" and "Meta's Tier Pricing CSV", describes it
// (from an open-source loader written against the real files; no verbatim Meta file was
// available). They are deliberately tolerant of what that layout leaves uncertain
// (metadata lines, header spelling, service cells) and strict about what would change a
// price (unknown markets, unparsable numbers).

// metaHeaderSearch is how many records the readers scan for the header row: Meta's files
// put 5 metadata lines first, but not reliably exactly 5 (docs/formats.md, "Meta's
// rate-card CSV").
const metaHeaderSearch = 30

// Service conversations and messages were free from ServiceFreeFrom (CBP, 2024-11-01)
// until PMP began charging them on ServiceChargedFrom (2026-10-01). A Meta card
// effective in that span reads an empty or n/a service cell as 0 (the layout is unsure
// whether Meta writes 0, $0.00 or n/a there); outside it such a cell is no rate
// (docs/billing.md, "Rate cards").
func serviceFree(effective time.Time) bool {
	return !effective.Before(ServiceFreeFrom.Date()) && effective.Before(ServiceChargedFrom.Date())
}

// currencyTokens maps the currency tokens Meta's files print to ISO 4217 codes
// (docs/formats.md, "Meta's rate-card CSV"; GBD is a typo found in one Meta file).
var currencyTokens = map[string]string{"$US": "USD", "A$": "AUD", "£": "GBP", "GBD": "GBP", "₹": "INR", "RP": "IDR"}

// metaCurrency reads a currency cell: a known token, else a three-letter ISO code.
func metaCurrency(s string) (string, bool) {
	t := strings.ToUpper(strings.TrimSpace(s))
	if iso, ok := currencyTokens[t]; ok {
		return iso, true
	}
	return t, isCurrency(t)
}

// metaMarketAliases are market spellings seen in copies of Meta's cards that the market
// table names differently: a 2024 transcription lists the United States and Canada
// separately with identical values, where Meta's table groups them as North America.
var metaMarketAliases = map[string]string{"united states": "North America", "canada": "North America",
	"usa": "North America", "us": "North America"}

func metaMarket(mt *market.Table, s string) (market.ID, bool) {
	if id, ok := mt.ID(s); ok {
		return id, true
	}
	if n, ok := metaMarketAliases[normHeader(s)]; ok {
		return mt.ID(n)
	}
	return market.Unknown, false
}

// normHeader lower-cases a header cell, drops line breaks (Meta quotes
// "Authentication-\nInternational"), and collapses spaces.
func normHeader(s string) string {
	s = strings.NewReplacer("\r", "", "\n", "", "\ufeff", "").Replace(s)
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// metaCategory maps a normalised rate-card or tier-file column group name to a category:
// ParseCategory's names of the categories Meta's sheets price, and the sheets' own
// spellings of authentication-international.
func metaCategory(h string) (Category, bool) {
	h = strings.ReplaceAll(h, " ", "")
	switch h {
	case "authenticationinternational", "auth-intl", "authintl", "auth-international":
		return AuthenticationInternational, true
	}
	switch c, _ := ParseCategory(h); c {
	case Marketing, Utility, Authentication, AuthenticationInternational, Service:
		return c, true
	}
	return CatNone, false
}

// noValue reports whether a cell means "no rate" (docs/formats.md, "Meta's rate-card
// CSV": n/a, na, --, -, empty).
func noValue(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "n/a", "na", "--", "-", "—":
		return true
	}
	return false
}

// metaAmount reads a rate cell exactly in notation num: thousands separators allowed,
// and a leading currency symbol ("$0.00") stripped.
func metaAmount(s string, num money.Notation) (money.Micros, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimLeftFunc(t, func(r rune) bool {
		return !unicode.IsDigit(r) && r != rune(num.Decimal) && r != '-' && r != '+'
	})
	v, err := num.Parse(strings.TrimSpace(t))
	if err != nil {
		return 0, err
	}
	if v < 0 {
		return 0, fmt.Errorf("negative")
	}
	return v, nil
}

func newMetaReader(r io.Reader, num money.Notation) *csv.Reader {
	cr := newCSVReader(r, num)
	cr.FieldsPerRecord = -1
	// Metadata lines are free text that may hold stray quotes; the header and data rows
	// use proper RFC 4180 quoting, which lazy mode still honours.
	cr.LazyQuotes = true
	return cr
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// ReadMetaCard reads Meta's downloadable rate-card CSV ("Pricing.csv"): some metadata
// lines, then the header `Market, Currency, Marketing, Utility, Authentication,
// "Authentication-\nInternational", Service`, then one row per market. Meta's file does
// not carry its pricing model or effective date, so the caller gives them (the date is
// on Meta's pricing page: "rates effective April 1, 2026, based on WABA time zone").
//
// Cells `n/a`, `na`, `--` and empty mean no rate, except the service cell of a card
// effective from 2024-11-01 to 2026-09-30, which is 0 (service was free then; the
// document is unsure whether Meta prints 0, $0.00 or n/a there). Currency tokens ($US, A$, £, ₹, RP) map to
// ISO codes; every row must name the same currency. "United States" and "Canada" rows
// are read as North America and must agree. Unknown markets are errors: they usually
// mean Meta split out a new market and the market table needs a row. The cells get
// Confidence UserSupplied and Source "Meta rate card CSV NAME".
func ReadMetaCard(r io.Reader, name string, m Model, effective time.Time) (*Book, error) {
	return readMetaCard(r, name, m, effective, money.DotDecimal)
}

// readMetaCard is ReadMetaCard with rates written in notation num.
func readMetaCard(r io.Reader, name string, m Model, effective time.Time, num money.Notation) (*Book, error) {
	if m != CBP && m != PMP {
		return nil, fmt.Errorf("%s: Meta publishes rate-card CSVs for CBP and PMP, not %s", name, m)
	}
	y, mo, d := effective.Date()
	effective = time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	mt := market.Builtin()
	cr := newMetaReader(r, num)
	var header []string
	headerLine := 0
	for n := 0; header == nil; n++ {
		rec, err := cr.Read()
		if err == io.EOF || n == metaHeaderSearch {
			return nil, fmt.Errorf("%s: no header row starting with \"Market\" in the first %d rows; want Meta's rate card CSV (Market, Currency, Marketing, Utility, …)", name, metaHeaderSearch)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if len(rec) > 0 && normHeader(rec[0]) == "market" {
			header = rec
			headerLine, _ = cr.FieldPos(0)
		}
	}
	curCol := -1
	cats := make([]Category, len(header)) // CatNone for Market and Currency
	seen := map[Category]int{}
	for i, h := range header {
		nh := normHeader(h)
		switch {
		case i == 0:
		case nh == "currency":
			curCol = i
		case nh == "":
			// Trailing empty columns (a spreadsheet's export) carry nothing.
		default:
			c, ok := metaCategory(nh)
			if !ok || !modelAllows(m, c) {
				return nil, fmt.Errorf("%s:%d: column %q is not a %s rate column; want Currency, Marketing, Utility, Authentication, Authentication-International or Service", name, headerLine, h, m)
			}
			if j, dup := seen[c]; dup {
				return nil, fmt.Errorf("%s:%d: columns %q and %q both hold %s", name, headerLine, header[j], h, c)
			}
			seen[c] = i
			cats[i] = c
		}
	}
	if curCol < 0 {
		return nil, fmt.Errorf("%s:%d: no Currency column; want Market, Currency, Marketing, …", name, headerLine)
	}
	if len(seen) == 0 {
		return nil, fmt.Errorf("%s:%d: no rate columns; want Marketing, Utility, Authentication, …", name, headerLine)
	}
	rc := rawCard{model: m, effective: effective, cells: map[cellKey]rawCell{}}
	type firstSeen struct {
		line int
		name string
	}
	rowOf := map[market.ID]firstSeen{}
	currencyLine := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) || blank(rec[1:]) {
			// A blank line, or a note in the first column with nothing else (a footnote
			// under the table): neither carries a rate.
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
			return fmt.Errorf("%s:%d: column %s: %s", name, l, strings.Join(strings.Fields(header[col]), " "), fmt.Sprintf(format, a...))
		}
		mk, ok := metaMarket(mt, cell(0))
		if !ok {
			return nil, at(0, "%q is not a market of the market table (a new standalone market? add it to markets.csv); want one of: %s",
				cell(0), strings.Join(mt.Names(), ", "))
		}
		cur, ok := metaCurrency(cell(curCol))
		if !ok {
			return nil, at(curCol, "%q is not a currency; want $US, A$, £, ₹, RP or an ISO 4217 code such as EUR", cell(curCol))
		}
		if rc.currency == "" {
			rc.currency, currencyLine = cur, line
		} else if cur != rc.currency {
			return nil, at(curCol, "%s differs from %s on line %d; want one currency per file", cur, rc.currency, currencyLine)
		}
		prev, dup := rowOf[mk]
		if dup && normHeader(prev.name) == normHeader(cell(0)) {
			return nil, at(0, "%s is already given on line %d", cell(0), prev.line)
		}
		for i, c := range cats {
			if c == CatNone {
				continue
			}
			s := cell(i)
			var amt money.Micros
			if noValue(s) {
				if c != Service || !serviceFree(effective) {
					continue
				}
			} else if amt, err = metaAmount(s, num); err != nil {
				if msg := decimalCommaProblem(s, err, num); msg != "" {
					return nil, at(i, "%s", msg)
				}
				return nil, at(i, "%q is not a rate; want a decimal such as 0.0625, or n/a", s)
			}
			k := cellKey{mk, c}
			if old, ok := rc.cells[k]; ok && dup {
				// United States and Canada both read as North America: they must agree.
				if old.amount != amt {
					return nil, at(i, "%s gives %s for %s but %s on line %d gives %s; both are North America in Meta's market table",
						cell(0), FormatRate(amt), c, prev.name, prev.line, FormatRate(old.amount))
				}
				continue
			}
			rc.cells[k] = rawCell{amount: amt, conf: UserSupplied,
				prov: Provenance{File: name, Line: line, Source: "Meta rate card CSV " + name}}
		}
		if !dup {
			rowOf[mk] = firstSeen{line, cell(0)}
		}
	}
	if len(rowOf) == 0 {
		return nil, fmt.Errorf("%s: no market rows after the header on line %d", name, headerLine)
	}
	return assemble(mt, []rawCard{rc})
}

// FileKind is a kind of rate file spendsim can read.
type FileKind uint8

const (
	KindUnknown     FileKind = iota
	KindRateCards            // spendsim's own layout (ratecards.csv): ReadBook
	KindTiers                // spendsim's tier layout (tiers.csv): ReadTiers
	KindMetaRates            // Meta's rate card CSV ("Pricing.csv"): ReadMetaCard
	KindMetaTiers            // Meta's Tier Pricing CSV: ReadMetaTiers
	KindTierUpdates          // Meta's account_update tier webhooks (JSON): ReadTierUpdates
)

var kindNames = [...]string{"unknown", "ratecards", "tiers", "meta-rates", "meta-tiers", "tier-webhooks"}

func (k FileKind) String() string { return kindNames[k] }

// Sniff tells which kind of rate file head (the first bytes of a file; 64 KiB is
// plenty) starts. It reads nothing else, so a caller can sniff a prefix and then parse
// the whole file with the matching reader.
func Sniff(head []byte) (FileKind, error) {
	head = bytes.TrimPrefix(head, []byte("\ufeff"))
	if sniffTierUpdates(head) {
		return KindTierUpdates, nil
	}
	first, _, _ := bytes.Cut(head, []byte("\n"))
	if bytes.Contains(bytes.ToLower(first), []byte("volume tier")) {
		return KindMetaTiers, nil
	}
	h := normHeader(string(bytes.TrimRight(first, "\r")))
	h = strings.ReplaceAll(h, " ", "")
	switch {
	case strings.HasPrefix(h, "effective_from,") && strings.Contains(h, "pricing_model"):
		return KindRateCards, nil
	case strings.HasPrefix(h, "market,category,tier_index,"):
		return KindTiers, nil
	}
	cr := newMetaReader(bytes.NewReader(head), money.DotDecimal)
	for n := 0; n < metaHeaderSearch; n++ {
		rec, err := cr.Read()
		if err != nil {
			break // a truncated head may end mid-record
		}
		if len(rec) > 1 && normHeader(rec[0]) == "market" && normHeader(rec[1]) == "currency" &&
			slices.ContainsFunc(rec[2:], func(s string) bool { _, ok := metaCategory(normHeader(s)); return ok }) {
			return KindMetaRates, nil
		}
	}
	return KindUnknown, fmt.Errorf("pricing: not a rate file spendsim knows; want ratecards.csv's layout " +
		"(header effective_from,pricing_model,market,category,currency,rate,…), tiers.csv's layout " +
		"(header market,category,tier_index,…), Meta's rate card CSV (a header row Market, Currency, Marketing, …) " +
		"or Meta's Tier Pricing CSV (a title line mentioning volume tiers)")
}
