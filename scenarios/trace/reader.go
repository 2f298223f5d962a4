package trace

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
)

// reader is the pipeline every format shares:
//
//	source (parse, validate a row) → [external sort] → reply chain → user/country rule
//	→ order check (unsorted input only) → de-duplication by message_id
//
// The reply chain runs after the sort because a reply can only be resolved once the
// message it answers has been seen, and only time order guarantees that.
type reader struct {
	src  source
	b    *builder
	file string
	unit string // "line" or "row", for the order error
	opt  Options

	sorter *sorter[row]
	sorted bool

	replies *recent[string] // message id → user, for reply_to
	seen    *idSet          // message id → delivered yet

	batch     batchSource // src, when it decodes in batches ahead
	touchLeft int         // rows until prefetchIDs looks ahead again

	prevTS   model.Time
	prevLine int64
	havePrev bool
	multi    multiSource // a set of files: rows name theirs in Source; nil for one

	skipped    int64
	reasons    []string // of the first MaxSkipReasons skipped rows
	duplicates int64
	firstDup   string // where the first duplicate was, and its id first (Counts.FirstDuplicate)
	overrides  int64
	webhook    bool // one file read as a webhook log (a set says so itself: multiSource)
	any        bool // a record has been handed out
	err        error
	closed     bool
	cur        row
}

type builderOf interface{ builder() *builder }

func newReader(src source, file, unit string, o Options) *reader {
	rd := &reader{src: src, file: file, unit: unit, opt: o}
	rd.multi, _ = src.(multiSource)
	rd.batch, _ = src.(batchSource)
	if bo, ok := src.(builderOf); ok {
		rd.b = bo.builder()
	} else {
		rd.b = newBuilder(file)
	}
	if o.Sort {
		order := rowsByTS
		if or, ok := src.(interface{ order() extSort[row] }); ok {
			order = or.order()
		}
		rd.sorter = newSorter(o.SortChunkRows, o.TempDir, order)
	}
	if o.Mapping != nil && o.Mapping.ReplyTo != "" {
		rd.replies = newRecent[string](o.Mapping.replyMemory())
	}
	w := o.DedupWindow
	if w <= 0 {
		w = DefaultDedupWindow
	}
	w = min(w, MaxDedupWindow)
	rd.seen = newIDSet(w)
	return rd
}

func (rd *reader) Skipped() int64    { return rd.skipped }
func (rd *reader) Duplicates() int64 { return rd.duplicates }

func (rd *reader) Counts() Counts {
	return Counts{Skipped: rd.skipped, SkipReasons: rd.reasons[:len(rd.reasons):len(rd.reasons)],
		Duplicates: rd.duplicates, FirstDuplicate: rd.firstDup, Ignored: rd.Ignored(), CountryOverrides: rd.overrides,
		NaiveTimes: rd.naiveTimes(), Dedup: rd.seen.reach(), Webhook: rd.webhook || rd.multi != nil && rd.multi.webhookRead()}
}

// skip counts a row skipped as invalid, keeping the first few reasons.
func (rd *reader) skip(err error) {
	rd.skipped++
	if len(rd.reasons) < MaxSkipReasons {
		rd.reasons = append(rd.reasons, err.Error())
	}
}

// allInvalid is the error of a trace whose every row was skipped as invalid: a
// reader that found nothing says so, rather than handing over an empty trace that
// would bill as nothing owed.
func (rd *reader) allInvalid() error {
	what := fmt.Sprintf("all %d %ss of the trace were invalid and skipped; the first: %s", rd.skipped, rd.unit, rd.reasons[0])
	if rd.skipped == 1 {
		what = "the trace's only " + rd.unit + " was invalid and skipped: " + rd.reasons[0]
	}
	return &Error{File: rd.file, Msg: "nothing to read: " + what}
}

// naiveTimes is what the source says of timestamps with no time zone (naiveSource).
func (rd *reader) naiveTimes() string {
	if ns, ok := rd.src.(naiveSource); ok {
		return ns.naiveTimes()
	}
	return ""
}

func (rd *reader) Ignored() int64 {
	if ig, ok := rd.src.(Ignorer); ok {
		return ig.Ignored()
	}
	return 0
}

func (rd *reader) Close() error {
	if rd.closed {
		return nil
	}
	rd.closed = true
	if rd.err == nil {
		rd.err = errClosed
	}
	err := rd.src.close()
	if rd.sorter != nil {
		if e := rd.sorter.close(); err == nil {
			err = e
		}
	}
	return err
}

// pull gets the next row from the source, skipping bad rows when allowed.
func (rd *reader) pull(r *row) error {
	for {
		err := rd.src.next(r)
		if err != nil && rd.opt.SkipInvalid && skippable(err) {
			rd.skip(err)
			continue
		}
		return err
	}
}

