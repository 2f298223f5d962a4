package market

import (
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

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
	digits := number
	if len(digits) > 0 && digits[0] == '+' {
		digits = digits[1:]
	}
	if digits == "" {
		return Unknown, "", fmt.Errorf("market: phone number %q has no digits; want E.164 digits such as 5511987654321", number)
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return Unknown, "", fmt.Errorf("market: phone number %q: %q is not a digit; want E.164 digits with an optional leading +", number, c)
		}
	}
	if digits[0] == '0' {
		return Unknown, "", fmt.Errorf("market: phone number %q starts with 0; want the international form, country calling code first", number)
	}
	if len(digits) > maxE164 {
		return Unknown, "", fmt.Errorf("market: phone number %q has %d digits; E.164 numbers have at most %d", number, len(digits), maxE164)
	}
	// Country calling codes are prefix-free (ITU-T E.164), so the first assigned
	// 1-, 2- or 3-digit prefix is the code.
	code, n := 0, 0
	for l := 1; l <= 3 && l <= len(digits); l++ {
		c := atoi(digits[:l])
		if len(phonenumbers.GetRegionCodesForCountryCode(c)) > 0 {
			code, n = c, l
			break
		}
	}
	if code == 0 {
		return Unknown, "", fmt.Errorf("market: phone number %q does not start with an assigned country calling code", number)
	}
	if n == len(digits) {
		return Unknown, "", fmt.Errorf("market: phone number %q is only the calling code +%d; want a complete international number", number, code)
	}
	// WhatsApp ids of Mexican mobiles keep the "1" that Mexico dropped from mobile
	// numbers in 2019 (52 1 + ten digits); it is no part of the national number.
	if code == 52 && len(digits) == 13 && digits[2] == '1' {
		digits = digits[:2] + digits[3:]
	}
	// Build libphonenumber's number directly rather than through phonenumbers.Parse,
	// which runs a dozen regular expressions over the raw text (about 6 µs): the digits
	// are already clean.
	national := digits[n:]
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
	if r := possibleReason(code, len(national), num); r != phonenumbers.IS_POSSIBLE && r != phonenumbers.IS_POSSIBLE_LOCAL_ONLY {
		return Unknown, "", fmt.Errorf("market: phone number %q is %s for calling code +%d; want a complete international number", number, reason(r), code)
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
				t.nanpOnce.Do(func() { t.nanp = nanpRegions() })
				if iso := t.nanp[atoi(national[:3])]; iso != "" {
					return r.id, iso, nil
				}
			}
			if regs := phonenumbers.GetRegionCodesForCountryCode(code); len(regs) > 1 {
				if reg := phonenumbers.GetRegionCodeForNumber(num); reg != "" {
					iso = reg
				}
			}
			return r.id, iso, nil
		}
	}
	region := phonenumbers.GetRegionCodeForNumber(num)
	if region == "" {
		region = phonenumbers.GetRegionCodeForCountryCode(code)
	}
	if region == phonenumbers.UNKNOWN_REGION || region == "001" {
		// Non-geographic codes (+800, +882, …) have no country.
		region = ""
	}
	return t.other, region, nil
}

// possible caches libphonenumber's IsPossibleNumberWithReason by calling code and
// national number length (leading zeros included), the only things it looks at: it
// tests the length against the possible lengths of the code's main region. A replay
// asks once per new user; the call costs about 300 ns and allocates. 0 = not asked
// yet, else the result + 1.
var possible [1000][maxE164 + 1]atomic.Int32

// possibleReason is IsPossibleNumberWithReason(num) for a num of calling code code and
// a national number of n digits.
func possibleReason(code, n int, num *phonenumbers.PhoneNumber) phonenumbers.ValidationResult {
	c := &possible[code][n]
	if v := c.Load(); v != 0 {
		return phonenumbers.ValidationResult(v - 1)
	}
	r := phonenumbers.IsPossibleNumberWithReason(num)
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
