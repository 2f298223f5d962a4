package fit

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/window"
)

// Source streams trace records in ts order (trace.Reader is one).
type Source interface {
	Next(r *model.Record) error
}

// Options configure an estimate.
type Options struct {
	// Location is the business's time zone: the horizon's days and the arrival and
	// send-time profiles are local to it. nil = UTC.
	Location *time.Location
	// SessionGap is how long after the last message of a conversation that is not
	// waiting for a reply (the business's last answer, usually) a user message still
	// continues it; later, it starts a new conversation. Default DefaultSessionGap.
	SessionGap time.Duration
	// Markets names the country of E.164 users a trace gives no country for; nil =
	// market.Builtin().
	Markets *market.Table
	// FollowUp is how long after its first message a conversation is watched for its
	// first reply: a later reply answers nothing (the conversation counts as never
	// answered, its wait censored there), as a reply weeks later rarely answers the
	// message a log ties it to. Default DefaultFollowUp.
	FollowUp time.Duration
	// CostPerHour is what the fitted scenario costs an agent-hour at, in its currency:
	// a trace does not say. 0 = DefaultCostPerHour, written as a placeholder
	// (agents.cost_per_hour_placeholder), which the reports then mark.
	CostPerHour money.Micros
	// Bot, when above 0, says the business runs a bot that answers first: a text sent
	// within Bot of the customer's latest message, while the conversation waits for the
	// team's first reply, is the bot's. It answers nothing for the team: the message
	// still waits for the team's first reply (its wait, the response time, the replies'
	// hours are the team's), and the bot is estimated apart (Result.Bot). 0 = every
	// reply is the team's.
	Bot time.Duration
	// Concurrency is the chats one agent holds at once. A backlogged trace shows how
	// many conversations the team held at once (agents × concurrency), not how they
	// were split: the headcount fitted from it is that sum over Concurrency. 0 = the
	// default scenario's (1). Used only where the trace shows a backlog (Backlog).
	Concurrency int
}

// DefaultFollowUp is Options.FollowUp's default: a week, past any late reply a
// support team means as one (a reply after a day goes out as a paid template; the
// Twitter trace's first replies after a week are three of 122, after 12, 36 and 146
// days).
const DefaultFollowUp = 7 * 24 * time.Hour

// DefaultCostPerHour is Options.CostPerHour's default: 20 (US dollars, the fitted
// scenario's currency), a fully loaded agent-hour's order of magnitude, so that
// staffing is costed and a sweep of headcounts weighs it; set your own.
const DefaultCostPerHour = 20 * money.Micros(1_000_000)

// DefaultSessionGap is Options.SessionGap's default: an hour is far longer than
// customers take to answer an agent inside a conversation (minutes) and far shorter
// than the time between one customer's conversations (days to weeks), so the two
// rarely mix.
const DefaultSessionGap = time.Hour

// waitingLimit is how long a user message waiting for a reply keeps the conversation
// open for further user messages: the customer service window.
const waitingLimit = window.CSW

