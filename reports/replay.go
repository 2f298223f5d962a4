package reports

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/table"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/scenarios/trace"
)

// MessageColumns is the layout of messages.parquet: one row per business message, the
// input's ids and times, then its pricing in Meta's vocabulary (webhook field names),
// then what the log itself said of it (meta_*: Meta's own pricing and conversation
// objects word for word, null where the log said nothing).
// Vocabularies are enum columns (dictionary-encoded strings written from their codes),
// line and the times are delta-encoded, amounts and tiers dictionary-encoded: the
// values are what they always were, only cheaper to write.
//
// The slim layout (slim true) leaves out the copies of the input (ts, delivered_ts,
// user, business, type, category, status, country): line and message_id
// join a row back to the trace. It keeps every column of the pricing and of Meta's word.
func MessageColumns(markets *market.Table, currency string, slim bool) []table.Column {
	cols := messageColumns(markets, currency)
	if !slim {
		return cols
	}
	out := cols[:0:0]
	for _, c := range cols {
		if !inputCopy[c.Name] {
			out = append(out, c)
		}
	}
	return out
}

// inputCopy are the columns of messages.parquet that copy the input, which the slim
// layout leaves out.
var inputCopy = map[string]bool{"ts": true, "delivered_ts": true, "user": true, "business": true,
	"type": true, "category": true, "status": true, "country": true}

// messageColumns is the full layout of messages.parquet.
func messageColumns(markets *market.Table, currency string) []table.Column {
	return []table.Column{
		table.Int64Col("line").WithDelta(),
		table.TimestampMillisCol("ts").WithDelta(),
		table.TimestampMillisCol("delivered_ts").WithDelta().OrNull(),
		table.StringCol("user").WithDict(false),
		table.StringCol("business"),
		table.StringCol("message_id").WithDict(false).OrNull(),
		// The message vocabulary's names in code order: type and status indexed by code,
		// category by code − 1 (CatNone is null).
		table.EnumCol("type", model.KindNames()),
		table.EnumCol("category", model.CategoryNames()).OrNull(),
		table.EnumCol("status", model.StatusNames()),
		table.EnumCol("country", countryCodes[:]),
		table.EnumCol("market", marketNames(markets)),
		table.EnumCol("pricing_model", codeNames(int(pricing.PMP), func(i int) string { return pricing.Model(i).String() })).OrNull(),
		table.EnumCol("pricing_type", codeNames(int(pricing.NumTypes)-1, func(i int) string { return pricing.Type(i).String() })).OrNull(),
		table.EnumCol("pricing_category", codeNames(int(pricing.NumCategories)-1, func(i int) string { return pricing.Category(i).String() })).OrNull(),
		table.BoolCol("billable"),
		table.Int64Col("conversation_id").OrNull(),
		table.Int32Col("tier").WithDict(true),
		table.Int64Col("amount_micros").WithDict(true),
		table.EnumCol("currency", []string{currency}),
		table.EnumCol("rate_confidence", codeNames(int(pricing.UserSupplied), func(i int) string { return pricing.Confidence(i).String() })).OrNull(),
		table.StringCol("meta_pricing_model").OrNull(),
		table.StringCol("meta_pricing_type").OrNull(),
		table.StringCol("meta_pricing_category").OrNull(),
		table.BoolCol("meta_billable").OrNull(),
		table.StringCol("meta_conversation_id").WithDict(false).OrNull(),
		table.StringCol("meta_conversation_origin").OrNull(),
	}
}

// countryCodes is every pair of upper-case letters, AA to ZZ: the country column's
// vocabulary, indexed by countryIndex.
var countryCodes = func() (c [26 * 26]string) {
	for i := range c {
		c[i] = string([]byte{byte('A' + i/26), byte('A' + i%26)})
	}
	return c
}()

// codeNames lists the names of codes 1..last (code 0, none, is written as null).
func codeNames(last int, name func(int) string) []string {
	out := make([]string, last)
	for i := range out {
		out[i] = name(i + 1)
	}
	return out
}

// marketNames is the market column's vocabulary, indexed by market.ID (0 included).
func marketNames(t *market.Table) []string {
	out := make([]string, t.Len()+1)
	for i := range out {
		out[i] = t.Name(market.ID(i))
	}
	return out
}

func countryIndex(c [2]byte) (int, bool) {
	a, b := c[0]-'A', c[1]-'A'
	if a >= 26 || b >= 26 {
		return 0, false
	}
	return int(a)*26 + int(b), true
}

