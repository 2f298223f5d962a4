package rebill

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/klauspost/compress/zstd"

	"github.com/spendsim/spendsim/internal/safefile"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios/trace"
	"github.com/spendsim/spendsim/sim/replay"
)

// A sharded replay: shard K of N reads the whole trace (every shard deals it alike, so
// each record keeps its place in the trace) and bills only the users replay.PartOf
// hashes to K, with one replay.Part. It writes what a parallel replay's workers hand
// its merger: each business message billed, its claim on the account counters still
// unsettled (messages-K-of-N.bin.zst, partcodec.go), and the place in the trace of each of its pairs'
// first records (pairs-K-of-N.bin), then its manifest (shard-K-of-N.json), last, so
// that a manifest marks a complete part. MergeReplay (shardmerge.go) settles them.

// ReplayShardsDir is the folder of OUT that holds a sharded replay's parts.
const ReplayShardsDir = "replay-shards"

func shardName(kind string, k, n int, ext string) string {
	return filepath.Join(ReplayShardsDir, fmt.Sprintf("%s-%d-of-%d.%s", kind, k, n, ext))
}

// ReplayShardManifest describes one finished shard of a replay: what merge needs to
// check the shards belong together and to write the unsharded replay's summary and
// manifest without the trace.
type ReplayShardManifest struct {
	Tool     string `json:"tool"`
	Version  string `json:"version"`
	Shard    int    `json:"shard"`  // 0-based
	Shards   int    `json:"shards"` // N; this shard billed the users replay.PartOf hashes to Shard
	Messages string `json:"messages_part"`
	Pairs    string `json:"pairs_part"`
	// The parts' SHA-256 and sizes, as the shard wrote them: merge reads a part only if
	// it still has them.
	MessagesSHA256 string `json:"messages_sha256"`
	MessagesBytes  int64  `json:"messages_bytes"`
	PairsSHA256    string `json:"pairs_sha256"`
	PairsBytes     int64  `json:"pairs_bytes"`
	// PartFormat is the layout of the messages part (partFormat); merge reads only
	// its own.
	PartFormat int `json:"part_format"`
	// MessageCount is the business messages in the messages part, PairCount the pairs
	// in the pairs part.
	MessageCount int64 `json:"message_count"`
	PairCount    int64 `json:"pair_count"`
	// Billing are the shard's billing counts, less what the account counters settle.
	Billing billing.Stats `json:"billing"`
	// The trace, alike in every shard: records, user messages, business numbers, the
	// reader's counts, the files' names (for errors) and the inputs as manifest.json
	// records them.
	Records      int64           `json:"records"`
	UserMessages int64           `json:"user_messages"`
	Numbers      int64           `json:"numbers"`
	Accounts     int64           `json:"accounts"`
	Counts       trace.Counts    `json:"counts"`
	Names        []string        `json:"names"`
	Inputs       []reports.Input `json:"inputs"`
	Traces       []string        `json:"traces"`
	Args         []string        `json:"args"`
	Pricing      string          `json:"pricing"`
	Rates        string          `json:"rates"`
	RateFiles    []pricing.File  `json:"rate_files"`
	Outputs      Outputs         `json:"outputs"`
	// Settings are the billing options as given (ShardOptions.Settings): merge must be
	// given the same. ReadSettings say how the trace was read: every shard alike.
	Settings     []string `json:"settings"`
	ReadSettings []string `json:"read_settings"`
	// Command is the shard's command line as given (program, command, flags), from
	// which merge prints the command that runs a shard again.
	Command []string `json:"command,omitempty"`
}

// ShardOptions are which shard of a replay to bill, and the options as the user gave
// them (flags, "--pricing=pmp-2025"), which every shard must share: Settings, how the
// trace is billed, which the merge must be given too, and ReadSettings, how it is read.
type ShardOptions struct {
	Shard, Shards int // K of N, K from 0
	Settings      []string
	ReadSettings  []string
	Command       []string // the command line as given, for the manifest (ReplayShardManifest.Command)
	// unhashed leaves the parts' SHA-256 out of the manifest: a replay in passes merges
	// its own parts at once, and reading them again to hash them would cost a pass.
	unhashed bool
}

