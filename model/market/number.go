package market

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"github.com/spendsim/spendsim/model"
)

// maxE164 is the most digits an E.164 number has, calling code included (ITU-T E.164).
const maxE164 = 15

// ForNumber returns the market of an E.164 number ("5511987654321", optionally with a
// leading "+") on the UTC date of at, and the ISO country it belongs to.
//
// The market follows data/README.md's matching rule: the longest calling_code+prefix
// among rows valid at the date (+1 809 → Rest of Latin America, +1 212 → North America,
// +7 7… → Kazakhstan's row, else Russia's); a calling code the table does not list maps
// to Other. libphonenumber (github.com/nyaruka/phonenumbers) splits off the calling
// code, checks the number is a plausible length for its country, and names the country
// where the table's row does not (the +1 default row covers many countries). Where the
// table row has a prefix, its iso2 wins, so ForCountry(iso2) gives back the same market.
//
// Unlike ForCountry, a NANP territory Meta does not name (Bahamas, +1 242) gets the
// calling-code match, North America, as the matching rule says; ForCountry("BS") is
// Other. data/README.md lists this as a known ambiguity.
//
// It costs a few hundred nanoseconds and a few small allocations (libphonenumber works
// on protobuf messages): callers cache the result per user.
func (t *Table) ForNumber(digits string, at model.Time) (ID, string, error) {
	return t.forNumberDay(digits, t.clamp(dayOfTime(at)))
}

// ForNumberIn is ForNumber with the date taken in loc (nil means UTC).
func (t *Table) ForNumberIn(digits string, at model.Time, loc *time.Location) (ID, string, error) {
	return t.forNumberDay(digits, t.clamp(localDay(at, loc)))
}

func (t *Table) forNumberDay(number string, day int32) (ID, string, error) {
	code, national, err := splitNumber(number)
	if err != nil {
		return Unknown, "", err
	}
	for _, r := range t.codes[code] {
		if r.from <= day && day <= r.to && hasPrefix(national, r.prefix) {
			if r.prefix != "" {
				return r.id, r.iso2, nil
			}
			// A row for the whole code: the country is the table's when the code is one
			// country's, else libphonenumber's (+1 covers the US, Canada, the Bahamas…).
			iso := r.iso2
			if code == 1 && len(national) == 10 {
				if iso := nanpByArea()[atoi(national[:3])]; iso != "" {
					return r.id, iso, nil
				}
			}
			if regs := phonenumbers.GetRegionCodesForCountryCode(code); len(regs) > 1 {
				if reg := phonenumbers.GetRegionCodeForNumber(phoneNumber(code, national)); reg != "" {
					iso = reg
				}
			}
			return r.id, iso, nil
		}
	}
	region := phonenumbers.GetRegionCodeForNumber(phoneNumber(code, national))
	if region == "" {
		region = phonenumbers.GetRegionCodeForCountryCode(code)
	}
	if region == phonenumbers.UNKNOWN_REGION || region == "001" {
		// Non-geographic codes (+800, +882, …) have no country.
		region = ""
	}
	return t.other, region, nil
}

// CheckNumber returns why number (E.164 digits, optionally with a leading +) is not a
// possible phone number, or nil: the checks ForNumber makes before it looks a market up
// (digits only, an assigned calling code, a length libphonenumber deems possible for
// it), with ForNumber's errors. It needs no table and, once a calling code and length
// have been seen, does not allocate: trace readers ask it of every row whose user has
// no country.
func CheckNumber(number string) error {
	_, _, err := splitNumber(number)
	return err
}

// NumberError is why a number is not a possible phone number.
type NumberError struct {
	Number string // as given
	Reason string // what is wrong and what is wanted, to follow the number: " is too long for calling code +1; want …"
}

func (e *NumberError) Error() string {
	return fmt.Sprintf("market: phone number %q%s", e.Number, e.Reason)
}

