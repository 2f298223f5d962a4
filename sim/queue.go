package sim

import "github.com/spendsim/spendsim/model"

// Time is virtual time: milliseconds since the Unix epoch, UTC (model.Time).
type Time = model.Time

// Event is a value stored in the queue; it carries no pointers so the queue's backing
// array is never scanned by the garbage collector and pushing never allocates once the
// array has grown to the run's peak size.
type Event struct {
	T    Time
	Seq  uint64 // insertion order from 1: ties in T are served first-in, first-out (0: PushFirst)
	Kind uint8
	ID   int32 // what the event is about (a conversation slot, a shift boundary, ...)
}

func (e *Event) before(o *Event) bool {
	return e.T < o.T || (e.T == o.T && e.Seq < o.Seq)
}

// Queue is a 4-ary min-heap of events ordered by (T, Seq). A 4-ary heap halves the
// depth of a binary heap and keeps a node's children in one cache line, which is what
// the event loop spends its time on.
type Queue struct {
	h   []Event
	seq uint64
}

// Len is the number of pending events.
func (q *Queue) Len() int { return len(q.h) }

// Reset empties the queue, keeping its backing array.
func (q *Queue) Reset() { q.h, q.seq = q.h[:0], 0 }

// Push schedules an event of kind at t about id.
func (q *Queue) Push(t Time, kind uint8, id int32) {
	q.seq++
	q.push(Event{T: t, Seq: q.seq, Kind: kind, ID: id})
}

func (q *Queue) push(e Event) {
	q.h = append(q.h, e)
	h := q.h
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 4
		if !e.before(&h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = e
}

// PushFirst schedules an event of kind at t about id that comes before every event
// pushed with Push for the same t, as if it had been pushed before all of them. It
// carries no sequence number, so two such events for one t come in either order: an
// owner keeps at most one pending at a time.
func (q *Queue) PushFirst(t Time, kind uint8, id int32) {
	q.push(Event{T: t, Kind: kind, ID: id})
}

// Peek returns the earliest event without removing it. It panics on an empty queue.
func (q *Queue) Peek() Event { return q.h[0] }

// Pop removes and returns the earliest event. It panics on an empty queue.
func (q *Queue) Pop() Event {
	h := q.h
	top := h[0]
	n := len(h) - 1
	last := h[n]
	q.h = h[:n]
	if n == 0 {
		return top
	}
	h = q.h
	i := 0
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		end := min(c+4, n)
		for j := c + 1; j < end; j++ {
			if h[j].before(&h[m]) {
				m = j
			}
		}
		if !h[m].before(&last) {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = last
	return top
}
