// Package statstest makes the synthetic runs that the tests of stats and reports
// summarise and write (every figure exact and derived from (point, replication) alone),
// and the small scenarios several packages' tests simulate (QuietDesk).
package statstest

import (
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// SynthRuns is a sweep over agent headcount (4, 6, 8, ...): more agents answer faster,
// so fewer replies miss the window and need paid templates, but staffing costs more;
// the total is cheapest at 6 agents. Replications differ by a few percent so intervals
// are non-trivial. Every figure is exact and derived from (point, replication) alone.
func SynthRuns(points, reps int) []sim.RunResult {
	var runs []sim.RunResult
	for p := 0; p < points; p++ {
		headcount := float64(4 + 2*p)
		for r := 0; r < reps; r++ {
			jitter := int64((r*7)%5) - 2 // -2..2
			late := int64(960000/((headcount-2)*(headcount-2))) + 500*jitter
			userMsgs := 600000 + 110*jitter
			lateUtility := late * 3 / 4
			lateMarketing := late - lateUtility
			rr := sim.RunResult{
				RunID:       fmt.Sprintf("headcount=%g/r%d", headcount, r),
				Point:       p,
				PointLabel:  fmt.Sprintf("headcount=%g", headcount),
				Replication: r,
				Seed:        uint64(1000*p + r + 1),
				Params: []sim.Param{
					{Path: "agents.shifts[0].headcount", Value: headcount},
					{Path: "agents.handle_time_s", Value: 600},
				},
				Currency:          "USD",
				Customers:         200000,
				Conversations:     250000 + 30*jitter,
				UserMessages:      userMsgs,
				BusinessMessages:  620000 + 90*jitter,
				Templates:         late + 20000,
				Replies:           userMsgs,
				RepliesInWindow:   userMsgs - late,
				LateUtility:       lateUtility,
				LateMarketing:     lateMarketing,
				FirstResponses:    249000 + 30*jitter,
				InWindowShare:     1 - float64(late)/float64(userMsgs),
				WaitMeanS:         3600 / headcount * (1 + 0.01*float64(jitter)),
				WaitedShare:       0.9 / headcount * 4,
				FirstResponseMean: 5400 / headcount * (1 + 0.01*float64(jitter)),
				FirstResponseP50S: 3000 / headcount * (1 + 0.02*float64(jitter)),
				FirstResponseP90S: 14400 / headcount * (1 + 0.03*float64(jitter)),
				FirstResponseP99S: 40000 / headcount * (1 + 0.05*float64(jitter)),
				AgentHours:        headcount * 8 * 30,
				Utilisation:       0.95 - 0.05*headcount/4,
			}
			for _, l := range sim.FirstResponseQuantileLevels() {
				// An exponential-looking distribution with the run's mean.
				rr.FirstResponseQuantilesS = append(rr.FirstResponseQuantilesS, -math.Log(1-l)*rr.FirstResponseMean)
			}
			// Campaigns (20,000 marketing templates) and logins (1,000 authentication)
			// come on top of the late replies.
			rr.AmountByCategory[pricing.Marketing] = money.Micros((20000 + lateMarketing) * 62500)
			rr.AmountByCategory[pricing.Utility] = money.Micros(lateUtility * 40000)
			rr.AmountByCategory[pricing.Authentication] = money.Micros(1000 * 13500)
			rr.BillableByCategory[pricing.Marketing] = 20000 + lateMarketing
			rr.BillableByCategory[pricing.Utility] = lateUtility
			rr.BillableByCategory[pricing.Authentication] = 1000
			rr.FreeByCategory[pricing.Service] = userMsgs - late // the in-window replies
			var sum money.Micros
			for _, a := range rr.AmountByCategory {
				sum += a
			}
			rr.MessagingMicros = sum
			// The marketing cells third-party, the utility ones carried forward.
			rr.ThirdPartyMicros, rr.DerivedMicros = rr.AmountByCategory[pricing.Marketing], rr.AmountByCategory[pricing.Utility]
			rr.StaffingMicros = money.Micros(int64(rr.AgentHours) * 5_000_000) // 5.00 an hour
			rr.MessagesByType[pricing.Regular] = 21000 + late
			rr.MessagesByType[pricing.FreeCustomerService] = userMsgs - late
			rr.MessagesByType[pricing.FreeEntryPoint] = 4000
			Shares(&rr)
			runs = append(runs, rr)
		}
	}
	return runs
}

// Shares sets r's unanswered conversations and its answered, unanswered, abandoned and
// dropped shares from its counts, as sim.Stats does.
func Shares(r *sim.RunResult) {
	r.UnansweredConversations = r.Conversations - r.FirstResponses
	n := float64(r.Conversations)
	r.AnsweredShare, r.UnansweredShare = float64(r.FirstResponses)/n, float64(r.UnansweredConversations)/n
	r.AbandonedShare, r.DroppedShare = float64(r.Abandoned)/n, float64(r.DroppedConversations)/n
}

// AgentRuns is SynthRuns with a bot and impatient customers at point 0: its three
// replications had 100, 120 and 140 bot replies, 40 conversations resolved by the bot
// each, and 3, 5 and 7 customers giving up; point 1 had neither.
func AgentRuns() []sim.RunResult {
	runs := SynthRuns(2, 3)
	for i := 0; i < 3; i++ {
		runs[i].BotReplies, runs[i].BotResolved, runs[i].Abandoned = int64(100+20*i), 40, int64(3+2*i)
		Shares(&runs[i])
	}
	return runs
}

// OutboundRuns is SynthRuns with notifications and blocking: point 0's three
// replications blocked 10, 14 and 18 users and ended high, medium, medium at the 2K
// and 10K limits; point 1 had none of it.
func OutboundRuns() []sim.RunResult {
	runs := SynthRuns(2, 3)
	for i, q := range []string{"high", "medium", "medium"} {
		runs[i].Outbound = sim.OutboundCounts{TemplatesSent: 1000, Blocks: int64(10 + 4*i), ReachLost: int64(5 * i),
			LimitDelayed: 7, CapRefused: int64(i), TemplateReplies: 40, Quality: q, MessagingLimit: []string{"2000", "10000", "2000"}[i]}
	}
	return runs
}

// SameRun says whether two runs are equal field by field, NaN equal to NaN, as a
// checkpoint or runs.parquet must give them back.
func SameRun(a, b sim.RunResult) bool {
	fa, fb := reflect.ValueOf(&a).Elem(), reflect.ValueOf(&b).Elem()
	for i := 0; i < fa.NumField(); i++ {
		x, y := fa.Field(i), fb.Field(i)
		if x.Kind() == reflect.Float64 {
			if !(x.Float() == y.Float() || math.IsNaN(x.Float()) && math.IsNaN(y.Float())) {
				return false
			}
			continue
		}
		if !reflect.DeepEqual(x.Interface(), y.Interface()) {
			return false
		}
	}
	return true
}

// TestZone is UTC−3 without DST, like São Paulo today: local midnight is 03:00 UTC.
var TestZone = time.FixedZone("BRT", -3*3600)

// SynthDays splits each run's bill over n days starting 2026-03-01 in TestZone; the
// remainder of every division lands on the last day, so the parts add up exactly.
func SynthDays(runs []sim.RunResult, n int) []sim.DayRow {
	var rows []sim.DayRow
	for _, r := range runs {
		// part is day d's part of a run's count x: x/n, the last day taking the rest.
		part := func(x int64, d int) int64 {
			if d == n-1 {
				return x - x/int64(n)*int64(n-1)
			}
			return x / int64(n)
		}
		for d := 0; d < n; d++ {
			row := sim.DayRow{
				RunID:             r.RunID,
				Day:               time.Date(2026, 3, 1+d, 0, 0, 0, 0, TestZone),
				Conversations:     part(r.Conversations, d),
				UserMessages:      part(r.UserMessages, d),
				BusinessMessages:  part(r.BusinessMessages, d),
				LateReplies:       part(r.LateUtility+r.LateMarketing, d),
				Dropped:           part(r.Dropped, d),
				FirstResponses:    part(r.FirstResponses, d),
				Templates:         part(r.Templates, d),
				Blocks:            part(r.Outbound.Blocks, d),
				ReachLost:         part(r.Outbound.ReachLost, d),
				FirstResponseSumS: r.FirstResponseMean * float64(r.FirstResponses) / float64(n),
			}
			for _, c := range pricing.Categories() {
				a := money.Micros(part(int64(r.AmountByCategory[c]), d))
				row.AmountByCategory[c] = a
				row.MessagingMicros += a
				row.Billable += part(r.BillableByCategory[c], d)
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// QuietDesk is a scenario named name of a desk so quiet that some of its 8 replications
// of a week have no conversation at all: five customers who write about once in two
// months each (0.6 a month), answered by one agent on a day shift named "day"; with
// impatient, customers give up after 10 minutes on average, so the night off duty loses
// some. The tests of compare and optimize judge replications with no conversation on it.
func QuietDesk(name string, impatient bool) string {
	patience := ""
	if impatient {
		patience = "  patience: {dist: exponential, mean_s: 600}\n"
	}
	return `name: ` + name + `
seed: 3
replications: 8
start: 2025-09-01
days: 7
timezone: America/Sao_Paulo
customers:
  count: 5
  countries: [{country: BR, share: 1}]
load:
  conversations_per_customer_month: 0.6
agents:
  handle_time: {dist: constant, mean_s: 600}
  cost_per_hour: 10
  late_reply: utility
` + patience + `  shifts:
    - {name: day, days: [mon, tue, wed, thu, fri, sat, sun], start: "09:00", end: "18:00", headcount: 1}
`
}