// Result is what was estimated from a trace, with the counts each figure rests on.
type Result struct {
	Location   *time.Location
	SessionGap time.Duration
	FollowUp   time.Duration
	// Start and Days are the observed arrival period (period.go): local midnight of
	// the first arrival's day, and the local days from it to the last arrival's,
	// inclusive. The rates and profiles are per hour of it.
	Start time.Time
	Days  int
	// From and To are local midnights of the first and the last record's day: the
	// trace's days, which may run past the period at either end.
	From, To time.Time
	LeftOut  LeftOut // conversations and notifications outside the period

	Records          int64
	UserMessages     int64
	BusinessMessages int64
	Undelivered      int64 // business messages with status sent or failed
	Businesses       int   // distinct business numbers (a scenario has one)
	Users            int   // distinct users: the customer count
	UnknownCountry   int   // users with no country and no E.164 number to derive one
	Countries        []CountryShare

	Conversations     int64   // every conversation of the trace (InPeriod and LeftOut)
	InPeriod          int64   // of Conversations, those started in the period: what the rate rests on
	Answered          int64   // conversations that got a first reply within the follow-up
	Profile           Profile // the period's conversation starts by local hour and weekday, over the level-weighted exposure
	Levels            []Level // the daily volume's stretches; nil when it did not change
	PerCustomerMonth  float64 // conversations per customer per 30 days
	RatePerHour       float64 // base arrival rate (profile weight 1), conversations per hour
	MessagesMean      float64 // user messages per conversation
	EntryCTWA         int64   // conversations whose first message came through an ad
	EntryPageCTA      int64   // ... through a Page button
	Think             Fitted  // reply → the customer's next message in the conversation
	ThinkErr          error   // why Think is missing (too few samples)
	Replies           int64   // business messages answering a waiting user message
	TemplateReplies   [4]int64
	Response          Fitted  // first waiting user message → the reply, every reply (the answered only)
	Unanswered        int64   // conversations that got no first reply within the follow-up
	ReplyProfile      Profile // the replies by local hour and weekday (counts and exposure)
	Team              *Team   // when agents work, their wait to a first reply, the share never answered
	Bot               *Bot    // the bot that answered first (Options.Bot); nil without it
	Notifications     []Notification
	NotificationTotal int64 // the notifications sent in the period
}

// CountryShare is one country's share of the users.
type CountryShare struct {
	Country string
	Users   int
	Share   float64
}

// Profile is counts of events by local weekday (Monday = 0) and hour, the hours of
// exposure the horizon had in each, and the weights estimated from them.
type Profile struct {
	Count    [7][24]int64
	Exposure [7][24]float64 // hours of the horizon in each weekday × hour
	Hour     [24]float64    // weights, mean 1
	Weekday  [7]float64     // weights, mean 1
	// Unexposed lists weekdays the horizon does not contain; their weight is the
	// mean of the others.
	Unexposed []int
}

// Notification is one template category's business-initiated stream.
type Notification struct {
	Category         model.Category
	Count            int64
	PerCustomerMonth float64
	Profile          Profile
}

// Bot is the bot estimated from the replies Options.Bot takes for its: how fast it
// answers, and the conversations it kept to itself.
type Bot struct {
	Within  time.Duration // Options.Bot
	Replies int64         // business texts taken for the bot's
	Delay   Fitted        // the customer's message → the bot's reply
	// Conversations counts those the bot answered before the team's first reply, and
	// Kept those of them that got no team reply within the follow-up: the bot's alone,
	// or customers the team never answered, which a trace cannot tell apart; both are
	// counted as the bot's, and left out of the team's wait.
	Conversations, Kept int64
	// NoteRate is how often (a second) a utility or marketing template reached a
	// customer who had written and was not waiting for a reply: at that rate one
	// reaches a conversation the bot kept and, the conversation still waiting, reads as
	// the team's late reply. Resolved is Kept with each weighted by the inverse of its
	// chance to escape one, e^(NoteRate × the time it was followed): the conversations
	// the bot resolved alone, notifications or not, at most Conversations.
	NoteRate float64
	Resolved float64
	// kept counts Kept by the hours each was followed (from its start to the follow-up,
	// the user's next conversation or the trace's end), for Resolved.
	kept []int64
	// quiet is the customers' time, in seconds, not waiting since their conversation's
	// last answer, and notes the utility and marketing templates that reached them in
	// it: NoteRate.
	quiet float64
	notes int64
}

// Escape is the chance that a utility or marketing template does not reach a
// conversation nobody answers within the follow-up, at NoteRate.
func (b *Bot) Escape(followUp time.Duration) float64 {
	return math.Exp(-b.NoteRate * followUp.Seconds())
}

// estimate sets NoteRate and Resolved from what the trace showed.
func (b *Bot) estimate() {
	if b.quiet > 0 {
		b.NoteRate = float64(b.notes) / b.quiet
	}
	b.Resolved = 0
	for h, n := range b.kept {
		if n > 0 {
			b.Resolved += float64(n) * math.Exp(b.NoteRate*(float64(h)+0.5)*3600)
		}
	}
	b.Resolved = min(b.Resolved, float64(b.Conversations))
}

