package billing

import (
	"fmt"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/model/window"
)

// The account counters: the CBP monthly free tiers, the PMP (and NBP) volume tiers and
// the PMP 2026-10 service allowance. Each is the rank of a qualifying message in time
// order within (account or number, month[, market, category]), and each decides only
// the price of that message (and the type its conversation's riders report), never the
// state of a pair: which messages qualify is decided by their pair's windows and
// conversations alone. So billing splits in two. The rules (Biller) leave every
// counter's decision to a Ledger as a Claim; the Ledger settles the claims in billing
// order. A Biller from New settles each claim at once with a Ledger of its own; one
// from NewSplit hands its claims out (Biller.Claim), so that pairs can be billed apart
// (users hashed across workers or machines) and one Ledger settles every claim in the
// order a single Biller would have billed the messages: the same charges, byte for
// byte.

// claimKind is the counter a message's price waits on.
type claimKind uint8

const (
	claimNone    claimKind = iota
	claimFree              // CBP: the conversation it opens is free while the account's month has free ones left
	claimRider             // CBP: it rides a conversation whose type a claimFree decides
	claimVolume            // NBP, PMP: charged at the band of its number among the month's charged tiered messages
	claimService           // PMP 2026-10: free while its number's month has allowance left
)

// typePending is the pricing type a conversation opened by a claimFree message
// carries until its Ledger settles it: its riders report it, and their claimRider
// turns it into the opener's type.
const typePending = pricing.Type(15)

var _ = [int(typePending) - int(pricing.NumTypes)]struct{}{} // typePending is no real type

// A Claim is what the rules leave to the Ledger about one message: its claim on an
// account counter, if any, and the rate card it consulted or would be charged from,
// for the cards a bill names. The zero Claim claims nothing.
type Claim struct {
	kind      claimKind
	consulted bool               // the rules read card whatever the counters say
	charged   bool               // the message was charged from card (claimFree, claimService: if the counter says so)
	cat       pricing.Category   // claimVolume: the category charged
	conf      pricing.Confidence // claimFree, claimService: of amount
	number    uint16
	market    uint16
	at        model.Time
	card      *cardCache
	amount    money.Micros // claimFree, claimService: the list rate it is charged at if not free
	err       error        // claimFree, claimService: why it could not be charged (no card, no rate)
}

// Ledger keeps the account counters and settles Claims in billing order. Like a
// Biller it is a pure, single-threaded state machine.
type Ledger struct {
	tiers           tierSource
	loc             *time.Location
	currency        string
	freeConvs       int // per account and month; <0 off
	serviceAllow    int // per number and month; <0 off
	numberAccount   []uint16
	perNumber       bool // an account per number (Options.AccountPerNumber): accounts grow as numbers come
	tierPerCategory bool

	days             model.Days // loc's days (model.Days: no time.Date call where the offset holds)
	dayEnd, monthEnd model.Time
	accounts         []accountMonth
	service          []int32   // service messages charged or allowed per number this month
	bandCache        []bandRow // per market: today's bands per tiered category
	free             freeSet   // CBP conversations the free tier made free, while they may have riders

	cards    []cardUse
	lastCard *cardCache // the cache of cards[lastIdx], to skip the search
	lastIdx  int

	billable int64
	tiered   int64 // charged messages claiming a volume count (Stats.Tiered)
	banded   int64 // of them, those a band table was in force for (Stats.Banded)
	total    money.Sum
}

type accountMonth struct {
	freeUsed int     // CBP free-tier conversations used this month
	volume   []int64 // charged tiered messages this month, two counters per market (see volume)
}

// cardUse counts the billable messages one rate card priced, and keeps the latest
// message it was read for.
type cardUse struct {
	card    rateCard
	model   pricing.Model
	eff     time.Time
	charged int64
	last    model.Time
}

