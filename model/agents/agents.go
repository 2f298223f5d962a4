package agents

import (
	"fmt"
	"math"
	"math/bits"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/dist"
	"github.com/spendsim/spendsim/model/money"
)

// LatePolicy is what the business does with a reply that is ready after the customer's
// 24-hour window has closed, when only a paid template may be sent.
type LatePolicy string

const (
	LateUtility   LatePolicy = "utility"   // send it as a utility template (paid)
	LateMarketing LatePolicy = "marketing" // send it as a marketing template (paid, dearer)
	LateDrop      LatePolicy = "drop"      // don't send: the customer is left unanswered
)

// Shift is a block of agents working the same hours on the same weekdays.
type Shift struct {
	Name      string   `yaml:"name"`      // label for reports; default "shift N"
	Days      []string `yaml:"days"`      // weekdays: mon tue wed thu fri sat sun; default mon–fri
	Start     string   `yaml:"start"`     // local start time HH:MM
	End       string   `yaml:"end"`       // local end time HH:MM; earlier than start means the shift ends the next day; 24:00 allowed
	Headcount int      `yaml:"headcount"` // agents on this shift, >= 0
}

// Staffing is the whole support team.
type Staffing struct {
	Shifts      []Shift      `yaml:"shifts"`
	Concurrency int          `yaml:"concurrency"`   // chats one agent handles at once; default 1
	HandleTime  dist.Spec    `yaml:"handle_time"`   // agent time to answer one customer message
	CostPerHour money.Micros `yaml:"cost_per_hour"` // fully loaded cost of one agent-hour, in the scenario currency; 0 = not costed
	// CostPerHourPlaceholder is the placeholder cost_per_hour was written with by whoever
	// did not know the real cost (spendsim fit: a trace does not say what an agent-hour
	// costs). While cost_per_hour equals it, every staffing figure is a placeholder's and
	// the reports say so; setting a real cost_per_hour ends that. 0 = none.
	CostPerHourPlaceholder money.Micros `yaml:"cost_per_hour_placeholder,omitempty" json:",omitempty"`
	LateReply              LatePolicy   `yaml:"late_reply"` // utility (default), marketing or drop
	// ResponseTime, when set (mean_s > 0), models the team by how long it takes to
	// reply instead of by queueing: every user message gets its reply this long after
	// it arrives, whoever is on duty. Shifts are then optional (they still cost
	// cost_per_hour) and handle_time and concurrency are not used. Seconds; default
	// unset (queueing on the shifts).
	ResponseTime dist.Spec `yaml:"response_time"`
	// Bot, when present, answers every conversation first; default none.
	Bot *Bot `yaml:"bot"`
	// Patience is how long a customer waits in the agents' queue before giving up:
	// exponential or lognormal, seconds. A customer who gives up leaves the queue and is
	// never served; their message counts as unanswered and the conversation as
	// abandoned. Patience ends when an agent picks the conversation up: the reply being
	// prepared is then always sent (late-reply policy as usual). Default unset
	// (customers wait for ever); needs shifts (a response_time team has no queue).
	Patience dist.Spec `yaml:"patience"`
	// IgnoreShare is the share of conversations the agents never take up: they join no
	// queue, get no reply and count as unanswered (a bot, if any, still answers first;
	// the share is of the conversations that reach the agents). What a trace whose
	// business answers some customers and never others, whatever the hour, looks like;
	// `spendsim fit` estimates it. 0..1; default 0 (every conversation is taken up).
	IgnoreShare float64 `yaml:"ignore_share,omitempty" json:",omitempty"`
	// Priority is the order agents pick conversations from the queue: fifo (default,
	// first come first served) or ads_first (conversations that came through a
	// click-to-WhatsApp ad or a Page button first, each group first come first served).
	Priority Priority `yaml:"priority"`
	// Holidays are local dates (YYYY-MM-DD) on which no shift starts: the business is
	// closed. A shift that started the evening before runs to its end. Default none.
	Holidays []string `yaml:"holidays"`
}

// Priority is an order of the agents' queue.
type Priority string

const (
	FIFO     Priority = "fifo"      // first come, first served
	AdsFirst Priority = "ads_first" // ad and Page-button leads before everyone else
)

