package reports

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim/replay"
)

func restaffSpend(t *testing.T, charges ...pricing.Charge) stats.Spend {
	t.Helper()
	tally := stats.SpendTally{Currency: "USD"}
	for _, c := range charges {
		tally.AddCharge(c)
	}
	s, err := tally.Spend(1)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func restaffPair(t *testing.T) Restaff {
	t.Helper()
	marketing := pricing.Charge{Model: pricing.PMP, Billable: true, Category: pricing.Marketing, Type: pricing.Regular, Amount: 62_500}
	utility := pricing.Charge{Model: pricing.PMP, Billable: true, Category: pricing.Utility, Type: pricing.Regular, Amount: 6_800}
	nan := math.NaN()
	old := NewRestaffSide("original", restaffSpend(t, marketing), replay.Responses{Wanted: 4, InWindow: 2, Unanswered: 2,
		FirstResponseMeanS: 2400, FirstResponseP50S: 900, FirstResponseP90S: 3900, FirstResponseP99S: 3900})
	new := NewRestaffSide("one-agent", restaffSpend(t, marketing, utility), replay.Responses{Wanted: 5, InWindow: 4, Late: 1, LateUtility: 1,
		FirstResponseMeanS: 59064, FirstResponseP50S: 4200, FirstResponseP90S: 58320, FirstResponseP99S: nan})
	r, err := NewRestaff(old, new)
	if err != nil {
		t.Fatal(err)
	}
	r.Trace, r.Pricing, r.Scenario, r.Timezone, r.Seed, r.RemovedReplies, r.SimulatedReplies = "hand.csv", "pmp-2025", "one-agent", "America/Sao_Paulo", 1, 2, 5
	return r
}

// TestRestaffDifference: money differences are exact micros, shares and times are
// new − old, and an unknown figure on either side makes an unknown difference (null).
func TestRestaffDifference(t *testing.T) {
	r := restaffPair(t)
	d := r.Difference
	if d.TotalMicros != 6_800 || d.Total != "0.006800" || d.AmountMicrosByCategory["utility"] != 6_800 ||
		d.AmountMicrosByCategory["marketing"] != 0 || d.BillableByCategory["utility"] != 1 {
		t.Errorf("money difference %+v", d)
	}
	if d.RepliesWanted != 1 || d.InWindow != 2 || d.Late != 1 || d.Unanswered != -2 {
		t.Errorf("count difference %+v", d)
	}
	// Original: 2 of 4 conversations not answered in the window (both never answered),
	// 2 of 2 replies in it; restaffed 1 of 5 (answered late), 4 of 5 replies in it.
	if r.Old.LateShare != 0.5 || r.Old.InWindowShare != 1 || r.Old.LateReplyShare != 0 ||
		r.New.LateShare != 0.2 || r.New.InWindowShare != 0.8 || math.Abs(float64(r.New.LateReplyShare)-0.2) > 1e-12 {
		t.Errorf("shares old %v %v %v, new %v %v %v", r.Old.LateShare, r.Old.InWindowShare, r.Old.LateReplyShare,
			r.New.LateShare, r.New.InWindowShare, r.New.LateReplyShare)
	}
	if math.Abs(float64(d.LateShare)+0.3) > 1e-12 || d.FirstResponseP90S != 58320-3900 {
		t.Errorf("late-share difference %v, p90 difference %v", d.LateShare, d.FirstResponseP90S)
	}
	data, err := json.Marshal(&r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"first_response_p99_s":null`, `"difference":{"total_micros":6800,"total":"0.006800"`} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("restaff.json lacks %s:\n%s", want, data)
		}
	}
	other := r.New
	other.Currency = "EUR"
	if _, err := NewRestaff(r.Old, other); err == nil || !strings.Contains(err.Error(), "in USD, the restaffed trace in EUR") {
		t.Errorf("currency mismatch: %v", err)
	}
}

// TestRestaffTable: the side-by-side table as printed, every line.
func TestRestaffTable(t *testing.T) {
	r := restaffPair(t)
	if err := r.New.SetStaffing(16_000_000); err != nil { // one agent, two hours at 8.00
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteRestaffTable(&b, &r); err != nil {
		t.Fatal(err)
	}
	want := `hand.csv restaffed with one-agent (shifts in America/Sao_Paulo, seed 1), under pmp-2025:
                                       original              one-agent     difference
spend (USD)                                0.06                   0.07          +0.01
  marketing                            0.06 (1)               0.06 (1)           0.00
  utility                              0.00 (0)               0.01 (1)          +0.01
staffing (USD)                          unknown                  16.00              –
spend + staffing                        unknown                  16.07              –
replies wanted                                4                      5             +1
  answered in window                          2                      4             +2
  late (templates)                            0                      1             +1
  dropped                                     0                      0             +0
  unanswered                                  2                      0             -2
late share                                50.0%                  20.0%      -30.0 pts
  replies in window                      100.0%                  80.0%      -20.0 pts
  replies late                             0.0%                  20.0%      +20.0 pts
first response p50                     15.0 min               70.0 min      +55.0 min
first response p90                     65.0 min                 16.2 h        +15.1 h
first response p99                     65.0 min                      –              –
late share: the conversations not answered inside the customer's 24-hour window (late, dropped or never); replies in window / late: of the replies sent
2 replies of the trace left out (free-form messages, late templates); 5 simulated replies sent in their place
`
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestRestaffTableBot: a restaffing with a bot and impatient customers shows the bot's
// replies and resolutions and the customers who gave up.
func TestRestaffTableBot(t *testing.T) {
	r := restaffPair(t)
	r.New.BotReplies, r.New.BotResolved, r.New.Abandoned = 5, 2, 1
	var b strings.Builder
	if err := WriteRestaffTable(&b, &r); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"    gave up waiting                           0                      1             +1\n",
		"bot replies                                   0                      5             +5\n",
		"  resolved by the bot                         0                      2             +2\n",
	} {
		if !strings.Contains(b.String(), line) {
			t.Errorf("table lacks %q:\n%s", line, b.String())
		}
	}
	if data, _ := json.Marshal(&r.New); !bytes.Contains(data, []byte(`"bot_replies":5,"bot_resolved":2`)) {
		t.Errorf("restaff.json side %s", data)
	}
}

// TestRestaffHTML: the page holds the table and escapes what it is given.
func TestRestaffHTML(t *testing.T) {
	r := restaffPair(t)
	r.Scenario = "<night>"
	page, err := RestaffHTML(&r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"<td>late share</td><td>50.0%</td><td>20.0%</td><td>-30.0 pts</td>",
		"restaffed with &lt;night&gt;",
	} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("restaff.html lacks %q", want)
		}
	}
	if bytes.Contains(page, []byte("<night>")) {
		t.Error("restaff.html holds the scenario name unescaped")
	}
}