// ReplyS is the bot's reply delay in seconds: its median, or every delay when they were
// all the same (a simulated bot's).
func (b *Bot) ReplyS() float64 {
	if b.Delay.Constant {
		return b.Delay.MinS
	}
	return b.Delay.MedianS
}

// BotResolveShare is the share of the conversations the bot resolved alone
// (Bot.Resolved), as agents.bot.resolve_share gives it: of every conversation, as a
// simulated bot answers every one first. 0 without a bot.
func (r *Result) BotResolveShare() float64 {
	if r.Bot == nil || r.Conversations == 0 {
		return 0
	}
	return r.Bot.Resolved / float64(r.Conversations)
}

// user is what the estimate keeps per user: memory grows with users, not messages.
type user struct {
	country    [2]byte
	last       model.Time // last message of the user's conversation (not notifications)
	waiting    model.Time // oldest user message waiting for a reply, if isWaiting
	business   model.Time // the last business message delivered to the user, if told
	reply      model.Time // the business's last answer in the conversation, if replied
	convStart  model.Time // the conversation's first message
	teamFirst  model.Time // the team reply that began the stretch it holds the conversation in, if held
	teamLast   model.Time // the team's last message in the conversation, if held
	held       bool       // the team answered the conversation within the follow-up
	answered   bool       // the conversation has had its first reply
	botConv    bool       // the bot answered the conversation before its first reply
	botReplied bool       // the bot answered the user's latest message (at reply)
	told       bool       // the business has delivered a message to the user
	isWaiting  bool
	replied    bool
	inConv     bool
	countryErr bool
}

type estimator struct {
	o Options
	// placeholder: o.CostPerHour is the default, not the user's (Team.CostIsPlaceholder)
	placeholder bool
	users       map[string]int32
	u           []user
	r           Result
	first       model.Time
	last        model.Time
	days        dayTable // the counts by day, and the arrivals that bound the period
	started     bool
	biz         map[string]struct{}
	markets     *market.Table
	thinkS      Samples
	respS       Samples
	botS        Samples // the bot's reply delays (Options.Bot)
	subSecond   bool    // some timestamp has milliseconds: the trace's resolution is 1 ms
	waits       reservoir
	work        workLog
}

// Trace estimates a scenario's parameters from a trace read in ts order.
//
// Conversations: a user message starts a new conversation unless the user's current
// one is still going, that is, unless (a) it is waiting for a reply to a user message
// written less than 24 hours before, or (b) its last message (the user's or the
// business's answer) was less than SessionGap before. A business message answers the
// user's oldest waiting message if it is a text or a utility or marketing template (a
// late reply goes out as one); the time between the two is a response-time sample.
// A conversation's first such answer, if it comes within FollowUp of its start, is its
// first response, and the wait is a sample of the team's (Team); a conversation with
// none is censored where the trace stops following it: the user's next conversation,
// FollowUp after its start, or the trace's last record. Any other template (authentication always; utility and marketing when nothing is
// waiting) is a notification and neither extends nor answers a conversation. A user
// message after the business's answer, inside the conversation, gives a think-time
// sample. With notifications in the trace, a notification that reaches a user whose
// message is waiting reads as its reply: a simulated trace has few such, a real one
// can be told apart only by what the log does not say.
//
// With Options.Bot, a text sent within it of the user's latest message, while the
// conversation waits for its first reply, is a bot's (Result.Bot): it answers nothing,
// so the message waits on for the team's first reply, which a late template can be,
// and the user's message after that continues the conversation; a user message after
// the bot's reply gives a think-time sample. A conversation the bot answered and the
// team did not within FollowUp is the bot's, left out of the team's waits. Such a
// conversation waits on, so a notification reaching it reads as the team's reply: how
// often one reaches the users who wrote while nothing waits (Bot.NoteRate) gives each
// conversation kept its chance to have escaped one, and Bot.Resolved counts each by the
// inverse of that chance.
func Trace(src Source, o Options) (*Result, error) {
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.SessionGap <= 0 {
		o.SessionGap = DefaultSessionGap
	}
	placeholder := o.CostPerHour <= 0
	if placeholder {
		o.CostPerHour = DefaultCostPerHour
	}
	if o.FollowUp <= 0 {
		o.FollowUp = DefaultFollowUp
	}
	e := &estimator{o: o, placeholder: placeholder, users: map[string]int32{}, biz: map[string]struct{}{}, markets: o.Markets}
	if o.Bot > 0 {
		e.r.Bot = &Bot{Within: o.Bot, kept: make([]int64, o.FollowUp/time.Hour+1)}
	}
	if e.markets == nil {
		e.markets = market.Builtin()
	}
	var rec model.Record
	for {
		err := src.Next(&rec)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if err := e.add(&rec); err != nil {
			return nil, err
		}
	}
	return e.finish()
}

