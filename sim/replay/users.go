package replay

// userTable gives every user of a replay its first pair, business number and country.
// It is an open-addressing hash table of 16-byte slots with no pointers in it, so the
// garbage collector never scans it and a lookup costs one cache miss: a 5-million-user
// trace needs 128 MB here, where a map[string]entry needed about 130 bytes a user and
// a pointer per user for the collector to chase.
//
// A user id that is all digits and at most 15 long (every E.164 number) is packed into
// the key itself: its length in the top 4 bits, then the digits 4 bits each. Any other
// id is copied into an arena of 1 MiB chunks and the key refers to it (top 4 bits 0,
// length + 1 in bits 40..59, chunk and offset below): the two kinds never compare equal
// and no key is 0.
type userTable struct {
	slots []userSlot // len a power of two; key 0 = empty
	n     int        // users held
	arena [][]byte   // chunks of arenaChunk bytes for ids that are not packed
	sink  uint64     // what touch read, so the compiler keeps the reads
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

// userHash is the hash a user is filed under: its low bits pick its slot in a table,
// its high bits its Part (PartOf).
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

// touch reads the slots where lookups of users start, to bring them into cache early:
// first every index, then a tight loop of loads that do not depend on one another, so
// that many misses are in flight at once.
func (t *userTable) touch(users []string, idx []uint64) {
	if len(t.slots) == 0 {
		return
	}
	mask := uint64(len(t.slots) - 1)
	for k, u := range users {
		if key, ok := packDigits(u); ok {
			idx[k] = mix(key) & mask
		} else {
			idx[k] = hashString(u) & mask
		}
	}
	var sum uint64
	for _, i := range idx[:len(users)] {
		sum += t.slots[i].key
	}
	t.sink += sum
}

// find returns the slot of user, or the empty slot where it would go.
func (t *userTable) find(user string) (*userSlot, uint64) {
	if t.slots == nil {
		t.slots = make([]userSlot, 1<<10)
	}
	mask := uint64(len(t.slots) - 1)
	if k, ok := packDigits(user); ok {
		for i := mix(k) & mask; ; i = (i + 1) & mask {
			s := &t.slots[i]
			if s.key == k || s.key == 0 {
				return s, k
			}
		}
	}
	for i := hashString(user) & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.key == 0 {
			return s, 0
		}
		if s.key>>60 == 0 && int(s.key>>40&lenMask) == len(user)+1 && t.arenaKey(s.key) == user {
			return s, s.key
		}
	}
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
	if t.n*4 > len(t.slots)*3 {
		t.grow()
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

func (t *userTable) grow() {
	old := t.slots
	t.slots = make([]userSlot, 2*len(old))
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.key == 0 {
			continue
		}
		i := t.slotHash(s.key) & mask
		for t.slots[i].key != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}
