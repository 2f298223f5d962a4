package sim

import (
	"math/rand/v2"
	"sort"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/blocking"
	"github.com/spendsim/spendsim/model/dist"
	"github.com/spendsim/spendsim/model/fifo"
	"github.com/spendsim/spendsim/model/load"
	"github.com/spendsim/spendsim/model/pricing"
)

// Event kinds of business-initiated traffic, numbered apart from run.go's own.
const (
	evNotify        uint8 = 100 + iota // a notification stream sends; ID = stream
	evBroadcast                        // a campaign broadcast starts; ID = index into outbound.instants
	evBroadcastNext                    // a spread broadcast sends its next template; ID = broadcast slot
	evHeld                             // templates waiting for room under the messaging limit are looked at
	evTemplateReply                    // a customer answers a template; ID = customer
)

// OutboundCounts is what became of business-initiated templates (notifications and
// campaigns) in a run. The business asks to send each template inside the horizon; one
// the messaging limit holds back waits, and goes when the limit lets it, in the drain
// after the horizon if need be (billed on the day it goes). Every template asked for
// ends sent, counted once in TemplatesSent (then delivered, or in ReachLost, CapRefused
// or LimitFailed), or, only if it is still held MaxDrain after the horizon end, in
// LimitHeldAtEnd; LimitDelayed counts those that waited, whichever way they ended.
type OutboundCounts struct {
	TemplatesSent   int64 // notification and campaign templates the business sent (to WhatsApp, in the horizon or the drain)
	Blocks          int64 // users who blocked the business after a template
	ReachLost       int64 // templates to users who had blocked: status sent, never delivered or charged
	LimitDelayed    int64 // templates held back by the messaging limit: sent later (LimitAfterHorizon of them after the horizon), or LimitHeldAtEnd
	LimitFailed     int64 // templates over the messaging limit that failed (not charged)
	CapRefused      int64 // marketing templates refused by the per-user marketing cap (not charged)
	TemplateReplies int64 // conversations customers started by answering a template
	// LimitAfterHorizon are the templates held by the limit that went after the horizon
	// end, in the drain; LimitHeldAtEnd those still held when the drain reached its
	// bound (MaxDrain): never sent, never billed, not in TemplatesSent.
	LimitAfterHorizon int64
	LimitHeldAtEnd    int64
	Quality           string // quality rating at the horizon end: high, medium, low; "" without a blocking block
	MessagingLimit    string // messaging limit at the horizon end: 250, 1000, 2000, ..., unlimited; "" without a blocking block
}

// source is a notification stream or a campaign: what its templates are and how
// customers answer them.
type source struct {
	category model.Category
	eligible []bool // per country index of Config.Countries; nil = every country
	reply    float64
	rngReply *rand.Rand
	delay    *dist.Sampler
}

type notifyStream struct {
	src             int
	arrivals        *load.Arrivals
	rngTime, rngWho *rand.Rand
}

type campaignRun struct {
	src    int
	spec   *load.Campaign
	rngWho *rand.Rand
}

type instant struct {
	at       Time
	campaign int
}

// broadcast is one campaign send in progress: a walk over the customers that selects
// the audience as it goes.
type broadcast struct {
	campaign int
	sel      load.Selection
	cursor   int32 // next customer to consider
	active   int32 // customers active when it started
	start    Time
	sent     int64
}

// outbound is the run's business-initiated traffic and what WhatsApp makes of it.
type outbound struct {
	sources    []source
	notify     []notifyStream
	campaigns  []campaignRun
	instants   []instant
	broadcasts []broadcast
	freeCast   []int32
	waiting    fifo.Ring[held] // templates waiting for room under the messaging limit, in order
	waking     bool            // an evHeld event is pending
	atEnd      bool            // the standing at the horizon end is noted (outboundAtEnd)
	byCountry  [][]int32       // customers of each country index, ascending; nil without market filters

	spec             blocking.Spec
	blocked          []bool // per customer; nil when nobody can block
	fatigue          *blocking.Fatigue
	account          *blocking.Account
	rngBlock, rngCap *rand.Rand

	counts OutboundCounts
}

