package reconcile

import (
	"fmt"
	"sort"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim/replay"
)

// Options are what a reconciliation needs besides the messages and Meta's analytics.
type Options struct {
	// Book prices Meta's word where it differs from spendsim's (the rate of Meta's
	// category on the card of Meta's pricing model): the cards the replay used.
	Book     *pricing.Book
	Currency string         // of the bill; default USD
	Location *time.Location // the account's time zone: months; default UTC
	// Tolerance is how far an amount may differ and still agree, per row (0: to the
	// micro).
	Tolerance money.Micros
	// Tiers are the replay's tier files: tier webhooks among them explain rows whose
	// amount differs because Meta counted more of the month.
	Tiers *pricing.Tiers
}

// Reconciler compares a replay's messages, one at a time, with the pricing objects
// the log carried and with Meta's analytics. Memory grows with the rows of the bill
// (month × market × category × type), not with messages; the per-message verdicts go
// to the caller as they are made.
type Reconciler struct {
	o       Options
	markets *market.Table
	local   *market.Local

	sum      Summary
	byReason map[Reason]int64
	groups   map[groupKey]*Row // per-message verdicts by spendsim's key (month, market, category, type)

	an    []pricing.AnalyticsPoint
	anDim [3]map[pricing.Analytics]bool // which analytics break down by country, category, type
	anRow map[groupKey]*Row             // ours and Meta's, by the analytics' dimensions
	anSrc []pricing.Analytics
	convs map[groupKey]map[int64]bool // conversation_analytics: distinct conversation ids per row
	from  model.Time                  // the analytics' span [from, to)
	to    model.Time
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
	r := &Reconciler{o: o, markets: o.Book.Markets(), byReason: map[Reason]int64{}, groups: map[groupKey]*Row{},
		anRow: map[groupKey]*Row{}, convs: map[groupKey]map[int64]bool{}}
	r.local = r.markets.In(o.Location)
	if err := r.analytics(analytics); err != nil {
		return nil, err
	}
	return r, nil
}

// Message reconciles one business message; messages may come in any order. It returns
// the message's row when the log carried Meta's pricing for it (nil otherwise).
func (r *Reconciler) Message(m *Message) (*Row, error) {
	r.sum.Messages++
	if m.Delivered {
		r.ours(m)
	}
	if m.Meta == nil || m.Meta.PricingModel == "" && m.Meta.Category == "" && m.Meta.PricingType == "" &&
		m.Meta.Billable == model.BillableUnknown {
		r.sum.WithoutMetaPricing++
		return nil, nil
	}
	r.sum.Compared++
	reason, detail := judge(m)
	v := Verdict{Reason: reason, Detail: detail, MetaAmount: m.Amount, MetaPriced: true}
	if reason != "" {
		var err error
		if v.MetaAmount, v.MetaPriced, err = r.metaAmount(m); err != nil {
			return nil, err
		}
		if !v.MetaPriced && reason == CategoryDiffers {
			v.Reason = RateMissing
		}
	}
	row := r.messageRow(m, &v)
	if row.Agrees {
		r.sum.Agree++
	} else {
		r.sum.Differ++
		r.byReason[row.Reason]++
	}
	k := groupKey{src: SourceLog, month: monthIndex(r.month(m.At)), market: m.Market, category: m.Category, typ: m.Type}
	g := r.groups[k]
	if g == nil {
		g = &Row{Level: LevelGroup, Source: SourceLog, Month: r.monthOf(k.month), Market: k.market, Category: k.category, Type: k.typ, MetaPriced: true}
		r.groups[k] = g
	}
	g.add(row)
	return row, nil
}

