package reports

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/model/agents"
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
	r, err := NewRestaff(old, new, old.Spend, agents.LateUtility)
	if err != nil {
		t.Fatal(err)
	}
	r.Trace, r.Pricing, r.Scenario, r.Timezone, r.Seed, r.RemovedReplies, r.SimulatedReplies = "hand.csv", "pmp-2025", "one-agent", "America/Sao_Paulo", 1, 2, 5
	r.Old.Customers, r.New.Customers = 3, 3
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
	if _, err := NewRestaff(r.Old, other, r.Old.Spend, r.LateReply); err == nil || !strings.Contains(err.Error(), "in USD, the restaffed trace in EUR") {
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
customers who wrote                           3                      3             +0
conversations                                 4                      5             +1
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
conversations: a customer's messages while they wait for a reply join one conversation, so each side groups the same customers' messages along its own replies, and a slower team answers fewer, longer conversations (+1 here: not more customers)
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

// likeForLikePair is restaffPair where the original answered A's first conversation a
// day late with free-form text (which WhatsApp refuses; as traced it is free), so its
// bill like for like holds that reply as a utility template, 0.0068 as the restaffed
// team's late reply to C.
func likeForLikePair(t *testing.T, late agents.LatePolicy) Restaff {
	t.Helper()
	r := restaffPair(t)
	marketing := pricing.Charge{Model: pricing.PMP, Billable: true, Category: pricing.Marketing, Type: pricing.Regular, Amount: 62_500}
	utility := pricing.Charge{Model: pricing.PMP, Billable: true, Category: pricing.Utility, Type: pricing.Regular, Amount: 6_800}
	old := NewRestaffSide("original", restaffSpend(t, marketing), replay.Responses{Wanted: 4, InWindow: 1, Late: 1, LateFreeForm: 1, Unanswered: 2,
		FirstResponseMeanS: 45450, FirstResponseP50S: 900, FirstResponseP90S: 90000, FirstResponseP99S: 90000})
	old.Customers, old.TextOutsideWindow = 3, 1
	like := restaffSpend(t, marketing, utility)
	if late == agents.LateDrop {
		like = old.Spend
	}
	rs, err := NewRestaff(old, r.New, like, late)
	if err != nil {
		t.Fatal(err)
	}
	rs.Trace, rs.Pricing, rs.Scenario, rs.Timezone, rs.Seed, rs.RemovedReplies, rs.SimulatedReplies = r.Trace, r.Pricing, r.Scenario, r.Timezone, r.Seed, r.RemovedReplies, r.SimulatedReplies
	return rs
}

// TestRestaffTableLikeForLike: an original that answered late with free-form text shows
// its bill as traced (free, as a plain replay bills it) and like for like (the reply
// as the utility template the restaffed team would send), its late replies split into
// templates and free-form, and the plain replay's note on free-form text outside the
// window; restaff.json holds both bills and both differences.
func TestRestaffTableLikeForLike(t *testing.T) {
	r := likeForLikePair(t, agents.LateUtility)
	var b strings.Builder
	if err := WriteRestaffTable(&b, &r); err != nil {
		t.Fatal(err)
	}
	want := `hand.csv restaffed with one-agent (shifts in America/Sao_Paulo, seed 1), under pmp-2025:
                                       original              one-agent     difference
spend (USD)                                0.06                   0.07          +0.01
  marketing                            0.06 (1)               0.06 (1)           0.00
  utility                              0.00 (0)               0.01 (1)          +0.01
like for like (USD)                        0.07                   0.07           0.00
  marketing                            0.06 (1)               0.06 (1)           0.00
  utility                              0.01 (1)               0.01 (1)           0.00
staffing (USD)                          unknown                unknown              –
spend + staffing                        unknown                unknown              –
customers who wrote                           3                      3             +0
conversations                                 4                      5             +1
  answered in window                          1                      4             +3
  answered late                               1                      1             +0
    as templates                              0                      1             +1
    as free-form                              1                      0             -1
  dropped                                     0                      0             +0
  unanswered                                  2                      0             -2
late share                                75.0%                  20.0%      -55.0 pts
  replies in window                       50.0%                  80.0%      +30.0 pts
  replies late                            50.0%                  20.0%      -30.0 pts
first response p50                     15.0 min               70.0 min      +55.0 min
first response p90                       25.0 h                 16.2 h         -8.8 h
first response p99                       25.0 h                      –              –
late share: the conversations not answered inside the customer's 24-hour window (late, dropped or never); replies in window / late: of the replies sent
conversations: a customer's messages while they wait for a reply join one conversation, so each side groups the same customers' messages along its own replies, and a slower team answers fewer, longer conversations (+1 here: not more customers)
as free-form: 1 conversation the original answered with a free-form message after the customer's 24-hour window had closed, which WhatsApp refuses (only templates may be sent then); spend bills them as traced, as free-form, as a plain replay of the trace does; like for like bills them as one-agent sends its late replies, as utility templates
original: 1 delivered free-form business message was sent with no customer service window open, which WhatsApp refuses (the trace may lack the user messages that opened one); priced as free-form, counted in restaff.json's old.text_outside_window
2 replies of the trace left out (free-form messages, late templates); 5 simulated replies sent in their place
`
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
	d := r.Difference
	if d.TotalMicros != 6_800 || d.LikeForLikeTotalMicros != 0 || d.LikeForLikeTotal != "0.000000" ||
		d.LikeForLikeAmountMicrosByCategory["utility"] != 0 || r.OldLikeForLike.TotalMicros != 69_300 || r.Old.TotalMicros != 62_500 {
		t.Errorf("as traced %d, like for like %d (%s, utility %d); bills %d and %d", d.TotalMicros, d.LikeForLikeTotalMicros,
			d.LikeForLikeTotal, d.LikeForLikeAmountMicrosByCategory["utility"], r.Old.TotalMicros, r.OldLikeForLike.TotalMicros)
	}
	data, err := json.Marshal(&r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"text_outside_window":1,`, `"customers":3,`, `"late_free_form":1,`, `"late_reply":"utility","old_like_for_like":{"currency":"USD","total_micros":69300,`,
		`"like_for_like_total_micros":0,"like_for_like_total":"0.000000"`} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("restaff.json lacks %s:\n%s", want, data)
		}
	}
	page, err := RestaffHTML(&r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"<td>like for like (USD)</td><td>0.07</td><td>0.07</td><td>0.00</td>",
		"<td>    as free-form</td><td>1</td><td>0</td><td>-1</td>",
		`<p class="meta">as free-form: 1 conversation the original answered`,
		`<p class="meta">original: 1 delivered free-form business message was sent`,
		`<p class="meta">conversations: a customer&#39;s messages`,
	} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("restaff.html lacks %q", want)
		}
	}
	// Under late_reply: drop the original's late free-form reply is not sent at all.
	r = likeForLikePair(t, agents.LateDrop)
	b.Reset()
	if err := WriteRestaffTable(&b, &r); err != nil {
		t.Fatal(err)
	}
	if want := "like for like bills them as one-agent sends its late replies, not at all (late_reply: drop)\n"; !strings.Contains(b.String(), want) {
		t.Errorf("table lacks %q:\n%s", want, b.String())
	}
}
