package trace

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
)

// The contract's fields, in the order of docs/formats.md, "Columns" (also the order the
// Writer uses).
const (
	fTS = iota
	fUser
	fDirection
	fType
	fCategory
	fCountry
	fBusiness
	fEntryPoint
	fStatus
	fDeliveredTS
	fMessageID
	nFields
)

var fieldNames = [nFields]string{
	"ts", "user", "direction", "type", "category", "country", "business",
	"entry_point", "status", "delivered_ts", "message_id",
}

// maxID bounds user, business and message ids: ids live in maps downstream, and a
// megabyte "id" is a broken row, not a customer.
const maxID = 256

// defaultBusiness is the business of rows that name none (docs/formats.md, "Columns").
const defaultBusiness = "default"

// fields is one row's raw values, by contract field, before validation.
type fields struct {
	v             [nFields]string
	ts, delivered model.Time // pre-parsed times (Parquet timestamp columns)
	tsSet         bool
	deliveredSet  bool
	replyTo       string
	// utf8 has bit 1<<field set where the source has checked the value's UTF-8
	// already (a Parquet dictionary's values are checked once, as it is read).
	utf8 uint16
	// code says where a Parquet row's coded field is (parquet_dict.go); 0: in v.
	code [nFields]uint16
}

// timeKind is how text times are written.
type timeKind uint8

const (
	timeRFC3339 timeKind = iota
	timeUnix
	timeUnixMS
	timeLayout
)

// builder turns raw fields into validated records; one per source.
type builder struct {
	file   string
	cols   [nFields]string // names used in errors: the source's column names
	consts [nFields]bool   // the value is a mapping constant, not a column
	kind   timeKind
	layout string // Go layout when kind == timeLayout

	businesses [8]string       // the last few business numbers, copied out of their rows
	nextBiz    int             // the entry of businesses to replace next
	countries  [26 * 26]string // interned upper-case country codes
}

func newBuilder(file string) *builder {
	b := &builder{file: file}
	b.cols = fieldNames
	return b
}

func (b *builder) err(line int64, field int, msg string) *Error {
	col := b.cols[field]
	if b.consts[field] {
		col = fieldNames[field] + " (mapping constant)"
	}
	return &Error{File: b.file, Line: line, Column: col, Msg: msg, row: true}
}

// quote shows a value in an error, cut short so a megabyte field makes a one-line error.
func quote(s string) string {
	const max = 64
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return strconv.Quote(s[:cut]) + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return strconv.Quote(s)
}

func (b *builder) parseTime(s string) (model.Time, string) {
	switch b.kind {
	case timeUnix, timeUnixMS:
		t, msg := parseUnix(s, b.kind == timeUnixMS)
		if msg == "" {
			msg = checkRange(t, s)
		}
		return t, msg
	case timeLayout:
		t, err := time.Parse(b.layout, s)
		if err != nil {
			return 0, fmt.Sprintf("%s does not match the time layout %q", quote(s), b.layout)
		}
		if _, off := t.Zone(); off > maxOffset || off < -maxOffset {
			return 0, fmt.Sprintf("%s has a UTC offset of %+.2f hours; offsets run from -14:00 to +14:00", quote(s), float64(off)/3600)
		}
		mt := model.FromStd(t)
		return mt, checkRange(mt, s)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		// RFC 3339 (section 5.6) also allows a lower-case "t" and "z", and a space between
		// date and time; Go's layout takes only "T" and "Z". Retried only on failure, so
		// the common form costs nothing more.
		if n := rfc3339Upper(s); n != s {
			t, err = time.Parse(time.RFC3339Nano, n)
		}
	}
	if err != nil {
		return 0, fmt.Sprintf("%s is not an RFC 3339 time (like 2024-05-01T13:45:00Z)", quote(s))
	}
	if msg := checkOffset(s); msg != "" {
		return 0, msg
	}
	mt := model.FromStd(t)
	return mt, checkRange(mt, s)
}

// rfc3339Upper rewrites the date-time separator ("t" or a space) as "T" and a final "z"
// as "Z"; s is returned unchanged when it has neither.
func rfc3339Upper(s string) string {
	if len(s) < 20 || (s[10] != 't' && s[10] != ' ' && s[len(s)-1] != 'z') {
		return s
	}
	b := []byte(s)
	if b[10] == 't' || b[10] == ' ' {
		b[10] = 'T'
	}
	if b[len(b)-1] == 'z' {
		b[len(b)-1] = 'Z'
	}
	return string(b)
}

