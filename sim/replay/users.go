package replay

// userTable gives every user of a replay its first pair, business number and country.
// It is an open-addressing hash table of 16-byte slots with no pointers in it, so the
// garbage collector never scans it and a lookup costs one cache miss: a map[string]entry
// needed about 130 bytes a user and a pointer per user for the collector to chase.
//
// The table is userSubs tables, a user's hash picking one, each grown on its own by half
// again when three quarters full, so that growing never holds the old and new slots of
// the whole table at once (a doubling table of 5 million users went through 64 + 128 MB
// to end at 128) and the slots are between half and three quarters full: 21 to 32 bytes
// a user. A slot's place is the hash scaled to the table's length, which need not be a
// power of two.
//
// A user id that is all digits and at most 15 long (every E.164 number) is packed into
// the key itself: its length in the top 4 bits, then the digits 4 bits each. Any other
// id is copied into an arena of 1 MiB chunks and the key refers to it (top 4 bits 0,
// length + 1 in bits 40..59, chunk and offset below): the two kinds never compare equal
// and no key is 0.
type userTable struct {
	subs  [userSubs]userSub
	n     int      // users held
	arena [][]byte // chunks of arenaChunk bytes for ids that are not packed
	sink  uint64   // what touch read, so the compiler keeps the reads
}

// userSub is one of a userTable's tables.
type userSub struct {
	slots []userSlot // key 0 = empty
	n     int
}

type userSlot struct {
	key     uint64
	pair    uint32 // the pair with number
	number  uint16 // the first business number the user talked to
	country [2]byte
}

const (
	arenaChunkBits = 20
	arenaChunk     = 1 << arenaChunkBits
	maxPackedLen   = 15
	lenMask        = 1<<20 - 1

	// A user's hash picks its table by bits 26..31 and its place there by bits 0..25;
	// its Part (PartOf) is picked by bits 32..63.
	userSubBits = 6
	userSubs    = 1 << userSubBits
	placeBits   = 26
	firstSlots  = 16 // a table's length when its first user comes
)

// packDigits returns the packed key of s, or false when s is not 1 to 15 digits.
func packDigits(s string) (uint64, bool) {
	if len(s) == 0 || len(s) > maxPackedLen {
		return 0, false
	}
	k := uint64(len(s))
	for i := 0; i < len(s); i++ {
		d := s[i] - '0'
		if d > 9 {
			return 0, false
		}
		k = k<<4 | uint64(d)
	}
	// Left-align the digits under the length nibble so the length sits in bits 60..63.
	return k << (4 * (maxPackedLen - len(s))), true
}

func mix(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// hashString is FNV-1a, then mixed: deterministic, and ids are short.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return mix(h)
}

// userHash is the hash a user is filed under: its low bits pick its table and slot in
// a userTable, its high bits its Part (PartOf).
func userHash(user string) uint64 {
	if k, ok := packDigits(user); ok {
		return mix(k)
	}
	return hashString(user)
}

// arenaKey reads back the id an arena key refers to.
func (t *userTable) arenaKey(k uint64) string {
	n := int(k>>40&lenMask) - 1
	off := k & (1<<40 - 1)
	c := t.arena[off>>arenaChunkBits]
	o := int(off & (arenaChunk - 1))
	return string(c[o : o+n]) // compared at once; the compiler does not allocate
}

// where returns the table of hash h and the slot its probe starts at.
func (t *userTable) where(h uint64) (*userSub, uint64) {
	sub := &t.subs[h>>placeBits&(userSubs-1)]
	return sub, (h & (1<<placeBits - 1)) * uint64(len(sub.slots)) >> placeBits
}

// touch reads the slots where lookups of users start, to bring them into cache early:
// first every place, then a tight loop of loads that do not depend on one another, so
// that many misses are in flight at once.
func (t *userTable) touch(users []string, idx []uint64) {
	for k, u := range users {
		h := userHash(u)
		sub, i := t.where(h)
		if len(sub.slots) == 0 {
			i = 1 << 63 // nothing to read
		}
		idx[k] = h>>placeBits&(userSubs-1)<<placeBits | i
	}
	var sum uint64
	for _, x := range idx[:len(users)] {
		if x < 1<<63 {
			sum += t.subs[x>>placeBits].slots[x&(1<<placeBits-1)].key
		}
	}
	t.sink += sum
}

// find returns the slot of user, or the empty slot where it would go.
func (t *userTable) find(user string) (*userSlot, uint64) {
	k, packed := packDigits(user)
	var h uint64
	if packed {
		h = mix(k)
	} else {
		h = hashString(user)
	}
	sub, i := t.where(h)
	if sub.slots == nil {
		sub.slots = make([]userSlot, firstSlots)
		i = (h & (1<<placeBits - 1)) * firstSlots >> placeBits
	}
	n := uint64(len(sub.slots))
	if packed {
		for ; ; i = next(i, n) {
			s := &sub.slots[i]
			if s.key == k || s.key == 0 {
				return s, k
			}
		}
	}
	for ; ; i = next(i, n) {
		s := &sub.slots[i]
		if s.key == 0 {
			return s, 0
		}
		if s.key>>60 == 0 && int(s.key>>40&lenMask) == len(user)+1 && t.arenaKey(s.key) == user {
			return s, s.key
		}
	}
}

// next is the slot a probe goes on to after i, of n.
func next(i, n uint64) uint64 {
	if i++; i == n {
		return 0
	}
	return i
}

// insert fills the empty slot s (from find) with user. It may grow the table, so s is
// not valid afterwards.
func (t *userTable) insert(s *userSlot, key uint64, user string, e userSlot) {
	if key == 0 {
		key = t.store(user)
	}
	e.key = key
	*s = e
	t.n++
	sub, _ := t.where(userHash(user))
	if sub.n++; sub.n*4 > len(sub.slots)*3 {
		t.grow(sub)
	}
}

// store copies a user id that cannot be packed into the arena.
func (t *userTable) store(user string) uint64 {
	if len(user) >= lenMask {
		panic("sim: a user id of a megabyte or more") // trace readers cap ids at 256 bytes
	}
	n := len(t.arena)
	if n == 0 || len(t.arena[n-1])+len(user) > arenaChunk {
		// A long id gets a chunk of its own, at offset 0.
		t.arena = append(t.arena, make([]byte, 0, max(arenaChunk, len(user))))
		n++
	}
	c := &t.arena[n-1]
	off := uint64(n-1)<<arenaChunkBits | uint64(len(*c))
	*c = append(*c, user...)
	return uint64(len(user)+1)<<40 | off
}

func (t *userTable) slotHash(k uint64) uint64 {
	if k>>60 != 0 {
		return mix(k)
	}
	return hashString(t.arenaKey(k))
}

// grow makes sub half as long again, the only table that moves.
func (t *userTable) grow(sub *userSub) {
	old := sub.slots
	sub.slots = make([]userSlot, len(old)+len(old)/2)
	n := uint64(len(sub.slots))
	for _, s := range old {
		if s.key == 0 {
			continue
		}
		_, i := t.where(t.slotHash(s.key))
		for sub.slots[i].key != 0 {
			i = next(i, n)
		}
		sub.slots[i] = s
	}
}
