package trace

import (
	"hash/maphash"
	"strings"

	"github.com/spendsim/spendsim/model"
)

// idSet is recent[idEntry] for message ids, made cheap enough to ask once per row: the
// same two generations (the current one turns old when it holds max ids, and the old
// one is dropped), so it remembers exactly the ids recent would, but each generation
// is an open-addressing table of 8-byte slots over an arena of key bytes. A row costs
// a hash and a probe of two tables of 2 MB (at the default window) rather than two map
// lookups that chase a string pointer each, and no allocation: the arenas are reused
// when a generation is dropped.
//
// Beside each id it keeps 12 bytes (idEntry): whether the message was delivered, a
// 31-bit fingerprint of its user, direction and category, which tells a retry (the
// same message again) from an id clash (another message under the same id), and where
// the id was first seen, for the note and the error that point the user at both rows.
//
// It also measures how far back it reached in trace time (reach), at no cost per row:
// what it remembers shrinks only when a generation turns, so it measures then.
type idSet struct {
	cur, old *idGen
	max      int
	// limit is when set turns a generation: max, and 0 until the first id, so that the
	// first id goes through turn too, which notes its time.
	limit int
	sink  uint64 // what touch read, so the compiler keeps the reads

	from     model.Time // the ts of the first id of the current generation
	turns    int64      // generations turned: ids were forgotten from the second on
	shortest model.Time // the shortest span the ids covered after a turn that forgot some (turns > 1)
	at       model.Time // when that was
}

// idSeed seeds the ids' hashes (idHash), which sources may compute ahead of the set
// (earlyRules). It only spreads the slots; nothing depends on its value.
var idSeed = maphash.MakeSeed()

// idHash is the hash the id set files id under.
func idHash(id string) uint64 { return maphash.String(idSeed, id) }

// idEntry is what the set keeps of an id: val is the fingerprint of its message
// (msgPrint) shifted left by one, with bit 0 set once the message was delivered; at is
// where the id was first seen (rowAt).
type idEntry struct {
	val uint32
	at  uint64
}

func (e idEntry) delivered() bool { return e.val&1 != 0 }

// msgPrint is the 31-bit fingerprint of a message's user, direction and category: two
// rows of one message id with different fingerprints are two messages. userHash is
// the user's hash in idSeed; direction and category are mixed in by odd constants, so
// one user's messages of different directions or categories never share a print.
func msgPrint(userHash uint64, dir model.Direction, cat model.Category) uint32 {
	h := userHash ^ uint64(dir)*0x9E3779B97F4A7C15 ^ uint64(cat)*0xC2B2AE3D27D4EB4F
	return uint32(h >> 33)
}

// rowPrint is msgPrint of a row's message. Meta's own ids (wamid.…) name one message
// each, whatever the log calls its user: the same message may come once with the
// user's phone number and once with their business-scoped user id (BSUID) alone, so
// the user is left out of their print, and only a change of direction or category
// makes a clash.
func rowPrint(id, user string, dir model.Direction, cat model.Category) uint32 {
	var u uint64
	if !strings.HasPrefix(id, "wamid.") {
		u = idHash(user)
	}
	return msgPrint(u, dir, cat)
}

// rowAt packs where a row is, its file (Record.Source) and line, into 8 bytes.
func rowAt(source uint16, line int64) uint64 {
	return uint64(source)<<48 | uint64(line)&(1<<48-1)
}

// atOf unpacks rowAt.
func atOf(at uint64) (source uint16, line int64) {
	return uint16(at >> 48), int64(at & (1<<48 - 1))
}

// idGen is one generation. A slot holds the upper 32 bits of the id's hash and its
// entry index + 1 (0 = empty); entry i's id is keys[ends[i-1]:ends[i]].
type idGen struct {
	slots []uint64
	keys  []byte
	ends  []uint32
	vals  []uint32 // idEntry.val of each entry
	ats   []uint64 // idEntry.at of each entry
	// bloom has one bit per hash value (mod its length) set for every id in the
	// generation: 16 bits an id, so an id that is not there is ruled out by a word that
	// is in cache 94% of the time, and the old generation's table is probed only for
	// the rest. A bloom filter has no false negatives, so nothing is missed.
	bloom []uint64
}

func (g *idGen) mayHave(h uint64) bool {
	b := (h >> 16) & (uint64(len(g.bloom))*64 - 1)
	return g.bloom[b>>6]&(1<<(b&63)) != 0
}

func (g *idGen) mark(h uint64) {
	b := (h >> 16) & (uint64(len(g.bloom))*64 - 1)
	g.bloom[b>>6] |= 1 << (b & 63)
}

func newIDSet(max int) *idSet {
	words := 1
	for words*64 < 16*max && words < 1<<21 {
		words *= 2
	}
	return &idSet{
		cur: &idGen{slots: make([]uint64, 1024), bloom: make([]uint64, words)},
		old: &idGen{slots: make([]uint64, 1024), bloom: make([]uint64, words)},
		max: max,
	}
}

// touch reads the current generation's slots and both bloom filters where rows' ids
// will be looked up (those with a hash), to bring them into cache early: the loads
// do not depend on one another, so many misses are in flight at once.
func (s *idSet) touch(rows []row) {
	cm := uint64(len(s.cur.slots) - 1)
	cb := uint64(len(s.cur.bloom))*64 - 1
	ob := uint64(len(s.old.bloom))*64 - 1
	var sum uint64
	for i := range rows {
		if r := &rows[i]; r.hashed {
			h := r.idHash
			sum += s.cur.slots[h&cm] + s.cur.bloom[(h>>16)&cb>>6] + s.old.bloom[(h>>16)&ob>>6]
		}
	}
	s.sink += sum
}

