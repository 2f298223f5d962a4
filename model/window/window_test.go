package window

import (
	"math/rand/v2"
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
	var tb Table
	tb.Get(1)
	for s := SlotV1; s < NumSlots; s++ {
		if s != SlotMarketing {
			tb.OpenConv(1, s, t0, 1, 2)
		}
	}
	tb.OpenConv(1, SlotMarketing, t0, 1, 2)
	tb.CloseConvs(1, t0+Hour(2))
	tb.CloseConvs(1, t0+Hour(3)) // already closed: stays as it was
	c := tb.PeekConvs(1)
	for s := SlotV1; s < NumSlots; s++ {
		if c.Open(s, t0+Hour(2)) {
			t.Errorf("slot %d still open", s)
		}
		if !c.Open(s, t0+Hour(2)-1) || c.ConvEnd[s] != t0+Hour(2) {
			t.Errorf("slot %d ends at %d, want %d", s, c.ConvEnd[s], t0+Hour(2))
		}
	}
	if c.AnyOpen(t0 + Hour(2)) {
		t.Error("AnyOpen after CloseConvs")
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

// TestConvsMadeOnDemand: a pair's conversations take memory only once it opens one,
// and survive the table's growth.
func TestConvsMadeOnDemand(t *testing.T) {
	var tb Table
	tb.Get(pageSize + 3)
	if tb.PeekConvs(3) != nil || tb.PeekConvs(pageSize+3) != nil || tb.PeekConvs(1<<30) != nil {
		t.Fatal("conversations before any opened")
	}
	if tb.PeekConvs(3).Open(SlotUtility, t0) || tb.PeekConvs(3).AnyOpen(t0) {
		t.Fatal("a nil Convs has one open")
	}
	if end := tb.OpenConv(pageSize+3, SlotUtility, t0, 1, 2); end != t0+Conversation {
		t.Fatalf("the conversation ends at %d, want %d", end, t0+Conversation)
	}
	if tb.PeekConvs(3) != nil {
		t.Fatal("a pair with no conversation has some")
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

// TestPairSize guards replay memory: one Pair per (number, user), and one entry of 16
// bytes per CBP conversation that may be open.
func TestPairSize(t *testing.T) {
	if n := unsafe.Sizeof(Pair{}); n > 24 {
		t.Errorf("Pair is %d bytes, want at most 24", n)
	}
	if n := unsafe.Sizeof(convEntry{}); n > 16 {
		t.Errorf("a conversation is %d bytes, want at most 16", n)
	}
}

// refConvs is the conversations of one pair as the Table kept them before it dropped
// ended ones: every slot's latest opening, for ever.
type refConvs struct {
	end  [NumSlots]model.Time
	meta [NumSlots]uint8
}

// TestConvsAgainstMap runs random openings, closings and lookups at non-decreasing
// times through a Table and through a map that keeps every pair's conversations for
// ever: every lookup agrees on what is open, until when and with what type and
// category, though the Table drops the conversations that ended.
func TestConvsAgainstMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := range 20 {
		var tb Table
		ref := map[uint32]*refConvs{}
		pairs := 10 + rng.IntN(5000)
		now := t0
		for op := range 20000 {
			now += model.Time(rng.IntN(int(10 * model.Minute)))
			pair := uint32(rng.IntN(pairs))
			tb.Get(pair)
			want := ref[pair]
			if want == nil {
				want = &refConvs{}
				ref[pair] = want
			}
			switch r := rng.IntN(10); {
			case r < 3: // open a conversation in a slot with none open
				s := Slot(rng.IntN(int(NumSlots)))
				if now < want.end[s] {
					continue
				}
				typ, cat := uint8(rng.IntN(16)), uint8(rng.IntN(16))
				want.end[s], want.meta[s] = tb.OpenConv(pair, s, now, typ, cat), typ|cat<<4
			case r < 4: // a free entry point closes them all
				tb.CloseConvs(pair, now)
				for s := range want.end {
					want.end[s] = min(want.end[s], now)
				}
			}
			got := tb.PeekConvs(pair)
			any := false
			for s := SlotV1; s < NumSlots; s++ {
				open := now < want.end[s]
				any = any || open && s != SlotV1
				if got.Open(s, now) != open {
					t.Fatalf("trial %d op %d pair %d slot %d: open %v, want %v", trial, op, pair, s, got.Open(s, now), open)
				}
				if open {
					typ, cat := got.Conv(s)
					if got.ConvEnd[s] != want.end[s] || typ|cat<<4 != want.meta[s] {
						t.Fatalf("trial %d op %d pair %d slot %d: end %d meta %d/%d, want %d %#x", trial, op, pair, s, got.ConvEnd[s], typ, cat, want.end[s], want.meta[s])
					}
				}
			}
			if got.AnyOpen(now) != any {
				t.Fatalf("trial %d op %d pair %d: AnyOpen %v, want %v", trial, op, pair, got.AnyOpen(now), any)
			}
		}
		if len(tb.convs.entries) >= 4*pairs*int(NumSlots) {
			t.Errorf("trial %d: %d entries for %d pairs", trial, len(tb.convs.entries), pairs)
		}
	}
}

// TestConvsHeldWhileOpen: the table grows with the conversations open at once, not
// with the pairs that ever opened one.
func TestConvsHeldWhileOpen(t *testing.T) {
	var tb Table
	now := t0
	// 200,000 pairs each open one conversation, one pair a minute: 1,440 are open at a
	// time.
	for pair := range uint32(200_000) {
		tb.Get(pair)
		tb.OpenConv(pair, SlotService, now, 1, 2)
		now += model.Minute
	}
	if n := len(tb.convs.entries); n > 8*1440 {
		t.Errorf("%d entries for 1,440 open conversations (200,000 opened)", n)
	}
	for pair := uint32(200_000 - 1400); pair < 200_000; pair++ {
		if !tb.PeekConvs(pair).Open(SlotService, now) {
			t.Fatalf("pair %d's conversation, open until %d, is gone at %d", pair, t0+model.Time(pair)*model.Minute+Conversation, now)
		}
	}
	if tb.PeekConvs(0).AnyOpen(now) {
		t.Error("pair 0's conversation, long ended, is open")
	}
}

// A conversation opened out of time order could have been dropped while still open for
// the earlier message: the table panics, as the Biller refuses such messages first.
func TestConvsOutOfOrderPanics(t *testing.T) {
	var tb Table
	tb.Get(2)
	tb.OpenConv(1, SlotService, t0, 1, 2)
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	tb.OpenConv(2, SlotService, t0-1, 1, 2)
}
