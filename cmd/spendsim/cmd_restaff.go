package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/progress"
	"github.com/spendsim/spendsim/internal/rebill"
	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
)

// restaffAction is `replay --restaff SCENARIO`.
func restaffAction(c *cli.Context, e *env, o rebill.Options, base string, rp *progress.Records) error {
	if err := rebill.RestaffTraces(o.Traces); err != nil {
		return usageError{err}
	}
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
	rp.Stop()
	if err != nil {
		return err
	}
	reports.WriteReplayTable(e.stdout, s)
	reports.WriteReadNotes(e.stderr, s.Counts())
	fmt.Fprintln(e.stdout)
	if err := reports.WriteRestaffTable(e.stdout, rs); err != nil {
		return err
	}
	if !c.Bool("quiet") {
		passes := "two passes over the trace"
		if rs.LikeForLike() {
			passes = "three passes over the trace: the original as traced, like for like, restaffed"
		}
		fmt.Fprintf(e.stderr, "%s in %.1fs (%s); results in %s\n", words.Count(s.Records, "record"), time.Since(started).Seconds(), passes, o.Out)
	}
	return nil
}