// partMsg is one billed business message of a part.
type partMsg struct {
	Key   replay.Key
	Rec   model.Record
	Msg   model.Message
	Ch    pricing.Charge
	Claim billing.ClaimRecord
}

// partWriter writes what the shard's Part bills: business messages to the messages
// part, the first record of each new pair to the pairs stream.
type partWriter struct {
	enc      partEncoder
	pairs    *bufio.Writer
	lastSeq  uint64
	messages int64
	npairs   int64
	err      error
	buf      [binary.MaxVarintLen64]byte
}

func (w *partWriter) Billed(k replay.Key, rec *model.Record, m *model.Message, ch *pricing.Charge, c *billing.Claim) error {
	if m.Direction != model.FromBusiness {
		return nil // they claim nothing
	}
	w.messages++
	cl := c.Record()
	return w.enc.encode(k, rec, m, ch, &cl)
}

// newPair records seq, the place of a pair's first record: ascending, so as deltas.
func (w *partWriter) newPair(seq uint64) {
	n := binary.PutUvarint(w.buf[:], seq-w.lastSeq)
	w.lastSeq = seq
	w.npairs++
	if _, err := w.pairs.Write(w.buf[:n]); err != nil && w.err == nil {
		w.err = err
	}
}

// ReplayShard bills shard so.Shard of so.Shards of o's trace into o.Out's
// replay-shards folder, o.Workers aside: a shard bills on one core. It writes no
// manifest when ctx ends or anything fails, and leaves no half-written part.
func ReplayShard(ctx context.Context, o Options, so ShardOptions) (*ReplayShardManifest, error) {
	return replayShard(ctx, o, so, nil)
}

