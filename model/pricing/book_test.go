package pricing

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/internal/sharedtest"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/money"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// noon is midday UTC of a date: far from any day boundary.
func noon(s string) model.Time { return model.FromStd(date(s).Add(12 * time.Hour)) }

func mustBook(t testing.TB) *Book {
	t.Helper()
	b, err := Builtin()
	if err != nil {
		t.Fatalf("embedded rate cards: %v", err)
	}
	return b
}

func mid(t testing.TB, name string) market.ID {
	t.Helper()
	id, ok := market.Builtin().ID(name)
	if !ok {
		t.Fatalf("no market %q", name)
	}
	return id
}

func mustCard(t testing.TB, b *Book, m Model, cur, day string) *Card {
	t.Helper()
	c, err := b.Card(m, cur, noon(day), nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The embedded copies must be the project's curated files, byte for byte.
func TestEmbeddedMatchesDomainData(t *testing.T) {
	for _, f := range []struct {
		name string
		data []byte
	}{{"ratecards.csv", builtinRates}, {"tiers.csv", builtinTiersCSV}} {
		want, err := os.ReadFile("../../../shared/domain/" + f.name)
		if err != nil {
			sharedtest.Missing(t, "the project's domain data", err)
		}
		if !bytes.Equal(f.data, want) {
			t.Errorf("data/%s differs from the project's domain/%s; copy it again", f.name, f.name)
		}
	}
}

func TestBuiltinCards(t *testing.T) {
	b := mustBook(t)
	var got []string
	for _, c := range b.Cards() {
		got = append(got, c.String())
	}
	want := []string{
		"CBP EUR 2022-02-01", "CBP INR 2023-06-01",
		"CBP USD 2022-02-01", "CBP USD 2023-06-01", "CBP USD 2024-06-01", "CBP USD 2024-07-01",
		"CBP USD 2024-08-01", "CBP USD 2024-10-01", "CBP USD 2024-11-01", "CBP USD 2025-02-01",
		"CBP USD 2025-04-01",
		"PMP AED 2026-10-01",
		"PMP INR 2025-07-01", "PMP INR 2026-01-01", "PMP INR 2026-04-01", "PMP INR 2026-07-01", "PMP INR 2026-10-01",
		"PMP USD 2025-07-01", "PMP USD 2025-10-01", "PMP USD 2026-01-01", "PMP USD 2026-04-01",
		"PMP USD 2026-07-01", "PMP USD 2026-10-01",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("cards:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

type cellWant struct {
	market string
	cat    Category
	rate   money.Micros
	conf   Confidence
	from   string // Rate.Card
}

func checkCells(t *testing.T, c *Card, cells []cellWant) {
	t.Helper()
	for _, w := range cells {
		r, err := c.Rate(mid(t, w.market), w.cat)
		if err != nil {
			t.Errorf("%s %s %s: %v", c, w.market, w.cat, err)
			continue
		}
		if r.Amount != w.rate || r.Confidence != w.conf || !r.Card.Equal(date(w.from)) {
			t.Errorf("%s %s %s = %d micros %s from %s; want %d %s from %s", c, w.market, w.cat,
				r.Amount, r.Confidence, r.Card.Format(time.DateOnly), w.rate, w.conf, w.from)
		}
	}
}

// Domain README, "The 2025-07-01 PMP USD card for the single-country markets", with the
// confidence it states per cell. Authentication-international absent → authentication.
func TestPMP2025USDCard(t *testing.T) {
	c := mustCard(t, mustBook(t), PMP, "USD", "2025-07-01")
	const d = "2025-07-01"
	checkCells(t, c, []cellWant{
		{"Brazil", Marketing, 62500, ThirdParty, d},
		{"Brazil", Utility, 6800, ThirdParty, d},
		{"Brazil", Authentication, 6800, Derived, d},
		{"Brazil", AuthenticationInternational, 6800, Derived, d}, // fallback to authentication
		{"Mexico", Marketing, 43600, ThirdParty, d},
		{"Mexico", Utility, 8500, ThirdParty, d},
		{"Mexico", Authentication, 8500, Derived, d},
		{"India", Marketing, 10700, ThirdParty, d},
		{"India", Utility, 1400, ThirdParty, d},
		{"India", Authentication, 1400, Derived, d},
		{"India", AuthenticationInternational, 28000, Derived, d},
		{"Indonesia", Marketing, 41100, ThirdParty, d},
		{"Indonesia", Utility, 25000, ThirdParty, d},
		{"Indonesia", Authentication, 25000, Derived, d},
		{"Indonesia", AuthenticationInternational, 136000, Derived, d},
		{"Germany", Marketing, 136500, ThirdParty, d},
		{"Germany", Utility, 55000, ThirdParty, d},
		{"Germany", Authentication, 55000, Derived, d},
		{"United Kingdom", Marketing, 52900, Derived, d},
		{"United Kingdom", Utility, 22000, Derived, d},
		{"United Kingdom", Authentication, 22000, Derived, d},
		{"North America", Marketing, 25000, ThirdParty, d},
		{"North America", Utility, 4000, ThirdParty, d},
		{"North America", Authentication, 4000, ThirdParty, d},
		{"North America", AuthenticationInternational, 4000, ThirdParty, d},
	})
	if c.Partial() {
		t.Error("the 2025-07-01 USD card is the first PMP USD card: complete by definition")
	}
}

func TestCBPCards(t *testing.T) {
	b := mustBook(t)
	checkCells(t, mustCard(t, b, CBP, "USD", "2022-02-01"), []cellWant{
		{"Brazil", BusinessInitiated, 50000, Derived, "2022-02-01"},
		{"Brazil", UserInitiated, 30000, Derived, "2022-02-01"},
	})
	// Service is free from 2024-11-01: an official 0 cell, not an absent one.
	checkCells(t, mustCard(t, b, CBP, "USD", "2024-11-01"), []cellWant{
		{"Brazil", Service, 0, Official, "2024-11-01"},
	})
	// 2023-06-01 replaced user/business-initiated with categories; it must not inherit
	// the 2022 cells as carried-forward ones.
	c := mustCard(t, b, CBP, "USD", "2023-06-01")
	if c.Partial() || c.Has(mid(t, "Brazil"), BusinessInitiated) {
		t.Errorf("2023-06-01 card: partial %v, has business_initiated %v", c.Partial(), c.Has(mid(t, "Brazil"), BusinessInitiated))
	}
}

// Cards take effect at midnight in the business's time zone (docs/billing.md, "Time
// zone").
func TestCardSelectionInZone(t *testing.T) {
	b := mustBook(t)
	saoPaulo, err1 := time.LoadLocation("America/Sao_Paulo") // UTC-3
	kolkata, err2 := time.LoadLocation("Asia/Kolkata")       // UTC+5:30
	if err1 != nil || err2 != nil {
		t.Skip("no zone data")
	}
	utc := func(s string) model.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return model.FromStd(tm)
	}
	tests := []struct {
		m    Model
		at   string
		loc  *time.Location
		want string // card, or "error"
	}{
		{PMP, "2025-07-01T02:59:59.999Z", saoPaulo, "error"}, // 23:59:59.999 on 30 June there
		{CBP, "2025-07-01T02:59:59.999Z", saoPaulo, "CBP USD 2025-04-01"},
		{PMP, "2025-07-01T03:00:00Z", saoPaulo, "PMP USD 2025-07-01"},
		{PMP, "2025-07-01T00:00:00Z", nil, "PMP USD 2025-07-01"},
		{PMP, "2025-07-01T00:00:00Z", time.UTC, "PMP USD 2025-07-01"},
		{PMP, "2026-03-31T18:29:59.999Z", kolkata, "PMP USD 2026-01-01"},
		{PMP, "2026-03-31T18:30:00Z", kolkata, "PMP USD 2026-04-01"},
		{PMP, "2026-03-31T18:30:00Z", nil, "PMP USD 2026-01-01"},
		{PMP, "2031-01-01T00:00:00Z", nil, "PMP USD 2026-10-01"},
	}
	for _, tt := range tests {
		c, err := b.Card(tt.m, "usd", utc(tt.at), tt.loc)
		got := "error"
		if err == nil {
			got = c.String()
		}
		if got != tt.want {
			t.Errorf("Card(%s, %s in %v) = %s (%v), want %s", tt.m, tt.at, tt.loc, got, err, tt.want)
		}
	}
}

func TestCardErrors(t *testing.T) {
	b := mustBook(t)
	tests := []struct {
		m    Model
		cur  string
		day  string
		want string
	}{
		{PMP, "USD", "2025-06-30", "pricing: no PMP card in USD in force on 2025-06-30: the earliest is effective 2025-07-01"},
		{PMP, "EUR", "2025-08-01", "pricing: no PMP card in EUR in force on 2025-08-01: the book has PMP cards in AED, INR, USD; supply one with --rates FILE"},
		{NBP, "USD", "2019-01-01", "pricing: no NBP card in USD in force on 2019-01-01: the book has no NBP card (spendsim ships none: Meta's 2018 prices are not public); supply one with --rates FILE"},
	}
	for _, tt := range tests {
		_, err := b.Card(tt.m, tt.cur, noon(tt.day), nil)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Card(%s, %s, %s) error\n%v\nwant\n%s", tt.m, tt.cur, tt.day, err, tt.want)
		}
	}
	if c, err := b.First(PMP, "usd"); err != nil || c.String() != "PMP USD 2025-07-01" {
		t.Errorf("First(PMP, usd) = %v, %v", c, err)
	}
	if c, err := b.First(CBP, "USD"); err != nil || c.String() != "CBP USD 2022-02-01" {
		t.Errorf("First(CBP, USD) = %v, %v", c, err)
	}
	if _, err := b.First(NBP, "USD"); err == nil || !strings.Contains(err.Error(), "no NBP card in USD") {
		t.Errorf("First(NBP) error %v", err)
	}
}

// TestCardInSpan: CardIn and FirstIn never return a card outside the span, however
// recent (docs/billing.md, "Rate cards": the CBP 2022 rules never read a card from
// 2023-06-01 on, the CBP 2023 rules never an earlier one). The built-in CBP cards in EUR
// are of 2022-02-01 only, those in INR of 2023-06-01 only: a review found replay pricing
// 2023 EUR traffic from the 2022 card and 2021 INR traffic under cbp-2022 from the 2023
// card.
func TestCardInSpan(t *testing.T) {
	b := mustBook(t)
	v1, v2 := Span{Before: CBPByCategoryFrom}, Span{From: CBPByCategoryFrom}
	got := func(c *Card, err error) string {
		if err != nil {
			return err.Error()
		}
		return c.String()
	}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"v2 EUR", got(b.CardIn(CBP, "EUR", noon("2023-07-03"), nil, v2)),
			"pricing: no CBP card in EUR effective 2023-06-01 or later: the book's CBP EUR cards are effective 2022-02-01"},
		{"v2 EUR first", got(b.FirstIn(CBP, "EUR", v2)),
			"pricing: no CBP card in EUR effective 2023-06-01 or later: the book's CBP EUR cards are effective 2022-02-01"},
		{"v1 INR", got(b.CardIn(CBP, "INR", noon("2024-09-01"), nil, v1)),
			"pricing: no CBP card in INR effective before 2023-06-01: the book's CBP INR cards are effective 2023-06-01"},
		{"v1 INR first", got(b.FirstIn(CBP, "INR", v1)),
			"pricing: no CBP card in INR effective before 2023-06-01: the book's CBP INR cards are effective 2023-06-01"},
		{"v1 USD 2025: the last card before the span ends", got(b.CardIn(CBP, "USD", noon("2025-03-01"), nil, v1)), "CBP USD 2022-02-01"},
		{"v2 USD 2025", got(b.CardIn(CBP, "USD", noon("2025-03-01"), nil, v2)), "CBP USD 2025-02-01"},
		{"v2 USD 2022: none in force yet", got(b.CardIn(CBP, "usd", noon("2022-05-02"), nil, v2)),
			"pricing: no CBP card in USD effective 2023-06-01 or later in force on 2022-05-02: the earliest is effective 2023-06-01"},
		{"v2 USD first", got(b.FirstIn(CBP, "USD", v2)), "CBP USD 2023-06-01"},
		{"v2 GBP", got(b.CardIn(CBP, "GBP", noon("2024-01-01"), nil, v2)),
			"pricing: no CBP card in GBP effective 2023-06-01 or later in force on 2024-01-01: the book has CBP cards in EUR, INR, USD; supply one with --rates FILE"},
		{"zero span: any card", got(b.CardIn(CBP, "EUR", noon("2023-07-03"), nil, Span{})), "CBP EUR 2022-02-01"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, tt.got, tt.want)
		}
	}
	for _, s := range []struct {
		s    Span
		want string
	}{{Span{}, ""}, {v1, "effective before 2023-06-01"}, {v2, "effective 2023-06-01 or later"},
		{Span{From: CBPFrom, Before: CBPByCategoryFrom}, "effective from 2022-02-01 to before 2023-06-01"}} {
		if got := s.s.String(); got != s.want {
			t.Errorf("%+v.String() = %q, want %q", s.s, got, s.want)
		}
	}
	if !v1.Holds(date("2023-05-31")) || v1.Holds(date("2023-06-01")) || v2.Holds(date("2023-05-31")) || !v2.Holds(date("2023-06-01")) {
		t.Error("Holds: a span holds its From day and not its Before day")
	}
}

