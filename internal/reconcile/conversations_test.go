package reconcile

import (
	"fmt"
	"testing"
	"unsafe"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/money"
)

// TestCBPConversationRides: under CBP every status of a conversation's messages carries
// the conversation's pricing, billable true on each message of a billable one. Meta
// charged the conversation once, when the message that first named its
// conversation.id opened it: the others ride it. Meta's word on a rider is priced 0,
// and its billable is compared with whether spendsim's conversation is billable. A
// reviewer's log (cmd/spendsim/testdata/reconcile/cbp_ride.jsonl: two utility
// templates to Brazil in March 2024, 14 h apart, one conversation) was set at
// Meta 0.070 against spendsim's 0.035, conversation_differs. PMP charges every
// message, whatever conversation.id its statuses carry.
func TestCBPConversationRides(t *testing.T) {
	type msg struct {
		ts, business    string
		user            string
		model, typ      string // spendsim's
		billable        bool   // spendsim's
		conv            int64  // spendsim's conversation
		amount          string // spendsim's
		metaModel, mcid string // Meta's (billable true, category utility)
		want            Reason
		metaAmount      string
	}
	const rate = "0.035" // CBP 2023 utility, Brazil
	tests := []struct {
		name                string
		msgs                []msg
		wantTotal, wantMeta string
	}{
		{"both ride: the reviewer's log", []msg{
			{"2024-03-01T11:00:00Z", "b", "u", "CBP", "regular", true, 1, rate, "CBP", "utilconv1", "", rate},
			{"2024-03-02T01:00:00Z", "b", "u", "CBP", "regular", false, 1, "0", "CBP", "utilconv1", "", "0"},
		}, "0.035", "0.035"},
		{"both ride: a free-tier conversation", []msg{
			{"2024-03-01T11:00:00Z", "b", "u", "CBP", "free_tier", true, 1, "0", "CBP", "c1", "", "0"},
			{"2024-03-01T12:00:00Z", "b", "u", "CBP", "free_tier", false, 1, "0", "CBP", "c1", "", "0"},
		}, "0", "0"},
		{"Meta's model unstated: spendsim's CBP", []msg{
			{"2024-03-01T11:00:00Z", "b", "u", "CBP", "regular", true, 1, rate, "", "c1", "", rate},
			{"2024-03-02T01:00:00Z", "b", "u", "CBP", "regular", false, 1, "0", "", "c1", "", "0"},
		}, "0.035", "0.035"},
		{"Meta rides, spendsim opened a second conversation", []msg{
			{"2024-03-01T11:00:00Z", "b", "u", "CBP", "regular", true, 1, rate, "CBP", "c1", "", rate},
			{"2024-03-02T01:00:00Z", "b", "u", "CBP", "regular", true, 2, rate, "CBP", "c1", ConversationDiffer, "0"},
		}, "0.07", "0.035"},
		{"Meta opened a second conversation, spendsim rides", []msg{
			{"2024-03-01T11:00:00Z", "b", "u", "CBP", "regular", true, 1, rate, "CBP", "c1", "", rate},
			{"2024-03-02T01:00:00Z", "b", "u", "CBP", "regular", false, 1, "0", "CBP", "c2", ConversationDiffer, rate},
		}, "0.035", "0.07"},
		{"the same id on another business number: its own conversation", []msg{
			{"2024-03-01T11:00:00Z", "b", "u", "CBP", "regular", true, 1, rate, "CBP", "c1", "", rate},
			{"2024-03-02T01:00:00Z", "other", "u", "CBP", "regular", true, 2, rate, "CBP", "c1", "", rate},
		}, "0.07", "0.07"},
		{"the same id to another user: its own conversation (a placeholder id)", []msg{
			{"2024-03-01T11:00:00Z", "b", "u", "CBP", "regular", true, 1, rate, "CBP", "CONVERSATION_ID", "", rate},
			{"2024-03-01T11:00:00Z", "b", "v", "CBP", "regular", true, 2, rate, "CBP", "CONVERSATION_ID", "", rate},
		}, "0.07", "0.07"},
		{"CBP 2023: two conversations of a pair open at once, the first ridden after the second opened", []msg{
			{"2024-03-01T11:00:00Z", "b", "u", "CBP", "regular", true, 1, rate, "CBP", "c1", "", rate},
			{"2024-03-01T12:00:00Z", "b", "u", "CBP", "regular", true, 2, rate, "CBP", "c2", "", rate},
			{"2024-03-01T13:00:00Z", "b", "u", "CBP", "regular", false, 1, "0", "CBP", "c1", "", "0"},
		}, "0.07", "0.07"},
		{"a rider just under 72 h after its opening (a free entry point lasts 72 h)", []msg{
			{"2024-03-01T11:00:00Z", "b", "u", "CBP", "regular", true, 1, rate, "CBP", "c1", "", rate},
			{"2024-03-04T10:59:59Z", "b", "u", "CBP", "regular", false, 1, "0", "CBP", "c1", "", "0"},
		}, "0.035", "0.035"},
		{"an id named again 72 h after its opening: no conversation of Meta's lasts so long, a new one", []msg{
			{"2024-03-01T11:00:00Z", "b", "u", "CBP", "regular", true, 1, rate, "CBP", "CONVERSATION_ID", "", rate},
			{"2024-03-04T11:00:00Z", "b", "u", "CBP", "regular", true, 2, rate, "CBP", "CONVERSATION_ID", "", rate},
		}, "0.07", "0.07"},
		{"PMP: every message charged, conversation.id or not", []msg{
			{"2025-07-02T11:00:00Z", "b", "u", "PMP", "regular", true, 0, "0.0068", "PMP", "c1", "", "0.0068"},
			{"2025-07-02T12:00:00Z", "b", "u", "PMP", "regular", true, 0, "0.0068", "PMP", "c1", "", "0.0068"},
		}, "0.0136", "0.0136"},
	}
	for _, tc := range tests {
		r := newLogReconciler(t)
		for i, m := range tc.msgs {
			row, err := r.Message(&Message{Line: int64(i + 1), At: at(t, m.ts), Business: m.business, User: m.user, Market: "Brazil", Delivered: true,
				Model: m.model, Type: m.typ, Category: "utility", Billable: m.billable, ConversationID: m.conv, Amount: money.MustParse(m.amount),
				Meta: &model.MetaPricing{PricingModel: m.metaModel, Category: "utility", Billable: model.IsBillable, ConversationID: m.mcid}})
			if err != nil {
				t.Fatal(err)
			}
			if row.Reason != m.want || row.MetaAmount != money.MustParse(m.metaAmount) || !row.MetaKnown() {
				t.Errorf("%s: message %d: %q (%s), Meta amount %s; want %q, %s", tc.name, i+1, row.Reason, row.Detail, row.MetaAmount, m.want, m.metaAmount)
			}
		}
		s := result(t, r).Summary
		if s.TotalMicros != money.MustParse(tc.wantTotal) || s.MetaTotalMicros != money.MustParse(tc.wantMeta) {
			t.Errorf("%s: spendsim %s, Meta %s; want %s, %s", tc.name, s.TotalMicros, s.MetaTotalMicros, tc.wantTotal, tc.wantMeta)
		}
	}
}

