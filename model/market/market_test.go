package market

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/internal/sharedtest"

	"github.com/nyaruka/phonenumbers"

	"github.com/spendsim/spendsim/model"
)

func day(s string) model.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return model.FromStd(t.Add(12 * time.Hour)) // midday: away from any zone question
}

func TestBuiltinParses(t *testing.T) {
	tb := Builtin()
	if got := tb.Len(); got != 47 {
		t.Errorf("Len() = %d, want 47 markets (32 to 2026-06-30, +6 on 2026-07-01, +9 on 2026-10-01)", got)
	}
	other, ok := tb.ID("Other")
	if !ok || other != tb.Other() || other == Unknown {
		t.Errorf("Other: id %d ok %v, Other() %d", other, ok, tb.Other())
	}
	names := tb.Names()
	for i, n := range names {
		id, ok := tb.ID(n)
		if !ok || id != ID(i+1) || tb.Name(id) != n {
			t.Errorf("name %q: ID %d ok %v, want %d", n, id, ok, i+1)
		}
		if i > 0 && names[i-1] >= n {
			t.Errorf("names not sorted: %q before %q", names[i-1], n)
		}
	}
	if tb.Name(Unknown) != "" || tb.Name(ID(tb.Len()+1)) != "" {
		t.Error("Name of Unknown or out-of-range id should be empty")
	}
	if id, ok := tb.ID("  rest of  central & eastern europe "); !ok || tb.Name(id) != "Rest of Central & Eastern Europe" {
		t.Errorf("ID should ignore case and spacing, got %d %v", id, ok)
	}
	if len(tb.Rows()) != 164 {
		t.Errorf("Rows() = %d, want the 164 data rows of markets.csv", len(tb.Rows()))
	}
}

// The embedded copy must be the project's curated file, byte for byte.
func TestEmbeddedMatchesDomainData(t *testing.T) {
	want, err := os.ReadFile("../../../shared/domain/markets.csv")
	if err != nil {
		sharedtest.Missing(t, "the project's domain data", err)
	}
	if !bytes.Equal(builtinCSV, want) {
		t.Error("data/markets.csv differs from the project's domain/markets.csv; copy it again")
	}
}

func TestForCountry(t *testing.T) {
	tb := Builtin()
	tests := []struct {
		iso2, date, want string
	}{
		{"BR", "2025-07-01", "Brazil"},
		{"br", "2025-07-01", "Brazil"},
		{"US", "2024-01-01", "North America"},
		{"CA", "2024-01-01", "North America"},
		{"DO", "2024-01-01", "Rest of Latin America"},
		{"PR", "2024-01-01", "Rest of Latin America"},
		{"JM", "2024-01-01", "Rest of Latin America"},
		{"GB", "2024-01-01", "United Kingdom"},
		{"FJ", "2024-01-01", "Other"}, // not listed by Meta
		{"RU", "2026-12-01", "Russia"},
		// Zimbabwe joins Rest of Africa on 2025-10-01.
		{"ZW", "2025-09-30", "Other"},
		{"ZW", "2025-10-01", "Rest of Africa"},
		// Six standalone markets from 2026-07-01.
		{"HU", "2026-06-30", "Rest of Central & Eastern Europe"},
		{"HU", "2026-07-01", "Hungary"},
		{"PL", "2026-06-30", "Rest of Central & Eastern Europe"},
		{"PL", "2026-07-01", "Poland"},
		{"RO", "2026-07-01", "Romania"},
		{"HK", "2026-06-30", "Rest of Asia Pacific"},
		{"HK", "2026-07-01", "Hong Kong"},
		{"SG", "2026-07-01", "Singapore"},
		{"QA", "2026-06-30", "Rest of Middle East"},
		{"QA", "2026-07-01", "Qatar"},
		// Nine more from 2026-10-01.
		{"BD", "2026-09-30", "Rest of Asia Pacific"},
		{"BD", "2026-10-01", "Bangladesh"},
		{"IQ", "2026-10-01", "Iraq"},
		{"NP", "2026-10-01", "Nepal"},
		{"LK", "2026-09-30", "Rest of Asia Pacific"},
		{"LK", "2026-10-01", "Sri Lanka"},
		{"KZ", "2026-09-30", "Other"},
		{"KZ", "2026-10-01", "Kazakhstan"},
		{"KW", "2026-10-01", "Kuwait"},
		{"MA", "2026-09-30", "Rest of Africa"},
		{"MA", "2026-10-01", "Morocco"},
		{"OM", "2026-10-01", "Oman"},
		{"UA", "2026-09-30", "Rest of Central & Eastern Europe"},
		{"UA", "2026-10-01", "Ukraine"},
		// Before 2022-02-01: the earliest table (docs/billing.md, "Markets").
		{"ZW", "2019-03-01", "Other"},
		{"HU", "2019-03-01", "Rest of Central & Eastern Europe"},
		{"IN", "2018-08-01", "India"},
		{"FJ", "2018-08-01", "Other"},
	}
	for _, tt := range tests {
		got := tb.Name(tb.ForCountry(tt.iso2, day(tt.date)))
		if got != tt.want {
			t.Errorf("ForCountry(%q, %s) = %q, want %q", tt.iso2, tt.date, got, tt.want)
		}
	}
	for _, bad := range []string{"", "B", "BRA", "B1", "é"} {
		if id := tb.ForCountry(bad, day("2025-01-01")); id != Unknown {
			t.Errorf("ForCountry(%q) = %q, want Unknown", bad, tb.Name(id))
		}
	}
}

