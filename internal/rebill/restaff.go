package rebill

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	ctx      context.Context
	scenario *scenarios.Scenario
	point    string // the sweep point whose agents answer; "" without a sweep
	cfg      replay.RestaffConfig
}

// Restaff re-simulates the trace's replies under sc's agents (shifts in sc's time
// zone, concurrency, handle or response time, late-reply policy, bot, patience; seed
// draws the random parts) and bills the restaffed trace like Replay, into the same
// files, beside restaff.json and restaff.html, which set it against the original: the
// trace as it is, billed and measured the same way, and billed again like for like
// when its team sent free-form messages after the window had closed, late replies or
// further ones (which WhatsApp refuses; billed as traced they cost nothing, where the
// restaffed team's late replies are paid templates). It makes two passes over the trace (three for a like-for-like bill), each
// streaming. A scenario with a sweep answers with the agents of one of its points,
// point (its id, as spendsim run labels it); without one, point must be "" or "base".
// An agents block restaff cannot use, or a sweep without a point, is a
// *scenarios.Error.
func Restaff(ctx context.Context, o Options, sc *scenarios.Scenario, point string, seed uint64) (*reports.ReplaySummary, *reports.Restaff, error) {
	if len(sc.Sweep) > 0 || point != "" {
		if point == "" {
			ps, err := sc.Points()
			if err != nil {
				return nil, nil, err
			}
			return nil, nil, &scenarios.Error{File: sc.Name, Problems: []string{fmt.Sprintf(
				"%s sweeps %d points and a restaffing answers with one team: pick it with --point ID (%s)", sc.Name, len(ps), scenarios.PointChoices(ps, 10))}}
		}
		p, err := sc.PointByID(point)
		if err != nil {
			return nil, nil, &scenarios.Error{File: sc.Name, Problems: []string{err.Error()}}
		}
		sc, point = p.Scenario, p.ID // restaff.json names it as runs.parquet's point_id does
	}
	loc, err := time.LoadLocation(sc.Timezone)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: timezone: %w", sc.Name, err) // Validate accepted it; cannot happen
	}
	if err := RestaffTraces(o.Traces); err != nil {
		return nil, nil, err
	}
	j := restaffJob{Options: o, ctx: ctx, scenario: sc, point: point, cfg: replay.RestaffConfig{Staffing: sc.Agents, Location: loc, Seed: seed}}
	return j.run()
}

// RestaffTraces refuses traces a restaffing cannot read: standard input, which it
// would read twice.
func RestaffTraces(traces []string) error {
	if slices.Contains(traces, trace.Stdin) {
		return errors.New("--restaff reads the trace twice (the original, then the restaffed one): give a file, not standard input")
	}
	return nil
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
	r, err := trace.OpenAll(j.Traces, j.Read)
	if err != nil {
		return nil, err
	}
	return trace.Prefetch(r, 4096), nil
}

// original bills the trace as it is and measures its replies: the "old" side, billed
// as a plain replay bills it.
func (j *restaffJob) original() (reports.RestaffSide, error) {
	spend, st, meter, err := j.bill(false)
	if err != nil {
		return reports.RestaffSide{}, err
	}
	resp, err := meter.Responses()
	if err != nil {
		return reports.RestaffSide{}, err
	}
	side := reports.NewRestaffSide("original", spend, resp)
	side.Customers, side.TextOutsideWindow = meter.Customers(), st.Billing.TextOutsideWindow
	return side, nil
}

// likeForLike is the original's bill with its free-form messages outside the window
// (its late replies, and any further ones) sent as the restaffed team sends its late
// replies (replay.ResponseMeter.SendLateAs): a pass of its own when the original has
// any, else its bill as traced.
func (j *restaffJob) likeForLike(old *reports.RestaffSide) (stats.Spend, error) {
	if old.LateFreeForm == 0 && old.LateFreeFormFurther == 0 {
		return old.Spend, nil
	}
	spend, _, _, err := j.bill(true)
	return spend, err
}

