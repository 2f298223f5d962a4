package rebill

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spendsim/spendsim/internal/safefile"
	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
	"github.com/spendsim/spendsim/scenarios/trace"
	"github.com/spendsim/spendsim/sim/replay"
)

// restaffJob is a replay with its replies restaffed by a scenario's agents.
type restaffJob struct {
	Options
	scenario *scenarios.Scenario
	cfg      replay.RestaffConfig
}

// Restaff re-simulates the trace's replies under sc's agents (shifts in sc's time
// zone, concurrency, handle or response time, late-reply policy, bot, patience; seed
// draws the random parts) and bills the restaffed trace like Replay, into the same
// files, beside restaff.json and restaff.html, which set it against the original: the
// trace as it is, billed and measured the same way. It makes two passes over the trace,
// each streaming. An agents block restaff cannot use is a *scenarios.Error.
func Restaff(o Options, sc *scenarios.Scenario, seed uint64) (*reports.ReplaySummary, *reports.Restaff, error) {
	loc, err := time.LoadLocation(sc.Timezone)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: timezone: %w", sc.Name, err) // Validate accepted it; cannot happen
	}
	j := restaffJob{Options: o, scenario: sc, cfg: replay.RestaffConfig{Staffing: sc.Agents, Location: loc, Seed: seed}}
	return j.run()
}

// spendSink tallies what a replay charges and writes nothing.
type spendSink struct{ tally *stats.SpendTally }

func (s spendSink) Message(r *model.Record, m *model.Message, c *pricing.Charge) error {
	if m.Direction == model.FromBusiness && m.Status.WasDelivered() {
		if err := s.tally.AddCharge(*c); err != nil {
			return fmt.Errorf("line %d: %w", r.Line, err)
		}
	}
	return nil
}

func (j *restaffJob) open() (trace.Reader, error) {
	r, err := trace.Open(j.Trace, j.Read)
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
	meter := replay.NewResponseMeter(r)
	tally := stats.SpendTally{Currency: currencyOf(j.Billing)}
	if _, err := replay.Replay(meter, j.Billing, spendSink{&tally}); err != nil {
		return reports.RestaffSide{}, trace.AtFile(j.Trace, err)
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
	_, statErr := os.Stat(j.Out)
	if err := os.MkdirAll(j.Out, 0o755); err != nil {
		return nil, nil, err
	}
	if os.IsNotExist(statErr) {
		defer func() {
			if err != nil {
				os.Remove(j.Out) // only if still empty: never anything of the user's
			}
		}()
	}
	mw, err := reports.NewMessageWriter(filepath.Join(j.Out, reports.MessagesFile), j.Version, j.Billing.Markets, currencyOf(j.Billing), j.Billing.Location)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			mw.Abort()
		}
	}()
	src := &source{r: r}
	rsf, err := replay.NewRestaffer(src, j.cfg)
	if err != nil {
		return nil, nil, &scenarios.Error{File: j.scenario.Name, Problems: []string{err.Error()}}
	}
	st, err := replay.Replay(rsf, j.Billing, mw)
	if err != nil {
		return nil, nil, trace.AtFile(j.Trace, err)
	}
	s, rows, err := summarizeReplay(mw, st, src, j.Options)
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
	rs.Trace, rs.Pricing, rs.Scenario, rs.Timezone, rs.Seed = s.Trace, j.Pricing, j.scenario.Name, j.scenario.Timezone, j.cfg.Seed
	rs.RemovedReplies, rs.SimulatedReplies = rsf.Removed(), rsf.Replies()
	page, err := reports.RestaffHTML(&rs)
	if err != nil {
		return nil, nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, nil, err
	}
	written := []string{filepath.Join(j.Out, reports.MessagesFile)}
	defer func() {
		if err != nil {
			for _, f := range written {
				os.Remove(f)
			}
		}
	}()
	if err := reports.WriteBill(filepath.Join(j.Out, reports.BillFile), rows, currencyOf(j.Billing), j.Version); err != nil {
		return nil, nil, err
	}
	written = append(written, filepath.Join(j.Out, reports.BillFile))
	for _, f := range []struct {
		name string
		v    any
	}{{reports.SummaryFile, s}, {reports.RestaffFile, &rs}} {
		if err := reports.WriteJSON(filepath.Join(j.Out, f.name), f.v); err != nil {
			return nil, nil, err
		}
		written = append(written, filepath.Join(j.Out, f.name))
	}
	if err := safefile.WriteFile(filepath.Join(j.Out, reports.RestaffHTMLFile), page); err != nil {
		return nil, nil, err
	}
	return s, &rs, nil
}
