package rebill

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/reports"
)

// TestReplayErasSameAsEachReplay: a replay under every era (--pricing all, the NBP test
// card given) writes in each era's folder the very bytes of a replay under that era
// alone, at any worker count, and eras.json holds each era's bill in order.
func TestReplayErasSameAsEachReplay(t *testing.T) {
	csv := traceCSV(genRecords(21, traceStarts[4], 2*roundSize+300))
	for _, w := range []int{0, 2} {
		o := options(t, csv)
		o.Billing, o.Pricing, o.Workers = eraOptions(t, "auto", 7), "all", w
		res, first, err := ReplayEras(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"auto", "nbp-2018", "cbp-2022", "cbp-2023", "pmp-2025", "pmp-2026-10"}
		if len(res.Eras) != len(want) || len(res.LeftOut) != 0 || first.Pricing != "auto" || res.Records != first.Records {
			t.Fatalf("%d workers: eras %+v, left out %+v", w, res.Eras, res.LeftOut)
		}
		var onDisk reports.Eras
		b, err := os.ReadFile(filepath.Join(o.Out, reports.ErasFile))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &onDisk); err != nil {
			t.Fatal(err)
		}
		for i, era := range want {
			if res.Eras[i].Pricing != era || res.Eras[i].Folder != era || onDisk.Eras[i].TotalMicros != res.Eras[i].TotalMicros {
				t.Errorf("%d workers: era %d is %s (folder %s, %d micros on disk), want %s", w, i, res.Eras[i].Pricing, res.Eras[i].Folder,
					onDisk.Eras[i].TotalMicros, era)
			}
			if w != 0 {
				continue
			}
			one := o
			one.Billing, one.Pricing, one.Out, one.Workers = eraOptions(t, era, 7), era, filepath.Join(t.TempDir(), era), 1
			if _, err := Replay(context.Background(), one); err != nil {
				t.Fatalf("%s alone: %v", era, err)
			}
			for _, f := range []string{"messages.parquet", "bill.parquet", "summary.json", "manifest.json"} {
				got, err1 := os.ReadFile(filepath.Join(o.Out, era, f))
				want, err2 := os.ReadFile(filepath.Join(one.Out, f))
				if err1 != nil || err2 != nil || string(got) != string(want) {
					t.Errorf("%s/%s is not the bytes of a replay under %s alone (%v, %v)", era, f, era, err1, err2)
				}
			}
		}
	}
}

// TestReplayErasLeftOutAndFailed: --pricing all without an NBP card bills the other
// eras and says why nbp-2018 was left out; a list naming nbp-2018 fails as a replay
// under it would, naming the era, and writes nothing.
func TestReplayErasLeftOutAndFailed(t *testing.T) {
	o := options(t, handTrace)
	o.Pricing = "all"
	res, _, err := ReplayEras(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Eras) != 5 || len(res.LeftOut) != 1 || res.LeftOut[0].Pricing != "nbp-2018" || !strings.Contains(res.LeftOut[0].Reason, "--rates FILE") {
		t.Fatalf("eras %+v, left out %+v", res.Eras, res.LeftOut)
	}
	if _, err := os.Stat(filepath.Join(o.Out, "nbp-2018")); !os.IsNotExist(err) {
		t.Errorf("a folder for the era left out: %v", err)
	}
	if res.Eras[3].Pricing != "pmp-2025" || res.Eras[3].TotalMicros != 62_500+1_400 {
		t.Errorf("pmp-2025: %+v", res.Eras[3])
	}

	o = options(t, handTrace)
	o.Pricing = "pmp-2025,nbp-2018"
	if _, _, err := ReplayEras(context.Background(), o); err == nil || !strings.Contains(err.Error(), "under nbp-2018") {
		t.Fatalf("error %v, want one under nbp-2018", err)
	}
	if _, err := os.Stat(o.Out); !os.IsNotExist(err) {
		t.Errorf("a failed replay left %s: %v", o.Out, err)
	}
}

// TestReplayErasCancelled: a replay under several eras whose context ends stops with
// its error and writes nothing.
func TestReplayErasCancelled(t *testing.T) {
	o := options(t, handTrace)
	o.Pricing = "cbp-2023,pmp-2025"
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := ReplayEras(ctx, o); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if _, err := os.Stat(o.Out); !os.IsNotExist(err) {
		t.Errorf("a cancelled replay left %s: %v", o.Out, err)
	}
}

