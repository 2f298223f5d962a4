package sim

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/DataDog/sketches-go/ddsketch"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
)

// SketchAccuracy is the relative accuracy of the first-response percentiles: a
// reported p90 is within 0.5% of the true p90 of the run's samples. A DDSketch keeps
// memory bounded by the range of values, not by their number.
const SketchAccuracy = 0.005

// Stats is the Recorder that turns a run into a RunResult and one DayRow per local
// day: the days of the horizon, then the days after it on which the run's conversations
// were still being answered or its held templates going out (AfterHorizon). Money is summed as integer micros; daily
// amounts and the run total come from the same charges, so they agree exactly.
type Stats struct {
	res    RunResult
	rows   []DayRow
	dayEnd []Time // dayEnd[i] is the end of day i
	di     int
	// cur is rows[di] while a time before curEnd = dayEnd[di] asks for its row: nearly
	// every call to row, answered without a look at the slices.
	cur      *DayRow
	curEnd   Time
	days     model.Days
	end      Time // the horizon end: days from here on are after the horizon
	sketch   *ddsketch.DDSketch
	frSum    float64
	waitSum  float64
	pickups  int64
	waited   int64
	total    money.Sum
	category [pricing.NumCategories]money.Sum
	stop     func() error // Err's answer; nil: never stop
	derived  money.Sum    // priced from derived (carried-forward) rate cells
	third    money.Sum    // priced from third_party cells
	// splits are the starts of the periods after the first (SplitAt), periods their
	// tallies by arrival; both nil unless a forecast asked for them.
	splits  []Time
	periods []periodTally
	// duty tells the conversations that arrived with nobody on duty (WatchDuty); nil:
	// not asked. offDuty counts them, offDutyWait holds how long each waited for the
	// next shift (those for whom none came, offDutyNever, apart); offDutyFloor says
	// that wait bounds their first response from below (no bot answers meanwhile).
	duty         *agents.Duty
	offDuty      int64
	offDutyNever int64
	offDutyWait  *ddsketch.DDSketch
	offDutyFloor bool
}

// WatchDuty makes the run count the conversations that arrived while no agent was on
// duty and how long each had to wait for the next shift (RunResult.OffDuty...): d
// lays the run's shifts. floor says nobody else answers meanwhile (no bot), so that
// the wait is a floor under the first response.
func (s *Stats) WatchDuty(d *agents.Duty, floor bool) {
	sk, err := ddsketch.NewDefaultDDSketch(SketchAccuracy)
	if err != nil {
		panic("sim: " + err.Error())
	}
	s.duty, s.offDutyWait, s.offDutyFloor = d, sk, floor
}

// periodTally is what a period's conversations, by when they arrived, became: how
// many arrived, how many were answered and how fast.
type periodTally struct {
	arrived, answered int64
	sketch            *ddsketch.DDSketch
}

// SplitAt makes the run figure the conversations that arrived in each period apart
// (RunResult.Periods): starts are the starts of the periods after the first, sorted,
// inside the horizon. None: the run's figures alone.
func (s *Stats) SplitAt(starts []Time) {
	if len(starts) == 0 {
		return
	}
	s.splits = starts
	s.periods = make([]periodTally, len(starts)+1)
	for i := range s.periods {
		sk, err := ddsketch.NewDefaultDDSketch(SketchAccuracy)
		if err != nil {
			panic("sim: " + err.Error())
		}
		s.periods[i].sketch = sk
	}
}

// period is the tally of the period holding t.
func (s *Stats) period(t Time) *periodTally {
	i, _ := slices.BinarySearch(s.splits, t+1) // the splits at or before t
	return &s.periods[i]
}

// Err implements Stopper: a run recorded by a sweep's Stats ends when the sweep's
// context does (RunEach); otherwise it never stops early.
func (s *Stats) Err() error {
	if s.stop == nil {
		return nil
	}
	return s.stop()
}

// NewStats prepares the day rows of [from, to) in loc.
func NewStats(runID string, from, to Time, loc *time.Location) *Stats {
	sk, err := ddsketch.NewDefaultDDSketch(SketchAccuracy)
	if err != nil {
		panic("sim: " + err.Error())
	}
	s := &Stats{sketch: sk, days: model.NewDays(loc), end: to, curEnd: math.MinInt64}
	s.res.RunID = runID
	if to > from {
		n := min((to-from)/model.Day+2, 1<<20) // the days, one more where clocks change
		s.rows, s.dayEnd = make([]DayRow, 0, n), make([]Time, 0, n)
	}
	for d := s.days.Start(s.days.Of(from)); d < to; {
		next := s.days.Start(s.days.Of(d) + 1)
		s.rows = append(s.rows, DayRow{RunID: runID, Day: d.In(loc)})
		s.dayEnd = append(s.dayEnd, min(next, to))
		d = next
	}
	return s
}

