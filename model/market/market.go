package market

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spendsim/spendsim/model"
)

// ID is a dense market id: 1..Len() in the alphabetical order of market names, so
// per-market state can live in slices. 0 means "unknown" (no market could be
// determined); Other is a real market with its own id.
type ID uint16

// Unknown is the reserved zero ID.
const Unknown ID = 0

// Row is one line of the market table, with its provenance, for display and audits.
type Row struct {
	CallingCode string    // "55", or "*" for the catch-all row
	Prefix      string    // digits after the calling code for shared codes ("809"); "" for none
	ISO2        string    // ISO 3166-1 alpha-2; "" on the catch-all row
	Market      string    // Meta pricing market name
	From        time.Time // first day the row applies (UTC midnight)
	To          time.Time // last day the row applies (UTC midnight); zero when open-ended
	Country     string    // country name, for people
	Confidence  string    // official, bsp, third_party or derived (see data/README.md)
	Source      string
	Note        string
}

// span is one dated market assignment, in days since the Unix epoch, both ends inclusive.
type span struct {
	from, to int32 // days since 1970-01-01; to == openEnd when open-ended
	id       ID
}

// numRow is a calling-code row reduced to what number matching needs.
type numRow struct {
	prefix string // digits after the calling code; "" matches every number of the code
	iso2   string
	span
}

const openEnd = int32(1<<31 - 1)

// Table maps countries and phone numbers to pricing markets over time. It is
// read-only after construction and safe for concurrent use.
type Table struct {
	names    []string      // by ID; names[0] == ""
	byName   map[string]ID // folded name → ID
	other    ID
	earliest int32 // earliest effective_from of any row, in days

	// country is indexed by (iso2[0]-'A')*26 + (iso2[1]-'A'): a flat array so the per
	// message lookup is two subtractions and a short scan, never a map or allocation.
	country [26 * 26][]span
	// codes is indexed by the country calling code (1..999). Rows within a code are
	// sorted by prefix length, longest first, so the first valid match is the longest.
	codes [1000][]numRow
	// changes are the days some row starts or stops applying (a row's effective_from,
	// the day after its effective_to), sorted, without repeats: Moved's answer.
	changes []int32

	rows []Row
}

//go:embed data/markets.csv
var builtinCSV []byte

var (
	builtinOnce  sync.Once
	builtinTable *Table
)

// Builtin returns the embedded market table (data/markets.csv), parsed once. It panics
// if the embedded file is broken; a test guards against that ever shipping.
func Builtin() *Table {
	builtinOnce.Do(func() { builtinTable = mustParse(builtinCSV) })
	return builtinTable
}

// mustParse parses embedded table data, panicking if it is broken: a broken embedded
// file is a build defect, not an input error.
func mustParse(data []byte) *Table {
	t, err := Parse(bytes.NewReader(data), "markets.csv")
	if err != nil {
		panic("market: embedded table is broken: " + err.Error())
	}
	return t
}

// markets.csv columns, in order.
var columns = []string{"calling_code", "prefix", "iso2", "market", "effective_from",
	"effective_to", "country", "confidence", "source", "note"}

var confidences = map[string]bool{"official": true, "bsp": true, "third_party": true, "derived": true}

// Parse reads a table in the layout of data/markets.csv. Errors name the file and line.
// Builtin is the table spendsim uses; Parse exists for tests and for checking edits to
// the data.
func Parse(r io.Reader, name string) (*Table, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: reading header: %w", name, err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	if strings.Join(header, ",") != strings.Join(columns, ",") {
		return nil, fmt.Errorf("%s:1: header is %q, want %q", name, strings.Join(header, ","), strings.Join(columns, ","))
	}
	var rows []Row
	var spans []span // parallel to rows, before IDs are known
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(columns) {
			return nil, fmt.Errorf("%s:%d: %d columns, want %d (%s)", name, line, len(rec), len(columns), strings.Join(columns, ","))
		}
		row, sp, err := parseRow(rec)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		rows = append(rows, row)
		spans = append(spans, sp)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no rows", name)
	}
	return build(rows, spans, name)
}

