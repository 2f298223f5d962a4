package pricing

import (
	"strings"
	"testing"
)

// nbpTiers is a tier file in spendsim's layout with NBP bands: category template, per
// market, graduated by the month's charged templates (docs/billing.md, "NBP 2018").
const nbpTiers = "market,category,tier_index,volume_from,volume_to,rate_type,rate,discount_pct,currency,effective_from,confidence,source,note\n" +
	"Brazil,template,0,1,1000,List,0.05,,USD,2018-08-01,user,,\n" +
	"Brazil,template,1,1001,MAX,Tier,0.04,,USD,2018-08-01,user,,\n"

// TestReadNBPTiers: a tier file's template rows are NBP's band tables, kept apart from
// PMP's categories. A review found `replay --pricing nbp-2018 --tiers nbptiers.csv`
// refused with `category "template" is not one of marketing, utility, …`, so no command
// could load the NBP bands docs/billing.md describes.
func TestReadNBPTiers(t *testing.T) {
	tiers, err := ReadTiers(strings.NewReader(nbpTiers), "nbptiers.csv")
	if err != nil {
		t.Fatal(err)
	}
	br := mid(t, "Brazil")
	b := tiers.Bands(br, Template, "usd", noon("2019-06-03"), nil)
	if len(b) != 2 || b[0].From != 1 || b[0].To != 1000 || b[0].Rate != 50000 || b[1].From != 1001 ||
		b[1].To != MaxVolume || b[1].Rate != 40000 || b[1].Index != 1 {
		t.Errorf("Brazil template bands %+v", b)
	}
	if tiers.Bands(br, Utility, "USD", noon("2019-06-03"), nil) != nil {
		t.Error("NBP's template bands are not utility's")
	}
	if tiers.Bands(br, Template, "USD", noon("2018-07-31"), nil) != nil {
		t.Error("the table is effective from 2018-08-01")
	}
}

// TestReadNBPTiersErrors: a bad NBP band row is named by file, line and column, with
// what was expected.
func TestReadNBPTiersErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"category", strings.Replace(nbpTiers, "Brazil,template,1,", "Brazil,templates,1,", 1),
			`nbptiers.csv:3: column category: "templates" is not one of utility, authentication, authentication_international, marketing (PMP) or template (NBP)`},
		{"mixed", strings.Replace(nbpTiers, "Brazil,template,1,", "Brazil,template|utility,1,", 1),
			`nbptiers.csv:3: column category: "template|utility" joins template, NBP's bands over all of a market's templates, to PMP's per-category bands; want template alone on the row`},
		{"gap", strings.Replace(nbpTiers, ",1001,MAX,", ",1002,MAX,", 1),
			"nbptiers.csv:3: the Brazil template band of USD 2018-08-01 follows 1:1000 and starts at 1002; want 1001 (bands must cover every count from 0 to MAX without gap or overlap)"},
		{"open end", strings.Replace(nbpTiers, ",1001,MAX,", ",1001,5000,", 1),
			"nbptiers.csv:3: the last Brazil template band of USD 2018-08-01 ends at 5000; want MAX (an open upper end)"},
		{"market", strings.Replace(nbpTiers, "Brazil,template,0,", "Brasil,template,0,", 1),
			`nbptiers.csv:2: column market: "Brasil" is not a market of the market table (or * for all)`},
		{"currency", strings.Replace(nbpTiers, "0.05,,USD,", "0.05,,,", 1), "nbptiers.csv:2: a band table needs a currency"},
		{"rate", strings.Replace(nbpTiers, "List,0.05,,", "List,,,", 1), "nbptiers.csv:2: a band needs a rate or a discount_pct"},
	}
	for _, tt := range tests {
		_, err := ReadTiers(strings.NewReader(tt.in), "nbptiers.csv")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error\n%v\nwant one containing\n%s", tt.name, err, tt.want)
		}
	}
}
