package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spendsim/spendsim/internal/shellquote"
	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
	"github.com/spendsim/spendsim/sim"
)

// Merge checks the parts that the shards of a sweep wrote into dir (WriteShard) and
// writes from them, into dir, what an unsharded Run would have written, byte for byte:
// all N shards must have finished, of the same scenario and seed, and every run of the
// sweep must be there exactly once, in the shard its number says. The full job list
// comes from the scenario itself, not from the shards, so a run that no shard wrote is
// found missing rather than silently left out. The parts are kept. manifest.json
// records the shards' command line (their args, alike but for the flags a manifest
// leaves out) with slaArgs after it, merge's --sla as given (none: the default), as
// the unsharded run's with that --sla records it.
func Merge(dir string, sla stats.SLA, slaArgs []string, version string) (*Result, error) {
	// Locked first: a shard still writing its part holds the folder, and merge fails
	// at once rather than read half of it.
	op, err := reports.NewOutput(dir, version)
	if err != nil {
		return nil, err
	}
	defer op.Close()
	ms, err := ReadShardManifests(dir)
	if err != nil {
		return nil, err
	}
	first := ms[0]
	if first.Version != version {
		return nil, fmt.Errorf("%s: the shards were written by spendsim %s, this is %s: merge with the version that ran them", dir, first.Version, version)
	}
	var sc scenarios.Scenario
	if err := json.Unmarshal(first.Scenario, &sc); err != nil {
		return nil, fmt.Errorf("%s: scenario: %w", filepath.Join(dir, ShardManifestPath(0, first.Shards)), err)
	}
	if errs := sc.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("%s: the shards' scenario is not valid (written by another version?): %s", dir, strings.Join(errs, "; "))
	}
	// The full job list comes from the scenario itself, not from the shards, so a run
	// that no shard wrote is found missing rather than silently left out.
	jobs, err := sc.Jobs(first.Seed, nil)
	if err != nil {
		return nil, err
	}
	if len(jobs) != first.Jobs {
		return nil, fmt.Errorf("%s: the scenario expands to %s, the shards were split from %d", dir, words.Count(len(jobs), "run"), first.Jobs)
	}
	index := make(map[string]int, len(jobs))
	for i, j := range jobs {
		index[j.ID] = i
	}
	var paths []string
	for _, p := range jobs[0].Params {
		paths = append(paths, p.Path)
	}
	runs := make([]sim.RunResult, len(jobs))
	have := make([]bool, len(jobs))
	var days []sim.DayRow
	for _, m := range ms {
		rs, ds, err := m.ReadParts(dir, paths)
		if unreadable := (*unreadablePart)(nil); errors.As(err, &unreadable) {
			return nil, fmt.Errorf("%w; if another build of spendsim %s wrote shard %d of %d, run it again with this one: %s",
				err, m.Version, m.Shard, m.Shards, splitFiles(dir, ms).Rerun(m.Shard, m.Shards))
		} else if damaged := (*damagedPart)(nil); errors.As(err, &damaged) {
			return nil, fmt.Errorf("%w; rerun shard %d of %d, then merge again: %s", err, m.Shard, m.Shards, splitFiles(dir, ms).Rerun(m.Shard, m.Shards))
		} else if err != nil {
			return nil, err
		}
		for _, r := range rs {
			i, ok := index[r.RunID]
			switch {
			case !ok:
				return nil, fmt.Errorf("shard %d of %d holds run %q, which is not a run of scenario %s", m.Shard, m.Shards, r.RunID, sc.Name)
			case have[i]:
				return nil, fmt.Errorf("run %s appears twice (again in shard %d of %d)", r.RunID, m.Shard, m.Shards)
			case i%m.Shards != m.Shard:
				return nil, fmt.Errorf("shard %d of %d holds run %s, job %d, which belongs to shard %d", m.Shard, m.Shards, r.RunID, i, i%m.Shards)
			case r.Seed != jobs[i].Seed || r.Point != jobs[i].Point || r.Replication != jobs[i].Replication:
				return nil, fmt.Errorf("shard %d of %d: run %s has seed %d, point %d, replication %d; the scenario gives %d, %d, %d",
					m.Shard, m.Shards, r.RunID, r.Seed, r.Point, r.Replication, jobs[i].Seed, jobs[i].Point, jobs[i].Replication)
			}
			for k, p := range jobs[i].Params {
				if q := r.Params[k]; q.Text != p.Text || q.Text == "" && q.Value != p.Value {
					return nil, fmt.Errorf("shard %d of %d: run %s has %s = %s; the scenario gives %s", m.Shard, m.Shards, r.RunID, p.Path, q, p)
				}
			}
			// The parts hold param values, not the sweep's short names; those come
			// from the scenario, as they do in an unsharded run.
			r.Params = jobs[i].Params
			runs[i], have[i] = r, true
		}
		days = append(days, ds...)
	}
	var missing []string
	for i, ok := range have {
		if !ok {
			missing = append(missing, jobs[i].ID)
		}
	}
	if len(missing) > 0 {
		more := ""
		if len(missing) > 5 {
			more = fmt.Sprintf(" and %d more", len(missing)-5)
			missing = missing[:5]
		}
		return nil, fmt.Errorf("%s: %d of %s are in no shard: %s%s", dir, len(jobs)-countTrue(have), words.Count(len(jobs), "run"), strings.Join(missing, ", "), more)
	}
	sc.Seed = first.Seed
	// Every shard priced the same horizon; their drains end on different days, and the
	// one that ends last has every card the others have.
	pr := first.Priced
	for _, m := range ms {
		if lastCardDay(m.Priced) > lastCardDay(pr) {
			pr = m.Priced
		}
	}
	summary, err := writeOutputs(op, &sc, jobs, runs, days, slices.Concat(first.Args, slaArgs), sla, pr)
	if err != nil {
		return nil, err
	}
	res := &Result{Summary: summary, Runs: len(runs), Jobs: len(jobs),
		RunInfo: reports.RunInfo{Seed: first.Seed, Start: sc.Start, Days: sc.Days, Timezone: sc.Timezone}}
	if stray := strayParts(dir, ms); len(stray) > 0 {
		them := "it"
		if len(stray) > 1 {
			them = "them"
		}
		res.Note = fmt.Sprintf("%s beside the parts %s no part of the %d shards merged (a killed shard's, or an earlier split's): a query over %s would read %s too; read %s instead, or remove %s: rm %s",
			words.Count(len(stray), "Parquet file"), words.Are(len(stray)), first.Shards, filepath.Join(dir, "runs", "*", "*.parquet"), them,
			filepath.Join(dir, "runs", "*", fmt.Sprintf("part-*-of-%d.parquet", first.Shards)), them, shellquote.Join(stray))
	}
	return res, nil
}

// strayParts are the Parquet files under dir's runs/ and daily/ folders that are no
// part of the shards ms merged (a part of a shard that was killed, or of an earlier
// split): a glob over runs/*/*.parquet would read them with the others. Paths are
// dir's, joined.
func strayParts(dir string, ms []ShardManifest) []string {
	mine := map[string]bool{}
	for _, m := range ms {
		mine[filepath.FromSlash(m.RunsPart)], mine[filepath.FromSlash(m.DailyPart)] = true, true
	}
	var stray []string
	for _, table := range []string{"runs", "daily"} {
		found, _ := filepath.Glob(filepath.Join(dir, table, "*", "*.parquet"))
		for _, p := range found {
			if rel, err := filepath.Rel(dir, p); err == nil && !mine[rel] {
				stray = append(stray, p)
			}
		}
	}
	return stray
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// lastCardDay is the last day (YYYY-MM-DD) p's cards price, "" without cards.
func lastCardDay(p stats.Priced) string {
	if len(p.Cards) == 0 {
		return ""
	}
	return p.Cards[len(p.Cards)-1].LastDay
}
