package sweep

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"reflect"
	"strings"
	"sync"

	"github.com/spendsim/spendsim/internal/safefile"
	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
	"github.com/spendsim/spendsim/sim"
)

// Options are what a sweep is asked to do besides the scenario.
type Options struct {
	Out     string           // output folder; Run keeps its checkpoint in Out/.partial
	Version string           // tool version, for Parquet's created_by and the manifests
	Args    []string         // the command line as the manifest records it (reports.Manifest.Args)
	Workers int              // parallel runs; 0 = all cores
	Rates   *pricing.Overlay // the user's cards and tiers over the built-in ones; nil: none
	// SLA is judged per sweep point in summary.json, the plot and report.html (Run and
	// Merge); a zero SLA judges nothing.
	SLA stats.SLA
	// Resume reuses the runs an interrupted Run of the same scenario, seed and rates
	// saved in the checkpoint.
	Resume bool
	// Precision, if above 0, adds replications to every point in batches until the 95%
	// interval of each point's mean total cost is narrower than this share of the mean
	// on either side, or MaxReplications is reached. Not with shards.
	Precision       float64
	MaxReplications int
	// Shards, if above 0, makes Run run only the jobs whose number mod Shards is Shard
	// (K counts from 0) and write a part of the results instead of the outputs.
	Shard, Shards int
	// Command is a shard's command line as given (program, command, flags), which its
	// manifest records for merge to name the command that runs a missing shard.
	Command  []string
	Progress Progress // nil: nobody is told
	// FreshSeed says the seed was picked afresh for this run (none in the scenario or
	// on the command line): going on after an interruption then needs it given, and
	// the message that says how names it (--resume --seed S).
	FreshSeed bool
}

// resumeFlags is what the user adds to go on from the checkpoint: --resume, and the
// seed when it was picked afresh (another pick would draw other runs).
func (o *Options) resumeFlags(seed uint64) string {
	if o.FreshSeed {
		return fmt.Sprintf("--resume --seed %d", seed)
	}
	return "--resume"
}

// Progress hears how a sweep goes.
type Progress interface {
	// Planned says that runs more runs are about to run (each --precision batch plans
	// more); it is called from Run's own goroutine.
	Planned(runs int)
	// Finished says that a run is done and saved; done counts the runs finished so far
	// by this call of Run. It may be called from several goroutines at once.
	Finished(done int)
	// Note is a remark for the user: a precision verdict, an interruption.
	Note(text string)
}

type silent struct{}

func (silent) Planned(int)  {}
func (silent) Finished(int) {}
func (silent) Note(string)  {}

// Interrupted is the error of a sweep whose context ended: what it kept, and how to go
// on. It wraps the context's error.
type Interrupted struct {
	Kept       int    // runs finished and saved (0: none, and Checkpoint was removed)
	Checkpoint string // where
	Resume     string // the flags that go on from it: "--resume", "--resume --seed S"
	Err        error
}

func (e *Interrupted) Error() string {
	if e.Kept == 0 {
		// Checkpoint, and --out if the sweep made it, are gone: no path to point at, and
		// --resume would find nothing to go on from.
		return "interrupted before any run finished; nothing was kept: run again (without --resume) to start over"
	}
	return fmt.Sprintf("interrupted; the %s finished so far %s kept in %s: run again with %s to go on", words.Count(e.Kept, "run"), words.Are(e.Kept), e.Checkpoint, e.Resume)
}

func (e *Interrupted) Unwrap() error { return e.Err }

// Result is what a sweep wrote.
type Result struct {
	Summary stats.Summary   // what summary.json holds (not for a shard)
	RunInfo reports.RunInfo // for the run table's first line
	Runs    int             // runs in the outputs (a shard: its own)
	Jobs    int             // runs of the whole sweep
	Resumed int             // runs taken from the checkpoint instead of run again
	// Checkpoint is where finished runs were kept while the sweep ran (removed since).
	Checkpoint string
	// Note is Merge's word on Parquet files beside its parts that are none of them,
	// which a query over all the folder's parts would read; "" when there are none.
	Note string
}

