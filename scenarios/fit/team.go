package fit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/model/dist"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/scenarios"
)

// Team is the support team estimated from a trace: when its agents work, how long a
// conversation waits from the moment they could take it up to its first reply, the
// share they never answer, and how many agents that takes.
//
// When agents work: the replies' local hours and weekdays propose shifts (the hours,
// and the weekdays, whose reply counts pass a threshold, for every threshold the
// counts offer, each hour set closed into one window); each proposal is scored by the
// censored likelihood of the trace's waits under it, and the lowest AIC wins. Under a
// shift, a conversation that starts off duty can only be taken up when the shift
// starts, so its reply time is the wait to the shift plus the team's own delay: a
// trace whose night-time customers wait until morning says so, and one that answers
// round the clock at the same speed keeps the whole day. With the whole day and week
// the team is a response_time (no queue; the shift only costs), else a queue on the
// shift whose handle time is the team's own delay, sized as Headcount says; unless the
// trace shows the team behind often enough (Backlog): then the queue is sized by what
// the team got through while behind, and its handle time is the delay of the replies
// after a conversation's first.
type Team struct {
	Days      []int // weekdays on duty, Monday 0
	StartHour int   // local hour the shift starts
	Hours     int   // shift length in hours; 24 with every weekday: round the clock
	// Proposals are the shifts scored, best first.
	Proposals []Proposal
	// Wait is the fit of the waits from the moment the team could take a conversation
	// up (its start, or the shift's start) to the first reply, censored where the trace
	// shows none; the best family's Ignore is the share never answered.
	Wait Fitted
	// Answered and Arrived count the conversations the fit rests on by when they
	// started: in the twelve local hours with the most replies (0) or the other twelve
	// (1), and QuickS is the median wait of those answered: whether customers who
	// write when the team is quiet wait longer, and give up more often, as customers
	// with a patience would.
	Answered, Arrived [2]int64
	MedianS           [2]float64
	// OffDutyReplies counts conversations answered before the shift they started
	// outside of (the fitted scenario answers them when the shift starts).
	OffDutyReplies int64
	// Headcount, where the trace shows no backlog to size the team by (FromBacklog
	// false), is the agents the work takes at the busiest level: replies at
	// spendsim's default handle time (Work agents busy on average), covered 99% of the
	// time. Concurrency is the chats each holds so that the conversations in hand (InHand
	// on average: taken up at the busiest level's rate, each held for the fitted wait)
	// fit the slots 99% of the time: a trace's delays are mostly not work (a reply hours
	// later is not hours of typing), so agents hold many conversations at once, and the
	// queue adds almost nothing to the waits until the headcount is swept down.
	Headcount, Concurrency int
	Work, InHand           float64
	CostPerHour            money.Micros
	// CostIsPlaceholder says CostPerHour is DefaultCostPerHour, not the user's figure:
	// the scenario marks it as a placeholder.
	CostIsPlaceholder bool
	// Scored is how many conversations' waits the fit scored, and Of how many it saw:
	// past maxWaits, a uniform sample of them (Scored < Of).
	Scored, Of int64
	// Backlog is the team's throughput while work waited for it, and whether the
	// headcount comes from it; nil for a round-the-clock team (no queue).
	Backlog *Backlog
}

// RoundTheClock says the shift covers every hour of every day: the team is modelled by
// its response time.
func (t *Team) RoundTheClock() bool { return t.Hours == 24 && len(t.Days) == 7 }

// Shift is the team's shift as a scenario writes it.
func (t *Team) Shift() agents.Shift {
	days := make([]string, len(t.Days))
	for i, d := range t.Days {
		days[i] = mondayFirst(d)
	}
	start, end := fmt.Sprintf("%02d:00", t.StartHour), fmt.Sprintf("%02d:00", (t.StartHour+t.Hours)%24)
	if t.Hours == 24 {
		start, end = "00:00", "24:00"
	}
	return agents.Shift{Name: "fitted", Days: days, Start: start, End: end, Headcount: t.Headcount}
}

// convWait is one conversation's wait for its first reply, as the estimate keeps it.
type convWait struct {
	start, end model.Time // its first user message; its first reply, or when the trace stopped following it
	answered   bool
}

// maxWaits bounds the conversations kept for the team's fit: a uniform sample of them
// beyond (reservoir sampling, seeded: the same trace gives the same fit), so memory
// stays constant; 131,072 waits pin a median far closer than a trace's own spread.
var maxWaits = 1 << 17 // a variable only so that a test can sample a small trace