func TestMissingRate(t *testing.T) {
	b := mustBook(t)
	c := mustCard(t, b, PMP, "USD", "2025-07-01")
	_, err := c.Rate(mid(t, "Turkey"), Utility)
	const want = "pricing: the PMP USD card of 2025-07-01 has no utility rate for Turkey; supply it with --rates FILE, " +
		"a CSV with header effective_from,pricing_model,market,category,currency,rate and a row such as 2025-07-01,PMP,Turkey,utility,USD,<rate>"
	if err == nil || err.Error() != want {
		t.Errorf("error\n%v\nwant\n%s", err, want)
	}
	var mre *MissingRateError
	if !errors.As(err, &mre) || mre.Market != "Turkey" || mre.Category != Utility || mre.Card != c {
		t.Errorf("not a *MissingRateError with the cell: %#v", err)
	}
	// A market name with a comma or ampersand is quoted for the CSV row it suggests.
	c26 := mustCard(t, b, PMP, "USD", "2026-07-01")
	_, err = c26.Rate(mid(t, "Hungary"), Marketing)
	if err == nil || !strings.Contains(err.Error(), "2026-07-01,PMP,Hungary,marketing,USD,<rate>") {
		t.Errorf("Hungary: %v", err)
	}
	// Out-of-range keys are errors, not panics.
	for _, k := range []struct {
		m   market.ID
		cat Category
	}{{market.Unknown, Marketing}, {market.ID(market.Builtin().Len() + 1), Marketing}, {1, CatNone}, {1, NumCategories}} {
		if _, err := c.Rate(k.m, k.cat); err == nil {
			t.Errorf("Rate(%d, %d): no error", k.m, k.cat)
		}
	}
}