// Effective dates are midnight in the business's time zone (docs/billing.md, "Time
// zone").
func TestForCountryInZone(t *testing.T) {
	tb := Builtin()
	budapest, err := time.LoadLocation("Europe/Budapest")
	if err != nil {
		t.Skip("no zone data:", err)
	}
	// 22:30 UTC on 2026-06-30 is 00:30 on 2026-07-01 in Budapest (UTC+2).
	at := model.FromStd(time.Date(2026, 6, 30, 22, 30, 0, 0, time.UTC))
	if got := tb.Name(tb.ForCountry("HU", at)); got != "Rest of Central & Eastern Europe" {
		t.Errorf("UTC: %q", got)
	}
	if got := tb.Name(tb.ForCountryIn("HU", at, budapest)); got != "Hungary" {
		t.Errorf("Budapest: %q, want Hungary", got)
	}
	if got := tb.Name(tb.ForCountryIn("HU", at, nil)); got != "Rest of Central & Eastern Europe" {
		t.Errorf("nil zone: %q", got)
	}
	id, _, err := tb.ForNumberIn("36201234567", at, budapest)
	if err != nil || tb.Name(id) != "Hungary" {
		t.Errorf("ForNumberIn Budapest: %q %v", tb.Name(id), err)
	}
}

func TestForNumber(t *testing.T) {
	tb := Builtin()
	tests := []struct {
		number, date, market, iso2 string
	}{
		{"+12125550100", "2025-07-01", "North America", "US"},
		{"12125550100", "2025-07-01", "North America", "US"},
		{"14165550100", "2025-07-01", "North America", "CA"},
		{"18095550100", "2025-07-01", "Rest of Latin America", "DO"},
		{"18295550100", "2025-07-01", "Rest of Latin America", "DO"},
		{"18495550100", "2025-07-01", "Rest of Latin America", "DO"},
		{"18765550100", "2025-07-01", "Rest of Latin America", "JM"},
		{"16585550100", "2025-07-01", "Rest of Latin America", "JM"},
		{"17875550100", "2025-07-01", "Rest of Latin America", "PR"},
		{"19395550100", "2025-07-01", "Rest of Latin America", "PR"},
		// A NANP territory Meta does not name: the +1 default row (README known gap 9).
		{"12425550100", "2025-07-01", "North America", "BS"},
		// +7: Kazakhstan's prefixes, Other until its own market opens on 2026-10-01.
		{"77011234567", "2026-09-30", "Other", "KZ"},
		{"77011234567", "2026-10-01", "Kazakhstan", "KZ"},
		{"76012345678", "2026-10-01", "Kazakhstan", "KZ"},
		{"79161234567", "2026-10-01", "Russia", "RU"},
		{"5511987654321", "2025-07-01", "Brazil", "BR"},
		{"447700900123", "2025-07-01", "United Kingdom", "GB"},
		{"390612345678", "2025-07-01", "Italy", "IT"}, // national number with a leading 0
		{"263771234567", "2025-09-30", "Other", "ZW"},
		{"263771234567", "2025-10-01", "Rest of Africa", "ZW"},
		{"36201234567", "2026-06-30", "Rest of Central & Eastern Europe", "HU"},
		{"36201234567", "2026-07-01", "Hungary", "HU"},
		{"8801712345678", "2026-10-01", "Bangladesh", "BD"},
		{"6797012345", "2025-07-01", "Other", "FJ"}, // Fiji: calling code not in the table
		{"919876543210", "2019-01-01", "India", "IN"},
	}
	for _, tt := range tests {
		id, iso, err := tb.ForNumber(tt.number, day(tt.date))
		if err != nil {
			t.Errorf("ForNumber(%q, %s): %v", tt.number, tt.date, err)
			continue
		}
		if tb.Name(id) != tt.market || iso != tt.iso2 {
			t.Errorf("ForNumber(%q, %s) = %q, %q; want %q, %q", tt.number, tt.date, tb.Name(id), iso, tt.market, tt.iso2)
		}
	}
}

