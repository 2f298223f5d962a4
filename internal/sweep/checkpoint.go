package sweep

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	"github.com/spendsim/spendsim/internal/safefile"
	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/sim"
)

// PartialDir is the folder, inside an output directory, that holds the runs of a sweep
// finished so far, so that `spendsim run --resume` can skip them after a crash. It is
// removed when the sweep's outputs are complete.
const PartialDir = ".partial"

// Checkpoint keeps each finished run of a sweep in a file of its own, written under a
// temporary name and renamed, so a kill at any moment leaves every file whole or absent.
// Files are gob (exact floats, NaN included; they are never meant for other tools) and
// carry Key, a fingerprint of the scenario and seed, so results of another sweep are
// never mistaken for this one's.
type Checkpoint struct {
	Dir string
	Key string
}

// identityFile is where a checkpoint records the sweep it keeps runs of (Identity), for
// --resume to name what differs when it is given another.
const identityFile = "identity.json"

// checkpointFile is one finished run.
type checkpointFile struct {
	Key  string
	Run  sim.RunResult
	Days []sim.DayRow
}

// OpenCheckpoint opens the checkpoint name ("all", or a shard's "shard-K-of-N") in
// out/.partial, creating it if needed. Unless keep is set it first removes what an
// earlier sweep left there: a run without --resume starts afresh; with keep, only the
// temporaries of runs being saved when an earlier sweep was killed go. A symbolic link
// on the way (.partial, or the checkpoint itself) is refused, never followed. id, if
// not nil, is recorded as the sweep's; resuming (keep) runs an earlier sweep kept of
// another id is refused, naming what differs: the flag, the seed, the scenario's fields.
func OpenCheckpoint(out, name, key string, keep bool, id *Identity) (*Checkpoint, error) {
	rel := filepath.Join(PartialDir, name)
	dir, err := safefile.Inside(out, rel)
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	if !keep {
		// dir itself may be a link: RemoveAll removes the link, not what it points to.
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("sweep: %w", err)
		}
	}
	if dir, err = safefile.MkdirInside(out, rel); err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	if err := safefile.RemoveTempsIn(dir); err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	c := &Checkpoint{Dir: dir, Key: key}
	if id == nil {
		return c, nil
	}
	if err := c.sameSweep(id); err != nil {
		return nil, err
	}
	data, err := json.Marshal(id)
	if err != nil {
		return nil, err
	}
	return c, safefile.WriteFile(filepath.Join(dir, identityFile), data)
}

// sameSweep refuses to go on from runs of a sweep other than id, naming what differs.
func (c *Checkpoint) sameSweep(id *Identity) error {
	runs := c.runs()
	data, err := os.ReadFile(filepath.Join(c.Dir, identityFile))
	if err != nil || runs == 0 { // none recorded (an earlier spendsim: Load tells by Key), or nothing kept
		return nil
	}
	var kept Identity
	if json.Unmarshal(data, &kept) != nil {
		return nil
	}
	if d := identityDiff(&kept, id, "in the kept runs", "in this run"); d != "" {
		return FlagsErrorf("--resume: the %s kept in %s are of another sweep: %s; run with what they ran to go on from them, or without --resume to start afresh",
			words.Count(runs, "run"), c.Dir, d)
	}
	return nil
}

// runs counts the runs saved in c.
func (c *Checkpoint) runs() int { return KeptRuns(c.Dir) }

// KeptRuns counts the finished runs a checkpoint folder dir holds (its other files,
// identity.json and temporaries, are none).
func KeptRuns(dir string) int {
	saved, _ := filepath.Glob(filepath.Join(dir, "*.gob"))
	return len(saved)
}

// CheckpointDir is where a sweep into out keeps the runs it finished: out/.partial/all,
// or shard K of N's out/.partial/shard-K-of-N (N = 0: not sharded).
func CheckpointDir(out string, shard, shards int) string {
	return filepath.Join(out, PartialDir, checkpointName(shard, shards))
}

func checkpointName(shard, shards int) string {
	if shards == 0 {
		return "all"
	}
	return fmt.Sprintf("shard-%d-of-%d", shard, shards)
}

func (c *Checkpoint) path(runID string) string {
	// Run ids hold "/" and "="; escaping keeps them one readable file name each.
	return filepath.Join(c.Dir, url.PathEscape(runID)+".gob")
}

// Save records a finished run. Safe to call from several goroutines for different runs.
func (c *Checkpoint) Save(r sim.RunResult, days []sim.DayRow) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(checkpointFile{Key: c.Key, Run: r, Days: days}); err != nil {
		return fmt.Errorf("sweep: checkpoint of run %s: %w", r.RunID, err)
	}
	return safefile.WriteFile(c.path(r.RunID), buf.Bytes())
}

// Load returns the saved results of a run, if there are any. A file of another sweep
// (a different scenario or seed) under the same run id is an error, not a miss: the
// user asked to resume something that is not there.
func (c *Checkpoint) Load(runID string, seed uint64) (sim.RunResult, []sim.DayRow, bool, error) {
	p := c.path(runID)
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return sim.RunResult{}, nil, false, nil
	}
	if err != nil {
		return sim.RunResult{}, nil, false, fmt.Errorf("sweep: %w", err)
	}
	var f checkpointFile
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&f); err != nil {
		return sim.RunResult{}, nil, false, fmt.Errorf("sweep: %s: unreadable (%v); delete it to run that run again", p, err)
	}
	if f.Key != c.Key || f.Run.RunID != runID || f.Run.Seed != seed {
		return sim.RunResult{}, nil, false, fmt.Errorf("sweep: %s holds a run of another scenario or seed, or of a spendsim whose results had other fields; "+
			"delete %s or run without --resume to start afresh", p, c.Dir)
	}
	return f.Run, f.Days, true, nil
}

// Remove deletes the checkpoint folder once its results are in the final files, and
// the parent .partial folder too if nothing else is left in it (shards of one sweep
// share it).
func (c *Checkpoint) Remove() error {
	if err := os.RemoveAll(c.Dir); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	c.removeParent()
	return nil
}

// Leave is what a sweep that failed does with its checkpoint: kept if it holds runs to
// resume from, removed (as Remove does) if it holds none. It returns err, saying where
// the kept runs of this sweep (of which it knows kept) are.
func (c *Checkpoint) Leave(err error, kept int, resume string) error {
	if c.runs() == 0 {
		os.Remove(filepath.Join(c.Dir, identityFile))
	}
	var in *Interrupted
	if os.Remove(c.Dir) == nil { // fails, as it should, on a folder that holds runs
		c.removeParent()
		if errors.As(err, &in) {
			in.Kept = 0 // whatever it counted, none is there to resume from
		}
		return err
	}
	if kept == 0 || errors.As(err, &in) { // none of this sweep's, or it says so already
		return err
	}
	return fmt.Errorf("%w (the %s finished %s kept in %s: once that is fixed, run again with %s to go on)", err, words.Count(kept, "run"), words.Are(kept), c.Dir, resume)
}

func (c *Checkpoint) removeParent() {
	if parent := filepath.Dir(c.Dir); filepath.Base(parent) == PartialDir {
		os.Remove(parent) // fails, as it should, while another shard still has runs there
	}
}
