package billing

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
)

// TestTimelines runs the script-style timelines in testdata/*.txt. Format (one
// statement per line; '#' starts a comment that cites the rule under test):
//
//	rate 2025-07-01 PMP marketing 0.0625 Brazil        rate-card cell: date model category rate market
//	band utility 1 1000 0.0040 India                   volume band: category from to|MAX rate market
//	option era=pmp-2025 tz=UTC primary=IN ...          Options (see applyOption)
//	case NAME                                          a new Biller; lines before the first case are shared
//	2025-07-03T10:00:00Z user 5511987654321 [ctwa|page] [number=N]
//	2025-07-03T10:05:00Z business 5511987654321 template marketing|text [status=S] [delivered=T] [number=N]
//	  => PMP regular marketing billable 0.0625 [tier=1] [conv=A] [market=Rest_of_Africa]
//	                                                                  expected charge; market: the
//	                                                                  one priced ('_' for ' ')
//	  => none                                                         not delivered
//	  => error SUBSTRING                                              Bill fails
//	check window|entry 5511987654321 2025-07-04T10:00:00Z open|closed [number=N]
//	check total 0.0625
//
// Every business message must be followed by its expected charge. Conversation labels
// (conv=A) must map to one id each, different labels to different ids; conv=- means none.
//
// Each era of the table has its worked examples in testdata/NAME.txt beside its rules in
// NAME.go (NAME the era's name with '_' for '-'); timelines across eras have other names.
func TestTimelines(t *testing.T) {
	for e := firstEra; e < numEras; e++ {
		name := strings.ReplaceAll(e.String(), "-", "_")
		for _, f := range []string{name + ".go", filepath.Join("testdata", name+".txt")} {
			if _, err := os.Stat(f); err != nil {
				t.Errorf("era %s: no %s: each era's rules are in %s.go and its timeline in testdata/%s.txt (doc.go, \"Adding an era\")", e, f, name, name)
			}
		}
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.txt: %v", err)
	}
	total := 0
	for _, f := range files {
		cases := parseTimelineFile(t, f)
		for _, c := range cases {
			total++
			t.Run(filepath.Base(f)+"/"+c.name, func(t *testing.T) { c.run(t) })
		}
	}
	t.Logf("%d timeline cases in %d files", total, len(files))
}

type tlLine struct {
	file string
	no   int
	text string
}

func (l tlLine) pos() string { return fmt.Sprintf("%s:%d", l.file, l.no) }

type tlCase struct {
	name  string
	lines []tlLine // preamble then case lines
}

func parseTimelineFile(t *testing.T, path string) []*tlCase {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var pre []tlLine
	var cases []*tlCase
	for i, raw := range strings.Split(string(data), "\n") {
		s := raw
		if k := strings.Index(s, "#"); k >= 0 {
			s = s[:k]
		}
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		l := tlLine{file: filepath.Base(path), no: i + 1, text: s}
		if name, ok := strings.CutPrefix(s, "case "); ok {
			cases = append(cases, &tlCase{name: strings.TrimSpace(name), lines: append([]tlLine(nil), pre...)})
			continue
		}
		if len(cases) == 0 {
			pre = append(pre, l)
		} else {
			c := cases[len(cases)-1]
			c.lines = append(c.lines, l)
		}
	}
	if len(cases) == 0 {
		t.Fatalf("%s: no case", path)
	}
	return cases
}

type tlRun struct {
	t       *testing.T
	mt      *market.Table
	opts    Options
	book    *testBook
	tiers   *testTiers
	b       *Biller
	pairs   map[string]uint32
	labels  map[string]uint64
	ids     map[uint64]string
	sum     money.Micros
	pending *pendingBiz
}

type pendingBiz struct {
	line tlLine
	ch   pricing.Charge
	err  error
}

func (c *tlCase) run(t *testing.T) {
	r := &tlRun{t: t, mt: market.Builtin(), book: &testBook{}, pairs: map[string]uint32{},
		labels: map[string]uint64{}, ids: map[uint64]string{}}
	for _, l := range c.lines {
		r.line(l)
	}
	if r.pending != nil {
		t.Fatalf("%s: business message without an expected charge (=> ...)", r.pending.line.pos())
	}
}