// The overlay rule for partial cards (see assemble).
func TestPartialCardOverlay(t *testing.T) {
	b := mustBook(t)
	// INR cards each list a category or two for India: every one after the first is
	// partial and inherits the rest, marked derived, with the card it came from.
	inr := []struct {
		day   string
		cells []cellWant
	}{
		{"2025-07-01", []cellWant{
			{"India", Marketing, 784600, BSP, "2025-07-01"},
			{"India", AuthenticationInternational, 2300000, BSP, "2025-07-01"},
		}},
		{"2026-01-01", []cellWant{
			{"India", Marketing, 863100, BSP, "2026-01-01"},
			{"India", Utility, 115000, BSP, "2026-01-01"},
			{"India", AuthenticationInternational, 2300000, Derived, "2025-07-01"}, // not the authentication fallback
		}},
		{"2026-04-01", []cellWant{
			{"India", AuthenticationInternational, 2497100, ThirdParty, "2026-04-01"},
			{"India", Marketing, 863100, Derived, "2026-01-01"},
			{"India", Authentication, 115000, Derived, "2026-01-01"},
		}},
		{"2026-10-01", []cellWant{
			{"India", Service, 115000, ThirdParty, "2026-10-01"},
			{"India", Marketing, 863100, Derived, "2026-07-01"},
			{"India", Utility, 115000, Derived, "2026-01-01"},
			{"India", AuthenticationInternational, 2497100, Derived, "2026-04-01"},
		}},
	}
	for i, tt := range inr {
		c := mustCard(t, b, PMP, "INR", tt.day)
		if c.Partial() != (i > 0) {
			t.Errorf("%s: Partial() = %v", c, c.Partial())
		}
		checkCells(t, c, tt.cells)
	}

	// 2026-10-01 USD lists two markets: the rest comes from 2026-07-01.
	c := mustCard(t, b, PMP, "USD", "2026-10-01")
	if !c.Partial() || c.Base().String() != "PMP USD 2026-07-01" {
		t.Errorf("%s: partial %v base %v", c, c.Partial(), c.Base())
	}
	checkCells(t, c, []cellWant{
		{"United Arab Emirates", Marketing, 57600, ThirdParty, "2026-10-01"},
		{"United Arab Emirates", Service, 15700, ThirdParty, "2026-10-01"},
		{"Rest of Asia Pacific", Marketing, 84200, ThirdParty, "2026-10-01"},
		{"Rest of Asia Pacific", AuthenticationInternational, 11300, ThirdParty, "2026-10-01"}, // fallback
		{"Argentina", Marketing, 61800, Derived, "2026-07-01"},
		{"Turkey", Utility, 900, Derived, "2026-07-01"},
	})
	// Missing from the card and from what it overlays: still an error.
	for _, k := range []struct {
		m   string
		cat Category
	}{{"Italy", Marketing}, {"Brazil", Service}, {"Hungary", Utility}} {
		if _, err := c.Rate(mid(t, k.m), k.cat); err == nil {
			t.Errorf("%s %s %s: want a missing-rate error", c, k.m, k.cat)
		}
	}

	// 2026-07-01 USD covers every market and category of 2026-04-01, so it is complete:
	// its missing Italy marketing (a price that rose to an unknown value) is not filled
	// from 2026-04-01.
	c = mustCard(t, b, PMP, "USD", "2026-07-01")
	if c.Partial() {
		t.Errorf("%s should be complete", c)
	}
	for _, m := range []string{"Italy", "Spain", "United Kingdom", "Saudi Arabia"} {
		if _, err := c.Rate(mid(t, m), Marketing); err == nil {
			t.Errorf("%s %s marketing should be missing", c, m)
		}
	}
	// The first card of a currency is complete by definition, even when small.
	c = mustCard(t, b, PMP, "AED", "2026-10-01")
	if c.Partial() {
		t.Errorf("%s should be complete", c)
	}
	checkCells(t, c, []cellWant{{"Brazil", Marketing, 229500, ThirdParty, "2026-10-01"}})
	if _, err := c.Rate(mid(t, "Egypt"), Service); err == nil {
		t.Error("AED Egypt service should be missing")
	}
	// Every USD card but 2026-10-01 is complete.
	for _, c := range b.Cards() {
		if c.Currency() == "USD" && c.Partial() != c.Effective().Equal(date("2026-10-01")) {
			t.Errorf("%s: Partial() = %v", c, c.Partial())
		}
	}
}

