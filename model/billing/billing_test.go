package billing

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/pricing"
)

func TestParseEra(t *testing.T) {
	for e := EraAuto; e < numEras; e++ {
		got, err := ParseEra(e.String())
		if err != nil || got != e {
			t.Errorf("ParseEra(%q) = %v, %v; want %v", e.String(), got, err, e)
		}
	}
	if got, err := ParseEra(" PMP-2025 "); err != nil || got != EraPMP2025 {
		t.Errorf("ParseEra is case- and space-insensitive: %v, %v", got, err)
	}
	_, err := ParseEra("pmp2025")
	if err == nil || !strings.Contains(err.Error(), "auto, nbp-2018, cbp-2022, cbp-2023, pmp-2025, pmp-2026-10") {
		t.Errorf("error should list the valid values: %v", err)
	}
}

// TestParseEras: one era, a list in the order given, or all (auto and every era in date
// order); an era twice or an unknown one is an error naming it.
func TestParseEras(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []Era
		err  string
	}{
		{"pmp-2025", []Era{EraPMP2025}, ""},
		{"cbp-2023, PMP-2025", []Era{EraCBP2023, EraPMP2025}, ""},
		{"pmp-2026-10,auto", []Era{EraPMP2026Oct, EraAuto}, ""},
		{" All ", []Era{EraAuto, EraNBP2018, EraCBP2022, EraCBP2023, EraPMP2025, EraPMP2026Oct}, ""},
		{"pmp2025", nil, `pricing era "pmp2025" is not one of`},
		{"cbp-2023,pmp2025", nil, "a comma-separated list"},
		{"cbp-2023,pmp-2025,cbp-2023", nil, "names cbp-2023 twice"},
		{"cbp-2023,", nil, `pricing era "" is not one of`},
	} {
		got, err := ParseEras(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseEras(%q): error %v, want one saying %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("ParseEras(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

// TestParsePricing: a --pricing value is spelt one way from where it is parsed on,
// whatever case and spaces the user gave it.
func TestParsePricing(t *testing.T) {
	for in, want := range map[string]string{
		"PMP-2025": "pmp-2025", " pmp-2025 ": "pmp-2025", "Auto": "auto", "cbp-2023, PMP-2025": "cbp-2023,pmp-2025",
		" All ": "all", "pmp-2026-10,auto": "pmp-2026-10,auto",
	} {
		eras, got, err := ParsePricing(in)
		if list, _ := ParseEras(in); err != nil || got != want || !slices.Equal(eras, list) {
			t.Errorf("ParsePricing(%q) = %v, %q, %v; want %v, %q", in, eras, got, err, list, want)
		}
	}
	if _, _, err := ParsePricing("pmp2025"); err == nil {
		t.Error("ParsePricing accepted pmp2025")
	}
}

// TestEraTable: EraAt takes the last era started, so the table must be in date order;
// every era has a name of its own, a pricing model and rules.
func TestEraTable(t *testing.T) {
	seen := map[string]Era{}
	for e := EraAuto; e < numEras; e++ {
		r := eras[e]
		if o, dup := seen[r.name]; dup || r.name == "" {
			t.Errorf("era %d: name %q is empty or also era %d's", e, r.name, o)
		}
		seen[r.name] = e
		if e == EraAuto {
			continue
		}
		if r.model == pricing.ModelNone || r.bill == nil || r.start.IsZero() {
			t.Errorf("%s: model %v, start %v, rules set %v: want all three", e, r.model, r.start, r.bill != nil)
		}
		if e > firstEra && !eras[e-1].start.Date().Before(r.start.Date()) {
			t.Errorf("%s starts %v, not after %s's %v: the table must be in date order", e, r.start, e-1, eras[e-1].start)
		}
	}
}

func mustTime(t *testing.T, s string) model.Time {
	t.Helper()
	x, err := parseTS(s)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestEraAt(t *testing.T) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		at  string
		loc *time.Location
		era Era
	}{
		{"2016-01-01T00:00:00Z", nil, EraNBP2018},
		{"2022-01-31T23:59:59.999Z", nil, EraNBP2018},
		{"2022-02-01T00:00:00Z", nil, EraCBP2022},
		{"2023-05-31T23:59:59Z", nil, EraCBP2022},
		{"2023-06-01T00:00:00Z", time.UTC, EraCBP2023},
		{"2025-06-30T23:59:59Z", nil, EraCBP2023},
		{"2025-07-01T00:00:00Z", nil, EraPMP2025},
		// Midnight in the account's time zone: São Paulo is UTC-3.
		{"2025-07-01T02:59:59Z", sp, EraCBP2023},
		{"2025-07-01T03:00:00Z", sp, EraPMP2025},
		{"2026-09-30T23:59:59Z", nil, EraPMP2025},
		{"2026-10-01T00:00:00Z", nil, EraPMP2026Oct},
		{"2031-01-01T00:00:00Z", nil, EraPMP2026Oct},
	}
	for _, tt := range tests {
		if got := EraAt(mustTime(t, tt.at), tt.loc); got != tt.era {
			t.Errorf("EraAt(%s, %v) = %v, want %v", tt.at, tt.loc, got, tt.era)
		}
	}
}

func TestNewErrors(t *testing.T) {
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"no book", Options{}, "Options.Book is required"},
		{"nbp without a card", Options{Book: book, Era: EraNBP2018}, "--rates FILE"},
		{"bad primary country", Options{Book: book, PrimaryCountry: "india"}, "PrimaryCountry"},
		{"bad era", Options{Book: book, Era: numEras}, "unknown era"},
		{"negative entry point", Options{Book: book, EntryPointV1: -1}, "EntryPointV1"},
		{"other market table", Options{Book: book, Markets: otherTable(t)}, "market table"},
		{"two account maps", Options{Book: book, AccountPerNumber: true, NumberAccount: []uint16{0, 1}}, "set one"},
	}
	for _, tt := range tests {
		_, err := New(tt.o)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: New error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
	_, err = New(Options{Book: book, Era: EraNBP2018})
	saidOnce(t, err)
}

// saidOnce fails unless the missing-NBP-card error says each of its points once: the
// card wrapped in billing's words used to repeat pricing's.
func saidOnce(t *testing.T, err error) {
	t.Helper()
	for _, part := range []string{"spendsim ships none", "--rates FILE", "pricing_model NBP"} {
		if err == nil || strings.Count(err.Error(), part) != 1 {
			t.Errorf("%q %d times in %v; want once", part, strings.Count(fmt.Sprint(err), part), err)
		}
	}
}

func business(at model.Time, pair uint32, mkt uint16, cat model.Category) *model.Message {
	m := &model.Message{TS: at, Pair: pair, Market: mkt, Direction: model.FromBusiness, Kind: model.Template, Category: cat}
	if cat == model.CatNone {
		m.Kind = model.Text
	}
	return m
}

func TestAutoNBPNeedsACard(t *testing.T) {
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Options{Book: book})
	if err != nil {
		t.Fatal(err)
	}
	br, _ := book.Markets().ID("Brazil")
	_, err = b.Bill(business(mustTime(t, "2021-05-03T10:00:00Z"), 0, uint16(br), model.Marketing))
	if err == nil || !strings.Contains(err.Error(), "--rates FILE") {
		t.Fatalf("want an error asking for --rates FILE, got %v", err)
	}
	saidOnce(t, err)
	// Inside the window nothing needs a card.
	if _, err := b.Bill(&model.Message{TS: mustTime(t, "2021-05-03T11:00:00Z"), Direction: model.FromUser}); err != nil {
		t.Fatal(err)
	}
	ch, err := b.Bill(business(mustTime(t, "2021-05-03T11:01:00Z"), 0, uint16(br), model.Marketing))
	if err != nil || ch.Billable || ch.Model != pricing.NBP {
		t.Fatalf("in-window NBP template: %+v, %v", ch, err)
	}
}

