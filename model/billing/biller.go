package billing

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/model/window"
)

// Defaults of Options.
const (
	DefaultCurrency                  = "USD"
	DefaultFreeConversationsPerMonth = 1000 // CBP 2022 conversations, CBP 2023 service conversations
	DefaultServiceAllowancePerNumber = 1000 // PMP from 2026-10-01, partners' report
)

// Options configures a Biller. The zero value of every field but Book is a usable
// default; each Decision of docs/billing.md is a field here (its "Options" table).
type Options struct {
	// Era selects the rules. EraAuto (default): each message under the era in force on its
	// date. Any other era: every message under that era's rules, with rate cards still
	// picked by date (see Biller).
	Era Era

	// Book holds the rate cards. Required; the NBP rules additionally need a user-supplied
	// card with pricing_model NBP (none is built in).
	Book *pricing.Book
	// Tiers holds volume bands: PMP's per category, NBP's (category Template) over all
	// of a market's templates; nil bills list rates.
	Tiers *pricing.Tiers
	// Markets is the table that Message.Market ids index. Nil means Book's own table;
	// a different table is an error, since its ids would price the wrong markets.
	Markets *market.Table

	// Currency of the rate cards to bill in, e.g. "USD" (default).
	Currency string
	// Location is the business account's time zone: month boundaries, free-tier resets,
	// rule-change and card effective dates fall at its midnight. Default UTC.
	Location *time.Location

	// ServiceAllowancePerNumber is how many service (non-template) messages per business
	// phone number per calendar month are free under the rules from 2026-10-01.
	// 0 means the default, 1000 (reported by partners, not on Meta's page); negative
	// turns the allowance off so every delivered service message is charged.
	ServiceAllowancePerNumber int
	// FreeConversationsPerMonth is the CBP monthly free tier per account: the first N
	// conversations (CBP 2022, user- and business-initiated together) or service
	// conversations (CBP 2023, until 2024-10-31). 0 means the default, 1000; negative
	// turns the free tier off.
	FreeConversationsPerMonth int

	// PrimaryCountry is the business's primary country, ISO 3166-1 alpha-2 ("IN"):
	// authentication messages to it are domestic. "" means not known (not verified, in
	// Meta's words): every recipient country then differs, and past AuthIntlFrom Meta
	// bills the authentication-international rate.
	PrimaryCountry string
	// AuthIntlFrom is the business's start time for authentication-international rates
	// (Meta sets one when it deems the business eligible); 0 means never eligible.
	AuthIntlFrom model.Time

	// NumberAccount maps a business phone number (model.Message.Number) to the business
	// account that owns it; free tiers and volume tiers are counted per account. Nil (the
	// default) puts every number in one account, as docs/billing.md, "Scope", decides for a
	// trace; numbers past the end of the slice belong to account 0.
	NumberAccount []uint16
	// AccountPerNumber makes every business phone number an account of its own (a
	// trace of several businesses' numbers). It cannot go with NumberAccount.
	AccountPerNumber bool
	// Numbers names the business numbers NumberAccount indexes, for a trace replay
	// (sim/replay), which gives them the ids 0, 1, … in this order and refuses a trace's
	// number not named here. Nil: ids in order of first appearance, any number. The
	// Biller itself does not read it.
	Numbers []string

	// TierCountPerCategory counts PMP volume-tier messages per (market, category):
	// utility apart from authentication and authentication-international, which share
	// one. Default false follows docs/billing.md, "Volume tiers": one counter per market
	// for all three. NBP templates keep one counter per market either way. Meta's pricing page ("Volume tiers": messages are aggregated "per
	// market-category pair, e.g. Brazil-authentication, Brazil-utility"; an auth-intl start
	// mid-month keeps accumulating with authentication) reads as per-category.
	TierCountPerCategory bool

	// AtSendTime evaluates the rules at the send time (Message.TS) instead of the delivery
	// time. Default false: the delivery time (model.Message.At), as docs/billing.md, "Which
	// time", decides. Messages must then come in TS order.
	AtSendTime bool

	// EntryPointV1 is how long a CBP 2022 free entry point conversation lasts. 0 means the
	// default date rule: 24 h before 2023-03-01 and 72 h from then on (docs/billing.md,
	// "CBP 2022").
	EntryPointV1 model.Time

	// DeliverUSMarketing turns off the rule that marketing templates to United States
	// numbers (Message.Country "US") are not delivered, so never charged, from
	// 2025-04-01. Default false: the rule applies, under every era, because it is a fact
	// about delivery and not a pricing rule.
	DeliverUSMarketing bool

	// IgnoreStated bills as if the log stated nothing (model.Message.Stated): spendsim's
	// own inference everywhere. Default false: where a log states a fact billing would
	// otherwise infer — Meta's statuses say a US marketing template was delivered, its
	// pricing.category says authentication_international, authentication or
	// marketing_lite — the log's fact wins, and Stats counts each time it changed the
	// outcome (docs/billing.md, "The log's word").
	IgnoreStated bool

	// StrictWindow makes a delivered non-template business message outside the customer
	// service window an error (WhatsApp refuses to send one, so a trace that has one has
	// lost a user message). Default false: it is billed as its era's rules price a
	// non-template message and counted in Stats.TextOutsideWindow.
	StrictWindow bool

	// book and tiers replace Book and Tiers in tests.
	book  rateBook
	tiers tierSource
}

