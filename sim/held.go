package sim

// The templates the messaging limit holds back (model/blocking's account), waiting in
// a queue for room, first come first served.

// held is a template waiting for room under the messaging limit.
type held struct {
	customer int32
	src      int32
	counted  bool // asked for inside the horizon (not in the warm-up): in TemplatesSent
}

// holding is how many templates wait for room under the messaging limit (0 without
// outbound traffic).
func (o *outbound) holding() int {
	if o == nil {
		return 0
	}
	return o.waiting.Len()
}

// wake schedules the next look at the templates waiting for room: when the rolling
// 24 h window next has room, or at the next hourly evaluation if that comes first
// (the limit may rise there).
func (r *run) wake(t Time) {
	o := r.out
	if o.waking {
		return
	}
	at := o.account.RoomAt(t)
	if next := o.account.NextChange(t); next != 0 && next < at {
		at = next
	}
	o.waking = true
	r.q.Push(at, evHeld, 0)
}

// releaseHeld sends the waiting templates that fit now, first come first served.
func (r *run) releaseHeld(t Time) {
	o := r.out
	o.waking = false
	a := o.account
	for o.waiting.Len() > 0 {
		h := o.waiting.Front()
		if a.Needs(h.customer, t, r.biller.WindowOpen(uint32(h.customer), t)) {
			if a.RoomAt(t) > t {
				break
			}
			a.Admit(h.customer, t)
		}
		o.waiting.Pop()
		if h.counted && t >= r.cfg.End {
			o.counts.LimitAfterHorizon++
		}
		r.deliverTemplate(t, h.customer, int(h.src), h.counted)
	}
	if o.waiting.Len() > 0 {
		r.wake(t)
	}
}
