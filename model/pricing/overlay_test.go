package pricing

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestOverlay: no files change nothing; a Meta card needs its date and model, a
// --rates-from needs a Meta file to date, and a file given for the other use is refused, each as an OverlayError (the user's to fix);
// the digest depends on the bytes and on how they were read.
func TestOverlay(t *testing.T) {
	none, err := NewOverlay(UserFiles{Model: "PMP"})
	if err != nil || !none.Empty() || none.Name != "builtin" || none.Digest != "" {
		t.Fatalf("no files: %+v, %v", none, err)
	}
	builtin, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if b, err := none.Merge(builtin); b != builtin || err != nil {
		t.Errorf("no files: Merge gave another book (%v)", err)
	}
	if b, err := (*Overlay)(nil).Cards(); b != builtin || err != nil {
		t.Errorf("no overlay: Cards gave another book than the built-in (%v)", err)
	}
	card, err := os.ReadFile("testdata/meta-pricing-usd.csv")
	if err != nil {
		t.Fatal(err)
	}
	tiers, err := os.ReadFile("testdata/meta-tiers-usd.csv")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		f    UserFiles
		want string
	}{
		{UserFiles{Rates: "card.csv", RatesData: card, Model: "PMP"}, "pass --rates-from DATE"},
		{UserFiles{Rates: "card.csv", RatesData: card, Model: "XYZ", From: from}, `--rates-model "XYZ"`},
		{UserFiles{Rates: "tiers.csv", RatesData: tiers, Model: "PMP", From: from}, "--rates wants a rate card"},
		{UserFiles{Tiers: "card.csv", TiersData: card, From: from}, "--tiers wants volume tiers"},
		// --rates-from dates Meta's files only; given for none it would be dropped without
		// a word (a review passed it with a spendsim-layout NBP card: the replay exited 0).
		{UserFiles{Rates: "nbp_card.csv", RatesData: []byte(ourNBPCard), From: from},
			"--rates-from 2025-07-01 dates no file: it is the effective date of Meta's rate card CSV or Tier Pricing CSV, which do not carry one, and nbp_card.csv is in spendsim's rate card layout, whose rows carry their own effective_from: drop --rates-from"},
		{UserFiles{Tiers: "t.csv", TiersData: []byte(ourTiers), From: from}, "t.csv is in spendsim's tier layout"},
		{UserFiles{From: from}, "no --rates or --tiers file is given: drop --rates-from"},
	} {
		var oe *OverlayError
		if _, err := NewOverlay(c.f); !errors.As(err, &oe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s/%s: %v, want an OverlayError saying %q", c.f.Rates, c.f.Tiers, err, c.want)
		}
	}
	o, err := NewOverlay(UserFiles{Rates: "dir/card.csv", RatesData: card, Model: "pmp", From: from, Tiers: "t.csv", TiersData: tiers})
	if err != nil {
		t.Fatal(err)
	}
	// Issue 13: the name says the tiers too ("rates": "builtin" hid a --tiers file).
	if o.Empty() || o.Name != "card.csv + tiers t.csv" || o.Book == nil || o.Tiers == nil || len(o.Digest) != 16 {
		t.Fatalf("card and tiers: %+v", o)
	}
	m1, err := o.Merge(builtin)
	if err != nil {
		t.Fatal(err)
	}
	if m2, _ := o.Merge(builtin); m2 != m1 {
		t.Error("Merge merged the same base twice")
	}
	if c, _ := o.Cards(); c != m1 {
		t.Error("Cards are not the user's cards over the built-in ones")
	}
	later, _ := NewOverlay(UserFiles{Rates: "dir/card.csv", RatesData: card, Model: "pmp", From: from.AddDate(0, 1, 0), Tiers: "t.csv", TiersData: tiers})
	if later.Digest == o.Digest {
		t.Error("the digest ignores the effective date")
	}
}