// startOutbound sets up notifications, campaigns and blocking, when the configuration
// has any, and schedules their first events from from (the warm-up's start, else the
// horizon's). Every random stream it opens is new
// (named "notify/…", "campaign/…", "blocking/…"), so a configuration without them
// draws exactly what it drew before they existed.
func (r *run) startOutbound(seed uint64, from Time) {
	cfg := r.cfg
	if len(cfg.Notifications) == 0 && len(cfg.Campaigns) == 0 && !cfg.Blocking.Enabled() {
		return
	}
	o := &outbound{spec: cfg.Blocking}
	r.out = o
	all := len(r.country)
	newSource := func(kind, name string, cat model.Category, countries []string, reply load.Reply) int {
		s := source{category: cat, reply: reply.Probability}
		if len(countries) > 0 {
			if o.byCountry == nil { // only a market filter needs customers by country
				o.byCountry = make([][]int32, len(cfg.Countries))
				for c, k := range r.country {
					o.byCountry[k] = append(o.byCountry[k], int32(c))
				}
			}
			s.eligible = make([]bool, len(cfg.Countries))
			for i, sh := range cfg.Countries {
				for _, c := range countries {
					s.eligible[i] = s.eligible[i] || c == sh.Country
				}
			}
		}
		if reply.Probability > 0 {
			s.rngReply = Stream(seed, kind+"/"+name+"/reply")
			s.delay = dist.New(reply.Delay, StreamSource(seed, kind+"/"+name+"/reply-delay"))
		}
		o.sources = append(o.sources, s)
		return len(o.sources) - 1
	}
	for i := range cfg.Notifications {
		n := &cfg.Notifications[i]
		cat, _ := load.TemplateCategory(n.Category)
		src := newSource("notify", n.Name, cat, n.Countries, n.Reply)
		eligible := o.eligibleAmong(src, cfg.Customers)
		ns := notifyStream{
			src:      src,
			arrivals: n.Arrivals(from, cfg.End, cfg.Location, eligible, cfg.Growth),
			rngTime:  Stream(seed, "notify/"+n.Name+"/times"),
			rngWho:   Stream(seed, "notify/"+n.Name+"/who"),
		}
		o.notify = append(o.notify, ns)
		if t, ok := ns.arrivals.Next(from-1, ns.rngTime); ok {
			r.q.Push(t, evNotify, int32(i))
		}
	}
	for i := range cfg.Campaigns {
		c := &cfg.Campaigns[i]
		src := newSource("campaign", c.Name, c.TemplateCategory(), c.Countries, c.Reply)
		o.campaigns = append(o.campaigns, campaignRun{src: src, spec: c, rngWho: Stream(seed, "campaign/"+c.Name+"/who")})
		for _, at := range c.Instants(from, cfg.End, cfg.Location) {
			o.instants = append(o.instants, instant{at: at, campaign: i})
		}
	}
	sort.SliceStable(o.instants, func(i, j int) bool { return o.instants[i].at < o.instants[j].at })
	for i, in := range o.instants {
		r.q.Push(in.at, evBroadcast, int32(i))
	}
	if b := cfg.Blocking; b.Enabled() {
		o.account = blocking.NewAccount(b, all, from, cfg.Location)
		if b.PerTemplate != (blocking.PerCategory{}) {
			o.blocked = make([]bool, all)
			if b.Fatigue > 0 {
				o.fatigue = blocking.NewFatigue(all, from)
			}
		}
		o.rngBlock = Stream(seed, "blocking/block")
		o.rngCap = Stream(seed, "blocking/cap")
	}
}

// eligibleAmong counts the customers among the first n whose country src sends to.
func (o *outbound) eligibleAmong(src, n int) int {
	el := o.sources[src].eligible
	if el == nil {
		return n
	}
	total := 0
	for k, cs := range o.byCountry {
		if el[k] {
			total += sort.Search(len(cs), func(i int) bool { return int(cs[i]) >= n })
		}
	}
	return total
}

// pick draws a customer uniformly among the active ones src sends to; ok = false
// when there is none.
func (o *outbound) pick(src, active int, rng *rand.Rand) (int32, bool) {
	el := o.sources[src].eligible
	if el == nil {
		return int32(rng.IntN(active)), true
	}
	total := o.eligibleAmong(src, active)
	if total == 0 {
		return 0, false
	}
	u := rng.IntN(total)
	for k, cs := range o.byCountry {
		if !el[k] {
			continue
		}
		n := sort.Search(len(cs), func(i int) bool { return int(cs[i]) >= active })
		if u < n {
			return cs[u], true
		}
		u -= n
	}
	panic("sim: outbound: pick ran past the eligible customers")
}

