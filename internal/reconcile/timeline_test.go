package reconcile

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
)

// TestTimelines runs the script-style timelines in testdata/*.txt: messages of a
// replay beside Meta's word on them, and the verdict and Meta's amount each gets.
// Format (one statement per line; '#' starts a comment that cites the rule under test):
//
//	option currency=INR tz=Asia/Kolkata                     Options (currency default USD, tz default UTC)
//	rate 2022-02-01 CBP business_initiated INR 0.45 India   a row laid over the built-in cards, as --rates lays it:
//	                                                        date model category currency rate market
//	case NAME                                               a new Reconciler; lines before the first case are shared
//	2023-03-10T10:00:00Z spendsim CBP regular business_initiated billable 0.0066 | Meta CBP - marketing billable | India
//	  => rate_missing unknown "CBP USD card of 2022-02-01" "2022-02-01,CBP,India,marketing,USD,<rate>"
//	  => agree 0.0066
//	check meta_total 0.7265|unknown
//
// A message line is its time (when the rules were evaluated), spendsim's charge
// (pricing_model, type, category, billable|free, amount), Meta's pricing object
// (pricing_model, type, category, billable|free; '-' where Meta stated nothing) and
// the market; the message was delivered. Its expectation follows it: the reason (agree
// for none), Meta's amount as reconcile prices it (unknown where it cannot), and
// strings the row's detail must contain.
func TestTimelines(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.txt: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var shared []tlLine
		var cases []*tlCase
		for i, text := range strings.Split(string(data), "\n") {
			if j := strings.Index(text, "#"); j >= 0 && !strings.Contains(text[:j], `"`) {
				text = text[:j]
			}
			if text = strings.TrimSpace(text); text == "" {
				continue
			}
			l := tlLine{pos: fmt.Sprintf("%s:%d", f, i+1), no: i + 1, text: text}
			switch {
			case strings.HasPrefix(text, "case "):
				cases = append(cases, &tlCase{name: strings.TrimPrefix(text, "case "), lines: append([]tlLine(nil), shared...)})
			case len(cases) == 0:
				shared = append(shared, l)
			default:
				c := cases[len(cases)-1]
				c.lines = append(c.lines, l)
			}
		}
		for _, c := range cases {
			t.Run(filepath.Base(f)+"/"+c.name, func(t *testing.T) { c.run(t) })
		}
	}
}

type tlLine struct {
	pos  string // FILE:LINE
	no   int
	text string
}

type tlCase struct {
	name  string
	lines []tlLine
}

func (c *tlCase) run(t *testing.T) {
	o := Options{Currency: "USD", Location: time.UTC}
	rates := "effective_from,pricing_model,market,category,currency,rate\n"
	var body []tlLine
	for _, l := range c.lines {
		f := strings.Fields(l.text)
		switch f[0] {
		case "option":
			for _, kv := range f[1:] {
				k, v, _ := strings.Cut(kv, "=")
				switch k {
				case "currency":
					o.Currency = v
				case "tz":
					loc, err := time.LoadLocation(v)
					if err != nil {
						t.Fatalf("%s: %v", l.pos, err)
					}
					o.Location = loc
				default:
					t.Fatalf("%s: unknown option %q", l.pos, k)
				}
			}
		case "rate":
			if len(f) < 7 {
				t.Fatalf("%s: want rate DATE MODEL CATEGORY CURRENCY RATE MARKET", l.pos)
			}
			rates += strings.Join([]string{f[1], f[2], strings.Join(f[6:], " "), f[3], f[4], f[5]}, ",") + "\n"
		default:
			body = append(body, l)
		}
	}
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(rates, "\n") > 1 {
		over, err := pricing.ReadBook(strings.NewReader(rates), "rates.csv")
		if err != nil {
			t.Fatal(err)
		}
		if book, err = pricing.Merge(book, over); err != nil {
			t.Fatal(err)
		}
	}
	o.Book = book
	r, err := New(o, nil)
	if err != nil {
		t.Fatal(err)
	}
	var row *Row
	var from tlLine
	for _, l := range body {
		switch {
		case strings.HasPrefix(l.text, "=>"):
			if row == nil {
				t.Fatalf("%s: an expectation with no message before it", l.pos)
			}
			expectRow(t, l, from, row)
			row = nil
		case strings.HasPrefix(l.text, "check "):
			checkResult(t, l, r)
		default:
			if row != nil {
				t.Fatalf("%s: the message of %s has no expectation (=> ...)", l.pos, from.pos)
			}
			m := parseMessage(t, l)
			if row, err = r.Message(m); err != nil {
				t.Fatalf("%s: %v", l.pos, err)
			}
			if row == nil {
				t.Fatalf("%s: no row for a message with Meta's word", l.pos)
			}
			from = l
		}
	}
	if row != nil {
		t.Fatalf("the message of %s has no expectation (=> ...)", from.pos)
	}
}