func (e *estimator) add(r *model.Record) error {
	if e.started && r.TS < e.last {
		return fmt.Errorf("fit: record at line %d (%s) is earlier than the one before (%s): the trace must be in time order (read it sorted)", r.Line, r.TS, e.last)
	}
	if !e.started {
		e.first, e.started = r.TS, true
		e.work.base = r.TS - r.TS%model.Hour
		e.days.day0 = civilDay(r.TS, e.o.Location)
	}
	e.last = r.TS
	e.subSecond = e.subSecond || r.TS%model.Second != 0
	e.r.Records++
	b := r.Business
	if b == "" {
		b = "default"
	}
	if _, ok := e.biz[b]; !ok && len(e.biz) < 1<<16 {
		e.biz[strings.Clone(b)] = struct{}{}
	}
	idx, ok := e.users[r.User]
	if !ok {
		idx = int32(len(e.u))
		e.users[strings.Clone(r.User)] = idx
		e.u = append(e.u, user{})
	}
	u := &e.u[idx]
	if u.country == [2]byte{} && !u.countryErr {
		switch {
		case len(r.Country) == 2:
			copy(u.country[:], r.Country)
		default:
			if _, iso, err := e.markets.ForNumber(r.User, r.TS); err == nil && len(iso) == 2 {
				copy(u.country[:], iso)
			} else {
				u.countryErr = true
			}
		}
	}
	if r.Redelivered {
		// The delivered report of a business message read before as only sent (a log
		// of status events): the same message, which answered or told what it did
		// then. Only its delivery is news; counted again, a bot's reply or a team's
		// would be two.
		e.r.Undelivered--
		u.business, u.told = r.TS, true
		return nil
	}
	if r.Direction == model.FromUser {
		e.userMessage(u, r)
	} else {
		e.businessMessage(u, r)
	}
	return nil
}

func (e *estimator) userMessage(u *user, r *model.Record) {
	e.r.UserMessages++
	if b := e.r.Bot; b != nil && u.inConv && !u.isWaiting {
		b.quiet += (r.TS - u.reply).Seconds()
	}
	gap := model.Time(e.o.SessionGap / time.Millisecond)
	// (b) holds while waiting too: a customer who has waited over 24 h and writes
	// again minutes after their last message is still in the same conversation.
	cont := u.inConv && ((u.isWaiting && r.TS-u.waiting < waitingLimit) || r.TS-u.last < gap)
	if cont {
		// After an answer: the team's, or the bot's to the customer's latest message
		// (which leaves the conversation waiting for the team).
		if (!u.isWaiting || u.botReplied) && u.replied {
			e.thinkS.Add((r.TS - u.reply).Seconds())
		}
	} else {
		if u.inConv && !u.answered {
			e.wait(u, r.TS, false) // the trace stops following it here
		}
		e.release(u)
		u.convStart, u.answered, u.botConv = r.TS, false, false
		e.r.Conversations++
		if dc := e.days.at(r.TS, e.o.Location); dc != nil {
			dc.conv[r.TS.In(e.o.Location).Hour()]++
		}
		// Of the customer's accord: through an ad or a Page button, or not in answer to
		// a business message delivered to them within the customer service window
		// before. Not SessionGap: an answer to a notification or to a late reply often
		// comes hours later (a drain's answers after the horizon would read as arrivals
		// and stretch the period), while SessionGap judges a conversation's own pace.
		if r.EntryPoint != model.EntryNone || !u.told || r.TS-u.business >= window.CSW {
			e.days.arrive(r.TS)
		}
		switch r.EntryPoint {
		case model.EntryCTWA:
			e.r.EntryCTWA++
		case model.EntryPageCTA:
			e.r.EntryPageCTA++
		}
		u.replied = false
	}
	u.botReplied = false
	if !u.isWaiting || !cont {
		u.waiting, u.isWaiting = r.TS, true
	}
	u.last, u.inConv = r.TS, true
}