// Patient reports whether customers wait for ever.
func (s Staffing) Patient() bool { return s.Patience == dist.Spec{} }

// Bot is an automated first line: it answers each conversation's first message after
// ReplyS, resolves a share of conversations alone (answering all their messages), and
// hands the rest to the agents' queue HandoffS after its first reply. Its replies are
// business text messages billed like agents' replies, late-reply policy included.
type Bot struct {
	ReplyS       float64 `yaml:"reply_s"`       // seconds from a user message to the bot's reply, >= 0; default 0 (at once)
	ResolveShare float64 `yaml:"resolve_share"` // share of conversations the bot resolves without an agent, 0..1; default 0
	HandoffS     float64 `yaml:"handoff_s"`     // seconds from the bot's first reply to the conversation joining the agents' queue, >= 0; default 0
	// CostPerConversation is what the bot costs per conversation it takes on (resolved
	// or handed over), in the scenario currency, added to the staffing cost; 0 = free.
	CostPerConversation money.Micros `yaml:"cost_per_conversation"`
}

// Validate reports problems, each prefixed by path.
func (b *Bot) Validate(path string) []string {
	var errs []string
	if !(b.ReplyS >= 0) || math.IsInf(b.ReplyS, 0) {
		errs = append(errs, fmt.Sprintf("%s.reply_s: must be >= 0 seconds, got %v", path, b.ReplyS))
	}
	if !(b.ResolveShare >= 0 && b.ResolveShare <= 1) {
		errs = append(errs, fmt.Sprintf("%s.resolve_share: must be a share between 0 and 1, got %v", path, b.ResolveShare))
	}
	if !(b.HandoffS >= 0) || math.IsInf(b.HandoffS, 0) {
		errs = append(errs, fmt.Sprintf("%s.handoff_s: must be >= 0 seconds, got %v", path, b.HandoffS))
	}
	if b.CostPerConversation < 0 {
		errs = append(errs, fmt.Sprintf("%s.cost_per_conversation: must be >= 0, got %s", path, b.CostPerConversation))
	}
	return errs
}

// ByResponseTime reports whether the team is modelled by its response-time
// distribution rather than by shifts and a queue.
func (s Staffing) ByResponseTime() bool { return s.ResponseTime != dist.Spec{} }

