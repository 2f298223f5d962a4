package rebill

import (
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
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
	Out       string  // output folder
	Outputs   Outputs // the files written (0: all of them)
	Version   string  // tool version, for created_by
	// Args are the command line as manifest.json records it (reports.Manifest.Args),
	// and MappingFile the column mapping's path ("" for none): manifest.json records
	// them with the trace files.
	Args        []string
	MappingFile string
	// Accounts is the file that says which account each business number is in (replay
	// --accounts; nil for none), hashed from the bytes billing read: manifest.json
	// records it with the trace files as it is, not reading the file again.
	Accounts *reports.Input
	// Workers bill users hashed across them (parallel.go); 0 means DefaultWorkers. The
	// outputs are the same bytes at any count.
	Workers int
	// Passes > 1 bills the users in that many passes over the trace, a part of them at
	// a time (passes.go), for traces with more users than fit in memory: the same
	// bytes, each pass on one core. OnPass, when set, hears of each pass finished.
	Passes int
	OnPass func(done, of int)
	// Progress, when set, hears every progressEvery records how many of the trace's
	// records the pass under way has read (a progress display), from the reading
	// goroutine.
	Progress func(records int64)
}

// summarizeReplay reconciles what mw wrote (its running tally against its bill rows,
// to the micro) and sums the replay up for summary.json, for a plain replay and a
// restaffed one alike; the bill rows are for bill.parquet.
// users counts the trace's user messages, c are the trace reader's counts.
func summarizeReplay(mw *reports.MessageWriter, st replay.Stats, users int64, c trace.Counts, o Options) (*reports.ReplaySummary, []reports.BillRow, error) {
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
		DerivedShare: derived,
		Records:      st.Records, UserMessages: users, Business: st.Billing.Business,
		Delivered: st.Billing.Delivered, Undelivered: st.Billing.Business - st.Billing.Delivered,
		Users: st.Users, Numbers: st.Numbers, Accounts: st.Accounts,
		USMarketing: st.Billing.USMarketingHeld, TextOutsideCS: st.Billing.TextOutsideWindow,
		LogFacts: reports.LogFacts{
			USMarketingDelivered: st.Billing.Stated.USMarketingDelivered, AuthIntl: st.Billing.Stated.AuthIntl,
			AuthDomestic: st.Billing.Stated.AuthDomestic, MarketingLite: st.Billing.Stated.MarketingLite,
		},
		CardsUsed: []reports.CardUsed{},
	}
	if s.RateFiles == nil {
		s.RateFiles = []pricing.File{}
	}
	s.TiersUnused.File, s.TiersUnused.Messages = tiersUnused(o.RateFiles, st.Billing), st.Billing.Tiered
	if o.Billing.EntryPointV1 != 0 && st.Billing.EntryPointsV1 == 0 {
		s.EntryPointUnused = int(o.Billing.EntryPointV1 / model.Hour)
	}
	s.Skipped, s.SkipReasons, s.Duplicates, s.Overrides = c.Skipped, c.SkipReasons, c.Duplicates, c.CountryOverrides
	s.Ignored, s.FirstDuplicate, s.NaiveTimes, s.Webhook = c.Ignored, c.FirstDuplicate, c.NaiveTimes, c.Webhook
	s.DuplicateCheck = reports.NewDuplicateCheck(c.Dedup)
	for _, cu := range st.Cards {
		used := reports.CardUsed{PricingModel: cu.Model.String(), Currency: cu.Currency,
			Effective: cu.Effective.Format(time.DateOnly), Messages: cu.Charged}
		newer, ok, err := billing.NewerElsewhere(o.Billing, cu)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			loc := o.Billing.Location
			if loc == nil {
				loc = time.UTC
			}
			used.Newer = &reports.NewerCard{Currency: newer.Currency, Effective: newer.Effective.Format(time.DateOnly),
				LastPriced: cu.Last.In(loc).Format(time.DateOnly)}
		}
		s.CardsUsed = append(s.CardsUsed, used)
	}
	return s, rows, nil
}

