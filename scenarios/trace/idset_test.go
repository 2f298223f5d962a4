package trace

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestIDSetRemembersWhatRecentDoes: the id set is a faster recent[bool]; on random
// gets and puts, with ids repeating near and far, both answer every get alike.
func TestIDSetRemembersWhatRecentDoes(t *testing.T) {
	for _, max := range []int{1, 3, 100, 5000} {
		rng := rand.New(rand.NewPCG(uint64(max), 1))
		ref, set := newRecent[bool](max), newIDSet(max)
		for i := 0; i < 40_000; i++ {
			// Mostly new ids, some recent repeats, some from long ago, some long ids.
			var id string
			switch u := rng.IntN(10); {
			case u < 6:
				id = fmt.Sprintf("wamid.%d", i)
			case u < 8:
				id = fmt.Sprintf("wamid.%d", i-rng.IntN(min(i+1, 2*max+2)))
			case u < 9:
				id = fmt.Sprintf("wamid.%d", rng.IntN(i+1))
			default:
				id = fmt.Sprintf("%0200d", rng.IntN(i+1))
			}
			h := set.hash(id)
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
			var id string
			switch u := rng.IntN(10); {
			case u < 5:
				id = fmt.Sprintf("wamid.%d", i)
			case u < 9:
				id = fmt.Sprintf("wamid.%d", i-rng.IntN(min(i+1, 2*max+2)))
			default:
				id = fmt.Sprintf("wamid.%d", rng.IntN(i+1))
			}
			delivered := rng.IntN(2) == 0
			was, seen := ref.get(id)
			want := seen && (!delivered || was)
			if !want {
				ref.put(id, delivered)
			}
			if got := set.see(id, set.hash(id), delivered); got != want {
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
