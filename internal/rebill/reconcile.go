package rebill

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spendsim/spendsim/internal/limits"
	"github.com/spendsim/spendsim/internal/reconcile"
	"github.com/spendsim/spendsim/internal/safefile"
	"github.com/spendsim/spendsim/internal/shellquote"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/reports"
)

// ReconcileOptions are a reconciliation: the replay (run now, or read from a replay's
// folder), Meta's analytics, the tolerance, where to write.
type ReconcileOptions struct {
	// Replay is the replay to run when From is empty: Replay.Traces are billed into
	// Replay.Out first, and its messages reconciled. Its Billing options (cards, tiers,
	// zone, currency) price Meta's word either way.
	Replay Options
	// From is a replay's output folder to reconcile instead of replaying: its
	// messages.parquet, written by a replay of this version. Replayed is what it says
	// of how it was made (ReadReplayed): Replay.Billing must be its currency, zone and
	// cards (Replayed's checks), and its skipped rows count.
	From      string
	Replayed  *Replayed
	Analytics []string     // pricing_analytics / conversation_analytics response files
	Tolerance money.Micros // per row
	Out       string       // where reconcile.parquet, .json and .html go (a replay's files too)
}

// Reconciled is what a reconciliation wrote: reconcile.json's content, and the
// replay's summary when it ran one.
type Reconciled struct {
	Report reports.ReconcileReport
	Replay *reports.ReplaySummary
}