// grow brings the active customer count up to t's growth step (as arrive does).
func (r *run) grow(t Time) {
	for r.growthNext < len(r.cfg.Growth) && r.cfg.Growth[r.growthNext].At <= t {
		r.active = CustomersGrown(r.cfg.Customers, r.cfg.Growth[r.growthNext].Factor)
		r.growthNext++
	}
}

// outboundEvent handles the event kinds of business-initiated traffic.
func (r *run) outboundEvent(e Event) {
	o := r.out
	switch e.Kind {
	case evNotify:
		ns := &o.notify[e.ID]
		r.grow(e.T)
		if c, ok := o.pick(ns.src, r.active, ns.rngWho); ok {
			r.requestTemplate(e.T, c, ns.src)
		}
		if t, ok := ns.arrivals.Next(e.T, ns.rngTime); ok {
			r.q.Push(t, evNotify, e.ID)
		}
	case evBroadcast:
		r.startBroadcast(e.T, o.instants[e.ID].campaign)
	case evBroadcastNext:
		r.broadcastNext(e.T, e.ID)
	case evHeld:
		r.releaseHeld(e.T)
	case evTemplateReply:
		o.counts.TemplateReplies++ // zeroed at the horizon start if the warm-up had some
		r.startConversation(e.T, e.ID, model.EntryNone)
	default:
		panic("sim: unknown event kind")
	}
}

func (r *run) startBroadcast(t Time, campaign int) {
	o := r.out
	cr := &o.campaigns[campaign]
	r.grow(t)
	b := broadcast{campaign: campaign, active: int32(r.active), start: t,
		sel: load.NewSelection(cr.spec.Audience, o.eligibleAmong(cr.src, r.active))}
	if cr.spec.SendRatePerS == 0 {
		for c, ok := r.nextRecipient(&b); ok; c, ok = r.nextRecipient(&b) {
			r.requestTemplate(t, c, cr.src)
		}
		return
	}
	var id int32
	if n := len(o.freeCast); n > 0 {
		id, o.freeCast = o.freeCast[n-1], o.freeCast[:n-1]
	} else {
		id = int32(len(o.broadcasts))
		o.broadcasts = append(o.broadcasts, broadcast{})
	}
	o.broadcasts[id] = b
	r.broadcastNext(t, id)
}

// broadcastNext sends a spread broadcast's next template and schedules the one after.
func (r *run) broadcastNext(t Time, id int32) {
	o := r.out
	b := &o.broadcasts[id]
	cr := &o.campaigns[b.campaign]
	c, ok := r.nextRecipient(b)
	if !ok {
		o.freeCast = append(o.freeCast, id)
		return
	}
	b.sent++
	// The next send, unless it falls at or after the horizon end: a very slow rate
	// would otherwise overflow the clock into the past.
	if next := float64(b.sent) / cr.spec.SendRatePerS; b.sel.Need > 0 && next < (r.cfg.End-b.start).Seconds() {
		r.q.Push(b.start+model.FromSeconds(next), evBroadcastNext, id)
	} else {
		o.freeCast = append(o.freeCast, id)
	}
	r.requestTemplate(t, c, cr.src)
}

// nextRecipient walks the broadcast's customers to the next one selected.
func (r *run) nextRecipient(b *broadcast) (int32, bool) {
	o := r.out
	cr := &o.campaigns[b.campaign]
	el := o.sources[cr.src].eligible
	for b.sel.Need > 0 && b.cursor < b.active {
		c := b.cursor
		b.cursor++
		if el != nil && !el[r.country[c]] {
			continue
		}
		if b.sel.Take(cr.rngWho) {
			return c, true
		}
	}
	return 0, false
}

