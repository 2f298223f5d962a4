package fit

import (
	"errors"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/internal/sharedtest"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/scenarios"
	"github.com/spendsim/spendsim/scenarios/trace"
	"github.com/spendsim/spendsim/sim"
)

// twitterTrace is the real trace of issue 11: 1,325 customer ↔ agent turns of the
// public Twitter customer-support dataset, 2018–2020, with a surge in March 2020 and
// most conversations never answered.
const twitterTrace = "../../../shared/datasets/customer_care_twitter.csv"

// turn is one message as the round trip measures it, from a trace or from a run.
type turn struct {
	ts       model.Time
	user     string
	fromUser bool
	answers  bool // a business text, or a utility or marketing template (a late reply)
}

// figures are what the round trip compares.
type figures struct {
	surge, outside     float64 // conversations per week in March 2020, and outside it
	conversations      int
	answered           int
	p50, p90           float64 // first response among the answered, seconds
	firstResponsesSeen []float64
}

// measure reads turns (in time order, up to end) as a plainly written reference of
// fit's rules, sharing nothing with the estimator: a user message starts a
// conversation unless the user's last one waits for a reply to a message under 24 h
// old or had a message under an hour before; the first answering business message
// while it waits is its first response, if it comes within a week of its start
// (DefaultFollowUp). The same measure is taken of the trace and of the runs.
func measure(turns []turn, start, end model.Time) figures {
	type state struct {
		inConv, waiting, answered bool
		since, last, convStart    model.Time
	}
	users := map[string]*state{}
	surgeFrom := model.FromStd(time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC))
	surgeTo := model.FromStd(time.Date(2020, 4, 1, 0, 0, 0, 0, time.UTC))
	var f figures
	var inSurge int
	for _, m := range turns {
		if m.ts >= end {
			break
		}
		u := users[m.user]
		if u == nil {
			u = &state{}
			users[m.user] = u
		}
		if m.fromUser {
			cont := u.inConv && (u.waiting && m.ts-u.since < 24*model.Hour || m.ts-u.last < model.Hour)
			if !cont {
				f.conversations++
				if m.ts >= surgeFrom && m.ts < surgeTo {
					inSurge++
				}
				u.convStart, u.answered = m.ts, false
			}
			if !u.waiting || !cont {
				u.waiting, u.since = true, m.ts
			}
			u.last, u.inConv = m.ts, true
			continue
		}
		if !m.answers || !u.waiting {
			if m.answers && u.inConv {
				u.last = m.ts
			}
			continue
		}
		if !u.answered && m.ts-u.convStart <= 7*24*model.Hour {
			f.answered++
			f.firstResponsesSeen = append(f.firstResponsesSeen, (m.ts - u.convStart).Seconds())
		}
		u.answered, u.waiting, u.last = true, false, m.ts
	}
	surgeWeeks := float64(surgeTo-surgeFrom) / float64(7*24*model.Hour)
	f.surge = float64(inSurge) / surgeWeeks
	f.outside = float64(f.conversations-inSurge) / (float64(end-start)/float64(7*24*model.Hour) - surgeWeeks)
	return f
}

// quantiles sets p50 and p90 of the first responses seen.
func (f *figures) quantiles() {
	slices.Sort(f.firstResponsesSeen)
	if len(f.firstResponsesSeen) > 0 {
		f.p50, f.p90 = quantile(f.firstResponsesSeen, 0.5), quantile(f.firstResponsesSeen, 0.9)
	}
}

// firstResponses keeps a run's first responses (seconds) within the follow-up and the
// horizon, the trace's own limits.
type firstResponses struct {
	end model.Time
	s   []float64
}

func (r *firstResponses) FirstResponse(start, at sim.Time) {
	if at < r.end && at-start <= 7*24*model.Hour {
		r.s = append(r.s, (at - start).Seconds())
	}
}
func (r *firstResponses) Message(*model.Message, *pricing.Charge) {}
func (r *firstResponses) Reply(sim.Time, sim.ReplyOutcome)        {}
func (r *firstResponses) Pickup(sim.Time, sim.Time)               {}

