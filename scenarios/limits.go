package scenarios

import (
	"fmt"
	"math"

	"github.com/spendsim/spendsim/internal/limits"
	"github.com/spendsim/spendsim/internal/words"
)

// What a run holds in memory, measured with `spendsim run` under /usr/bin/time on
// linux/amd64 (Go 1.26) and rounded up, as resident set size, so that garbage not yet
// collected is counted too. Memory per customer is allocated for the whole customer
// base (dense slices indexed by customer: window state 64 bytes, country, with templates
// the fatigue, block and reach state, about 110 bytes), and per conversation for every
// conversation that may wait in the agents' queue at once (about 170 bytes measured with
// 4 million waiting): the estimate assumes all of a run's conversations may wait, as
// they do when nobody is on shift. Results: a run's row, summary and checkpoint figures
// about 8 KiB, and 1.5 KiB per day of its daily rows; a sweep point's scenario,
// configuration and plot entries 16 KiB. The process itself (tables, cards, fonts)
// about 80 MiB.
const (
	processBytes        = 96 << 20
	customerBytes       = 128
	conversationBytes   = 256
	broadcastBytes      = 32 // a template of a broadcast sent all at once waits in the queue
	runBytes            = 8 << 10
	runDayBytes         = 1536
	pointBytes          = 16 << 10
	maxPoints           = 1_000_000
	eventsPerMessage    = 2 // the message, and the reply or follow-up it schedules
	eventsPerTemplate   = 2
	eventsPerHourPerRun = 2 // staffing steps, hourly quality and limit ticks
)

// PointCount is the number of sweep points, computed without expanding them and
// without overflow: a grid's product saturates at math.MaxInt64.
func (s *Scenario) PointCount() int64 {
	if s.SweepMode == SweepLHS {
		return int64(s.Samples)
	}
	n := int64(1)
	for _, d := range s.Sweep {
		k := int64(len(d.Values))
		if k == 0 {
			return 0
		}
		if n > math.MaxInt64/k {
			return math.MaxInt64
		}
		n *= k
	}
	return n
}

// Estimate is what a scenario asks of the machine, worked out before it runs.
type Estimate struct {
	Points, Replications int64
	Runs                 float64 // points × replications
	Concurrent           int64   // runs in memory at once
	Days                 int     // horizon
	Customers            float64 // per run: the largest base a forecast's growth reaches
	Conversations        float64 // per run, started by customers or by replies to templates
	Templates            float64 // per run, sent by notifications and campaigns
	Events               float64 // of all runs
	Bytes                float64 // peak memory, an upper bound within about 2× (see the constants)
}

// Estimate works out the events and the memory of running every job of s, workers at a
// time. It reads only s, which should be valid.
func (s *Scenario) Estimate(workers int) Estimate {
	e := Estimate{Points: s.PointCount(), Replications: int64(max(1, s.Replications)), Days: s.Days}
	e.Runs = float64(e.Points) * float64(e.Replications)
	e.Concurrent = int64(min(float64(max(1, workers)), e.Runs))
	months := float64(s.Days) / 30
	growth := 1.0
	if f := s.Forecast; f != nil {
		e.Days = 31 * f.Months
		months = float64(e.Days) / 30
		if f.GrowthPerMonth > 0 {
			growth = math.Pow(1+f.GrowthPerMonth, float64(f.Months-1))
		}
	}
	// The largest value any sweep dimension gives a field is what a run may meet, so the
	// fields that size a run are taken at their sweep's largest.
	sc := s.largest()
	e.Customers = float64(sc.Customers.Count) * growth
	e.Conversations = e.Customers * sc.Load.PerCustomerMonth * months
	var broadcast float64
	for _, n := range sc.Load.Notifications {
		t := e.Customers * n.PerCustomerMonth * months
		e.Templates += t
		e.Conversations += t * n.Reply.Probability
	}
	for _, c := range sc.Load.Campaigns {
		sends := math.Ceil(float64(e.Days) * float64(len(c.Days)) / 7)
		each := e.Customers * c.Audience
		broadcast = max(broadcast, each)
		e.Templates += sends * each
		e.Conversations += sends * each * c.Reply.Probability
	}
	perRun := e.Conversations*(eventsPerMessage*(2*sc.Load.MessagesMean+1)) + e.Templates*eventsPerTemplate +
		float64(e.Days)*24*eventsPerHourPerRun
	e.Events = perRun * e.Runs
	run := e.Customers*customerBytes + e.Conversations*conversationBytes + broadcast*broadcastBytes
	e.Bytes = processBytes + float64(e.Concurrent)*run +
		e.Runs*(runBytes+float64(e.Days)*runDayBytes) + float64(e.Points)*pointBytes
	return e
}

// largest is s with every swept field at the largest value its sweep gives it, for the
// estimate; s itself without a sweep or where a value cannot be set.
func (s *Scenario) largest() *Scenario {
	c := s.clone()
	for _, d := range s.Sweep {
		hi := math.Inf(-1)
		for _, v := range d.Values {
			if v.Text == "" { // a name (late_reply: drop) changes no size
				hi = max(hi, v.Num)
			}
		}
		if d.Max != nil {
			hi = *d.Max
		}
		if !math.IsInf(hi, -1) {
			c.Set(d.Path, hi) // a field that cannot take it keeps the scenario's value
		}
	}
	return c
}

// String says what the estimate is for people: "about 1.2e+06 events, at most 210.3 MiB
// of memory".
func (e Estimate) String() string {
	return fmt.Sprintf("about %.2g events, at most %s of memory", e.Events, limits.FormatBytes(e.Bytes))
}

// CheckMemory refuses a scenario whose estimate, with workers runs at a time, passes
// limit bytes (what names the limit for the message: "--max-memory 8.0 GiB"). The
// error is an *Error, a problem of the scenario for name (its file); its advice names
// --workers as the caller's to lower where workersFlag says the command has it, and
// as the commands that run scenarios' where not (validate).
func (s *Scenario) CheckMemory(name string, limit uint64, what string, workers int, workersFlag bool) error {
	e := s.Estimate(workers)
	if e.Bytes <= float64(limit) {
		return nil
	}
	advice := "run fewer points, replications, workers or customers, or raise --max-memory"
	if !workersFlag {
		advice = "run fewer points, replications or customers, or raise --max-memory; or give the command that runs it fewer --workers (run, compare, forecast, optimize)"
	}
	return &Error{File: name, Problems: []string{fmt.Sprintf(
		"%s: needs up to %s of memory, more than %s: %s sweep point%s × %s, %s at a time, "+
			"each of %.3g customers and %.3g conversations (all of which may wait in the queue at once; %.2g events in all); %s",
		name, limits.FormatBytes(e.Bytes), what, countText(e.Points), words.S(e.Points), words.Count(e.Replications, "replication"), words.Count(e.Concurrent, "run"), e.Customers, e.Conversations, e.Events, advice)}}
}

func countText(n int64) string {
	if n == math.MaxInt64 {
		return "more than 9.2e18"
	}
	return fmt.Sprint(n)
}