// parseUnix reads integer (or, for seconds, decimal) Unix times exactly, without a
// float64 round trip.
func parseUnix(s string, ms bool) (model.Time, string) {
	what := "a Unix time in seconds"
	if ms {
		what = "a Unix time in milliseconds"
	}
	bad := func() (model.Time, string) { return 0, fmt.Sprintf("%s is not %s", quote(s), what) }
	ip, fp, dot := strings.Cut(s, ".")
	if ms && dot {
		return bad()
	}
	n, err := strconv.ParseInt(ip, 10, 64)
	if err != nil || ip == "" || ip[0] == '+' {
		return bad()
	}
	if ms {
		return model.Time(n), ""
	}
	if n > 1<<43 || n < -(1<<43) {
		return bad()
	}
	t := model.Time(n) * model.Second
	if dot {
		if fp == "" || len(fp) > 9 {
			return bad()
		}
		for _, c := range fp {
			if c < '0' || c > '9' {
				return bad()
			}
		}
		frac := (fp + "000")[:3]
		f, _ := strconv.Atoi(frac)
		if n < 0 || ip[0] == '-' {
			t -= model.Time(f)
		} else {
			t += model.Time(f)
		}
	}
	return t, ""
}

// checkID returns a reason an id is unusable, or "".
func checkID(s string) string {
	if len(s) > maxID {
		return fmt.Sprintf("%s is too long for an id (at most %d bytes)", quote(s), maxID)
	}
	return checkUTF8(s)
}

// checkID is checkID of field's value s, but for the UTF-8 check where the source
// has made it already (fields.utf8).
func (f *fields) checkID(field int, s string) string {
	if f.utf8&(1<<field) != 0 && len(s) <= maxID {
		return ""
	}
	return checkID(s)
}

func checkUTF8(s string) string {
	if isASCII(s) || utf8.ValidString(s) {
		return ""
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			return fmt.Sprintf("not valid UTF-8 (byte 0x%02x at offset %d)", s[i], i)
		}
		i += n
	}
	return "not valid UTF-8"
}

// isASCII reports whether every byte of s is below 0x80, eight bytes at a time (the
// last eight overlapping the ones before): ids are ASCII, and utf8.ValidString goes
// byte by byte through the tail of a short string.
func isASCII(s string) bool {
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	var acc uint64
	if len(b) < 8 {
		for _, c := range b {
			acc |= uint64(c)
		}
		return acc&0x80 == 0
	}
	for len(b) > 8 {
		acc |= binary.LittleEndian.Uint64(b)
		b = b[8:]
	}
	acc |= binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s), len(s))[len(s)-8:])
	return acc&0x8080808080808080 == 0
}

// country validates and upper-cases an ISO 3166-1 alpha-2 code (market.IsCountry: a
// typo such as UK or XX is no country), interned.
func (b *builder) country(s string) (string, bool) {
	if s == "" {
		return "", true
	}
	if len(s) != 2 {
		return "", false
	}
	var idx [2]int
	for i := 0; i < 2; i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			idx[i] = int(c - 'A')
		case c >= 'a' && c <= 'z':
			idx[i] = int(c - 'a')
		default:
			return "", false
		}
	}
	k := idx[0]*26 + idx[1]
	if b.countries[k] == "" {
		u := strings.ToUpper(s)
		if !market.IsCountry(u) {
			return "", false
		}
		b.countries[k] = u
	}
	return b.countries[k], true
}

// countryProblem says why s is not a country code, with the code probably meant.
func countryProblem(s string) string {
	return quote(s) + " is not an ISO 3166-1 alpha-2 code" + market.CountryHint(s)
}

func (b *builder) business(s string) string {
	if s == "" {
		return defaultBusiness
	}
	// Most traces have a handful of numbers, often interleaved: each is copied once.
	for _, k := range b.businesses {
		if k == s {
			return k
		}
	}
	c := strings.Clone(s)
	b.businesses[b.nextBiz] = c
	b.nextBiz = (b.nextBiz + 1) % len(b.businesses)
	return c
}

// parseCategory is model.ParseCategory, also reading Meta's authentication-international
// spellings as authentication: whether a message pays the international rate is the
// pricer's decision (market and business settings), not the trace's.
func parseCategory(s string) (model.Category, bool) {
	if s == "authentication_international" || s == "authentication-international" {
		return model.Authentication, true
	}
	return model.ParseCategory(s)
}

// parseStatus is model.ParseStatus with the contract's default: an empty status is
// delivered.
func parseStatus(s string) (model.Status, bool) {
	if s == "" {
		return model.Delivered, true
	}
	return model.ParseStatus(s)
}