// MessageWriter streams messages.parquet and tallies the bill as it goes, so the three
// totals of a replay (messages, bill, summary) come from one pass over the same charges.
type MessageWriter struct {
	tw       *table.Writer
	markets  *market.Table
	currency string

	line                           *table.Int64Appender
	ts, delivered                  *table.TimestampAppender
	user, business, messageID      *table.StringAppender
	typ, category, status          *table.EnumAppender
	country, mkt                   *table.EnumAppender
	pmodel, ptype, pcat, cur, conf *table.EnumAppender
	billable                       *table.BoolAppender
	convID                         *table.Int64Appender
	tier                           *table.Int32Appender
	amount                         *table.Int64Appender
	metaModel, metaType, metaCat   *table.StringAppender
	metaConv, metaOrigin           *table.StringAppender
	metaBillable                   *table.BoolAppender

	Tally stats.SpendTally
	Bill  *BillTally
}

// NewMessageWriter creates path (under a temporary name until Close), in the slim
// layout when slim (MessageColumns). With path "" it writes no file and only tallies
// (a replay asked for no messages.parquet).
func NewMessageWriter(path, version string, markets *market.Table, currency string, loc *time.Location, slim bool) (*MessageWriter, error) {
	w := &MessageWriter{markets: markets, currency: currency, Bill: NewBillTally(loc)}
	w.Tally.Currency = currency
	if path == "" {
		return w, nil
	}
	tw, err := table.Create(path, MessageColumns(markets, currency, slim), table.Options{Version: version})
	if err != nil {
		return nil, err
	}
	w.tw = tw
	w.line, w.messageID, w.mkt = tw.Int64("line"), tw.String("message_id"), tw.Enum("market")
	if !slim {
		w.ts, w.delivered = tw.TimestampMillis("ts"), tw.TimestampMillis("delivered_ts")
		w.user, w.business = tw.String("user"), tw.String("business")
		w.typ, w.category, w.status, w.country = tw.Enum("type"), tw.Enum("category"), tw.Enum("status"), tw.Enum("country")
	}
	w.pmodel, w.ptype, w.pcat = tw.Enum("pricing_model"), tw.Enum("pricing_type"), tw.Enum("pricing_category")
	w.billable, w.convID, w.tier = tw.Bool("billable"), tw.Int64("conversation_id"), tw.Int32("tier")
	w.amount, w.cur, w.conf = tw.Int64("amount_micros"), tw.Enum("currency"), tw.Enum("rate_confidence")
	w.metaModel, w.metaType, w.metaCat = tw.String("meta_pricing_model"), tw.String("meta_pricing_type"), tw.String("meta_pricing_category")
	w.metaBillable, w.metaConv, w.metaOrigin = tw.Bool("meta_billable"), tw.String("meta_conversation_id"), tw.String("meta_conversation_origin")
	return w, nil
}

// Message implements replay.Sink: business messages become rows; user messages are
// free and only counted by the caller.
func (w *MessageWriter) Message(rec *model.Record, m *model.Message, c *pricing.Charge) error {
	if m.Direction != model.FromBusiness {
		return nil
	}
	if w.tw == nil {
		return w.tally(rec, m, c)
	}
	w.line.Append(rec.Line)
	if w.ts != nil { // the full layout's copy of the input
		if err := w.appendInput(rec, m); err != nil {
			return err
		}
	}
	appendOrNull(w.messageID, rec.MessageID)
	w.mkt.Append(int(c.Market)) // the market it was priced in (billing.Biller.Bill)
	appendCode(w.pmodel, int(c.Model))
	appendCode(w.ptype, int(c.Type))
	appendCode(w.pcat, int(c.Category))
	w.billable.Append(c.Billable)
	if c.ConversationID != 0 {
		w.convID.Append(int64(c.ConversationID))
	} else {
		w.convID.AppendNull()
	}
	w.tier.Append(int32(c.Tier))
	w.amount.Append(int64(c.Amount))
	w.cur.Append(0)
	appendCode(w.conf, int(c.Confidence))
	w.appendMeta(rec.Meta)
	if err := w.tally(rec, m, c); err != nil {
		return err
	}
	return w.tw.EndRow()
}

// appendInput appends the full layout's copy of the input message.
func (w *MessageWriter) appendInput(rec *model.Record, m *model.Message) error {
	w.ts.AppendMillis(int64(rec.TS))
	if rec.DeliveredTS != 0 {
		w.delivered.AppendMillis(int64(rec.DeliveredTS))
	} else {
		w.delivered.AppendNull()
	}
	cc, ok := countryIndex(m.Country)
	if !ok {
		return fmt.Errorf("reports: messages.parquet: country %q is not two upper-case letters", m.Country[:])
	}
	w.user.Append(rec.User)
	w.business.Append(rec.Business)
	w.typ.Append(int(m.Kind))
	appendCode(w.category, int(m.Category))
	w.status.Append(int(m.Status))
	w.country.Append(cc)
	return nil
}

