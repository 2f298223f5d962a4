package reconcile

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/money"
)

// Level says what a row compares: one message, or a month × market × category × type.
type Level string

const (
	LevelMessage Level = "message"
	LevelGroup   Level = "group"
)

// Source says what Meta's side of a row is: the pricing objects in the log, or an
// analytics field.
type Source string

const (
	SourceLog          Source = "log"
	SourcePricing      Source = "pricing_analytics"
	SourceConversation Source = "conversation_analytics"
)

// Row is one row of reconcile.parquet: a message against the pricing object the log
// carried, or a month × market × category × type against Meta's analytics (or, with
// none given, the messages' verdicts summed by spendsim's key).
type Row struct {
	Level  Level
	Source Source
	Month  time.Time // first day, in the account's zone
	// Market, Category and Type are spendsim's for a message; a group's key, "" where
	// the analytics do not break down by it (every market, category or type).
	Market, Category, Type string

	// A message's own fields.
	Line                       int64
	MessageID, User, Country   string
	Model                      string // spendsim's pricing_model
	Billable                   bool   // spendsim's
	MetaModel, MetaType        string // what the log said, word for word
	MetaCategory, MetaBillable string // MetaBillable "true", "false" or ""

	// Counts (messages, or conversations for conversation_analytics) and amounts on
	// both sides. MetaAmount of a message is Meta's word priced on spendsim's cards
	// (webhooks carry no amount); of an analytics row, Meta's cost.
	Messages, MetaMessages int64
	Amount, MetaAmount     money.Micros
	MetaPriced             bool // false: some of Meta's amount is unknown (no cost given, no rate)
	// Unverified counts the messages under the row spendsim charged and Meta said
	// nothing about (NoMetaPricing), UnverifiedAmount their amount: in Amount, not in
	// MetaAmount. A row with any has no Meta amount to show (MetaKnown).
	Unverified       int64
	UnverifiedAmount money.Micros
	Tier             string // an analytics row's tiers, as Meta wrote them ("0:750000"), comma-separated

	Agrees bool
	Reason Reason   // "" when it agrees
	Detail string   // the difference in words
	Why    []Reason // a group's: the reasons of the differing messages under its key
}

// Difference is spendsim's amount minus Meta's, where MetaKnown.
func (g *Row) Difference() money.Micros { return g.Amount - g.MetaAmount }

// MetaKnown says whether the row's Meta amount is Meta's for all of it: every message
// under it carried Meta's word, and that word was priced.
func (g *Row) MetaKnown() bool { return g.MetaPriced && g.Unverified == 0 }

func (r *Reconciler) messageRow(m *Message, v *Verdict) *Row {
	mp := m.Meta
	row := &Row{Level: LevelMessage, Source: SourceLog, Month: r.month(m.At), Market: m.Market, Category: m.Category, Type: m.Type,
		Line: m.Line, MessageID: m.MessageID, User: m.User, Country: m.Country, Model: m.Model, Billable: m.Billable,
		MetaModel: mp.PricingModel, MetaType: mp.PricingType, MetaCategory: mp.Category, MetaBillable: mp.Billable.String(),
		Messages: 1, MetaMessages: 1, Amount: m.Amount, MetaAmount: v.MetaAmount, MetaPriced: v.MetaPriced,
		Reason: v.Reason, Detail: v.Detail, Agrees: v.Reason == ""}
	if mp.Category == "" {
		row.MetaCategory = mp.ConversationOrigin
	}
	return row
}

// unverifiedRow is the row of a message spendsim charged and Meta said nothing about:
// Meta's side is empty, and its amount unknown.
func (r *Reconciler) unverifiedRow(m *Message) *Row {
	return &Row{Level: LevelMessage, Source: SourceLog, Month: r.month(m.At), Market: m.Market, Category: m.Category, Type: m.Type,
		Line: m.Line, MessageID: m.MessageID, User: m.User, Country: m.Country, Model: m.Model, Billable: m.Billable,
		Messages: 1, Amount: m.Amount, MetaPriced: true, Unverified: 1, UnverifiedAmount: m.Amount, Reason: NoMetaPricing,
		Detail: "spendsim charged " + m.Amount.String() + "; the log has no pricing object for it and no analytics row counts it"}
}

// add sums a message's row into a group of the log's verdicts.
func (g *Row) add(m *Row) {
	if g.Messages == 0 {
		g.Agrees = true
	}
	g.Messages += m.Messages
	g.MetaMessages += m.MetaMessages
	g.Amount += m.Amount
	g.MetaAmount += m.MetaAmount
	g.MetaPriced = g.MetaPriced && m.MetaPriced
	g.Unverified += m.Unverified
	g.UnverifiedAmount += m.UnverifiedAmount
	if !m.Agrees {
		g.Agrees = false
		g.why(m.Reason)
		g.Reason = g.Why[0]
		if i := slices.IndexFunc(g.Why, func(r Reason) bool { return r != NoMetaPricing }); i >= 0 {
			g.Reason = g.Why[i] // a difference Meta stated comes before a charge it said nothing about
		}
	}
	if g.Unverified > 0 {
		g.Detail = words.Count(g.Unverified, "charged message") + " (" + g.UnverifiedAmount.String() + ") Meta said nothing about"
	}
}

func (g *Row) why(r Reason) {
	if !slices.Contains(g.Why, r) {
		g.Why = append(g.Why, r)
		slices.Sort(g.Why)
	}
}

func (g *Row) less(o *Row) bool {
	if !g.Month.Equal(o.Month) {
		return g.Month.Before(o.Month)
	}
	if g.Source != o.Source {
		return g.Source < o.Source
	}
	if g.Market != o.Market {
		return g.Market < o.Market
	}
	if g.Category != o.Category {
		return g.Category < o.Category
	}
	return g.Type < o.Type
}

// groupKey is a row's key: the source, the month (months since year 0) and the
// dimensions the source breaks down by.
type groupKey struct {
	src                   Source
	month                 int32
	market, category, typ string
}

func monthIndex(t time.Time) int32 { return int32(t.Year())*12 + int32(t.Month()) - 1 }

func (r *Reconciler) monthOf(i int32) time.Time {
	return time.Date(int(i/12), time.Month(i%12+1), 1, 0, 0, 0, 0, r.o.Location)
}

// pastFirstBand says whether any of Meta's tiers ("750001:MAX") starts past the first
// band, which starts at 0 or 1.
func pastFirstBand(tiers string) bool {
	for _, t := range strings.Split(tiers, ",") {
		lo, _, ok := strings.Cut(t, ":")
		if n, err := strconv.ParseInt(lo, 10, 64); ok && err == nil && n > 1 {
			return true
		}
	}
	return false
}

// inSpan says whether t falls in the analytics' span.
func (r *Reconciler) inSpan(t model.Time) bool { return t >= r.from && t < r.to }
