package reports

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/model/money"
)

// TestTablesSayTheUnit: billable and free counts are conversations under CBP and
// messages under NBP and PMP (the Twitter trace: 114 conversations under cbp-2023, 148
// messages under pmp-2025). The eras side by side say each era's unit; a single era's
// table says so where its header's "business messages" is not what its columns count,
// and a card's line counts what the card prices.
func TestTablesSayTheUnit(t *testing.T) {
	spend := func(free int64, byType map[string]int64) stats.Spend {
		return stats.Spend{Currency: "USD", BillableByCategory: map[string]int64{"service": 0}, FreeByCategory: map[string]int64{"service": free},
			MessagesByPricingType: byType}
	}
	cbp := spend(114, map[string]int64{"free_tier": 148})
	pmp := spend(148, map[string]int64{"free_customer_service": 148})
	mixed := spend(120, map[string]int64{"free_customer_service": 148})

	var b strings.Builder
	WriteErasTable(&b, &Eras{Trace: "tw.csv", Eras: []EraBill{{Pricing: "cbp-2023", Spend: cbp}, {Pricing: "pmp-2025", Spend: pmp}, {Pricing: "auto", Spend: mixed}}})
	if got := strings.Fields(lineWith(b.String(), "units counted")); strings.Join(got, " ") != "units counted conversations messages units" {
		t.Errorf("the eras' units: %q\n%s", got, b.String())
	}
	if !strings.Contains(b.String(), "a unit is a conversation where CBP billed, a message where NBP or PMP did") {
		t.Errorf("auto's mixed units are not explained:\n%s", b.String())
	}

	for _, c := range []struct {
		pricing, model string
		spend          stats.Spend
		note, card     string
	}{
		{"cbp-2023", "CBP", cbp, "billable and free count conversations", "(7 charged conversations)"},
		{"CBP-2022", "CBP", cbp, "billable and free count conversations", "(7 charged conversations)"},
		{"pmp-2025", "PMP", pmp, "", "(7 charged messages)"},
		{"auto", "PMP", pmp, "", "(7 charged messages)"},
		{"auto", "CBP", mixed, "billable and free count units (a unit is a conversation where CBP billed", "(7 charged conversations)"},
	} {
		var b strings.Builder
		WriteReplayTable(&b, &ReplaySummary{Trace: "tw.csv", Pricing: c.pricing, Spend: c.spend, Business: 148, Delivered: 148,
			CardsUsed: []CardUsed{{PricingModel: c.model, Currency: "USD", Effective: "2023-06-01", Messages: 7}}})
		out := b.String()
		if c.note != "" && !strings.Contains(out, c.note) || c.note == "" && strings.Contains(out, "billable and free count") {
			t.Errorf("%s: want the note %q:\n%s", c.pricing, c.note, out)
		}
		if !strings.Contains(out, c.card) {
			t.Errorf("%s: the card line does not say %q:\n%s", c.pricing, c.card, out)
		}
	}
}

// lineWith is the first line of s containing sub, "" if none.
func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

// TestReplayTableSaysTextOutsideWindow: free-form messages sent with no window open
// (WhatsApp refuses them; the Twitter trace has 20) are said on the terminal, not only
// in summary.json, and nothing is said when there are none.
func TestReplayTableSaysTextOutsideWindow(t *testing.T) {
	for n, want := range map[int64]string{
		0:  "",
		1:  "1 delivered free-form business message was sent with no customer service window open, which WhatsApp refuses",
		20: "20 delivered free-form business messages were sent with no customer service window open, which WhatsApp refuses",
	} {
		var b strings.Builder
		WriteReplayTable(&b, &ReplaySummary{Trace: "tw.csv", Pricing: "pmp-2025", TextOutsideCS: n})
		got := lineWith(b.String(), "customer service window open")
		if want == "" && got != "" || !strings.Contains(got, want) || want != "" && !strings.Contains(got, "text_outside_window") {
			t.Errorf("%d outside the window: %q, want %q", n, got, want)
		}
	}
}