// parseMessage reads "TIME spendsim MODEL TYPE CATEGORY billable|free AMOUNT | Meta
// MODEL TYPE CATEGORY billable|free | MARKET".
func parseMessage(t *testing.T, l tlLine) *Message {
	parts := strings.Split(l.text, "|")
	if len(parts) != 3 {
		t.Fatalf("%s: want TIME spendsim ... | Meta ... | MARKET", l.pos)
	}
	ours, meta := strings.Fields(parts[0]), strings.Fields(parts[1])
	if len(ours) != 7 || ours[1] != "spendsim" || len(meta) != 5 || meta[0] != "Meta" {
		t.Fatalf("%s: want TIME spendsim MODEL TYPE CATEGORY billable|free AMOUNT | Meta MODEL TYPE CATEGORY billable|free | MARKET", l.pos)
	}
	at, err := time.Parse(time.RFC3339, ours[0])
	if err != nil {
		t.Fatalf("%s: %v", l.pos, err)
	}
	amount, err := money.Parse(ours[6])
	if err != nil {
		t.Fatalf("%s: %v", l.pos, err)
	}
	word := func(s string) string {
		if s == "-" {
			return ""
		}
		return s
	}
	billable := map[string]model.Billable{"billable": model.IsBillable, "free": model.NotBillable, "-": model.BillableUnknown}
	mb, ok := billable[meta[4]]
	if !ok || ours[5] != "billable" && ours[5] != "free" {
		t.Fatalf("%s: billable is billable, free (or - for Meta's)", l.pos)
	}
	return &Message{Line: int64(l.no), At: model.FromStd(at), Market: strings.TrimSpace(parts[2]), Delivered: true,
		Model: ours[2], Type: ours[3], Category: ours[4], Billable: ours[5] == "billable", Amount: amount,
		Meta: &model.MetaPricing{PricingModel: word(meta[1]), PricingType: word(meta[2]), Category: word(meta[3]), Billable: mb}}
}

// expectRow checks "=> REASON|agree AMOUNT|unknown ["DETAIL"]...".
func expectRow(t *testing.T, l, from tlLine, row *Row) {
	t.Helper()
	rest := strings.TrimSpace(strings.TrimPrefix(l.text, "=>"))
	f := strings.Fields(rest)
	if len(f) < 2 {
		t.Fatalf("%s: want => REASON|agree AMOUNT|unknown [\"DETAIL\"]...", l.pos)
	}
	reason := Reason(f[0])
	if reason == "agree" {
		reason = ""
	}
	got := "unknown"
	if row.MetaPriced {
		got = row.MetaAmount.String()
	}
	want := f[1]
	if want != "unknown" {
		want = money.MustParse(want).String()
	}
	if row.Reason != reason || got != want {
		t.Errorf("%s: %q, Meta's amount %s (%s); want %q, %s", from.pos, row.Reason, got, row.Detail, reason, want)
	}
	details := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(rest, f[0]), " "+f[1]))
	for details != "" {
		q, err := strconv.QuotedPrefix(details)
		if err != nil {
			t.Fatalf("%s: %q: want quoted strings the detail contains", l.pos, details)
		}
		s, _ := strconv.Unquote(q)
		if !strings.Contains(row.Detail, s) {
			t.Errorf("%s: detail %q does not say %q", from.pos, row.Detail, s)
		}
		details = strings.TrimSpace(details[len(q):])
	}
}

// checkResult checks "check meta_total AMOUNT|unknown": Meta's side of what was
// compared so far.
func checkResult(t *testing.T, l tlLine, r *Reconciler) {
	t.Helper()
	f := strings.Fields(l.text)
	if len(f) != 3 || f[1] != "meta_total" {
		t.Fatalf("%s: want check meta_total AMOUNT|unknown", l.pos)
	}
	res, err := r.Result()
	if err != nil {
		t.Fatal(err)
	}
	got := "unknown"
	if res.Summary.MetaTotalKnown {
		got = res.Summary.MetaTotalMicros.String()
	}
	if want := f[2]; want != "unknown" && got != money.MustParse(want).String() || want == "unknown" && got != want {
		t.Errorf("%s: Meta's total %s, want %s", l.pos, got, f[2])
	}
}