func TestForNumberErrors(t *testing.T) {
	tb := Builtin()
	tests := []struct{ number, want string }{
		{"", "has no digits"},
		{"+", "has no digits"},
		{"+55 11 98765", `' ' is not a digit`},
		{"55abc", `'a' is not a digit`},
		{"55é", `'é' is not a digit`},
		{"0044123456", "starts with 0"},
		{"5511987654321123", "has 16 digits"},
		{"9991234567", "does not start with an assigned country calling code"},
		{"4420", "too short for calling code +44"},
		{"55119876543219", "for calling code +55"},
	}
	for _, tt := range tests {
		_, _, err := tb.ForNumber(tt.number, day("2025-01-01"))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ForNumber(%q) error %v, want one containing %q", tt.number, err, tt.want)
		}
	}
}

// TestCheckNumber: CheckNumber is ForNumber's check, with its errors, and no allocation
// once a calling code and length have been seen (trace readers ask it per row).
func TestCheckNumber(t *testing.T) {
	tb := Builtin()
	for _, number := range []string{"", "+", "+55 11 98765", "55abc", "0044123456", "5511987654321123", "9991234567",
		"4420", "55119876543219", "1111111111111", "123456789", "5511987654321", "+14165550100", "5215512345678", "390612345678"} {
		_, _, want := tb.ForNumber(number, day("2025-01-01"))
		got := CheckNumber(number)
		if (got == nil) != (want == nil) || got != nil && got.Error() != want.Error() {
			t.Errorf("CheckNumber(%q) = %v, ForNumber says %v", number, got, want)
		}
		var ne *NumberError
		if got != nil && (!errors.As(got, &ne) || ne.Number != number || !strings.HasSuffix(got.Error(), ne.Reason)) {
			t.Errorf("CheckNumber(%q) = %#v, want a *NumberError of the number", number, got)
		}
	}
	if n := testing.AllocsPerRun(100, func() {
		_ = CheckNumber("5511987654321")
		_ = CheckNumber("+14165550100")
		_ = CheckNumber("5215512345678")
	}); n != 0 {
		t.Errorf("CheckNumber allocates %.1f times per call", n)
	}
}

// ForCountry runs per message: it must not allocate.
func TestForCountryDoesNotAllocate(t *testing.T) {
	tb := Builtin()
	at := day("2026-10-01")
	if n := testing.AllocsPerRun(100, func() { tb.ForCountry("KZ", at); tb.ForCountry("fj", at) }); n != 0 {
		t.Errorf("ForCountry allocates %.1f times per call", n)
	}
}

