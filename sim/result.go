package sim

import (
	"math"
	"strconv"
	"time"

	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
)

// Param is one swept scenario field and the value it took in a run: a number, or for a
// field that takes names (agents.late_reply: utility, marketing, drop) a name.
type Param struct {
	Path  string  // scenario field path, e.g. "agents.shifts[0].headcount"
	Name  string  // the sweep's short name for it ("weekday"), if it gave one
	Value float64 // in the field's own unit; NaN for a name
	Text  string  // the name, for a field that takes names; "" for a number
}

// Equal says whether p and q are the same field with the same value.
func (p Param) Equal(q Param) bool {
	return p.Path == q.Path && p.Text == q.Text &&
		(p.Value == q.Value || math.IsNaN(p.Value) && math.IsNaN(q.Value))
}

// String is the value for people and run ids: the name, or the number as Go's
// shortest form ("4", "0.25").
func (p Param) String() string {
	if p.Text != "" {
		return p.Text
	}
	return strconv.FormatFloat(p.Value, 'g', -1, 64)
}

// RunResult is everything one run (one sweep point × one replication) reports.
// Durations are seconds; money is micros of Currency.
type RunResult struct {
	RunID       string // stable, readable: "headcount=8,handle=600s/r0"
	Point       int    // sweep point index, in declared order
	PointLabel  string // the sweep point's readable id: "weekday=4,sunday=2" ("base" without a sweep)
	Replication int
	Seed        uint64 // the run's own seed, derived from the scenario seed
	Params      []Param
	Currency    string

	Customers        int64
	Conversations    int64 // conversations customers started inside the horizon, on their own or answering a template
	UserMessages     int64
	BusinessMessages int64 // sent (including undelivered)
	Templates        int64 // business messages that were templates
	Replies          int64 // replies that answer a customer, by agents or the bot, sent or dropped: one per answered user message (the bot's hand-over messages are not replies)
	RepliesInWindow  int64 // sent as free-form text inside the window
	LateUtility      int64 // late replies sent as a utility template
	LateMarketing    int64 // late replies sent as a marketing template
	Dropped          int64 // late replies dropped: the customer was not answered
	Unanswered       int64 // user messages never answered: their customer gave up, or still waiting when the run ended
	Abandoned        int64 // conversations whose customer gave up waiting for an agent (agents.patience)
	BotReplies       int64 // messages the bot produced, sent or dropped: its replies (part of Replies) and its hand-over messages
	BotResolved      int64 // conversations the bot took on alone, without an agent
	BotHandoffs      int64 // conversations the bot answered first and handed to the agents
	FirstResponses   int64 // conversations that got a first response: the answered
	AnsweredInWindow int64 // of them, those whose first response was sent inside the customer service window
	// UnansweredConversations never got a first response: abandoned, their first
	// reply dropped, or still waiting when the run ended (Conversations −
	// FirstResponses); DroppedConversations are those whose first reply was dropped.
	UnansweredConversations int64
	DroppedConversations    int64
	// The shares of Conversations answered, never answered, abandoned and dropped
	// (0..1; NaN without conversations).
	AnsweredShare, UnansweredShare, AbandonedShare, DroppedShare float64
	// InWindowShare is the share of the conversations that arrived whose first
	// response was sent inside the window: AnsweredInWindow ÷ Conversations (0 without
	// conversations). A conversation never answered was not answered in the window.
	InWindowShare     float64
	WaitMeanS         float64 // mean time from conversation start to an agent picking it up
	WaitedShare       float64 // share of conversations that waited for an agent at all
	FirstResponseMean float64 // seconds, among the answered; NaN if nobody was
	// First-response percentiles in seconds over every conversation, the unanswered
	// sorting last: NotAnswered (+Inf) when the percentile falls among them, NaN
	// without conversations.
	FirstResponseP50S float64
	FirstResponseP90S float64
	FirstResponseP99S float64
	AgentHours        float64 // staffed agent-hours from Start until the backlog is cleared (horizon + drain; a response-time team's, the horizon alone)
	Utilisation       float64 // busy slot-hours / staffed slot-hours over the same span (≤ 1)
	// FirstResponseQuantilesS is the first-response time in seconds at each of
	// FirstResponseQuantileLevels, from the run's DDSketch: the run's distribution in
	// 50 numbers, for CDF plots, over every conversation (NotAnswered at the levels that
	// fall among the unanswered). Nil without conversations.
	FirstResponseQuantilesS []float64

	MessagingMicros    money.Micros
	DerivedMicros      money.Micros // of MessagingMicros, priced from derived rate cells (carried forward onto partial cards, or derived in the data)
	ThirdPartyMicros   money.Micros // of MessagingMicros, priced from third_party rate cells
	StaffingMicros     money.Micros
	AmountByCategory   [pricing.NumCategories]money.Micros
	BillableByCategory [pricing.NumCategories]int64 // charged units (pricing type regular): pricing.Charge.Unit
	FreeByCategory     [pricing.NumCategories]int64 // free units: free tier, free customer service, free entry point
	MessagesByType     [pricing.NumTypes]int64      // delivered business messages by pricing type

	// The drain: what the run cost after its horizon, answering the conversations
	// that arrived inside it and sending the templates the messaging limit held (billed
	// to the run: a bill covers every message a run caused). DrainDays are the local
	// days after the horizon on which it still answered or sent (its AfterHorizon day
	// rows); DrainMessagingMicros, of MessagingMicros, the messages sent on them; DrainStaffingMicros, of StaffingMicros, the agents on
	// duty from the horizon end until the backlog was cleared. All zero without a drain.
	DrainDays            int64
	DrainMessagingMicros money.Micros
	DrainStaffingMicros  money.Micros

	// Outbound is what became of the business's notifications and campaigns.
	Outbound OutboundCounts

	// OffDutyCounted says the run counted the conversations that arrived while no agent
	// was on duty (a simulated team answering from a queue; not one modelled by its
	// response time, nor a run read back from runs.parquet, which lacks them): then
	// OffDutyConversations are they, OffDutyShare their share of Conversations (NaN
	// without conversations), and OffDutyFloorP50S, P90S and P99S the first-response
	// percentiles the wait for the next shift alone gives, over every conversation as
	// the run's own (those that arrived on duty at 0, those no shift came for
	// NotAnswered): no headcount brings a percentile under its floor. The floors are
	// NaN where a bot answers meanwhile, or with the share; all zero when not counted.
	OffDutyCounted                                       bool
	OffDutyConversations                                 int64
	OffDutyShare                                         float64
	OffDutyFloorP50S, OffDutyFloorP90S, OffDutyFloorP99S float64

	// Periods, for a forecast's run (Config.Periods), are the first-response figures
	// of the conversations that arrived in each of its months, in order; nil otherwise.
	// Not in runs.parquet.
	Periods []PeriodFigures
}

