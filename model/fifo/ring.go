package fifo

// Ring is a FIFO on a growable circular buffer. The zero value is an empty ring.
type Ring[T any] struct {
	buf        []T
	head, size int
}

// Len is the number of elements held.
func (q *Ring[T]) Len() int { return q.size }

// Front is the oldest element; the ring must not be empty.
func (q *Ring[T]) Front() T { return q.buf[q.head] }

// Push appends v, doubling the buffer when it is full.
func (q *Ring[T]) Push(v T) {
	if q.size == len(q.buf) {
		nb := make([]T, max(16, 2*len(q.buf)))
		for i := 0; i < q.size; i++ {
			nb[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = nb, 0
	}
	q.buf[(q.head+q.size)%len(q.buf)] = v
	q.size++
}

// Pop removes and returns the oldest element; the ring must not be empty.
func (q *Ring[T]) Pop() T {
	v := q.buf[q.head]
	q.head = (q.head + 1) % len(q.buf)
	q.size--
	return v
}