func (rd *reader) Next(out *Record) error {
	if rd.err != nil {
		return rd.err
	}
	for {
		r, err := rd.step()
		if err == nil {
			*out = r.Record
			rd.any = true
			return nil
		}
		if err == errDuplicate {
			continue
		}
		if rd.opt.SkipInvalid && skippable(err) {
			rd.skip(err)
			continue
		}
		if err == io.EOF && !rd.any && rd.skipped > 0 {
			err = rd.allInvalid()
		}
		rd.err = err
		return err
	}
}

// step returns the next row through the pipeline: rd.cur, or a row of the source's
// batch (batchSource), valid until the next step.
func (rd *reader) step() (*row, error) {
	r := &rd.cur
	switch {
	case rd.sorter != nil:
		if !rd.sorted {
			if err := rd.fill(); err != nil {
				return nil, err
			}
			rd.sorted = true
		}
		if err := rd.sorter.next(r); err != nil {
			return nil, err
		}
	case rd.batch != nil:
		rd.prefetchIDs()
		var err error
		if r, err = rd.take(); err != nil {
			return nil, err
		}
	default:
		if err := rd.pull(r); err != nil {
			return nil, err
		}
	}
	return r, rd.finish(r)
}

// batchSource is a source that decodes rows in batches ahead of the reader (Parquet).
// take is next without the copy: the row stays in the batch, the reader's until the
// next call; ahead is the rows the calls after it will return, some perhaps bad rows.
type batchSource interface {
	take() (*row, error)
	ahead() []row
}

// take is pull for a batchSource.
func (rd *reader) take() (*row, error) {
	for {
		r, err := rd.batch.take()
		if err != nil && rd.opt.SkipInvalid && skippable(err) {
			rd.skip(err)
			continue
		}
		return r, err
	}
}

// idLookahead is how many rows' ids are looked up ahead in the id set.
const idLookahead = 32

// prefetchIDs touches the id set where the next rows' ids will be looked up, every
// idLookahead rows: those loads do not wait on one another, so the memory system
// fetches them together, where looking each id up in turn waited for one cache miss
// after another (the set is a few megabytes).
func (rd *reader) prefetchIDs() {
	if rd.touchLeft > 0 {
		rd.touchLeft--
		return
	}
	rows := rd.batch.ahead()
	if len(rows) > idLookahead {
		rows = rows[:idLookahead]
	}
	rd.seen.touch(rows)
	rd.touchLeft = max(len(rows)-1, 0)
}

// earlyRules are the checks of finish that need no other row, for a source that
// decodes rows on several cores to do as it builds them: the user/country rule, where
// the row passes it, and the hash of its message id. A row that fails the rule is left
// as it was, for finish to find the same error in its place (or count the override).
// Not with Sort: the rows are spilled to disk before finish, which does it all then.
type earlyRules struct {
	on             bool
	defaultCountry string
}

func newEarlyRules(o Options) earlyRules {
	return earlyRules{on: !o.Sort, defaultCountry: o.DefaultCountry}
}

func (e *earlyRules) apply(r *row) {
	if !e.on || r.replyTo != "" {
		return
	}
	if r.MessageID != "" {
		r.idHash, r.hashed = idHash(r.MessageID), true
		r.fp = rowPrint(r.MessageID, r.User, r.Direction, r.Category)
	}
	if r.Country == "" {
		c, _, msg := userRule(r.User, "", e.defaultCountry)
		if msg != "" {
			return
		}
		r.Country = c
	} else if market.IsE164(r.User) && market.CheckNumberCountry(r.User, r.Country) != nil {
		return
	}
	r.ruled = true
}

// fill feeds the whole source to the sorter.
func (rd *reader) fill() error {
	var r row
	for {
		err := rd.pull(&r)
		if err == io.EOF {
			return rd.sorter.finish()
		}
		if err != nil {
			return err
		}
		if err := rd.sorter.add(&r); err != nil {
			return err
		}
	}
}

// builderOf is the builder of r's file: its name and column names, for errors.
func (rd *reader) builderOf(r *row) *builder {
	if rd.multi != nil {
		return rd.multi.builderAt(r.Source)
	}
	return rd.b
}

// Names are the names of the trace's files, by Record.Source: each file's path under
// the folder or glob it was found in, else its base name.
func (rd *reader) Names() []string {
	if rd.multi != nil {
		return rd.multi.names()
	}
	return []string{rd.file}
}

