package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/limits"
	"github.com/spendsim/spendsim/scenarios"
)

// memoryFlag is --max-memory, for the commands that run scenarios.
func memoryFlag() cli.Flag {
	return &cli.StringFlag{Name: "max-memory", Usage: "refuse a scenario whose estimated memory passes `SIZE` (8GiB, 512MiB; default: half of this machine's)"}
}

// checkMemory refuses sc (read from ref) when its estimate with workers runs at a time
// (0: all cores) passes --max-memory. A scenario that fits makes the limit the garbage
// collector's soft limit too (unless GOMEMLIMIT sets one), so that garbage not yet
// collected, which a busy machine lets pile up, does not take the process past it.
func checkMemory(c *cli.Context, sc *scenarios.Scenario, ref string, workers int) error {
	limit, what := limits.DefaultMaxMemory()
	if s := c.String("max-memory"); s != "" {
		var err error
		if limit, err = limits.ParseBytes(s); err != nil {
			return usagef("--max-memory: %v", err)
		}
		what = "--max-memory " + limits.FormatBytes(float64(limit))
	} else {
		what = "--max-memory (" + what + ")"
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if err := sc.CheckMemory(ref, limit, what, workers); err != nil {
		return err
	}
	if os.Getenv("GOMEMLIMIT") == "" && limit < math.MaxInt64 {
		debug.SetMemoryLimit(int64(limit))
	}
	return nil
}