func (e *estimator) businessMessage(u *user, r *model.Record) {
	e.r.BusinessMessages++
	if !r.Status.WasDelivered() {
		e.r.Undelivered++
	} else {
		u.business, u.told = r.TS, true
	}
	answers := r.Kind == model.Text || r.Category == model.Utility || r.Category == model.Marketing
	switch {
	case e.o.Bot > 0 && u.isWaiting && !u.answered && r.Kind == model.Text && r.TS-u.last <= model.Time(e.o.Bot/time.Millisecond):
		// The bot's reply to the customer's latest message (u.last, while waiting): the
		// message still waits for the team, and the conversation's last message stays
		// the customer's.
		e.botS.Add((r.TS - u.last).Seconds())
		e.r.Bot.Replies++
		if !u.botConv {
			u.botConv = true
			e.r.Bot.Conversations++
		}
		u.reply, u.replied, u.botReplied = r.TS, true, true
	case u.isWaiting && answers:
		e.r.Replies++
		if r.Kind == model.Template {
			e.r.TemplateReplies[r.Category]++
		}
		e.respS.Add((r.TS - u.waiting).Seconds())
		wd, h := slot(r.TS, e.o.Location)
		e.r.ReplyProfile.Count[wd][h]++
		if !u.answered {
			if e.wait(u, r.TS, true) {
				e.work.takeUp(u.convStart, r.TS)
				u.teamFirst, u.teamLast, u.held = r.TS, r.TS, true
			}
			u.answered = true
		} else if u.held {
			if r.TS-u.teamLast <= model.Time(e.o.SessionGap/time.Millisecond) {
				// An agent holding the chat answers the customer's next message: a
				// handle time. After a longer gap the team took it up anew, a wait.
				e.work.handle.Add((r.TS - u.waiting).Seconds())
			}
			e.holding(u, r.TS)
		}
		u.isWaiting = false
		u.last, u.reply, u.replied = r.TS, r.TS, true
	case r.Kind == model.Template:
		if b := e.r.Bot; b != nil && u.inConv && (r.Category == model.Utility || r.Category == model.Marketing) {
			b.notes++ // nothing waits (else it answered): Bot.NoteRate
		}
		if !u.inConv {
			// To a user who has not written: the business's own traffic. One to a
			// user who has may be a late reply fit could not pair, days late.
			e.days.arrive(r.TS)
		}
		if dc := e.days.at(r.TS, e.o.Location); dc != nil {
			dc.notes[r.Category][r.TS.In(e.o.Location).Hour()]++
		}
	case u.inConv:
		// A further free-form message in the conversation: the customer answers it.
		u.last, u.reply, u.replied = r.TS, r.TS, true
		if u.held {
			e.holding(u, r.TS)
		}
	}
}

