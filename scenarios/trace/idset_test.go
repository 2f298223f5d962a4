package trace

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// get and put are recent's get and put on the id set, for the tests: the reader
// uses see.

// get is recent.get: the current generation first.
func (s *idSet) get(id string, h uint64) (bool, bool) {
	if _, e := s.cur.find(id, h); e >= 0 {
		return s.cur.vals[e], true
	}
	return s.getOld(id, h)
}

// put is recent.put: when the current generation is full it becomes the old one
// (even when id is already in it), then id is set in the current one.
func (s *idSet) put(id string, h uint64, v bool) {
	slot, e := s.cur.find(id, h)
	s.set(id, h, v, slot, e)
}

// randomID is the id of operation i on a set remembering max ids: mostly new ids,
// some recent repeats, some from long ago, some long ids.
func randomID(rng *rand.Rand, i, max int) string {
	switch u := rng.IntN(10); {
	case u < 6:
		return fmt.Sprintf("wamid.%d", i)
	case u < 8:
		return fmt.Sprintf("wamid.%d", i-rng.IntN(min(i+1, 2*max+2)))
	case u < 9:
		return fmt.Sprintf("wamid.%d", rng.IntN(i+1))
	}
	return fmt.Sprintf("%0200d", rng.IntN(i+1))
}

// TestIDSetRemembersWhatRecentDoes: the id set is a faster recent[bool]; on random
// gets and puts, with ids repeating near and far, both answer every get alike.
func TestIDSetRemembersWhatRecentDoes(t *testing.T) {
	for _, max := range []int{1, 3, 100, 5000} {
		rng := rand.New(rand.NewPCG(uint64(max), 1))
		ref, set := newRecent[bool](max), newIDSet(max)
		for i := 0; i < 40_000; i++ {
			id := randomID(rng, i, max)
			h := idHash(id)
			wv, wok := ref.get(id)
			gv, gok := set.get(id, h)
			if wv != gv || wok != gok {
				t.Fatalf("max %d, op %d: get(%q) = %v,%v; recent says %v,%v", max, i, id, gv, gok, wv, wok)
			}
			v := rng.IntN(2) == 0
			ref.put(id, v)
			set.put(id, h, v)
		}
	}
}

// TestIDSetSee: see is get-then-put under the reader's rule (a repeat is a duplicate
// unless it is the first delivered report of an id seen only undelivered), on the same
// random ids as above, against recent[bool].
func TestIDSetSee(t *testing.T) {
	for _, max := range []int{1, 3, 100, 5000} {
		rng := rand.New(rand.NewPCG(uint64(max), 2))
		ref, set := newRecent[bool](max), newIDSet(max)
		dups := 0
		for i := 0; i < 40_000; i++ {
			id := randomID(rng, i, max)
			delivered := rng.IntN(2) == 0
			was, seen := ref.get(id)
			want := seen && (!delivered || was)
			if !want {
				ref.put(id, delivered)
			}
			if got := set.see(id, idHash(id), delivered); got != want {
				t.Fatalf("max %d, op %d: see(%q, %v) = %v, want %v", max, i, id, delivered, got, want)
			}
			if want {
				dups++
			}
		}
		if dups == 0 {
			t.Fatalf("max %d: no duplicates: the test does not test see", max)
		}
	}
}
