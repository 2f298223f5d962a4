package window

import (
	"testing"
	"unsafe"

	"github.com/spendsim/spendsim/model"
)

const t0 = model.Time(1_751_500_000_000) // 2025-07-03

func TestCSW(t *testing.T) {
	var p Pair
	if p.CSWOpen(t0) {
		t.Fatal("a pair with no user message has an open window")
	}
	p.UserMessage(t0, model.EntryNone)
	if !p.CSWOpen(t0) || !p.CSWOpen(t0+CSW-1) || p.CSWOpen(t0+CSW) {
		t.Fatal("open means t < last_user_ts + 24h")
	}
	p.UserMessage(t0+Hour(10), model.EntryNone)
	if !p.CSWOpen(t0 + CSW) {
		t.Fatal("a later user message refreshes the window")
	}
}

func Hour(n int) model.Time { return model.Time(n) * model.Hour }

func TestReferral(t *testing.T) {
	var p Pair
	p.UserMessage(t0, model.EntryCTWA)
	if !p.TakeReferral(t0 + EntryReply - 1) {
		t.Fatal("a reply within 24 h answers the ad")
	}
	if p.TakeReferral(t0 + Hour(1)) {
		t.Fatal("one ad click is answered once")
	}
	p.UserMessage(t0+Hour(30), model.EntryPageCTA)
	if p.TakeReferral(t0 + Hour(30) + EntryReply) {
		t.Fatal("a reply at +24 h is too late")
	}
	p.UserMessage(t0+Hour(60), model.EntryNone)
	if p.TakeReferral(t0 + Hour(61)) {
		t.Fatal("an ordinary user message arms nothing")
	}
}

func TestCloseAll(t *testing.T) {
	var p Convs
	for s := SlotV1; s < NumSlots; s++ {
		p.ConvEnd[s] = t0 + Conversation
	}
	p.ConvEnd[SlotMarketing] = t0 - 1 // already closed: stays as it was
	p.CloseAll(t0 + Hour(1))
	for s := SlotV1; s < NumSlots; s++ {
		if p.Open(s, t0+Hour(1)) {
			t.Errorf("slot %d still open", s)
		}
	}
	if p.ConvEnd[SlotMarketing] != t0-1 {
		t.Error("a closed conversation's end moved")
	}
	if p.AnyOpen(t0 + Hour(1)) {
		t.Error("AnyOpen after CloseAll")
	}
}

func TestConversationIDUnique(t *testing.T) {
	seen := map[uint64]bool{}
	for _, pair := range []uint32{0, 1, 2, 1 << 20, 1<<32 - 1} {
		for s := SlotV1; s <= SlotEntryPoint; s++ {
			for k := 0; k < 50; k++ {
				id := ConversationID(pair, s, t0+model.Time(k)*Conversation)
				if id == 0 || seen[id] {
					t.Fatalf("id %x of pair %d slot %d conversation %d is zero or repeated", id, pair, s, k)
				}
				seen[id] = true
			}
		}
	}
}

func TestTableGrowsAndResets(t *testing.T) {
	var tb Table
	if tb.Peek(3) != nil {
		t.Fatal("Peek of an unseen pair")
	}
	tb.Get(3).UserMessage(t0, model.EntryNone)
	tb.Get(5000)
	if tb.Len() != 5001 || !tb.Get(3).CSWOpen(t0) {
		t.Fatal("growth lost state")
	}
	tb.Reset()
	if tb.Peek(3) != nil || tb.Get(3).CSWOpen(t0) {
		t.Fatal("Reset kept state")
	}
}

// TestConvsMadeOnDemand: a pair's conversations take memory only once a pair of its
// page opens one, and survive the table's growth.
func TestConvsMadeOnDemand(t *testing.T) {
	var tb Table
	tb.Get(pageSize + 3)
	if tb.PeekConvs(3) != nil || tb.PeekConvs(pageSize+3) != nil || tb.PeekConvs(1<<30) != nil {
		t.Fatal("conversations before any opened")
	}
	if tb.PeekConvs(3).Open(SlotUtility, t0) || tb.PeekConvs(3).AnyOpen(t0) {
		t.Fatal("a nil Convs has one open")
	}
	tb.Convs(pageSize+3).SetConv(SlotUtility, t0+Conversation, 1, 2)
	if tb.PeekConvs(3) != nil {
		t.Fatal("a page with no conversation was made")
	}
	tb.Get(5 * pageSize)
	c := tb.PeekConvs(pageSize + 3)
	if !c.Open(SlotUtility, t0) || c.Open(SlotMarketing, t0) {
		t.Fatal("growth lost a conversation")
	}
	if typ, cat := c.Conv(SlotUtility); typ != 1 || cat != 2 {
		t.Fatalf("conversation meta %d/%d, want 1/2", typ, cat)
	}
	tb.Reset()
	tb.Get(pageSize + 3)
	if tb.PeekConvs(pageSize+3).Open(SlotUtility, t0) {
		t.Fatal("Reset kept a conversation")
	}
}

// TestPairSize guards replay memory: one Pair per (number, user), and one Convs per
// pair only where CBP conversations open.
func TestPairSize(t *testing.T) {
	if n := unsafe.Sizeof(Pair{}); n > 24 {
		t.Errorf("Pair is %d bytes, want at most 24", n)
	}
	if n := unsafe.Sizeof(Pair{}) + unsafe.Sizeof(Convs{}); n > 72 {
		t.Errorf("Pair and Convs are %d bytes, want at most 72", n)
	}
}