// Card.Rate runs per message: no allocation.
func TestRateDoesNotAllocate(t *testing.T) {
	b := mustBook(t)
	c := mustCard(t, b, PMP, "USD", "2025-07-01")
	br, in := mid(t, "Brazil"), mid(t, "India")
	at := noon("2025-08-01")
	n := testing.AllocsPerRun(100, func() {
		c.Rate(br, Marketing)
		c.Rate(br, AuthenticationInternational)
		c.Rate(in, AuthenticationInternational)
		b.Card(PMP, "USD", at, nil)
	})
	if n != 0 {
		t.Errorf("Rate/Card allocate %.1f times per call", n)
	}
}

func TestNBPTemplateFallback(t *testing.T) {
	in := "effective_from,pricing_model,market,category,currency,rate\n" +
		"2018-08-01,NBP,Brazil,template,USD,0.0500\n" +
		"2018-08-01,NBP,Brazil,authentication,USD,0.0300\n"
	b, err := ReadBook(strings.NewReader(in), "nbp.csv")
	if err != nil {
		t.Fatal(err)
	}
	c, err := b.Card(NBP, "USD", noon("2020-01-01"), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkCells(t, c, []cellWant{
		{"Brazil", Template, 50000, UserSupplied, "2018-08-01"},
		{"Brazil", Marketing, 50000, UserSupplied, "2018-08-01"},
		{"Brazil", Authentication, 30000, UserSupplied, "2018-08-01"},
	})
	if _, err := c.Rate(mid(t, "India"), Marketing); err == nil {
		t.Error("India: want a missing-rate error")
	}
}

func TestReadBookErrors(t *testing.T) {
	const h = "effective_from,pricing_model,market,category,currency,rate\n"
	tests := []struct{ name, in, want string }{
		{"empty", "", "r.csv: empty file; want a header effective_from,pricing_model,market,category,currency,rate"},
		{"header only", h, "r.csv: no rate rows after the header"},
		{"unknown column", "effective_from,pricing_model,market,category,currency,rate,price\n",
			`r.csv:1: column "price" is not one of effective_from, pricing_model, market, category, currency, rate, confidence, source, note`},
		{"missing column", "effective_from,pricing_model,market,category,currency\n", "r.csv:1: column rate is missing"},
		{"date", h + "2025-7-1,PMP,Brazil,marketing,USD,0.0625\n", `r.csv:2: column effective_from: "2025-7-1" is not a date; want YYYY-MM-DD`},
		{"model", h + "2025-07-01,PPM,Brazil,marketing,USD,0.0625\n", `r.csv:2: column pricing_model: "PPM" is not one of NBP, CBP, PMP`},
		{"market", h + "2025-07-01,PMP,Brasil,marketing,USD,0.0625\n", `r.csv:2: column market: "Brasil" is not a market of the market table; want one of: Argentina, Bangladesh, Brazil,`},
		{"category", h + "2025-07-01,PMP,Brazil,marketting,USD,0.0625\n", `r.csv:2: column category: "marketting" is not a PMP category; want one of marketing, utility, authentication, authentication_international, service`},
		{"category for model", h + "2025-07-01,PMP,Brazil,business_initiated,USD,0.0625\n", `column category: "business_initiated" is not a PMP category`},
		{"currency", h + "2025-07-01,PMP,Brazil,marketing,$US,0.0625\n", `r.csv:2: column currency: "$US" is not an ISO 4217 code`},
		{"rate", h + "2025-07-01,PMP,Brazil,marketing,USD,0.06x\n", `r.csv:2: column rate: "0.06x" is not a decimal amount`},
		{"precision", h + "2025-07-01,PMP,Brazil,marketing,USD,0.06251234\n", `r.csv:2: column rate: "0.06251234" is not a decimal amount (money: "0.06251234" has more than 6 decimal places)`},
		{"negative", h + "2025-07-01,PMP,Brazil,marketing,USD,-0.01\n", "r.csv:2: column rate: -0.01 is negative"},
		{"columns", h + "2025-07-01,PMP,Brazil,marketing,USD\n", "r.csv:2: 5 columns, want 6 as in the header"},
		{"confidence", "effective_from,pricing_model,market,category,currency,rate,confidence\n2025-07-01,PMP,Brazil,marketing,USD,0.06,sure\n",
			`r.csv:2: column confidence: "sure" is not one of official, bsp, third_party, derived, user`},
		{"duplicate", h + "2025-07-01,PMP,Brazil,marketing,USD,0.0625\n2025-07-01,PMP,brazil,Marketing,usd,0.0626\n",
			"r.csv:3: marketing rate for Brazil on the PMP USD card of 2025-07-01 is already given on line 2"},
		{"quote", h + "2025-07-01,PMP,\"Brazil,marketing,USD,0.0625\n", `r.csv: parse error on line 2, column 45: extraneous or missing " in quoted-field`},
	}
	for _, tt := range tests {
		_, err := ReadBook(strings.NewReader(tt.in), "r.csv")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error\n%v\nwant one containing\n%s", tt.name, err, tt.want)
		}
	}
}