type reservoir struct {
	w    []convWait
	seen int64
	rng  *rand.Rand
}

func (r *reservoir) add(w convWait) {
	r.seen++
	if len(r.w) < maxWaits {
		r.w = append(r.w, w)
		return
	}
	if r.rng == nil {
		r.rng = rand.New(rand.NewPCG(0x5eed, 0xf17))
	}
	if i := r.rng.Int64N(r.seen); i < int64(maxWaits) {
		r.w[i] = w
	}
}

// selectWaits bounds the waits each shift proposal is scored on: every k-th.
const selectWaits = 4096

// fitTeam estimates the team from the waits and the replies' profile over the horizon
// [from, to) in loc; ratePeak is the busiest day's arrival rate an hour, and
// messages the user messages a conversation has (each wants a reply).
func fitTeam(waits []convWait, replies *Profile, from, to time.Time, loc *time.Location, zeroS, ratePeak, messages float64, cost money.Micros) (*Team, error) {
	tlEnd := model.FromStd(to.AddDate(0, 0, 8)) // pickups of the last days' conversations
	on := func(days []int, start, hours int) []agents.Step {
		s := agents.Staffing{Shifts: []agents.Shift{(&Team{Days: days, StartHour: start, Hours: hours, Headcount: 1}).Shift()}}
		return s.Timeline(model.FromStd(from), tlEnd, loc).Steps
	}
	sub := waits
	if k := len(waits) / selectWaits; k > 1 {
		sub = make([]convWait, 0, selectWaits+1)
		for i := 0; i < len(waits); i += k {
			sub = append(sub, waits[i])
		}
	}
	score := func(days []int, start, hours int) float64 {
		d := deconvolve(sub, on(days, start, hours))
		ll, err := quickLogLik(d.Waits, zeroS)
		if err != nil {
			return math.Inf(1)
		}
		ll += d.logLik()
		if math.IsNaN(ll) {
			return math.Inf(1) // no likelihood to rank by: last, never taken before a scored shift
		}
		k := 3.0
		if d.replied > 0 {
			k++ // the off-duty reply rate
		}
		if hours < 24 {
			k += 2
		}
		if len(days) < 7 {
			k++
		}
		return 2*k - 2*ll
	}
	all := []int{0, 1, 2, 3, 4, 5, 6}
	t := &Team{Days: all, StartHour: 0, Hours: 24, CostPerHour: cost}
	propose := func(days []int, start, hours int) {
		t.Proposals = append(t.Proposals, Proposal{Days: days, StartHour: start, Hours: hours, AIC: score(days, start, hours)})
	}
	propose(all, 0, 24)
	var byHour [24]float64
	var byDay [7]float64
	for d := range 7 {
		for h := range 24 {
			byHour[h] += float64(replies.Count[d][h])
			byDay[d] += float64(replies.Count[d][h])
		}
	}
	for _, win := range hourWindows(byHour) {
		propose(all, win[0], win[1])
	}
	best := t.bestProposal()
	t.StartHour, t.Hours = best.StartHour, best.Hours
	var dayRate [7]float64
	for d := range 7 {
		var x float64
		for h := range 24 {
			x += replies.Exposure[d][h]
		}
		if x > 0 {
			dayRate[d] = byDay[d] / x
		}
	}
	for _, days := range replyDays(daySets(dayRate), byDay) {
		propose(days, t.StartHour, t.Hours)
	}
	t.Days = t.bestProposal().Days
	sort.SliceStable(t.Proposals, func(i, j int) bool { return t.Proposals[i].AIC < t.Proposals[j].AIC })
	steps := on(t.Days, t.StartHour, t.Hours)
	d := deconvolve(waits, steps)
	fitted, err := FitCensored(d.Waits, zeroS)
	if err != nil {
		return nil, err
	}
	t.Wait, t.OffDutyReplies = fitted, int64(d.replied)
	busy := busiestHours(byHour)
	var quick [2][]float64
	for _, w := range waits {
		i := 0
		if !busy[w.start.In(loc).Hour()] {
			i = 1
		}
		t.Arrived[i]++
		if w.answered {
			t.Answered[i]++
			quick[i] = append(quick[i], (w.end - w.start).Seconds())
		}
	}
	for i := range quick {
		if len(quick[i]) > 0 {
			slices.Sort(quick[i])
			t.MedianS[i] = quantile(quick[i], 0.5)
		}
	}
	// With agents to spare, the conversations in hand (or the agents busy) are a Poisson
	// count, whatever the holding time's distribution (M/G/∞), with mean the rate
	// conversations are taken up at times the mean holding time; at the busiest
	// level's busiest weekday, with the day's conversations taken up in the shift's
	// hours, the headcount and the slots cover it 99% of the time.
	fam := fitted.Families[fitted.Best]
	rate := ratePeak * 24 / float64(t.Hours) * (1 - fam.Ignore) / 3600 // conversations a second
	t.Work = rate * max(1, messages) * defaultHandle().Mean()
	t.InHand = rate * fam.Spec.Mean()
	t.Headcount, t.Concurrency = poissonQuantile(t.Work, 0.99), 1
	if !t.RoundTheClock() {
		slots := poissonQuantile(t.InHand, 0.99)
		t.Concurrency = (slots + t.Headcount - 1) / t.Headcount
	}
	return t, nil
}