// TestBuiltinBook bills through the real pricing.Book adapter: amounts are those of
// model/pricing/data/ratecards.csv, and CardUsed names the cards.
func TestBuiltinBook(t *testing.T) {
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Options{Book: book, FreeConversationsPerMonth: -1})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := book.Markets().ID("Brazil")
	br := uint16(id)
	steps := []struct {
		at     string
		cat    model.Category
		model  pricing.Model
		pcat   pricing.Category
		amount int64
	}{
		{"2022-05-02T10:00:00Z", model.Marketing, pricing.CBP, pricing.BusinessInitiated, 50000},
		{"2023-07-03T10:00:00Z", model.Marketing, pricing.CBP, pricing.Marketing, 62500},
		{"2025-07-03T10:00:00Z", model.Marketing, pricing.PMP, pricing.Marketing, 62500},
		{"2025-07-03T10:01:00Z", model.Utility, pricing.PMP, pricing.Utility, 6800},
	}
	for _, s := range steps {
		ch, err := b.Bill(business(mustTime(t, s.at), 0, br, s.cat))
		if err != nil {
			t.Fatal(err)
		}
		if ch.Model != s.model || ch.Category != s.pcat || !ch.Billable || int64(ch.Amount) != s.amount || ch.Confidence == pricing.ConfNone {
			t.Errorf("%s: got %s (conf %v), want %s %s %d", s.at, describe(ch), ch.Confidence, s.model, s.pcat, s.amount)
		}
	}
	used := b.CardUsed()
	var names []string
	for _, u := range used {
		names = append(names, u.Model.String()+" "+u.Currency+" "+u.Effective.Format(time.DateOnly))
	}
	want := "CBP USD 2022-02-01, CBP USD 2023-06-01, PMP USD 2025-07-01"
	if got := strings.Join(names, ", "); got != want {
		t.Errorf("CardUsed = %s, want %s", got, want)
	}
	if used[2].Charged != 2 {
		t.Errorf("PMP card priced %d messages, want 2", used[2].Charged)
	}
}