// Stats counts what a Biller has seen, for replay summaries and warnings.
type Stats struct {
	Messages          int64 // all messages billed
	Business          int64 // business messages
	Delivered         int64 // business messages counted as delivered
	Billable          int64 // charged business messages
	TextOutsideWindow int64 // delivered non-template messages outside the CSW
	USMarketingHeld   int64 // marketing templates to US numbers not delivered (from 2025-04-01)
	// Tiered counts the charged messages that count toward volume tiers, and Banded
	// those of them a band table (Options.Tiers) was in force for: with a tier file
	// given, Banded 0 and Tiered above 0 say it applied to nothing.
	Tiered, Banded int64
	// EntryPointsV1 counts the CBP 2022 free entry point conversations opened, the
	// only ones whose length Options.EntryPointV1 sets: with it given, 0 says it
	// changed nothing.
	EntryPointsV1 int64
	Stated        StatedStats
}

// StatedStats counts the messages whose charge the log's word changed
// (Options.IgnoreStated): each would have been billed otherwise.
type StatedStats struct {
	USMarketingDelivered int64 // US marketing templates charged: Meta's statuses say they were delivered
	AuthIntl             int64 // authentication charged at the international rate spendsim would not have inferred
	AuthDomestic         int64 // authentication charged at the domestic rate where spendsim would have inferred international
	MarketingLite        int64 // marketing templates reported as marketing_lite
}

// Biller applies WhatsApp's billing rules to a time-ordered stream of messages. It is a
// pure, single-threaded state machine: per-pair windows and conversations live in dense
// slices indexed by Message.Pair, monthly counters per account, number and market, and
// the steady state allocates nothing per message.
//
// Rate cards (docs/billing.md, "Rate cards"): the latest card of the era's pricing
// model in force on the message's date in Location; none prices a message dated before
// its effective date, except under a counterfactual era on a date before the era began,
// which reads the model's first card. So a 2024 trace under pmp-2025 uses the 2025-07-01
// card; CBP cards changed shape on 2023-06-01, so cbp-2022 never reads a later CBP card
// (a 2025 trace under cbp-2022 uses the last user-/business-initiated card) and cbp-2023
// never an earlier one (a 2022 trace under cbp-2023 uses the 2023-06-01 card).
type Biller struct {
	era      Era // fixed era, or EraAuto
	book     rateBook
	tiers    tierSource
	markets  *market.Table
	currency string
	loc      *time.Location
	bounds   bounds

	freeConvs       int // per month; <0 off
	serviceAllow    int // per number per month; <0 off
	primary         [2]byte
	authIntl        bool
	authIntlFrom    model.Time
	numberAccount   []uint16
	perNumber       bool
	atSend          bool
	entryV1         model.Time
	usMarketingOff  bool
	strict          bool
	tierPerCategory bool
	ignoreStated    bool
	authStated      bool // authCategory chose the log's category over the inferred one for this message

	pairs window.Table
	touch model.Time // what Touch read, kept so the compiler keeps the reads
	last  model.Time // latest message time seen, for the ordering check
	begun bool

	// Calendar of the current message: refreshed when a message passes dayEnd.
	days     model.Days // loc's days, read without a time.Date call where the offset holds
	dayEnd   model.Time
	monthEnd model.Time
	dayBill  billFunc // today's rules: the fixed era's, or under EraAuto the era in force

	// The charge and message dayBill works on (see Bill).
	ch  pricing.Charge
	msg model.Message

	cards    [numEras]cardSlot
	cardList []*cardCache // every card looked up, so that a card has one cache
	intlDays []intlDay    // by market: had it an authentication-international rate today (intlDay)
	// intlCurrencies are the currencies whose cards intlOn reads: the billing currency,
	// then the book's others.
	intlCurrencies []string

	// The account counters (ledger.go): the message's claim on them, and the Ledger
	// that settles it at once, unless the Biller is split (NewSplit).
	cl    Claim
	led   *Ledger
	split bool

	stats Stats
}