// splitNumber checks number and splits it into its calling code and national number.
func splitNumber(number string) (int, string, error) {
	digits := number
	if len(digits) > 0 && digits[0] == '+' {
		digits = digits[1:]
	}
	if digits == "" {
		return badNumber(number, " has no digits; want E.164 digits such as 5511987654321")
	}
	for i := 0; i < len(digits); i++ {
		if c := digits[i]; c < '0' || c > '9' {
			r, _ := utf8.DecodeRuneInString(digits[i:])
			return badNumber(number, ": %q is not a digit; want E.164 digits with an optional leading +", r)
		}
	}
	if digits[0] == '0' {
		return badNumber(number, " starts with 0; want the international form, country calling code first")
	}
	if len(digits) > maxE164 {
		return badNumber(number, " has %d digits; E.164 numbers have at most %d", len(digits), maxE164)
	}
	// Country calling codes are prefix-free (ITU-T E.164), so the first assigned
	// 1-, 2- or 3-digit prefix is the code.
	code, n := 0, 0
	assigned := assignedCodes()
	for l := 1; l <= 3 && l <= len(digits); l++ {
		if c := atoi(digits[:l]); assigned[c] {
			code, n = c, l
			break
		}
	}
	if code == 0 {
		return badNumber(number, " does not start with an assigned country calling code")
	}
	if n == len(digits) {
		return badNumber(number, " is only the calling code +%d; want a complete international number", code)
	}
	national := digits[n:]
	// WhatsApp ids of Mexican mobiles keep the "1" that Mexico dropped from mobile
	// numbers in 2019 (52 1 + ten digits); it is no part of the national number.
	if code == 52 && len(digits) == 13 && digits[2] == '1' {
		national = digits[3:]
	}
	if r := possibleReason(code, national); r != phonenumbers.IS_POSSIBLE && r != phonenumbers.IS_POSSIBLE_LOCAL_ONLY {
		return badNumber(number, " is %s for calling code +%d; want a complete international number", reason(r), code)
	}
	return code, national, nil
}

func badNumber(number, format string, a ...any) (int, string, error) {
	return 0, "", &NumberError{Number: number, Reason: fmt.Sprintf(format, a...)}
}

// assignedCodes marks the calling codes libphonenumber knows, so that the check a
// trace reader makes of every row is an array lookup, not three map lookups.
var assignedCodes = sync.OnceValue(func() *[1000]bool {
	var a [1000]bool
	for c := range a {
		a[c] = len(phonenumbers.GetRegionCodesForCountryCode(c)) > 0
	}
	return &a
})

// phoneNumber builds libphonenumber's number directly rather than through
// phonenumbers.Parse, which runs a dozen regular expressions over the raw text (about
// 6 µs): the digits are already clean.
func phoneNumber(code int, national string) *phonenumbers.PhoneNumber {
	zeros := 0
	for zeros < len(national)-1 && national[zeros] == '0' {
		zeros++
	}
	nn, _ := strconv.ParseUint(national, 10, 64) // at most 14 digits: fits
	cc32 := int32(code)
	num := &phonenumbers.PhoneNumber{CountryCode: &cc32, NationalNumber: &nn}
	if zeros > 0 {
		lead, nz := true, int32(zeros)
		num.ItalianLeadingZero, num.NumberOfLeadingZeros = &lead, &nz
	}
	return num
}

// possible caches libphonenumber's IsPossibleNumberWithReason by calling code and
// national number length (leading zeros included), the only things it looks at: it
// tests the length against the possible lengths of the code's main region. A replay
// asks once per new user; the call costs about 300 ns and allocates. 0 = not asked
// yet, else the result + 1.
var possible [1000][maxE164 + 1]atomic.Int32

// possibleReason is IsPossibleNumberWithReason for the number of calling code code and
// national number national.
func possibleReason(code int, national string) phonenumbers.ValidationResult {
	c := &possible[code][len(national)]
	if v := c.Load(); v != 0 {
		return phonenumbers.ValidationResult(v - 1)
	}
	r := phonenumbers.IsPossibleNumberWithReason(phoneNumber(code, national))
	c.Store(int32(r) + 1)
	return r
}

