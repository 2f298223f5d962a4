package fifo

import "testing"

// TestRingOrder pushes and pops in uneven bursts, so the ring wraps and grows with its
// head in the middle of the buffer, and checks it hands back 0, 1, 2, ... in order.
func TestRingOrder(t *testing.T) {
	var q Ring[int]
	next, want := 0, 0
	for round := range 40 {
		for range 3 + round%7 {
			q.Push(next)
			next++
		}
		for range 2 + round%5 {
			if q.Len() == 0 {
				break
			}
			if f := q.Front(); f != want {
				t.Fatalf("round %d: front %d, want %d", round, f, want)
			}
			if v := q.Pop(); v != want {
				t.Fatalf("round %d: popped %d, want %d", round, v, want)
			}
			want++
		}
	}
	if q.Len() != next-want {
		t.Fatalf("%d held, want %d", q.Len(), next-want)
	}
	for q.Len() > 0 {
		if v := q.Pop(); v != want {
			t.Fatalf("draining: popped %d, want %d", v, want)
		}
		want++
	}
}