// holding records a team message at t in u's conversation, which the team holds: the
// stretch of holding it goes on, or, after more than a session gap with none (the
// first reply was a notification, or the customer left and came back), a new one
// begins.
func (e *estimator) holding(u *user, t model.Time) {
	if t-u.teamLast > model.Time(e.o.SessionGap/time.Millisecond) {
		e.work.release(u.teamFirst, u.teamLast)
		e.work.resume(t)
		u.teamFirst = t
	}
	u.teamLast = t
}

// release ends the team's hold of u's conversation, if it held it.
func (e *estimator) release(u *user) {
	if u.held {
		e.work.release(u.teamFirst, u.teamLast)
		u.held = false
	}
}

// wait records u's conversation's wait for its first reply, which came at end (or,
// unanswered, was followed until end), within the follow-up: a reply later answers
// nothing, and the wait is censored there. It reports whether the wait is answered.
func (e *estimator) wait(u *user, end model.Time, answered bool) bool {
	if limit := u.convStart + model.Time(e.o.FollowUp/time.Millisecond); end > limit {
		end, answered = limit, false
	}
	if u.botConv && !answered {
		// No team reply after the bot's: the bot's alone (or a customer the team never
		// answered: the trace cannot tell), no wait of the team's.
		e.r.Bot.Kept++
		e.r.Bot.kept[(end-u.convStart)/model.Hour]++
		return false
	}
	if answered {
		e.r.Answered++
	}
	e.waits.add(convWait{start: u.convStart, end: end, answered: answered})
	return answered
}

// maxDays bounds a scenario's horizon.
const maxDays = 3660

