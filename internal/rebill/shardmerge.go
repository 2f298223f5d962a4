package rebill

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"

	"github.com/klauspost/compress/zstd"

	"github.com/spendsim/spendsim/internal/limits"
	"github.com/spendsim/spendsim/internal/safefile"
	"github.com/spendsim/spendsim/internal/sweep"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/model/window"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios/trace"
	"github.com/spendsim/spendsim/sim/replay"
)

// maxShardManifest caps the size of a shard manifest merge reads: parts are our
// files, but a folder may hold anything.
const maxShardManifest = 16 << 20

var replayShardName = regexp.MustCompile(`^shard-(\d+)-of-(\d+)\.json$`)

// ReadReplayShards reads every shard manifest in dir's replay-shards folder and checks
// that they are the N shards of one replay, each once, of the same trace, options and
// rate files. They come back in shard order.
func ReadReplayShards(dir string) ([]ReplayShardManifest, error) {
	folder := filepath.Join(dir, ReplayShardsDir)
	entries, err := os.ReadDir(folder)
	if errors.Is(err, fs.ErrNotExist) {
		_, err := FindShards(dir)
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	var ms []ReplayShardManifest
	var broken func() error // the first manifest that could not be decoded, said once the others give the command that reruns it
	for _, e := range entries {
		g := replayShardName.FindStringSubmatch(e.Name())
		if g == nil || !e.Type().IsRegular() {
			continue // parts, temporaries of a shard still writing, unrelated files
		}
		p := filepath.Join(folder, e.Name())
		k, _ := strconv.Atoi(g[1])
		n, _ := strconv.Atoi(g[2])
		m, size, err := readShardManifest(p)
		var undecoded *undecodedManifest
		if errors.As(err, &undecoded) {
			if broken == nil {
				broken = func() error {
					rerun := ""
					if len(ms) > 0 {
						rerun = rerunShard(dir, &ms[0], k, n)
					}
					return sweep.ManifestError(p, size, undecoded.err, k, n, rerun)
				}
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		if m.PartFormat != partFormat {
			was := fmt.Sprintf("format %d", m.PartFormat)
			if m.PartFormat == 0 {
				was = "the gob format of an earlier spendsim"
			}
			return nil, fmt.Errorf("%s: its messages part is in %s, and this spendsim reads only its own format %d: re-run the shards with this spendsim (spendsim replay --shard K/N), then merge",
				p, was, partFormat)
		}
		if m.Shard != k || m.Shards != n || m.Messages != messagesPart(k, n) || m.Pairs != shardName("pairs", k, n, "bin") {
			return nil, fmt.Errorf("%s: says shard %d of %d with parts %q and %q; a replay shard's parts are %s and %s, and merge reads nothing else",
				p, m.Shard, m.Shards, m.Messages, m.Pairs, messagesPart(k, n), shardName("pairs", k, n, "bin"))
		}
		ms = append(ms, m)
	}
	if broken != nil {
		return nil, broken()
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("%s: no shard manifests: no replay shard has finished", folder)
	}
	sort.Slice(ms, func(i, j int) bool { return sweep.ShardLess(ms[i].Shard, ms[i].Shards, ms[j].Shard, ms[j].Shards) })
	ids := make([][2]int, len(ms))
	for i, m := range ms {
		ids[i] = [2]int{m.Shard, m.Shards}
	}
	if err := sweep.CheckSplit(dir, ids, replaySplit(dir, ms)); err != nil {
		return nil, err
	}
	for i := range ms[1:] {
		if why := sameReplay("shard", &ms[0], &ms[i+1]); why != "" {
			return nil, fmt.Errorf("shards %d and %d of %s replayed differently: %s; run every shard with the same trace files (by content: their paths may differ) and flags",
				ms[0].Shard, ms[i+1].Shard, dir, why)
		}
	}
	return ms, nil
}

// readShardManifest reads the shard manifest at p, and says its size.
func readShardManifest(p string) (ReplayShardManifest, int, error) {
	var m ReplayShardManifest
	data, err := limits.ReadFile(p, maxShardManifest, "a shard manifest")
	if err != nil {
		return m, 0, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, len(data), &undecodedManifest{p, err}
	}
	return m, len(data), nil
}

// undecodedManifest is a shard manifest that is not JSON of one (sweep.ManifestError).
type undecodedManifest struct {
	path string
	err  error
}

func (e *undecodedManifest) Error() string { return e.path + ": " + e.err.Error() }
func (e *undecodedManifest) Unwrap() error { return e.err }

// MergeOptions are a sharded replay's merge: its folder, the billing options (built
// from the same flags as every shard's: Settings must equal theirs, and the user's rate
// and tier files theirs, to the byte) and the version.
type MergeOptions struct {
	Out       string
	Billing   billing.Options
	Settings  []string
	RateFiles []pricing.File
	Version   string
}

// MergeReplay reads every shard's part in mo.Out, settles the account counters in one
// pass in billing order, and writes into mo.Out what the unsharded replay would have,
// byte for byte: messages.parquet, bill.parquet, summary.json, manifest.json. The parts
// are kept.
func MergeReplay(ctx context.Context, mo MergeOptions) (*reports.ReplaySummary, error) {
	op, err := reports.NewOutput(mo.Out, mo.Version)
	if err != nil {
		return nil, err
	}
	defer op.Close()
	ms, err := ReadReplayShards(mo.Out)
	if err != nil {
		return nil, err
	}
	first := &ms[0]
	if first.Version != mo.Version {
		return nil, fmt.Errorf("%s: the shards were written by spendsim %s, this is %s: merge with the version that billed them", mo.Out, first.Version, mo.Version)
	}
	if d := settingsDiff(contentSettings(first.Settings), contentSettings(mo.Settings)); d != "" {
		return nil, sweep.FlagsErrorf("%s: the shards were billed with %s; give spendsim merge the billing flags every shard had", mo.Out, d)
	}
	if d := rateFilesDiff("the shards", first.RateFiles, "merge", mo.RateFiles); d != "" {
		return nil, sweep.FlagsErrorf("%s: %s; give spendsim merge files of the same content as every shard had (their paths may differ)", mo.Out, d)
	}
	if err := checkParts(mo.Out, ms); err != nil {
		return nil, err
	}
	o := Options{Traces: first.Traces, Billing: mo.Billing, Pricing: first.Pricing, Rates: first.Rates, RateFiles: first.RateFiles,
		Out: mo.Out, Outputs: first.Outputs, Version: mo.Version, Args: first.Args}
	s, rows, err := mergeInto(ctx, op, o, mo.Out, ms)
	if err != nil {
		return nil, err
	}
	if err := writeReplayFiles(op, o, s, rows); err != nil {
		return nil, err
	}
	m, err := manifestOf(o, nil, first.Inputs)
	if err != nil {
		return nil, err
	}
	return s, op.Commit(m)
}

// partReader reads one shard's messages part.
type partReader struct {
	dec   partDecoder
	path  string
	count int64   // the messages its manifest counts
	left  int64   // messages still to read
	cur   partMsg // valid until the next call of next (partDecoder.decode)
	ok    bool
}

func (p *partReader) next() error {
	if p.left == 0 {
		p.ok = false
		if err := p.dec.atEnd(); err != nil {
			return fmt.Errorf("%s: %w: not the part its shard wrote", p.path, err)
		}
		return nil
	}
	if err := p.dec.decode(&p.cur); err != nil {
		if errors.Is(err, io.EOF) {
			err = fmt.Errorf("it ends after %d of the %d messages its manifest counts", p.count-p.left, p.count)
		}
		return fmt.Errorf("%s: %w (a part cut short or not written by spendsim)", p.path, err)
	}
	p.left--
	p.ok = true
	return nil
}

// mergeInto merges the shards' messages, their parts in dir, into op's messages.parquet.
func mergeInto(ctx context.Context, op *reports.Output, o Options, dir string, ms []ReplayShardManifest) (*reports.ReplaySummary, []reports.BillRow, error) {
	first := &ms[0]
	pairs, err := renumberShards(dir, ms)
	if err != nil {
		return nil, nil, err
	}
	parts := make([]*partReader, len(ms))
	for i := range ms {
		p, err := safefile.ReadInside(dir, ms[i].Messages)
		if err != nil {
			return nil, nil, err
		}
		f, err := os.Open(p)
		if err != nil {
			return nil, nil, err
		}
		defer f.Close()
		zr, err := zstd.NewReader(bufio.NewReader(f), zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(partWindow))
		if err != nil {
			return nil, nil, fmt.Errorf("rebill: %w", err)
		}
		defer zr.Close()
		parts[i] = &partReader{dec: partDecoder{r: bufio.NewReaderSize(zr, partBuffer)}, path: p, count: ms[i].MessageCount, left: ms[i].MessageCount}
		if err := parts[i].next(); err != nil {
			return nil, nil, err
		}
	}
	opts := o.Billing
	led, err := billing.NewLedger(opts)
	if err != nil {
		return nil, nil, err
	}
	mw, err := reports.NewMessageWriter(o.Outputs.messagesPath(op), o.Version, opts.Markets, currencyOf(opts), opts.Location, o.Outputs.slim())
	if err != nil {
		return nil, nil, err
	}
	defer mw.Abort()
	var cr billing.ClaimReader
	markets := opts.Markets
	if markets == nil {
		markets = market.Builtin()
	}
	for n := 0; ; n++ {
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		w := -1
		for k, p := range parts {
			if p.ok && (w < 0 || p.cur.Key.Less(parts[w].cur.Key)) {
				w = k
			}
		}
		if w < 0 {
			break
		}
		b := &parts[w].cur
		if int64(b.Msg.Pair) >= int64(len(pairs[w])) {
			return nil, nil, fmt.Errorf("%s: pair %d, of %d the shard saw: not the part its shard wrote", parts[w].path, b.Msg.Pair, len(pairs[w]))
		}
		if n := markets.Len(); int(b.Msg.Market) > n || int(b.Ch.Market) > n || int(b.Claim.Market) > n {
			return nil, nil, fmt.Errorf("%s: market %d, of the %d markets merge is given: not the part its shard wrote", parts[w].path, max(b.Msg.Market, b.Ch.Market, b.Claim.Market), n)
		}
		b.Msg.Pair = pairs[w][b.Msg.Pair]
		if b.Ch.ConversationID != 0 {
			b.Ch.ConversationID = window.Repair(b.Ch.ConversationID, b.Msg.Pair)
		}
		cl := cr.Claim(&b.Claim)
		if err := led.Settle(&b.Ch, &cl); err != nil {
			return nil, nil, trace.AtFiles(first.Names, &replay.LineError{Source: b.Rec.Source, Line: b.Rec.Line, Err: err})
		}
		if !b.Ch.Valid() { // settled, its codes are the vocabulary's
			return nil, nil, fmt.Errorf("%s: a charge of pricing model %d, type %d, category %d: not the part its shard wrote", parts[w].path, b.Ch.Model, b.Ch.Type, b.Ch.Category)
		}
		if err := mw.Message(&b.Rec, &b.Msg, &b.Ch); err != nil {
			return nil, nil, err
		}
		if err := parts[w].next(); err != nil {
			return nil, nil, err
		}
	}
	st := replay.Stats{Records: first.Records, Numbers: first.Numbers, Accounts: first.Accounts, Markets: opts.Markets, Currency: currencyOf(opts)}
	for i := range ms {
		st.Billing.Add(ms[i].Billing)
		st.Users += ms[i].PairCount
	}
	led.Settled(&st.Billing)
	st.Cards = led.CardUsed()
	if st.Markets == nil {
		st.Markets = market.Builtin()
	}
	s, rows, err := summarizeReplay(mw, st, first.UserMessages, first.Counts, o)
	if err != nil {
		return nil, nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, nil, err
	}
	return s, rows, nil
}

// renumberShards reads every shard's pairs part and gives each shard's pairs the ids a
// single Part would have given them: in order of their first record in the trace.
func renumberShards(dir string, ms []ReplayShardManifest) ([][]uint32, error) {
	type stream struct {
		r    *bufio.Reader
		path string
		seq  uint64
		left int64
		ok   bool
	}
	ss := make([]*stream, len(ms))
	advance := func(s *stream) error {
		if s.left == 0 {
			s.ok = false
			if _, err := s.r.ReadByte(); !errors.Is(err, io.EOF) {
				return fmt.Errorf("%s: more pairs than its manifest's count: not the part its shard wrote", s.path)
			}
			return nil
		}
		d, err := binary.ReadUvarint(s.r)
		if err != nil {
			return fmt.Errorf("%s: %w (a part cut short or not written by spendsim)", s.path, err)
		}
		s.seq += d
		s.left--
		s.ok = true
		return nil
	}
	out := make([][]uint32, len(ms))
	var total int64
	for i := range ms {
		p, err := safefile.ReadInside(dir, ms[i].Pairs)
		if err != nil {
			return nil, err
		}
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if total += ms[i].PairCount; ms[i].PairCount < 0 || total > 1<<32 {
			return nil, fmt.Errorf("%s: pair counts over 2^32: not shards spendsim wrote", dir)
		}
		// Each pair takes a byte at least: a count past the file's size is not its own.
		if st, err := f.Stat(); err != nil || ms[i].PairCount > st.Size() {
			return nil, fmt.Errorf("%s: %d pairs in a smaller file: not the part its shard wrote", p, ms[i].PairCount)
		}
		ss[i] = &stream{r: bufio.NewReader(f), path: p, left: ms[i].PairCount}
		out[i] = make([]uint32, 0, ms[i].PairCount)
		if err := advance(ss[i]); err != nil {
			return nil, err
		}
	}
	var next uint32
	for {
		w := -1
		for k, s := range ss {
			if s.ok && (w < 0 || s.seq < ss[w].seq) {
				w = k
			}
		}
		if w < 0 {
			return out, nil
		}
		out[w] = append(out[w], next)
		next++
		if err := advance(ss[w]); err != nil {
			return nil, err
		}
	}
}