func TestReadBookOrderAndDefaults(t *testing.T) {
	// Columns in another order, lower-case values, a blank line, no confidence column.
	in := "rate,currency,category,market,pricing_model,effective_from\n" +
		"0.0053,usd,UTILITY,turkey,pmp,2025-07-01\n\n" +
		"1,940.13,IDR,marketing,Indonesia,PMP,2025-07-01\n"
	_, err := ReadBook(strings.NewReader(in), "r.csv")
	if err == nil || !strings.Contains(err.Error(), "r.csv:4: 7 columns") {
		t.Errorf("an unquoted thousands separator splits the row: %v", err)
	}
	in = strings.Replace(in, "1,940.13", `"1,940.13"`, 1)
	b, err := ReadBook(strings.NewReader(in), "r.csv")
	if err != nil {
		t.Fatal(err)
	}
	checkCells(t, mustCard(t, b, PMP, "USD", "2025-07-01"), []cellWant{{"Turkey", Utility, 5300, UserSupplied, "2025-07-01"}})
	checkCells(t, mustCard(t, b, PMP, "IDR", "2025-07-01"), []cellWant{{"Indonesia", Marketing, 1940130000, UserSupplied, "2025-07-01"}})
}

// A --rates FILE fills a known gap of the embedded cards.
func TestMerge(t *testing.T) {
	base := mustBook(t)
	over, err := ReadBook(strings.NewReader("effective_from,pricing_model,market,category,currency,rate\n"+
		"2025-07-01,PMP,Turkey,utility,USD,0.0053\n"+
		"2025-07-01,PMP,Brazil,marketing,USD,0.0700\n"+
		"2026-10-01,PMP,Brazil,service,USD,0.0068\n"), "gaps.csv")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Merge(base, over)
	if err != nil {
		t.Fatal(err)
	}
	checkCells(t, mustCard(t, m, PMP, "USD", "2025-07-01"), []cellWant{
		{"Turkey", Utility, 5300, UserSupplied, "2025-07-01"},
		{"Brazil", Marketing, 70000, UserSupplied, "2025-07-01"},
		{"Brazil", Utility, 6800, ThirdParty, "2025-07-01"},
	})
	checkCells(t, mustCard(t, m, PMP, "USD", "2026-10-01"), []cellWant{
		{"Brazil", Service, 6800, UserSupplied, "2026-10-01"},
		{"Argentina", Marketing, 61800, Derived, "2026-07-01"},
	})
	// The base book is unchanged.
	checkCells(t, mustCard(t, base, PMP, "USD", "2025-07-01"), []cellWant{{"Brazil", Marketing, 62500, ThirdParty, "2025-07-01"}})
	if _, err := mustCard(t, base, PMP, "USD", "2025-07-01").Rate(mid(t, "Turkey"), Utility); err == nil {
		t.Error("base book changed by Merge")
	}
	if len(m.Cards()) != len(base.Cards()) {
		t.Errorf("merge added cards: %d vs %d", len(m.Cards()), len(base.Cards()))
	}
}

