package main

import (
	"fmt"
	"runtime"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/limits"
	"github.com/spendsim/spendsim/scenarios"
)

// memoryFlag is --max-memory, for the commands that run scenarios.
func memoryFlag() cli.Flag {
	return &cli.StringFlag{Name: "max-memory", Usage: "refuse a scenario whose estimated memory passes `SIZE`, with its unit (8GiB, 512MiB; default: half of this machine's)", Action: notePastMachine("runs")}
}

// notePastMachine is a --max-memory flag's action: a size past this machine's memory is
// taken, with a note that it does not keep what (a replay, runs) within the machine. A
// size that does not parse is left to the command, which refuses it.
func notePastMachine(what string) func(*cli.Context, string) error {
	return func(c *cli.Context, v string) error {
		if limit, err := limits.ParseBytes(v); err == nil {
			if n := limits.PastMachine(limit, what); n != "" {
				fmt.Fprintln(c.App.ErrWriter, n)
			}
		}
		return nil
	}
}

// checkMemory refuses sc (read from ref) when its estimate with workers runs at a time
// (0: all cores) passes --max-memory, and makes a limit it fits the GC's soft limit.
func checkMemory(c *cli.Context, sc *scenarios.Scenario, ref string, workers int) error {
	limit, what, err := limits.MaxMemory(c.String("max-memory"))
	if err != nil {
		return usagef("--max-memory: %v", err)
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workersFlag := slices.ContainsFunc(c.Command.Flags, func(f cli.Flag) bool { return f.Names()[0] == "workers" })
	if err := sc.CheckMemory(ref, limit, what, workers, workersFlag); err != nil {
		return err
	}
	limits.SetSoftLimit(limit)
	return nil
}