// tally adds a delivered message's charge to the running total and the bill.
func (w *MessageWriter) tally(rec *model.Record, m *model.Message, c *pricing.Charge) error {
	if m.Status.WasDelivered() {
		if err := w.Tally.AddCharge(*c); err != nil {
			return fmt.Errorf("line %d: %w", rec.Line, err)
		}
		w.Bill.Add(m.At(), w.markets.Name(market.ID(c.Market)), c)
	}
	return nil
}

// appendMeta appends what the log said of the message's price: nulls where it said
// nothing.
func (w *MessageWriter) appendMeta(mp *model.MetaPricing) {
	if mp == nil {
		mp = &model.MetaPricing{}
	}
	appendOrNull(w.metaModel, mp.PricingModel)
	appendOrNull(w.metaType, mp.PricingType)
	appendOrNull(w.metaCat, mp.Category)
	switch mp.Billable {
	case model.IsBillable:
		w.metaBillable.Append(true)
	case model.NotBillable:
		w.metaBillable.Append(false)
	default:
		w.metaBillable.AppendNull()
	}
	appendOrNull(w.metaConv, mp.ConversationID)
	appendOrNull(w.metaOrigin, mp.ConversationOrigin)
}

// appendCode appends the value of code (Values[code-1]), or null for code 0 (none).
func appendCode(a *table.EnumAppender, code int) {
	if code == 0 {
		a.AppendNull()
		return
	}
	a.Append(code - 1)
}

func appendOrNull(a *table.StringAppender, s string) {
	if s == "" {
		a.AppendNull()
		return
	}
	a.Append(s)
}

// Close completes the file; Abort removes it.
func (w *MessageWriter) Close() error {
	if w.tw == nil {
		return nil
	}
	return w.tw.Close()
}

// Abort discards the file.
func (w *MessageWriter) Abort() {
	if w.tw != nil {
		w.tw.Abort()
	}
}

// Rows is the number of business messages written.
func (w *MessageWriter) Rows() int64 {
	if w.tw == nil {
		return 0
	}
	return w.tw.Rows()
}

// CardUsed names a rate card that priced part of a replay.
type CardUsed struct {
	PricingModel string `json:"pricing_model"`
	Currency     string `json:"currency"`
	Effective    string `json:"effective_from"` // YYYY-MM-DD
	Messages     int64  `json:"charged_messages"`
	// Newer is the later card of the model, in another currency, that the same rules
	// read for the latest message this card priced (billing.NewerElsewhere): this card
	// predates a price change it does not show. Absent when there is none.
	Newer *NewerCard `json:"newer_card_elsewhere,omitempty"`
}

// NewerCard is a card of another currency later than a card a bill used.
type NewerCard struct {
	Currency   string `json:"currency"`
	Effective  string `json:"effective_from"` // YYYY-MM-DD
	LastPriced string `json:"last_priced"`    // the local day of the latest message the older card priced, YYYY-MM-DD
}

// ReplaySummary is summary.json for a replay.
type ReplaySummary struct {
	Trace   string `json:"trace"`
	Pricing string `json:"pricing"` // the --pricing value
	Rates   string `json:"rates"`   // builtin or the rate file's name
	// RateFiles are the rate and tier files over the built-in cards: path as given,
	// SHA-256, how each was read; empty with the built-in cards alone.
	RateFiles []pricing.File `json:"rate_files"`
	stats.Spend
	DerivedShare  stats.Num  `json:"derived_or_third_party_share"` // share of the amount priced from derived or third_party rates; null for a bill of 0
	CardsUsed     []CardUsed `json:"cards_used"`
	Records       int64      `json:"records"`
	UserMessages  int64      `json:"user_messages"`
	Business      int64      `json:"business_messages"`
	Delivered     int64      `json:"delivered_business_messages"`
	Undelivered   int64      `json:"undelivered_business_messages"`
	Users         int64      `json:"users"`
	Numbers       int64      `json:"business_numbers"`
	Accounts      int64      `json:"business_accounts"` // the accounts whose free tiers and volume tiers count apart
	Skipped       int64      `json:"skipped_invalid_rows"`
	Duplicates    int64      `json:"duplicate_messages"`
	Ignored       int64      `json:"ignored_changes"`   // webhook changes, statuses and system messages that are no message (trace.Ignorer)
	Overrides     int64      `json:"country_overrides"` // rows priced by a country column contradicting their number (--country-overrides)
	USMarketing   int64      `json:"us_marketing_not_delivered"`
	TextOutsideCS int64      `json:"text_outside_window"`
	LogFacts      LogFacts   `json:"log_facts_applied"`

	// DuplicateCheck is how far back the de-duplication reached; absent where the
	// reader did not say (a shard manifest of an older build).
	DuplicateCheck *DuplicateCheck `json:"duplicate_check,omitempty"`

	// SkipReasons are the errors of the first rows skipped, FirstDuplicate where the
	// first repeated message id was, NaiveTimes the Parquet timestamps with no time
	// zone (trace.Counts), for the command to report (summary.json has the counts).
	SkipReasons    []string `json:"-"`
	FirstDuplicate string   `json:"-"`
	NaiveTimes     string   `json:"-"`
	// TiersUnused names the tier file given when none of its band tables was in force
	// for any charged message that counts toward volume tiers (billing.Stats.Banded 0,
	// Tiered above 0): the bill is at list rates, for the command to say.
	// Messages counts those charged messages.
	TiersUnused struct {
		File     string
		Messages int64
	} `json:"-"`
	// EntryPointUnused is the free entry point length given (--entry-point-hours,
	// billing.Options.EntryPointV1), in hours, when no CBP 2022 free entry point
	// conversation opened (billing.Stats.EntryPointsV1 0), so that it changed nothing,
	// for the command to say; 0 otherwise.
	EntryPointUnused int `json:"-"`
	// Webhook says a webhook log was read: Skipped counts lines, statuses and messages
	// (trace.Counts). summary.json keeps it (absent where false) for reconcile --replay
	// to name the skipped as the replay did.
	Webhook bool `json:"webhook_log,omitempty"`
}

