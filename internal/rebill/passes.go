package rebill

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/spendsim/spendsim/internal/safefile"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios/trace"
)

// A replay in passes holds a part of the users at a time, for a trace with more users
// than fit in memory: pass K of N is shard K of N (shard.go), written to a temporary
// folder, and the N parts are merged as spendsim merge would (shardmerge.go), into the
// very bytes of a one-pass replay. Each pass reads the whole trace again, so N passes
// cost N reads of it, and the trace must not change meanwhile: the passes must have
// read the same records, and the files their size and time. The parts take 1.4 to 2
// times the disk of messages.parquet (32 bytes a business message, partcodec.go).

// MaxPasses is the most passes a replay takes: each part stays open while they are
// merged, and beyond a few hundred passes a pass holds too few users to pay for its
// reading of the trace.
const MaxPasses = 256

// replayInPasses is Replay for o.Passes > 1.
func replayInPasses(ctx context.Context, o Options) (*reports.ReplaySummary, error) {
	n := o.Passes
	if n > MaxPasses {
		return nil, fmt.Errorf("%d passes: at most %d (beyond that, shard the replay across machines: replay --shard K/N, then merge)", n, MaxPasses)
	}
	files, err := trace.Files(o.Traces)
	if err != nil {
		return nil, err
	}
	stats := make([]os.FileInfo, len(files))
	for i, f := range files {
		st, err := os.Stat(f)
		if f == "-" || err == nil && !st.Mode().IsRegular() {
			return nil, fmt.Errorf("%s: a replay in %d passes reads the trace %d times: give it a file, not standard input or a pipe", f, n, n)
		}
		stats[i] = st
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
	tmp, remove, err := safefile.TempDir(o.Read.TempDir, "spendsim-passes-*")
	if err != nil {
		return nil, fmt.Errorf("the passes' parts go to the temporary folder (TMPDIR): %w; set TMPDIR to a folder with room for about twice messages.parquet", err)
	}
	defer remove()
	po := o
	po.Out = tmp
	ms := make([]ReplayShardManifest, n)
	for k := range n {
		m, err := replayShard(ctx, po, ShardOptions{Shard: k, Shards: n, unhashed: true}, inputs)
		if err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				err = fmt.Errorf("%w: the passes' parts fill %s; set TMPDIR to a folder with room for about twice messages.parquet", err, tmp)
			}
			return nil, err
		}
		ms[k] = *m
		if why := sameReplay("pass", &ms[0], m); why != "" {
			return nil, fmt.Errorf("passes 1 and %d of %s read different traces (%s): the trace changed while it was replayed", k+1, traceName(o.Traces), why)
		}
		if o.OnPass != nil {
			o.OnPass(k+1, n)
		}
	}
	for i, f := range files {
		if st, err := os.Stat(f); err != nil || st.Size() != stats[i].Size() || !st.ModTime().Equal(stats[i].ModTime()) {
			return nil, fmt.Errorf("%s changed while it was replayed in passes: replay it once it is complete", f)
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
