package trace

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/spendsim/spendsim/model"
)

// get and put are recent's get and put on the id set, for the tests: the reader
// uses see.

// get is recent.get: the current generation first.
func (s *idSet) get(id string, h uint64) (idEntry, bool) {
	if _, e := s.cur.find(id, h); e >= 0 {
		return idEntry{s.cur.vals[e], s.cur.ats[e]}, true
	}
	return s.getOld(id, h)
}

// put is recent.put: when the current generation is full it becomes the old one
// (even when id is already in it), then id is set in the current one.
func (s *idSet) put(id string, h uint64, v idEntry) {
	slot, e := s.cur.find(id, h)
	s.set(id, h, v, slot, e, 0)
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

// TestIDSetRemembersWhatRecentDoes: the id set is a faster recent[idEntry]; on random
// gets and puts, with ids repeating near and far, both answer every get alike.
func TestIDSetRemembersWhatRecentDoes(t *testing.T) {
	for _, max := range []int{1, 3, 100, 5000} {
		rng := rand.New(rand.NewPCG(uint64(max), 1))
		ref, set := newRecent[idEntry](max), newIDSet(max)
		for i := 0; i < 40_000; i++ {
			id := randomID(rng, i, max)
			h := idHash(id)
			wv, wok := ref.get(id)
			gv, gok := set.get(id, h)
			if wv != gv || wok != gok {
				t.Fatalf("max %d, op %d: get(%q) = %v,%v; recent says %v,%v", max, i, id, gv, gok, wv, wok)
			}
			v := idEntry{rng.Uint32(), rng.Uint64()}
			ref.put(id, v)
			set.put(id, h, v)
		}
	}
}

// TestIDSetSee: see is get-then-put under the reader's rule (a repeat with another
// print is a clash; with the same, a duplicate unless it is the first delivered report
// of an id seen only undelivered, idDelivered), on the same random ids as above, against
// recent[idEntry]. An id's message mostly keeps its print; one repeat in eight brings
// another.
func TestIDSetSee(t *testing.T) {
	for _, max := range []int{1, 3, 100, 5000} {
		rng := rand.New(rand.NewPCG(uint64(max), 2))
		ref, set := newRecent[idEntry](max), newIDSet(max)
		dups, clashes := 0, 0
		for i := 0; i < 40_000; i++ {
			id := randomID(rng, i, max)
			delivered := rng.IntN(2) == 0
			fp := uint32(idHash(id) >> 33)
			if rng.IntN(8) == 0 {
				fp ^= 1
			}
			at := uint64(i)
			was, seen := ref.get(id)
			want, wantFirst := idNew, uint64(0)
			switch {
			case seen && was.val>>1 != fp:
				want, wantFirst = idClash, was.at
			case seen && (!delivered || was.delivered()):
				want, wantFirst = idRepeat, was.at
			case seen:
				// The first delivered report: said as such, with where the id was first
				// seen, which its entry keeps.
				want, wantFirst, at = idDelivered, was.at, was.at
			}
			if want == idNew || want == idDelivered {
				v := idEntry{fp << 1, at}
				if delivered {
					v.val |= 1
				}
				ref.put(id, v)
			}
			if got, first := set.see(id, idHash(id), fp, delivered, uint64(i), model.Time(i)); got != want || first != wantFirst {
				t.Fatalf("max %d, op %d: see(%q, %v) = %v at %d, want %v at %d", max, i, id, delivered, got, first, want, wantFirst)
			}
			switch want {
			case idRepeat:
				dups++
			case idClash:
				clashes++
			}
		}
		if dups == 0 || clashes == 0 {
			t.Fatalf("max %d: %d duplicates, %d clashes: the test does not test see", max, dups, clashes)
		}
	}
}

// TestMsgPrintTellsApart: one user's messages of every direction and category have
// different prints (a retry is told from an id clash by them).
func TestMsgPrintTellsApart(t *testing.T) {
	for _, user := range []string{"", "5511987654321", "cust-42"} {
		seen := map[uint32]string{}
		for d := range model.Direction(4) {
			for c := range model.Category(16) {
				p := msgPrint(idHash(user), d, c)
				what := fmt.Sprintf("direction %d, category %d", d, c)
				if other, ok := seen[p]; ok {
					t.Errorf("user %q: %s and %s share the print %#x", user, what, other, p)
				}
				seen[p] = what
			}
		}
	}
}
