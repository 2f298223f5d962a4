package sim_test

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/blocking"
	"github.com/spendsim/spendsim/model/dist"
	"github.com/spendsim/spendsim/model/load"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// quiet is a PMP run of customers in BR from start (UTC) for days, in which customers
// practically never start a conversation on their own (10⁻⁶ a month each), so every
// message comes from the business's templates and the answers to them. One agent is on
// duty around the clock and answers in exactly 60 s.
func quiet(t *testing.T, start time.Time, days, customers int) *sim.Config {
	t.Helper()
	cfg, err := sim.MMc(model.FromStd(start), customers, 1, 1, 60, 24*days)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Conversation.PerCustomerMonth = 1e-6
	cfg.Staffing.HandleTime = dist.Spec{Kind: dist.Constant, MeanS: 60}
	return cfg
}

// templateLog records every business-initiated template: when, to whom, with what
// status, and its charge.
type templateLog struct {
	noRecords
	at       []model.Time
	to       []uint32
	country  []string
	cat      []model.Category
	status   []model.Status
	billable []bool
	types    [pricing.NumTypes]int
}

func (l *templateLog) Message(m *model.Message, c *pricing.Charge) {
	if m.Direction != model.FromBusiness || m.Kind != model.Template {
		if m.Direction == model.FromBusiness && m.Status.WasDelivered() {
			l.types[c.Type]++
		}
		return
	}
	l.at = append(l.at, m.TS)
	l.to = append(l.to, m.Pair)
	l.country = append(l.country, string(m.Country[:]))
	l.cat = append(l.cat, m.Category)
	l.status = append(l.status, m.Status)
	l.billable = append(l.billable, c.Billable)
	if m.Status.WasDelivered() {
		l.types[c.Type]++
	}
}

func runLogged(t *testing.T, cfg *sim.Config, seed uint64) (sim.RunResult, *templateLog) {
	t.Helper()
	log := &templateLog{}
	st := sim.NewStats("t", cfg.Start, cfg.End, cfg.Location)
	o, err := sim.Run(cfg, seed, both{st, log})
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := st.Result(o, &cfg.Staffing, "USD")
	if err != nil {
		t.Fatal(err)
	}
	return res, log
}

// both sends a run's records to two recorders.
type both struct {
	a *sim.Stats
	b *templateLog
}

func (r both) Message(m *model.Message, c *pricing.Charge) { r.a.Message(m, c); r.b.Message(m, c) }
func (r both) Reply(at sim.Time, o sim.ReplyOutcome)       { r.a.Reply(at, o) }
func (r both) Pickup(s, at sim.Time)                       { r.a.Pickup(s, at) }
func (r both) FirstResponse(s, at sim.Time)                { r.a.FirstResponse(s, at) }

func daily(name, cat, at string, audience float64) load.Campaign {
	return load.Campaign{Name: name, Category: cat, At: at, Audience: audience,
		Days: []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}}
}

// rate is the built-in card's PMP rate for BR in category cat at t.
func rate(t *testing.T, at model.Time, cat pricing.Category) money.Micros {
	t.Helper()
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	card, err := book.Card(pricing.PMP, "USD", at, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	r, err := card.Rate(market.Builtin().ForCountry("BR", at), cat)
	if err != nil {
		t.Fatal(err)
	}
	return r.Amount
}

// TestOutboundLeavesCustomersAlone: notifications, campaigns and blocking draw from
// streams of their own, so the customers' own conversations and the agents' replies
// are exactly what they were without them.
func TestOutboundLeavesCustomersAlone(t *testing.T) {
	cfg, err := sim.MMc(model.FromStd(time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)), 5000, 3, 20, 8, 24*14)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := runLogged(t, cfg, 11)
	with := *cfg
	with.Notifications = []load.Notification{{Name: "updates", Category: "utility", PerCustomerMonth: 3}}
	with.Campaigns = []load.Campaign{{Name: "promo", Days: []string{"mon"}, At: "10:00", Audience: 0.5, SendRatePerS: 5}}
	with.Blocking = blocking.Spec{PerTemplate: blocking.PerCategory{Marketing: 0.01, Utility: 0.002}, Fatigue: 0.5,
		MarketingCap: 0.05, MessagingLimit: blocking.LimitSpec{InitialTier: "1000"}}
	got, _ := runLogged(t, &with, 11)
	if got.Outbound.TemplatesSent < 5000 {
		t.Fatalf("only %d templates sent", got.Outbound.TemplatesSent)
	}
	type side struct {
		Conversations, UserMessages, Replies, InWindow, LateUtility, FirstResponses int64
		P50, P90, Wait                                                              float64
	}
	pick := func(r sim.RunResult) side {
		return side{r.Conversations, r.UserMessages, r.Replies, r.RepliesInWindow, r.LateUtility, r.FirstResponses,
			r.FirstResponseP50S, r.FirstResponseP90S, r.WaitMeanS}
	}
	if a, b := pick(base), pick(got); a != b {
		t.Errorf("customer side changed:\nwithout %+v\nwith    %+v", a, b)
	}
	if d := got.BusinessMessages - base.BusinessMessages; d != got.Outbound.TemplatesSent {
		t.Errorf("business messages grew by %d, templates sent %d", d, got.Outbound.TemplatesSent)
	}
	if again, _ := runLogged(t, &with, 11); !reflect.DeepEqual(again, got) {
		t.Errorf("same seed, different run:\n%+v\n%+v", again.Outbound, got.Outbound)
	}
}