// NewLedger returns the Ledger that settles the claims of split Billers built from the
// same Options (NewSplit).
func NewLedger(o Options) (*Ledger, error) {
	b, err := New(o)
	if err != nil {
		return nil, err
	}
	return b.led, nil
}

func newLedger(b *Biller) *Ledger {
	nAcc := 1
	for _, a := range b.numberAccount {
		nAcc = max(nAcc, int(a)+1)
	}
	return &Ledger{
		tiers: b.tiers, loc: b.loc, currency: b.currency, freeConvs: b.freeConvs, serviceAllow: b.serviceAllow,
		numberAccount: b.numberAccount, perNumber: b.perNumber, tierPerCategory: b.tierPerCategory,
		dayEnd: minTime, accounts: make([]accountMonth, nAcc), days: model.NewDays(b.loc),
	}
}

// Settle completes the charge ch of one message from its claim c (Biller.Claim), in
// billing order: every message a split Biller billed, in the order a single Biller
// would have billed them, user messages included (they claim nothing). An error is
// the one the rules would have stopped on at that message.
func (l *Ledger) Settle(ch *pricing.Charge, c *Claim) error {
	if c.kind != claimNone {
		if c.at >= l.dayEnd {
			l.newDay(c.at)
		}
		var err error
		switch c.kind {
		case claimFree:
			err = l.settleFree(ch, c)
		case claimRider:
			ch.Type = pricing.Regular
			if l.free.has(ch.ConversationID, c.at) {
				ch.Type = pricing.FreeTier
			}
		case claimVolume:
			err = l.volume(ch, c)
		case claimService:
			err = l.settleService(ch, c)
		}
		if err != nil {
			return err
		}
	}
	if c.card != nil && (c.consulted || c.charged) {
		u := l.use(c.card)
		if c.charged {
			u.charged++
		}
		u.last = max(u.last, c.at)
	}
	if ch.Billable {
		l.billable++
		l.total.Add(ch.Amount)
	}
	return nil
}

// settleFree (docs/billing.md, "CBP 2022" and "CBP 2023"): the first 1,000
// conversations of an account in a calendar month, both kinds together, are free under
// CBP 2022; the first 1,000 service conversations under CBP 2023, one counter with CBP
// 2022's. Meta: free-tier conversations are billable (they appear on the invoice) but
// cost nothing.
func (l *Ledger) settleFree(ch *pricing.Charge, c *Claim) error {
	acc := l.account(c.number)
	if acc.freeUsed < l.freeConvs {
		acc.freeUsed++
		ch.Type = pricing.FreeTier
		l.free.add(ch.ConversationID, c.at)
		return nil
	}
	if c.err != nil {
		return c.err
	}
	ch.Type = pricing.Regular
	ch.Amount, ch.Confidence = c.amount, c.conf
	c.charged = true
	return nil
}

// settleService (docs/billing.md, "PMP 2026-10"): the first 1,000 service messages of
// each business phone number in a calendar month are free
// (Options.ServiceAllowancePerNumber); past them a service message is charged at the
// market's utility list rate, reported as service.
func (l *Ledger) settleService(ch *pricing.Charge, c *Claim) error {
	if int(c.number) >= len(l.service) {
		n := int(c.number) + 1
		s := make([]int32, n, max(n, 2*cap(l.service), 64))
		copy(s, l.service)
		l.service = s
	}
	if int(l.service[c.number]) < l.serviceAllow {
		l.service[c.number]++
		ch.Type = pricing.FreeTier
		return nil
	}
	if c.err != nil {
		return c.err
	}
	ch.Type, ch.Billable = pricing.Regular, true
	ch.Amount, ch.Confidence = c.amount, c.conf
	c.charged = true
	return nil
}

