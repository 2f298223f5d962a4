package fit

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
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
}

// DefaultSessionGap is Options.SessionGap's default: an hour is far longer than
// customers take to answer an agent inside a conversation (minutes) and far shorter
// than the time between one customer's conversations (days to weeks), so the two
// rarely mix.
const DefaultSessionGap = time.Hour

// waitingLimit is how long a user message waiting for a reply keeps the conversation
// open for further user messages: the customer service window.
const waitingLimit = 24 * model.Hour

// Result is what was estimated from a trace, with the counts each figure rests on.
type Result struct {
	Location   *time.Location
	SessionGap time.Duration
	Start      time.Time // local midnight of the first record's day
	Days       int       // local days from Start to the last record's day, inclusive

	Records          int64
	UserMessages     int64
	BusinessMessages int64
	Undelivered      int64 // business messages with status sent or failed
	Businesses       int   // distinct business numbers (a scenario has one)
	Users            int   // distinct users: the customer count
	UnknownCountry   int   // users with no country and no E.164 number to derive one
	Countries        []CountryShare

	Conversations     int64
	Profile           Profile // conversation starts by local hour and weekday
	PerCustomerMonth  float64 // conversations per customer per 30 days
	RatePerHour       float64 // base arrival rate (profile weight 1), conversations per hour
	MessagesMean      float64 // user messages per conversation
	EntryCTWA         int64   // conversations whose first message came through an ad
	EntryPageCTA      int64   // ... through a Page button
	Think             Fitted  // reply → the customer's next message in the conversation
	ThinkErr          error   // why Think is missing (too few samples)
	Replies           int64   // business messages answering a waiting user message
	TemplateReplies   [4]int64
	Response          Fitted // first waiting user message → the reply
	Unanswered        int64  // user messages still waiting at the end of the trace
	Notifications     []Notification
	NotificationTotal int64
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

// user is what the estimate keeps per user: memory grows with users, not messages.
type user struct {
	country    [2]byte
	last       model.Time // last message of the user's conversation (not notifications)
	waiting    model.Time // oldest user message waiting for a reply, if isWaiting
	reply      model.Time // the business's last answer in the conversation, if replied
	isWaiting  bool
	replied    bool
	inConv     bool
	countryErr bool
}

type estimator struct {
	o     Options
	users map[string]int32
	u     []user
	r     Result
	first model.Time
	last  model.Time
	// lastNew is the last record that began something (a conversation, a
	// notification): the horizon ends on its day, not on the day of the replies the
	// last conversations got after it.
	lastNew   model.Time
	started   bool
	biz       map[string]struct{}
	notes     [4]Profile // notification counts by category
	noteN     [4]int64
	markets   *market.Table
	thinkS    Samples
	respS     Samples
	subSecond bool // some timestamp has milliseconds: the trace's resolution is 1 ms
}

// Trace estimates a scenario's parameters from a trace read in ts order.
//
// Conversations: a user message starts a new conversation unless the user's current
// one is still going, that is, unless (a) it is waiting for a reply to a user message
// written less than 24 hours before, or (b) its last message (the user's or the
// business's answer) was less than SessionGap before. A business message answers the
// user's oldest waiting message if it is a text or a utility or marketing template (a
// late reply goes out as one); the time between the two is a response-time sample.
// Any other template (authentication always; utility and marketing when nothing is
// waiting) is a notification and neither extends nor answers a conversation. A user
// message after the business's answer, inside the conversation, gives a think-time
// sample. With notifications in the trace, a notification that reaches a user whose
// message is waiting reads as its reply: a simulated trace has few such, a real one
// can be told apart only by what the log does not say.
func Trace(src Source, o Options) (*Result, error) {
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.SessionGap <= 0 {
		o.SessionGap = DefaultSessionGap
	}
	e := &estimator{o: o, users: map[string]int32{}, biz: map[string]struct{}{}, markets: o.Markets}
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
	if r.Direction == model.FromUser {
		e.userMessage(u, r)
	} else {
		e.businessMessage(u, r)
	}
	return nil
}

func (e *estimator) userMessage(u *user, r *model.Record) {
	e.r.UserMessages++
	gap := model.Time(e.o.SessionGap / time.Millisecond)
	// (b) holds while waiting too: a customer who has waited over 24 h and writes
	// again minutes after their last message is still in the same conversation.
	cont := u.inConv && ((u.isWaiting && r.TS-u.waiting < waitingLimit) || r.TS-u.last < gap)
	if cont {
		if !u.isWaiting && u.replied {
			e.thinkS.Add((r.TS - u.reply).Seconds())
		}
	} else {
		e.r.Conversations++
		e.lastNew = r.TS
		wd, h := slot(r.TS, e.o.Location)
		e.r.Profile.Count[wd][h]++
		switch r.EntryPoint {
		case model.EntryCTWA:
			e.r.EntryCTWA++
		case model.EntryPageCTA:
			e.r.EntryPageCTA++
		}
		u.replied = false
	}
	if !u.isWaiting || !cont {
		u.waiting, u.isWaiting = r.TS, true
	}
	u.last, u.inConv = r.TS, true
}

func (e *estimator) businessMessage(u *user, r *model.Record) {
	e.r.BusinessMessages++
	if !r.Status.WasDelivered() {
		e.r.Undelivered++
	}
	answers := r.Kind == model.Text || r.Category == model.Utility || r.Category == model.Marketing
	switch {
	case u.isWaiting && answers:
		e.r.Replies++
		if r.Kind == model.Template {
			e.r.TemplateReplies[r.Category]++
		}
		e.respS.Add((r.TS - u.waiting).Seconds())
		u.isWaiting = false
		u.last, u.reply, u.replied = r.TS, r.TS, true
	case r.Kind == model.Template:
		c := r.Category
		e.noteN[c]++
		if !u.inConv || r.TS-u.last >= waitingLimit {
			// A notification far from any conversation of its user: the business's
			// own traffic, which the horizon holds. One within a day of the user's
			// conversation may be a late reply fit could not pair (two conversations
			// taken for one), so it does not stretch the horizon.
			e.lastNew = max(e.lastNew, r.TS)
		}
		wd, h := slot(r.TS, e.o.Location)
		e.notes[c].Count[wd][h]++
	case u.inConv:
		// A further free-form message in the conversation: the customer answers it.
		u.last, u.reply, u.replied = r.TS, r.TS, true
	}
}

// slot is t's local weekday (Monday = 0) and hour.
func slot(t model.Time, loc *time.Location) (int, int) {
	lt := t.In(loc)
	return (int(lt.Weekday()) + 6) % 7, lt.Hour()
}

func (e *estimator) finish() (*Result, error) {
	r := &e.r
	r.Location, r.SessionGap = e.o.Location, e.o.SessionGap
	if r.Records == 0 {
		return nil, errors.New("fit: the trace has no records")
	}
	if r.Conversations == 0 {
		return nil, errors.New("fit: the trace has no user messages, so no conversation to estimate from")
	}
	loc := e.o.Location
	ft, lt := e.first.In(loc), e.lastNew.In(loc)
	r.Start = model.DayStart(ft.Year(), ft.Month(), ft.Day(), loc)
	lastDay := model.DayStart(lt.Year(), lt.Month(), lt.Day(), loc)
	for d := r.Start; !d.After(lastDay); d = model.DayStart(d.Year(), d.Month(), d.Day()+1, loc) {
		r.Days++
	}
	if r.Days > 3660 {
		return nil, fmt.Errorf("fit: the trace spans %d days (%s to %s); a scenario holds at most 3660", r.Days, r.Start.Format(time.DateOnly), lastDay.Format(time.DateOnly))
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

	r.Profile.Exposure = exposure
	r.Profile.weigh()
	// The arrival process is Poisson with rate base × hour weight × weekday weight, so
	// the maximum-likelihood base rate is the conversations over the profile-weighted
	// exposure. Dividing by the plain horizon instead would be off by the weight of
	// the days a horizon of whole weeks would not have (a 30-day month has two).
	r.RatePerHour = float64(r.Conversations) / r.Profile.weightedHours()
	r.PerCustomerMonth = r.RatePerHour * 30 * 24 / float64(r.Users)
	r.MessagesMean = float64(r.UserMessages) / float64(r.Conversations)

	zero := 0.5 // seconds: half of a whole-second log's resolution
	if e.subSecond {
		zero = 0.0005
	}
	var err error
	if r.Think, err = e.thinkS.Fit(zero); err != nil {
		r.ThinkErr = err
	}
	if r.Response, err = e.respS.Fit(zero); errors.Is(err, ErrTooFew) {
		return nil, fmt.Errorf("fit: %d business replies to user messages: a response time needs at least 2", e.respS.N())
	} else if err != nil {
		return nil, fmt.Errorf("fit: response time: %w", err)
	}
	for u := range e.u {
		if e.u[u].isWaiting {
			r.Unanswered++
		}
	}
	for _, c := range []model.Category{model.Utility, model.Marketing, model.Authentication} {
		n := e.noteN[c]
		if n == 0 {
			continue
		}
		p := e.notes[c]
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

// weightedHours is the exposure weighted by the profile: Σ hours × weekday weight ×
// hour weight, what a base rate of one an hour gives over the horizon.
func (p *Profile) weightedHours() float64 {
	var w float64
	for d := range 7 {
		for h := range 24 {
			w += p.Exposure[d][h] * p.Weekday[d] * p.Hour[h]
		}
	}
	return w
}

// exposureOf counts, in quarter hours, how many hours of [from, to) fall in each
// local weekday × hour (so a daylight-saving day's missing or doubled hour, and zones
// offset by 30 or 45 minutes, are counted as they were lived).
func exposureOf(from, to time.Time, loc *time.Location) [7][24]float64 {
	var x [7][24]float64
	for t := from; t.Before(to); t = t.Add(15 * time.Minute) {
		wd, h := slot(model.FromStd(t), loc)
		x[wd][h] += 0.25
	}
	return x
}

// weigh sets the hour and weekday weights from the counts and the exposure: events
// per hour of exposure, each marginal normalised to a mean of 1, as load.Profile
// reads them.
func (p *Profile) weigh() {
	var hc, hx [24]float64
	var dc, dx [7]float64
	for d := range 7 {
		for h := range 24 {
			c, x := float64(p.Count[d][h]), p.Exposure[d][h]
			hc[h] += c
			hx[h] += x
			dc[d] += c
			dx[d] += x
		}
	}
	for h := range 24 {
		if hx[h] > 0 {
			p.Hour[h] = hc[h] / hx[h]
		}
	}
	p.Unexposed = nil
	var sum float64
	var seen int
	for d := range 7 {
		if dx[d] > 0 {
			p.Weekday[d] = dc[d] / dx[d]
			sum += p.Weekday[d]
			seen++
		} else {
			p.Unexposed = append(p.Unexposed, d)
		}
	}
	for _, d := range p.Unexposed {
		p.Weekday[d] = sum / float64(seen)
	}
	normalise(p.Hour[:])
	normalise(p.Weekday[:])
}

func normalise(w []float64) {
	var s float64
	for _, x := range w {
		s += x
	}
	if s <= 0 {
		for i := range w {
			w[i] = 1
		}
		return
	}
	m := s / float64(len(w))
	for i := range w {
		w[i] /= m
	}
}

// HorizonHours is the length of the horizon in hours.
func (r *Result) HorizonHours() float64 {
	return r.Start.AddDate(0, 0, r.Days).Sub(r.Start).Hours()
}

// ConversationsPerHour is the mean arrival rate over the horizon the fitted scenario
// simulates: the base rate times the profile's mean weight over the horizon.
func (r *Result) ConversationsPerHour() float64 {
	var w float64
	for d := range 7 {
		for h := range 24 {
			w += r.Profile.Exposure[d][h] * r.Profile.Weekday[d] * r.Profile.Hour[h]
		}
	}
	return r.RatePerHour * w / r.HorizonHours()
}