// offDuty is what deconvolve makes of conversations that started off duty: those
// answered before the shift started (someone replied off duty), with Σ ln 1/(p−t)
// over them (a reply spread evenly over the wait for the shift), those the trace
// followed past the shift's start without such a reply, and those it stopped following
// before, with the share of the wait they were followed for.
type offDuty struct {
	Waits
	replied, later int
	logDensity     float64
	early          []float64
}

// logLik is the off-duty replies' share of the likelihood: a conversation that starts
// off duty is answered before the shift with probability ε, at a time spread evenly
// over its wait, and otherwise waits for the shift like any other; ε is the replied
// share of those followed past the shift's start (its maximum-likelihood value but
// for the few followed less far, which count with the chance of no reply so far).
func (d offDuty) logLik() float64 {
	if d.replied == 0 {
		return 0
	}
	eps := float64(d.replied) / float64(d.replied+d.later)
	ll := d.logDensity + float64(d.replied)*math.Log(eps) + float64(d.later)*math.Log1p(-eps)
	for _, f := range d.early {
		ll += math.Log1p(-eps * f)
	}
	return ll
}

// defaultHandle is a scenario's default handle time.
func defaultHandle() dist.Spec { return scenarios.Default().Agents.HandleTime }

// Proposal is a shift scored: the weekdays, the local start hour and length, and the
// AIC of the waits under it.
type Proposal struct {
	Days             []int
	StartHour, Hours int
	AIC              float64
}

// bestProposal is the lowest AIC so far (the first among equals).
func (t *Team) bestProposal() Proposal {
	b := t.Proposals[0]
	for _, p := range t.Proposals[1:] {
		if p.AIC < b.AIC {
			b = p
		}
	}
	return b
}

// busiestHours marks the twelve local hours with the most replies (ties to the
// earlier hour).
func busiestHours(count [24]float64) [24]bool {
	hours := make([]int, 24)
	for h := range hours {
		hours[h] = h
	}
	sort.SliceStable(hours, func(i, j int) bool { return count[hours[i]] > count[hours[j]] })
	var busy [24]bool
	for _, h := range hours[:12] {
		busy[h] = true
	}
	return busy
}

// deconvolve turns conversations into waits from their pickup under steps (the start,
// or the next moment agents are on duty) to their first reply. A reply before the
// pickup (sent by someone off duty) is counted apart (offDuty, Waits.Elsewhere). A
// conversation the trace stopped following before its pickup is left out of the
// waits.
func deconvolve(ws []convWait, steps []agents.Step) offDuty {
	var out offDuty
	for _, w := range ws {
		if w.end <= w.start && !w.answered {
			continue // the trace stopped following it as it began
		}
		p, ok := pickup(steps, w.start)
		if !ok {
			p = w.end + 1 // nobody on duty before the timeline ends: as if after it
		}
		late := p > w.start
		switch {
		case w.end >= p && w.answered:
			out.Answered = append(out.Answered, (w.end - p).Seconds())
		case w.end > p:
			out.Censored = append(out.Censored, (w.end - p).Seconds())
		case w.answered:
			out.Elsewhere++
			out.replied++
			out.logDensity -= math.Log((p - w.start).Seconds())
			continue
		default:
			out.early = append(out.early, float64(w.end-w.start)/float64(p-w.start))
			continue
		}
		if late {
			out.later++
		}
	}
	return out
}