// TestCardLineSingular: one charged unit is "1 charged conversation", not "1 charged
// conversations" (a CBP timeline with one conversation printed that).
func TestCardLineSingular(t *testing.T) {
	for model, want := range map[string]string{"CBP": "(1 charged conversation)", "PMP": "(1 charged message)"} {
		var b strings.Builder
		WriteReplayTable(&b, &ReplaySummary{Trace: "t.csv", Pricing: "auto",
			CardsUsed: []CardUsed{{PricingModel: model, Currency: "USD", Effective: "2023-06-01", Messages: 1}}})
		if !strings.Contains(b.String(), want) {
			t.Errorf("%s: want %q:\n%s", model, want, b.String())
		}
	}
}

// TestReplayTableHeaderSaysPairs: the header counts what summary.json's users counts,
// (business number, user) pairs, and says so: "4291 users" read as distinct customers
// on a trace of 1,501.
func TestReplayTableHeaderSaysPairs(t *testing.T) {
	var b strings.Builder
	WriteReplayTable(&b, &ReplaySummary{Trace: "t.csv", Pricing: "pmp-2025", Records: 9, Business: 4, Delivered: 3, Users: 2})
	if want := "t.csv under pmp-2025 ( rates): 9 records, 4 business messages (3 delivered), 2 (business number, user) pairs\n"; !strings.HasPrefix(b.String(), want) {
		t.Errorf("header %q, want %q", lineWith(b.String(), "records"), want)
	}
}

// TestReplayTableSaysLogFacts: charges a fact the log stated decided (a US marketing
// template Meta says was delivered is charged, though the rules say such templates are
// not delivered) are said on the terminal, not only in summary.json's
// log_facts_applied; nothing is said when the log decided nothing.
func TestReplayTableSaysLogFacts(t *testing.T) {
	for f, want := range map[LogFacts]string{
		{}:                              "",
		{USMarketingDelivered: 2}:       "as the log states: 2 US marketing templates charged: Meta's statuses say delivered (summary.json's log_facts_applied",
		{AuthIntl: 1, MarketingLite: 3}: "as the log states: 1 authentication template charged at the international rate; 3 marketing templates reported as marketing_lite (",
	} {
		var b strings.Builder
		WriteReplayTable(&b, &ReplaySummary{Trace: "log.jsonl", Pricing: "auto", LogFacts: f})
		if got := lineWith(b.String(), "as the log states"); want == "" && got != "" || !strings.Contains(got, want) {
			t.Errorf("%+v: %q, want %q", f, got, want)
		}
	}
}

// TestReplayTableGivesTheExactTotal: the table rounds to the cent, so a bill of
// 0.0068 USD read "0.01"; a replay's total that is not whole cents is also given to
// the micro, as summary.json holds it, for reconciling an invoice. Whole cents and
// "1 record" need no extra line.
func TestReplayTableGivesTheExactTotal(t *testing.T) {
	for micros, want := range map[int64]string{
		6_800:     "total to the micro: 0.006800 USD (summary.json's total; the amounts above are rounded to the cent)",
		1_940_130: "total to the micro: 1.940130 USD",
		1_940_000: "",
		0:         "",
	} {
		var b strings.Builder
		WriteReplayTable(&b, &ReplaySummary{Trace: "t.csv", Pricing: "pmp-2025", Records: 1, Business: 1, Users: 1,
			Spend: stats.Spend{Currency: "USD", TotalMicros: micros, Total: money.Micros(micros).String()}})
		got := lineWith(b.String(), "to the micro")
		if want == "" && got != "" || !strings.Contains(got, want) {
			t.Errorf("%d micros: %q, want %q", micros, got, want)
		}
		if !strings.Contains(b.String(), ": 1 record, 1 business message (0 delivered), 1 (business number, user) pair\n") {
			t.Errorf("header: %q", lineWith(b.String(), "record"))
		}
	}
}