// New checks o and returns a Biller.
func New(o Options) (*Biller, error) {
	b := &Biller{
		era:             o.Era,
		dayEnd:          minTime, // the first message starts a day, whatever its time
		book:            o.book,
		tiers:           o.tiers,
		markets:         o.Markets,
		currency:        o.Currency,
		loc:             o.Location,
		freeConvs:       o.FreeConversationsPerMonth,
		serviceAllow:    o.ServiceAllowancePerNumber,
		authIntlFrom:    o.AuthIntlFrom,
		numberAccount:   o.NumberAccount,
		perNumber:       o.AccountPerNumber,
		atSend:          o.AtSendTime,
		entryV1:         o.EntryPointV1,
		usMarketingOff:  !o.DeliverUSMarketing,
		strict:          o.StrictWindow,
		tierPerCategory: o.TierCountPerCategory,
		ignoreStated:    o.IgnoreStated,
	}
	if o.Era >= numEras {
		return nil, fmt.Errorf("billing: unknown era %d", o.Era)
	}
	if b.book == nil && o.Book != nil {
		b.book = bookRates{o.Book}
	}
	if b.tiers == nil && o.Tiers != nil {
		b.tiers = bookTiers{o.Tiers}
	}
	if b.book == nil {
		return nil, fmt.Errorf("billing: Options.Book is required (the rate cards to bill with)")
	}
	if o.Book != nil {
		if b.markets == nil {
			b.markets = o.Book.Markets()
		} else if b.markets != o.Book.Markets() {
			return nil, fmt.Errorf("billing: Options.Markets is not the market table of Options.Book: message market ids would name other markets; resolve recipients with Book.Markets()")
		}
	}
	if b.currency == "" {
		b.currency = DefaultCurrency
	}
	if b.loc == nil {
		b.loc = time.UTC
	}
	if b.freeConvs == 0 {
		b.freeConvs = DefaultFreeConversationsPerMonth
	}
	if b.serviceAllow == 0 {
		b.serviceAllow = DefaultServiceAllowancePerNumber
	}
	if o.AccountPerNumber && o.NumberAccount != nil {
		return nil, fmt.Errorf("billing: AccountPerNumber and NumberAccount both say which account a number is in: set one")
	}
	if o.EntryPointV1 < 0 {
		return nil, fmt.Errorf("billing: EntryPointV1 %v is negative", o.EntryPointV1)
	}
	// Eligibility is the start time; the primary country only exempts its own users.
	b.authIntl = o.AuthIntlFrom != 0
	switch pc := o.PrimaryCountry; {
	case pc == "":
	case len(pc) == 2 && isUpper(pc[0]) && isUpper(pc[1]):
		b.primary = [2]byte{pc[0], pc[1]}
	default:
		return nil, fmt.Errorf("billing: PrimaryCountry %q is not an upper-case ISO 3166-1 alpha-2 code such as \"IN\"", pc)
	}
	b.intlCurrencies = []string{b.currency}
	if l, ok := b.book.(currencyLister); ok {
		for _, c := range l.currencies() {
			if !strings.EqualFold(c, b.currency) && !slices.Contains(b.intlCurrencies, c) {
				b.intlCurrencies = append(b.intlCurrencies, c)
			}
		}
	}
	b.bounds = newBounds(b.loc)
	b.days = model.NewDays(b.loc)
	b.led = newLedger(b)
	if o.Era.Model() == pricing.NBP {
		// Fail now rather than at the first message: there is no built-in NBP card.
		if _, err := b.book.first(pricing.NBP, b.currency, pricing.Span{}); err != nil {
			return nil, fmt.Errorf("billing: the %s rules need an NBP rate card (pricing_model NBP, category template rows): %w", o.Era, err)
		}
	}
	return b, nil
}

// NewSplit checks o and returns a Biller that leaves the account counters to a Ledger
// (NewLedger): after each Bill, Claim says what the message's price waits on, and the
// charge Bill returned is complete only once a Ledger has settled that claim. Pairs
// can then be billed apart, each by a split Biller of its own, and one Ledger settles
// every claim in billing order (ledger.go). Its Stats count no billable messages and
// its Total is 0: they are the Ledger's.
func NewSplit(o Options) (*Biller, error) {
	b, err := New(o)
	if err != nil {
		return nil, err
	}
	b.split = true
	return b, nil
}

// Claim is what the last message billed leaves to a Ledger (see NewSplit).
func (b *Biller) Claim() Claim { return b.cl }

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

