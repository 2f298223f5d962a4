package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// nbpRow is what checking NBP bands needs of a messages.parquet row.
type nbpRow struct {
	Line         int64   `parquet:"line"`
	PricingType  *string `parquet:"pricing_type,optional"`
	Tier         int32   `parquet:"tier"`
	AmountMicros int64   `parquet:"amount_micros"`
}

// TestReplayNBPBands: a reviewer's `replay --pricing nbp-2018 --rates nbp-card.csv
// --tiers nbptiers.csv` failed with `category "template" is not one of marketing,
// utility, …`. Each message of the timeline nbp-volume-bands-edge-and-month is priced
// in its band (docs/billing.md, "NBP 2018"): across the 2-3 and 4-5 edges in March in
// São Paulo's zone, India apart, the in-window template free and uncounted, and April
// from band 0 again.
func TestReplayNBPBands(t *testing.T) {
	dir := filepath.Join("testdata", "timelines")
	out := filepath.Join(t.TempDir(), "out")
	code, _, stderr := spendsim(t, "replay", "--trace", filepath.Join(dir, "nbp-volume-bands-edge-and-month.csv"), "--out", out, "-q",
		"--pricing", "nbp-2018", "--rates", filepath.Join(dir, "cards", "nbp.csv"), "--tiers", filepath.Join(dir, "cards", "tiers-nbp.csv"),
		"--timezone", "America/Sao_Paulo")
	if code != 0 {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	rows, err := parquet.ReadFile[nbpRow](filepath.Join(out, "messages.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		if r.PricingType != nil && *r.PricingType == "regular" {
			got = append(got, fmt.Sprintf("%d:%d/%d", r.Line, r.AmountMicros, r.Tier))
		} else if r.AmountMicros != 0 {
			t.Errorf("line %d: free, at %d micros", r.Line, r.AmountMicros)
		}
	}
	want := "2:50000/0 5:50000/0 6:8000/0 7:40000/1 8:40000/1 9:30000/2 10:50000/0 11:50000/0 12:40000/1"
	if strings.Join(got, " ") != want {
		t.Errorf("charged line:micros/tier\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	// A bad NBP band row stops the replay, naming the file, the line and what was wanted.
	good, err := os.ReadFile(filepath.Join(dir, "cards", "tiers-nbp.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ from, to, want string }{
		{",3,4,Tier,", ",3,5,Tier,", "nbp-bad.csv:4: the Brazil template band of USD 2018-08-01 follows 3:5 and starts at 5; want 6"},
		{"Brazil,template,1,", "Brazil,template|utility,1,", `nbp-bad.csv:3: column category: "template|utility" joins template`},
	} {
		bad := writeFile(t, t.TempDir(), "nbp-bad.csv", strings.Replace(string(good), c.from, c.to, 1))
		code, _, stderr := spendsim(t, "replay", "--trace", filepath.Join(dir, "nbp-volume-bands-edge-and-month.csv"), "--out", filepath.Join(t.TempDir(), "bad"),
			"-q", "--pricing", "nbp-2018", "--rates", filepath.Join(dir, "cards", "nbp.csv"), "--tiers", bad)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("a bad band row: exit %d, %q; want exit 1 and %q", code, stderr, c.want)
		}
	}
}

// TestReplayNBPBandsParallel: NBP's band counter is one of the account counters a
// parallel replay settles in one ordered pass (issue 14), so a trace of a few hundred
// templates to two markets across two months, with windows, crossing every band many
// times over, bills to the same bytes at --workers 1, 2 and 16 and sharded (2 and 3
// shards) then merged.
func TestReplayNBPBandsParallel(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(14, 2018))
	var b strings.Builder
	b.WriteString("ts,user,direction,type,category\n")
	at := time.Date(2021, 3, 30, 0, 0, 0, 0, time.UTC)
	cats := []string{"marketing", "utility", "authentication"}
	for range 600 {
		at = at.Add(time.Duration(1+rng.IntN(20)) * time.Minute)
		user := fmt.Sprintf("55119876%05d", rng.IntN(60))
		if rng.IntN(4) == 0 {
			user = fmt.Sprintf("9198765%05d", rng.IntN(30))
		}
		if rng.IntN(5) == 0 {
			fmt.Fprintf(&b, "%s,%s,user,,\n", at.Format(time.RFC3339), user)
			continue
		}
		fmt.Fprintf(&b, "%s,%s,business,template,%s\n", at.Format(time.RFC3339), user, cats[rng.IntN(3)])
	}
	trace := writeFile(t, dir, "nbp.csv", b.String())
	tiers := writeFile(t, dir, "tiers.csv", "market,category,tier_index,volume_from,volume_to,rate_type,rate,discount_pct,currency,effective_from,confidence,source,note\n"+
		"Brazil,template,0,1,7,List,,0,USD,2018-08-01,,,\n"+
		"Brazil,template,1,8,40,Tier,0.0400,,USD,2018-08-01,,,\n"+
		"Brazil,template,2,41,MAX,Tier,,-40,USD,2018-08-01,,,\n"+
		"India,template,0,1,5,List,,0,USD,2018-08-01,,,\n"+
		"India,template,1,6,MAX,Tier,,-25,USD,2018-08-01,,,\n")
	common := []string{"--trace", trace, "--pricing", "nbp-2018", "--rates", filepath.Join("testdata", "timelines", "cards", "nbp.csv"),
		"--tiers", tiers, "--timezone", "America/Sao_Paulo", "-q"}
	files := []string{"messages.parquet", "bill.parquet", "summary.json", "manifest.json"}
	want := filepath.Join(dir, "want")
	code, wantOut, stderr := spendsim(t, append([]string{"replay", "--out", want}, common...)...)
	if code != 0 {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	rows, err := parquet.ReadFile[nbpRow](filepath.Join(want, "messages.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	bands := map[int32]int{}
	for _, r := range rows {
		bands[r.Tier]++
	}
	if bands[1] < 20 || bands[2] < 20 {
		t.Fatalf("the trace should reach bands 1 and 2 many times: messages per band %v", bands)
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
		code, got, stderr := spendsim(t, "merge", out, "--pricing", "nbp-2018", "--rates", common[5], "--tiers", tiers, "--timezone", "America/Sao_Paulo")
		if code != 0 {
			t.Fatalf("%d shards: merge: exit %d: %s", n, code, stderr)
		}
		if got != wantOut {
			t.Errorf("%d shards: merge prints\n%s\nreplay printed\n%s", n, got, wantOut)
		}
		same(fmt.Sprintf("%d shards merged", n), out)
	}
}

// TestTiersUnusedNote: a tier file none of whose band tables applied to any message
// counting toward volume tiers is said on stderr, the bill being at list rates. A
// reviewer's NBP bands written under category utility changed nothing, and only
// summary.json's rate_files named the file, as if it had been used.
func TestTiersUnusedNote(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "t.csv", "ts,user,direction,type,category\n"+
		"2019-03-04T10:00:00Z,5511987654321,business,template,marketing\n"+
		"2019-03-04T11:00:00Z,5511987654322,business,template,utility\n"+
		"2019-03-04T12:00:00Z,5511987654323,business,template,marketing\n")
	card := writeFile(t, dir, "card.csv", "effective_from,pricing_model,market,category,currency,rate\n2018-08-01,NBP,Brazil,template,USD,0.0500\n")
	const h = "market,category,tier_index,volume_from,volume_to,rate_type,rate,discount_pct,currency,effective_from,confidence,source,note\n"
	wrong := writeFile(t, dir, "utility.csv", h+"Brazil,utility,0,1,2,List,,0,USD,2018-08-01,,,\nBrazil,utility,1,3,MAX,Tier,,-20,USD,2018-08-01,,,\n")
	right := writeFile(t, dir, "template.csv", h+"Brazil,template,0,1,2,List,,0,USD,2018-08-01,,,\nBrazil,template,1,3,MAX,Tier,,-20,USD,2018-08-01,,,\n")
	const note = "note: --tiers " // then the file, "applied to none of the 3 charged messages"
	for _, c := range []struct {
		tiers string
		said  bool
		total string
	}{{wrong, true, "0.150000"}, {right, false, "0.140000"}} {
		out := filepath.Join(dir, filepath.Base(c.tiers)+"-out")
		code, _, stderr := spendsim(t, "replay", "--trace", tr, "--pricing", "nbp-2018", "--rates", card, "--tiers", c.tiers, "--out", out, "-q")
		said := strings.Contains(stderr, note+c.tiers+" applied to none of the 3 charged messages that count toward volume tiers")
		if code != 0 || said != c.said {
			t.Errorf("--tiers %s: exit %d, note said %v, want %v:\n%s", filepath.Base(c.tiers), code, said, c.said, stderr)
		}
		data, err := os.ReadFile(filepath.Join(out, "summary.json"))
		if err != nil || !strings.Contains(string(data), `"total": "`+c.total+`"`) {
			t.Errorf("--tiers %s: total not %s (%v)", filepath.Base(c.tiers), c.total, err)
		}
	}
}
