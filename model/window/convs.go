package window

import "github.com/spendsim/spendsim/model"

// convTable holds the CBP conversations that may still be open, one entry per (pair,
// slot), in an open-addressing hash table. A conversation lasts 24 hours and messages
// come in time order, so only a small share of the pairs ever seen has one open at a
// time (61,356 at most of 1.67 million on the 10M-message bench trace under CBP 2023):
// a Convs kept for every pair cost 48 bytes a pair. When the table fills, the
// conversations that ended by then are dropped (no later message can ride them) and it
// is rebuilt at twice the entries left: it grows with the conversations open at once,
// at 16 bytes each, not with the pairs. A pair's entries share its probe run (the
// slot a probe starts at depends on the pair alone), so reading them all is one scan.
type convTable struct {
	entries []convEntry // a power of two long, or empty
	n       int         // entries in use, ended ones included until the next rebuild
	now     model.Time  // the latest time a conversation opened, once begun
	begun   bool
	view    Convs // what peek returned last
}

// convEntry is one conversation: key packs pair+1 (0: an empty entry), slot and meta.
type convEntry struct {
	key uint64
	end model.Time
}

const minConvEntries = 64

func convKey(pair uint32, s Slot, meta uint8) uint64 {
	return (uint64(pair)+1)<<12 | uint64(s)<<8 | uint64(meta)
}

func (e *convEntry) pair() uint64 { return e.key >> 12 } // pair+1
func (e *convEntry) slot() Slot   { return Slot(e.key >> 8 & 0xf) }
func (e *convEntry) meta() uint8  { return uint8(e.key) }

// home is the entry pair's probe starts at.
func (t *convTable) home(pair uint32) int {
	return int((uint64(pair) * 0x9E3779B97F4A7C15) >> 32 & uint64(len(t.entries)-1))
}

// peek returns the conversations of pair, nil when it has none that may be open. The
// Convs is the table's: it holds until the table's next call.
func (t *convTable) peek(pair uint32) *Convs {
	if t.n == 0 {
		return nil
	}
	found, mask, want := false, len(t.entries)-1, uint64(pair)+1
	for i := t.home(pair); t.entries[i].key != 0; i = (i + 1) & mask {
		if e := &t.entries[i]; e.pair() == want {
			if !found {
				t.view, found = Convs{}, true
			}
			s := e.slot()
			t.view.ConvEnd[s], t.view.ConvMeta[s] = e.end, e.meta()
		}
	}
	if !found {
		return nil
	}
	return &t.view
}

// open opens the conversation of pair and slot s at now, until now+Conversation, with
// meta. now is never earlier than at the opening before (billing is in time order; a
// Biller checks it), which is what lets the table drop what ended by now.
func (t *convTable) open(pair uint32, s Slot, now model.Time, meta uint8) model.Time {
	if now < t.now && t.begun {
		panic("window: a conversation opened out of time order")
	}
	t.now, t.begun = now, true
	end := now + Conversation
	if e := t.find(pair, s); e != nil {
		e.key, e.end = convKey(pair, s, meta), end
		return end
	}
	if (t.n+1)*4 > len(t.entries)*3 {
		t.rebuild(now)
	}
	*t.place(pair) = convEntry{convKey(pair, s, meta), end}
	t.n++
	return end
}

// closeAll ends at at every conversation of pair still open.
func (t *convTable) closeAll(pair uint32, at model.Time) {
	if t.n == 0 {
		return
	}
	mask, want := len(t.entries)-1, uint64(pair)+1
	for i := t.home(pair); t.entries[i].key != 0; i = (i + 1) & mask {
		if e := &t.entries[i]; e.pair() == want && at < e.end {
			e.end = at
		}
	}
}

// find returns the entry of pair and slot s, or nil.
func (t *convTable) find(pair uint32, s Slot) *convEntry {
	if t.n == 0 {
		return nil
	}
	mask, want := len(t.entries)-1, uint64(pair)+1
	for i := t.home(pair); t.entries[i].key != 0; i = (i + 1) & mask {
		if e := &t.entries[i]; e.pair() == want && e.slot() == s {
			return e
		}
	}
	return nil
}

// place returns the first empty entry of pair's probe run.
func (t *convTable) place(pair uint32) *convEntry {
	mask := len(t.entries) - 1
	i := t.home(pair)
	for t.entries[i].key != 0 {
		i = (i + 1) & mask
	}
	return &t.entries[i]
}

// rebuild keeps the conversations that end after now, in a table at most half full
// with them.
func (t *convTable) rebuild(now model.Time) {
	live := 0
	for i := range t.entries {
		if t.entries[i].key != 0 && t.entries[i].end > now {
			live++
		}
	}
	size := minConvEntries
	for size < 2*(live+1) {
		size *= 2
	}
	old := t.entries
	t.entries, t.n = make([]convEntry, size), live
	for _, e := range old {
		if e.key != 0 && e.end > now {
			*t.place(uint32(e.pair() - 1)) = e
		}
	}
}

// touch reads the entry pair's probe starts at, to bring it into cache (Table.Touch).
func (t *convTable) touch(pair uint32) model.Time {
	if t.n == 0 {
		return 0
	}
	return t.entries[t.home(pair)].end
}

func (t *convTable) reset() { *t = convTable{} }