// TestLimitHoldsThe251st: a campaign to 300 customers on a fresh 250 number reaches
// 250 at once. Over the limit the other 50 fail, or wait: per number (before
// 2025-10-07) until the first 250 leave the rolling 24 h at 10:00 the next day, since
// the upgrade the first evaluation found due comes only at 11:00; per portfolio until
// that upgrade, 6 h after the 11:00 evaluation.
func TestLimitHoldsThe251st(t *testing.T) {
	for _, c := range []struct {
		name      string
		start     time.Time
		overflow  blocking.Overflow
		heldUntil time.Time // zero: fail
		limit     string
	}{
		{"per number, fail", time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), blocking.Fail, time.Time{}, "1000"},
		{"per number, delay", time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), blocking.Delay, time.Date(2025, 9, 2, 10, 0, 0, 0, time.UTC), "1000"},
		{"per portfolio, fail", time.Date(2025, 10, 13, 0, 0, 0, 0, time.UTC), blocking.Fail, time.Time{}, "2000"},
		{"per portfolio, delay", time.Date(2025, 10, 13, 0, 0, 0, 0, time.UTC), blocking.Delay, time.Date(2025, 10, 13, 17, 0, 0, 0, time.UTC), "2000"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := quiet(t, c.start, 3, 300)
			cfg.Campaigns = []load.Campaign{{Name: "launch", Category: "utility", Days: []string{"mon"}, At: "10:00", Audience: 1}}
			cfg.Blocking = blocking.Spec{MessagingLimit: blocking.LimitSpec{InitialTier: "250", Overflow: c.overflow}}
			res, log := runLogged(t, cfg, 1)
			ten := model.FromStd(c.start.Add(10 * time.Hour))
			count := map[model.Time]int{}
			failed := 0
			for i, at := range log.at {
				if log.status[i] == model.Failed {
					failed++
					continue
				}
				count[at]++
			}
			want := map[model.Time]int{ten: 250}
			wantFailed := 0
			if c.heldUntil.IsZero() {
				wantFailed = 50
			} else {
				want[model.FromStd(c.heldUntil)] = 50
			}
			if !reflect.DeepEqual(count, want) || failed != wantFailed {
				t.Errorf("delivered by time %v, failed %d; want %v, %d", count, failed, want, wantFailed)
			}
			o := res.Outbound
			if o.TemplatesSent != 300 || o.LimitFailed != int64(wantFailed) || o.LimitDelayed != int64(50-wantFailed) {
				t.Errorf("counts %+v", o)
			}
			if got := res.BillableByCategory[pricing.Utility]; got != int64(300-wantFailed) {
				t.Errorf("%d utility templates charged, want %d (failed ones are not)", got, 300-wantFailed)
			}
			if o.MessagingLimit != c.limit || o.Quality != "high" {
				t.Errorf("final limit %s quality %s, want %s high", o.MessagingLimit, o.Quality, c.limit)
			}
		})
	}
}