func TestInvalidMessages(t *testing.T) {
	b, err := New(Options{book: &testBook{}})
	if err != nil {
		t.Fatal(err)
	}
	at := mustTime(t, "2025-07-03T10:00:00Z")
	if _, err := b.Bill(&model.Message{TS: at}); err == nil || !strings.Contains(err.Error(), "direction") {
		t.Errorf("no direction: %v", err)
	}
	m := business(at, 0, 1, model.Marketing)
	m.Category = model.CatNone
	if _, err := b.Bill(m); err == nil || !strings.Contains(err.Error(), "category") {
		t.Errorf("template without category: %v", err)
	}
	mb, err := New(Options{book: &testBook{}, Markets: market.Builtin()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mb.Bill(business(at, 0, 60000, model.Marketing)); err == nil || !strings.Contains(err.Error(), "market id 60000") {
		t.Errorf("market id out of the table: %v", err)
	}
}

func TestStrictWindow(t *testing.T) {
	b, err := New(Options{book: &testBook{}, StrictWindow: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Bill(business(mustTime(t, "2025-07-03T10:00:00Z"), 0, 1, model.CatNone))
	if err == nil || !strings.Contains(err.Error(), "outside the customer service window") {
		t.Fatalf("want an error, got %v", err)
	}
	lenient, _ := New(Options{book: &testBook{}})
	ch, err := lenient.Bill(business(mustTime(t, "2025-07-03T10:00:00Z"), 0, 1, model.CatNone))
	if err != nil || ch.Billable || lenient.Stats().TextOutsideWindow != 1 {
		t.Fatalf("lenient: %+v %v %+v", ch, err, lenient.Stats())
	}
}

func TestWindowOpenAndReset(t *testing.T) {
	b, err := New(Options{book: &testBook{}})
	if err != nil {
		t.Fatal(err)
	}
	at := mustTime(t, "2025-07-03T10:00:00Z")
	if b.WindowOpen(7, at) {
		t.Fatal("unknown pair has an open window")
	}
	if _, err := b.Bill(&model.Message{TS: at, Pair: 7, Direction: model.FromUser}); err != nil {
		t.Fatal(err)
	}
	if !b.WindowOpen(7, at) || !b.WindowOpen(7, at+24*model.Hour-1) || b.WindowOpen(7, at+24*model.Hour) {
		t.Fatal("window should be open for exactly 24 h")
	}
	if b.WindowOpen(6, at) {
		t.Fatal("windows are per pair")
	}
	b.Reset()
	if b.WindowOpen(7, at) || b.Stats().Messages != 0 {
		t.Fatal("Reset kept state")
	}
	// After Reset, earlier times are accepted again.
	if _, err := b.Bill(&model.Message{TS: at - model.Day, Pair: 7, Direction: model.FromUser}); err != nil {
		t.Fatal(err)
	}
}

func otherTable(t *testing.T) *market.Table {
	mt, err := market.Parse(strings.NewReader("calling_code,prefix,iso2,market,effective_from,effective_to,country,confidence,source,note\n55,,BR,Brazil,2022-02-01,,Brazil,official,x,\n*,,,Other,2022-02-01,,All other countries,official,x,\n"), "other.csv")
	if err != nil {
		t.Fatal(err)
	}
	return mt
}

// TestBuiltinBookWithTiers bills through the real pricing.Tiers adapter: a band given as
// a discount on the list rate (Meta's "vs. List rate" column) prices off the card.
func TestBuiltinBookWithTiers(t *testing.T) {
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	tiers, err := pricing.ReadTiers(strings.NewReader(
		"market,category,tier_index,volume_from,volume_to,rate_type,rate,discount_pct,currency,effective_from,confidence,source,note\n"+
			"India,utility,0,0,2,List,,0,USD,2025-07-01,derived,test,\n"+
			"India,utility,1,3,MAX,Tier,,-5,USD,2025-07-01,derived,test,\n"), "test-tiers.csv")
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Options{Book: book, Tiers: tiers})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := book.Markets().ID("India")
	at := mustTime(t, "2025-07-03T10:00:00Z")
	var got []string
	for i := 0; i < 4; i++ {
		ch, err := b.Bill(business(at+model.Time(i)*model.Minute, uint32(i), uint16(id), model.Utility))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s/%d", ch.Amount, ch.Tier))
	}
	// India PMP utility list rate 0.0014 (2025-07-01 card); band 1 is 5 % below it.
	want := "0.001400/0 0.001400/0 0.001330/1 0.001330/1"
	if strings.Join(got, " ") != want {
		t.Errorf("tiered charges %s, want %s", strings.Join(got, " "), want)
	}
}

// TestCardsOver: the cards a horizon is priced with, day by day in the account's zone,
// consecutive days joined; a partial card says which card its missing cells were
// carried forward from.
func TestCardsOver(t *testing.T) {
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	from, to := model.FromStd(day("2026-09-20")), model.FromStd(day("2026-10-05"))
	got, err := CardsOver(Options{Book: book}, from, to)
	if err != nil {
		t.Fatal(err)
	}
	want := []CardSpan{
		{Model: pricing.PMP, Currency: "USD", Effective: day("2026-07-01"), From: day("2026-09-20"), To: day("2026-09-30")},
		{Model: pricing.PMP, Currency: "USD", Effective: day("2026-10-01"), CarriedFrom: day("2026-07-01"), From: day("2026-10-01"), To: day("2026-10-04")},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cards over 2026-09-20..10-04:\n got %+v\nwant %+v", got, want)
	}
	// No NBP card in force: those days are left out.
	got, err = CardsOver(Options{Book: book}, model.FromStd(day("2022-01-30")), model.FromStd(day("2022-02-02")))
	if err != nil || len(got) != 1 || got[0].Model != pricing.CBP || !got[0].From.Equal(day("2022-02-01")) {
		t.Errorf("across 2022-02-01: %+v, %v", got, err)
	}
}
