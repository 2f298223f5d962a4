package sim

import (
	"container/heap"
	"math/rand/v2"
	"strconv"
	"testing"
)

// refHeap is the plain container/heap reference the Queue is checked (and benchmarked)
// against.
type refHeap []Event

func (h refHeap) Len() int           { return len(h) }
func (h refHeap) Less(i, j int) bool { return h[i].before(&h[j]) }
func (h refHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *refHeap) Push(x any)        { *h = append(*h, x.(Event)) }
func (h *refHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

// TestQueueMatchesReference drives the queue and container/heap with the same random
// mix of pushes and pops, including many equal times, and requires identical pops.
func TestQueueMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var q Queue
	var ref refHeap
	var seq uint64
	for step := 0; step < 200000; step++ {
		if rng.IntN(3) > 0 || q.Len() == 0 {
			tm := Time(rng.IntN(1000)) // few distinct times: ties must be FIFO
			q.Push(tm, uint8(step%7), int32(step))
			seq++
			heap.Push(&ref, Event{T: tm, Seq: seq, Kind: uint8(step % 7), ID: int32(step)})
			continue
		}
		got, want := q.Pop(), heap.Pop(&ref).(Event)
		if got != want {
			t.Fatalf("step %d: got %+v, want %+v", step, got, want)
		}
	}
	if q.Len() != ref.Len() {
		t.Fatalf("len %d, want %d", q.Len(), ref.Len())
	}
}

func TestQueueTiesAreFIFO(t *testing.T) {
	var q Queue
	for i := int32(0); i < 100; i++ {
		q.Push(5, 0, i)
	}
	for i := int32(0); i < 100; i++ {
		if e := q.Pop(); e.ID != i {
			t.Fatalf("pop %d: got id %d", i, e.ID)
		}
	}
}

func TestStreamsAreIndependentOfEachOther(t *testing.T) {
	a1 := Stream(7, "arrivals").Uint64()
	Stream(7, "handle").Uint64()
	a2 := Stream(7, "arrivals").Uint64()
	if a1 != a2 {
		t.Fatal("a stream must depend only on (seed, name)")
	}
	if Stream(7, "arrivals").Uint64() == Stream(7, "handle").Uint64() {
		t.Fatal("different names must give different streams")
	}
	if Stream(7, "arrivals").Uint64() == Stream(8, "arrivals").Uint64() {
		t.Fatal("different seeds must give different streams")
	}
	if DeriveSeed(1, 0) == DeriveSeed(1, 1) || DeriveSeed(1, 0) == DeriveSeed(2, 0) {
		t.Fatal("derived seeds collide")
	}
}

// BenchmarkQueueHold is the classic "hold" model: a queue of n pending events, each
// step pops the earliest and pushes one a random interval later. It is the event loop's
// inner work, and must not allocate.
func BenchmarkQueueHold(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(itoa(n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			var q Queue
			for i := 0; i < n; i++ {
				q.Push(Time(rng.IntN(1_000_000)), 0, int32(i))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				e := q.Pop()
				q.Push(e.T+Time(rng.IntN(1_000_000)), e.Kind, e.ID)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkHeapHold is the same model on container/heap, for the ratio.
func BenchmarkHeapHold(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(itoa(n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			ref := make(refHeap, 0, n)
			for i := 0; i < n; i++ {
				heap.Push(&ref, Event{T: Time(rng.IntN(1_000_000)), Seq: uint64(i), ID: int32(i)})
			}
			seq := uint64(n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				e := heap.Pop(&ref).(Event)
				seq++
				heap.Push(&ref, Event{T: e.T + Time(rng.IntN(1_000_000)), Seq: seq, ID: e.ID})
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

func itoa(n int) string {
	if n%1000 == 0 {
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}

// TestQueuePushFirst: an event pushed with PushFirst comes before every event of its
// time pushed with Push, before or after it, and after every earlier time.
func TestQueuePushFirst(t *testing.T) {
	var q Queue
	for i := int32(0); i < 10; i++ {
		q.Push(5, 0, i)
	}
	q.Push(4, 0, 100)
	q.PushFirst(5, 1, -1)
	for i := int32(10); i < 20; i++ {
		q.Push(5, 0, i)
	}
	if e := q.Pop(); e.ID != 100 {
		t.Fatalf("first pop %+v, want the event at 4", e)
	}
	if e := q.Pop(); e.Kind != 1 || e.ID != -1 {
		t.Fatalf("second pop %+v, want the PushFirst event", e)
	}
	for i := int32(0); i < 20; i++ {
		if e := q.Pop(); e.ID != i {
			t.Fatalf("pop %d: got id %d", i, e.ID)
		}
	}
}