// Run simulates every job of sc (sweep point × replication) on parallel workers and
// writes the outputs into o.Out (reports.Output.WriteSimulation), or with o.Shards a
// shard's part (WriteShard). sc must carry its seed; with o.Precision, sc.Replications
// ends at the count reached. Each finished run is saved in a checkpoint as it
// completes, so that a sweep interrupted (ctx cancelled, the process killed) goes on
// with o.Resume and writes the same bytes as if it had never stopped; the checkpoint is
// removed once the outputs are complete. An interrupted Run returns an *Interrupted
// saying what was kept. The output folder is locked while Run writes there (a shard
// locks only its part of it), and it holds the previous set of outputs or the new one,
// whole, after any failure (reports.Output).
func Run(ctx context.Context, sc *scenarios.Scenario, o Options) (*Result, error) {
	if sc.Seed == 0 || (o.Shards > 0 && (o.Precision > 0 || o.Shard < 0 || o.Shard >= o.Shards)) {
		return nil, fmt.Errorf("sweep: %s: want a seed, and shards without precision", sc.Name)
	}
	if o.Progress == nil {
		o.Progress = silent{}
	}
	if o.Precision > 0 && sc.Replications < 2 {
		sc.Replications = 2 // an interval needs two
	}
	jobs, err := sc.Jobs(sc.Seed, o.Rates)
	if err != nil {
		return nil, err
	}
	key, err := checkpointKey(sc, o.Rates)
	if err != nil {
		return nil, err
	}
	id, err := identityOf(sc, o.Rates)
	if err != nil {
		return nil, err
	}
	res := &Result{Jobs: len(jobs),
		RunInfo: reports.RunInfo{Seed: sc.Seed, Start: sc.Start, Days: sc.Days, Timezone: sc.Timezone}}
	if o.Shards > 0 {
		return res, runShard(ctx, sc, o, jobs, key, id, res)
	}
	// The folder is locked before the checkpoint in it is touched: a second sweep into
	// it fails at once instead of mixing its runs in.
	op, err := reports.NewOutput(o.Out, o.Version)
	if err != nil {
		return nil, err
	}
	defer op.Close()
	cp, err := OpenCheckpoint(o.Out, checkpointName(0, 0), key, o.Resume, id)
	if err != nil {
		return nil, err
	}
	res.Checkpoint = cp.Dir
	x := &executor{o: o, seed: sc.Seed, cp: cp, done: map[string]finished{}}
	runs, days, err := x.run(ctx, jobs)
	for err == nil && o.Precision > 0 {
		var more bool
		more, err = x.morePrecision(sc, runs)
		if err != nil || !more {
			break
		}
		if jobs, err = sc.Jobs(sc.Seed, o.Rates); err != nil {
			break
		}
		runs, days, err = x.run(ctx, jobs)
	}
	var pr stats.Priced
	if err == nil {
		pr, err = Priced(jobs, o.Rates, days)
	}
	if err == nil {
		res.Summary, err = writeOutputs(op, sc, jobs, runs, days, o.Args, o.SLA, pr)
	}
	if err != nil {
		return nil, cp.Leave(err, len(x.done), o.resumeFlags(sc.Seed))
	}
	res.Runs, res.Jobs, res.Resumed = len(runs), len(jobs), x.loaded
	return res, cp.Remove()
}

