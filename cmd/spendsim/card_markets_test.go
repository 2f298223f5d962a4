package main

import (
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

type marketRow struct {
	Line         int64   `parquet:"line"`
	Country      string  `parquet:"country"`
	Market       string  `parquet:"market"`
	PricingType  *string `parquet:"pricing_type,optional"`
	Tier         int32   `parquet:"tier"`
	AmountMicros int64   `parquet:"amount_micros"`
}

// TestReplayCardMarkets: under a fixed era, a message is priced in the market grouping
// of the card it reads (docs/billing.md, "Eras", "the market goes with the card"), and
// what counts per market counts in that grouping. 2026 traffic to Poland, Hungary and
// Romania (their own markets from 2026-07-01) under nbp-2018, whose 2018-08-01 card
// stands to 2022-01-31, is Rest of Central & Eastern Europe in messages.parquet, and the
// three count on that market's one volume counter: the 8th charged template of a month
// among them takes band 1. The bytes are the same at 1, 2 and 16 workers and sharded
// and merged.
func TestReplayCardMarkets(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(26, 7))
	var b strings.Builder
	b.WriteString("ts,user,direction,type,category\n")
	at := time.Date(2026, 7, 30, 0, 0, 0, 0, time.UTC)
	users := []string{"4850010%04d", "3620123%04d", "4072123%04d", "55119876%04d"}
	for range 400 {
		at = at.Add(time.Duration(1+rng.IntN(30)) * time.Minute)
		user := fmt.Sprintf(users[rng.IntN(len(users))], rng.IntN(40))
		if rng.IntN(5) == 0 {
			fmt.Fprintf(&b, "%s,%s,user,,\n", at.Format(time.RFC3339), user)
			continue
		}
		fmt.Fprintf(&b, "%s,%s,business,template,marketing\n", at.Format(time.RFC3339), user)
	}
	trace := writeFile(t, dir, "cee.csv", b.String())
	card := writeFile(t, dir, "nbp.csv", "effective_from,pricing_model,market,category,currency,rate\n"+
		"2018-08-01,NBP,Rest of Central & Eastern Europe,template,USD,0.0500\n"+
		"2018-08-01,NBP,Brazil,template,USD,0.0400\n")
	tiers := writeFile(t, dir, "tiers.csv", "market,category,tier_index,volume_from,volume_to,rate_type,rate,discount_pct,currency,effective_from,confidence,source,note\n"+
		"Rest of Central & Eastern Europe,template,0,1,7,List,,0,USD,2018-08-01,,,\n"+
		"Rest of Central & Eastern Europe,template,1,8,MAX,Tier,0.0300,,USD,2018-08-01,,,\n")
	common := []string{"--trace", trace, "--pricing", "nbp-2018", "--rates", card, "--tiers", tiers, "-q"}
	files := []string{"messages.parquet", "bill.parquet", "summary.json", "manifest.json"}
	want := filepath.Join(dir, "want")
	code, wantOut, stderr := spendsim(t, append([]string{"replay", "--out", want}, common...)...)
	if code != 0 {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	rows, err := parquet.ReadFile[marketRow](filepath.Join(want, "messages.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Line < rows[j].Line })
	lines := strings.Split(b.String(), "\n")
	month, n, banded := "", 0, 0
	for _, r := range rows {
		wantMarket := "Rest of Central & Eastern Europe"
		if r.Country == "BR" {
			wantMarket = "Brazil"
		}
		if r.Market != wantMarket {
			t.Fatalf("line %d (%s): market %q, want %q", r.Line, r.Country, r.Market, wantMarket)
		}
		if r.Country == "BR" || r.PricingType == nil || *r.PricingType != "regular" {
			continue
		}
		if m := lines[r.Line-1][:7]; m != month {
			month, n = m, 0
		}
		n++
		wantTier, wantAmount := int32(0), int64(50000)
		if n >= 8 {
			wantTier, wantAmount = 1, 30000
			banded++
		}
		if r.Tier != wantTier || r.AmountMicros != wantAmount {
			t.Fatalf("line %d (%s): charged template %d of %s in Rest of CEE: tier %d amount %d, want tier %d amount %d",
				r.Line, r.Country, n, month, r.Tier, r.AmountMicros, wantTier, wantAmount)
		}
	}
	if banded < 50 {
		t.Fatalf("the trace should reach band 1 many times: %d", banded)
	}
	same := func(what, out string) {
		t.Helper()
		for _, f := range files {
			a, errA := os.ReadFile(filepath.Join(out, f))
			b, errB := os.ReadFile(filepath.Join(want, f))
			if errA != nil || errB != nil || string(a) != string(b) {
				t.Errorf("%s: %s differs from the replay's (%v, %v)", what, f, errA, errB)
			}
		}
	}
	for _, w := range []string{"1", "2", "16"} {
		out := filepath.Join(dir, "w"+w)
		if code, _, stderr := spendsim(t, append([]string{"replay", "--out", out, "--workers", w}, common...)...); code != 0 {
			t.Fatalf("--workers %s: exit %d: %s", w, code, stderr)
		}
		same("--workers "+w, out)
	}
	for _, n := range []int{2, 3} {
		out := filepath.Join(dir, fmt.Sprintf("shards%d", n))
		for k := range n {
			if code, _, stderr := spendsim(t, append([]string{"replay", "--out", out, "--shard", fmt.Sprintf("%d/%d", k, n)}, common...)...); code != 0 {
				t.Fatalf("shard %d/%d: exit %d: %s", k, n, code, stderr)
			}
		}
		code, got, stderr := spendsim(t, "merge", out, "--pricing", "nbp-2018", "--rates", card, "--tiers", tiers)
		if code != 0 {
			t.Fatalf("%d shards: merge: exit %d: %s", n, code, stderr)
		}
		if got != wantOut {
			t.Errorf("%d shards: merge prints\n%s\nreplay printed\n%s", n, got, wantOut)
		}
		same(fmt.Sprintf("%d shards merged", n), out)
	}
}