// Stats returns the counts so far.
func (b *Biller) Stats() Stats {
	s := b.stats
	s.Billable, s.Tiered, s.Banded = b.led.billable, b.led.tiered, b.led.banded
	return s
}

// Add adds o's counts to s.
func (s *Stats) Add(o Stats) {
	s.Messages += o.Messages
	s.Business += o.Business
	s.Delivered += o.Delivered
	s.Billable += o.Billable
	s.TextOutsideWindow += o.TextOutsideWindow
	s.USMarketingHeld += o.USMarketingHeld
	s.Tiered += o.Tiered
	s.Banded += o.Banded
	s.EntryPointsV1 += o.EntryPointsV1
	s.Stated.USMarketingDelivered += o.Stated.USMarketingDelivered
	s.Stated.AuthIntl += o.Stated.AuthIntl
	s.Stated.AuthDomestic += o.Stated.AuthDomestic
	s.Stated.MarketingLite += o.Stated.MarketingLite
}

// Total returns the sum of every Charge.Amount returned so far, or money.ErrOverflow.
func (b *Biller) Total() (money.Micros, error) { return b.led.Total() }

// WindowOpen reports whether the customer service window of pair is open at t, given the
// user messages billed so far.
func (b *Biller) WindowOpen(pair uint32, t model.Time) bool {
	p := b.pairs.Peek(pair)
	return p != nil && p.CSWOpen(t)
}

// EntryPointOpen reports whether a free entry point window (PMP, CBP 2023) or
// conversation (CBP 2022) of pair is open at t.
func (b *Biller) EntryPointOpen(pair uint32, t model.Time) bool {
	p := b.pairs.Peek(pair)
	return p != nil && p.EntryOpen(t)
}

// Bill applies the rules to one message and returns its charge. User messages open or
// refresh the pair's windows and return a zero Charge. Business messages return their
// Charge; one that was not delivered (status sent or failed, or a marketing template
// to a US number from 2025-04-01) has Model pricing.ModelNone and changes no state.
// A business message's Charge.Market is the market it is priced in: m.Market, the
// recipient's market on the message's date, except under a fixed era whose card stands
// for another date, where markets had other groupings (cardMarket).
//
// Messages must come in non-decreasing order of Message.At (Message.TS with
// Options.AtSendTime); an earlier one is an error naming both times, and is not billed.
// A message without a valid direction, or a template without a category, is an error.
func (b *Biller) Bill(m *model.Message) (pricing.Charge, error) {
	at := m.At()
	if b.atSend {
		at = m.TS
	}
	if at < b.last && b.begun {
		return pricing.Charge{}, fmt.Errorf("billing: message at %v (pair %d) comes after one at %v: messages must be in non-decreasing time order", at, m.Pair, b.last)
	}
	if m.Direction != model.FromUser && m.Direction != model.FromBusiness {
		return pricing.Charge{}, fmt.Errorf("billing: message at %v (pair %d) has direction %d, neither user nor business", at, m.Pair, m.Direction)
	}
	if m.Direction == model.FromBusiness && m.Kind == model.Template && (m.Category == model.CatNone || m.Category > model.Authentication) {
		return pricing.Charge{}, fmt.Errorf("billing: template at %v (pair %d) has no valid category (%d): it must be marketing, utility or authentication", at, m.Pair, m.Category)
	}
	if b.markets != nil && int(m.Market) > b.markets.Len() {
		return pricing.Charge{}, fmt.Errorf("billing: message at %v (pair %d) has market id %d, not one of the market table's 1..%d", at, m.Pair, m.Market, b.markets.Len())
	}
	b.last, b.begun = at, true
	if at >= b.dayEnd {
		b.newDay(at)
	}
	b.stats.Messages++
	b.cl = Claim{number: m.Number, market: m.Market, at: at}
	p := b.pairs.Get(m.Pair)
	if m.Direction == model.FromUser {
		p.UserMessage(at, m.EntryPoint)
		return pricing.Charge{}, nil
	}

	b.stats.Business++
	// A counterfactual prices the message in the market grouping of its card.
	mkt := b.cardMarket(m, at)
	b.cl.market = mkt
	// The rules are called through the era table, and the compiler cannot see that an
	// indirect call keeps no pointer: given a charge on the stack and the caller's
	// message, it would move both to the heap, one allocation per message. So the charge
	// is built in the Biller, and the rules get a copy of the message kept there.
	ch := &b.ch
	*ch = pricing.Charge{Market: mkt, Category: messageCategory(m)}
	if !m.Status.WasDelivered() {
		return *ch, nil
	}
	if b.usMarketingOff && m.Kind == model.Template && m.Category == model.Marketing &&
		m.Country == [2]byte{'U', 'S'} && at >= b.bounds.usMarketingOff {
		if b.ignoreStated || m.Stated&model.StatedDelivered == 0 {
			b.stats.USMarketingHeld++
			return *ch, nil
		}
		b.stats.Stated.USMarketingDelivered++ // Meta's statuses say it was delivered
	}
	b.stats.Delivered++
	if m.Kind == model.Text && !p.CSWOpen(at) {
		if b.strict {
			return pricing.Charge{}, fmt.Errorf("billing: non-template message at %v (pair %d) delivered outside the customer service window (no user message in the 24 h before): WhatsApp would not send it", at, m.Pair)
		}
		b.stats.TextOutsideWindow++
	}

	b.msg = *m
	b.msg.Market = mkt
	b.authStated = false
	if err := b.dayBill(b, ch, p, &b.msg, at); err != nil {
		return pricing.Charge{}, err
	}
	if ch.Type == typePending && b.cl.kind == claimNone {
		b.cl.kind = claimRider
	}
	if !b.split {
		if err := b.led.Settle(ch, &b.cl); err != nil {
			return pricing.Charge{}, err
		}
	}
	b.applyStated(ch, m)
	return *ch, nil
}

