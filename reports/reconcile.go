package reports

import (
	"fmt"
	"time"

	"github.com/spendsim/spendsim/internal/reconcile"
	"github.com/spendsim/spendsim/internal/table"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/money"
)

// Files of spendsim reconcile.
const (
	ReconcileFile     = "reconcile.parquet" // one row per compared message, then per month × market × category × type
	ReconcileJSONFile = "reconcile.json"    // the verdict, counts by reason, the rows, the differences
	ReconcileHTMLFile = "reconcile.html"    // the same as a page
)

// ReadMessages reads back a messages.parquet that a replay wrote, one message at a time
// (in file order), for reconciling; zone is the replay's --timezone.
func ReadMessages(path string, fn func(*reconcile.Message) error) error {
	return ReadMessagesAt(path, false, fn)
}

// ReadMessagesAt is ReadMessages of a replay that evaluated the rules at the send time
// (atSend, replay --at-send-time: billing.Options.AtSendTime): each Message's At is
// its ts, not its delivered_ts, as the replay billed it.
func ReadMessagesAt(path string, atSend bool, fn func(*reconcile.Message) error) error {
	var m reconcile.Message
	return table.Read(path, func(t *table.Batch) error {
		if !t.IsString("user") && t.IsString("message_id") {
			return fmt.Errorf("%s is in the slim layout (--outputs messages-slim), without the times, users and countries reconcile matches Meta's word on: replay the trace again with --outputs messages (the default)", path)
		}
		line, ts, dts := t.Int64("line"), t.TimestampOrNull("ts"), t.TimestampOrNull("delivered_ts")
		user, business, id := t.String("user"), t.String("business"), t.StringOrNull("message_id")
		country, mkt := t.String("country"), t.String("market")
		pm, pt, pc := t.StringOrNull("pricing_model"), t.StringOrNull("pricing_type"), t.StringOrNull("pricing_category")
		billable, conv, tier, amount := t.BoolOrNull("billable"), t.Int64OrNull("conversation_id"), t.Int32("tier"), t.Int64("amount_micros")
		mm, mt, mc := t.StringOrNull("meta_pricing_model"), t.StringOrNull("meta_pricing_type"), t.StringOrNull("meta_pricing_category")
		mb, mconv, mo := t.BoolOrNull("meta_billable"), t.StringOrNull("meta_conversation_id"), t.StringOrNull("meta_conversation_origin")
		if err := t.Err(); err != nil {
			return fmt.Errorf("%w (reconcile reads a messages.parquet of this version's replay: replay the trace again)", err)
		}
		str := func(a interface {
			IsNull(int) bool
			Value(int) string
		}, i int) string {
			if a.IsNull(i) {
				return ""
			}
			return a.Value(i)
		}
		for i := 0; i < t.Rows(); i++ {
			m = reconcile.Message{
				Line: line.Value(i), MessageID: str(id, i), User: user.Value(i), Business: business.Value(i),
				Country: country.Value(i), Market: mkt.Value(i),
				Model: str(pm, i), Type: str(pt, i), Category: str(pc, i), Billable: billable.Value(i),
				Tier: tier.Value(i), Amount: money.Micros(amount.Value(i)),
			}
			m.At = model.Time(ts.Value(i))
			if !dts.IsNull(i) && !atSend {
				m.At = model.Time(dts.Value(i))
			}
			m.Delivered = m.Model != ""
			if !conv.IsNull(i) {
				m.ConversationID = conv.Value(i)
			}
			meta := model.MetaPricing{PricingModel: str(mm, i), PricingType: str(mt, i), Category: str(mc, i),
				ConversationID: str(mconv, i), ConversationOrigin: str(mo, i)}
			if !mb.IsNull(i) {
				meta.Billable = model.NotBillable
				if mb.Value(i) {
					meta.Billable = model.IsBillable
				}
			}
			if meta != (model.MetaPricing{}) {
				m.Meta = &meta
			}
			if err := fn(&m); err != nil {
				return err
			}
		}
		return nil
	})
}

// ReconcileWriter streams reconcile.parquet: the message rows as they are judged, then
// the group rows.
type ReconcileWriter struct {
	tw                                      *table.Writer
	level, source, mkt, cat, typ, reason    *table.StringAppender
	month                                   *table.DateAppender
	line                                    *table.Int64Appender
	id, user, country, pm, mm, mt, mc, tier *table.StringAppender
	detail, why, cur                        *table.StringAppender
	billable, mb, agrees                    *table.BoolAppender
	msgs, mmsgs, amt, mamt, diff            *table.Int64Appender
	currency                                string
}

