package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// unitRow is what counting units needs of a messages.parquet row.
type unitRow struct {
	PricingModel   *string `parquet:"pricing_model,optional"`
	PricingType    *string `parquet:"pricing_type,optional"`
	Category       *string `parquet:"pricing_category,optional"`
	Billable       bool    `parquet:"billable"`
	ConversationID *int64  `parquet:"conversation_id,optional"`
}

// messageUnits counts the units of a replay from its messages.parquet alone, read
// with an independent Parquet reader: a priced (delivered) row under NBP or PMP is one
// unit, and under CBP the first row of each conversation_id (rows are in billing
// order). Charged units have pricing_type regular, free ones any other type; meta
// counts the rows whose billable flag is set (Meta's semantics).
func messageUnits(t *testing.T, path string) (charged, free, meta map[string]int64) {
	t.Helper()
	rows, err := parquet.ReadFile[unitRow](path)
	if err != nil {
		t.Fatal(err)
	}
	charged, free, meta = map[string]int64{}, map[string]int64{}, map[string]int64{}
	seen := map[int64]bool{}
	for _, r := range rows {
		if r.Billable {
			meta[*r.Category]++
		}
		if r.PricingModel == nil {
			continue
		}
		if *r.PricingModel == "CBP" {
			if r.ConversationID == nil {
				t.Fatalf("%s: a CBP row without conversation_id", path)
			}
			if seen[*r.ConversationID] {
				continue
			}
			seen[*r.ConversationID] = true
		}
		if *r.PricingType == "regular" {
			charged[*r.Category]++
		} else {
			free[*r.Category]++
		}
	}
	return charged, free, meta
}

// countsDiff lists where got and want differ, every key of either compared (an absent
// key is 0).
func countsDiff(got, want map[string]int64) string {
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	var diffs []string
	for k := range keys {
		if got[k] != want[k] {
			diffs = append(diffs, fmt.Sprintf("%s = %d, want %d", k, got[k], want[k]))
		}
	}
	sort.Strings(diffs)
	return strings.Join(diffs, "; ")
}

// countsLine writes a count map as an .expect line's value: nonzero keys, sorted.
func countsLine(m map[string]int64) string {
	var kv []string
	for k, v := range m {
		if v != 0 {
			kv = append(kv, fmt.Sprintf("%s=%d", k, v))
		}
	}
	sort.Strings(kv)
	return strings.Join(kv, " ")
}

// TestSummaryUnitsProperty is the summary contract over random traces, in every era:
// billable_by_category is messages.parquet's charged units (pricing_type regular),
// free_by_category its free ones, and together they are every delivered business
// message (NBP, PMP) or every conversation (CBP).
func TestSummaryUnitsProperty(t *testing.T) {
	dir := t.TempDir()
	nbp := writeFile(t, dir, "nbp.csv", "effective_from,pricing_model,market,category,currency,rate\n"+
		"2018-08-01,NBP,Brazil,template,USD,0.0500\n2018-08-01,NBP,India,template,USD,0.0080\n"+
		"2018-08-01,NBP,Germany,template,USD,0.0900\n2018-08-01,NBP,Mexico,template,USD,0.0400\n")
	starts := map[string]time.Time{
		"nbp-2018": time.Date(2021, 12, 20, 0, 0, 0, 0, time.UTC), "cbp-2022": time.Date(2022, 5, 25, 0, 0, 0, 0, time.UTC),
		"cbp-2023": time.Date(2024, 10, 25, 0, 0, 0, 0, time.UTC), "pmp-2025": time.Date(2025, 8, 25, 0, 0, 0, 0, time.UTC),
		"pmp-2026-10": time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC),
	}
	for seed := uint64(1); seed <= 4; seed++ {
		for _, era := range []string{"nbp-2018", "cbp-2022", "cbp-2023", "pmp-2025", "pmp-2026-10", "auto"} {
			start := starts[era]
			if era == "auto" {
				start = []time.Time{starts["cbp-2022"], starts["nbp-2018"], time.Date(2025, 6, 25, 0, 0, 0, 0, time.UTC)}[seed%3]
			}
			trace := writeFile(t, dir, fmt.Sprintf("t%d-%s.csv", seed, era), randomTrace(seed, start))
			out := filepath.Join(dir, fmt.Sprintf("o%d-%s", seed, era))
			args := []string{"replay", "--trace", trace, "--out", out, "-q", "--pricing", era, "--rates", nbp,
				"--service-allowance", fmt.Sprint(seed * 7)}
			if code, _, stderr := spendsim(t, args...); code != 0 {
				t.Fatalf("seed %d %s: exit %d: %s", seed, era, code, stderr)
			}
			data, err := os.ReadFile(filepath.Join(out, "summary.json"))
			if err != nil {
				t.Fatal(err)
			}
			var s struct {
				BillableByCategory map[string]int64 `json:"billable_by_category"`
				FreeByCategory     map[string]int64 `json:"free_by_category"`
				Delivered          int64            `json:"delivered_business_messages"`
			}
			if err := json.Unmarshal(data, &s); err != nil {
				t.Fatal(err)
			}
			charged, free, _ := messageUnits(t, filepath.Join(out, "messages.parquet"))
			if d := countsDiff(s.BillableByCategory, charged); d != "" {
				t.Errorf("seed %d %s: billable_by_category is not the regular units of messages.parquet: %s", seed, era, d)
			}
			if d := countsDiff(s.FreeByCategory, free); d != "" {
				t.Errorf("seed %d %s: free_by_category is not the free units of messages.parquet: %s", seed, era, d)
			}
			units, nCharged, nFree := int64(0), int64(0), int64(0)
			for c := range s.BillableByCategory {
				units += s.BillableByCategory[c] + s.FreeByCategory[c]
				nCharged += s.BillableByCategory[c]
				nFree += s.FreeByCategory[c]
			}
			if nCharged == 0 || nFree == 0 {
				t.Errorf("seed %d %s: %d charged and %d free units: the trace should have both", seed, era, nCharged, nFree)
			}
			delivered, convs := deliveredAndConversations(t, filepath.Join(out, "messages.parquet"))
			if want := delivered + convs; units != want || units == 0 {
				t.Errorf("seed %d %s: billable + free = %d units, want %d (%d NBP/PMP messages delivered, %d CBP conversations)", seed, era, units, want, delivered, convs)
			}
			if strings.HasPrefix(era, "nbp") || strings.HasPrefix(era, "pmp") {
				if units != s.Delivered {
					t.Errorf("seed %d %s: billable + free = %d, delivered_business_messages %d", seed, era, units, s.Delivered)
				}
			}
		}
	}
}