// replayShard is ReplayShard with the trace's inputs already hashed (nil: hash them).
func replayShard(ctx context.Context, o Options, so ShardOptions, inputs []reports.Input) (_ *ReplayShardManifest, err error) {
	k, n := so.Shard, so.Shards
	hashPiped(&o)
	if n < 1 || k < 0 || k >= n {
		return nil, fmt.Errorf("rebill: shard %d of %d: want 0 <= K < N", k, n)
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, fmt.Errorf("rebill: %w", err)
	}
	if _, err := safefile.MkdirInside(o.Out, ReplayShardsDir); err != nil {
		return nil, fmt.Errorf("rebill: %w", err)
	}
	lock, err := safefile.LockPart(o.Out, fmt.Sprintf("replay-shard-%d-of-%d", k, n))
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	m := &ReplayShardManifest{Tool: "spendsim", Version: o.Version, Shard: k, Shards: n,
		Messages: messagesPart(k, n), Pairs: shardName("pairs", k, n, "bin"), PartFormat: partFormat,
		Traces: o.Traces, Args: o.Args, Pricing: o.Pricing, Rates: o.Rates, RateFiles: o.RateFiles,
		Outputs: o.Outputs, Settings: so.Settings, ReadSettings: so.ReadSettings, Command: so.Command}
	if m.Args == nil {
		m.Args = []string{}
	}
	if m.RateFiles == nil {
		m.RateFiles = []pricing.File{}
	}
	manifest := shardName("shard", k, n, "json")
	if err := safefile.RemoveInside(o.Out, manifest); err != nil {
		return nil, fmt.Errorf("rebill: %w", err)
	}
	// A shard that fails (a full disk as its manifest is written) leaves no part
	// without its manifest.
	defer func() {
		if err != nil {
			safefile.RemoveInside(o.Out, m.Messages)
			safefile.RemoveInside(o.Out, m.Pairs)
		}
	}()
	if m.Inputs = inputs; m.Inputs == nil {
		if m.Inputs, err = replayInputs(o); err != nil {
			return nil, err
		}
	}
	// A killed try of this shard may have left its temporaries.
	for _, rel := range []string{m.Messages, m.Pairs} {
		if err := safefile.RemoveTemps(filepath.Join(o.Out, rel)); err != nil {
			return nil, fmt.Errorf("rebill: %w", err)
		}
	}
	mf, err := safefile.Create(filepath.Join(o.Out, m.Messages), 0)
	if err != nil {
		return nil, err
	}
	defer mf.Abort()
	pf, err := safefile.Create(filepath.Join(o.Out, m.Pairs), 0)
	if err != nil {
		return nil, err
	}
	defer pf.Abort()
	// A part is compressed as it is written: over a shared file system the bytes
	// moved count, and its records repeat their business number and much else.
	zw, err := zstd.NewWriter(mf, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(partWindow))
	if err != nil {
		return nil, fmt.Errorf("rebill: %w", err)
	}
	defer zw.Close()
	pw := &partWriter{enc: partEncoder{w: bufio.NewWriterSize(zw, partBuffer)}, pairs: bufio.NewWriter(pf)}
	if err := billShard(ctx, o, m, pw, k, n); err != nil {
		return nil, err
	}
	if err := pw.enc.w.Flush(); err != nil {
		return nil, fmt.Errorf("rebill: %s: %w", mf.Path(), err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("rebill: %s: %w", mf.Path(), err)
	}
	if pw.err == nil {
		pw.err = pw.pairs.Flush()
	}
	if pw.err != nil {
		return nil, fmt.Errorf("rebill: %s: %w", pf.Path(), pw.err)
	}
	m.MessageCount, m.PairCount = pw.messages, pw.npairs
	pipedInputs(m.Inputs, o.Read.Piped) // standard input, hashed as it was read
	if err := mf.Commit(); err != nil {
		return nil, err
	}
	if err := pf.Commit(); err != nil {
		return nil, err
	}
	if so.unhashed {
		return m, reports.WriteJSON(filepath.Join(o.Out, manifest), m)
	}
	// Read back as merge will check them (checkParts).
	if m.MessagesSHA256, m.MessagesBytes, err = safefile.HashFile(filepath.Join(o.Out, m.Messages)); err != nil {
		return nil, err
	}
	if m.PairsSHA256, m.PairsBytes, err = safefile.HashFile(filepath.Join(o.Out, m.Pairs)); err != nil {
		return nil, err
	}
	return m, reports.WriteJSON(filepath.Join(o.Out, manifest), m)
}

// partWindow is the zstd window of a messages part: merge reads N of them at once, so
// each one's decoder must stay small.
const partWindow = 1 << 20

// partBuffer is the buffer between a messages part's frames and its zstd stream.
const partBuffer = 64 << 10

// messagesPart is the path in OUT of shard k of n's messages part.
func messagesPart(k, n int) string { return shardName("messages", k, n, "bin.zst") }

// shardBatch is how many of its records a shard hands its Part at once.
const shardBatch = 4096

// billShard reads the trace, deals every record and bills shard k's into pw.
func billShard(ctx context.Context, o Options, m *ReplayShardManifest, pw *partWriter, k, n int) error {
	r, err := trace.OpenAll(o.Traces, o.Read)
	if err != nil {
		return err
	}
	m.Names = trace.NamesOf(r)
	r = trace.Prefetch(r, 4096)
	defer r.Close()
	p, err := replay.NewPart(o.Billing)
	if err != nil {
		return err
	}
	src := &source{r: r, ctx: ctx, progress: o.Progress}
	d := replay.NewDealer(n)
	d.SetAccounts(o.Billing)
	batch := make([]replay.Dealt, 0, shardBatch)
	feed := func() error {
		err := p.Feed(batch, pw, pw.newPair)
		batch = batch[:0]
		return err
	}
	var rec model.Record
	for {
		if err := src.Next(&rec); err != nil {
			if !errors.Is(err, io.EOF) {
				return trace.AtFiles(m.Names, err)
			}
			break
		}
		m.Records++
		if err := d.Check(&rec); err != nil {
			return trace.AtFiles(m.Names, err)
		}
		var dl replay.Dealt
		w, err := d.Deal(&rec, &dl)
		if err != nil {
			return trace.AtFiles(m.Names, err)
		}
		if w != k {
			continue
		}
		if batch = append(batch, dl); len(batch) == shardBatch {
			if err := feed(); err != nil {
				return trace.AtFiles(m.Names, err)
			}
		}
	}
	if err := feed(); err != nil {
		return trace.AtFiles(m.Names, err)
	}
	if err := p.FlushAll(pw); err != nil {
		return trace.AtFiles(m.Names, err)
	}
	m.Billing, m.UserMessages, m.Numbers, m.Accounts = p.Stats(), src.users, int64(d.Numbers()), int64(d.Accounts())
	m.Counts = trace.CountsOf(r)
	return nil
}
