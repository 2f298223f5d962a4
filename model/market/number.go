package market

import (
	"fmt"
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
// It allocates (libphonenumber works on protobuf messages): callers cache per user.
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
	for i := 0; i < len(digits); i++ {
		if c := digits[i]; c < '0' || c > '9' {
			return Unknown, "", fmt.Errorf("market: phone number %q: %q is not a digit; want E.164 digits with an optional leading +", number, rune(c))
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
	for l := 1; l <= 3 && l < len(digits); l++ {
		c := atoi(digits[:l])
		if len(phonenumbers.GetRegionCodesForCountryCode(c)) > 0 {
			code, n = c, l
			break
		}
	}
	if code == 0 {
		return Unknown, "", fmt.Errorf("market: phone number %q does not start with an assigned country calling code", number)
	}
	num, err := phonenumbers.Parse("+"+digits, "")
	if err != nil {
		return Unknown, "", fmt.Errorf("market: phone number %q: %v", number, err)
	}
	region := phonenumbers.GetRegionCodeForNumber(num)
	if r := phonenumbers.IsPossibleNumberWithReason(num); r != phonenumbers.IS_POSSIBLE && r != phonenumbers.IS_POSSIBLE_LOCAL_ONLY {
		return Unknown, "", fmt.Errorf("market: phone number %q is %s for calling code +%d; want a complete international number", number, reason(r), code)
	}
	national := digits[n:]
	for _, r := range t.codes[code] {
		if r.from <= day && day <= r.to && hasPrefix(national, r.prefix) {
			iso := region
			if r.prefix != "" || iso == "" {
				iso = r.iso2
			}
			return r.id, iso, nil
		}
	}
	if region == "" {
		region = phonenumbers.GetRegionCodeForCountryCode(code)
	}
	if region == phonenumbers.UNKNOWN_REGION || region == "001" {
		// Non-geographic codes (+800, +882, …) have no country.
		region = ""
	}
	return t.other, region, nil
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