// Touch brings the window state of pairs into cache ahead of their messages: a caller
// that knows the next messages' pairs early (a replay holding messages until their
// delivery time) overlaps the cache misses that Bill would take one at a time.
func (b *Biller) Touch(pairs []uint32) { b.touch += b.pairs.Touch(pairs) }

// messageCategory is the category a message is reported under by default: its template
// category, or service for a non-template message.
func messageCategory(m *model.Message) pricing.Category {
	if m.Kind != model.Template {
		return pricing.Service
	}
	switch m.Category {
	case model.Marketing:
		return pricing.Marketing
	case model.Utility:
		return pricing.Utility
	case model.Authentication:
		return pricing.Authentication
	}
	return pricing.CatNone
}

// newDay moves the calendar to the day of at: era and card caches are per day.
func (b *Biller) newDay(at model.Time) {
	b.dayEnd, b.monthEnd, _ = nextDay(&b.days, at, b.monthEnd)
	e := b.era
	if e == EraAuto {
		e = b.bounds.era(at)
	}
	b.dayBill = b.bounds.eras[e].bill
}

// charge marks ch billable at the list rate of cat in market mkt, from the card cc the
// rules consulted (cardFor).
func (b *Biller) charge(ch *pricing.Charge, cc *cardCache, mkt uint16, cat pricing.Category) error {
	cell, err := cc.rate(mkt, cat)
	if err != nil {
		return err
	}
	ch.Category = cat
	ch.Type = pricing.Regular
	ch.Billable = true
	ch.Amount = cell.v.amount
	ch.Confidence = cell.v.conf
	b.cl.charged = true
	return nil
}

// claimFree leaves to the Ledger whether the conversation of category cat that m opens
// is one of the account's free ones this month (claimFree), or charged at the list
// rate of era e's card: the card and rate are looked up now, and an error finding
// them stops the bill only if the conversation is charged. With the free tier off it
// is charged now.
func (b *Biller) claimFree(ch *pricing.Charge, e Era, m *model.Message, cat pricing.Category, at model.Time) error {
	if b.freeConvs <= 0 {
		cc, err := b.cardFor(e, at)
		if err != nil {
			return err
		}
		return b.charge(ch, cc, m.Market, cat)
	}
	ch.Type, ch.Category, ch.Billable = typePending, cat, true
	b.claimRate(claimFree, e, m.Market, cat, at)
	return nil
}

// claimRate makes the message's claim one of kind, to be charged, if the counter says
// so, at the list rate of cat in mkt on era e's card.
func (b *Biller) claimRate(kind claimKind, e Era, mkt uint16, cat pricing.Category, at model.Time) {
	c := &b.cl
	c.kind = kind
	c.card, c.err = b.card(e, at)
	if c.err == nil {
		var cell *rateCell
		cell, c.err = c.card.rate(mkt, cat)
		c.amount, c.conf = cell.v.amount, cell.v.conf
	}
}

// Reset forgets every message billed so far, keeping the options and the memory already
// grown, so that one Biller can bill many runs of a simulation without reallocating.
func (b *Biller) Reset() {
	b.pairs.Reset()
	b.last, b.begun = 0, false
	b.dayEnd, b.monthEnd, b.dayBill = minTime, 0, nil
	b.cards = [numEras]cardSlot{}
	b.led.reset()
	b.stats = Stats{}
}