func (r *tlRun) fatalf(l tlLine, format string, args ...any) {
	r.t.Helper()
	r.t.Fatalf("%s: %s\n\t%s", l.pos(), fmt.Sprintf(format, args...), l.text)
}

func (r *tlRun) errorf(l tlLine, format string, args ...any) {
	r.t.Helper()
	r.t.Errorf("%s: %s\n\t%s", l.pos(), fmt.Sprintf(format, args...), l.text)
}

func (r *tlRun) biller(l tlLine) *Biller {
	if r.b == nil {
		o := r.opts
		o.book = r.book
		if r.tiers != nil {
			o.tiers = r.tiers
		}
		o.Markets = r.mt
		b, err := New(o)
		if err != nil {
			r.fatalf(l, "New: %v", err)
		}
		r.b = b
	}
	return r.b
}

func (r *tlRun) market(l tlLine, name string) uint16 {
	id, ok := r.mt.ID(name)
	if !ok {
		r.fatalf(l, "unknown market %q", name)
	}
	return uint16(id)
}

func parseTS(s string) (model.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, err
	}
	return model.FromStd(t), nil
}

func (r *tlRun) line(l tlLine) {
	f := strings.Fields(l.text)
	if r.pending != nil && f[0] != "=>" {
		r.fatalf(r.pending.line, "business message without an expected charge (=> ...)")
	}
	switch f[0] {
	case "rate":
		if len(f) < 6 {
			r.fatalf(l, "want: rate DATE MODEL CATEGORY RATE MARKET")
		}
		eff, err := time.Parse(time.DateOnly, f[1])
		if err != nil {
			r.fatalf(l, "%v", err)
		}
		m := map[string]pricing.Model{"NBP": pricing.NBP, "CBP": pricing.CBP, "PMP": pricing.PMP}[f[2]]
		cat := r.category(l, f[3])
		amt, err := money.Parse(f[4])
		if err != nil || m == pricing.ModelNone {
			r.fatalf(l, "bad model or rate: %v", err)
		}
		r.book.add(eff, m, r.market(l, strings.Join(f[5:], " ")), cat, int64(amt))
	case "band":
		if len(f) < 6 {
			r.fatalf(l, "want: band CATEGORY FROM TO RATE MARKET")
		}
		from, err1 := strconv.ParseInt(f[2], 10, 64)
		to := pricing.MaxVolume
		var err2 error
		if f[3] != "MAX" {
			to, err2 = strconv.ParseInt(f[3], 10, 64)
		}
		amt, err3 := money.Parse(f[4])
		if err1 != nil || err2 != nil || err3 != nil {
			r.fatalf(l, "bad band numbers")
		}
		if r.tiers == nil {
			r.tiers = &testTiers{}
		}
		r.tiers.add(r.market(l, strings.Join(f[5:], " ")), r.category(l, f[1]), band{Index: len(r.tiers.m[[2]int{int(r.market(l, strings.Join(f[5:], " "))), int(r.category(l, f[1]))}]), From: from, To: to, Rate: amt, HasRate: true, Confidence: pricing.UserSupplied})
	case "option":
		for _, kv := range f[1:] {
			k, v, _ := strings.Cut(kv, "=")
			r.applyOption(l, k, v)
		}
	case "check":
		r.check(l, f)
	case "=>":
		r.expect(l, f[1:])
	default:
		r.message(l, f)
	}
}

func (r *tlRun) category(l tlLine, s string) pricing.Category {
	if c, ok := pricing.ParseCategory(s); ok {
		return c
	}
	r.fatalf(l, "unknown category %q", s)
	return 0
}