// row returns the day row of t; times only move forward during a run.
func (s *Stats) row(t Time) *DayRow {
	if t < s.curEnd {
		return s.cur
	}
	return s.rowAfter(t)
}

// rowAfter is row for a time past the current row's day.
func (s *Stats) rowAfter(t Time) *DayRow {
	for len(s.dayEnd) == 0 || t >= s.dayEnd[len(s.dayEnd)-1] {
		s.dayAfter()
	}
	for s.di < len(s.dayEnd)-1 && t >= s.dayEnd[s.di] {
		s.di++
	}
	s.cur, s.curEnd = &s.rows[s.di], s.dayEnd[s.di]
	return s.cur
}

// dayAfter adds the row of the next local day after the horizon.
func (s *Stats) dayAfter() {
	from := s.end
	if n := len(s.dayEnd); n > 0 {
		from = max(from, s.dayEnd[n-1])
	}
	d := s.days.Start(s.days.Of(from))
	next := s.days.Start(s.days.Of(d) + 1)
	s.rows = append(s.rows, DayRow{RunID: s.res.RunID, Day: d.In(s.days.Location()), AfterHorizon: true})
	s.dayEnd = append(s.dayEnd, next)
}

// BotConversations implements BotRecorder.
func (s *Stats) BotConversations(at Time, n int64) { s.row(at).BotConversations += n }

// Conversation implements ConversationRecorder.
func (s *Stats) Conversation(at Time) {
	s.row(at).Conversations++
	if s.periods != nil {
		s.period(at).arrived++
	}
	if s.duty != nil {
		if wait, on := s.duty.Wait(at); !on {
			s.offDuty++
			if wait == agents.Never {
				s.offDutyNever++
			} else if err := s.offDutyWait.Add(wait.Seconds()); err != nil {
				panic("sim: " + err.Error())
			}
		}
	}
}

// Message implements Recorder.
func (s *Stats) Message(m *model.Message, c *pricing.Charge) {
	row := s.row(m.TS)
	if m.Direction == model.FromUser {
		s.res.UserMessages++
		row.UserMessages++
		return
	}
	s.res.BusinessMessages++
	row.BusinessMessages++
	if m.Kind == model.Template {
		s.res.Templates++
		row.Templates++
	}
	if m.Status == model.Sent {
		// In a simulation only a template to a customer who blocked stays "sent".
		row.ReachLost++
	}
	if m.Status.WasDelivered() {
		s.res.MessagesByType[c.Type]++
	}
	if c.Unit() {
		if c.Type == pricing.Regular {
			s.res.BillableByCategory[c.Category]++
			row.Billable++
		} else {
			s.res.FreeByCategory[c.Category]++
		}
	}
	if c.Billable {
		s.total.Add(c.Amount)
		s.category[c.Category].Add(c.Amount)
		row.MessagingMicros += c.Amount
		switch c.Confidence {
		case pricing.Derived:
			s.derived.Add(c.Amount)
			row.DerivedMicros += c.Amount
		case pricing.ThirdParty:
			s.third.Add(c.Amount)
			row.ThirdPartyMicros += c.Amount
		}
		row.AmountByCategory[c.Category] += c.Amount
	}
}

// Block implements BlockRecorder.
func (s *Stats) Block(at Time) { s.row(at).Blocks++ }

// Reply implements Recorder.
func (s *Stats) Reply(at Time, o ReplyOutcome) {
	row := s.row(at)
	s.res.Replies++
	switch o {
	case InWindow:
		s.res.RepliesInWindow++
	case LateUtility:
		s.res.LateUtility++
		row.LateReplies++
	case LateMarketing:
		s.res.LateMarketing++
		row.LateReplies++
	case Dropped:
		s.res.Dropped++
		row.Dropped++
	}
}

// Pickup implements Recorder.
func (s *Stats) Pickup(start, at Time) {
	s.pickups++
	if at > start {
		s.waited++
		s.waitSum += (at - start).Seconds()
	}
}

// FirstResponse implements Recorder.
func (s *Stats) FirstResponse(start, at Time) {
	row := s.row(at)
	sec := (at - start).Seconds()
	s.res.FirstResponses++
	row.FirstResponses++
	row.FirstResponseSumS += sec
	s.frSum += sec
	if err := s.sketch.Add(sec); err != nil {
		panic("sim: " + err.Error())
	}
	if s.periods != nil {
		p := s.period(start)
		p.answered++
		if err := p.sketch.Add(sec); err != nil {
			panic("sim: " + err.Error())
		}
	}
}