// TestMetaConversationsForgotten: a CBP conversation is remembered while a message may
// ride it (72 h at most), by pair: a pair that opens a conversation a day for years
// holds a few, not one a day (the reconciler kept every conversation of the log).
func TestMetaConversationsForgotten(t *testing.T) {
	r := newLogReconciler(t)
	start := at(t, "2024-01-01T09:00:00Z")
	for day := range 1000 {
		for _, user := range []string{"u", "v"} {
			ts := start + model.Time(day)*24*model.Hour
			_, err := r.Message(&Message{Line: int64(2*day + 1), At: ts, Business: "b", User: user, Market: "Brazil", Delivered: true,
				Model: "CBP", Type: "regular", Category: "utility", Billable: true, ConversationID: int64(day + 1), Amount: money.MustParse("0.035"),
				Meta: &model.MetaPricing{PricingModel: "CBP", Category: "utility", Billable: model.IsBillable, ConversationID: fmt.Sprintf("conv-%s-%d", user, day)}})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(r.metaConvs) != 2 {
		t.Fatalf("%d pairs remembered, want 2", len(r.metaConvs))
	}
	for k, p := range r.metaConvs {
		// Opened a day apart, for 72 h: the three of the last three days.
		if len(p.convs) != 3 || p.convs[2].id != fmt.Sprintf("conv-%s-999", k.user) {
			t.Errorf("pair %v remembers %d conversations (%v), want the last 3", k, len(p.convs), p.convs)
		}
	}
	if s := result(t, r).Summary; s.Agree != 2000 || s.Differ != 0 {
		t.Errorf("%d agree, %d differ; want 2000, 0", s.Agree, s.Differ)
	}
}

// TestMetaRidesCopiesStrings: what the reconciler remembers of a conversation is its
// own copy. A message's strings, read from messages.parquet, are views into the
// buffers of a whole batch of rows: kept as they are, each remembered conversation
// held its batch's buffers. Here the caller's bytes are overwritten after the opening
// message, as a reused buffer would be: the rider still finds the conversation.
func TestMetaRidesCopiesStrings(t *testing.T) {
	r := newLogReconciler(t)
	buf := []byte("b5511987650001utilconv1")
	view := func(from, to int) string { return unsafe.String(&buf[from], to-from) }
	msg := func(line int64, ts, business, user, id string, billable bool, conv int64, amount string) *Message {
		return &Message{Line: line, At: at(t, ts), Business: business, User: user, Market: "Brazil", Delivered: true,
			Model: "CBP", Type: "regular", Category: "utility", Billable: billable, ConversationID: conv, Amount: money.MustParse(amount),
			Meta: &model.MetaPricing{PricingModel: "CBP", Category: "utility", Billable: model.IsBillable, ConversationID: id}}
	}
	if _, err := r.Message(msg(1, "2024-03-01T11:00:00Z", view(0, 1), view(1, 14), view(14, 23), true, 1, "0.035")); err != nil {
		t.Fatal(err)
	}
	copy(buf, "xxxxxxxxxxxxxxxxxxxxxxx")
	row, err := r.Message(msg(2, "2024-03-02T01:00:00Z", "b", "5511987650001", "utilconv1", false, 1, "0"))
	if err != nil {
		t.Fatal(err)
	}
	if row.Reason != "" || row.MetaAmount != 0 {
		t.Errorf("the rider: %q (%s), Meta amount %s; want agreement, 0 (it rides conversation utilconv1)", row.Reason, row.Detail, row.MetaAmount)
	}
}