// TestErasTableGivesTheExactTotals: side by side, as under one era, a total that is not
// whole cents is given to the micro too, so a free era (0.000000) and one charging
// 0.0042 no longer both read 0.00 (the support lead's review, three India utility
// templates under --pricing all); where every total is whole cents, no such row.
func TestErasTableGivesTheExactTotals(t *testing.T) {
	spend := func(micros int64) stats.Spend {
		return stats.Spend{Currency: "USD", TotalMicros: micros, Total: money.Micros(micros).String()}
	}
	var b strings.Builder
	WriteErasTable(&b, &Eras{Trace: "in3.csv", Eras: []EraBill{{Pricing: "cbp-2022", Spend: spend(0)}, {Pricing: "pmp-2025", Spend: spend(4_200)}}})
	row := strings.Fields(lineWith(b.String(), "total to the micro  "))
	if want := []string{"total", "to", "the", "micro", "0.000000", "0.004200"}; !slices.Equal(row, want) {
		t.Errorf("row %q, want %q:\n%s", row, want, b.String())
	}
	if !strings.Contains(b.String(), "\ntotal to the micro: eras.json's total; the amounts above are rounded to the cent\n") {
		t.Errorf("no note saying the amounts are rounded:\n%s", b.String())
	}
	b.Reset()
	WriteErasTable(&b, &Eras{Trace: "w.csv", Eras: []EraBill{{Pricing: "cbp-2022", Spend: spend(0)}, {Pricing: "pmp-2025", Spend: spend(1_940_000)}}})
	if strings.Contains(b.String(), "to the micro") {
		t.Errorf("whole cents, yet:\n%s", b.String())
	}
}

// TestErasTableSaysTextOutsideWindow: the eras side by side say the free-form messages
// sent with no window open, as a replay under one era does (the Twitter trace: 0.00
// under every era, but 20 such replies): once when every era counts as many, once for
// the eras that count as many when they differ, nothing when there are none.
func TestErasTableSaysTextOutsideWindow(t *testing.T) {
	note := "delivered free-form business messages were sent with no customer service window open, which WhatsApp refuses"
	for _, c := range []struct {
		counts []int64
		want   []string // the lines saying it, in order
	}{
		{[]int64{20, 20, 20}, []string{"every era: 20 " + note}},
		{[]int64{20, 0, 3}, []string{"cbp-2023: 20 " + note, "pmp-2026-10: 3 " + note}},
		{[]int64{20, 0, 20}, []string{"cbp-2023 and pmp-2026-10: 20 " + note}},
		{[]int64{3, 20, 3}, []string{"cbp-2023 and pmp-2026-10: 3 " + note, "pmp-2025: 20 " + note}},
		{[]int64{0, 0, 0}, nil},
	} {
		e := &Eras{Trace: "tw.csv"}
		for i, era := range []string{"cbp-2023", "pmp-2025", "pmp-2026-10"} {
			e.Eras = append(e.Eras, EraBill{Pricing: era, Spend: stats.Spend{Currency: "USD"}, TextOutsideCS: c.counts[i]})
		}
		var b strings.Builder
		WriteErasTable(&b, e)
		var got []string
		for _, l := range strings.Split(b.String(), "\n") {
			if strings.Contains(l, "no customer service window open") {
				got = append(got, l)
			}
		}
		if len(got) != len(c.want) {
			t.Fatalf("%v: %d lines about it, want %d:\n%s", c.counts, len(got), len(c.want), b.String())
		}
		for i := range got {
			if !strings.HasPrefix(got[i], c.want[i]) || !strings.HasSuffix(got[i], "eras.json's text_outside_window") {
				t.Errorf("%v: %q, want %q … eras.json's text_outside_window", c.counts, got[i], c.want[i])
			}
		}
	}
}