// TestBlockedUserNeverCharged: every user blocks after their first template, so of a
// daily utility campaign to 10 customers over 3 days only day 1's 10 templates are
// delivered and charged; the other 20 show `sent`, cost nothing and count as reach lost.
func TestBlockedUserNeverCharged(t *testing.T) {
	cfg := quiet(t, time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), 3, 10)
	cfg.Campaigns = []load.Campaign{daily("daily", "utility", "10:00", 1)}
	cfg.Blocking = blocking.Spec{PerTemplate: blocking.PerCategory{Utility: 1}}
	res, log := runLogged(t, cfg, 3)
	o := res.Outbound
	if o.TemplatesSent != 30 || o.Blocks != 10 || o.ReachLost != 20 {
		t.Errorf("sent %d, blocks %d, reach lost %d; want 30, 10, 20", o.TemplatesSent, o.Blocks, o.ReachLost)
	}
	sent := 0
	for i, s := range log.status {
		if s == model.Sent {
			sent++
			if log.billable[i] || log.at[i] < cfg.Start+model.Day {
				t.Errorf("template %d at %s to a blocked user: billable %v", i, log.at[i], log.billable[i])
			}
		}
	}
	want := 10 * rate(t, cfg.Start, pricing.Utility)
	if sent != 20 || res.BillableByCategory[pricing.Utility] != 10 || res.MessagingMicros != want {
		t.Errorf("%d sent-only, %d charged, spend %s; want 20, 10, %s", sent, res.BillableByCategory[pricing.Utility], res.MessagingMicros, want)
	}
}

// TestMarketingCapRefuses: with a certain cap every marketing template fails and
// costs nothing, while utility templates to the same customers are delivered; with a
// cap of 0.2, 20% of 20,000 marketing templates fail (4 binomial standard deviations).
func TestMarketingCapRefuses(t *testing.T) {
	cfg := quiet(t, time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), 2, 10)
	cfg.Campaigns = []load.Campaign{daily("promo", "marketing", "10:00", 1), daily("news", "utility", "11:00", 1)}
	cfg.Blocking = blocking.Spec{MarketingCap: 1}
	res, log := runLogged(t, cfg, 4)
	for i, c := range log.cat {
		if (c == model.Marketing) != (log.status[i] == model.Failed) || log.billable[i] == (c == model.Marketing) {
			t.Fatalf("template %d: %v, status %v, billable %v", i, c, log.status[i], log.billable[i])
		}
	}
	if res.Outbound.CapRefused != 20 || res.BillableByCategory[pricing.Marketing] != 0 || res.BillableByCategory[pricing.Utility] != 20 {
		t.Errorf("refused %d, marketing charged %d, utility charged %d; want 20, 0, 20",
			res.Outbound.CapRefused, res.BillableByCategory[pricing.Marketing], res.BillableByCategory[pricing.Utility])
	}
	cfg = quiet(t, time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), 1, 20000)
	cfg.Campaigns = []load.Campaign{daily("promo", "marketing", "10:00", 1)}
	cfg.Blocking = blocking.Spec{MarketingCap: 0.2}
	res, _ = runLogged(t, cfg, 4)
	if got, sd := float64(res.Outbound.CapRefused), math.Sqrt(20000*0.2*0.8); math.Abs(got-4000) > 4*sd {
		t.Errorf("%v of 20,000 refused, want 4000 ± %.0f", got, 4*sd)
	}
	if res.Outbound.CapRefused+res.BillableByCategory[pricing.Marketing] != 20000 {
		t.Errorf("refused %d + charged %d != 20000", res.Outbound.CapRefused, res.BillableByCategory[pricing.Marketing])
	}
}

// TestCampaignScheduleAcrossDST: every Monday 10:00 in Berlin sends at 08:00 UTC in
// summer time and 09:00 UTC after 2025-10-26; spread at 2 a second, a broadcast to 3
// customers sends at 10:00:00, 10:00:00.5 and 10:00:01.
func TestCampaignScheduleAcrossDST(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	cfg := quiet(t, time.Date(2025, 10, 13, 0, 0, 0, 0, loc), 28, 3)
	cfg.Location = loc
	cfg.Billing.Location = loc
	cfg.Campaigns = []load.Campaign{{Name: "monday", Category: "utility", Days: []string{"mon"}, At: "10:00", Audience: 1, SendRatePerS: 2}}
	_, log := runLogged(t, cfg, 5)
	var got []string
	for _, at := range log.at {
		got = append(got, at.String())
	}
	var want []string
	for _, day := range []string{"2025-10-13T08", "2025-10-20T08", "2025-10-27T09", "2025-11-03T09"} {
		want = append(want, day+":00:00Z", day+":00:00.500Z", day+":00:01Z")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sends at\n%v\nwant\n%v", got, want)
	}
}