// TestOverlayRatesFromDatesMetaFiles: --rates-from dates the Meta file beside a file of
// spendsim's layout (TestOverlay: with no Meta file it is refused).
func TestOverlayRatesFromDatesMetaFiles(t *testing.T) {
	tiers, err := os.ReadFile("testdata/meta-tiers-usd.csv")
	if err != nil {
		t.Fatal(err)
	}
	// The sample's India auth-intl bands are those of the sample card (0.0304), above
	// the built-in card's list rate (0.0280), which no band may be (TestTiersAboveList):
	// here they are the built-in card's.
	tiers = bytes.ReplaceAll(bytes.ReplaceAll(tiers, []byte("List,0.0304,"), []byte("List,0.0280,")), []byte("Tier 1,0.0289,"), []byte("Tier 1,0.0266,"))
	from := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	o, err := NewOverlay(UserFiles{Rates: "nbp_card.csv", RatesData: []byte(ourNBPCard), Tiers: "tiers.csv", TiersData: tiers, From: from})
	if err != nil || o.Book == nil || o.Tiers == nil || len(o.Files) != 2 || o.Files[1].EffectiveFrom != "2025-07-01" {
		t.Errorf("our card and Meta's tiers dated by --rates-from: %+v, %v", o, err)
	}
}

// ourNBPCard and ourTiers are files in spendsim's layouts, each row with its date.
const (
	ourNBPCard = "effective_from,pricing_model,market,category,currency,rate\n2018-08-01,NBP,Brazil,template,USD,0.0500\n"
	ourTiers   = "market,category,tier_index,volume_from,volume_to,rate_type,rate,discount_pct,currency,effective_from,confidence,source,note\n" +
		"Brazil,utility,0,0,2,List,,0,USD,2025-07-01,,,\nBrazil,utility,1,3,MAX,Tier,0.0050,,USD,2025-07-01,,,\n"
)

// TestOverlayFilesAndCurrency: the overlay records each file (path as given, SHA-256 of
// its bytes, how it was read, its currencies); a file in another currency than the
// bill's is refused rather than passed over; --rates-model takes Meta's models only.
func TestOverlayFilesAndCurrency(t *testing.T) {
	card, err := os.ReadFile("testdata/meta-pricing-usd.csv")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	o, err := NewOverlay(UserFiles{Rates: "dir/card.csv", RatesData: card, Model: "pmp", From: from})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(card)
	want := File{Role: "rates", Path: "dir/card.csv", SHA256: hex.EncodeToString(sum[:]), Kind: "meta-rates",
		Model: "PMP", EffectiveFrom: "2025-07-01", Currencies: []string{"USD"}}
	if len(o.Files) != 1 || !reflect.DeepEqual(o.Files[0], want) {
		t.Errorf("files %+v, want %+v", o.Files, want)
	}
	if err := o.CheckCurrency("usd"); err != nil {
		t.Errorf("USD: %v", err)
	}
	var oe *OverlayError
	if err := o.CheckCurrency("BRL"); !errors.As(err, &oe) || err.Error() != "rates dir/card.csv is in USD, but the bill is in BRL: bill in USD (--currency, or a scenario's currency), or give a file in BRL" {
		t.Errorf("BRL: %v", err)
	}
	if err := (*Overlay)(nil).CheckCurrency("BRL"); err != nil {
		t.Errorf("no overlay: %v", err)
	}
	for _, m := range []string{"NBP", "xyz"} {
		if _, err := NewOverlay(UserFiles{Model: m}); !errors.As(err, &oe) || !strings.Contains(err.Error(), "is not one of CBP, PMP") {
			t.Errorf("--rates-model %s: %v", m, err)
		}
	}
}