// source adapts a trace reader to the replay, counts user messages, and stops the
// replay when ctx ends (checked every checkEvery records: cheap, and well within a
// second at any decoding speed).
type source struct {
	r        trace.Reader
	ctx      context.Context
	users    int64
	n        int
	progress func(int64) // Options.Progress
}

const (
	checkEvery    = 1024
	progressEvery = 64 * checkEvery
)

func (s *source) Next(r *model.Record) error {
	if s.n++; s.n%checkEvery == 0 {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		if s.progress != nil && s.n%progressEvery == 0 {
			s.progress(int64(s.n))
		}
	}
	if err := s.r.Next(r); err != nil {
		return err
	}
	if r.Direction == model.FromUser {
		s.users++
	}
	return nil
}

// Replay bills the trace exactly and writes messages.parquet (one row per business
// message), bill.parquet (month × market × category × type), summary.json (those of
// them o.Outputs asks for) and manifest.json as the set of o.Out (reports.Output: the folder is locked while it is
// written, and holds its previous set or the whole new one after any failure), after
// checking that the three totals agree to the micro. It streams: memory grows with
// users, not messages. It stops, writing nothing, when ctx ends.
func Replay(ctx context.Context, o Options) (*reports.ReplaySummary, error) {
	if o.Passes > 1 {
		return replayInPasses(ctx, o)
	}
	hashPiped(&o)
	op, err := reports.NewOutput(o.Out, o.Version)
	if err != nil {
		return nil, err
	}
	defer op.Close()
	s, rows, err := replayInto(ctx, op, o)
	if err != nil {
		return nil, err
	}
	if err := writeReplayFiles(op, o, s, rows); err != nil {
		return nil, err
	}
	return s, commitReplay(op, o, nil)
}

// replayInto bills o.Traces into op's messages.parquet and returns the summary and the
// bill's rows, checked to agree with what was written.
func replayInto(ctx context.Context, op *reports.Output, o Options) (*reports.ReplaySummary, []reports.BillRow, error) {
	topts, opts := o.Read, o.Billing
	r, err := trace.OpenAll(o.Traces, topts)
	if err != nil {
		return nil, nil, err
	}
	names := trace.NamesOf(r)
	// Decode on one core while billing and writing run on another.
	r = trace.Prefetch(r, 4096)
	defer r.Close()
	mw, err := reports.NewMessageWriter(o.Outputs.messagesPath(op), o.Version, opts.Markets, currencyOf(opts), opts.Location, o.Outputs.slim())
	if err != nil {
		return nil, nil, err
	}
	defer mw.Abort() // nothing once Close has succeeded
	src := &source{r: r, ctx: ctx, progress: o.Progress}
	st, err := replayWith(src, opts, o.Workers, mw, true)
	if err != nil {
		return nil, nil, trace.AtFiles(names, err)
	}
	s, rows, err := summarizeReplay(mw, st, src.users, trace.CountsOf(src.r), o)
	if err != nil {
		return nil, nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, nil, err
	}
	return s, rows, nil
}

// DefaultWorkers is how many goroutines bill a replay unless told: every core but the
// two that reading the trace and writing messages.parquet keep busy, and at least one.
// On a 2-core machine two billing workers ran at 0.89 times the speed of one
// (`go run ./cmd/bench --only replay`), the merge of their messages costing more than
// the second core gave.
func DefaultWorkers() int { return max(1, runtime.GOMAXPROCS(0)-2) }

// replayWith bills src into sink on workers workers (0: DefaultWorkers): replay.Replay
// itself for one. A sink that reads business messages only (reports.MessageWriter)
// may not get the user messages.
func replayWith(src replay.RecordSource, opts billing.Options, workers int, sink replay.Sink, business bool) (replay.Stats, error) {
	if workers <= 0 {
		workers = DefaultWorkers()
	}
	if workers == 1 {
		return replay.Replay(src, opts, sink)
	}
	return replayParallel(src, opts, parallel{workers: workers, round: roundSize, business: business}, sink)
}