// TestReplayErasRerunDropsStaleEras: a replay into a folder an earlier replay under
// several eras wrote removes the era folders it does not write itself, as it removes
// the earlier run's files (their manifests listed in the earlier set's), so that
// OUT/*/summary.json are this run's alone; the user's own folders stay, one holding a
// replay of its own included, and an interrupted rerun leaves the earlier set whole.
func TestReplayErasRerunDropsStaleEras(t *testing.T) {
	o := options(t, handTrace)
	mine := o
	mine.Out = filepath.Join(o.Out, "mine")
	if _, err := Replay(context.Background(), mine); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(o.Out, "notes"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(o.Out, "notes", "n.txt"), []byte("the user's"), 0o644)
	run := func(pricing string, ctx context.Context) error {
		t.Helper()
		p := o
		p.Pricing = pricing
		p.Billing.Era, _ = billing.ParseEra(strings.Split(pricing, ",")[0])
		_, _, err := ReplayPricing(ctx, p)
		return err
	}
	folders := func() []string {
		t.Helper()
		es, err := os.ReadDir(o.Out)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range es {
			if e.IsDir() {
				got = append(got, e.Name())
			}
		}
		return got
	}
	for _, step := range []struct {
		pricing string
		want    []string
	}{
		{"cbp-2023", []string{"mine", "notes"}},
		{"cbp-2023,pmp-2025", []string{"cbp-2023", "mine", "notes", "pmp-2025"}},
		{"pmp-2025,pmp-2026-10", []string{"mine", "notes", "pmp-2025", "pmp-2026-10"}},
		{"pmp-2025", []string{"mine", "notes"}},
		{"all", []string{"auto", "cbp-2022", "cbp-2023", "mine", "notes", "pmp-2025", "pmp-2026-10"}},
	} {
		if err := run(step.pricing, context.Background()); err != nil {
			t.Fatalf("--pricing %s: %v", step.pricing, err)
		}
		if got := folders(); !slices.Equal(got, step.want) {
			t.Errorf("after --pricing %s: folders %v, want %v", step.pricing, got, step.want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := run("cbp-2023,pmp-2025", ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	if got, want := folders(), []string{"auto", "cbp-2022", "cbp-2023", "mine", "notes", "pmp-2025", "pmp-2026-10"}; !slices.Equal(got, want) {
		t.Errorf("an interrupted rerun left folders %v, want the earlier set's %v", got, want)
	}
	for _, f := range []string{"eras.json", "cbp-2022/summary.json", "mine/summary.json", "notes/n.txt"} {
		if _, err := os.Stat(filepath.Join(o.Out, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestReplayErasCarryWhatMisleads: eras.json carries what a side-by-side reading would
// miss. The Twitter trace bills nothing under any era, but 20 of its free-form replies
// went out with no window open (each era's text_outside_window: 20). India utility and
// marketing of July 2025 in INR: cbp-2023's bill rests on the one CBP INR card, of
// 2023-06-01, where the rules read USD's of 2025-04-01 on the last day it priced, so its
// card names that newer one; pmp-2025's INR card is as new as USD's.
func TestReplayErasCarryWhatMisleads(t *testing.T) {
	o := options(t, "")
	o.Traces, o.Pricing = []string{"../../../shared/datasets/customer_care_twitter.csv"}, "all"
	res, _, err := ReplayEras(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	var onDisk reports.Eras
	if b, err := os.ReadFile(filepath.Join(o.Out, reports.ErasFile)); err != nil || json.Unmarshal(b, &onDisk) != nil {
		t.Fatalf("eras.json: %v", err)
	}
	for i, b := range res.Eras {
		if b.TotalMicros != 0 || b.TextOutsideCS != 20 || onDisk.Eras[i].TextOutsideCS != 20 {
			t.Errorf("twitter under %s: %d micros, %d (on disk %d) free-form with no window, want 0 and 20", b.Pricing, b.TotalMicros,
				b.TextOutsideCS, onDisk.Eras[i].TextOutsideCS)
		}
	}

	o = options(t, "ts,user,direction,type,category\n"+
		"2025-07-15T00:00:00Z,+919812345672,business,template,utility\n"+
		"2025-07-16T00:00:00Z,+919812345673,business,template,marketing\n")
	o.Pricing, o.Billing.Currency = "cbp-2023,pmp-2025", "INR"
	if res, _, err = ReplayEras(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	want := []reports.CardUsed{
		{PricingModel: "CBP", Currency: "INR", Effective: "2023-06-01", Messages: 2,
			Newer: &reports.NewerCard{Currency: "USD", Effective: "2025-04-01", LastPriced: "2025-07-16"}},
		{PricingModel: "PMP", Currency: "INR", Effective: "2025-07-01", Messages: 2},
	}
	for i, b := range res.Eras {
		if len(b.CardsUsed) != 1 || !reflect.DeepEqual(b.CardsUsed[0], want[i]) {
			t.Errorf("%s: cards used %+v, want %+v", b.Pricing, b.CardsUsed, want[i])
		}
	}
}