// bill replays the trace as it is, or with its free-form messages outside the window
// sent by the restaffed team's late-reply policy, into a tally, measuring its replies.
func (j *restaffJob) bill(likeForLike bool) (stats.Spend, replay.Stats, *replay.ResponseMeter, error) {
	r, err := j.open()
	if err != nil {
		return stats.Spend{}, replay.Stats{}, nil, err
	}
	defer r.Close()
	meter := replay.NewResponseMeter(&source{r: r, ctx: j.ctx, progress: j.Progress})
	if likeForLike {
		meter.SendLateAs(j.cfg.Staffing.LateReply)
	}
	tally := stats.SpendTally{Currency: currencyOf(j.Billing)}
	st, err := replay.Replay(meter, j.Billing, spendSink{&tally})
	if err != nil {
		return stats.Spend{}, st, nil, trace.AtFiles(trace.NamesOf(r), err)
	}
	spend, err := tally.Spend(1)
	return spend, st, meter, err
}

// run makes two passes over the trace: the original, billed and measured, then the
// restaffed trace, billed into the usual outputs; and a third, between them, when the
// original has free-form messages outside the window to bill like for like. Each pass streams; none
// holds the trace. The files are written as one set (reports.Output), as Replay writes its own.
func (j *restaffJob) run() (*reports.ReplaySummary, *reports.Restaff, error) {
	// Locked before the first pass, so that a second writer fails at once.
	op, err := reports.NewOutput(j.Out, j.Version)
	if err != nil {
		return nil, nil, err
	}
	defer op.Close()
	old, err := j.original()
	if err != nil {
		return nil, nil, err
	}
	oldLike, err := j.likeForLike(&old)
	if err != nil {
		return nil, nil, err
	}
	r, err := j.open()
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	mw, err := reports.NewMessageWriter(j.Outputs.messagesPath(op), j.Version, j.Billing.Markets, currencyOf(j.Billing), j.Billing.Location, j.Outputs.slim())
	if err != nil {
		return nil, nil, err
	}
	defer mw.Abort() // nothing once Close has succeeded
	src := &source{r: r, ctx: j.ctx, progress: j.Progress}
	rsf, err := replay.NewRestaffer(src, j.cfg)
	if err != nil {
		return nil, nil, &scenarios.Error{File: j.scenario.Name, Problems: []string{err.Error()}}
	}
	st, err := replay.Replay(rsf, j.Billing, mw)
	if err != nil {
		return nil, nil, trace.AtFiles(trace.NamesOf(r), err)
	}
	s, rows, err := summarizeReplay(mw, st, src.users, trace.CountsOf(src.r), j.Options)
	if err != nil {
		return nil, nil, err
	}
	resp, err := rsf.Responses()
	if err != nil {
		return nil, nil, err
	}
	side := reports.NewRestaffSide(j.scenario.Name, s.Spend, resp)
	side.Customers, side.TextOutsideWindow = rsf.Customers(), s.TextOutsideCS
	staff, err := j.scenario.Agents.CostOf(rsf.Staffing())
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", j.scenario.Name, err)
	}
	if err := side.SetStaffing(staff); err != nil {
		return nil, nil, err
	}
	side.StaffingCostPlaceholder = j.scenario.Agents.PlaceholderCost()
	rs, err := reports.NewRestaff(old, side, oldLike, j.cfg.Staffing.LateReply)
	if err != nil {
		return nil, nil, err
	}
	rs.Trace, rs.Pricing, rs.Scenario, rs.Timezone, rs.Seed = s.Trace, j.Pricing, j.scenario.Name, j.scenario.Timezone, j.cfg.Seed
	rs.Point = j.point
	rs.RemovedReplies, rs.SimulatedReplies = rsf.Removed(), rsf.Replies()
	page, err := reports.RestaffHTML(&rs)
	if err != nil {
		return nil, nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, nil, err
	}
	if err := reports.WriteJSON(op.Path(reports.RestaffFile), &rs); err != nil {
		return nil, nil, err
	}
	if err := safefile.WriteFile(op.Path(reports.RestaffHTMLFile), page); err != nil {
		return nil, nil, err
	}
	if err := writeReplayFiles(op, j.Options, s, rows); err != nil {
		return nil, nil, err
	}
	return s, &rs, commitReplay(op, j.Options, j.scenario)
}
