package window

import "github.com/spendsim/spendsim/model"

// Durations of the windows, from docs/billing.md ("Customer service window", "Free entry
// points" and the era sections).
const (
	// CSW is how long a customer service window stays open after the latest user message.
	CSW = 24 * model.Hour
	// Conversation is the length of every CBP conversation except free entry point ones.
	Conversation = 24 * model.Hour
	// EntryReply is how soon the business must answer an ad/Page user message for a free
	// entry point window to open.
	EntryReply = 24 * model.Hour
	// EntryPoint is the length of a free entry point window (PMP, CBP from 2023-03-01).
	EntryPoint = 72 * model.Hour
	// EntryPointV1 is the length of a free entry point conversation before 2023-03-01.
	EntryPointV1 = 24 * model.Hour
)

// Slot names one conversation a pair may have open at once. CBP v1 (2022) has a single
// conversation per pair; CBP v2 (2023) has one per category. The free entry point window
// has its own field in Pair, and its own slot for conversation ids.
type Slot uint8

const (
	SlotV1 Slot = iota // CBP 2022: the one user- or business-initiated conversation
	SlotMarketing
	SlotUtility
	SlotAuthentication
	SlotService
	NumSlots
	SlotEntryPoint = NumSlots // only for ConversationID
)

// Pair is the hot state of one (business number, user) pair, which every era reads:
// the customer service window and the free entry point. It is 24 bytes: replay memory
// grows with pairs. The CBP conversations a pair may hold are kept apart in Table, only
// while they may be open, so that an era that opens none (PMP) pays nothing for them.
type Pair struct {
	// CSWEnd is the latest user message's time + CSW.
	CSWEnd model.Time
	// Referral is the time of the latest ad or Page-button user message that no delivered
	// business message has answered yet; 0 when none.
	Referral model.Time
	// EntryEnd ends the current free entry point window.
	EntryEnd model.Time
}

// Convs is what Table.PeekConvs says of one pair's CBP conversations, one per slot
// (a slot with none ends at 0); conversation ids are derived, not stored.
type Convs struct {
	// ConvEnd ends the open conversation of each slot.
	ConvEnd [NumSlots]model.Time
	// ConvMeta packs each slot's conversation's pricing.Type (low 4 bits) and
	// pricing.Category (high 4 bits), as bytes so that this package needs nothing from
	// pricing: messages riding a conversation report the type and category it opened with.
	ConvMeta [NumSlots]uint8
}

// Conv returns the pricing type and category slot s's conversation opened with.
func (c *Convs) Conv(s Slot) (typ, cat uint8) { return c.ConvMeta[s] & 0x0f, c.ConvMeta[s] >> 4 }

// CSWOpen reports whether the customer service window is open at t.
func (p *Pair) CSWOpen(t model.Time) bool { return t < p.CSWEnd }

// EntryOpen reports whether a free entry point window is open at t.
func (p *Pair) EntryOpen(t model.Time) bool { return t < p.EntryEnd }

// Open reports whether the conversation in slot s is open at t; a nil Convs (a pair
// that never opened one) has none open.
func (c *Convs) Open(s Slot, t model.Time) bool { return c != nil && t < c.ConvEnd[s] }

// AnyOpen reports whether any CBP v2 conversation (marketing, utility, authentication,
// service) is open at t.
func (c *Convs) AnyOpen(t model.Time) bool {
	return c != nil && (t < c.ConvEnd[SlotMarketing] || t < c.ConvEnd[SlotUtility] ||
		t < c.ConvEnd[SlotAuthentication] || t < c.ConvEnd[SlotService])
}

// UserMessage records a user message at t: it opens or refreshes the CSW (business
// messages never extend it), and an ad or Page-button message waits for an answer.
func (p *Pair) UserMessage(t model.Time, entry model.EntryPoint) {
	p.CSWEnd = t + CSW
	if entry != model.EntryNone {
		p.Referral = t
	}
}

// TakeReferral is called for every delivered business message at t. It consumes the
// pending ad/Page user message, if any, and reports whether that message is answered in
// time (within EntryReply) to open a free entry point window. The first delivered reply
// consumes the referral whether or not a window opens, so one ad click opens at most one
// window.
func (p *Pair) TakeReferral(t model.Time) bool {
	if p.Referral == 0 {
		return false
	}
	ok := t < p.Referral+EntryReply
	p.Referral = 0
	return ok
}

