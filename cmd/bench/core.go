package main

import (
	"container/heap"
	"math/rand/v2"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/sim"
)

// The event-core model: sim's own BenchmarkRun and TestMMcLateReplies model (M/M/2,
// arrivals 0.5 per hour, handle rate 0.3 per hour, a 24-hour window per customer).
const (
	coreCustomers = 1_000_000
	coreAgents    = 2
	coreLambda    = 0.5 // arrivals per hour
	coreMu        = 0.3 // replies per agent-hour
)

var coreStart = model.FromStd(time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC))

// mmcConfig is sim/mmc_test.go's mmc: one 24/7 shift of c agents holding one chat each,
// exponential handle time at mu per hour, Poisson arrivals at lambda per hour from a
// base of customers, one message per conversation, PMP 2025 billing.
func mmcConfig(customers, c int, lambda, mu float64, hours int) (*sim.Config, error) {
	return sim.MMc(coreStart, customers, c, lambda, mu, hours)
}

// coreHours is the horizon that brings about n conversations.
func coreHours(n int64) int { return max(int(float64(n)/coreLambda), 100) }

// measureCore times sim.Run with the standard Stats recorder, as `spendsim run` does.
func measureCore(j job, prof *profiler) (childResult, error) {
	cfg, err := mmcConfig(coreCustomers, coreAgents, coreLambda, coreMu, coreHours(j.Size))
	if err != nil {
		return childResult{}, err
	}
	st := sim.NewStats("bench", cfg.Start, cfg.End, cfg.Location)
	if err := prof.start(); err != nil {
		return childResult{}, err
	}
	sw := startWatch()
	o, err := sim.Run(cfg, j.Seed, st)
	sec, cpu := sw.stop()
	if err := prof.stop(); err != nil {
		return childResult{}, err
	}
	if err != nil {
		return childResult{}, err
	}
	res, _, err := st.Result(o, &cfg.Staffing, "USD")
	if err != nil {
		return childResult{}, err
	}
	return childResult{
		Seconds: sec, CPU: cpu,
		Counts: map[string]int64{"conversations": o.Conversations, "events": o.Events, "replies": res.Replies, "late": res.LateUtility},
		Floats: map[string]float64{"late_share": float64(res.LateUtility) / float64(res.Replies)},
	}, nil
}

// The reference loop is the same model written the way a first simulator usually is:
// events are heap-allocated and go through container/heap's interface methods,
// customers live in a map of pointers, the wait queue is a slice of pointers. Per
// message it does the same work as sim.Run, through the same parts: every message is
// billed by a billing.Biller built from the same options (which also keeps the
// customer's 24-hour window, asked whether each reply is inside it), a late reply goes
// out as a utility template, and every message, reply, pickup and first response goes
// to the same sim.Stats recorder. So the ratio measures the event machinery (queue,
// state layout, dispatch), not work one side skips. Its late-reply share checks that
// both model the same queue.

const (
	refArrival = iota
	refReply
)

type refEvent struct {
	t    model.Time
	seq  uint64
	kind int
	conv *refConv
}

type refConv struct {
	customer int32
	start    model.Time
}

type refCustomer struct {
	conversations int
}

type refHeap []*refEvent

func (h refHeap) Len() int { return len(h) }
func (h refHeap) Less(i, j int) bool {
	return h[i].t < h[j].t || (h[i].t == h[j].t && h[i].seq < h[j].seq)
}
func (h refHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *refHeap) Push(x any)   { *h = append(*h, x.(*refEvent)) }
func (h *refHeap) Pop() any {
	old := *h
	n := len(old)
	e := old[n-1]
	old[n-1] = nil
	*h = old[:n-1]
	return e
}

type refCounts struct {
	conversations, events, replies, late int64
}

// referenceRun simulates the core model of cfg (mmcConfig's) for its horizon, billing
// into rec.
func referenceRun(cfg *sim.Config, seed uint64, rec sim.Recorder) (refCounts, error) {
	biller, err := billing.New(cfg.Billing)
	if err != nil {
		return refCounts{}, err
	}
	br := [2]byte{'B', 'R'}
	var (
		rng       = rand.New(rand.NewPCG(seed, 0x5eed))
		h         = &refHeap{}
		seq       uint64
		customers = map[int32]*refCustomer{}
		waiting   []*refConv
		busy      int
		n         refCounts
		mkt       = uint16(cfg.Markets.ForCountryIn("BR", cfg.Start, cfg.Location))
	)
	push := func(t model.Time, kind int, c *refConv) {
		seq++
		heap.Push(h, &refEvent{t: t, seq: seq, kind: kind, conv: c})
	}
	expHours := func(rate float64) model.Time {
		return model.FromSeconds(rng.ExpFloat64() / rate * 3600)
	}
	bill := func(m *model.Message) {
		c, e := biller.Bill(m)
		if e != nil && err == nil {
			err = e
		}
		rec.Message(m, &c)
	}
	dispatch := func(t model.Time) {
		for busy < coreAgents && len(waiting) > 0 {
			c := waiting[0]
			waiting = waiting[1:]
			busy++
			rec.Pickup(c.start, t)
			push(t+expHours(coreMu), refReply, c)
		}
	}
	push(cfg.Start+expHours(coreLambda), refArrival, nil)
	for h.Len() > 0 {
		e := heap.Pop(h).(*refEvent)
		if e.t >= cfg.End {
			break
		}
		n.events++
		switch e.kind {
		case refArrival:
			n.conversations++
			id := int32(rng.IntN(cfg.Customers))
			cu := customers[id]
			if cu == nil {
				cu = &refCustomer{}
				customers[id] = cu
			}
			cu.conversations++
			bill(&model.Message{TS: e.t, Pair: uint32(id), Direction: model.FromUser, Country: br, Market: mkt})
			waiting = append(waiting, &refConv{customer: id, start: e.t})
			dispatch(e.t)
			push(e.t+expHours(coreLambda), refArrival, nil)
		case refReply:
			n.replies++
			m := &model.Message{TS: e.t, Pair: uint32(e.conv.customer), Direction: model.FromBusiness, Country: br, Market: mkt}
			outcome := sim.InWindow
			if !biller.WindowOpen(m.Pair, e.t) {
				n.late++
				outcome = sim.LateUtility
				m.Kind, m.Category = model.Template, model.Utility
			}
			rec.Reply(e.t, outcome)
			bill(m)
			rec.FirstResponse(e.conv.start, e.t)
			busy--
			dispatch(e.t)
		}
	}
	return n, err
}

func measureReference(j job, prof *profiler) (childResult, error) {
	cfg, err := mmcConfig(coreCustomers, coreAgents, coreLambda, coreMu, coreHours(j.Size))
	if err != nil {
		return childResult{}, err
	}
	st := sim.NewStats("bench", cfg.Start, cfg.End, cfg.Location)
	if err := prof.start(); err != nil {
		return childResult{}, err
	}
	sw := startWatch()
	n, err := referenceRun(cfg, j.Seed, st)
	sec, cpu := sw.stop()
	if err := prof.stop(); err != nil {
		return childResult{}, err
	}
	if err != nil {
		return childResult{}, err
	}
	return childResult{
		Seconds: sec, CPU: cpu,
		Counts: map[string]int64{"conversations": n.conversations, "events": n.events, "replies": n.replies, "late": n.late},
		Floats: map[string]float64{"late_share": float64(n.late) / float64(n.replies)},
	}, nil
}