// runShard runs the jobs of shard o.Shard of o.Shards and writes its part (WriteShard)
// into o.Out, which the other shards share: it locks only its own part there.
func runShard(ctx context.Context, sc *scenarios.Scenario, o Options, jobs []sim.Job, key string, id *Identity, res *Result) (err error) {
	name := checkpointName(o.Shard, o.Shards)
	_, statErr := os.Stat(o.Out)
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return err
	}
	if errors.Is(statErr, fs.ErrNotExist) {
		defer func() {
			if err != nil {
				os.Remove(o.Out) // only if still empty: never anything of another shard's
			}
		}()
	}
	lock, err := safefile.LockPart(o.Out, name)
	if err != nil {
		return err
	}
	defer lock.Release()
	cp, err := OpenCheckpoint(o.Out, name, key, o.Resume, id)
	if err != nil {
		return err
	}
	res.Checkpoint = cp.Dir
	var mine []sim.Job
	for i := range jobs {
		if i%o.Shards == o.Shard {
			mine = append(mine, jobs[i])
		}
	}
	x := &executor{o: o, seed: sc.Seed, cp: cp, done: map[string]finished{}}
	runs, days, err := x.run(ctx, mine)
	var pr stats.Priced
	if err == nil {
		pr, err = Priced(jobs, o.Rates, days)
	}
	if err == nil {
		err = WriteShard(o.Out, o.Version, reports.Simulation{
			Name: sc.Name, Scenario: sc, Seed: sc.Seed, Args: o.Args,
			Runs: runs, Days: days, HorizonDays: float64(sc.Days), Priced: pr,
		}, o.Rates.DigestOf(), o.Command, o.Shard, o.Shards, len(jobs))
	}
	if err != nil {
		return cp.Leave(err, len(x.done), o.resumeFlags(sc.Seed))
	}
	res.Runs, res.Resumed = len(runs), x.loaded
	return cp.Remove()
}

// writeOutputs writes every output file of a sweep (each appears under its final name
// only when complete; manifest.json, written last, marks a complete set) and returns
// the summary, judged on sla.
func writeOutputs(op *reports.Output, sc *scenarios.Scenario, jobs []sim.Job, runs []sim.RunResult, days []sim.DayRow, args []string, sla stats.SLA, pr stats.Priced) (stats.Summary, error) {
	s := reports.Simulation{
		Name: sc.Name, Scenario: sc, Seed: sc.Seed, Args: args,
		Runs: runs, Days: days, HorizonDays: float64(sc.Days), Priced: pr,
	}
	for _, j := range jobs {
		if j.Config.Staffing.PlaceholderCost() {
			if s.Placeholder == nil {
				s.Placeholder = map[int]bool{}
			}
			s.Placeholder[j.Point] = true
		}
	}
	if sla.Metric != "" {
		s.SLA = &sla
	}
	return op.WriteSimulation(s)
}

// finished is one run's results.
type finished struct {
	run  sim.RunResult
	days []sim.DayRow
}

// executor runs jobs for one Run, saving each finished run to the checkpoint, reusing
// saved ones on Resume and ones already run in an earlier batch of Precision.
type executor struct {
	o      Options
	seed   uint64 // the scenario's, for the message that says how to go on
	cp     *Checkpoint
	done   map[string]finished // by run id
	loaded int                 // runs taken from the checkpoint rather than run
	count  int                 // runs finished in this process
}

// run returns the results of jobs, in job order, running those not done yet.
func (x *executor) run(ctx context.Context, jobs []sim.Job) ([]sim.RunResult, []sim.DayRow, error) {
	var todo []sim.Job
	for _, j := range jobs {
		if _, ok := x.done[j.ID]; ok {
			continue
		}
		if x.o.Resume {
			r, d, ok, err := x.cp.Load(j.ID, j.Seed)
			if err != nil {
				return nil, nil, err
			}
			if ok {
				x.done[j.ID] = finished{r, d}
				x.loaded++
				continue
			}
		}
		todo = append(todo, j)
	}
	if len(todo) > 0 {
		x.o.Progress.Planned(len(todo))
		var mu sync.Mutex
		err := sim.RunEach(ctx, todo, x.o.Workers, func(_ int, r sim.RunResult, d []sim.DayRow) error {
			if err := x.cp.Save(r, d); err != nil {
				return err
			}
			mu.Lock()
			x.done[r.RunID] = finished{r, d}
			x.count++
			n := x.count
			mu.Unlock()
			x.o.Progress.Finished(n)
			return nil
		})
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, &Interrupted{Kept: len(x.done), Checkpoint: x.cp.Dir, Resume: x.o.resumeFlags(x.seed), Err: err}
			}
			return nil, nil, err
		}
	}
	runs := make([]sim.RunResult, len(jobs))
	var days []sim.DayRow
	for i, j := range jobs {
		f := x.done[j.ID]
		runs[i] = f.run
		days = append(days, f.days...)
	}
	return runs, days, nil
}