// The names a field's error offers, from the model's vocabulary: "user, business".
var (
	directionList  = strings.Join(model.DirectionNames(), ", ")
	kindList       = strings.Join(model.KindNames(), ", ")
	categoryList   = strings.Join(model.CategoryNames(), ", ")
	statusList     = strings.Join(model.StatusNames(), ", ")
	entryPointList = strings.Join(model.EntryPointNames(), ", ")
	kindOr         = words.Or(model.KindNames())
	categoryOr     = words.Or(model.CategoryNames())
)

// build validates f into out. The user/country rule is checked later (finish),
// after a reply chain may have supplied the user.
func (b *builder) build(f *fields, line int64, out *row) error {
	*out = row{}
	r := &out.Record
	r.Line = line
	v := &f.v

	if f.tsSet {
		r.TS = f.ts
		if msg := checkRange(r.TS, ""); msg != "" {
			return b.err(line, fTS, msg)
		}
	} else {
		if v[fTS] == "" {
			return b.err(line, fTS, "missing (required)")
		}
		t, msg := b.parseTime(v[fTS])
		if msg != "" {
			return b.err(line, fTS, msg)
		}
		r.TS = t
	}

	switch d, ok := model.ParseDirection(v[fDirection]); {
	case v[fDirection] == "":
		return b.err(line, fDirection, "missing (required)")
	case !ok:
		return b.err(line, fDirection, quote(v[fDirection])+" is not one of "+directionList)
	default:
		r.Direction = d
	}

	if f.replyTo != "" && r.Direction == model.FromBusiness {
		if msg := checkID(f.replyTo); msg != "" {
			return &Error{File: b.file, Line: line, Column: "reply_to", Msg: msg, row: true}
		}
		out.replyTo = f.replyTo // the user comes from the message it answers
	} else {
		u := v[fUser]
		if u == "" {
			return b.err(line, fUser, "missing (required)")
		}
		if msg := f.checkID(fUser, u); msg != "" {
			return b.err(line, fUser, msg)
		}
		r.User = market.NormNumber(u)
	}

	c, ok := b.country(v[fCountry])
	if !ok {
		return b.err(line, fCountry, countryProblem(v[fCountry]))
	}
	r.Country = c

	if msg := f.checkID(fBusiness, v[fBusiness]); msg != "" {
		return b.err(line, fBusiness, msg)
	}
	r.Business = b.business(v[fBusiness])

	if msg := f.checkID(fMessageID, v[fMessageID]); msg != "" {
		return b.err(line, fMessageID, msg)
	}
	r.MessageID = v[fMessageID]

	// Fields of the other direction are checked for typos but otherwise ignored,
	// so a foreign log that fills every column on every row still reads.
	k, okKind := model.ParseKind(v[fType])
	cat, okCat := parseCategory(v[fCategory])
	st, okStatus := parseStatus(v[fStatus])
	ep, okEntry := model.ParseEntryPoint(v[fEntryPoint])
	switch {
	case v[fType] != "" && !okKind:
		return b.err(line, fType, quote(v[fType])+" is not one of "+kindList)
	case v[fCategory] != "" && !okCat:
		return b.err(line, fCategory, quote(v[fCategory])+" is not one of "+categoryList)
	case !okStatus:
		return b.err(line, fStatus, quote(v[fStatus])+" is not one of "+statusList)
	case !okEntry:
		return b.err(line, fEntryPoint, quote(v[fEntryPoint])+" is not one of "+entryPointList)
	}

	if r.Direction == model.FromUser {
		r.EntryPoint = ep
		return nil
	}
	if v[fType] == "" {
		return b.err(line, fType, "missing, required on business rows ("+kindOr+")")
	}
	r.Kind = k
	if k == model.Template {
		if v[fCategory] == "" {
			return b.err(line, fCategory, "missing, required on templates ("+categoryOr+")")
		}
		r.Category = cat
	}
	r.Status = st

	if f.deliveredSet {
		r.DeliveredTS = f.delivered
		if msg := checkRange(r.DeliveredTS, ""); msg != "" {
			return b.err(line, fDeliveredTS, msg)
		}
	} else if v[fDeliveredTS] != "" {
		t, msg := b.parseTime(v[fDeliveredTS])
		if msg != "" {
			return b.err(line, fDeliveredTS, msg)
		}
		r.DeliveredTS = t
	}
	if r.DeliveredTS != 0 && r.DeliveredTS < r.TS {
		return b.err(line, fDeliveredTS, fmt.Sprintf("%s is before ts %s", r.DeliveredTS, r.TS))
	}
	return nil
}