func reason(r phonenumbers.ValidationResult) string {
	switch r {
	case phonenumbers.TOO_SHORT:
		return "too short"
	case phonenumbers.TOO_LONG:
		return "too long"
	case phonenumbers.INVALID_LENGTH:
		return "not a valid length"
	case phonenumbers.INVALID_COUNTRY_CODE:
		return "not under an assigned calling code"
	}
	return "not a possible number"
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

// nanpSubscriber is the seven digits appended to an area code to ask libphonenumber
// which country the area code belongs to: an exchange (234) and line valid in every
// NANP country's numbering pattern.
const nanpSubscriber = 2345678

// nanpByArea is nanpRegions, computed on the first +1 number looked up: 800
// libphonenumber calls that tables never asked for numbers should not pay for.
var nanpByArea = sync.OnceValue(func() *[1000]string {
	r := nanpRegions()
	return &r
})

// regionsByCode are libphonenumber's regions of each calling code, for
// CheckNumberCountry to compare with without allocating.
var regionsByCode = sync.OnceValue(func() *[1000][]string {
	var r [1000][]string
	for c := range r {
		r[c] = phonenumbers.GetRegionCodesForCountryCode(c)
	}
	return &r
})

// CheckNumberCountry reports whether country (ISO 3166-1 alpha-2, upper case) can be
// the country of number (E.164 digits, optionally with a leading +): it must be one of
// the countries sharing the number's calling code, and for a +1 number the country of
// its area code where libphonenumber places it (+1 415 is the US, +1 416 Canada, +1
// 809 the Dominican Republic). Where a calling code has several countries (+44: GB,
// GG, IM, JE; +7: RU, KZ), a country among them is taken as the number's. A number
// that is not possible (CheckNumber) is not checked: it may be an opaque id that only
// looks like one, whose country the caller has. The error is a *NumberError.
func CheckNumberCountry(number, country string) error {
	code, national, err := splitNumber(number)
	if err != nil {
		return nil
	}
	regions := regionsByCode()[code]
	if code == 1 && len(national) == 10 {
		if iso := nanpByArea()[atoi(national[:3])]; iso != "" {
			if iso == country {
				return nil
			}
			return &NumberError{Number: number, Reason: fmt.Sprintf(" is a number of %s (+1 %s), not of %s", iso, national[:3], country)}
		}
	}
	for _, r := range regions {
		if r == country {
			return nil
		}
	}
	return &NumberError{Number: number, Reason: fmt.Sprintf(" is a +%d number (%s), not of %s", code, strings.Join(regions, ", "), country)}
}

// nanpRegions precomputes the country of every +1 area code (NPA). libphonenumber finds
// a +1 number's country by trying each NANP country's full validation pattern in turn,
// some 4 µs for a US number; NANP countries are defined by area code, so one answer per
// area code serves every number in it. Area codes libphonenumber places nowhere stay ""
// and are looked up per number.
func nanpRegions() (out [1000]string) {
	cc := int32(1)
	for npa := 200; npa < 1000; npa++ {
		nn := uint64(npa)*10_000_000 + nanpSubscriber
		out[npa] = phonenumbers.GetRegionCodeForNumber(&phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &nn})
	}
	return out
}

// IsE164 reports whether s (without its '+') looks like an E.164 number: 7 to 15
// digits, the first not 0. Whether the number really exists is CheckNumber's business;
// trace readers use it to decide only whether a country must be given.
func IsE164(s string) bool {
	if len(s) < 7 || len(s) > maxE164 || s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// NormNumber drops the optional '+' of an E.164 number so that "+5511…" and "5511…"
// are one number: the trace readers' form of a user, and how an accounts file's numbers
// meet a trace's business numbers. Anything else (an opaque id) is returned as is.
func NormNumber(s string) string {
	if len(s) > 1 && s[0] == '+' && IsE164(s[1:]) {
		return s[1:]
	}
	return s
}
