package rebill

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios/trace"
	"github.com/spendsim/spendsim/sim/replay"
)

// Options are a replay: the trace, how to read it, how to bill it, where to write.
type Options struct {
	Traces  []string        // the trace: files, folders, globs, or "-" for standard input (trace.OpenAll)
	Read    trace.Options   // format, column mapping, sort, skip invalid rows
	Billing billing.Options // era, rate cards (the user's over the built-in), tiers, zone, currency
	Pricing string          // the era as the user named it ("auto", "pmp-2025"), for the summary
	Rates   string          // the rate source's name ("builtin" or the rate file), for the summary
	// RateFiles are the user's rate and tier files (pricing.Overlay.Files), for the summary.
	RateFiles []pricing.File
	Out       string // output folder
	Version   string // tool version, for created_by
}

// summarizeReplay reconciles what mw wrote (its running tally against its bill rows,
// to the micro) and sums the replay up for summary.json, for a plain replay and a
// restaffed one alike; the bill rows are for bill.parquet.
func summarizeReplay(mw *reports.MessageWriter, st replay.Stats, src *source, o Options) (*reports.ReplaySummary, []reports.BillRow, error) {
	spend, err := mw.Tally.Spend(1)
	if err != nil {
		return nil, nil, err
	}
	rows, err := mw.Bill.Rows()
	if err != nil {
		return nil, nil, err
	}
	derived, err := reports.Reconcile(rows, spend)
	if err != nil {
		return nil, nil, err
	}
	s := &reports.ReplaySummary{
		Trace: traceName(o.Traces), Pricing: o.Pricing, Rates: o.Rates, RateFiles: o.RateFiles, Spend: spend,
		DerivedShare: stats.Num(derived),
		Records:      st.Records, UserMessages: src.users, Business: st.Billing.Business,
		Delivered: st.Billing.Delivered, Undelivered: st.Billing.Business - st.Billing.Delivered,
		Users: st.Users, Numbers: st.Numbers,
		USMarketing: st.Billing.USMarketingHeld, TextOutsideCS: st.Billing.TextOutsideWindow,
		CardsUsed: []reports.CardUsed{},
	}
	if s.RateFiles == nil {
		s.RateFiles = []pricing.File{}
	}
	c := trace.CountsOf(src.r)
	s.Skipped, s.SkipReasons, s.Duplicates, s.Overrides = c.Skipped, c.SkipReasons, c.Duplicates, c.CountryOverrides
	for _, cu := range st.Cards {
		s.CardsUsed = append(s.CardsUsed, reports.CardUsed{PricingModel: cu.Model.String(), Currency: cu.Currency,
			Effective: cu.Effective.Format(time.DateOnly), Messages: cu.Charged})
	}
	return s, rows, nil
}

// source adapts a trace reader to the replay and counts user messages.
type source struct {
	r     trace.Reader
	users int64
}

func (s *source) Next(r *model.Record) error {
	if err := s.r.Next(r); err != nil {
		return err
	}
	if r.Direction == model.FromUser {
		s.users++
	}
	return nil
}

// Replay bills the trace exactly and writes messages.parquet (one row per business
// message), bill.parquet (month × market × category × type) and summary.json into
// o.Out, after checking that the three totals agree to the micro. It streams: memory
// grows with users, not messages. On any error every output file is removed (or was
// never renamed into place), so a failed replay leaves nothing behind.
func Replay(o Options) (_ *reports.ReplaySummary, err error) {
	topts, opts, out, version := o.Read, o.Billing, o.Out, o.Version
	r, err := trace.OpenAll(o.Traces, topts)
	if err != nil {
		return nil, err
	}
	names := trace.NamesOf(r)
	// Decode on one core while billing and writing run on another.
	r = trace.Prefetch(r, 4096)
	defer r.Close()
	_, statErr := os.Stat(out)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	if os.IsNotExist(statErr) {
		defer func() {
			if err != nil {
				os.Remove(out) // only if still empty: never anything of the user's
			}
		}()
	}
	mw, err := reports.NewMessageWriter(filepath.Join(out, reports.MessagesFile), version, opts.Markets, currencyOf(opts), opts.Location)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			mw.Abort()
		}
	}()
	src := &source{r: r}
	st, err := replay.Replay(src, opts, mw)
	if err != nil {
		return nil, trace.AtFiles(names, err)
	}
	s, rows, err := summarizeReplay(mw, st, src, o)
	if err != nil {
		return nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	written := []string{filepath.Join(out, reports.MessagesFile)}
	defer func() {
		if err != nil {
			for _, f := range written {
				os.Remove(f)
			}
		}
	}()
	if err := reports.WriteBill(filepath.Join(out, reports.BillFile), rows, currencyOf(opts), version); err != nil {
		return nil, err
	}
	written = append(written, filepath.Join(out, reports.BillFile))
	if err := reports.WriteJSON(filepath.Join(out, reports.SummaryFile), s); err != nil {
		return nil, err
	}
	return s, nil
}

func currencyOf(o billing.Options) string {
	if o.Currency == "" {
		return "USD"
	}
	return o.Currency
}

// traceName names the trace in summaries: the base name of each argument.
func traceName(args []string) string {
	names := make([]string, len(args))
	for i, a := range args {
		names[i] = filepath.Base(a)
	}
	return strings.Join(names, ", ")
}