func BenchmarkRate(b *testing.B) {
	bk := mustBook(b)
	c := mustCard(b, bk, PMP, "USD", "2025-07-01")
	br := mid(b, "Brazil")
	for b.Loop() {
		if _, err := c.Rate(br, AuthenticationInternational); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCard(b *testing.B) {
	bk := mustBook(b)
	loc, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		b.Skip(err)
	}
	at := noon("2025-08-01")
	for b.Loop() {
		if _, err := bk.Card(PMP, "USD", at, loc); err != nil {
			b.Fatal(err)
		}
	}
}

// The gaps in the embedded USD cards are exactly those data/README.md lists under "What
// the cards contain" and "Known gaps and doubts": every market that exists on a card's
// date has every rate of its era, except these. A data edit that opens or closes a gap
// must update this list (and the README).
func TestKnownGaps(t *testing.T) {
	b := mustBook(t)
	mt := b.Markets()
	newJuly := []string{"Hong Kong", "Hungary", "Poland", "Qatar", "Romania", "Singapore"}
	newOctober := []string{"Bangladesh", "Iraq", "Kazakhstan", "Kuwait", "Morocco", "Nepal", "Oman", "Sri Lanka", "Ukraine"}
	all := func(markets []string) []string {
		var out []string
		for _, m := range markets {
			for _, c := range []string{"marketing", "utility", "authentication"} {
				out = append(out, m+"/"+c)
			}
		}
		return out
	}
	julyMarketing := []string{"Italy/marketing", "Saudi Arabia/marketing", "Spain/marketing", "United Kingdom/marketing"}
	want := map[string][]string{
		"PMP USD 2025-07-01": {"Saudi Arabia/authentication", "Saudi Arabia/utility", "Turkey/authentication", "Turkey/utility"},
		"PMP USD 2025-10-01": {"Turkey/authentication", "Turkey/utility"},
		"PMP USD 2026-01-01": {"Turkey/authentication", "Turkey/utility"},
		"PMP USD 2026-04-01": nil,
		"PMP USD 2026-07-01": append(all(newJuly), julyMarketing...),
		"PMP USD 2026-10-01": append(append(all(newJuly), all(newOctober)...), julyMarketing...),
	}
	for _, c := range b.Cards() {
		if c.Currency() != "USD" {
			continue
		}
		cats := []Category{Marketing, Utility, Authentication}
		switch {
		case c.Model() == CBP && c.Effective().Before(date("2023-06-01")):
			cats = []Category{UserInitiated, BusinessInitiated}
		case c.Model() == CBP:
			cats = append(cats, Service)
		}
		var got []string
		for _, m := range mt.At(model.FromStd(c.Effective())) {
			for _, cat := range cats {
				if _, err := c.Rate(m, cat); err != nil {
					got = append(got, mt.Name(m)+"/"+cat.String())
				}
			}
		}
		w := want[c.String()] // CBP USD cards: complete
		slices.Sort(got)
		slices.Sort(w)
		if !slices.Equal(got, w) {
			t.Errorf("%s: missing %v\nwant %v", c, got, w)
		}
	}
}