// finish applies the rules that need rows in time order.
func (rd *reader) finish(r *row) error {
	r.Redelivered = false
	if rd.replies != nil {
		if r.replyTo != "" {
			u, ok := rd.replies.get(r.replyTo)
			if !ok {
				msg := fmt.Sprintf("message %s is not earlier in the trace (or was forgotten: reply_memory), so the user it answers is unknown", quote(r.replyTo))
				if rd.sorter == nil {
					msg += "; if the trace is not sorted by ts, pass --sort"
				}
				return &Error{File: rd.builderOf(r).file, Line: r.Line, Column: rd.opt.Mapping.ReplyTo, row: true, Msg: msg}
			}
			r.User = u
		}
		if r.MessageID != "" {
			// Cloned: the key and value would otherwise keep their whole row's text alive.
			rd.replies.put(strings.Clone(r.MessageID), strings.Clone(r.User))
		}
	}
	if r.ruled {
		// The source applied the rule below while it decoded (earlyRules).
	} else if r.Country == "" {
		c, field, msg := userRule(r.User, "", rd.opt.DefaultCountry)
		if msg != "" {
			return rd.builderOf(r).err(r.Line, field, msg)
		}
		r.Country = c
	} else if market.IsE164(r.User) {
		// A country that contradicts the number prices the message in the wrong
		// market: an error, or with CountryOverrides the column's word, counted.
		if err := market.CheckNumberCountry(r.User, r.Country); err != nil {
			if !rd.opt.CountryOverrides {
				var ne *market.NumberError
				errors.As(err, &ne)
				return rd.builderOf(r).err(r.Line, fCountry, fmt.Sprintf("%s contradicts user %s, which%s; correct the country (or let it decide with --country-overrides)", quote(r.Country), r.User, ne.Reason))
			}
			rd.overrides++
		}
	}
	if rd.sorter == nil && rd.multi == nil { // a set of files checks each file's order
		if rd.havePrev && r.TS < rd.prevTS {
			return &Error{File: rd.file, Line: r.Line, Column: rd.b.cols[fTS], Err: ErrUnsorted,
				Msg: fmt.Sprintf("%s is earlier than %s on %s %d; sort the trace by ts or pass --sort", r.TS, rd.prevTS, rd.unit, rd.prevLine)}
		}
		rd.prevTS, rd.prevLine, rd.havePrev = r.TS, r.Line, true
	}
	if r.MessageID != "" {
		delivered := r.Direction == model.FromBusiness && r.Status.WasDelivered()
		// A log of status events repeats a message's id: sent, then delivered. The first
		// delivered report of a message that was so far only sent goes through, so the
		// message is billed once, when it was delivered. (Ids are copied into the set.)
		h, fp := r.idHash, r.fp
		if !r.hashed {
			h, fp = idHash(r.MessageID), rowPrint(r.MessageID, r.User, r.Direction, r.Category)
		}
		at := rowAt(r.Source, r.Line)
		switch verdict, first := rd.seen.see(r.MessageID, h, fp, delivered, at, r.TS); verdict {
		case idRepeat:
			// A retry (a webhook delivered twice, a log's repeated line): counted, and
			// the first one said on stderr.
			if rd.duplicates++; rd.duplicates == 1 {
				rd.firstDup = rd.place(at) + " repeats " + rd.place(first)
			}
			return errDuplicate
		case idDelivered:
			// Its earlier row went through as a business message not delivered: this
			// one is the same message, now delivered, and billed.
			r.Redelivered = true
		case idClash:
			return rd.builderOf(r).err(r.Line, fMessageID, fmt.Sprintf(
				"%s already names the message on %s, which has another user, direction or category: an id names one message (a retry repeats it whole); give each message its own id",
				quote(r.MessageID), rd.placeFrom(r.Source, first)))
		}
	}
	return nil
}

// place is where at (rowAt) is: file:line.
func (rd *reader) place(at uint64) string {
	src, line := atOf(at)
	return fmt.Sprintf("%s:%d", rd.Names()[min(int(src), len(rd.Names())-1)], line)
}

// placeFrom is where at is, said from a row of file src: "line 3" (row, for Parquet)
// in the same file, else file:line.
func (rd *reader) placeFrom(src uint16, at uint64) string {
	if s, line := atOf(at); s == src {
		return fmt.Sprintf("%s %d", rd.unit, line)
	}
	return rd.place(at)
}

var errClosed = errors.New("trace: Next after Close")

// ErrUnsorted marks the error for a row whose ts goes backwards (errors.Is).
var ErrUnsorted = errors.New("trace not sorted by ts")

// errDuplicate drops a row silently; it is counted in Duplicates, not Skipped.
var errDuplicate = &Error{row: true, Msg: "duplicate message_id"}

// recent is a map that remembers at least max of its most recent keys in two
// generations: when the current one fills it becomes the old one and the older is
// dropped. Memory is bounded without per-entry bookkeeping.
type recent[V any] struct {
	cur, old map[string]V
	max      int
}

func newRecent[V any](max int) *recent[V] {
	return &recent[V]{cur: make(map[string]V), max: max}
}

func (m *recent[V]) get(k string) (V, bool) {
	if v, ok := m.cur[k]; ok {
		return v, true
	}
	v, ok := m.old[k]
	return v, ok
}

func (m *recent[V]) put(k string, v V) {
	if len(m.cur) >= m.max {
		m.old, m.cur = m.cur, make(map[string]V, m.max)
	}
	m.cur[k] = v
}