func (r *tlRun) applyOption(l tlLine, k, v string) {
	o := &r.opts
	var err error
	switch k {
	case "era":
		o.Era, err = ParseEra(v)
	case "tz":
		o.Location, err = time.LoadLocation(v)
	case "primary":
		o.PrimaryCountry = v
	case "auth_intl_from":
		o.AuthIntlFrom, err = parseTS(v)
	case "allowance":
		o.ServiceAllowancePerNumber, err = strconv.Atoi(v)
	case "free":
		o.FreeConversationsPerMonth, err = strconv.Atoi(v)
	case "deliver_us_marketing":
		o.DeliverUSMarketing = v == "true"
	case "strict":
		o.StrictWindow = v == "true"
	case "tier_per_category":
		o.TierCountPerCategory = v == "true"
	case "at_send":
		o.AtSendTime = v == "true"
	case "entry_v1":
		var d time.Duration
		d, err = time.ParseDuration(v)
		o.EntryPointV1 = model.Time(d.Milliseconds())
	case "account_per_number":
		o.AccountPerNumber = v == "true"
	case "accounts": // number:account,...
		for _, p := range strings.Split(v, ",") {
			n, a, _ := strings.Cut(p, ":")
			ni, _ := strconv.Atoi(n)
			ai, _ := strconv.Atoi(a)
			for len(o.NumberAccount) <= ni {
				o.NumberAccount = append(o.NumberAccount, 0)
			}
			o.NumberAccount[ni] = uint16(ai)
		}
	default:
		r.fatalf(l, "unknown option %q", k)
	}
	if err != nil {
		r.fatalf(l, "option %s: %v", k, err)
	}
}

// kv splits trailing key=value words off f.
func kv(f []string) ([]string, map[string]string) {
	m := map[string]string{}
	for len(f) > 0 && strings.Contains(f[len(f)-1], "=") {
		k, v, _ := strings.Cut(f[len(f)-1], "=")
		m[k] = v
		f = f[:len(f)-1]
	}
	return f, m
}

func (r *tlRun) pair(l tlLine, user, number string) (uint32, uint16) {
	n, err := strconv.Atoi(number)
	if number == "" {
		n, err = 0, nil
	}
	if err != nil {
		r.fatalf(l, "number=%q", number)
	}
	key := number + "/" + user
	p, ok := r.pairs[key]
	if !ok {
		p = uint32(len(r.pairs))
		r.pairs[key] = p
	}
	return p, uint16(n)
}

func (r *tlRun) message(l tlLine, f []string) {
	f, opts := kv(f)
	if len(f) < 3 {
		r.fatalf(l, "want: TIME user|business DIGITS ...")
	}
	ts, err := parseTS(f[0])
	if err != nil {
		r.fatalf(l, "%v", err)
	}
	m := model.Message{TS: ts}
	m.Pair, m.Number = r.pair(l, f[2], opts["number"])
	if d, ok := opts["delivered"]; ok {
		if m.DeliveredTS, err = parseTS(d); err != nil {
			r.fatalf(l, "%v", err)
		}
	}
	id, iso, err := r.mt.ForNumber(f[2], m.At())
	if err != nil {
		r.fatalf(l, "%v", err)
	}
	m.Market = uint16(id)
	if len(iso) == 2 {
		m.Country = [2]byte{iso[0], iso[1]}
	}
	switch f[1] {
	case "user":
		m.Direction = model.FromUser
		if len(f) > 3 {
			switch f[3] {
			case "ctwa":
				m.EntryPoint = model.EntryCTWA
			case "page":
				m.EntryPoint = model.EntryPageCTA
			default:
				r.fatalf(l, "entry point %q is not ctwa or page", f[3])
			}
		}
	case "business":
		m.Direction = model.FromBusiness
		if len(f) < 4 {
			r.fatalf(l, "business message needs text or template CATEGORY")
		}
		switch f[3] {
		case "text":
			m.Kind = model.Text
		case "template":
			m.Kind = model.Template
			if len(f) < 5 {
				r.fatalf(l, "template needs a category")
			}
			m.Category = map[string]model.Category{"marketing": model.Marketing, "utility": model.Utility, "authentication": model.Authentication}[f[4]]
			if m.Category == model.CatNone {
				r.fatalf(l, "template category %q", f[4])
			}
		default:
			r.fatalf(l, "business message kind %q", f[3])
		}
		switch opts["status"] {
		case "", "delivered":
		case "read":
			m.Status = model.Read
		case "sent":
			m.Status = model.Sent
		case "failed":
			m.Status = model.Failed
		default:
			r.fatalf(l, "status %q", opts["status"])
		}
	default:
		r.fatalf(l, "direction %q", f[1])
	}
	ch, err := r.biller(l).Bill(&m)
	if m.Direction == model.FromUser {
		if err != nil {
			r.fatalf(l, "Bill: %v", err)
		}
		if ch != (pricing.Charge{}) {
			r.errorf(l, "user message charged: %+v", ch)
		}
		return
	}
	if err == nil {
		r.sum += ch.Amount
	}
	r.pending = &pendingBiz{line: l, ch: ch, err: err}
}