// writeReplayFiles writes bill.parquet and summary.json, those of them o.Outputs asks
// for, into op beside the messages.parquet a replay wrote there.
func writeReplayFiles(op *reports.Output, o Options, s *reports.ReplaySummary, rows []reports.BillRow) error {
	if o.Outputs.has(OutBill) {
		if err := reports.WriteBill(op.Path(reports.BillFile), rows, currencyOf(o.Billing), o.Version); err != nil {
			return err
		}
	}
	if !o.Outputs.has(OutSummary) {
		return nil
	}
	return reports.WriteJSON(op.Path(reports.SummaryFile), s)
}

// commitReplay writes op's manifest and moves the set in; restaffed (the scenario
// whose agents answered) is in the manifest, nil for a plain replay.
func commitReplay(op *reports.Output, o Options, restaffed *scenarios.Scenario) error {
	var sc any // null for a plain replay
	if restaffed != nil {
		sc = restaffed
	}
	m, err := replayManifest(o, sc)
	if err != nil {
		return err
	}
	return op.Commit(m)
}

// replayManifest is the manifest of a replay: the command line, the trace's files and
// the mapping (with SHA-256), and the rate and tier files, as run's records its own.
func replayManifest(o Options, sc any) (*reports.Manifest, error) {
	in, err := replayInputs(o)
	if err != nil {
		return nil, err
	}
	return manifestOf(o, sc, in)
}

// replayInputs are the files a replay reads, hashed: the trace's, then the mapping and
// the accounts file.
func replayInputs(o Options) ([]reports.Input, error) {
	m := &reports.Manifest{}
	files, err := trace.Files(o.Traces)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if err := m.AddInput("trace", f); err != nil {
			return nil, err
		}
	}
	pipedInputs(m.Inputs, o.Read.Piped)
	if o.MappingFile != "" {
		if err := m.AddInput("mapping", o.MappingFile); err != nil {
			return nil, err
		}
	}
	if o.Accounts != nil {
		m.Inputs = append(m.Inputs, *o.Accounts)
	}
	return m.Inputs, nil
}

// pipedInputs records in inputs the SHA-256 and size of those read from standard input
// or a pipe (which cannot be hashed before they are read), once piped has hashed them
// to their end.
func pipedInputs(inputs []reports.Input, piped *trace.Piped) {
	for i, in := range inputs {
		if sum, n, ok := piped.Digest(in.Path); ok && in.SHA256 == "" {
			inputs[i].SHA256, inputs[i].Bytes, inputs[i].Note = sum, n, reports.PipedNote
		}
	}
}

// hashPiped makes o's trace reader hash standard input and pipes as it reads them, for
// the manifest to record their SHA-256 as a file's (pipedInputs).
func hashPiped(o *Options) {
	if o.Read.Piped == nil {
		o.Read.Piped = new(trace.Piped)
	}
}

// manifestOf is a replay's manifest with its inputs already hashed (a merge has no
// trace to hash: its shards recorded them).
func manifestOf(o Options, sc any, inputs []reports.Input) (*reports.Manifest, error) {
	m, err := reports.NewManifest(o.Version, o.Args, sc)
	if err != nil {
		return nil, err
	}
	m.SetRateFiles(o.RateFiles)
	m.Inputs = inputs
	return m, nil
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

// tiersUnused is the tier file among files that priced no message of b, which had
// messages that count toward volume tiers (ReplaySummary.TiersUnused); "" otherwise.
func tiersUnused(files []pricing.File, b billing.Stats) string {
	if b.Tiered == 0 || b.Banded > 0 {
		return ""
	}
	for _, f := range files {
		if f.Role == "tiers" {
			return f.Path
		}
	}
	return ""
}
