package rebill

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim/replay"
)

// genRecords is a random trace of n records from start, one seed one trace: users of
// three markets known by number and a few known by an opaque id with a country
// column, three business numbers, every direction, kind, category, status and entry
// point, ties in ts, and deliveries up to three days late, so that messages wait in
// the reorder buffer across many rounds.
func genRecords(seed uint64, start time.Time, n int) []model.Record {
	r := rand.New(rand.NewPCG(seed, 0x9a7))
	var users []string
	for i := range 60 {
		switch i % 3 {
		case 0:
			users = append(users, fmt.Sprintf("551198%07d", r.IntN(1e7)))
		case 1:
			users = append(users, fmt.Sprintf("919876%06d", r.IntN(1e6)))
		default:
			users = append(users, fmt.Sprintf("1415555%04d", r.IntN(1e4)))
		}
	}
	opaque := map[string]string{"user-de": "DE", "user-br": "BR", "user-in": "IN"}
	for u := range opaque {
		users = append(users, u)
	}
	businesses := []string{"", "phone-b", "phone-c"}
	at := model.FromStd(start)
	recs := make([]model.Record, n)
	for i := range recs {
		if r.IntN(8) > 0 {
			at += model.Time(r.Int64N(int64(40 * model.Minute)))
		}
		u := users[r.IntN(len(users))]
		rec := model.Record{TS: at, User: u, Business: businesses[r.IntN(len(businesses))], Country: opaque[u], Line: int64(i + 2),
			MessageID: fmt.Sprintf("m%d", i)}
		if r.IntN(3) == 0 {
			rec.Direction = model.FromUser
			if r.IntN(5) == 0 {
				rec.EntryPoint = model.EntryPoint(1 + r.IntN(2))
			}
		} else {
			rec.Direction = model.FromBusiness
			if r.IntN(3) == 0 {
				rec.Kind = model.Text
			} else {
				rec.Kind = model.Template
				rec.Category = model.Category(1 + r.IntN(3))
			}
			rec.Status = model.Status(max(0, r.IntN(24)-20))
			if r.IntN(4) == 0 {
				rec.DeliveredTS = at + model.Time(r.Int64N(int64(72*model.Hour)))
			}
		}
		recs[i] = rec
	}
	return recs
}

type recordSlice struct {
	recs []model.Record
	i    int
}

func (s *recordSlice) Next(r *model.Record) error {
	if s.i == len(s.recs) {
		return io.EOF
	}
	*r = s.recs[s.i]
	s.i++
	return nil
}

// sinkLog writes down every message a replay hands its sink.
type sinkLog struct{ b strings.Builder }

func (l *sinkLog) Message(rec *model.Record, m *model.Message, c *pricing.Charge) error {
	fmt.Fprintf(&l.b, "%d %d %+v %+v\n", rec.Line, m.Pair, *m, *c)
	return nil
}

// eraOptions are billing options for era with counters small enough to run out, over
// the test cards: an NBP card (Brazil, India, North America) and volume bands for India.
func eraOptions(t *testing.T, era string, seed uint64) billing.Options {
	t.Helper()
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("../../cmd/spendsim/testdata/timelines/cards", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	ov, err := pricing.NewOverlay(pricing.UserFiles{Rates: "nbp.csv", RatesData: read("nbp.csv"), Tiers: "tiers-india.csv", TiersData: read("tiers-india.csv")})
	if err != nil {
		t.Fatal(err)
	}
	book, err := ov.Cards()
	if err != nil {
		t.Fatal(err)
	}
	e, err := billing.ParseEra(era)
	if err != nil {
		t.Fatal(err)
	}
	return billing.Options{Era: e, Book: book, Markets: book.Markets(), Tiers: ov.Tiers, Currency: "USD", Location: time.UTC,
		FreeConversationsPerMonth: 1 + int(seed%3)*3, ServiceAllowancePerNumber: 1 + int(seed%2)*4,
		PrimaryCountry: "BR", AuthIntlFrom: model.FromStd(time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)),
		NumberAccount: []uint16{0, 1}, TierCountPerCategory: seed%2 == 1}
}