// civilDay is t's local calendar day in loc, as days since 1970-01-01.
func civilDay(t model.Time, loc *time.Location) int64 {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// slot is t's local weekday (Monday = 0) and hour.
func slot(t model.Time, loc *time.Location) (int, int) {
	lt := t.In(loc)
	return (int(lt.Weekday()) + 6) % 7, lt.Hour()
}

func (e *estimator) finish() (*Result, error) {
	r := &e.r
	r.Location, r.SessionGap, r.FollowUp = e.o.Location, e.o.SessionGap, e.o.FollowUp
	if r.Records == 0 {
		return nil, errors.New("fit: the trace has no records")
	}
	if r.Conversations == 0 {
		return nil, errors.New("fit: the trace has no user messages, so no conversation to estimate from")
	}
	loc := e.o.Location
	notes, noteN, daily, err := e.period()
	if err != nil {
		return nil, err
	}
	end := r.Start.AddDate(0, 0, r.Days)
	exposure := exposureOf(r.Start, end, loc)

	r.Users = len(e.u)
	r.Businesses = len(e.biz)
	byCountry := map[[2]byte]int{}
	for i := range e.u {
		if e.u[i].country == [2]byte{} {
			r.UnknownCountry++
			continue
		}
		byCountry[e.u[i].country]++
	}
	known := r.Users - r.UnknownCountry
	for c, n := range byCountry {
		r.Countries = append(r.Countries, CountryShare{Country: string(c[:]), Users: n, Share: float64(n) / float64(known)})
	}
	sort.Slice(r.Countries, func(i, j int) bool {
		a, b := r.Countries[i], r.Countries[j]
		return a.Users > b.Users || a.Users == b.Users && a.Country < b.Country
	})
	if len(r.Countries) == 0 {
		return nil, errors.New("fit: no user has a country (give a country column, or E.164 numbers as users)")
	}
	if len(r.Countries) > 255 {
		r.Countries = r.Countries[:255] // a scenario holds 255; the rest are the smallest
	}

	for _, n := range daily {
		r.InPeriod += n
	}
	if r.InPeriod == 0 {
		return nil, fmt.Errorf("fit: no conversation started in the trace's arrival period (%d days from %s)", r.Days, r.Start.Format(time.DateOnly))
	}
	r.Levels, _ = r.fitLevels(daily)
	// The arrival process is Poisson with rate base × level × hour weight × weekday
	// weight, so the maximum-likelihood base rate is the conversations over the
	// profile-weighted exposure, each hour weighted by its day's level (fitLevels
	// leaves that exposure in the profile). Dividing by the plain horizon instead
	// would be off by the weight of the days a horizon of whole weeks would not have
	// (a 30-day month has two).
	r.RatePerHour = float64(r.InPeriod) / r.Profile.weightedHours()
	r.PerCustomerMonth = r.RatePerHour * 30 * 24 / float64(r.Users)
	r.MessagesMean = float64(r.UserMessages) / float64(r.Conversations)

	zero := 0.5 // seconds: half of a whole-second log's resolution
	if e.subSecond {
		zero = 0.0005
	}
	if r.Think, err = e.thinkS.Fit(zero); err != nil {
		r.ThinkErr = err
	}
	if r.Response, err = e.respS.Fit(zero); errors.Is(err, ErrTooFew) {
		replies := fmt.Sprintf("%d business replies", e.respS.N())
		if e.respS.N() == 1 {
			replies = "1 business reply"
		}
		return nil, fmt.Errorf("fit: %s to user messages: a response time needs at least 2", replies)
	} else if err != nil {
		return nil, fmt.Errorf("fit: response time: %w", err)
	}
	for i := range e.u {
		if u := &e.u[i]; u.inConv && !u.answered {
			e.wait(u, e.last, false) // censored at the trace's end
		}
		e.release(&e.u[i])
	}
	r.Unanswered = r.Conversations - r.Answered
	r.ReplyProfile.Exposure = exposure
	peak := r.RatePerHour * maxWeight(r.Profile.Weekday[:])
	if len(r.Levels) > 0 {
		var top float64
		for _, l := range r.Levels {
			top = max(top, l.Factor)
		}
		peak *= top
	}
	if b := r.Bot; b != nil {
		for i := range e.u {
			if u := &e.u[i]; u.inConv && !u.isWaiting {
				b.quiet += (e.last - u.reply).Seconds()
			}
		}
		b.estimate()
		if b.Delay, err = e.botS.Fit(zero); errors.Is(err, ErrTooFew) {
			return nil, fmt.Errorf("fit: %d business texts came within --bot %s of the customer's message before the team's first reply: the bot's reply delay needs at least 2 (for a trace with no bot, leave --bot out)", b.Replies, b.Within)
		} else if err != nil {
			return nil, fmt.Errorf("fit: the bot's reply delay: %w", err)
		}
		// The conversations the bot kept are not the team's: none of its waits, and
		// none of its work.
		r.Unanswered -= b.Kept
		peak *= 1 - r.BotResolveShare()
	}
	if r.Team, err = fitTeam(e.waits.w, &r.ReplyProfile, r.Start, end, loc, zero, peak, r.MessagesMean, e.o.CostPerHour); errors.Is(err, ErrTooFew) {
		return nil, fmt.Errorf("fit: %d conversations got a first reply: the team's wait needs at least 2", r.Answered)
	} else if err != nil {
		return nil, fmt.Errorf("fit: the team's wait for a first reply: %w", err)
	}
	r.Team.CostIsPlaceholder = e.placeholder
	r.Team.sizeFromBacklog(&e.work, r.Start, end, loc, zero, e.o.SessionGap, e.o.Concurrency)
	r.Team.Scored, r.Team.Of = int64(len(e.waits.w)), e.waits.seen
	for _, c := range []model.Category{model.Utility, model.Marketing, model.Authentication} {
		n := noteN[c]
		if n == 0 {
			continue
		}
		p := notes[c]
		p.Exposure = exposure
		p.weigh()
		r.NotificationTotal += n
		// A stream is simulated like the arrivals (base rate × weights), so its base
		// rate is likewise the count over the weighted exposure, not the plain horizon.
		r.Notifications = append(r.Notifications, Notification{
			Category: c, Count: n, Profile: p,
			PerCustomerMonth: float64(n) / p.weightedHours() * 30 * 24 / float64(r.Users),
		})
	}
	return r, nil
}

func maxWeight(w []float64) float64 {
	m := 0.0
	for _, x := range w {
		m = max(m, x)
	}
	return m
}