// TestTiersAboveList: volume tiers are discounts, so a tier file whose band is priced
// above the list rate it discounts is refused at the rate's line and column, naming the
// card and the most the band may be: a misplaced decimal (0.0650 for 0.0065) billed
// every message in the band ten times over without a word. A discount_pct above 0 is
// refused in both layouts. A band at the list rate, or a table checked against the
// user's own card, reads; a later card's lower list rate is not held against a table
// published with its own date's.
func TestTiersAboveList(t *testing.T) {
	h := strings.Join(tierColumns, ",") + "\n"
	metaTiers, err := os.ReadFile("testdata/meta-tiers-usd.csv")
	if err != nil {
		t.Fatal(err)
	}
	metaCard, err := os.ReadFile("testdata/meta-pricing-usd.csv")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	// Brazil utility in USD on the built-in 2025-07-01 card: 0.0068.
	for _, c := range []struct {
		name string
		f    UserFiles
		want string // "" for none
	}{
		{"typo", UserFiles{Tiers: "t.csv", TiersData: []byte(h + "Brazil,utility,0,0,1,List,0.0068,,USD,2025-07-01,,,\nBrazil,utility,1,2,MAX,Tier,0.0650,,USD,2025-07-01,,,\n")},
			"t.csv:3:29: the rate 0.065000 of the Brazil utility band 2:MAX of 2025-07-01 is above the list rate 0.006800 of the PMP USD card effective 2025-07-01; volume tiers are discounts: want at most 0.006800"},
		{"list band a decimal off", UserFiles{Tiers: "t.csv", TiersData: []byte(h + "Brazil,utility,0,0,1,List,0.068,,USD,2025-08-01,,,\nBrazil,utility,1,2,MAX,Tier,0.0065,,USD,2025-08-01,,,\n")},
			"t.csv:2:27: the rate 0.068000 of the Brazil utility band 0:1 of 2025-08-01 is above the list rate 0.006800"},
		{"the earliest line of several", UserFiles{Tiers: "t.csv", TiersData: []byte(h +
			"Brazil,utility,0,0,1,List,0.0068,,USD,2025-07-01,,,\nBrazil,utility,1,2,MAX,Tier,0.0650,,USD,2025-07-01,,,\n" +
			"Brazil,authentication,0,0,1,List,0.0068,,USD,2025-07-01,,,\nBrazil,authentication,1,2,MAX,Tier,0.0650,,USD,2025-07-01,,,\n")},
			"t.csv:3:29: the rate 0.065000 of the Brazil utility band"},
		{"discount above 0", UserFiles{Tiers: "t.csv", TiersData: []byte(h + "Brazil,utility,0,0,1,List,,0,USD,2025-07-01,,,\nBrazil,utility,1,2,MAX,Tier,,5,USD,2025-07-01,,,\n")},
			`t.csv:3:30: column discount_pct: "5" prices the band above the list rate; volume tiers are discounts on it: want 0 or a negative percentage such as -5%`},
		{"meta discount above 0", UserFiles{Tiers: "t.csv", From: from, TiersData: bytes.Replace(metaTiers, []byte("Tier 1,0.0013,-5%"), []byte("Tier 1,0.0013,5%"), 1)},
			`t.csv:8:43: column vs. List rate: "5%" prices the band above the list rate`},
		{"meta rate above the user's card", UserFiles{Tiers: "t.csv", From: from, Rates: "p.csv", RatesData: metaCard, Model: "PMP",
			TiersData: bytes.Replace(metaTiers, []byte("Tier 1,0.0013,-5%"), []byte("Tier 1,0.0130,-5%"), 1)},
			"t.csv:8:36: the rate 0.013000 of the India utility band 750001:15000000 of 2025-07-01 is above the list rate 0.001400 of the PMP USD card effective 2025-07-01"},
		{"at list", UserFiles{Tiers: "t.csv", TiersData: []byte(h + "Brazil,utility,0,0,1,List,0.0068,0,USD,2025-07-01,,,\nBrazil,utility,1,2,MAX,Tier,0.0065,-5,USD,2025-07-01,,,\n")}, ""},
		{"a later card's lower list rate", UserFiles{Rates: "r.csv", RatesData: []byte("effective_from,pricing_model,market,category,currency,rate\n" +
			"2025-07-01,PMP,Brazil,utility,USD,0.0100\n2025-09-01,PMP,Brazil,utility,USD,0.0050\n"),
			Tiers: "t.csv", TiersData: []byte(h + "Brazil,utility,0,0,1,List,0.0100,,USD,2025-07-01,,,\nBrazil,utility,1,2,MAX,Tier,0.0080,,USD,2025-07-01,,,\n")}, ""},
		{"meta tiers with their card", UserFiles{Tiers: "t.csv", From: from, Rates: "p.csv", RatesData: metaCard, Model: "PMP", TiersData: metaTiers}, ""},
	} {
		_, err := NewOverlay(c.f)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %v\nwant %q", c.name, err, c.want)
		}
	}
}