// ConversationID names a conversation by its pair, slot and end time. Two conversations
// of one pair and slot never end within the same minute (each lasts at least 24 h and the
// next opens only after it ends, or after a free entry point closes it and blocks others
// for 24 h or more), so the id is unique without storing a counter per pair. Layout: pair
// (32 bits) | slot (4 bits) | end in minutes since 1970 (28 bits, good to the year 2480).
// Never 0 for a conversation that ends after 1970.
func ConversationID(pair uint32, s Slot, end model.Time) uint64 {
	mins := uint64(end/model.Minute) & (1<<28 - 1)
	return uint64(pair)<<32 | uint64(s)<<28 | mins
}

// Repair returns conversation id with its pair replaced by pair: the same
// conversation, its pair numbered otherwise (a replay split across workers numbers
// pairs per worker first).
func Repair(id uint64, pair uint32) uint64 { return uint64(pair)<<32 | id&(1<<32-1) }

// Table holds the Pair state of every pair, indexed densely by model.Message.Pair, in
// pages of fixed size: growing never copies the pairs or needs room for twice them
// (a doubling slice of 5 million pairs went through 288 MB + 576 MB at once), and a
// Pair never moves once it exists. The CBP conversations are kept apart, only while
// they may be open (convTable): 24 bytes a pair under every era, and under CBP 16 or
// so for each conversation open at once.
type Table struct {
	pages [][]Pair
	convs convTable
	n     int // pairs held: one more than the highest pair asked for
}

const (
	pageBits = 14
	pageSize = 1 << pageBits // 384 KB of pairs
)

// Get returns the state of pair, growing the table when pair is new. The pointer stays
// valid until Reset.
func (t *Table) Get(pair uint32) *Pair {
	if int(pair) >= t.n {
		t.grow(int(pair) + 1)
	}
	return &t.pages[pair>>pageBits][pair&(pageSize-1)]
}

// Peek returns the state of pair, or nil when the table has never seen it.
func (t *Table) Peek(pair uint32) *Pair {
	if int(pair) >= t.n {
		return nil
	}
	return &t.pages[pair>>pageBits][pair&(pageSize-1)]
}

// OpenConv opens the conversation of pair (which Get has seen) in slot s at at, with
// its pricing type and category, and returns when it ends: at + Conversation. at is
// never earlier than the opening before (billing is in time order).
func (t *Table) OpenConv(pair uint32, s Slot, at model.Time, typ, cat uint8) model.Time {
	return t.convs.open(pair, s, at, typ&0x0f|cat<<4)
}

// CloseConvs ends, at t, every conversation of pair still open (a CBP 2023 free entry
// point conversation closes the others: docs/billing.md, "CBP 2023").
func (t *Table) CloseConvs(pair uint32, at model.Time) { t.convs.closeAll(pair, at) }

// PeekConvs returns the conversations of pair, or nil when it has none that may be
// open (then none of pair's is open). The Convs is the table's, to read until its
// next call.
func (t *Table) PeekConvs(pair uint32) *Convs { return t.convs.peek(pair) }

// Touch reads the state of every pair of pairs the table holds, its Pair and where its
// conversations would be, to bring them into cache before they are needed: the
// loads do not depend on one another, so their cache misses overlap, where billing the
// pairs one by one waits for one after another. It returns what it read, for the
// caller to keep so the compiler keeps the loads.
func (t *Table) Touch(pairs []uint32) model.Time {
	var sum model.Time
	for _, pair := range pairs {
		if int(pair) >= t.n {
			continue
		}
		sum += t.pages[pair>>pageBits][pair&(pageSize-1)].CSWEnd + t.convs.touch(pair)
	}
	return sum
}

// Len is the number of pair slots held.
func (t *Table) Len() int { return t.n }

func (t *Table) grow(n int) {
	for len(t.pages)<<pageBits < n {
		t.pages = append(t.pages, make([]Pair, pageSize))
	}
	t.n = n
}

// Reset forgets every pair, keeping the memory.
func (t *Table) Reset() {
	for i := 0; i<<pageBits < t.n; i++ {
		clear(t.pages[i])
	}
	t.convs.reset()
	t.n = 0
}