// NewReconcileWriter creates path (under a temporary name until Close).
func NewReconcileWriter(path, version, currency string) (*ReconcileWriter, error) {
	tw, err := table.Create(path, []table.Column{
		table.StringCol("level"), table.StringCol("source"), table.DateCol("month"),
		table.StringCol("market").OrNull(), table.StringCol("pricing_category").OrNull(), table.StringCol("pricing_type").OrNull(),
		table.Int64Col("line").OrNull(), table.StringCol("message_id").WithDict(false).OrNull(), table.StringCol("user").WithDict(false).OrNull(),
		table.StringCol("country").OrNull(), table.StringCol("pricing_model").OrNull(), table.BoolCol("billable").OrNull(),
		table.StringCol("meta_pricing_model").OrNull(), table.StringCol("meta_pricing_type").OrNull(),
		table.StringCol("meta_pricing_category").OrNull(), table.BoolCol("meta_billable").OrNull(), table.StringCol("meta_tier").OrNull(),
		table.Int64Col("messages"), table.Int64Col("meta_messages"),
		table.Int64Col("amount_micros"), table.Int64Col("meta_amount_micros").OrNull(), table.Int64Col("difference_micros").OrNull(),
		table.StringCol("currency"), table.BoolCol("agrees"), table.StringCol("reason").OrNull(),
		table.StringCol("message_reasons").OrNull(), table.StringCol("detail").WithDict(false).OrNull(),
	}, table.Options{Version: version})
	if err != nil {
		return nil, err
	}
	w := &ReconcileWriter{tw: tw, currency: currency}
	w.level, w.source, w.month = tw.String("level"), tw.String("source"), tw.Date("month")
	w.mkt, w.cat, w.typ = tw.String("market"), tw.String("pricing_category"), tw.String("pricing_type")
	w.line, w.id, w.user, w.country = tw.Int64("line"), tw.String("message_id"), tw.String("user"), tw.String("country")
	w.pm, w.billable = tw.String("pricing_model"), tw.Bool("billable")
	w.mm, w.mt, w.mc, w.mb, w.tier = tw.String("meta_pricing_model"), tw.String("meta_pricing_type"), tw.String("meta_pricing_category"), tw.Bool("meta_billable"), tw.String("meta_tier")
	w.msgs, w.mmsgs, w.amt, w.mamt, w.diff = tw.Int64("messages"), tw.Int64("meta_messages"), tw.Int64("amount_micros"), tw.Int64("meta_amount_micros"), tw.Int64("difference_micros")
	w.cur, w.agrees, w.reason, w.why, w.detail = tw.String("currency"), tw.Bool("agrees"), tw.String("reason"), tw.String("message_reasons"), tw.String("detail")
	return w, nil
}

// Add writes one row.
func (w *ReconcileWriter) Add(r *reconcile.Row) error {
	w.level.Append(string(r.Level))
	w.source.Append(string(r.Source))
	w.month.Append(time.Date(r.Month.Year(), r.Month.Month(), 1, 0, 0, 0, 0, time.UTC))
	appendOrNull(w.mkt, r.Market)
	appendOrNull(w.cat, r.Category)
	appendOrNull(w.typ, r.Type)
	msg := r.Level == reconcile.LevelMessage
	if msg {
		w.line.Append(r.Line)
		w.pm.Append(r.Model)
		w.billable.Append(r.Billable)
		appendBoolText(w.mb, r.MetaBillable)
	} else {
		w.line.AppendNull()
		w.pm.AppendNull()
		w.billable.AppendNull()
		w.mb.AppendNull()
	}
	appendOrNull(w.id, r.MessageID)
	appendOrNull(w.user, r.User)
	appendOrNull(w.country, r.Country)
	appendOrNull(w.mm, r.MetaModel)
	appendOrNull(w.mt, r.MetaType)
	appendOrNull(w.mc, r.MetaCategory)
	appendOrNull(w.tier, r.Tier)
	w.msgs.Append(r.Messages)
	w.mmsgs.Append(r.MetaMessages)
	w.amt.Append(int64(r.Amount))
	if r.MetaKnown() {
		w.mamt.Append(int64(r.MetaAmount))
		w.diff.Append(int64(r.Difference()))
	} else {
		w.mamt.AppendNull()
		w.diff.AppendNull()
	}
	w.cur.Append(w.currency)
	w.agrees.Append(r.Agrees)
	appendOrNull(w.reason, string(r.Reason))
	appendOrNull(w.why, joinReasons(r.Why))
	appendOrNull(w.detail, r.Detail)
	return w.tw.EndRow()
}

func appendBoolText(a *table.BoolAppender, s string) {
	switch s {
	case "true":
		a.Append(true)
	case "false":
		a.Append(false)
	default:
		a.AppendNull()
	}
}

func joinReasons(rs []reconcile.Reason) string {
	s := ""
	for i, r := range rs {
		if i > 0 {
			s += ","
		}
		s += string(r)
	}
	return s
}

// Close completes the file; Abort removes it.
func (w *ReconcileWriter) Close() error { return w.tw.Close() }

// Abort discards the file.
func (w *ReconcileWriter) Abort() { w.tw.Abort() }
