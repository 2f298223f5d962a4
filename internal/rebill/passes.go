package rebill

import (
	"context"
	"fmt"
	"os"

	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios/trace"
)

// A replay in passes holds a part of the users at a time, for a trace with more users
// than fit in memory: pass K of N is shard K of N (shard.go), written to a temporary
// folder, and the N parts are merged as spendsim merge would (shardmerge.go), into the
// very bytes of a one-pass replay. Each pass reads the whole trace again, so N passes
// cost N reads of it; the parts take about 1.4 times the disk of messages.parquet
// (32 bytes a business message, partcodec.go).

// replayInPasses is Replay for o.Passes > 1.
func replayInPasses(ctx context.Context, o Options) (*reports.ReplaySummary, error) {
	n := o.Passes
	files, err := trace.Files(o.Traces)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if st, err := os.Stat(f); f == "-" || err == nil && !st.Mode().IsRegular() {
			return nil, fmt.Errorf("%s: a replay in %d passes reads the trace %d times: give it a file, not standard input or a pipe", f, n, n)
		}
	}
	op, err := reports.NewOutput(o.Out, o.Version)
	if err != nil {
		return nil, err
	}
	defer op.Close()
	inputs, err := replayInputs(o)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(o.Read.TempDir, "spendsim-passes-*")
	if err != nil {
		return nil, fmt.Errorf("rebill: the passes' parts: %w", err)
	}
	defer os.RemoveAll(tmp)
	po := o
	po.Out = tmp
	ms := make([]ReplayShardManifest, n)
	for k := range n {
		m, err := replayShard(ctx, po, ShardOptions{Shard: k, Shards: n}, inputs)
		if err != nil {
			return nil, err
		}
		ms[k] = *m
		if o.OnPass != nil {
			o.OnPass(k+1, n)
		}
	}
	s, rows, err := mergeInto(ctx, op, o, tmp, ms)
	if err != nil {
		return nil, err
	}
	if err := writeReplayFiles(op, o, s, rows); err != nil {
		return nil, err
	}
	m, err := manifestOf(o, nil, inputs)
	if err != nil {
		return nil, err
	}
	return s, op.Commit(m)
}