// TestTablesNameTheCards: the eras side by side name each era's cards as a replay
// under one era does, and both say when a card is older than another currency's that
// the same rules read (CBP INR 2023-06-01 pricing July 2025, where USD has 2025-04-01:
// under it India utility cost 0.31 INR under cbp-2023 against 0.12 under pmp-2025,
// though in USD both eras charge 0.0014).
func TestTablesNameTheCards(t *testing.T) {
	old := CardUsed{PricingModel: "CBP", Currency: "INR", Effective: "2023-06-01", Messages: 2,
		Newer: &NewerCard{Currency: "USD", Effective: "2025-04-01", LastPriced: "2025-07-16"}}
	pmp := CardUsed{PricingModel: "PMP", Currency: "INR", Effective: "2025-07-01", Messages: 2}
	stale := "  older than the CBP USD card of 2025-04-01, which these rules read on 2025-07-16 (the last day this card priced): " +
		"Meta changed CBP prices after 2023-06-01 and the book has no later INR card, so this bill may rest on old prices; " +
		"compare in USD (--currency USD) or give a current INR card (--rates FILE)\n"

	var b strings.Builder
	WriteErasTable(&b, &Eras{Trace: "cur.csv", Eras: []EraBill{
		{Pricing: "cbp-2023", Spend: stats.Spend{Currency: "INR"}, CardsUsed: []CardUsed{old}},
		{Pricing: "pmp-2025", Spend: stats.Spend{Currency: "INR"}, CardsUsed: []CardUsed{pmp}},
	}})
	want := "cbp-2023 card: CBP INR effective 2023-06-01 (2 charged conversations)\n" + stale +
		"pmp-2025 card: PMP INR effective 2025-07-01 (2 charged messages)\n"
	if !strings.Contains(b.String(), want) {
		t.Errorf("the eras' table does not say\n%s\n%s", want, b.String())
	}

	b.Reset()
	WriteReplayTable(&b, &ReplaySummary{Trace: "cur.csv", Pricing: "cbp-2023", CardsUsed: []CardUsed{old}})
	if want := "card: CBP INR effective 2023-06-01 (2 charged conversations)\n" + stale; !strings.Contains(b.String(), want) {
		t.Errorf("the replay's table does not say\n%s\n%s", want, b.String())
	}
}

// TestErasTableSaysWhatOneEraSays: side by side, the eras say what a replay under one
// era says under its table: how many business messages were delivered, the share
// priced from derived or third-party rates, the charges the log's word decided, and
// the rows --skip-invalid skipped (a reviewer's fidelity_ctx.jsonl under --pricing all
// said none of these, though its every era rested on third-party rates and log facts).
// A bill of 0 has no derived share to say (summary.json's null), not "NaN%"; the eras
// that say the same say it once.
func TestErasTableSaysWhatOneEraSays(t *testing.T) {
	facts := LogFacts{AuthIntl: 2}
	e := &Eras{Trace: "w.jsonl", Rates: "builtin", Records: 36, Business: 24, Skipped: 3, Webhook: true, Eras: []EraBill{
		{Pricing: "cbp-2022", Spend: stats.Spend{Currency: "USD"}, DerivedShare: stats.Num(math.NaN()), Delivered: 24},
		{Pricing: "pmp-2025", Spend: stats.Spend{Currency: "USD", TotalMicros: 320_000}, DerivedShare: 1, Delivered: 24, LogFacts: facts},
		{Pricing: "pmp-2026-10", Spend: stats.Spend{Currency: "USD", TotalMicros: 330_000}, DerivedShare: 1, Delivered: 24, LogFacts: facts},
	}}
	var b strings.Builder
	WriteErasTable(&b, e)
	got := b.String()
	for _, want := range []string{
		"w.jsonl (builtin rates): 36 records, 24 business messages (24 delivered), under 3 pricing eras\n",
		"\npmp-2025 and pmp-2026-10: 100.0% of the amount was priced from derived or third-party rates",
		"\npmp-2025 and pmp-2026-10: as the log states: 2 authentication templates charged at the international rate (eras.json's log_facts_applied;",
		"\nevery era: 3 invalid statuses, messages or lines skipped (--skip-invalid) and not billed (eras.json's skipped_invalid_rows)\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the eras' table lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "NaN") || strings.Contains(got, "cbp-2022: 100.0%") || strings.Contains(got, "delivered messages") {
		t.Errorf("the eras' table says a share of nothing, or a row of deliveries that agree:\n%s", got)
	}
	e.Eras[0].Delivered = 20 // under one era, some were not delivered: a row says so
	b.Reset()
	WriteErasTable(&b, e)
	if row := strings.Fields(lineWith(b.String(), "delivered messages")); !slices.Equal(row, []string{"delivered", "messages", "20", "24", "24"}) {
		t.Errorf("delivered row %q:\n%s", row, b.String())
	}
}