// volume prices a charged tiered template at its volume band's rate when the tiers
// have bands for (market, category) today, else leaves the list rate (docs/billing.md,
// "Volume tiers"): utility, authentication and authentication-international share one
// counter per market and account; bands are graduated, each band's rate applying to the
// messages that fall inside it; only charged messages count, and the count restarts
// every calendar month. Marketing has no tiers. An NBP template, whatever its category,
// counts on its market's one counter and is priced by the market's template bands
// (docs/billing.md, "NBP 2018"); Meta's tier webhooks, PMP's, raise no NBP count.
func (l *Ledger) volume(ch *pricing.Charge, c *Claim) error {
	acc := l.account(c.number)
	nbp := ch.Model == pricing.NBP
	// Two counters per market: [0] utility (and everything when shared; every NBP
	// template), [1] authentication and authentication-international when counted per
	// category. No month holds both NBP and PMP charges: one era bills a month.
	k := 2 * int(c.market)
	if l.tierPerCategory && !nbp && c.cat != pricing.Utility {
		k++
	}
	if k >= len(acc.volume) {
		v := make([]int64, k+2, max(k+2, 128))
		copy(v, acc.volume)
		acc.volume = v
	}
	acc.volume[k]++
	n := acc.volume[k]
	l.tiered++
	if l.tiers == nil {
		return nil
	}
	bandCat := c.cat
	if nbp {
		bandCat = pricing.Template // NBP's bands: category template of a tier file
	} else if f := l.tiers.floor(c.market, c.cat, c.at, l.loc); n < f {
		n, acc.volume[k] = f, f // Meta counted messages the log does not hold
	}
	bands := l.bandsFor(c.market, bandCat, c.at, c.card)
	if len(bands) > 0 {
		l.banded++
	}
	for _, bd := range bands {
		if n >= bd.From && n <= bd.To {
			p, err := bd.Price(ch.Amount)
			if err != nil {
				return fmt.Errorf("billing: %s template %d of the month in its market: volume band %d prices it at the list rate %s %+g%%: %w",
					c.cat, n, bd.Index, ch.Amount, float64(bd.VsListBP)/100, err)
			}
			ch.Amount = p
			ch.Tier = int8(bd.Index)
			ch.Confidence = bd.PriceConfidence(ch.Confidence)
			break
		}
	}
	return nil
}

// bandsFor returns today's bands for (mkt, cat), looked up once per day. The bands are
// those in force with card, the card that priced the message: on its date, or, where a
// counterfactual era reads a card before its effective date (a 2024 trace under
// pmp-2025 reads the 2025-07-01 card), on the card's effective date, as the card's
// rates are; a tier table of 2025-07-01 was otherwise never in force, and every
// message went at the list rate.
func (l *Ledger) bandsFor(mkt uint16, cat pricing.Category, at model.Time, card *cardCache) []band {
	if int(mkt) >= len(l.bandCache) {
		c := make([]bandRow, int(mkt)+1)
		copy(c, l.bandCache)
		l.bandCache = c
	}
	r := &l.bandCache[mkt]
	k := tierIndex(cat)
	if r.validTo[k] != l.dayEnd {
		r.validTo[k] = l.dayEnd
		if card != nil {
			y, m, d := card.eff.Date()
			at = max(at, model.FromStd(model.DayStart(y, m, d, l.loc)))
		}
		r.bands[k] = l.tiers.bands(mkt, cat, l.currency, at, l.loc)
	}
	return r.bands[k]
}

// newDay moves the calendar to the day of at; the counters reset with the month.
func (l *Ledger) newDay(at model.Time) {
	var newMonth bool
	l.dayEnd, l.monthEnd, newMonth = nextDay(&l.days, at, l.monthEnd)
	if newMonth {
		for i := range l.accounts {
			l.accounts[i].freeUsed = 0
			clear(l.accounts[i].volume)
		}
		clear(l.service)
	}
}