// TestTwitterRoundTrip is issue 11's done-when: fit the real Twitter trace, run the
// fitted scenario over the same period (50 replications), and measure the runs' messages
// as the trace's: conversations per week in the March 2020 surge and outside it, the
// answered share, and the p50 and p90 first response among the answered all come back
// within 15% of the trace's. The fitted scenario has a costed shift. (-v prints the
// figures; the README quotes them.)
func TestTwitterRoundTrip(t *testing.T) {
	if _, err := os.Stat(twitterTrace); err != nil {
		sharedtest.Missing(t, "the Twitter trace", err)
	}
	res, err := File([]string{twitterTrace}, trace.Options{}, Options{}, "twitter")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenarios.Parse(res.YAML, "twitter.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Agents.Shifts) != 1 || sc.Agents.Shifts[0].Headcount < 1 || sc.Agents.CostPerHour != DefaultCostPerHour {
		t.Errorf("shifts %+v at %s an hour: want one staffed shift costed at the default", sc.Agents.Shifts, sc.Agents.CostPerHour)
	}
	// A few conversations a day, answered at the team's own pace: never behind long
	// enough to measure what it could get through, and fit says its headcount is a
	// guess rather than sizing it from a throughput its customers set.
	if res.Team.FromBacklog() || !strings.HasPrefix(res.Team.BacklogNote(), "the headcount is not measured") {
		t.Errorf("the Twitter team sized from a backlog (%+v); note %q", res.Team.Backlog, res.Team.BacklogNote())
	}
	if len(sc.Load.Levels) < 2 || sc.Agents.IgnoreShare <= 0 {
		t.Errorf("%d levels, ignore_share %v: want the daily volume's levels and a share never answered", len(sc.Load.Levels), sc.Agents.IgnoreShare)
	}
	// The trace's 2018–2020 would bill under NBP, whose card spendsim does not ship; the
	// figures compared do not depend on prices.
	sc.Pricing = "pmp-2025"
	cfg, err := sc.Config(nil)
	if err != nil {
		t.Fatal(err)
	}

	var turns []turn
	r, err := trace.Open(twitterTrace, trace.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var rec model.Record
	for {
		if err := r.Next(&rec); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		turns = append(turns, turn{ts: rec.TS, user: rec.User, fromUser: rec.Direction == model.FromUser,
			answers: rec.Direction == model.FromBusiness && (rec.Kind == model.Text || rec.Category == model.Utility || rec.Category == model.Marketing)})
	}
	want := measure(turns, cfg.Start, cfg.End)
	want.quantiles()

	// The runs are measured by what they simulate: their conversations (the arrivals
	// before a time are those of the same run cut there, since arrivals are drawn in
	// time order from their own stream) and their first responses. Measuring their
	// messages by the trace's rules instead would also count the simulated customers
	// who write again while a conversation waits, which the trace's users hardly do.
	const reps = 50
	surgeFrom := model.FromStd(time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC))
	surgeTo := model.FromStd(time.Date(2020, 4, 1, 0, 0, 0, 0, time.UTC))
	conversations := func(seed uint64, end model.Time) int64 {
		c := *cfg
		c.End = end
		o, err := sim.Run(&c, seed, &firstResponses{})
		if err != nil {
			t.Fatal(err)
		}
		return o.Conversations
	}
	var got figures
	var all int64
	for i := range reps {
		seed := sim.DeriveSeed(sc.Seed, uint64(i))
		fr := &firstResponses{end: cfg.End}
		o, err := sim.Run(cfg, seed, fr)
		if err != nil {
			t.Fatal(err)
		}
		before, until := conversations(seed, surgeFrom), conversations(seed, surgeTo)
		got.surge += float64(until-before) / (float64(surgeTo-surgeFrom) / float64(7*24*model.Hour)) / reps
		got.outside += float64(o.Conversations-(until-before)) / (float64(cfg.End-cfg.Start-(surgeTo-surgeFrom)) / float64(7*24*model.Hour)) / reps
		all += o.Conversations
		got.answered += len(fr.s)
		got.firstResponsesSeen = append(got.firstResponsesSeen, fr.s...)
	}
	got.conversations = int(all)
	got.quantiles()
	for _, c := range []struct {
		what      string
		got, want float64
	}{
		{"conversations a week in the March 2020 surge", got.surge, want.surge},
		{"conversations a week outside it", got.outside, want.outside},
		{"answered share", float64(got.answered) / float64(got.conversations), float64(want.answered) / float64(want.conversations)},
		{"p50 first response among the answered (s)", got.p50, want.p50},
		{"p90 first response among the answered (s)", got.p90, want.p90},
	} {
		d := c.got/c.want - 1
		t.Logf("%-46s trace %10.4g, fitted run %10.4g (%+.1f%%)", c.what, c.want, c.got, 100*d)
		if math.Abs(d) > 0.15 {
			t.Errorf("%s: fitted run %.4g, trace %.4g: off by %.1f%%, more than 15%%", c.what, c.got, c.want, 100*d)
		}
	}
}