func parseRow(rec []string) (Row, span, error) {
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
	}
	r := Row{CallingCode: rec[0], Prefix: rec[1], ISO2: rec[2], Market: rec[3],
		Country: rec[6], Confidence: rec[7], Source: rec[8], Note: rec[9]}
	var sp span
	if r.CallingCode == "*" {
		if r.Prefix != "" || r.ISO2 != "" {
			return r, sp, errors.New("the catch-all row (calling_code *) must have empty prefix and iso2")
		}
	} else {
		if !isDigits(r.CallingCode) || len(r.CallingCode) > 3 || r.CallingCode[0] == '0' {
			return r, sp, fmt.Errorf("column calling_code: %q is not a country calling code, want 1 to 3 digits or *", r.CallingCode)
		}
		if r.Prefix != "" && !isDigits(r.Prefix) {
			return r, sp, fmt.Errorf("column prefix: %q is not digits, want the digits after the calling code or empty", r.Prefix)
		}
		if len(r.ISO2) != 2 || !isUpper(r.ISO2[0]) || !isUpper(r.ISO2[1]) {
			return r, sp, fmt.Errorf("column iso2: %q is not an ISO 3166-1 alpha-2 code, want two upper-case letters", r.ISO2)
		}
	}
	if r.Market == "" {
		return r, sp, errors.New("column market: empty, want a Meta market name")
	}
	from, err := parseDate(r.Market, "effective_from", rec[4])
	if err != nil {
		return r, sp, err
	}
	r.From = from
	sp.from = dayOf(from)
	sp.to = openEnd
	if rec[5] != "" {
		to, err := parseDate(r.Market, "effective_to", rec[5])
		if err != nil {
			return r, sp, err
		}
		if to.Before(from) {
			return r, sp, fmt.Errorf("column effective_to: %s is before effective_from %s", rec[5], rec[4])
		}
		r.To = to
		sp.to = dayOf(to)
	}
	if !confidences[r.Confidence] {
		return r, sp, fmt.Errorf("column confidence: %q is not one of official, bsp, third_party, derived", r.Confidence)
	}
	return r, sp, nil
}

func parseDate(_, col, s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("column %s: %q is not a date, want YYYY-MM-DD", col, s)
	}
	return t, nil
}

func build(rows []Row, spans []span, name string) (*Table, error) {
	t := &Table{byName: map[string]ID{}, rows: rows}
	// IDs in alphabetical order of names: stable across edits that only add rows.
	set := map[string]bool{}
	for _, r := range rows {
		set[r.Market] = true
	}
	t.names = append(t.names, "")
	for n := range set {
		t.names = append(t.names, n)
	}
	sort.Strings(t.names[1:])
	if len(t.names)-1 > int(^ID(0)) {
		return nil, fmt.Errorf("%s: %d markets do not fit market.ID", name, len(t.names)-1)
	}
	for i, n := range t.names[1:] {
		k := fold(n)
		if prev, dup := t.byName[k]; dup {
			return nil, fmt.Errorf("%s: market names %q and %q differ only in case or spacing", name, t.names[prev], n)
		}
		t.byName[k] = ID(i + 1)
	}
	t.earliest = openEnd
	catchAll := 0
	for i, r := range rows {
		sp := spans[i]
		sp.id = t.byName[fold(r.Market)]
		t.earliest = min(t.earliest, sp.from)
		if r.CallingCode == "*" {
			catchAll++
			if sp.to != openEnd {
				return nil, fmt.Errorf("%s: the catch-all row (calling_code *) must be open-ended", name)
			}
			t.other = sp.id
			continue
		}
		code, _ := strconv.Atoi(r.CallingCode)
		t.codes[code] = append(t.codes[code], numRow{prefix: r.Prefix, iso2: r.ISO2, span: sp})
		ci := countryIndex(r.ISO2)
		t.country[ci] = append(t.country[ci], sp)
	}
	if catchAll != 1 {
		return nil, fmt.Errorf("%s: %d catch-all rows (calling_code *), want exactly one naming the market for unlisted countries", name, catchAll)
	}
	for code := range t.codes {
		rs := t.codes[code]
		sort.SliceStable(rs, func(i, j int) bool { return len(rs[i].prefix) > len(rs[j].prefix) })
		// Two rows for the same digits that overlap in time must agree on the market,
		// else the matching rule would be ambiguous.
		for i := range rs {
			for j := i + 1; j < len(rs); j++ {
				a, b := rs[i], rs[j]
				if a.prefix == b.prefix && a.id != b.id && overlap(a.span, b.span) {
					return nil, fmt.Errorf("%s: +%d%s maps to both %q and %q on overlapping dates", name, code, a.prefix, t.names[a.id], t.names[b.id])
				}
			}
		}
	}
	for ci := range t.country {
		ss := t.country[ci]
		sort.SliceStable(ss, func(i, j int) bool { return ss[i].from < ss[j].from })
		// One country, one market at a time: ForCountry has nothing else to choose by.
		// Rows that repeat an assignment (Kazakhstan's two prefixes) are merged.
		out := ss[:0]
		for _, s := range ss {
			dup := false
			for k, o := range out {
				if overlap(o, s) {
					if o.id != s.id {
						iso := string([]byte{byte('A' + ci/26), byte('A' + ci%26)})
						return nil, fmt.Errorf("%s: %s maps to both %q and %q on overlapping dates", name, iso, t.names[o.id], t.names[s.id])
					}
					out[k].from, out[k].to = min(o.from, s.from), max(o.to, s.to)
					dup = true
					break
				}
			}
			if !dup {
				out = append(out, s)
			}
		}
		t.country[ci] = out
	}
	for _, sp := range spans {
		if sp.from > t.earliest {
			t.changes = append(t.changes, sp.from)
		}
		if sp.to != openEnd {
			t.changes = append(t.changes, sp.to+1)
		}
	}
	sort.Slice(t.changes, func(i, j int) bool { return t.changes[i] < t.changes[j] })
	t.changes = slices.Compact(t.changes)
	return t, nil
}