// Result completes the run's figures with its outcome and staffing cost.
func (s *Stats) Result(o Outcome, st *agents.Staffing, currency string) (RunResult, []DayRow, error) {
	r := s.res
	var err error
	if r.MessagingMicros, err = s.total.Total(); err != nil {
		return r, nil, fmt.Errorf("sim: run %s: messaging spend: %w", r.RunID, err)
	}
	// Parts of the total: they cannot overflow where it did not.
	r.DerivedMicros, _ = s.derived.Total()
	r.ThirdPartyMicros, _ = s.third.Total()
	for c := range s.category {
		if r.AmountByCategory[c], err = s.category[c].Total(); err != nil {
			return r, nil, fmt.Errorf("sim: run %s: %w", r.RunID, err)
		}
	}
	// The bot's fee per conversation it took on is part of the cost of answering.
	if r.StaffingMicros, err = st.CostOf(o.AgentTime, o.BotResolved+o.BotHandoffs); err != nil {
		return r, nil, fmt.Errorf("sim: run %s: %w", r.RunID, err)
	}
	// The drain's share of the staffing: the whole less the horizon's alone, so the
	// parts add up to the cost rounded once.
	horizonCost, err := st.CostOf(o.AgentTime-o.DrainAgentTime, o.BotResolved+o.BotHandoffs)
	if err != nil {
		return r, nil, fmt.Errorf("sim: run %s: %w", r.RunID, err)
	}
	r.DrainStaffingMicros = r.StaffingMicros - horizonCost
	var drainMsg money.Sum
	for i := range s.rows {
		if s.rows[i].AfterHorizon {
			r.DrainDays++
			drainMsg.Add(s.rows[i].MessagingMicros)
		}
	}
	r.DrainMessagingMicros, _ = drainMsg.Total() // part of the total: no overflow where it had none
	r.Currency = currency
	r.Conversations = o.Conversations
	r.Unanswered = o.Unanswered
	r.DroppedConversations = o.DroppedConversations
	r.UnansweredConversations = o.Conversations - r.FirstResponses
	r.Outbound = o.Outbound
	r.BotReplies, r.BotResolved, r.BotHandoffs = o.BotReplies, o.BotResolved, o.BotHandoffs
	r.Abandoned = o.Abandoned
	r.AgentHours = o.AgentTime.Hours()
	if slotTime := o.AgentTime * Time(o.Slots); slotTime > 0 {
		r.Utilisation = float64(o.BusySlotTime) / float64(slotTime)
	}
	// Of the conversations that arrived, the share whose first response was sent
	// inside the window: one never answered was not answered in it.
	r.AnsweredInWindow = o.AnsweredInWindow
	if r.Conversations > 0 {
		r.InWindowShare = float64(r.AnsweredInWindow) / float64(r.Conversations)
	}
	r.AnsweredShare, r.UnansweredShare, r.AbandonedShare, r.DroppedShare = nan, nan, nan, nan
	if n := float64(r.Conversations); n > 0 {
		r.AnsweredShare = float64(r.FirstResponses) / n
		r.UnansweredShare = float64(r.UnansweredConversations) / n
		r.AbandonedShare = float64(r.Abandoned) / n
		r.DroppedShare = float64(r.DroppedConversations) / n
	}
	if s.pickups > 0 {
		r.WaitMeanS = s.waitSum / float64(s.pickups)
		r.WaitedShare = float64(s.waited) / float64(s.pickups)
	}
	r.FirstResponseMean = nan
	if r.FirstResponses > 0 {
		r.FirstResponseMean = s.frSum / float64(r.FirstResponses)
	}
	r.FirstResponseP50S, r.FirstResponseP90S, r.FirstResponseP99S = nan, nan, nan
	if r.Conversations > 0 {
		qs, err := Quantiles(s.sketch, []float64{0.5, 0.9, 0.99}, r.FirstResponses, r.Conversations)
		if err != nil {
			return r, nil, fmt.Errorf("sim: run %s: %w", r.RunID, err)
		}
		r.FirstResponseP50S, r.FirstResponseP90S, r.FirstResponseP99S = qs[0], qs[1], qs[2]
		// Asked apart from the three above so that they stay exactly what they were.
		if r.FirstResponseQuantilesS, err = Quantiles(s.sketch, FirstResponseQuantileLevels(), r.FirstResponses, r.Conversations); err != nil {
			return r, nil, fmt.Errorf("sim: run %s: %w", r.RunID, err)
		}
	}
	if err := s.offDutyFigures(&r); err != nil {
		return r, nil, fmt.Errorf("sim: run %s: %w", r.RunID, err)
	}
	if r.Periods, err = s.periodFigures(); err != nil {
		return r, nil, fmt.Errorf("sim: run %s: %w", r.RunID, err)
	}
	return r, s.rows, nil
}