func (r *tlRun) expect(l tlLine, f []string) {
	p := r.pending
	if p == nil {
		r.fatalf(l, "expected charge without a business message before it")
	}
	r.pending = nil
	if len(f) >= 1 && f[0] == "error" {
		want := strings.Join(f[1:], " ")
		if p.err == nil || !strings.Contains(p.err.Error(), want) {
			r.errorf(l, "want error containing %q, got %v (charge %+v)", want, p.err, p.ch)
		}
		return
	}
	if p.err != nil {
		r.errorf(l, "Bill: %v", p.err)
		return
	}
	got := p.ch
	if len(f) == 1 && f[0] == "none" {
		if got.Model != pricing.ModelNone || got.Billable || got.Amount != 0 {
			r.errorf(l, "want not delivered (model none), got %s", describe(got))
		}
		return
	}
	f, opts := kv(f)
	if len(f) != 5 {
		r.fatalf(l, "want: => MODEL TYPE CATEGORY billable|free AMOUNT [tier=N] [conv=L]")
	}
	amt, err := money.Parse(f[4])
	if err != nil {
		r.fatalf(l, "%v", err)
	}
	want := fmt.Sprintf("%s %s %s %s %s", f[0], f[1], f[2], f[3], amt)
	if opts["tier"] != "" {
		want += " tier=" + opts["tier"]
	}
	have := fmt.Sprintf("%s %s %s %s %s", got.Model, got.Type, got.Category, billable(got.Billable), got.Amount)
	if opts["tier"] != "" {
		have += fmt.Sprintf(" tier=%d", got.Tier)
	}
	if name, ok := opts["market"]; ok {
		name = strings.ReplaceAll(name, "_", " ")
		want += " market=" + name
		have += " market=" + r.mt.Name(market.ID(got.Market))
	}
	if have != want {
		r.errorf(l, "\n\twant %s\n\tgot  %s", want, have)
	}
	if got.Amount < 0 {
		r.errorf(l, "negative amount %s", got.Amount)
	}
	if lab, ok := opts["conv"]; ok {
		switch {
		case lab == "-":
			if got.ConversationID != 0 {
				r.errorf(l, "want no conversation, got id %x", got.ConversationID)
			}
		case got.ConversationID == 0:
			r.errorf(l, "want conversation %s, got none", lab)
		default:
			if id, seen := r.labels[lab]; seen && id != got.ConversationID {
				r.errorf(l, "conversation %s was id %x, now %x", lab, id, got.ConversationID)
			}
			if other, seen := r.ids[got.ConversationID]; seen && other != lab {
				r.errorf(l, "conversation %s has the id of conversation %s (%x)", lab, other, got.ConversationID)
			}
			r.labels[lab] = got.ConversationID
			r.ids[got.ConversationID] = lab
		}
	}
}

func billable(b bool) string {
	if b {
		return "billable"
	}
	return "free"
}

func describe(c pricing.Charge) string {
	return fmt.Sprintf("%s %s %s %s %s", c.Model, c.Type, c.Category, billable(c.Billable), c.Amount)
}

func (r *tlRun) check(l tlLine, f []string) {
	if len(f) >= 3 && f[1] == "total" {
		want, err := money.Parse(f[2])
		if err != nil {
			r.fatalf(l, "%v", err)
		}
		b := r.biller(l)
		got, err := b.Total()
		if err != nil || got != want || r.sum != want {
			r.errorf(l, "total: want %s, Biller.Total %s (%v), sum of charges %s", want, got, err, r.sum)
		}
		return
	}
	f, opts := kv(f)
	if len(f) != 5 || (f[1] != "window" && f[1] != "entry") {
		r.fatalf(l, "want: check window|entry DIGITS TIME open|closed")
	}
	pair, _ := r.pair(l, f[2], opts["number"])
	at, err := parseTS(f[3])
	if err != nil {
		r.fatalf(l, "%v", err)
	}
	b := r.biller(l)
	var open bool
	if f[1] == "window" {
		open = b.WindowOpen(pair, at)
	} else {
		open = b.EntryPointOpen(pair, at)
	}
	if open != (f[4] == "open") {
		r.errorf(l, "%s: open=%v, want %s", f[1], open, f[4])
	}
}
