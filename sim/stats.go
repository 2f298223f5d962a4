package sim

import (
	"fmt"
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
// day. Money is summed as integer micros; daily amounts and the run total come from the
// same charges, so they agree exactly.
type Stats struct {
	res      RunResult
	rows     []DayRow
	dayEnd   []Time // dayEnd[i] is the end of day i
	di       int
	sketch   *ddsketch.DDSketch
	frSum    float64
	waitSum  float64
	pickups  int64
	waited   int64
	total    money.Sum
	category [pricing.NumCategories]money.Sum
	derived  money.Sum // priced from derived (carried-forward) rate cells
	third    money.Sum // priced from third_party cells
}

// NewStats prepares the day rows of [from, to) in loc.
func NewStats(runID string, from, to Time, loc *time.Location) *Stats {
	sk, err := ddsketch.NewDefaultDDSketch(SketchAccuracy)
	if err != nil {
		panic("sim: " + err.Error())
	}
	s := &Stats{sketch: sk}
	s.res.RunID = runID
	lt := from.In(loc)
	d := model.DayStart(lt.Year(), lt.Month(), lt.Day(), loc)
	for model.FromStd(d) < to {
		next := model.DayStart(d.Year(), d.Month(), d.Day()+1, loc)
		s.rows = append(s.rows, DayRow{RunID: runID, Day: d})
		s.dayEnd = append(s.dayEnd, min(model.FromStd(next), to))
		d = next
	}
	return s
}

// row returns the day row of t; times only move forward during a run.
func (s *Stats) row(t Time) *DayRow {
	for s.di < len(s.dayEnd)-1 && t >= s.dayEnd[s.di] {
		s.di++
	}
	return &s.rows[s.di]
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
	if r.StaffingMicros, err = agents.Cost(st.CostPerHour, o.AgentTime); err != nil {
		return r, nil, fmt.Errorf("sim: run %s: staffing cost: %w", r.RunID, err)
	}
	if b := st.Bot; b != nil && b.CostPerConversation != 0 {
		// The bot's fee per conversation it took on is part of the cost of answering.
		bot, err := money.Mul(b.CostPerConversation, o.BotResolved+o.BotHandoffs)
		if err != nil {
			return r, nil, fmt.Errorf("sim: run %s: bot cost: %w", r.RunID, err)
		}
		var sum money.Sum
		sum.Add(r.StaffingMicros)
		sum.Add(bot)
		if r.StaffingMicros, err = sum.Total(); err != nil {
			return r, nil, fmt.Errorf("sim: run %s: staffing and bot cost: %w", r.RunID, err)
		}
	}
	r.Currency = currency
	r.Conversations = o.Conversations
	r.Unanswered = o.Unanswered
	r.Outbound = o.Outbound
	r.BotReplies, r.BotResolved, r.BotHandoffs = o.BotReplies, o.BotResolved, o.BotHandoffs
	r.Abandoned = o.Abandoned
	r.AgentHours = o.AgentTime.Hours()
	if slotTime := o.AgentTime * Time(o.Slots); slotTime > 0 {
		r.Utilisation = float64(o.BusySlotTime) / float64(slotTime)
	}
	if sent := r.Replies; sent > 0 {
		r.InWindowShare = float64(r.RepliesInWindow) / float64(sent)
	}
	if s.pickups > 0 {
		r.WaitMeanS = s.waitSum / float64(s.pickups)
		r.WaitedShare = float64(s.waited) / float64(s.pickups)
	}
	if r.FirstResponses > 0 {
		r.FirstResponseMean = s.frSum / float64(r.FirstResponses)
		qs, err := s.sketch.GetValuesAtQuantiles([]float64{0.5, 0.9, 0.99})
		if err != nil {
			return r, nil, fmt.Errorf("sim: run %s: %w", r.RunID, err)
		}
		r.FirstResponseP50S, r.FirstResponseP90S, r.FirstResponseP99S = qs[0], qs[1], qs[2]
		// Asked apart from the three above so that they stay exactly what they were.
		if r.FirstResponseQuantilesS, err = s.sketch.GetValuesAtQuantiles(FirstResponseQuantileLevels()); err != nil {
			return r, nil, fmt.Errorf("sim: run %s: %w", r.RunID, err)
		}
	}
	return r, s.rows, nil
}
