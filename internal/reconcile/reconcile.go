package reconcile

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim/replay"
)

// Options are what a reconciliation needs besides the messages and Meta's analytics.
type Options struct {
	// Book prices Meta's word where it differs from spendsim's (the rate of Meta's
	// category on the card the rules of Meta's pricing model read at the message's
	// time: billing.ModelCards): the cards the replay used.
	Book     *pricing.Book
	Currency string         // of the bill; default USD
	Location *time.Location // the account's time zone: months; default UTC
	// Tolerance is how far an amount may differ and still agree, per row (0: to the
	// micro).
	Tolerance money.Micros
	// Tiers are the replay's tier files: tier webhooks among them explain rows whose
	// amount differs because Meta counted more of the month.
	Tiers *pricing.Tiers
	// Skipped counts the rows of the log the replay skipped as invalid
	// (--skip-invalid): whatever Meta said in them was not compared, so the
	// reconciliation is at best unverified.
	Skipped int64
}

// Reconciler compares a replay's messages, one at a time, with the pricing objects
// the log carried and with Meta's analytics. Memory grows with the rows of the bill
// (month × market × category × type) and the (business number, user) pairs whose CBP
// conversations Meta's word names (each keeping those it may still ride), not with
// messages; the per-message verdicts go to the caller as they are made.
type Reconciler struct {
	o       Options
	markets *market.Table
	local   *market.Local
	cards   *billing.ModelCards // the card that prices Meta's word

	sum        Summary
	bill       money.Sum // every business message: spendsim's whole bill
	unverified money.Sum // the charged messages Meta said nothing about
	byReason   map[Reason]int64
	groups     map[groupKey]*Row // per-message verdicts by spendsim's key (month, market, category, type)
	outside    map[groupKey]*Row // with analytics: those of the messages no analytics row counts

	an    []pricing.AnalyticsPoint
	anDim [3]map[pricing.Analytics]bool // which analytics break down by country, category, type
	anRow map[groupKey]*Row             // ours and Meta's, by the analytics' dimensions
	anSrc []pricing.Analytics
	convs map[groupKey]map[int64]bool // conversation_analytics: distinct conversation ids per row
	from  model.Time                  // the analytics' span [from, to)
	to    model.Time

	// metaConvs are, by pair, the CBP conversations Meta's word named that a later
	// message may still ride, with the message that opened each (conversations.go).
	metaConvs map[metaPair]*metaOpen
}