// metaAmount prices Meta's word: 0 where Meta says free or not billable (or the
// message was never delivered), else the list rate of Meta's category in the message's
// market on the card of Meta's pricing model in force at the message's date (that
// model's first card for a date before any). ok is false where the card has no rate.
func (r *Reconciler) metaAmount(m *Message) (money.Micros, bool, error) {
	mp := m.Meta
	if !m.Delivered || mp.Billable == model.NotBillable || isFree(mp.PricingType) {
		return 0, true, nil
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
		return 0, false, nil
	}
	cat, ok := pricing.ParseCategory(metaCategory(mp))
	if metaCategory(mp) == pricing.MarketingLite.String() {
		cat, ok = pricing.MarketingLite, true
	}
	if !ok {
		return 0, false, nil
	}
	id, ok := r.markets.ID(m.Market)
	if !ok {
		return 0, false, nil
	}
	card, err := r.o.Book.Card(pm, r.o.Currency, m.At, r.o.Location)
	if err != nil {
		if card, err = r.o.Book.First(pm, r.o.Currency); err != nil {
			return 0, false, nil
		}
	}
	if cat == pricing.AuthenticationInternational && !card.Has(id, cat) {
		return 0, false, nil // the card would fall back to authentication: not what Meta charged
	}
	rate, err := card.Rate(id, cat)
	if err != nil {
		return 0, false, nil
	}
	return rate.Amount, true, nil
}

func (r *Reconciler) month(t model.Time) time.Time { return replay.MonthOf(t, r.o.Location) }

// Result is the reconciliation.
type Result struct {
	Summary Summary
	// Groups are the rows by month × market × category × type: against Meta's analytics
	// where some were given (Source analytics), else the per-message verdicts summed
	// by spendsim's key (Source log); sorted.
	Groups []*Row
	// ByReason counts the differing messages and rows by reason.
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
	// Analytics rows.
	Points          int64 // data points read
	Rows            int64 // rows they make by month × market × category × type
	RowsAgree       int64
	RowsDiffer      int64
	OutsideSpan     int64 // delivered messages outside the analytics' span: not set beside them
	StraddlePoints  int64 // points whose span crosses a month boundary in the account's zone
	TotalMicros     money.Micros
	MetaTotalMicros money.Micros // Meta's side: analytics costs where given, else the log's word priced
	MetaTotalKnown  bool         // false where some of Meta's amounts are unknown
}

// Agrees says whether everything compared agrees within the tolerance: the gate a
// finance pipeline checks (spendsim reconcile's exit status).
func (res *Result) Agrees() bool { return res.Summary.Differ == 0 && res.Summary.RowsDiffer == 0 }

// Result finishes the reconciliation.
func (r *Reconciler) Result() (*Result, error) {
	res := &Result{Summary: r.sum, ByReason: r.byReason, Updates: r.o.Tiers.Updates()}
	var rows map[groupKey]*Row
	if len(r.an) > 0 {
		rows = r.anRow
		r.judgeRows()
	} else {
		rows = r.groups
	}
	for _, g := range rows {
		res.Groups = append(res.Groups, g)
	}
	sort.Slice(res.Groups, func(i, j int) bool { return res.Groups[i].less(res.Groups[j]) })
	var ours, meta money.Sum
	known := true
	for _, g := range res.Groups {
		ours.Add(g.Amount)
		meta.Add(g.MetaAmount)
		known = known && g.MetaPriced
		if len(r.an) > 0 {
			res.Summary.Rows++
			if g.Agrees {
				res.Summary.RowsAgree++
			} else {
				res.Summary.RowsDiffer++
				r.byReason[g.Reason]++
			}
		}
	}
	var err error
	if res.Summary.TotalMicros, err = ours.Total(); err != nil {
		return nil, err
	}
	if res.Summary.MetaTotalMicros, err = meta.Total(); err != nil {
		return nil, err
	}
	res.Summary.MetaTotalKnown = known
	res.Summary.Points = int64(len(r.an))
	res.Summary.OutsideSpan, res.Summary.StraddlePoints = r.sum.OutsideSpan, r.sum.StraddlePoints
	return res, nil
}
