package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/rebill"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
)

// restaffHelp is appended to replay's description.
const restaffHelp = `
--restaff SCENARIO re-simulates the trace's replies under the scenario's agents (shifts in
its timezone, concurrency, handle time or response time, late-reply policy, bot, patience; its
seed draws the random parts): user messages and templates stay as they are, the trace's
replies (free-form business messages, late-reply templates) are replaced by one reply
per conversation when that team would have sent it, late ones as templates.
The restaffed trace is billed like any trace (messages.parquet, bill.parquet and
summary.json describe it); restaff.json and restaff.html set it beside the original:
spend by category, the restaffed team's staffing cost over the trace's days (the
original's is not in the trace), replies in and out of the window, first-response
percentiles. A scenario with a sweep answers with one point's agents: --point ID.

   spendsim replay --trace 2025-09.csv --restaff night-shift.yaml --pricing pmp-2025
   spendsim replay --trace 2025-09.csv --restaff retail-month --point "weekday=4,sunday=2"`

// restaffAction is `replay --restaff SCENARIO`.
func restaffAction(c *cli.Context, e *env, o rebill.Options, base string) error {
	ref := c.String("restaff")
	sc, _, err := scenarios.Load(ref)
	if err != nil {
		return err
	}
	seed, fresh := scenarios.PickSeed(0, false, sc.Seed)
	if fresh {
		fmt.Fprintf(e.stderr, "seed %d (add seed: %d to %s to reproduce)\n", seed, seed, ref)
	}
	if o.Out = c.String("out"); o.Out == "" {
		o.Out = reports.DefaultDir(base + "-restaff-" + sc.Name)
	}
	started := time.Now()
	s, rs, err := rebill.Restaff(c.Context, o, sc, c.String("point"), seed)
	if err != nil {
		return err
	}
	reports.WriteReplayTable(e.stdout, s)
	reports.WriteReadNotes(e.stderr, replayCounts(s))
	fmt.Fprintln(e.stdout)
	if err := reports.WriteRestaffTable(e.stdout, rs); err != nil {
		return err
	}
	if !c.Bool("quiet") {
		fmt.Fprintf(e.stderr, "%d records in %.1fs (two passes over the trace); results in %s\n", s.Records, time.Since(started).Seconds(), o.Out)
	}
	return nil
}
