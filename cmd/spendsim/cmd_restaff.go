package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
	"github.com/spendsim/spendsim/scenarios/trace"
	"github.com/spendsim/spendsim/sim"
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
spend by category, replies in and out of the window, first-response percentiles.

   spendsim replay --trace 2025-09.csv --restaff night-shift.yaml --pricing pmp-2025`

type restaffJob struct {
	tracePath, pricingName, ratesName, version, out string
	topts                                           trace.Options
	opts                                            billing.Options
	scenario                                        *scenarios.Scenario
	cfg                                             sim.RestaffConfig
}

// restaffAction is `replay --restaff SCENARIO`.
func restaffAction(c *cli.Context, e *env, tracePath string, topts trace.Options, opts billing.Options, ratesName string) error {
	ref := c.String("restaff")
	sc, _, err := scenarios.Load(ref)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(sc.Timezone)
	if err != nil {
		return usagef("%s: timezone: %v", ref, err) // Validate accepted it; cannot happen
	}
	seed, fresh := scenarios.PickSeed(0, false, sc.Seed)
	if fresh {
		fmt.Fprintf(e.stderr, "seed %d (add seed: %d to %s to reproduce)\n", seed, seed, ref)
	}
	out := c.String("out")
	if out == "" {
		base := strings.TrimSuffix(filepath.Base(tracePath), filepath.Ext(tracePath))
		out = reports.DefaultDir(base + "-" + c.String("pricing") + "-restaff-" + sc.Name)
	}
	started := time.Now()
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(replayMemoryLimit) // as replay: the state is per-user maps
	}
	j := restaffJob{
		tracePath: tracePath, pricingName: c.String("pricing"), ratesName: ratesName, version: e.version, out: out,
		topts: topts, opts: opts, scenario: sc,
		cfg: sim.RestaffConfig{Staffing: sc.Agents, Location: loc, Seed: seed},
	}
	s, rs, err := j.run()
	if err != nil {
		return err
	}
	reports.WriteReplayTable(e.stdout, s)
	fmt.Fprintln(e.stdout)
	if err := reports.WriteRestaffTable(e.stdout, rs); err != nil {
		return err
	}
	if !c.Bool("quiet") {
		fmt.Fprintf(e.stderr, "%d records in %.1fs (two passes over the trace); results in %s\n", s.Records, time.Since(started).Seconds(), out)
	}
	return nil
}

// spendSink tallies what a replay charges and writes nothing.
type spendSink struct{ tally *stats.SpendTally }

func (s spendSink) Message(_ *model.Record, m *model.Message, c *pricing.Charge) error {
	if m.Direction == model.FromBusiness && m.Status.WasDelivered() {
		s.tally.AddCharge(*c)
	}
	return nil
}

func (j *restaffJob) open() (trace.Reader, error) {
	r, err := trace.Open(j.tracePath, j.topts)
	if err != nil {
		return nil, err
	}
	return trace.Prefetch(r, 4096), nil
}

// original bills the trace as it is and measures its replies: the "old" side.
func (j *restaffJob) original() (reports.RestaffSide, error) {
	r, err := j.open()
	if err != nil {
		return reports.RestaffSide{}, err
	}
	defer r.Close()
	meter := sim.NewResponseMeter(r)
	tally := stats.SpendTally{Currency: currencyOf(j.opts)}
	if _, err := sim.Replay(meter, j.opts, spendSink{&tally}); err != nil {
		return reports.RestaffSide{}, prefixFile(j.tracePath, err)
	}
	spend, err := tally.Spend(1)
	if err != nil {
		return reports.RestaffSide{}, err
	}
	resp, err := meter.Responses()
	if err != nil {
		return reports.RestaffSide{}, err
	}
	return reports.NewRestaffSide("original", spend, resp), nil
}

// run makes two passes over the trace: the original, billed and measured, then the
// restaffed trace, billed into the usual outputs. Each pass streams; neither holds the
// trace. On any error every output file is removed (or was never renamed into place).
func (j *restaffJob) run() (_ *reports.ReplaySummary, _ *reports.Restaff, err error) {
	old, err := j.original()
	if err != nil {
		return nil, nil, err
	}
	r, err := j.open()
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	_, statErr := os.Stat(j.out)
	if err := os.MkdirAll(j.out, 0o755); err != nil {
		return nil, nil, err
	}
	if os.IsNotExist(statErr) {
		defer func() {
			if err != nil {
				os.Remove(j.out) // only if still empty: never anything of the user's
			}
		}()
	}
	mw, err := reports.NewMessageWriter(filepath.Join(j.out, reports.MessagesFile), j.version, j.opts.Markets, currencyOf(j.opts), j.opts.Location)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			mw.Abort()
		}
	}()
	src := &source{r: r}
	rsf, err := sim.NewRestaffer(src, j.cfg)
	if err != nil {
		return nil, nil, usageError{err}
	}
	st, err := sim.Replay(rsf, j.opts, mw)
	if err != nil {
		return nil, nil, prefixFile(j.tracePath, err)
	}
	s, rows, err := summarizeReplay(mw, st, src, j.tracePath, j.pricingName, j.ratesName)
	if err != nil {
		return nil, nil, err
	}
	resp, err := rsf.Responses()
	if err != nil {
		return nil, nil, err
	}
	rs, err := reports.NewRestaff(old, reports.NewRestaffSide(j.scenario.Name, s.Spend, resp))
	if err != nil {
		return nil, nil, err
	}
	rs.Trace, rs.Pricing, rs.Scenario, rs.Timezone, rs.Seed = s.Trace, j.pricingName, j.scenario.Name, j.scenario.Timezone, j.cfg.Seed
	rs.RemovedReplies, rs.SimulatedReplies = rsf.Removed(), rsf.Replies()
	page, err := reports.RestaffHTML(&rs)
	if err != nil {
		return nil, nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, nil, err
	}
	written := []string{filepath.Join(j.out, reports.MessagesFile)}
	defer func() {
		if err != nil {
			for _, f := range written {
				os.Remove(f)
			}
		}
	}()
	if err := reports.WriteBill(filepath.Join(j.out, reports.BillFile), rows, currencyOf(j.opts), j.version); err != nil {
		return nil, nil, err
	}
	written = append(written, filepath.Join(j.out, reports.BillFile))
	for _, f := range []struct {
		name string
		v    any
	}{{reports.SummaryFile, s}, {reports.RestaffFile, &rs}} {
		if err := reports.WriteJSON(filepath.Join(j.out, f.name), f.v); err != nil {
			return nil, nil, err
		}
		written = append(written, filepath.Join(j.out, f.name))
	}
	if err := reports.WriteFileAtomic(filepath.Join(j.out, reports.RestaffHTMLFile), page); err != nil {
		return nil, nil, err
	}
	return s, &rs, nil
}
