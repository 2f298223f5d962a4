package reconcile

import (
	"slices"
	"strconv"
	"strings"

	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
)

// Against Meta's analytics: the points are summed by month (of their start, in the
// account's zone) and by the dimensions the request broke them down by — country
// (as its market on the point's start date), category, type — and spendsim's delivered
// messages inside the analytics' span are summed the same way: messages for
// pricing_analytics, CBP conversations (distinct conversation ids, the amount of their
// opening charge) for conversation_analytics. A dimension the analytics do not break
// down by is summed over on both sides.

const (
	dimCountry = iota
	dimCategory
	dimType
)

func sourceOf(a pricing.Analytics) Source {
	if a == pricing.ConversationAnalytics {
		return SourceConversation
	}
	return SourcePricing
}

func (r *Reconciler) analytics(pts []pricing.AnalyticsPoint) error {
	r.an = pts
	for i := range r.anDim {
		r.anDim[i] = map[pricing.Analytics]bool{}
	}
	for i, p := range pts {
		if !slices.Contains(r.anSrc, p.Source) {
			r.anSrc = append(r.anSrc, p.Source)
		}
		r.anDim[dimCountry][p.Source] = r.anDim[dimCountry][p.Source] || p.Country != ""
		r.anDim[dimCategory][p.Source] = r.anDim[dimCategory][p.Source] || p.Category != pricing.CatNone
		r.anDim[dimType][p.Source] = r.anDim[dimType][p.Source] || p.Type != pricing.TypeNone
		if i == 0 || p.Start < r.from {
			r.from = p.Start
		}
		if i == 0 || p.End > r.to {
			r.to = p.End
		}
	}
	for _, p := range pts {
		if p.End > p.Start && !r.month(p.Start).Equal(r.month(p.End-1)) {
			r.sum.StraddlePoints++
		}
		mkt := ""
		if p.Country != "" {
			mkt = r.markets.Name(r.local.ForCountry([2]byte{p.Country[0], p.Country[1]}, p.Start))
		}
		cat, typ := "", ""
		if p.Category != pricing.CatNone {
			cat = p.Category.String()
		}
		if p.Type != pricing.TypeNone {
			typ = p.Type.String()
		}
		g := r.anGroup(groupKey{src: sourceOf(p.Source), month: monthIndex(r.month(p.Start)), market: mkt, category: cat, typ: typ})
		g.MetaMessages += p.Count
		if p.HasCost {
			g.MetaAmount += p.Cost
		} else {
			g.MetaPriced = false
		}
		if p.Tier != "" && !slices.Contains(strings.Split(g.Tier, ","), p.Tier) {
			if g.Tier != "" {
				g.Tier += ","
			}
			g.Tier += p.Tier
		}
	}
	return nil
}

func (r *Reconciler) anGroup(k groupKey) *Row {
	g := r.anRow[k]
	if g == nil {
		g = &Row{Level: LevelGroup, Source: k.src, Market: k.market, Category: k.category, Type: k.typ, MetaPriced: true}
		g.Month = r.monthOf(k.month)
		r.anRow[k] = g
	}
	return g
}

// key projects spendsim's (market, category, type) onto the dimensions of source a.
func (r *Reconciler) key(a pricing.Analytics, month int32, market, category, typ string) groupKey {
	k := groupKey{src: sourceOf(a), month: month}
	if r.anDim[dimCountry][a] {
		k.market = market
	}
	if r.anDim[dimCategory][a] {
		k.category = category
	}
	if r.anDim[dimType][a] {
		k.typ = typ
	}
	return k
}

// ours sums a delivered message into the analytics rows, and says whether any counted
// it. A message goes into one source's rows, never both, so that the compared total is
// the bill's once: a CBP conversation into conversation_analytics where given, anything
// else (and CBP without it) into pricing_analytics.
func (r *Reconciler) ours(m *Message) bool {
	if len(r.an) == 0 {
		return false
	}
	if !r.inSpan(m.At) {
		r.sum.OutsideSpan++
		return false
	}
	month := monthIndex(r.month(m.At))
	conversation := m.Model == pricing.CBP.String() && m.ConversationID != 0 && slices.Contains(r.anSrc, pricing.ConversationAnalytics)
	counted := false
	for _, a := range r.anSrc {
		if (a == pricing.ConversationAnalytics) != conversation {
			continue // the other source's message
		}
		k := r.key(a, month, m.Market, m.Category, m.Type)
		if a == pricing.ConversationAnalytics {
			seen := r.convs[k]
			if seen == nil {
				seen = map[int64]bool{}
				r.convs[k] = seen
			}
			g := r.anGroup(k)
			if !seen[m.ConversationID] {
				seen[m.ConversationID] = true
				g.Messages++
			}
			g.Amount += m.Amount
			counted = true
			continue
		}
		g := r.anGroup(k)
		g.Messages++
		g.Amount += m.Amount
		counted = true
	}
	return counted
}

// judgeRows gives each analytics row its verdict, and the reasons of the differing
// messages under its key.
func (r *Reconciler) judgeRows() {
	for _, lg := range r.groups {
		if lg.Agrees {
			continue
		}
		for _, a := range r.anSrc {
			if g := r.anRow[r.key(a, monthIndex(lg.Month), lg.Market, lg.Category, lg.Type)]; g != nil {
				for _, w := range lg.Why {
					if w != NoMetaPricing { // not counted in any analytics row
						g.why(w)
					}
				}
			}
		}
	}
	for _, g := range r.anRow {
		d := g.Difference()
		amountOK := !g.MetaPriced || abs(d) <= r.o.Tolerance
		g.Agrees = g.Messages == g.MetaMessages && amountOK
		switch {
		case g.Agrees:
		case g.Messages == 0:
			g.Reason = NotInLog
		case g.MetaMessages == 0:
			g.Reason = NotInMeta
		case g.Messages != g.MetaMessages:
			g.Reason = CountDiffers
		case pastFirstBand(g.Tier):
			g.Reason = VolumeTier
		default:
			g.Reason = AmountDiffers
		}
		if !g.Agrees {
			g.Detail = rowDetail(g)
		}
	}
}

func abs(m money.Micros) money.Micros {
	if m < 0 {
		return -m
	}
	return m
}

// rowDetail says what differs, in words: "spendsim 3 messages 0.075000, Meta 3 0.075100".
func rowDetail(g *Row) string {
	meta := "unknown"
	if g.MetaPriced {
		meta = g.MetaAmount.String()
	}
	return "spendsim " + itoa(g.Messages) + " for " + g.Amount.String() + ", Meta " + itoa(g.MetaMessages) + " for " + meta
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