// morePrecision decides whether Precision needs more replications and, if so, raises
// sc.Replications. The next count comes from the spread seen so far (never more than
// doubling, since early spreads are rough), and only from the results, never from the
// worker count, so the same seed stops at the same count on any machine.
func (x *executor) morePrecision(sc *scenarios.Scenario, runs []sim.RunResult) (bool, error) {
	prec, err := stats.Precision(runs, x.o.Precision)
	if err != nil {
		return false, err
	}
	worst, need := prec[0], 0
	reached := true
	for _, p := range prec {
		if !(p.Relative < x.o.Precision || p.Relative == 0) {
			reached = false
		}
		if p.Relative > worst.Relative || math.IsNaN(p.Relative) {
			worst = p
		}
		need = max(need, p.Needed)
	}
	r := sc.Replications
	if reached || r >= x.o.MaxReplications {
		verdict := "reached"
		if !reached {
			verdict = fmt.Sprintf("NOT reached at --max-replications %d", x.o.MaxReplications)
		}
		x.o.Progress.Note(fmt.Sprintf("precision %s: %s per point; widest 95%% interval ±%.2f%% of the mean total cost (%s)",
			verdict, words.Count(r, "replication"), 100*worst.Relative, worst.PointID))
		return false, nil
	}
	sc.Replications = min(x.o.MaxReplications, max(r+1, min(need, 2*r)))
	return true, nil
}

// checkpointKey fingerprints what a run's results depend on: the resolved scenario and
// its seed, and the user's rate files (runs billed with other files are other runs).
// The replication count is left out: replication r of a point is the same run whatever
// the count, which lets Precision resume.
func checkpointKey(sc *scenarios.Scenario, rates *pricing.Overlay) (string, error) {
	c := *sc
	c.Replications = 0
	b, err := json.Marshal(&c)
	if err != nil {
		return "", err
	}
	b = append(b, resultShape...)
	if rates != nil {
		b = append(b, rates.Digest...)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8]), nil
}

// resultShape is the fields a checkpoint file holds: a checkpoint of a spendsim whose
// results had other fields (gob reads a field it lacks as zero, so a run from before the
// drain was recorded would resume with no drain) is another sweep's, not this one's.
var resultShape = shapeOf(reflect.TypeFor[sim.RunResult](), reflect.TypeFor[sim.DayRow]())

// shapeOf names the fields of types, with their types, in order.
func shapeOf(types ...reflect.Type) string {
	var b strings.Builder
	for _, t := range types {
		b.WriteString(t.String())
		for i := range t.NumField() {
			f := t.Field(i)
			fmt.Fprintf(&b, " %s:%s", f.Name, f.Type)
		}
		b.WriteByte(';')
	}
	return b.String()
}

// Priced says what prices jobs: the user's rate and tier files and the cards in force
// over the first job's horizon (the jobs of a scenario share era, currency and dates:
// a sweep varies numbers only) and over the days after it on which days shows the runs
// still answering the horizon's conversations (the drain can cross a card change).
func Priced(jobs []sim.Job, rates *pricing.Overlay, days []sim.DayRow) (stats.Priced, error) {
	var files []pricing.File
	if rates != nil {
		files = rates.Files
	}
	if len(jobs) == 0 {
		return stats.NewPriced(files, nil), nil
	}
	cfg := jobs[0].Config
	to := cfg.End
	for _, d := range days {
		if d.AfterHorizon {
			to = max(to, model.FromStd(model.DayStart(d.Day.Year(), d.Day.Month(), d.Day.Day()+1, cfg.Location)))
		}
	}
	spans, err := billing.CardsOver(cfg.Billing, cfg.Start, to)
	if err != nil {
		return stats.Priced{}, err
	}
	return stats.NewPriced(files, spans), nil
}