// PeriodFigures are how fast the conversations that arrived in one period of a run
// (a forecast's month) were answered, whenever that was: counted as the run's own
// figures are, every conversation that arrived in the period, the unanswered sorting
// last (NotAnswered when a percentile falls among them); NaN without conversations.
type PeriodFigures struct {
	Conversations     int64 // arrived in the period
	FirstResponses    int64 // of them, answered
	AnsweredShare     float64
	FirstResponseP50S float64
	FirstResponseP90S float64
	FirstResponseP99S float64
}

// DayRow is one run's figures for one calendar day in the business's time zone.
type DayRow struct {
	RunID string
	Day   time.Time // midnight starting the day, in the business's time zone
	// AfterHorizon marks a day after the horizon, on which the run's conversations were
	// still being answered or the templates the messaging limit held still going out
	// (no conversation starts on it).
	AfterHorizon bool

	Conversations     int64
	UserMessages      int64
	BusinessMessages  int64
	Billable          int64
	LateReplies       int64 // late utility + late marketing
	Dropped           int64
	FirstResponses    int64
	FirstResponseSumS float64 // sum of first-response times of conversations answered this day
	Templates         int64   // business messages that were templates (notifications, campaigns, late replies)
	Blocks            int64   // customers who blocked the business this day
	ReachLost         int64   // templates not delivered because the customer had blocked the business
	MessagingMicros   money.Micros
	AmountByCategory  [pricing.NumCategories]money.Micros
	// Of MessagingMicros, the parts priced from derived and third_party rate cells: for
	// forecasts, which mark the months resting on them. Not in daily.parquet.
	DerivedMicros, ThirdPartyMicros money.Micros
	// BotConversations are the conversations the bot took on this day, as its fee
	// counts them (RunResult.BotResolved + BotHandoffs): for forecasts, which charge
	// each month its own. Not in daily.parquet.
	BotConversations int64
}

// FirstResponseQuantileLevels are the levels of RunResult.FirstResponseQuantilesS:
// every 2% from 1% to 99% (0.01, 0.03, ..., 0.99), 50 in all.
func FirstResponseQuantileLevels() []float64 {
	ls := make([]float64, 50)
	for i := range ls {
		ls[i] = float64(2*i+1) / 100
	}
	return ls
}
