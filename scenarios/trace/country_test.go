package trace

import (
	"strings"
	"testing"
)

// TestCountryChecked: a country column holds ISO 3166-1 alpha-2 codes only (UK is
// refused with GB suggested), and one that contradicts the row's E.164 number is an
// error, or with CountryOverrides the column's word, counted.
func TestCountryChecked(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, country, user string
		o                   Options
		want                string // the error; "" = read
		overrides           int64
	}{
		{"UK", "UK", "cust-1", Options{}, `t.csv:2: column country: "UK" is not an ISO 3166-1 alpha-2 code; did you mean GB (United Kingdom)?`, 0},
		{"XX", "XX", "cust-1", Options{}, `t.csv:2: column country: "XX" is not an ISO 3166-1 alpha-2 code (like BR)`, 0},
		{"lower case", "gb", "cust-1", Options{}, "", 0},
		{"fits the number", "GB", "447700900001", Options{}, "", 0},
		{"contradicts the number", "US", "447700900001", Options{},
			`t.csv:2: column country: "US" contradicts user 447700900001, which is a +44 number (GB, GG, IM, JE), not of US; correct the country (or let it decide with --country-overrides)`, 0},
		{"overridden", "US", "447700900001", Options{CountryOverrides: true}, "", 1},
		{"an id that is no possible number", "US", "1111111111111", Options{}, "", 0},
	} {
		p := writeFile(t, dir, "t.csv", header+"2025-08-01T10:00:00Z,"+c.user+",user,,,"+c.country+",,,,,\n")
		r, err := Open(p, c.o)
		if err != nil {
			t.Fatal(err)
		}
		var rec Record
		err = r.Next(&rec)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
		if n := CountsOf(r).CountryOverrides; n != c.overrides {
			t.Errorf("%s: %d overrides counted, want %d", c.name, n, c.overrides)
		}
		if c.want == "" && rec.Country != strings.ToUpper(c.country) {
			t.Errorf("%s: country %q", c.name, rec.Country)
		}
		r.Close()
	}
}

// TestSkipReasons: with SkipInvalid the reader keeps the first MaxSkipReasons errors
// it skipped, and counts every skipped row, through Prefetch too.
func TestSkipReasons(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "t.csv", header+
		"2025-08-01T10:00:00Z,1111111111111,business,template,marketing,,b,,,,\n"+
		"2025-08-01T10:01:00Z,cust-1,user,,,UK,,,,,\n"+
		"2025-08-01T10:02:00Z,5511987654321,business,template,marketting,,,,,,\n"+
		"2025-08-01T10:03:00Z,5511987654321,user,,,,,,,,\n"+
		"2025-08-01T10:04:00Z,CUSTOMER_PHONE_NUMBER,user,,,,,,,,\n")
	r, err := Open(p, Options{SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	r = Prefetch(r, 2)
	defer r.Close()
	var rec Record
	n := 0
	for r.Next(&rec) == nil {
		n++
	}
	c := CountsOf(r)
	want := []string{
		`t.csv:2: column user: "1111111111111" is too long for calling code +1; want a complete international number`,
		`t.csv:3: column country: "UK" is not an ISO 3166-1 alpha-2 code; did you mean GB (United Kingdom)?`,
		`t.csv:4: column category: "marketting" is not one of marketing, utility, authentication`,
	}
	if n != 1 || c.Skipped != 4 || strings.Join(c.SkipReasons, "\n") != strings.Join(want, "\n") {
		t.Errorf("%d records, %d skipped, reasons:\n%s\nwant 1, 4:\n%s", n, c.Skipped, strings.Join(c.SkipReasons, "\n"), strings.Join(want, "\n"))
	}
}