// nextDay returns the end of the day of at on the calendar days and the end of its
// month, and whether at has passed monthEnd, the end of the previous message's month.
func nextDay(days *model.Days, at, monthEnd model.Time) (dayEnd, nextMonthEnd model.Time, newMonth bool) {
	n := days.Of(at)
	dayEnd = days.Start(n + 1)
	if at < monthEnd {
		return dayEnd, monthEnd, false
	}
	y, mo, _ := model.CivilDate(n)
	return dayEnd, days.Start(model.DayNumber(y, mo+1, 1)), true
}

func (l *Ledger) account(number uint16) *accountMonth {
	if l.perNumber {
		if int(number) >= len(l.accounts) {
			l.accounts = append(l.accounts, make([]accountMonth, int(number)+1-len(l.accounts))...)
		}
		return &l.accounts[number]
	}
	if int(number) < len(l.numberAccount) {
		return &l.accounts[l.numberAccount[number]]
	}
	return &l.accounts[0]
}

// use is the count of cc's card, listed at its first use.
func (l *Ledger) use(cc *cardCache) *cardUse {
	if cc == l.lastCard {
		return &l.cards[l.lastIdx]
	}
	i := 0
	for i < len(l.cards) && l.cards[i].card != cc.card {
		i++
	}
	if i == len(l.cards) {
		l.cards = append(l.cards, cardUse{card: cc.card, model: cc.model, eff: cc.eff, last: minTime})
	}
	l.lastCard, l.lastIdx = cc, i
	return &l.cards[i]
}

// CardUsed lists the rate cards the settled messages' rules consulted, in the order
// first used, with the number of billable messages each priced.
func (l *Ledger) CardUsed() []CardUse {
	out := make([]CardUse, 0, len(l.cards))
	for _, u := range l.cards {
		out = append(out, CardUse{Model: u.model, Currency: l.currency, Effective: u.eff, Charged: u.charged, Last: u.last})
	}
	return out
}

// Settled adds to s what the Ledger counted: the billable messages, and the tiered and
// banded ones (Stats.Tiered, Stats.Banded).
func (l *Ledger) Settled(s *Stats) {
	s.Billable += l.billable
	s.Tiered += l.tiered
	s.Banded += l.banded
}

// Total returns the sum of the settled charges' amounts, or money.ErrOverflow.
func (l *Ledger) Total() (money.Micros, error) { return l.total.Total() }

// reset forgets every message settled, keeping the memory grown.
func (l *Ledger) reset() {
	l.dayEnd, l.monthEnd = minTime, 0
	for i := range l.accounts {
		l.accounts[i].freeUsed = 0
		clear(l.accounts[i].volume)
	}
	clear(l.service)
	clear(l.bandCache)
	l.free.reset()
	l.cards, l.lastCard, l.lastIdx = l.cards[:0], nil, 0
	l.billable, l.total = 0, money.Sum{}
}

// freeSet holds the conversations the free tier made free until they end: at most the
// month's free ones per account, and only those opened in the last day.
type freeSet struct {
	ends map[uint64]model.Time // conversation id → end
	fifo []uint64              // in opening order, which is end order: all last window.Conversation
	head int
}

func (s *freeSet) add(id uint64, at model.Time) {
	if s.ends == nil {
		s.ends = map[uint64]model.Time{}
	}
	s.expire(at)
	s.ends[id] = at + window.Conversation
	s.fifo = append(s.fifo, id)
}

func (s *freeSet) has(id uint64, at model.Time) bool {
	end, ok := s.ends[id]
	return ok && at < end
}

// expire forgets the conversations that ended by at.
func (s *freeSet) expire(at model.Time) {
	for s.head < len(s.fifo) && s.ends[s.fifo[s.head]] <= at {
		delete(s.ends, s.fifo[s.head])
		s.head++
	}
	if s.head > 1024 && s.head*2 > len(s.fifo) {
		s.fifo = s.fifo[:copy(s.fifo, s.fifo[s.head:])]
		s.head = 0
	}
}

func (s *freeSet) reset() {
	clear(s.ends)
	s.fifo, s.head = s.fifo[:0], 0
}