// periodFigures are the periods' first-response figures (SplitAt), by the rule of the
// run's own: every conversation that arrived counts, the unanswered last (Quantiles).
func (s *Stats) periodFigures() ([]PeriodFigures, error) {
	if s.periods == nil {
		return nil, nil
	}
	out := make([]PeriodFigures, len(s.periods))
	for i, p := range s.periods {
		f := PeriodFigures{Conversations: p.arrived, FirstResponses: p.answered,
			AnsweredShare: nan, FirstResponseP50S: nan, FirstResponseP90S: nan, FirstResponseP99S: nan}
		if p.arrived > 0 {
			f.AnsweredShare = float64(p.answered) / float64(p.arrived)
			qs, err := Quantiles(p.sketch, []float64{0.5, 0.9, 0.99}, p.answered, p.arrived)
			if err != nil {
				return nil, err
			}
			f.FirstResponseP50S, f.FirstResponseP90S, f.FirstResponseP99S = qs[0], qs[1], qs[2]
		}
		out[i] = f
	}
	return out, nil
}

// offDutyFigures fills r's off-duty figures (WatchDuty): the share of its
// conversations that arrived with nobody on duty, and the first-response percentiles
// the waits for the next shift alone give, every conversation counted (those that
// arrived on duty at 0, those for whom no shift came last, as NotAnswered).
func (s *Stats) offDutyFigures(r *RunResult) error {
	if s.duty == nil {
		return nil
	}
	r.OffDutyShare, r.OffDutyFloorP50S, r.OffDutyFloorP90S, r.OffDutyFloorP99S = nan, nan, nan, nan
	r.OffDutyCounted, r.OffDutyConversations = true, s.offDuty
	n := r.Conversations
	if n == 0 {
		return nil
	}
	r.OffDutyShare = float64(s.offDuty) / float64(n)
	if !s.offDutyFloor {
		return nil
	}
	onDuty, waited := n-s.offDuty, s.offDuty-s.offDutyNever
	fs := []*float64{&r.OffDutyFloorP50S, &r.OffDutyFloorP90S, &r.OffDutyFloorP99S}
	for i, q := range []float64{0.5, 0.9, 0.99} {
		// Quantiles' rank; the on-duty first (at 0), the never-served last.
		rank := math.Floor(q * float64(n-1))
		switch {
		case rank < float64(onDuty):
			*fs[i] = 0
		case rank-float64(onDuty) >= float64(waited):
			*fs[i] = NotAnswered
		default:
			qa := 0.0
			if waited > 1 {
				qa = math.Min(1, (rank-float64(onDuty)+0.5)/float64(waited-1))
			}
			v, err := s.offDutyWait.GetValueAtQuantile(qa)
			if err != nil {
				return err
			}
			*fs[i] = v
		}
	}
	return nil
}

var nan = math.NaN()

// NotAnswered is a first-response time that falls among the conversations never
// answered: +Inf, which sorts after every time and meets no target.
var NotAnswered = math.Inf(1)

// Quantiles are the first-response times at levels over all conversations that
// arrived, answered of them answered, whose times sk holds: the unanswered sort after
// every answered one, so a level whose rank falls among them is NotAnswered. The rank
// is the sketch's own (level × (all−1), rounded down); when everyone was answered the
// sketch is asked the levels themselves, so the figures are exactly what the answered
// alone give. A run and a restaffed trace count their conversations by this one rule.
func Quantiles(sk *ddsketch.DDSketch, levels []float64, answered, all int64) ([]float64, error) {
	if answered == all {
		return sk.GetValuesAtQuantiles(levels)
	}
	out := make([]float64, len(levels))
	var ask []float64
	var at []int
	for i, q := range levels {
		rank := math.Floor(q * float64(all-1))
		if rank >= float64(answered) {
			out[i] = NotAnswered
			continue
		}
		// The level among the answered whose rank is this one: half a rank in, so
		// that rounding cannot move it to a neighbour.
		qa := 0.0
		if answered > 1 {
			qa = math.Min(1, (rank+0.5)/float64(answered-1))
		}
		ask, at = append(ask, qa), append(at, i)
	}
	if len(ask) == 0 {
		return out, nil
	}
	vs, err := sk.GetValuesAtQuantiles(ask)
	if err != nil {
		return nil, err
	}
	for j, i := range at {
		out[i] = vs[j]
	}
	return out, nil
}