// parseClock reads HH:MM into minutes after midnight (24:00 allowed).
func parseClock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// Validate reports problems, each prefixed by path.
func (s Staffing) Validate(path string) []string {
	var errs []string
	if len(s.Shifts) == 0 && !s.ByResponseTime() {
		errs = append(errs, path+".shifts: at least one shift is needed (or a response_time distribution instead of shifts)")
	}
	for i, sh := range s.Shifts {
		p := fmt.Sprintf("%s.shifts[%d]", path, i)
		if sh.Headcount < 0 {
			errs = append(errs, fmt.Sprintf("%s.headcount: must be >= 0, got %d", p, sh.Headcount))
		}
		for j, d := range sh.Days {
			if _, ok := model.ParseWeekday(d); !ok {
				errs = append(errs, fmt.Sprintf("%s.days[%d]: %q is not one of %s", p, j, d, strings.Join(model.WeekdayNames(), ", ")))
			}
		}
		start, ok1 := parseClock(sh.Start)
		if !ok1 {
			errs = append(errs, fmt.Sprintf("%s.start: %q is not a local time HH:MM", p, sh.Start))
		}
		end, ok2 := parseClock(sh.End)
		if !ok2 {
			errs = append(errs, fmt.Sprintf("%s.end: %q is not a local time HH:MM", p, sh.End))
		}
		if ok1 && ok2 && start == end {
			errs = append(errs, fmt.Sprintf("%s: start and end are both %s; a shift must last > 0 (use 00:00 to 24:00 for all day)", p, sh.Start))
		}
	}
	if s.Concurrency < 1 {
		errs = append(errs, fmt.Sprintf("%s.concurrency: must be >= 1, got %d", path, s.Concurrency))
	}
	if s.CostPerHour < 0 {
		errs = append(errs, fmt.Sprintf("%s.cost_per_hour: must be >= 0, got %s", path, s.CostPerHour))
	}
	if s.CostPerHourPlaceholder < 0 {
		errs = append(errs, fmt.Sprintf("%s.cost_per_hour_placeholder: must be >= 0, got %s", path, s.CostPerHourPlaceholder))
	}
	switch s.LateReply {
	case LateUtility, LateMarketing, LateDrop:
	default:
		errs = append(errs, fmt.Sprintf("%s.late_reply: %q is not one of utility, marketing, drop", path, s.LateReply))
	}
	if s.ByResponseTime() {
		errs = append(errs, s.ResponseTime.Validate(path+".response_time")...)
	}
	if s.Bot != nil {
		errs = append(errs, s.Bot.Validate(path+".bot")...)
	}
	for i, h := range s.Holidays {
		if _, err := time.Parse(time.DateOnly, h); err != nil {
			errs = append(errs, fmt.Sprintf("%s.holidays[%d]: %q is not a date YYYY-MM-DD", path, i, h))
		}
	}
	switch s.Priority {
	case "", FIFO:
	case AdsFirst:
		if s.ByResponseTime() {
			errs = append(errs, path+".priority: ads_first orders the agents' queue, and a response_time team has none; use fifo")
		}
	default:
		errs = append(errs, fmt.Sprintf("%s.priority: %q is not one of fifo, ads_first", path, s.Priority))
	}
	if !(s.IgnoreShare >= 0 && s.IgnoreShare <= 1) {
		errs = append(errs, fmt.Sprintf("%s.ignore_share: must be a share between 0 and 1, got %v", path, s.IgnoreShare))
	}
	if !s.Patient() {
		switch s.Patience.Kind {
		case "", dist.Exponential, dist.LogNormal:
			errs = append(errs, s.Patience.Validate(path+".patience")...)
		default:
			errs = append(errs, fmt.Sprintf("%s.patience.dist: %q is not one of exponential, lognormal", path, s.Patience.Kind))
		}
		if s.ByResponseTime() {
			errs = append(errs, path+".patience: customers give up waiting in the agents' queue, and a response_time team has none; drop one of the two")
		}
	}
	return append(errs, s.HandleTime.Validate(path+".handle_time")...)
}

// PlaceholderCost reports whether the team's cost_per_hour is still the placeholder it
// was written with (CostPerHourPlaceholder), so that its staffing figures are not real.
func (s *Staffing) PlaceholderCost() bool {
	return s.CostPerHourPlaceholder > 0 && s.CostPerHour == s.CostPerHourPlaceholder
}

// CostOf is what a team costs: agentTime on duty at CostPerHour (Cost), plus the bot's
// fee for each of the botConversations it took on (resolved alone or handed over).
func (s Staffing) CostOf(agentTime model.Time, botConversations int64) (money.Micros, error) {
	c, err := Cost(s.CostPerHour, agentTime)
	if err != nil {
		return 0, fmt.Errorf("staffing cost: %w", err)
	}
	if s.Bot == nil || s.Bot.CostPerConversation == 0 {
		return c, nil
	}
	bot, err := money.Mul(s.Bot.CostPerConversation, botConversations)
	if err != nil {
		return 0, fmt.Errorf("bot cost: %w", err)
	}
	if c, err = money.Add(c, bot); err != nil {
		return 0, fmt.Errorf("staffing and bot cost: %w", err)
	}
	return c, nil
}

// Cost is the staffing cost of agentTime at costPerHour, rounded half away from zero
// to the micro once, on the exact product (no float, no intermediate rounding).
func Cost(costPerHour money.Micros, agentTime model.Time) (money.Micros, error) {
	if costPerHour < 0 || agentTime < 0 {
		return 0, fmt.Errorf("agents: negative cost or time")
	}
	hi, lo := bits.Mul64(uint64(costPerHour), uint64(agentTime))
	const hour = uint64(model.Hour)
	if hi >= hour {
		return 0, money.ErrOverflow
	}
	q, r := bits.Div64(hi, lo, hour)
	if r*2 >= hour {
		q++
	}
	if q > math.MaxInt64 {
		return 0, money.ErrOverflow
	}
	return money.Micros(q), nil
}