// DuplicateCheck is summary.json's account of how far back the de-duplication by
// message_id reached (trace.DedupReach): the reader remembers the last Window to
// 2×Window ids, so a repeat further apart is billed again. Complete says no id was
// forgotten; otherwise ReachS is the shortest span of trace time, in seconds, that the
// remembered ids covered, at ReachAt (RFC 3339, UTC): repeats less than ReachS apart
// were caught wherever they were.
type DuplicateCheck struct {
	Window   int      `json:"window"`
	Complete bool     `json:"complete"`
	ReachS   *float64 `json:"reach_s"`  // null when complete
	ReachAt  *string  `json:"reach_at"` // null when complete
}

// NewDuplicateCheck is d for summary.json; nil where the reader did not say.
func NewDuplicateCheck(d trace.DedupReach) *DuplicateCheck {
	if d.Window == 0 {
		return nil
	}
	c := &DuplicateCheck{Window: d.Window, Complete: d.Complete}
	if !d.Complete {
		s, at := d.Reach.Seconds(), d.At.Std().Format(time.RFC3339)
		c.ReachS, c.ReachAt = &s, &at
	}
	return c
}

// reach is c as the reader said it (trace.DedupReach), for the notes.
func (c *DuplicateCheck) reach() trace.DedupReach {
	if c == nil {
		return trace.DedupReach{}
	}
	d := trace.DedupReach{Window: c.Window, Complete: c.Complete}
	if c.ReachS != nil {
		d.Reach = model.Time(math.Round(*c.ReachS * float64(model.Second)))
	}
	if c.ReachAt != nil {
		if t, err := time.Parse(time.RFC3339, *c.ReachAt); err == nil {
			d.At = model.FromStd(t)
		}
	}
	return d
}

// LogFacts counts the messages whose charge a fact the log stated decided, where
// spendsim would have inferred otherwise (docs/billing.md, "The log's word").
type LogFacts struct {
	USMarketingDelivered int64 `json:"us_marketing_delivered"`       // US marketing templates Meta's statuses say were delivered: charged
	AuthIntl             int64 `json:"authentication_international"` // charged at the international rate as the log says
	AuthDomestic         int64 `json:"authentication_domestic"`      // charged at the domestic rate as the log says
	MarketingLite        int64 `json:"marketing_lite"`               // marketing templates reported as marketing_lite
}

// Reconcile checks that the bill and the running tally agree to the micro, and
// returns the summary's share priced from derived or third-party rates (stats.Share:
// null for a bill of 0).
func Reconcile(rows []BillRow, s stats.Spend) (derivedShare stats.Num, err error) {
	var total, derived money.Sum
	billable := map[string]int64{}
	for _, r := range rows {
		total.Add(r.AmountMicros)
		derived.Add(r.DerivedMicros)
		// Of regular rows, the billable ones are the charged units (a CBP
		// conversation's riders are regular but not billable).
		if r.PricingType == pricing.Regular.String() {
			billable[r.PricingCategory] += r.Billable
		}
	}
	t, err := total.Total()
	if err != nil {
		return 0, err
	}
	if int64(t) != s.TotalMicros {
		return 0, fmt.Errorf("reports: bill.parquet sums to %s, messages to %s: the bill does not reconcile", t, money.Micros(s.TotalMicros))
	}
	var mism []string
	for cat, n := range s.BillableByCategory {
		if billable[cat] != n {
			mism = append(mism, fmt.Sprintf("%s %d vs %d", cat, billable[cat], n))
		}
	}
	if len(mism) > 0 {
		return 0, fmt.Errorf("reports: billable counts do not reconcile: %s", strings.Join(mism, ", "))
	}
	return stats.Share(&derived, &total), nil
}