// traceStarts put the generated traces across every change of rules.
var traceStarts = []time.Time{
	time.Date(2022, 5, 20, 0, 0, 0, 0, time.UTC), time.Date(2023, 2, 20, 0, 0, 0, 0, time.UTC),
	time.Date(2023, 5, 25, 0, 0, 0, 0, time.UTC), time.Date(2024, 10, 20, 0, 0, 0, 0, time.UTC),
	time.Date(2025, 3, 25, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 25, 0, 0, 0, 0, time.UTC),
	time.Date(2026, 9, 20, 0, 0, 0, 0, time.UTC),
}

// TestParallelSameMessages: a parallel replay hands its sink the very messages, charges
// and pair ids of replay.Replay, in the same order, with the same stats, for random
// traces under every era, at 1, 2, 4, 7 and 16 workers and rounds of 1 record to many: the
// claims of every worker settle in billing order whatever the split.
func TestParallelSameMessages(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		start := traceStarts[seed%uint64(len(traceStarts))]
		recs := genRecords(seed, start, 1500)
		for _, era := range []string{"auto", "nbp-2018", "cbp-2022", "cbp-2023", "pmp-2025", "pmp-2026-10"} {
			o := eraOptions(t, era, seed)
			var want sinkLog
			wst, werr := replay.Replay(&recordSlice{recs: recs}, o, &want)
			if werr != nil && era != "nbp-2018" {
				t.Fatalf("seed %d %s: %v", seed, era, werr)
			}
			for _, w := range []int{1, 2, 4, 7, 16} {
				for _, size := range []int{int(seed%4) + 1, 300, roundSize} {
					var got sinkLog
					gst, gerr := replayParallel(&recordSlice{recs: recs}, o, parallel{workers: w, round: size}, &got)
					where := fmt.Sprintf("seed %d %s, %d workers, rounds of %d", seed, era, w, size)
					if fmt.Sprint(gerr) != fmt.Sprint(werr) {
						t.Fatalf("%s: error %v, replay.Replay's %v", where, gerr, werr)
					}
					if got.b.String() != want.b.String() {
						t.Fatalf("%s: the sink saw other messages:\n%s", where, firstDiff(got.b.String(), want.b.String()))
					}
					if werr == nil && fmt.Sprintf("%+v", gst) != fmt.Sprintf("%+v", wst) {
						t.Fatalf("%s: stats\n%+v, replay.Replay's\n%+v", where, gst, wst)
					}
				}
			}
		}
	}
}

// TestParallelSameError: a trace that fails half-way fails with the error replay.Replay
// stops on, after handing the sink the same messages, whichever worker meets it and
// whichever error comes first: a row out of order, a user with no country, a
// message no card prices (a Portuguese user under the NBP test card), and a reader
// that fails.
func TestParallelSameError(t *testing.T) {
	start := traceStarts[5]
	for seed := uint64(1); seed <= 30; seed++ {
		recs := genRecords(seed, start, 600)
		r := rand.New(rand.NewPCG(seed, 1))
		era := "pmp-2025"
		for k := 0; k < 1+int(seed%3); k++ {
			i := r.IntN(len(recs))
			switch (int(seed) + k) % 4 {
			case 0:
				recs[i].TS -= 3 * model.Hour
				recs[i].DeliveredTS = 0
			case 1:
				recs[i].User, recs[i].Country = "someone", ""
			case 2:
				recs[i].User, recs[i].Country = "351912345678", ""
				recs[i].Direction, recs[i].Kind, recs[i].Category, recs[i].Status = model.FromBusiness, model.Template, model.Utility, model.Delivered
				era = "nbp-2018"
			case 3:
				recs = recs[:i]
			}
		}
		o := eraOptions(t, era, seed)
		fail := len(recs) - int(seed%50)
		var want sinkLog
		_, werr := replay.Replay(&failing{recordSlice{recs: recs}, fail}, o, &want)
		for _, w := range []int{2, 5, 16} {
			for _, size := range []int{1, 13, 256} {
				var got sinkLog
				_, gerr := replayParallel(&failing{recordSlice{recs: recs}, fail}, o, parallel{workers: w, round: size}, &got)
				where := fmt.Sprintf("seed %d %s, %d workers, rounds of %d", seed, era, w, size)
				if fmt.Sprint(gerr) != fmt.Sprint(werr) {
					t.Fatalf("%s: error %v, replay.Replay's %v", where, gerr, werr)
				}
				if got.b.String() != want.b.String() {
					t.Fatalf("%s: the sink saw other messages:\n%s", where, firstDiff(got.b.String(), want.b.String()))
				}
			}
		}
	}
}

