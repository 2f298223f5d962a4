package pricing

import (
	"errors"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model/money"
)

// The files in testdata/ are hand-made to the layout documented in docs/formats.md
// ("Meta's rate-card CSV", "Meta's Tier Pricing CSV"); they are not Meta's files and
// their numbers are not Meta's prices.

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestReadMetaCard(t *testing.T) {
	src := readTestdata(t, "meta-pricing-usd.csv")
	for _, variant := range []struct{ name, text string }{
		{"LF", src},
		{"footnote", src + "\n* Rates exclude taxes\n\"Note, quoted\",,,,,,\n"},
		{"CRLF", strings.ReplaceAll(src, "\n", "\r\n")},
		{"BOM", "\ufeff" + src},
	} {
		b, err := ReadMetaCard(strings.NewReader(variant.text), "Pricing.csv", PMP, date("2026-04-01"))
		if err != nil {
			t.Fatalf("%s: %v", variant.name, err)
		}
		c := mustCard(t, b, PMP, "USD", "2026-04-01")
		const d = "2026-04-01"
		checkCells(t, c, []cellWant{
			{"Argentina", Marketing, 61800, UserSupplied, d},
			{"Argentina", AuthenticationInternational, 26000, UserSupplied, d}, // n/a → authentication
			{"Brazil", Service, 0, UserSupplied, d},                            // "$0.00"
			{"India", AuthenticationInternational, 30400, UserSupplied, d},
			{"North America", Utility, 3400, UserSupplied, d},
			{"North America", Service, 0, UserSupplied, d}, // n/a before 2026-10-01 → 0
			{"Other", Service, 0, UserSupplied, d},         // "--"
			{"Rest of Central & Eastern Europe", AuthenticationInternational, 30000, UserSupplied, d},
		})
		// Provenance: the first data row is on line 8, after a two-line header.
		for _, cell := range c.Cells() {
			if c.markets.Name(cell.Market) == "Argentina" && cell.Category == Marketing {
				if cell.File != "Pricing.csv" || cell.Line != 8 || cell.Source != "Meta rate card CSV Pricing.csv" {
					t.Errorf("%s: provenance %+v", variant.name, cell.Provenance)
				}
			}
		}
		if n := len(c.Cells()); n != 6*5-4 {
			t.Errorf("%s: %d cells, want 26 (6 markets × 5 columns, 4 auth-intl n/a)", variant.name, n)
		}
	}

	// From 2026-10-01 service is charged: n/a means no rate, not 0.
	b, err := ReadMetaCard(strings.NewReader(src), "Pricing.csv", PMP, time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	c := mustCard(t, b, PMP, "USD", "2026-10-01")
	if _, err := c.Rate(mid(t, "North America"), Service); err == nil {
		t.Error("2026-10-01 North America service: want a missing-rate error")
	}
	// Before 2024-11-01 CBP charged service: n/a is no rate there too.
	b, err = ReadMetaCard(strings.NewReader(src), "Pricing.csv", CBP, date("2024-10-01"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mustCard(t, b, CBP, "USD", "2024-10-01").Rate(mid(t, "North America"), Service); err == nil {
		t.Error("2024-10-01 North America service: want a missing-rate error")
	}
	if c.Effective() != date("2026-10-01") {
		t.Errorf("effective %v: want the date, at UTC midnight", c.Effective())
	}
}

func TestReadMetaCardIDR(t *testing.T) {
	b, err := ReadMetaCard(strings.NewReader(readTestdata(t, "meta-pricing-idr.csv")), "idr.csv", CBP, date("2025-02-01"))
	if err != nil {
		t.Fatal(err)
	}
	checkCells(t, mustCard(t, b, CBP, "IDR", "2025-02-01"), []cellWant{
		{"Indonesia", Marketing, 1940130000, UserSupplied, "2025-02-01"},
		{"Indonesia", AuthenticationInternational, 2176000000, UserSupplied, "2025-02-01"},
		{"North America", Utility, 55000000, UserSupplied, "2025-02-01"}, // United States and Canada
	})
}

func TestReadMetaCardErrors(t *testing.T) {
	const head = "title\n2\n3\n4\n5\nMarket,Currency,Marketing,Utility,Authentication,\"Authentication-\nInternational\",Service\n"
	tests := []struct {
		name, in string
		m        Model
		want     string
	}{
		{"model", head, NBP, "p.csv: Meta publishes rate-card CSVs for CBP and PMP, not NBP"},
		{"no header", "a\nb\n", PMP, `p.csv: no header row starting with "Market" in the first 30 rows`},
		{"no rows", head, PMP, "p.csv: no market rows after the header on line 6"},
		{"market", head + "Narnia,$US,0.1,0.1,0.1,n/a,0\n", PMP,
			`p.csv:8: column Market: "Narnia" is not a market of the market table (a new standalone market? add it to markets.csv)`},
		{"currency", head + "Brazil,$$,0.1,0.1,0.1,n/a,0\n", PMP, `p.csv:8: column Currency: "$$" is not a currency`},
		{"mixed currency", head + "Brazil,$US,0.1,0.1,0.1,n/a,0\nIndia,EUR,0.1,0.1,0.1,n/a,0\n", PMP,
			"p.csv:9: column Currency: EUR differs from USD on line 8; want one currency per file"},
		{"rate", head + "Brazil,$US,0.1,abc,0.1,n/a,0\n", PMP, `p.csv:8: column Utility: "abc" is not a rate; want a decimal such as 0.0625, or n/a`},
		{"rate position", head + "Brazil,$US,0.1,0.1,0.1,\"n/a\n\",\"0.1\n0.2\"\n", PMP, `p.csv:9: column Service: "0.1\n0.2" is not a rate`},
		{"dup", head + "Brazil,$US,0.1,0.1,0.1,n/a,0\nBrazil,$US,0.1,0.1,0.1,n/a,0\n", PMP, "p.csv:9: column Market: Brazil is already given on line 8"},
		{"alias disagree", head + "United States,$US,0.025,0.0034,0.0034,n/a,0\nCanada,$US,0.025,0.0040,0.0034,n/a,0\n", PMP,
			"p.csv:9: column Utility: Canada gives 0.0040 for utility but United States on line 8 gives 0.0034; both are North America"},
		{"column", strings.Replace(head, "Service", "Voice", 1), PMP, `p.csv:6: column "Voice" is not a PMP rate column`},
		{"no currency", "Market,Marketing\nBrazil,0.1\n", PMP, "p.csv:1: no Currency column"},
	}
	for _, tt := range tests {
		_, err := ReadMetaCard(strings.NewReader(tt.in), "p.csv", tt.m, date("2026-04-01"))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error\n%v\nwant one containing\n%s", tt.name, err, tt.want)
		}
	}
}

func TestReadMetaTiers(t *testing.T) {
	tiers, err := ReadMetaTiers(strings.NewReader(readTestdata(t, "meta-tiers-usd.csv")), "Tier Pricing.csv", date("2026-04-01"))
	if err != nil {
		t.Fatal(err)
	}
	in, br := mid(t, "India"), mid(t, "Brazil")
	at := noon("2026-05-01")
	got := tiers.Bands(in, Utility, "USD", at, nil)
	want := []Band{
		{Index: 0, From: 0, To: 750000, Rate: 1400, HasRate: true, VsListBP: 0, Confidence: UserSupplied},
		{Index: 1, From: 750001, To: 15000000, Rate: 1300, HasRate: true, VsListBP: -500, Confidence: UserSupplied},
		{Index: 2, From: 15000001, To: MaxVolume, Rate: 1200, HasRate: true, VsListBP: -1000, Confidence: UserSupplied},
	}
	if len(got) != len(want) {
		t.Fatalf("India utility bands %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("India utility band %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if ai := tiers.Bands(in, AuthenticationInternational, "USD", at, nil); len(ai) != 2 || ai[1].To != MaxVolume || ai[1].Rate != 28900 {
		t.Errorf("India auth-intl bands %+v", ai)
	}
	auth := tiers.Bands(br, Authentication, "usd", at, nil)
	if len(auth) != 2 || auth[1].HasRate || auth[1].VsListBP != -500 || mustPrice(t, auth[1], 6800) != 6460 {
		t.Errorf("Brazil authentication bands %+v", auth)
	}
	for _, q := range []struct {
		name string
		b    []Band
	}{
		{"Brazil auth-intl (all n/a)", tiers.Bands(br, AuthenticationInternational, "USD", at, nil)},
		{"before the file's date", tiers.Bands(in, Utility, "USD", noon("2026-03-31"), nil)},
		{"other currency", tiers.Bands(in, Utility, "INR", at, nil)},
		{"marketing", tiers.Bands(in, Marketing, "USD", at, nil)},
		{"nil tiers", (*Tiers)(nil).Bands(in, Utility, "USD", at, nil)},
	} {
		if q.b != nil {
			t.Errorf("%s: %+v, want nil (list rates)", q.name, q.b)
		}
	}
	if n := tiers.Len(); n != 5 {
		t.Errorf("Len() = %d, want 5 tables (India ×3, Brazil ×2)", n)
	}
}

func TestReadMetaTiersErrors(t *testing.T) {
	src := readTestdata(t, "meta-tiers-usd.csv")
	tests := []struct{ name, in, want string }{
		{"title", strings.Replace(src, "volume tiers", "rates", 1), "t.csv:1: the title line does not mention volume tiers"},
		{"gap", strings.Replace(src, `"750,001","15,000,000",Tier 1,0.0013`, `"750,002","15,000,000",Tier 1,0.0013`, 1),
			"t.csv:8: the India utility band of USD 2026-04-01 follows 0:750000 and starts at 750002; want 750001"},
		{"open end", strings.Replace(src, `,$US,"100,001",--,Tier 1,0.0065`, `,$US,"100,001","200,000",Tier 1,0.0065`, 1),
			"t.csv:11: the last Brazil utility band of USD 2026-04-01 ends at 200000; want MAX"},
		{"volume", strings.Replace(src, `"15,000,001",--,Tier 2,0.0012`, `"15,000,001",lots,Tier 2,0.0012`, 1),
			`t.csv:9: column To: "lots" is not a message count`},
		{"percent", strings.Replace(src, "0.0012,-10%", "0.0012,-10.5x%", 1), `t.csv:9: column vs. List rate: "-10.5x%" is not a percentage`},
		{"rate type", strings.Replace(src, "Tier 2,0.0012", "Promo,0.0012", 1), `t.csv:9: column Rate type: "Promo" is neither List nor a Tier`},
		{"market", strings.Replace(src, "Brazil,$US", "Brasil,$US", 1), `t.csv:10: column Market (per rate card): "Brasil" is not a market`},
		{"header", strings.Replace(src, "vs. List rate\n", "Discount\n", 1), `t.csv:5: column 17 is "discount"; want "vs. list rate"`},
	}
	for _, tt := range tests {
		_, err := ReadMetaTiers(strings.NewReader(tt.in), "t.csv", date("2026-04-01"))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error\n%v\nwant one containing\n%s", tt.name, err, tt.want)
		}
	}
}

func TestBuiltinTiers(t *testing.T) {
	in := mid(t, "India")
	at := noon("2026-02-01")
	def, err := BuiltinTiers(TierOptions{})
	if err != nil || def.Len() != 0 || def.Bands(in, Utility, "INR", at, nil) != nil {
		t.Errorf("default builtin tiers should be empty: %v %d", err, def.Len())
	}
	tp, err := BuiltinTiers(TierOptions{ThirdPartyIndiaINR: true})
	if err != nil {
		t.Fatal(err)
	}
	b := tp.Bands(in, Utility, "INR", at, nil)
	if len(b) != 6 || b[0].To != 750000 || b[1].From != 750001 || b[1].Rate != 108100 || b[5].To != MaxVolume ||
		b[5].VsListBP != -3000 || b[5].Confidence != ThirdParty {
		t.Errorf("India INR utility bands %+v", b)
	}
	if tp.Bands(in, Utility, "INR", noon("2025-12-31"), nil) != nil {
		t.Error("the table is effective from 2026-01-01")
	}
	if n := len(BuiltinTierRows()); n != 15 {
		t.Errorf("BuiltinTierRows: %d rows, want the 15 of tiers.csv", n)
	}
}

func TestBandPrice(t *testing.T) {
	tests := []struct {
		b    Band
		list int64
		want int64
	}{
		{Band{HasRate: true, Rate: 1234}, 9999, 1234},
		{Band{VsListBP: 0}, 6800, 6800},
		{Band{VsListBP: -500}, 6800, 6460},
		{Band{VsListBP: -2500}, 1, 1},  // 0.75 micro rounds half away from zero… up to 1
		{Band{VsListBP: -500}, 10, 10}, // 9.5 → 10
		{Band{VsListBP: -600}, 115000, 108100},
		{Band{VsListBP: -500}, -10, -10}, // -9.5 → -10
		// Issue 15: list × (10000 + bp) wrapped above about 922 million units a message.
		{Band{VsListBP: -500}, 1_000_000_000_000_000, 950_000_000_000_000},
		{Band{VsListBP: 0}, math.MaxInt64, math.MaxInt64},
		{Band{VsListBP: -500}, math.MaxInt64, 8_762_203_435_012_037_017},
	}
	for _, tt := range tests {
		if got, err := tt.b.Price(moneyOf(tt.list)); int64(got) != tt.want || err != nil {
			t.Errorf("%+v.Price(%d) = %d, %v; want %d", tt.b, tt.list, got, err, tt.want)
		}
	}
	if got, err := (Band{VsListBP: 500}).Price(math.MaxInt64); !errors.Is(err, money.ErrOverflow) {
		t.Errorf("+5%% of MaxInt64 micros = %d, %v; want money.ErrOverflow", got, err)
	}
}

// TestBandPriceConfidence: a band's own rate is as sure as its row says; a band at the
// list rate or a discount on it is as sure as the list rate it is computed from.
func TestBandPriceConfidence(t *testing.T) {
	tests := []struct {
		b    Band
		want Confidence
	}{
		{Band{HasRate: true, Rate: 5000, Confidence: UserSupplied}, UserSupplied},
		{Band{HasRate: true, Rate: 5000, Confidence: Official}, Official},
		{Band{HasRate: true, Rate: 5000}, ThirdParty}, // no confidence of its own
		{Band{Confidence: UserSupplied}, ThirdParty},  // List: the list rate
		{Band{VsListBP: -1000, Confidence: UserSupplied}, ThirdParty},
	}
	for _, tt := range tests {
		if got := tt.b.PriceConfidence(ThirdParty); got != tt.want {
			t.Errorf("%+v.PriceConfidence(third_party) = %s, want %s", tt.b, got, tt.want)
		}
	}
}

func mustPrice(t *testing.T, b Band, list money.Micros) money.Micros {
	t.Helper()
	p, err := b.Price(list)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head []byte
		want FileKind
	}{
		{"ratecards.csv", builtinRates, KindRateCards},
		{"tiers.csv", builtinTiersCSV, KindTiers},
		{"meta rates", []byte(readTestdata(t, "meta-pricing-usd.csv")), KindMetaRates},
		{"meta rates idr", []byte(readTestdata(t, "meta-pricing-idr.csv")), KindMetaRates},
		{"meta tiers", []byte(readTestdata(t, "meta-tiers-usd.csv")), KindMetaTiers},
		{"meta rates CRLF BOM", []byte("\ufeff" + strings.ReplaceAll(readTestdata(t, "meta-pricing-usd.csv"), "\n", "\r\n")), KindMetaRates},
		{"truncated head", builtinRates[:100], KindRateCards},
	}
	for _, tt := range tests {
		got, err := Sniff(tt.head)
		if got != tt.want || err != nil {
			t.Errorf("Sniff(%s) = %s, %v; want %s", tt.name, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "ts,user,direction\n2025-01-01T00:00:00Z,551199,user\n", "\x00\x01"} {
		if k, err := Sniff([]byte(bad)); k != KindUnknown || err == nil || !strings.Contains(err.Error(), "not a rate file") {
			t.Errorf("Sniff(%q) = %s, %v", bad, k, err)
		}
	}
}

func moneyOf(n int64) money.Micros { return money.Micros(n) }

func TestMergeTiers(t *testing.T) {
	src := readTestdata(t, "meta-tiers-usd.csv")
	april, err := ReadMetaTiers(strings.NewReader(src), "april.csv", date("2026-04-01"))
	if err != nil {
		t.Fatal(err)
	}
	july, err := ReadMetaTiers(strings.NewReader(strings.Replace(src, "Tier 1,0.0013,-5%", "Tier 1,0.0011,-20%", 1)), "july.csv", date("2026-07-01"))
	if err != nil {
		t.Fatal(err)
	}
	india, _ := BuiltinTiers(TierOptions{ThirdPartyIndiaINR: true})
	m := MergeTiers(MergeTiers(april, india), july)
	in := mid(t, "India")
	if got := m.Bands(in, Utility, "USD", noon("2026-05-01"), nil); len(got) != 3 || got[1].Rate != 1300 {
		t.Errorf("April bands %+v", got)
	}
	if got := m.Bands(in, Utility, "USD", noon("2026-07-01"), nil); len(got) != 3 || got[1].Rate != 1100 {
		t.Errorf("July bands %+v", got)
	}
	if got := m.Bands(in, Utility, "INR", noon("2026-07-01"), nil); len(got) != 6 {
		t.Errorf("INR bands %+v", got)
	}
	if m.Len() != april.Len()+july.Len()+india.Len() {
		t.Errorf("Len %d", m.Len())
	}
	// The same date again replaces, not duplicates.
	if again := MergeTiers(m, july); again.Len() != m.Len() {
		t.Errorf("re-merge Len %d, want %d", again.Len(), m.Len())
	}
	if MergeTiers(nil, nil).Bands(in, Utility, "USD", 0, nil) != nil {
		t.Error("empty merge has bands")
	}
}