// Reconcile sets a replay's bill beside what Meta said — the pricing objects the log
// carried, message by message, and the analytics files, month × market × category ×
// type — and writes reconcile.parquet, reconcile.json and reconcile.html into o.Out.
// Report.Agrees says whether everything agreed within the tolerance. On an error the
// files written are removed.
func Reconcile(ctx context.Context, o ReconcileOptions) (*Reconciled, error) {
	version := o.Replay.Version
	hashPiped(&o.Replay)
	if o.From != "" {
		if err := replayToReconcile(o.From); err != nil {
			return nil, err
		}
	}
	op, err := reports.NewOutput(o.Out, version)
	if err != nil {
		return nil, err
	}
	defer op.Close()
	// Meta's files first: a bad one is said before the replay, not after it.
	var points []pricing.AnalyticsPoint
	var anNames []string
	for _, f := range o.Analytics {
		data, err := limits.ReadFile(f, limits.AnalyticsFile, "an analytics file")
		if err != nil {
			return nil, err
		}
		pts, err := pricing.ReadAnalytics(data, filepath.Base(f))
		if err != nil {
			return nil, err
		}
		points = append(points, pts...)
		anNames = append(anNames, filepath.Base(f))
	}
	out := &Reconciled{}
	name, messages := filepath.Base(filepath.Clean(o.From)), filepath.Join(o.From, reports.MessagesFile)
	var skipped int64 // rows of the log skipped as invalid: Meta's word in them unread
	var skipReasons []string
	var webhook bool // the log is a webhook log: skipped counts statuses, messages and lines
	if o.From == "" {
		s, rows, err := replayInto(ctx, op, o.Replay)
		if err != nil {
			return nil, err
		}
		if err := writeReplayFiles(op, o.Replay, s, rows); err != nil {
			return nil, err
		}
		out.Replay = s
		name, messages = traceName(o.Replay.Traces), op.Path(reports.MessagesFile)
		skipped, skipReasons, webhook = s.Skipped, s.SkipReasons, s.Webhook
	} else if o.Replayed != nil {
		if err := o.Replayed.check(o.Replay.Billing); err != nil {
			return nil, err
		}
		skipped, webhook = o.Replayed.Skipped, o.Replayed.Webhook
	}
	b := o.Replay.Billing
	rc, err := reconcile.New(reconcile.Options{Book: b.Book, Currency: currencyOf(b), Location: b.Location, Tolerance: o.Tolerance, Tiers: b.Tiers,
		Skipped: skipped}, points)
	if err != nil {
		return nil, err
	}
	w, err := reports.NewReconcileWriter(op.Path(reports.ReconcileFile), version, currencyOf(b))
	if err != nil {
		return nil, err
	}
	defer w.Abort() // nothing once Close has succeeded
	var diffs []*reconcile.Row
	var more int64
	err = reports.ReadMessagesAt(messages, b.AtSendTime, func(m *reconcile.Message) error {
		row, err := rc.Message(m)
		if err != nil || row == nil {
			return err
		}
		if !row.Agrees {
			if len(diffs) < reports.MaxListedDifferences {
				diffs = append(diffs, row)
			} else {
				more++
			}
		}
		return w.Add(row)
	})
	if err != nil {
		return nil, fmt.Errorf("reconcile: %w", err)
	}
	res, err := rc.Result()
	if err != nil {
		return nil, err
	}
	for _, g := range res.Groups {
		if err := w.Add(g); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	markets := b.Book.Markets()
	loc := b.Location
	if loc == nil {
		loc = utc
	}
	out.Report = reports.NewReconcileReport(res, diffs, more, name, anNames, currencyOf(b), loc, o.Tolerance,
		func(id int) string { return markets.Name(marketID(id)) })
	out.Report.SkippedRows = append(out.Report.SkippedRows, skipReasons...)
	out.Report.SkippedWebhook = webhook
	page, err := reports.ReconcileHTML(&out.Report)
	if err != nil {
		return nil, err
	}
	if err := reports.WriteJSON(op.Path(reports.ReconcileJSONFile), out.Report); err != nil {
		return nil, err
	}
	if err := safefile.WriteFile(op.Path(reports.ReconcileHTMLFile), page); err != nil {
		return nil, err
	}
	m, err := reconcileManifest(o)
	if err != nil {
		return nil, err
	}
	return out, op.Commit(m)
}

// reconcileManifest is a reconciliation's manifest: a replay's (the trace, mapping and
// rate files) when it replayed, else the replay's messages.parquet it read, and the
// analytics files, each with its SHA-256.
func reconcileManifest(o ReconcileOptions) (*reports.Manifest, error) {
	var m *reports.Manifest
	var err error
	if o.From == "" {
		m, err = replayManifest(o.Replay, nil)
	} else {
		if m, err = reports.NewManifest(o.Replay.Version, o.Replay.Args, nil); err == nil {
			m.SetRateFiles(o.Replay.RateFiles)
			err = m.AddInput("replay", filepath.Join(o.From, reports.MessagesFile))
		}
	}
	if err != nil {
		return nil, err
	}
	for _, f := range o.Analytics {
		if err := m.AddInput("analytics", f); err != nil {
			return nil, err
		}
	}
	return m, nil
}

var utc = time.UTC

func marketID(id int) market.ID { return market.ID(id) }

// replayToReconcile checks that dir, a --replay folder, holds the messages.parquet
// reconcile reads, and where it does not says why and what to give instead: a replay
// under several eras has one folder per era, a replay with fewer --outputs none.
func replayToReconcile(dir string) error {
	_, err := os.Stat(filepath.Join(dir, reports.MessagesFile))
	if !errors.Is(err, fs.ErrNotExist) {
		return err // there (the reader checks its layout), or unreadable: said as it is
	}
	if b, err := os.ReadFile(filepath.Join(dir, reports.ErasFile)); err == nil {
		var e reports.Eras
		if err := json.Unmarshal(b, &e); err == nil && len(e.Eras) > 0 {
			folders := make([]string, len(e.Eras))
			for i, era := range e.Eras {
				folders[i] = filepath.Join(dir, era.Folder)
			}
			return fmt.Errorf("%s holds a replay under several eras, one folder each: reconcile one era's, --replay %s", dir, strings.Join(folders, ", or --replay "))
		}
	}
	if st, err := os.Stat(filepath.Join(dir, ReplayShardsDir)); err == nil && st.IsDir() {
		return fmt.Errorf("%s holds the shards of a replay, not yet merged: run spendsim merge %s (with the shards' billing flags), then reconcile it", dir, shellquote.Quote(dir))
	}
	if b, err := os.ReadFile(filepath.Join(dir, reports.ManifestFile)); err == nil {
		var m reports.Manifest
		if json.Unmarshal(b, &m) == nil && slices.ContainsFunc(m.Inputs, func(in reports.Input) bool { return in.Role == "trace" }) {
			return fmt.Errorf("%s holds a replay written without %s (its --outputs left it out), which reconcile reads message by message: replay the trace again with messages in --outputs (the default)", dir, reports.MessagesFile)
		}
		return fmt.Errorf("%s holds the output of another command than replay (its manifest names no trace): give --replay the --out folder of a spendsim replay", dir)
	}
	return fmt.Errorf("%s holds no replay (no %s, no %s): give --replay the --out folder of a spendsim replay", dir, reports.MessagesFile, reports.ManifestFile)
}