// failing fails after its first n records, as a reader meeting a broken file would.
type failing struct {
	recordSlice
	n int
}

func (f *failing) Next(r *model.Record) error {
	if f.i == f.n {
		return fmt.Errorf("trace.csv:%d: broken", f.n+2)
	}
	return f.recordSlice.Next(r)
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return fmt.Sprintf("message %d:\n got %s\nwant %s", i, a, b)
		}
	}
	return ""
}

// TestReplaySameBytesAnyWorkers: every file of a replay (messages.parquet, bill.parquet,
// summary.json, manifest.json) is the same bytes at 1, 2 and 16 workers, under every
// era, for a trace that spans several rounds.
func TestReplaySameBytesAnyWorkers(t *testing.T) {
	// One trace file: manifest.json records its path.
	trace := options(t, traceCSV(genRecords(99, traceStarts[3], 3*roundSize+100)))
	for _, era := range []string{"auto", "nbp-2018", "cbp-2022", "cbp-2023", "pmp-2025", "pmp-2026-10"} {
		var first map[string][]byte
		for _, w := range []int{1, 2, 16} {
			o := trace
			o.Out = filepath.Join(t.TempDir(), "out")
			o.Billing = eraOptions(t, era, 7)
			o.Pricing, o.Workers = era, w
			if _, err := Replay(context.Background(), o); err != nil {
				t.Fatalf("%s, %d workers: %v", era, w, err)
			}
			files := map[string][]byte{}
			for _, f := range []string{"messages.parquet", "bill.parquet", "summary.json", "manifest.json"} {
				b, err := os.ReadFile(filepath.Join(o.Out, f))
				if err != nil {
					t.Fatal(err)
				}
				files[f] = b
			}
			if first == nil {
				first = files
				continue
			}
			for f, b := range files {
				if string(b) != string(first[f]) {
					t.Errorf("%s: %s differs at %d workers from 1 worker's", era, f, w)
				}
			}
		}
	}
}

// traceCSV writes recs as a CSV trace; German users become Indian, since the NBP test
// card prices no German message.
func traceCSV(recs []model.Record) string {
	var csv strings.Builder
	csv.WriteString("ts,delivered_ts,user,country,business,direction,type,category,status,entry_point,message_id\n")
	kinds := []string{"text", "template"}
	cats := []string{"", "marketing", "utility", "authentication"}
	statuses := []string{"delivered", "read", "sent", "failed"}
	entries := []string{"", "ctwa", "page_cta"}
	for _, r := range recs {
		if r.Country == "DE" {
			r.Country = "IN"
		}
		ts := func(t model.Time) string { return t.Std().UTC().Format(time.RFC3339Nano) }
		del, kind, status := "", "", ""
		if r.DeliveredTS != 0 {
			del = ts(r.DeliveredTS)
		}
		dir := "user"
		if r.Direction == model.FromBusiness {
			dir, kind, status = "business", kinds[r.Kind], statuses[r.Status]
		}
		fmt.Fprintf(&csv, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", ts(r.TS), del, r.User, r.Country, r.Business, dir, kind,
			cats[r.Category], status, entries[r.EntryPoint], r.MessageID)
	}
	return csv.String()
}