// TestNotificationCounts: a stream sends customers × per_customer_month per 30 days;
// one limited to India reaches only Indian customers. Poisson counts, checked at 4
// standard deviations (the India stream's also carries the binomial spread of how many
// customers are Indian).
func TestNotificationCounts(t *testing.T) {
	cfg := quiet(t, time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), 30, 20000)
	cfg.Countries = []load.Share{{Country: "BR", Share: 0.7}, {Country: "IN", Share: 0.3}}
	hours := make([]float64, 24)
	for h := 8; h < 20; h++ {
		hours[h] = 1
	}
	cfg.Notifications = []load.Notification{
		{Name: "updates", Category: "utility", PerCustomerMonth: 1.5, Profile: load.Profile{Hour: hours}},
		{Name: "codes", Category: "authentication", PerCustomerMonth: 2, Countries: []string{"IN"}},
	}
	res, log := runLogged(t, cfg, 9)
	var n [4]float64
	for i, c := range log.cat {
		n[c]++
		if c == model.Authentication && log.country[i] != "IN" {
			t.Fatalf("an India-only code went to %s", log.country[i])
		}
		if c == model.Utility {
			if h := log.at[i].Std().Hour(); h < 8 || h >= 20 {
				t.Fatalf("an update at %s, outside its 08–20 profile", log.at[i])
			}
		}
	}
	if want := 30000.0; math.Abs(n[model.Utility]-want) > 4*math.Sqrt(want) {
		t.Errorf("%v updates, want %v ± %.0f", n[model.Utility], want, 4*math.Sqrt(want))
	}
	want, sd := 12000.0, math.Sqrt(12000+4*20000*0.3*0.7)
	if math.Abs(n[model.Authentication]-want) > 4*sd {
		t.Errorf("%v codes, want %v ± %.0f", n[model.Authentication], want, 4*sd)
	}
	if res.Outbound.TemplatesSent != int64(len(log.at)) {
		t.Errorf("templates sent %d, logged %d", res.Outbound.TemplatesSent, len(log.at))
	}
}

// TestBlockHazardWithFatigue: a daily campaign to 50,000 customers with base 1% and
// fatigue 0.5. On day k every customer still reachable has had min(k, 6) templates in
// the 7 days before (the one exactly 7 days earlier is out), so the day's blocks are
// Binomial(delivered_k, p_k) with p_k = 0.01 × (1 + 0.5 × min(k, 6)); each day checked
// at 4 standard deviations.
func TestBlockHazardWithFatigue(t *testing.T) {
	const days = 9
	cfg := quiet(t, time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), days, 50000)
	cfg.Campaigns = []load.Campaign{daily("daily", "utility", "10:00", 1)}
	cfg.Blocking = blocking.Spec{PerTemplate: blocking.PerCategory{Utility: 0.01}, Fatigue: 0.5}
	res, log := runLogged(t, cfg, 21)
	var delivered [days]int64
	for i, at := range log.at {
		if log.status[i].WasDelivered() {
			delivered[(at-cfg.Start)/model.Day]++
		}
	}
	var blocksBefore int64
	for k := 0; k < days-1; k++ {
		blocks := delivered[k] - delivered[k+1]
		blocksBefore += blocks
		p := blocking.BlockProbability(0.01, 0.5, min(k, 6))
		mean := float64(delivered[k]) * p
		sd := math.Sqrt(mean * (1 - p))
		if math.Abs(float64(blocks)-mean) > 4*sd {
			t.Errorf("day %d: %d of %d blocked, want %.0f ± %.0f (p = %.3f)", k, blocks, delivered[k], mean, 4*sd, p)
		}
	}
	if res.Outbound.ReachLost != 50000*days-int64(sumOf(delivered[:])) {
		t.Errorf("reach lost %d, want every template not delivered: %d", res.Outbound.ReachLost, 50000*days-sumOf(delivered[:]))
	}
	if blocksBefore > res.Outbound.Blocks {
		t.Errorf("blocks %d, fewer than the %d counted from deliveries", res.Outbound.Blocks, blocksBefore)
	}
}