// requestTemplate is the business sending src's template to customer c at t. Under a
// messaging limit, a template that needs room and finds none (or finds others waiting
// for it) waits in line or fails, as the scenario says.
func (r *run) requestTemplate(t Time, c int32, src int) {
	o := r.out
	o.counts.TemplatesSent++
	if a := o.account; a != nil && a.Needs(c, t, r.biller.WindowOpen(uint32(c), t)) {
		switch {
		case o.waiting.Len() == 0 && a.RoomAt(t) <= t:
			a.Admit(c, t)
		case a.Overflow() == blocking.Fail:
			o.counts.LimitFailed++
			r.sendTemplate(t, c, src, model.Failed, r.clock.counting)
			return
		default:
			o.counts.LimitDelayed++
			o.waiting.Push(held{customer: c, src: int32(src), counted: r.clock.counting})
			r.wake(t)
			return
		}
	}
	r.deliverTemplate(t, c, src, r.clock.counting)
}

// deliverTemplate hands src's template to WhatsApp for customer c at t: a user who
// blocked the business never gets it, the marketing cap may refuse it, and otherwise it
// is delivered, billed, may make the user block, and may be answered. counted says
// whether it was asked for in the horizon: one the warm-up asked for (held by the
// messaging limit past Start) takes its room and moves the world on (blocks, the
// limit), but is billed and counted nowhere, as the warm-up is not.
func (r *run) deliverTemplate(t Time, c int32, src int, counted bool) {
	o := r.out
	s := &o.sources[src]
	if o.blocked != nil && o.blocked[c] {
		if counted {
			o.counts.ReachLost++
		}
		r.sendTemplate(t, c, src, model.Sent, counted)
		return
	}
	if s.category == model.Marketing && o.spec.MarketingCap > 0 && o.rngCap.Float64() < o.spec.MarketingCap {
		if counted {
			o.counts.CapRefused++
		}
		r.sendTemplate(t, c, src, model.Failed, counted)
		return
	}
	if r.sendTemplate(t, c, src, model.Delivered, counted).Model == pricing.ModelNone {
		return // not delivered after all (marketing to US numbers from 2025-04-01)
	}
	if o.account != nil {
		o.account.Delivered(t)
	}
	if o.blocked != nil {
		n7 := 0
		if o.fatigue != nil {
			n7 = o.fatigue.Count(c, t)
			o.fatigue.Add(c, t)
		}
		p := blocking.BlockProbability(o.spec.PerTemplate.For(s.category), o.spec.Fatigue, n7)
		if p > 0 && o.rngBlock.Float64() < p {
			o.blocked[c] = true
			if counted {
				o.counts.Blocks++
				if r.blockRec != nil && t >= r.cfg.Start {
					r.blockRec.Block(t)
				}
			}
			o.account.Blocked(t)
			return // a user who blocks does not answer
		}
	}
	if s.reply > 0 && s.rngReply.Float64() < s.reply {
		r.q.Push(t+s.delay.Draw(), evTemplateReply, c)
	}
}

// sendTemplate records and bills a template with its delivery status; one the warm-up
// asked for (counted false) is billed for the window's state only, and recorded nowhere.
func (r *run) sendTemplate(t Time, c int32, src int, status model.Status, counted bool) *pricing.Charge {
	m := r.message(t, c, model.FromBusiness)
	m.Kind, m.Category, m.Status = model.Template, r.out.sources[src].category, status
	r.bill(m, counted && t >= r.cfg.Start)
	return &r.charge
}

// userWrote is told of every user message: a user who writes has unblocked the
// business (WhatsApp asks them to, first).
func (o *outbound) userWrote(c int32) {
	if o != nil && o.blocked != nil {
		o.blocked[c] = false
	}
}

// outboundAtEnd notes the account's standing at the horizon end (called once, when the
// clock reaches it): the drain may move it on while it sends the held templates.
func (r *run) outboundAtEnd() {
	o := r.out
	if o == nil || o.atEnd {
		return
	}
	o.atEnd = true
	if o.account != nil {
		o.account.Advance(r.cfg.End)
		o.counts.Quality = o.account.Quality().String()
		o.counts.MessagingLimit = o.account.LimitName(r.cfg.End)
	}
}

// outboundOutcome is the run's business-initiated traffic at its end: the templates
// still held (MaxDrain after the horizon) were asked for but never sent.
func (r *run) outboundOutcome() OutboundCounts {
	o := r.out
	if o == nil {
		return OutboundCounts{}
	}
	r.outboundAtEnd() // a run stopped before the horizon end
	for o.waiting.Len() > 0 {
		if o.waiting.Pop().counted {
			o.counts.LimitHeldAtEnd++
			o.counts.TemplatesSent--
		}
	}
	return o.counts
}