// deliveredAndConversations counts, in messages.parquet, the NBP and PMP messages
// priced (delivered) and the distinct CBP conversation ids.
func deliveredAndConversations(t *testing.T, path string) (delivered, conversations int64) {
	t.Helper()
	rows, err := parquet.ReadFile[unitRow](path)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[int64]bool{}
	for _, r := range rows {
		switch {
		case r.PricingModel == nil:
		case *r.PricingModel == "CBP":
			ids[*r.ConversationID] = true
		default:
			delivered++
		}
	}
	return delivered, int64(len(ids))
}

// randomTrace is a seeded random trace of 400 users in four markets over about ten
// days from start, with over 1,000 conversations (so the CBP free tier runs out): user messages (some from ads), texts and templates of every
// category, some undelivered, so that windows, conversations, free tiers and entry
// points all occur.
func randomTrace(seed uint64, start time.Time) string {
	rng := rand.New(rand.NewPCG(seed, 13))
	var users []string
	for i := range 400 {
		users = append(users, []string{"55119876%05d", "9198765%05d", "49151123%05d", "52155123%05d"}[i%4])
		users[i] = fmt.Sprintf(users[i], i)
	}
	var b strings.Builder
	b.WriteString("ts,user,direction,type,category,entry_point,status\n")
	ts := start
	for i := 0; i < 5000; i++ {
		ts = ts.Add(time.Duration(rng.IntN(5*60)) * time.Second)
		u := users[rng.IntN(len(users))]
		if rng.IntN(3) == 0 {
			ep := ""
			if rng.IntN(6) == 0 {
				ep = []string{"ctwa", "page_cta"}[rng.IntN(2)]
			}
			fmt.Fprintf(&b, "%s,%s,user,,,%s,\n", ts.Format(time.RFC3339), u, ep)
			continue
		}
		status := []string{"delivered", "read", "read", "delivered", "sent", "failed"}[rng.IntN(6)]
		if rng.IntN(3) == 0 {
			fmt.Fprintf(&b, "%s,%s,business,text,,,%s\n", ts.Format(time.RFC3339), u, status)
			continue
		}
		cat := []string{"marketing", "utility", "authentication"}[rng.IntN(3)]
		fmt.Fprintf(&b, "%s,%s,business,template,%s,,%s\n", ts.Format(time.RFC3339), u, cat, status)
	}
	return b.String()
}

// TestReplaySummaryGolden replays one random trace per era and compares summary.json
// with testdata/golden/summary-ERA.json (go test -run ReplaySummaryGolden -update
// rewrites them): the whole contract a finance user reads, charged and free units
// included, as a reviewable file per era.
func TestReplaySummaryGolden(t *testing.T) {
	dir := t.TempDir()
	// Relative, so that summary.json's rate_files (the path as given) is the same on
	// every machine.
	nbp := filepath.Join("testdata", "golden", "nbp-card.csv")
	for _, c := range []struct {
		era   string
		start time.Time
	}{
		{"nbp-2018", time.Date(2021, 12, 20, 0, 0, 0, 0, time.UTC)},
		{"cbp-2022", time.Date(2022, 5, 25, 0, 0, 0, 0, time.UTC)},
		{"cbp-2023", time.Date(2024, 10, 25, 0, 0, 0, 0, time.UTC)},
		{"pmp-2025", time.Date(2025, 8, 25, 0, 0, 0, 0, time.UTC)},
		{"pmp-2026-10", time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC)},
	} {
		trace := writeFile(t, dir, "trace-"+c.era+".csv", randomTrace(7, c.start))
		out := filepath.Join(dir, c.era)
		if code, _, stderr := spendsim(t, "replay", "--trace", trace, "--out", out, "-q", "--pricing", c.era, "--rates", nbp); code != 0 {
			t.Fatalf("%s: exit %d: %s", c.era, code, stderr)
		}
		got, err := os.ReadFile(filepath.Join(out, "summary.json"))
		if err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", "golden", "summary-"+c.era+".json")
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (go test -run ReplaySummaryGolden -update writes it)", err)
		}
		if string(got) != string(want) {
			t.Errorf("%s: summary.json differs from %s (go test -update rewrites it; review the diff):\n%s", c.era, golden, got)
		}
	}
}