func sumOf(xs []int64) int64 {
	var s int64
	for _, x := range xs {
		s += x
	}
	return s
}

// TestTemplateReplyOpensWindow: a customer answers a 10:00 utility template at 10:10;
// the agent answers at 10:11 inside the window (free), a 10:30 utility template is
// free inside the window (free_customer_service under PMP) and a 10:45 marketing one is
// charged all the same. Without the answer the 10:30 template is charged too.
func TestTemplateReplyOpensWindow(t *testing.T) {
	for _, answered := range []bool{true, false} {
		cfg := quiet(t, time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), 1, 1)
		first := daily("first", "utility", "10:00", 1)
		if answered {
			first.Reply = load.Reply{Probability: 1, Delay: dist.Spec{Kind: dist.Constant, MeanS: 600}}
		}
		cfg.Campaigns = []load.Campaign{first, daily("second", "utility", "10:30", 1), daily("third", "marketing", "10:45", 1)}
		res, log := runLogged(t, cfg, 2)
		utility, marketing := rate(t, cfg.Start, pricing.Utility), rate(t, cfg.Start, pricing.Marketing)
		wantUtility, wantConvs := int64(1), int64(1)
		if !answered {
			wantUtility, wantConvs = 2, 0
		}
		want := money.Micros(wantUtility)*utility + marketing
		if res.BillableByCategory[pricing.Utility] != wantUtility || res.BillableByCategory[pricing.Marketing] != 1 || res.MessagingMicros != want {
			t.Errorf("answered %v: %d utility and %d marketing charged, spend %s; want %d, 1, %s", answered,
				res.BillableByCategory[pricing.Utility], res.BillableByCategory[pricing.Marketing], res.MessagingMicros, wantUtility, want)
		}
		if res.Conversations != wantConvs || res.Outbound.TemplateReplies != wantConvs || res.RepliesInWindow != wantConvs {
			t.Errorf("answered %v: %d conversations, %d template replies, %d replies in window; want %d each",
				answered, res.Conversations, res.Outbound.TemplateReplies, res.RepliesInWindow, wantConvs)
		}
		if answered && (log.types[pricing.FreeCustomerService] != 2 || res.FirstResponseMean != 60) {
			t.Errorf("free in the window: %d messages (want the agent's reply and the 10:30 template), first response %v s (want 60)",
				log.types[pricing.FreeCustomerService], res.FirstResponseMean)
		}
	}
}

// TestDailyBlocks: the day rows count each day's templates, blocks and reach lost, and
// add up to the run's totals. With a 10:00 template to every customer each day and no
// way back (nobody writes, so nobody unblocks), the customers who block on day k are
// exactly the drop in deliveries from day k to day k+1, and every template after a
// block is reach lost.
func TestDailyBlocks(t *testing.T) {
	const days, customers = 6, 20000
	cfg := quiet(t, time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), days, customers)
	cfg.Campaigns = []load.Campaign{daily("daily", "utility", "10:00", 1)}
	cfg.Blocking = blocking.Spec{PerTemplate: blocking.PerCategory{Utility: 0.02}, Fatigue: 0.5}
	st := sim.NewStats("t", cfg.Start, cfg.End, cfg.Location)
	o, err := sim.Run(cfg, 5, st)
	if err != nil {
		t.Fatal(err)
	}
	res, rows, err := st.Result(o, &cfg.Staffing, "USD")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != days {
		t.Fatalf("%d day rows, want %d", len(rows), days)
	}
	var blocks, lost, templates int64
	stillThere := int64(customers)
	for k, d := range rows {
		if d.Templates != customers || d.ReachLost != customers-stillThere {
			t.Errorf("day %d: %d templates, %d reach lost; want %d and %d", k, d.Templates, d.ReachLost, customers, customers-stillThere)
		}
		stillThere -= d.Blocks
		blocks, lost, templates = blocks+d.Blocks, lost+d.ReachLost, templates+d.Templates
	}
	if blocks != res.Outbound.Blocks || lost != res.Outbound.ReachLost || templates != res.Templates || blocks == 0 {
		t.Errorf("days add up to %d blocks, %d reach lost, %d templates; the run reports %d, %d, %d",
			blocks, lost, templates, res.Outbound.Blocks, res.Outbound.ReachLost, res.Templates)
	}
}

