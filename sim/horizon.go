package sim

import "github.com/spendsim/spendsim/model"

// MaxDrain is how long after the horizon end a run goes on answering the conversations
// that arrived inside it, and sending the templates the messaging limit still holds;
// whatever is still waiting then counts as never answered, or never sent
// (OutboundCounts.LimitHeldAtEnd). A desk with anyone on duty in a week clears its
// backlog long before: this only bounds a run whose shifts never come round again, or
// whose limit never lets its templates through.
const MaxDrain = 366 * 24 * model.Hour

// drainWeek is how much of the shift timeline is laid at a time after the horizon.
const drainWeek = 7 * 24 * model.Hour

// horizon is where a run is in time: the warm-up before Config.Start, which counts
// nothing; the horizon [Start, End); and the drain after End, in which no conversation
// starts and the business starts no template of its own, while the conversations still
// open are followed to their end and the replies they get are billed to the run, and
// the templates the messaging limit held back go as it lets them, billed on the days
// they go (a template asked for in the horizon is part of the run's bill).
//
// The agents' cost is that of the shifts from Start until the backlog is cleared: the
// horizon's, and the drain's up to the last event of the desk in the drain (the one
// that closed the last conversation), since the agents who answer the backlog are paid
// for it; the held templates need no agent, and once the backlog is cleared the drain
// goes on with them alone. The backlog the warm-up leaves is answered on the horizon's
// shifts. Utilisation is busy slot-time over staffed slot-time over the same span, so
// it never counts busy time whose agents were not costed. A team modelled by its
// response time answers the backlog after that time whoever is on duty, so nobody
// is needed for it: its cost is the horizon's shifts alone, the roster it keeps.
type horizon struct {
	counting  bool // the clock has reached Start: outbound counts start from zero
	draining  bool // the clock has passed End
	drainEnd  Time // the desk's last event after End: where the backlog was cleared
	agentTime Time // agent-time on duty from Start to the end of the drain
	drainTime Time // of agentTime, the drain's: from End to the end of the drain
	busyStart Time // the desk's busy slot-time at Start and at the end of the drain
	busyEnd   Time
}

// startClock sets the run's clock at the warm-up's start (or Start without one) and
// returns that time.
func (r *run) startClock() Time {
	r.clock.counting = r.cfg.Warmup <= 0
	if r.cfg.Warmup <= 0 {
		return r.cfg.Start
	}
	return r.cfg.Start - r.cfg.Warmup
}

// advance moves the clock to event e, which has just been popped, and says whether e
// is to be handled. After the horizon end, the desk's events are while it has work (and
// the first, at End, always), and move the drain's end; the business's own traffic is
// not (no notification or campaign starts, nobody answers a template then), but for
// the look at the templates the messaging limit holds (evHeld), which go on.
func (h *horizon) advance(r *run, e Event) bool {
	if !h.counting && e.T >= r.cfg.Start {
		h.startCounting(r)
	}
	if e.T < r.cfg.End {
		return true
	}
	desk := !h.draining || r.desk.InFlight() > 0
	if !h.draining {
		h.draining = true
		r.outboundAtEnd()
	}
	if desk {
		h.drainEnd = e.T
	}
	if e.Kind == evHeld {
		return true
	}
	return desk && e.Kind < evNotify
}

// startCounting zeroes what the warm-up counted outside the conversations (the
// conversations' own figures are counted by arrival time) and notes the desk's busy
// time at Start.
func (h *horizon) startCounting(r *run) {
	h.counting = true
	h.busyStart = r.desk.BusyTime(r.cfg.Start)
	if r.out != nil {
		r.out.counts = OutboundCounts{}
	}
}

// over says whether the run is over: after the horizon end, once no conversation that
// arrived in the horizon (or the warm-up) is still open and no template waits for room
// under the messaging limit, or MaxDrain after it.
func (h *horizon) over(r *run) bool {
	if !h.draining {
		return false
	}
	return r.desk.InFlight() == 0 && r.out.holding() == 0 || r.q.Peek().T >= r.cfg.End+MaxDrain
}

// finish closes the clock when the run ends: the busy time and agent-time from Start
// to the end of the drain (End, if the run never got past it).
func (h *horizon) finish(r *run) {
	if !h.counting {
		h.startCounting(r) // nothing happened after Start
	}
	end := r.cfg.End
	if h.draining {
		end = h.drainEnd // every change of the desk so far happened by then
	}
	h.busyEnd = r.desk.BusyTime(end)
	h.agentTime = r.staff.AgentTime()
	if r.cfg.Warmup > 0 {
		h.agentTime = r.pattern.Cursor(r.cfg.Start, r.cfg.End, r.cfg.Location).AgentTime()
	}
	if end > r.cfg.End && !r.cfg.Staffing.ByResponseTime() {
		h.drainTime = r.pattern.Cursor(r.cfg.End, end, r.cfg.Location).AgentTime()
		h.agentTime += h.drainTime
	}
}

// layShifts (evStaffMore, at the horizon end and every week after it) lays the next
// week of shifts, so that the conversations still open after the horizon are answered
// when the agents come in, and schedules the next week while the desk has work that
// someone on duty can do.
func (r *run) layShifts(t Time) {
	if r.desk.Settled() {
		return
	}
	c := r.pattern.Cursor(t, t+drainWeek, r.cfg.Location)
	for st, ok := c.Next(); ok; st, ok = c.Next() {
		r.drain = append(r.drain, st)
		r.q.Push(st.At, evStaff, int32(len(r.drain)-1))
	}
	if t+drainWeek < r.cfg.End+MaxDrain {
		r.q.Push(t+drainWeek, evStaffMore, 0)
	}
}