// pickup is the first moment from t that agents are on duty under steps; false if none
// before the steps end.
func pickup(steps []agents.Step, t model.Time) (model.Time, bool) {
	i := sort.Search(len(steps), func(i int) bool { return steps[i].At > t }) - 1
	if i < 0 {
		i = 0
	}
	if steps[i].Agents > 0 {
		return max(t, steps[i].At), true
	}
	for j := i + 1; j < len(steps); j++ {
		if steps[j].Agents > 0 {
			return steps[j].At, true
		}
	}
	return 0, false
}

// quickLogLik is the maximised log-likelihood of the lognormal with a never-answered
// share (without one if nothing is censored) of the waits, the off-duty replies left
// to offDuty.logLik: what scores a shift proposal.
func quickLogLik(w Waits, zeroS float64) (float64, error) {
	ans := make([]float64, len(w.Answered))
	var s Samples
	for i, x := range w.Answered {
		if x <= 0 {
			x = zeroS
		}
		ans[i] = x
		s.add(x, 1)
	}
	f, err := s.Fit(zeroS)
	if err != nil {
		return 0, err
	}
	if f.Constant {
		return math.Inf(1), nil
	}
	var init []float64
	for _, fam := range f.Families {
		if fam.Kind == dist.LogNormal {
			init = familyParams(fam)
		}
	}
	d := newWaitData(ans, w.Censored, 0)
	return fitFamily(variant{kind: dist.LogNormal, share: len(w.Censored) > 0}, init, d, d).LogLik, nil
}

// hourWindows are the shift windows the replies' hourly counts propose: for each
// count they reach, the hours at or above it, closed into the shortest window (across
// midnight if need be) that holds them all; as [start hour, hours], whole days left out.
func hourWindows(count [24]float64) [][2]int {
	levels := map[float64]bool{}
	for _, c := range count {
		if c > 0 {
			levels[c] = true
		}
	}
	seen := map[[2]int]bool{}
	var out [][2]int
	for tau := range levels {
		// The window is the day less the longest run of hours below tau.
		gapStart, gapLen := 0, 0
		for h := range 24 {
			n := 0
			for n < 24 && count[(h+n)%24] < tau {
				n++
			}
			if n > gapLen {
				gapStart, gapLen = h, n
			}
		}
		if gapLen == 0 {
			continue
		}
		w := [2]int{(gapStart + gapLen) % 24, 24 - gapLen}
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][1] > out[j][1] || out[i][1] == out[j][1] && out[i][0] < out[j][0] })
	return out
}

// minShiftReplies is the least share of the team's replies a proposed shift's days must
// hold.
const minShiftReplies = 0.9

// replyDays are the weekday sets of sets whose days hold at least minShiftReplies of the
// replies (byDay, by weekday). A team works where its replies go out: days that leave
// out more than a tenth of them are no shift of its, however well a wait for the next
// such day explains a backlog's waits (a month-long backlog fitted a Monday-only team,
// while 77% of the replies went out Tuesday to Saturday).
func replyDays(sets [][]int, byDay [7]float64) [][]int {
	var total float64
	for _, n := range byDay {
		total += n
	}
	var out [][]int
	for _, days := range sets {
		var covered float64
		for _, d := range days {
			covered += byDay[d]
		}
		if covered >= minShiftReplies*total {
			out = append(out, days)
		}
	}
	return out
}

// daySets are the weekday sets the replies' daily rates propose: for each rate they
// reach, the weekdays at or above it (every weekday left out).
func daySets(rate [7]float64) [][]int {
	var out [][]int
	seen := map[string]bool{}
	for _, tau := range rate {
		if tau <= 0 {
			continue
		}
		var days []int
		for d, r := range rate {
			if r >= tau {
				days = append(days, d)
			}
		}
		if k := fmt.Sprint(days); len(days) < 7 && !seen[k] {
			seen[k] = true
			out = append(out, days)
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// poissonQuantile is the smallest c >= 1 with P(Poisson(mean) <= c) >= q.
func poissonQuantile(mean, q float64) int {
	if !(mean > 0) {
		return 1
	}
	if mean > 1e6 {
		return int(math.Ceil(mean + 2.33*math.Sqrt(mean)))
	}
	p := math.Exp(-mean)
	cum := p
	c := 0
	for cum < q || c < 1 {
		c++
		p *= mean / float64(c)
		cum += p
		if p == 0 && cum < q { // e^-mean underflowed
			return int(math.Ceil(mean + 2.33*math.Sqrt(mean)))
		}
	}
	return c
}