// TestSlowBroadcastStopsAtHorizon: a broadcast spread so slowly that its second
// template would fall centuries after the horizon (1e-300 a second) sends its first at
// 10:00 and nothing more; the time of the next send must not overflow the clock into
// the past.
func TestSlowBroadcastStopsAtHorizon(t *testing.T) {
	cfg := quiet(t, time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), 7, 3)
	cfg.Campaigns = []load.Campaign{{Name: "slow", Category: "utility", Days: []string{"mon"}, At: "10:00", Audience: 1, SendRatePerS: 1e-300}}
	res, log := runLogged(t, cfg, 1)
	if len(log.at) != 1 || log.at[0] != cfg.Start+10*model.Hour || res.Outbound.TemplatesSent != 1 {
		t.Errorf("templates at %v (%d counted), want one at 10:00", log.at, res.Outbound.TemplatesSent)
	}
}

// TestCampaignCountriesAndReplyShare: a campaign limited to Brazil and Mexico reaches
// customers of those countries only (both of them), and a reply probability below 1
// brings Binomial(delivered, p) template replies, checked at 4 standard deviations.
func TestCampaignCountriesAndReplyShare(t *testing.T) {
	cfg := quiet(t, time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), 1, 20000)
	cfg.Countries = []load.Share{{Country: "BR", Share: 0.5}, {Country: "MX", Share: 0.3}, {Country: "IN", Share: 0.2}}
	promo := daily("promo", "marketing", "10:00", 1)
	promo.Countries = []string{"BR", "MX"}
	const p = 0.3
	promo.Reply = load.Reply{Probability: p, Delay: dist.Spec{Kind: dist.Constant, MeanS: 600}}
	cfg.Campaigns = []load.Campaign{promo}
	res, log := runLogged(t, cfg, 11)
	by := map[string]int{}
	delivered, sent := 0, 0
	for i, c := range log.country {
		// The replies the one agent sends the campaign's answerers after their window
		// closed (the run answers them after the horizon) are utility templates.
		if log.cat[i] != model.Marketing {
			continue
		}
		sent++
		by[c]++
		if log.status[i].WasDelivered() {
			delivered++
		}
	}
	if by["IN"] != 0 || by["BR"] == 0 || by["MX"] == 0 || len(by) != 2 {
		t.Errorf("the BR/MX campaign reached %v", by)
	}
	// About 16,000 of the 20,000 customers are in Brazil or Mexico (sd 57).
	if n := float64(sent); math.Abs(n-16000) > 4*math.Sqrt(20000*0.8*0.2) {
		t.Errorf("%v campaign templates, want 16,000 ± %.0f", n, 4*math.Sqrt(20000*0.8*0.2))
	}
	want, sd := p*float64(delivered), math.Sqrt(float64(delivered)*p*(1-p))
	if got := float64(res.Outbound.TemplateReplies); math.Abs(got-want) > 4*sd {
		t.Errorf("%v template replies to %d delivered templates, want %.0f ± %.0f", got, delivered, want, 4*sd)
	}
}

// TestNotificationsGrow: a growth step that doubles the customer base halfway doubles
// a notification stream's rate from its instant, and the added customers get them too.
func TestNotificationsGrow(t *testing.T) {
	cfg := quiet(t, time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), 20, 5000)
	half := cfg.Start + (cfg.End-cfg.Start)/2
	cfg.Growth = []load.Step{{At: half, Factor: 2}}
	cfg.Notifications = []load.Notification{{Name: "updates", Category: "utility", PerCustomerMonth: 3}}
	_, log := runLogged(t, cfg, 13)
	var n [2]float64
	newcomers := 0
	for i, at := range log.at {
		after := 0
		if at >= half {
			after = 1
		}
		n[after]++
		if log.to[i] >= uint32(cfg.Customers) {
			if at < half {
				t.Fatalf("a template to added customer %d at %s, before the step", log.to[i], at)
			}
			newcomers++
		}
	}
	// 5,000 customers × 3 a month × 10 days = 5,000 before; twice that after.
	if math.Abs(n[0]-5000) > 4*math.Sqrt(5000) || math.Abs(n[1]-10000) > 4*math.Sqrt(10000) {
		t.Errorf("%v notifications before the 2x step, %v after; want 5,000 and 10,000 (± 4 sd)", n[0], n[1])
	}
	if newcomers == 0 {
		t.Error("no notification reached a customer added by the step")
	}
}