// New starts a reconciliation against analytics (none: against the log's pricing
// objects only).
func New(o Options, analytics []pricing.AnalyticsPoint) (*Reconciler, error) {
	if o.Book == nil {
		return nil, fmt.Errorf("reconcile: Options.Book is required (the cards that price Meta's word)")
	}
	if o.Currency == "" {
		o.Currency = "USD"
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	r := &Reconciler{o: o, markets: o.Book.Markets(), byReason: map[Reason]int64{}, groups: map[groupKey]*Row{}, outside: map[groupKey]*Row{},
		anRow: map[groupKey]*Row{}, convs: map[groupKey]map[int64]bool{}, metaConvs: map[metaPair]*metaOpen{}}
	r.local = r.markets.In(o.Location)
	var err error
	if r.cards, err = billing.NewModelCards(billing.Options{Book: o.Book, Currency: o.Currency, Location: o.Location}); err != nil {
		return nil, fmt.Errorf("reconcile: %w", err)
	}
	if err := r.analytics(analytics); err != nil {
		return nil, err
	}
	return r, nil
}

// Message reconciles one business message; messages may come in any order but a CBP
// conversation's, which come in delivery order (messages.parquet's), the one that
// opened it first. It returns
// the message's row when the log carried Meta's pricing for it, or when spendsim charged
// it and Meta said nothing about it (reason NoMetaPricing); nil otherwise.
func (r *Reconciler) Message(m *Message) (*Row, error) {
	r.sum.Messages++
	r.bill.Add(m.Amount)
	counted := m.Delivered && r.ours(m)
	var row *Row
	if m.Meta == nil || m.Meta.PricingModel == "" && m.Meta.Category == "" && m.Meta.PricingType == "" &&
		m.Meta.Billable == model.BillableUnknown {
		r.sum.WithoutMetaPricing++
		if m.Amount == 0 || counted {
			return nil, nil
		}
		// Money Meta said nothing about: no pricing object, no analytics row. It is
		// spendsim's bill all the same, and it is not agreement.
		row = r.unverifiedRow(m)
		r.sum.Unverified++
		r.unverified.Add(m.Amount)
		r.byReason[NoMetaPricing]++
	} else {
		r.sum.Compared++
		ride := r.metaRides(m)
		reason, detail := judge(m, ride)
		v := Verdict{Reason: reason, Detail: detail, MetaAmount: m.Amount, MetaPriced: true}
		switch {
		case reason == "":
		case ride.rides:
			v.MetaAmount = 0 // one charge a conversation, at its opening: not a second one
		default:
			var why string
			v.MetaAmount, v.MetaPriced, why = r.metaAmount(m)
			if !v.MetaPriced && reason == CategoryDiffers {
				v.Reason = RateMissing
			}
			if why != "" {
				v.Detail += "; Meta's amount unknown: " + why
			}
		}
		row = r.messageRow(m, &v)
		if row.Agrees {
			r.sum.Agree++
		} else {
			r.sum.Differ++
			r.byReason[row.Reason]++
		}
	}
	k := groupKey{src: SourceLog, month: monthIndex(r.month(m.At)), market: m.Market, category: m.Category, typ: m.Type}
	logGroup(r.groups, k, r.monthOf(k.month)).add(row)
	if len(r.an) > 0 && !counted {
		// No analytics row holds its amount: a row of its own, beside them.
		logGroup(r.outside, k, r.monthOf(k.month)).add(row)
	}
	return row, nil
}

func logGroup(groups map[groupKey]*Row, k groupKey, month time.Time) *Row {
	g := groups[k]
	if g == nil {
		g = &Row{Level: LevelGroup, Source: SourceLog, Month: month, Market: k.market, Category: k.category, Type: k.typ, MetaPriced: true}
		groups[k] = g
	}
	return g
}

// metaAmount prices Meta's word where it differs from spendsim's charge, as the biller
// would price it in the message's place: 0 where Meta says free or not billable (or the
// message was never delivered); 0 where Meta's word is a CBP conversation that falls in
// the month's free tier (freeTierCovers); else the list rate of Meta's category in the
// message's market on the card the rules of Meta's pricing model read at the message's
// time (billing.ModelCards: the card of that model's era then, within the era's span of
// cards; its first card for a date before the model's first era). ok is false where
// there is no such rate; why then says what is missing and, where a card or a cell
// is, the row to add with --rates ("" where Meta's word names no model, category or
// market spendsim prices).
func (r *Reconciler) metaAmount(m *Message) (amount money.Micros, ok bool, why string) {
	mp := m.Meta
	if !m.Delivered || mp.Billable == model.NotBillable || isFree(mp.PricingType) || freeTierCovers(m) {
		return 0, true, ""
	}
	mdl := m.Model
	if mp.PricingModel != "" {
		mdl = mp.PricingModel
	}
	var pm pricing.Model
	switch mdl {
	case "NBP":
		pm = pricing.NBP
	case "CBP":
		pm = pricing.CBP
	case "PMP":
		pm = pricing.PMP
	default:
		return 0, false, ""
	}
	cat, ok := pricing.ParseCategory(metaCategory(mp))
	if metaCategory(mp) == pricing.MarketingLite.String() {
		cat, ok = pricing.MarketingLite, true
	}
	if !ok {
		return 0, false, ""
	}
	id, ok := r.markets.ID(m.Market)
	if !ok {
		return 0, false, ""
	}
	card, err := r.cards.Card(pm, m.At)
	if err != nil {
		return 0, false, note(err)
	}
	if cat == pricing.AuthenticationInternational && !card.Has(id, cat) {
		return 0, false, "" // the card would fall back to authentication: not what Meta charged
	}
	rate, err := card.Rate(id, cat)
	if err != nil {
		return 0, false, note(err)
	}
	return rate.Amount, true, ""
}

// note is err as a row's detail says it, without its package's prefix.
func note(err error) string {
	s := err.Error()
	for _, p := range []string{"billing: ", "pricing: "} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}

// freeTierCovers says whether Meta's word on m is a conversation the month's free tier
// covers (docs/billing.md, "CBP 2022", "CBP 2023"): Meta marks a free-tier conversation
// billable and states no pricing type, so its word alone does not say. The biller's
// count does: spendsim counted m in the account's free tier (pricing type free_tier),
// so the month's free conversations were not used up, and Meta's conversation is one
// of them when the free tier covers its category — every conversation under CBP 2022
// (user_initiated, business_initiated, referral_conversion), service under CBP 2023.
func freeTierCovers(m *Message) bool {
	mp := m.Meta
	if m.Type != pricing.FreeTier.String() || mp.PricingType != "" || m.Model != pricing.CBP.String() ||
		mp.PricingModel != "" && mp.PricingModel != pricing.CBP.String() {
		return false
	}
	switch metaCategory(mp) {
	case pricing.UserInitiated.String(), pricing.BusinessInitiated.String(), pricing.ReferralConversion.String(), pricing.Service.String():
		return true
	}
	return false
}

func (r *Reconciler) month(t model.Time) time.Time { return replay.MonthOf(t, r.o.Location) }

// Result is the reconciliation.
type Result struct {
	Summary Summary
	// Groups are the rows by month × market × category × type: against Meta's analytics
	// where some were given (Source analytics), else the per-message verdicts summed
	// by spendsim's key (Source log). With analytics, the messages no analytics row
	// counts (outside their span, never delivered) that the log priced or that spendsim
	// charged have Source log rows beside them, so every charge is in one row. Sorted.
	Groups []*Row
	// ByReason counts the differing messages and rows by reason, and the charged
	// messages Meta said nothing about (NoMetaPricing).
	ByReason map[Reason]int64
	// Updates are the tier webhooks the replay's tier files held.
	Updates []pricing.TierUpdate
}

// Summary counts what was compared.
type Summary struct {
	Messages           int64 // business messages of the replay
	Compared           int64 // of those, with Meta's pricing object in the log
	WithoutMetaPricing int64 // with none: not compared one by one
	Agree, Differ      int64 // compared messages
	// Unverified counts the messages spendsim charged that Meta said nothing about: no
	// pricing object in the log and no analytics row counting them (NoMetaPricing).
	Unverified       int64
	UnverifiedMicros money.Micros
	// Analytics rows.
	Points         int64 // data points read
	Rows           int64 // rows they make by month × market × category × type
	RowsAgree      int64
	RowsDiffer     int64
	OutsideSpan    int64 // delivered messages outside the analytics' span: not set beside them
	StraddlePoints int64 // points whose span crosses a month boundary in the account's zone
	// TotalMicros is spendsim's whole bill: every business message of the replay (its
	// summary.json's total). ComparedMicros is the part of it set beside Meta's word,
	// MetaTotalMicros Meta's side of that part (analytics costs where given, else the
	// log's word priced); the rest is UnverifiedMicros.
	TotalMicros     money.Micros
	ComparedMicros  money.Micros
	MetaTotalMicros money.Micros
	MetaTotalKnown  bool // false where some of Meta's amounts are unknown, or Meta said nothing
	// CountsOnly counts the analytics rows whose counts agree but whose cost Meta did
	// not give (no cost in its points): the money in them, CountsOnlyMicros of
	// spendsim's, is not verified.
	CountsOnly       int64
	CountsOnlyMicros money.Micros
	// Skipped counts the rows of the log the replay skipped as invalid (Options.Skipped).
	Skipped int64
}

// Outcome is a reconciliation's verdict, in reconcile.json's words.
type Outcome string

const (
	// Agree: everything compared agrees within the tolerance, and every charge
	// was compared, on its amount too, and no row of the log was skipped. The only
	// verdict that passes the gate.
	Agree Outcome = "agree"
	// Differ: some compared message or row differs.
	Differ Outcome = "differ"
	// Unverified: everything compared agrees, but Meta said nothing about some
	// of spendsim's charges (Summary.Unverified), or rows of the log that may hold
	// Meta's word were skipped as invalid (Summary.Skipped).
	Unverified Outcome = "unverified"
	// CountsOnly: everything compared agrees, but only on counts where Meta's
	// analytics gave no cost (Summary.CountsOnly): the money is not verified.
	CountsOnly Outcome = "counts_only"
	// NothingCompared: Meta said nothing to compare with: no message of the log
	// carried a pricing object and no analytics were given.
	NothingCompared Outcome = "nothing_compared"
)

// Outcome says how the reconciliation came out; checked in this order: nothing
// compared, a difference, an unverified charge or skipped row, counts only, agreement.
func (res *Result) Outcome() Outcome {
	s := &res.Summary
	switch {
	case s.Compared == 0 && s.Points == 0:
		return NothingCompared
	case s.Differ > 0 || s.RowsDiffer > 0:
		return Differ
	case s.Unverified > 0 || s.Skipped > 0:
		return Unverified
	case s.CountsOnly > 0:
		return CountsOnly
	}
	return Agree
}

// Agrees says whether everything compared agrees within the tolerance, every charge
// was compared, on its amount too, and no row of the log was skipped: the gate a
// finance pipeline checks (spendsim reconcile's exit status).
func (res *Result) Agrees() bool { return res.Outcome() == Agree }

// Result finishes the reconciliation.
func (r *Reconciler) Result() (*Result, error) {
	res := &Result{Summary: r.sum, ByReason: r.byReason, Updates: r.o.Tiers.Updates()}
	logRows := r.groups
	if len(r.an) > 0 {
		r.judgeRows()
		for _, g := range r.anRow {
			res.Groups = append(res.Groups, g)
		}
		logRows = r.outside
	}
	for _, g := range logRows {
		res.Groups = append(res.Groups, g)
	}
	sort.Slice(res.Groups, func(i, j int) bool { return res.Groups[i].less(res.Groups[j]) })
	var compared, meta, countsOnly money.Sum
	known := true
	for _, g := range res.Groups {
		compared.Add(g.Amount - g.UnverifiedAmount)
		meta.Add(g.MetaAmount)
		known = known && g.MetaPriced
		if g.Source != SourceLog {
			res.Summary.Rows++
			if g.Agrees {
				res.Summary.RowsAgree++
				if !g.MetaPriced { // the counts agree; Meta gave no cost
					res.Summary.CountsOnly++
					countsOnly.Add(g.Amount)
				}
			} else {
				res.Summary.RowsDiffer++
				r.byReason[g.Reason]++
			}
		}
	}
	var err error
	if res.Summary.TotalMicros, err = r.bill.Total(); err != nil {
		return nil, err
	}
	if res.Summary.UnverifiedMicros, err = r.unverified.Total(); err != nil {
		return nil, err
	}
	if res.Summary.ComparedMicros, err = compared.Total(); err != nil {
		return nil, err
	}
	if res.Summary.MetaTotalMicros, err = meta.Total(); err != nil {
		return nil, err
	}
	if res.Summary.CountsOnlyMicros, err = countsOnly.Total(); err != nil {
		return nil, err
	}
	res.Summary.Skipped = r.o.Skipped
	res.Summary.MetaTotalKnown = known && (r.sum.Compared > 0 || len(r.an) > 0) // Meta said something
	res.Summary.Points = int64(len(r.an))
	res.Summary.OutsideSpan, res.Summary.StraddlePoints = r.sum.OutsideSpan, r.sum.StraddlePoints
	return res, nil
}
