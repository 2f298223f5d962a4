package trace

import (
	"io"
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

// TestSkipInvalidNothingLeft: a trace whose every row is invalid is an error under
// SkipInvalid too, naming the count and the first reason, not an empty trace that a
// replay would bill as nothing owed; one valid row is enough to read on.
func TestSkipInvalidNothingLeft(t *testing.T) {
	dir := t.TempDir()
	bad := "2025-08-01T10:00:00Z,1111111111111,business,template,marketing,,b,,,,\n" +
		"2025-08-01T10:02:00Z,5511987654321,business,template,marketting,,,,,,\n"
	cases := []struct {
		name, body, want string
	}{
		// The first skipped, which with Sort may be a row whose problem shows earlier.
		{"all.csv", header + bad, `all.csv: nothing to read: all 2 lines of the trace were invalid and skipped; the first: all.csv:`},
		{"one.csv", header + bad[:strings.Index(bad, "\n")+1], `one.csv: nothing to read: the trace's only line was invalid and skipped: one.csv:2: column user: "1111111111111" is too long for calling code +1; want a complete international number`},
		{"some.csv", header + bad + "2025-08-01T10:03:00Z,5511987654321,user,,,,,,,,\n", ""},
	}
	for _, c := range cases {
		for _, o := range []Options{{SkipInvalid: true}, {SkipInvalid: true, Sort: true, SortChunkRows: 1}} {
			r, err := Open(writeFile(t, dir, c.name, c.body), o)
			if err != nil {
				t.Fatal(err)
			}
			r = Prefetch(r, 2)
			var rec Record
			n := 0
			for err = r.Next(&rec); err == nil; err = r.Next(&rec) {
				n++
			}
			r.Close()
			switch {
			case c.want == "" && (err != io.EOF || n != 1):
				t.Errorf("%s %+v: %d records, then %v; want 1, then EOF", c.name, o, n, err)
			case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), c.want) || !strings.Contains(err.Error(), "column ")):
				t.Errorf("%s %+v: %v\nwant %s", c.name, o, err, c.want)
			}
		}
	}
}