// find returns the slot of id in g (or the empty slot where it would go) and its
// entry index, -1 if absent.
func (g *idGen) find(id string, h uint64) (int, int) {
	mask := uint64(len(g.slots) - 1)
	tag := h >> 32
	for i := h & mask; ; i = (i + 1) & mask {
		sl := g.slots[i]
		if sl == 0 {
			return int(i), -1
		}
		if sl>>32 == tag {
			e := int(uint32(sl)) - 1
			from := uint32(0)
			if e > 0 {
				from = g.ends[e-1]
			}
			if string(g.keys[from:g.ends[e]]) == id {
				return int(i), e
			}
		}
	}
}

// getOld looks id up in the old generation (the bloom filter first).
func (s *idSet) getOld(id string, h uint64) (idEntry, bool) {
	if !s.old.mayHave(h) {
		return idEntry{}, false
	}
	if _, e := s.old.find(id, h); e >= 0 {
		return idEntry{s.old.vals[e], s.old.ats[e]}, true
	}
	return idEntry{}, false
}

// What see says of a row's id.
const (
	idNew       = iota // not seen
	idRepeat           // the same message again: a duplicate
	idClash            // another message under an id already seen
	idDelivered        // the first delivered report of a message seen so far only undelivered
)

// see is the reader's de-duplication rule (reader.finish) in one probe of the
// current generation: an id seen before with another fingerprint (msgPrint) is a
// clash; with the same, a duplicate, unless this is the first delivered report of a
// message seen so far only as not delivered. A new id is put as the row's (print,
// delivered, at); the first delivered report updates its entry, keeping where the id
// was first seen. first is that place, for a repeat or a clash. It is recent's get,
// then put unless a repeat or clash (idset_test.go has get and put, and checks both
// against recent).
//
// ts is the row's time, which is never earlier than the last row's (the reader sees rows
// in ts order): reach measures in it.
func (s *idSet) see(id string, h uint64, fp uint32, delivered bool, at uint64, ts model.Time) (verdict int, first uint64) {
	slot, e := s.cur.find(id, h)
	var was idEntry
	seen := e >= 0
	if seen {
		was = idEntry{s.cur.vals[e], s.cur.ats[e]}
	} else {
		was, seen = s.getOld(id, h)
	}
	v := idEntry{fp << 1, at}
	if delivered {
		v.val |= 1
	}
	if seen {
		switch {
		case was.val>>1 != fp:
			return idClash, was.at
		case !delivered || was.delivered():
			return idRepeat, was.at
		}
		v.at = was.at
	}
	s.set(id, h, v, slot, e, ts)
	if seen {
		return idDelivered, was.at
	}
	return idNew, 0
}

// set stores v for id, whose probe of the current generation gave slot and entry e,
// at time ts. When the current generation is full it becomes the old one first (even
// when id is in it), as recent.put does.
func (s *idSet) set(id string, h uint64, v idEntry, slot, e int, ts model.Time) {
	if len(s.cur.ends) >= s.limit {
		slot, e = s.turn(id, h, slot, e, ts)
	}
	g := s.cur
	if e >= 0 {
		g.vals[e], g.ats[e] = v.val, v.at
		return
	}
	g.mark(h)
	g.keys = append(g.keys, id...)
	g.ends = append(g.ends, uint32(len(g.keys)))
	g.vals = append(g.vals, v.val)
	g.ats = append(g.ats, v.at)
	g.slots[slot] = h>>32<<32 | uint64(len(g.ends))
	if 2*len(g.ends) > len(g.slots) {
		s.grow(g)
	}
}

// turn makes the full current generation the old one, dropping the old one, and
// returns id's probe of the new, empty current one; before the first id it only notes
// its time. After a turn the set remembers the ids from the previous turn's time (or
// the first id's) to ts: the shortest such span over the run is how far back a repeat
// was surely caught (reach).
func (s *idSet) turn(id string, h uint64, slot, e int, ts model.Time) (int, int) {
	if s.limit == 0 {
		s.limit, s.from = s.max, ts
		return slot, e
	}
	// The first turn drops the empty generation the set began with: every id is still
	// remembered until the second.
	if span := ts - s.from; s.turns == 1 || s.turns > 1 && span < s.shortest {
		s.shortest, s.at = span, ts
	}
	s.turns++
	s.from = ts
	s.old, s.cur = s.cur, s.old
	g := s.cur
	clear(g.slots)
	clear(g.bloom)
	g.keys, g.ends, g.vals, g.ats = g.keys[:0], g.ends[:0], g.vals[:0], g.ats[:0]
	return g.find(id, h)
}

// reach says how far back the set reached over the run (DedupReach).
func (s *idSet) reach() DedupReach {
	r := DedupReach{Window: s.max, Complete: s.turns < 2}
	if !r.Complete {
		r.Reach, r.At = s.shortest, s.at
	}
	return r
}

// grow doubles g's table, keeping it at most half full.
func (s *idSet) grow(g *idGen) {
	g.slots = make([]uint64, 2*len(g.slots))
	mask := uint64(len(g.slots) - 1)
	from := uint32(0)
	for e, end := range g.ends {
		h := idHash(string(g.keys[from:end]))
		from = end
		i := h & mask
		for g.slots[i] != 0 {
			i = (i + 1) & mask
		}
		g.slots[i] = h>>32<<32 | uint64(e+1)
	}
}