// Every country ForNumber names gets the same market from ForCountry, except NANP
// territories Meta does not name (the documented ambiguity).
func TestForNumberAgreesWithForCountry(t *testing.T) {
	tb := Builtin()
	for _, r := range tb.Rows() {
		if r.CallingCode == "*" {
			continue
		}
		at := model.FromStd(r.From)
		number := r.CallingCode + r.Prefix
		// Pad to a plausible length with digits that make a valid-looking subscriber.
		for len(number) < 11 {
			number += "2"
		}
		id, iso, err := tb.ForNumber(number, at)
		if err != nil {
			continue // a synthetic number libphonenumber finds implausible; covered above
		}
		if iso != r.ISO2 && r.Prefix != "" {
			t.Errorf("%s: ISO %s, want the row's %s", number, iso, r.ISO2)
		}
		if iso == r.ISO2 && tb.ForCountry(iso, at) != id {
			t.Errorf("%s at %s: ForNumber %q, ForCountry(%s) %q", number, r.From.Format(time.DateOnly),
				tb.Name(id), iso, tb.Name(tb.ForCountry(iso, at)))
		}
	}
}

func TestParseErrors(t *testing.T) {
	const header = "calling_code,prefix,iso2,market,effective_from,effective_to,country,confidence,source,note\n"
	const star = "*,,,Other,2022-02-01,,All,official,s,n\n"
	tests := []struct{ name, in, want string }{
		{"header", "code,market\n", "t.csv:1: header is"},
		{"no rows", header, "no rows"},
		{"code", header + "5x,,BR,Brazil,2022-02-01,,Brazil,official,s,n\n" + star, `t.csv:2: column calling_code: "5x"`},
		{"iso", header + "55,,Br,Brazil,2022-02-01,,Brazil,official,s,n\n" + star, `t.csv:2: column iso2: "Br"`},
		{"date", header + "55,,BR,Brazil,2022-02-31,,Brazil,official,s,n\n" + star, `t.csv:2: column effective_from: "2022-02-31" is not a date`},
		{"order", header + "55,,BR,Brazil,2022-02-01,2021-01-01,Brazil,official,s,n\n" + star, "t.csv:2: column effective_to: 2021-01-01 is before"},
		{"confidence", header + "55,,BR,Brazil,2022-02-01,,Brazil,sure,s,n\n" + star, `t.csv:2: column confidence: "sure"`},
		{"columns", header + "55,,BR,Brazil\n" + star, "t.csv:2: 4 columns, want 10"},
		{"no catch-all", header + "55,,BR,Brazil,2022-02-01,,Brazil,official,s,n\n", "0 catch-all rows"},
		{"ambiguous", header + "55,,BR,Brazil,2022-02-01,,Brazil,official,s,n\n55,,BR,Other,2023-01-01,,Brazil,official,s,n\n" + star, "maps to both"},
	}
	for _, tt := range tests {
		_, err := Parse(strings.NewReader(tt.in), "t.csv")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func BenchmarkForCountry(b *testing.B) {
	tb := Builtin()
	at := day("2026-10-01")
	for b.Loop() {
		tb.ForCountry("KZ", at)
	}
}

func BenchmarkForNumber(b *testing.B) {
	tb := Builtin()
	at := day("2026-10-01")
	for b.Loop() {
		if _, _, err := tb.ForNumber("+5511987654321", at); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkForNumberShared(b *testing.B) {
	tb := Builtin()
	at := day("2026-10-01")
	for b.Loop() {
		if _, _, err := tb.ForNumber("+18095550100", at); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkForNumberUS(b *testing.B) {
	tb := Builtin()
	at := day("2026-10-01")
	for b.Loop() {
		if _, _, err := tb.ForNumber("+12125550100", at); err != nil {
			b.Fatal(err)
		}
	}
}

// The per-area-code shortcut for +1 numbers must name the country libphonenumber names
// for real numbers in that area code.
func TestNANPShortcutMatchesLibphonenumber(t *testing.T) {
	cc := int32(1)
	checked := 0
	for npa := 200; npa < 1000; npa++ {
		for _, sub := range []uint64{5550100, 2012345, 9876543, 3334444} {
			nn := uint64(npa)*10_000_000 + sub
			want := phonenumbers.GetRegionCodeForNumber(&phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &nn})
			if want == "" {
				continue
			}
			checked++
			if got := nanpByArea()[npa]; got != "" && got != want {
				t.Errorf("+1 %d: shortcut %s, libphonenumber %s", nn, got, want)
			}
		}
	}
	if checked < 1000 {
		t.Errorf("only %d numbers checked", checked)
	}
}

// A broken embedded table panics with the package prefix, as every error does, naming the
// problem.
func TestBrokenEmbeddedTablePanics(t *testing.T) {
	defer func() {
		r := recover()
		msg, _ := r.(string)
		if !strings.HasPrefix(msg, "market: embedded table is broken: markets.csv:2: column iso2") {
			t.Errorf("panic %v", r)
		}
	}()
	broken := bytes.Replace(builtinCSV, []byte("1,,CA,"), []byte("1,,Canada,"), 1)
	mustParse(broken)
	t.Error("no panic")
}

// Tables are shared by every run of a sweep: lookups from many goroutines must be safe
// (run with -race), including the first +1 lookup that fills the area-code shortcut.
func TestConcurrentLookups(t *testing.T) {
	tb, err := Parse(bytes.NewReader(builtinCSV), "markets.csv") // a fresh table: shortcut not yet filled
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan string)
	for i := 0; i < 4; i++ {
		go func() {
			id, iso, err := tb.ForNumber("14165550100", day("2025-01-01"))
			if err != nil {
				done <- err.Error()
				return
			}
			done <- tb.Name(id) + " " + iso + " " + tb.Name(tb.ForCountry("CA", day("2025-01-01")))
		}()
	}
	for i := 0; i < 4; i++ {
		if got := <-done; got != "North America CA North America" {
			t.Error(got)
		}
	}
}

func FuzzForNumber(f *testing.F) {
	for _, s := range []string{"+5511987654321", "18095550100", "77011234567", "390612345678", "+", "0", "999", "1", "4400000000", "8001234567"} {
		f.Add(s, int64(day("2026-10-01")))
	}
	tb := Builtin()
	f.Fuzz(func(t *testing.T, number string, at int64) {
		id, iso, err := tb.ForNumber(number, model.Time(at))
		if check := CheckNumber(number); (check == nil) != (err == nil) || check != nil && check.Error() != err.Error() {
			t.Fatalf("%q: CheckNumber says %v, ForNumber %v", number, check, err)
		}
		if err != nil {
			if id != Unknown || iso != "" || !strings.HasPrefix(err.Error(), "market: phone number") {
				t.Fatalf("%q: %d %q %v", number, id, iso, err)
			}
			return
		}
		if id == Unknown || int(id) > tb.Len() {
			t.Fatalf("%q: id %d", number, id)
		}
		if iso != "" && (len(iso) != 2 || !isUpper(iso[0]) || !isUpper(iso[1])) {
			t.Fatalf("%q: iso2 %q", number, iso)
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add(builtinCSV[:3000])
	f.Add([]byte("calling_code,prefix,iso2,market,effective_from,effective_to,country,confidence,source,note\n*,,,Other,2022-02-01,,All,official,s,n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := Parse(bytes.NewReader(data), "f.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if tb.Other() == Unknown || tb.Len() == 0 {
			t.Fatalf("table without Other")
		}
		for _, r := range tb.Rows() {
			if r.ISO2 != "" && tb.ForCountry(r.ISO2, model.FromStd(r.From)) == Unknown {
				t.Fatalf("%s maps to Unknown", r.ISO2)
			}
		}
	})
}

func TestAt(t *testing.T) {
	tb := Builtin()
	for _, tt := range []struct {
		date string
		n    int
	}{{"2019-01-01", 32}, {"2026-06-30", 32}, {"2026-07-01", 38}, {"2026-09-30", 38}, {"2026-10-01", 47}} {
		ids := tb.At(day(tt.date))
		if len(ids) != tt.n {
			var names []string
			for _, id := range ids {
				names = append(names, tb.Name(id))
			}
			t.Errorf("At(%s): %d markets, want %d: %v", tt.date, len(ids), tt.n, names)
		}
	}
}

// WhatsApp writes Mexican mobiles as 52 1 + ten digits; both forms are Mexico.
func TestMexicanMobileWithLegacyOne(t *testing.T) {
	tb := Builtin()
	at := model.FromStd(time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC))
	for _, n := range []string{"5215512345678", "525512345678", "+5215512345678"} {
		id, iso, err := tb.ForNumber(n, at)
		if err != nil || tb.Name(id) != "Mexico" || iso != "MX" {
			t.Errorf("%s: %s %s %v, want Mexico MX", n, tb.Name(id), iso, err)
		}
	}
}

// TestPossibleReasonIsLibphonenumbers: the cache by calling code and national length
// answers as IsPossibleNumberWithReason does, for numbers of every assigned code and
// every length, leading zeros included, asked in random order.
func TestPossibleReasonIsLibphonenumbers(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	checked := 0
	for round := 0; round < 3; round++ {
		for _, code := range rng.Perm(1000) {
			if len(phonenumbers.GetRegionCodesForCountryCode(code)) == 0 {
				continue
			}
			for n := 1; n <= 14; n++ {
				digits := ""
				if rng.IntN(4) == 0 {
					digits = strings.Repeat("0", rng.IntN(n))
				}
				for len(digits) < n {
					digits += strconv.Itoa(rng.IntN(10))
				}
				// As ForNumber builds it: leading zeros counted, one digit kept back.
				zeros := 0
				for zeros < len(digits)-1 && digits[zeros] == '0' {
					zeros++
				}
				nn, _ := strconv.ParseUint(digits, 10, 64)
				cc := int32(code)
				num := &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &nn}
				if zeros > 0 {
					lead, nz := true, int32(zeros)
					num.ItalianLeadingZero, num.NumberOfLeadingZeros = &lead, &nz
				}
				if got, want := possibleReason(code, digits), phonenumbers.IsPossibleNumberWithReason(num); got != want {
					t.Fatalf("+%d, national %q: cached %v, libphonenumber %v", code, digits, got, want)
				}
				checked++
			}
		}
	}
	if checked < 3000 {
		t.Fatalf("only %d numbers checked", checked)
	}
}

// ForCountryOn and Moved serve a counterfactual era that prices a message on a card of
// another date (docs/billing.md, "Eras"): the market is looked up on the card's date,
// and only where some row changed between the two dates.
func TestForCountryOnAndMoved(t *testing.T) {
	tb := Builtin()
	dn := func(s string) int64 {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return model.DayNumber(d.Date())
	}
	name := func(iso string, s string) string { return tb.Name(tb.ForCountryOn([2]byte{iso[0], iso[1]}, dn(s))) }
	for _, c := range []struct{ iso, date, want string }{
		{"PL", "2026-06-30", "Rest of Central & Eastern Europe"},
		{"PL", "2026-07-01", "Poland"},
		{"MA", "2026-09-30", "Rest of Africa"},
		{"MA", "2026-10-01", "Morocco"},
		{"ZW", "2025-09-30", "Other"},
		{"ZW", "2025-10-01", "Rest of Africa"},
		{"BR", "2019-01-01", "Brazil"}, // before the earliest row: the earliest rows
	} {
		if got := name(c.iso, c.date); got != c.want {
			t.Errorf("ForCountryOn(%s, %s) = %q, want %q", c.iso, c.date, got, c.want)
		}
		if got, want := name(c.iso, c.date), tb.Name(tb.ForCountry(c.iso, day(c.date))); got != want {
			t.Errorf("ForCountryOn(%s, %s) = %q, ForCountry %q", c.iso, c.date, got, want)
		}
	}
	for _, c := range []struct {
		a, b  string
		moved bool
	}{
		{"2023-06-01", "2025-06-30", false},
		{"2025-06-30", "2023-06-01", false},
		{"2025-06-30", "2025-10-01", true}, // Zimbabwe
		{"2025-10-01", "2026-06-30", false},
		{"2026-06-30", "2026-07-01", true}, // Poland and five more
		{"2026-07-01", "2026-07-01", false},
		{"2019-01-01", "2022-02-01", false}, // before the earliest row: the earliest rows
		{"2026-10-01", "2030-01-01", false},
	} {
		if got := tb.Moved(dn(c.a), dn(c.b)); got != c.moved {
			t.Errorf("Moved(%s, %s) = %v, want %v", c.a, c.b, got, c.moved)
		}
	}
	aug := dn("2026-08-03")
	if n := testing.AllocsPerRun(100, func() { tb.ForCountryOn([2]byte{'P', 'L'}, aug) }); n != 0 {
		t.Errorf("ForCountryOn allocates %v times", n)
	}
}
