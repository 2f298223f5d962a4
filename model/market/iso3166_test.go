package market

import (
	"testing"

	"github.com/nyaruka/phonenumbers"
)

func TestCheckCountry(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{"GB", "GB", ""},
		{"br", "BR", ""},
		{"XK", "XK", ""},
		{"UK", "", `"UK" is not an ISO 3166-1 alpha-2 code; did you mean GB (United Kingdom)?`},
		{"uk", "", `"uk" is not an ISO 3166-1 alpha-2 code; did you mean GB (United Kingdom)?`},
		{"EL", "", `"EL" is not an ISO 3166-1 alpha-2 code; did you mean GR (Greece)?`},
		{"USA", "", `"USA" is not an ISO 3166-1 alpha-2 code; did you mean US (United States)?`},
		{"XX", "", `"XX" is not an ISO 3166-1 alpha-2 code (like BR)`},
		{"ZZ", "", `"ZZ" is not an ISO 3166-1 alpha-2 code (like BR)`},
		{"", "", `"" is not an ISO 3166-1 alpha-2 code (like BR)`},
	} {
		got, err := CheckCountry(c.in)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if got != c.want || msg != c.err {
			t.Errorf("CheckCountry(%q) = %q, %q; want %q, %q", c.in, got, msg, c.want, c.err)
		}
	}
}

// TestCountriesCoverNumbering: every country a phone number or the market table can
// give is a country CheckCountry accepts, so no trace row is refused for a country
// spendsim itself would read from the number.
func TestCountriesCoverNumbering(t *testing.T) {
	for r := range phonenumbers.GetSupportedRegions() {
		if !IsCountry(r) {
			t.Errorf("libphonenumber's region %s is not a country here", r)
		}
	}
	for _, r := range Builtin().Rows() {
		if r.ISO2 != "" && !IsCountry(r.ISO2) {
			t.Errorf("markets.csv's %s (%s) is not a country here", r.ISO2, r.Country)
		}
	}
	if n := len(isoNames); n != 252 {
		t.Errorf("%d codes, want the 249 of ISO 3166-1 and AC, TA, XK", n)
	}
	for bad, good := range isoMistakes {
		if IsCountry(bad) || !IsCountry(good) {
			t.Errorf("mistake %s → %s: the mistake must not be a code, the suggestion must", bad, good)
		}
	}
}

func TestCheckNumberCountry(t *testing.T) {
	for _, c := range []struct{ number, country, err string }{
		{"447700900001", "GB", ""},
		{"447700900001", "JE", ""}, // +44 is also Jersey's: the column decides among them
		{"+5511987654321", "BR", ""},
		{"14155550100", "US", ""},
		{"14165550100", "CA", ""},
		{"18095550100", "DO", ""},
		{"1111111111111", "US", ""}, // not a possible number: an opaque id, not checked
		{"447700900001", "US", `market: phone number "447700900001" is a +44 number (GB, GG, IM, JE), not of US`},
		{"14155550100", "CA", `market: phone number "14155550100" is a number of US (+1 415), not of CA`},
		{"18095550100", "US", `market: phone number "18095550100" is a number of DO (+1 809), not of US`},
		{"5511987654321", "MX", `market: phone number "5511987654321" is a +55 number (BR), not of MX`},
	} {
		err := CheckNumberCountry(c.number, c.country)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if msg != c.err {
			t.Errorf("CheckNumberCountry(%q, %q) = %q, want %q", c.number, c.country, msg, c.err)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = CheckNumberCountry("447700900001", "GB") }); n != 0 {
		t.Errorf("%v allocations a check, want 0", n)
	}
}
