package main

import (
	"container/heap"
	"fmt"
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

// eventCore measures the event core against the container/heap reference and the
// plain heap loop, in alternating rounds.
func (b *bench) eventCore() error {
	n := b.sizes.CoreConversations
	rounds := b.sizes.Rounds
	sec := fmt.Sprintf("1. event core: M/M/%d + 24 h window, %s customers, %s conversations, PMP 2025; best of %d",
		coreAgents, thousands(coreCustomers), thousands(n), rounds)
	// Rounds alternate core, reference and plain loop, so a burst of other work on
	// the machine hits all alike.
	var core, ref, plain best
	for i := range rounds {
		b.logf("event core (round %d/%d): sim.Run, %d conversations", i+1, rounds, n)
		res, p, err := spawn(job{Kind: "core", Seed: b.seed, Size: n, CPUProfile: b.profileOnce(i, "core")})
		if err != nil {
			return err
		}
		core.add(res.Seconds, res.CPU, p.MaxRSS, res)
		b.logf("event core (round %d/%d): container/heap reference", i+1, rounds)
		res, p, err = spawn(job{Kind: "reference", Seed: b.seed, Size: n, CPUProfile: b.profileOnce(i, "reference")})
		if err != nil {
			return err
		}
		ref.add(res.Seconds, res.CPU, p.MaxRSS, res)
		b.logf("event core (round %d/%d): plain container/heap loop, no billing", i+1, rounds)
		res, p, err = spawn(job{Kind: "plain", Seed: b.seed, Size: n, CPUProfile: b.profileOnce(i, "plain")})
		if err != nil {
			return err
		}
		plain.add(res.Seconds, res.CPU, p.MaxRSS, res)
	}
	coreEv := float64(core.res.Counts["events"]) / core.sec
	refEv := float64(ref.res.Counts["events"]) / ref.sec
	r := b.rep
	r.add(sec, "sim.Run: customers (conversations)", float64(core.res.Counts["conversations"])/core.sec, "/s", nil)
	r.add(sec, "sim.Run: events", coreEv, "/s", nil)
	r.add(sec, "sim.Run: time", core.sec, "s", nil)
	r.add(sec, "container/heap reference: events", refEv, "/s", nil)
	r.add(sec, "container/heap reference: time", ref.sec, "s", nil)
	r.add(sec, "core / reference (events/s)", coreEv/refEv, "×", atLeast(2))
	// The reference allocates per event; its collector runs on an idle second core
	// without lengthening the wall time. Per CPU-second the comparison is core to core.
	r.add(sec, "sim.Run: CPU time (all threads)", core.cpu, "s", nil)
	r.add(sec, "reference: CPU time (all threads)", ref.cpu, "s", nil)
	r.add(sec, "core / reference (events per CPU-second)", (coreEv*core.sec/core.cpu)/(refEv*ref.sec/ref.cpu), "×", nil)
	// Issue 14: the core, billing every message, against the bare loop that bills
	// nothing, in customers per CPU-second.
	perCPU := func(b best) float64 { return float64(b.res.Counts["conversations"]) / b.cpu }
	r.add(sec, "plain loop: customers per CPU-s", perCPU(plain), "/s", nil)
	r.add(sec, "core / plain loop (customers per CPU-s)", perCPU(core)/perCPU(plain), "×", atLeast(0.7))
	r.add(sec, "late-reply share, sim.Run", 100*core.res.Floats["late_share"], "%", nil)
	r.add(sec, "late-reply share, reference (same model)", 100*ref.res.Floats["late_share"], "%", nil)
	r.add(sec, "late-reply share, plain loop (same model)", 100*plain.res.Floats["late_share"], "%", nil)
	r.add(sec, "peak RSS sim.Run", mb(core.rss), "MB", nil)
	r.add(sec, "peak RSS reference", mb(ref.rss), "MB", nil)
	return nil
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
	lastUser      model.Time // plainRun: last user message; the window is open for 24 h after it
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

// result is a loop's counts as a child reports them, timed sec (CPU seconds cpu).
func (n refCounts) result(sec, cpu float64) childResult {
	return childResult{
		Seconds: sec, CPU: cpu,
		Counts: map[string]int64{"conversations": n.conversations, "events": n.events, "replies": n.replies, "late": n.late},
		Floats: map[string]float64{"late_share": float64(n.late) / float64(n.replies)},
	}
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
	return n.result(sec, cpu), nil
}

// plainRun is the plain container/heap loop the event core is held to: the same
// queue as referenceRun (heap-allocated events through container/heap, customers in a
// map of pointers, a slice of waiting conversations) doing only what the model needs to
// decide when each reply goes out and whether it is late: it bills nothing and records
// nothing, keeping each customer's last message time to judge the 24-hour window.
func plainRun(seed uint64, start, end model.Time, customers int) refCounts {
	var (
		rng     = rand.New(rand.NewPCG(seed, 0x5eed))
		h       = &refHeap{}
		seq     uint64
		who     = map[int32]*refCustomer{}
		waiting []*refConv
		busy    int
		n       refCounts
	)
	push := func(t model.Time, kind int, c *refConv) {
		seq++
		heap.Push(h, &refEvent{t: t, seq: seq, kind: kind, conv: c})
	}
	expHours := func(rate float64) model.Time {
		return model.FromSeconds(rng.ExpFloat64() / rate * 3600)
	}
	dispatch := func(t model.Time) {
		for busy < coreAgents && len(waiting) > 0 {
			c := waiting[0]
			waiting = waiting[1:]
			busy++
			push(t+expHours(coreMu), refReply, c)
		}
	}
	push(start+expHours(coreLambda), refArrival, nil)
	for h.Len() > 0 {
		e := heap.Pop(h).(*refEvent)
		if e.t >= end {
			break
		}
		n.events++
		switch e.kind {
		case refArrival:
			n.conversations++
			id := int32(rng.IntN(customers))
			cu := who[id]
			if cu == nil {
				cu = &refCustomer{}
				who[id] = cu
			}
			cu.lastUser = e.t
			cu.conversations++
			waiting = append(waiting, &refConv{customer: id, start: e.t})
			dispatch(e.t)
			push(e.t+expHours(coreLambda), refArrival, nil)
		case refReply:
			n.replies++
			if e.t >= who[e.conv.customer].lastUser+24*model.Hour {
				n.late++
			}
			busy--
			dispatch(e.t)
		}
	}
	return n
}

func measurePlain(j job, prof *profiler) (childResult, error) {
	hours := coreHours(j.Size)
	if err := prof.start(); err != nil {
		return childResult{}, err
	}
	sw := startWatch()
	n := plainRun(j.Seed, coreStart, coreStart+model.Time(hours)*model.Hour, coreCustomers)
	sec, cpu := sw.stop()
	if err := prof.stop(); err != nil {
		return childResult{}, err
	}
	return n.result(sec, cpu), nil
}