func overlap(a, b span) bool { return a.from <= b.to && b.from <= a.to }

// ID returns the id of a market by name, ignoring case and runs of spaces.
func (t *Table) ID(name string) (ID, bool) {
	id, ok := t.byName[fold(name)]
	return id, ok
}

// Name returns the market's name, or "" for Unknown or an id out of range.
func (t *Table) Name(id ID) string {
	if int(id) >= len(t.names) {
		return ""
	}
	return t.names[id]
}

// Len is the number of markets; valid ids are 1..Len().
func (t *Table) Len() int { return len(t.names) - 1 }

// Names returns the market names in id order (names[i] is ID(i+1)), which is
// alphabetical. The slice is a copy.
func (t *Table) Names() []string { return append([]string(nil), t.names[1:]...) }

// Other is the id of the market for countries the table does not list.
func (t *Table) Other() ID { return t.other }

// At lists the markets that exist on the UTC date of at (some row maps to them then),
// in id order; dates before the earliest row use the earliest rows. Regional groups
// lose members and new markets appear over time (32 markets to 2026-06-30, 38 from
// 2026-07-01, 47 from 2026-10-01).
func (t *Table) At(at model.Time) []ID {
	day := t.clamp(dayOfTime(at))
	seen := make([]bool, len(t.names))
	seen[t.other] = true
	for _, rs := range t.codes {
		for _, r := range rs {
			if r.from <= day && day <= r.to {
				seen[r.id] = true
			}
		}
	}
	var out []ID
	for id, ok := range seen {
		if ok {
			out = append(out, ID(id))
		}
	}
	return out
}

// Rows returns the table's rows with their provenance, in file order. The slice is a copy.
func (t *Table) Rows() []Row { return append([]Row(nil), t.rows...) }

// ForCountry returns the market of a country (ISO 3166-1 alpha-2, either case) on the
// UTC date of at. Countries the table does not list at that date map to Other. Dates
// before the earliest row use the earliest rows (docs/billing.md, "Markets"). A code
// that is not two ASCII letters returns Unknown.
//
// It neither allocates nor takes a lock: it runs once per message.
func (t *Table) ForCountry(iso2 string, at model.Time) ID {
	return t.forCountryDay(iso2, t.clamp(dayOfTime(at)))
}

// ForCountryIn is ForCountry with the date taken in loc (the business's time zone, in
// which docs/billing.md, "Time zone", puts effective dates). A nil loc means UTC.
func (t *Table) ForCountryIn(iso2 string, at model.Time, loc *time.Location) ID {
	return t.forCountryDay(iso2, t.clamp(localDay(at, loc)))
}

// ForCountryOn is ForCountry on the calendar date numbered day (days since 1970-01-01,
// as model.DayNumber and model.Days count them), a date already taken in the account's
// time zone. Like ForCountry it neither allocates nor takes a lock.
func (t *Table) ForCountryOn(iso2 [2]byte, day int64) ID {
	return t.forCountryDay(string(iso2[:]), t.clamp(clampDay(day)))
}

// Moved reports whether some row of the table starts or stops applying between the
// calendar dates numbered a and b (either order; day numbers as ForCountryOn's): false
// means every country and number has the same market on both dates.
func (t *Table) Moved(a, b int64) bool {
	lo, hi := t.clamp(clampDay(min(a, b))), t.clamp(clampDay(max(a, b)))
	i := sort.Search(len(t.changes), func(i int) bool { return t.changes[i] > lo })
	return i < len(t.changes) && t.changes[i] <= hi
}

// clampDay fits a day number into the table's int32 days.
func clampDay(d int64) int32 { return int32(max(min(d, int64(openEnd)), -int64(openEnd))) }

func (t *Table) forCountryDay(iso2 string, day int32) ID {
	if len(iso2) != 2 {
		return Unknown
	}
	a, b := upper(iso2[0]), upper(iso2[1])
	if !isUpper(a) || !isUpper(b) {
		return Unknown
	}
	for _, s := range t.country[int(a-'A')*26+int(b-'A')] {
		if s.from <= day && day <= s.to {
			return s.id
		}
	}
	return t.other
}

func (t *Table) clamp(day int32) int32 { return max(day, t.earliest) }

func countryIndex(iso2 string) int { return int(iso2[0]-'A')*26 + int(iso2[1]-'A') }

// dayOfTime is the UTC day number of a model.Time, rounding toward the past.
func dayOfTime(at model.Time) int32 {
	d := at / model.Day
	if at%model.Day < 0 {
		d--
	}
	return int32(d)
}

// localDay is the day number of the calendar date of at in loc.
func localDay(at model.Time, loc *time.Location) int32 {
	if loc == nil || loc == time.UTC {
		return dayOfTime(at)
	}
	y, m, d := at.In(loc).Date()
	return dayOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// dayOf is the day number of a UTC-midnight date.
func dayOf(t time.Time) int32 { return int32(t.Unix() / 86400) }

func fold(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}
