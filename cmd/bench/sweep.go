package main

import (
	"context"
	"fmt"

	"github.com/spendsim/spendsim/sim"
)

// The sweep is the embedded mmc scenario's queue (100,000 customers, arrivals 8 per
// hour, a one-hour mean handle time) at four staffing levels × 16 replications: 64
// independent runs of equal size, as `spendsim run` hands them to sim.RunAll.
const (
	sweepCustomers = 100_000
	sweepLambda    = 8.0
	sweepMu        = 1.0
	sweepReps      = 16
)

var sweepAgents = []int{9, 10, 11, 12}

func sweepJobs(seed uint64, hours int) ([]sim.Job, error) {
	jobs := make([]sim.Job, 0, len(sweepAgents)*sweepReps)
	for p, c := range sweepAgents {
		cfg, err := mmcConfig(sweepCustomers, c, sweepLambda, sweepMu, hours)
		if err != nil {
			return nil, err
		}
		label := fmt.Sprintf("agents=%d", c)
		for r := range sweepReps {
			jobs = append(jobs, sim.Job{
				ID: fmt.Sprintf("%s/r%d", label, r), PointLabel: label, Point: p, Replication: r,
				Seed:   sim.DeriveSeed(seed, uint64(r)),
				Params: []sim.Param{{Path: "agents.shifts[0].headcount", Name: "agents", Value: float64(c)}},
				Config: cfg,
			})
		}
	}
	return jobs, nil
}

func measureSweep(j job, prof *profiler) (childResult, error) {
	jobs, err := sweepJobs(j.Seed, j.RunHours)
	if err != nil {
		return childResult{}, err
	}
	if err := prof.start(); err != nil {
		return childResult{}, err
	}
	sw := startWatch()
	results, _, err := sim.RunAll(context.Background(), jobs, j.Workers, nil)
	sec, cpu := sw.stop()
	if err := prof.stop(); err != nil {
		return childResult{}, err
	}
	if err != nil {
		return childResult{}, err
	}
	var conv int64
	for _, r := range results {
		conv += r.Conversations
	}
	return childResult{Seconds: sec, CPU: cpu, Counts: map[string]int64{"runs": int64(len(results)), "conversations": conv}}, nil
}
