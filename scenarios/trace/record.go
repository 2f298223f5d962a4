package trace

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spendsim/spendsim/model"
)

// Record is one message of a trace, as read: model.Record, the domain's one record type
// shared with synthetic load. Strings are ordinary immutable Go strings (never views
// of a reused buffer), so a caller may keep them; they may share memory with the rest
// of their row, so a caller keeping millions of them should intern or strings.Clone
// them. Line is the 1-based line (CSV, JSONL, webhooks) or row (Parquet).
type Record = model.Record

// Reader streams the records of a trace in ts order.
type Reader interface {
	// Next fills r with the next record; io.EOF at the end. Any other error is
	// sticky: later calls return it again.
	Next(r *Record) error
	// Skipped counts rows skipped as invalid under Options.SkipInvalid.
	Skipped() int64
	Close() error
}

// Duplicater is implemented by the Readers Open returns: Duplicates counts records
// dropped because their message_id was seen shortly before (see Options.DedupWindow).
type Duplicater interface {
	Duplicates() int64
}

// Namer is implemented by the Readers Open returns: Names are the trace's files, by
// Record.Source (one name for a trace of one file), as errors name them.
type Namer interface {
	Names() []string
}

// NamesOf returns r's file names, or nil when r does not say.
func NamesOf(r Reader) []string {
	if n, ok := r.(Namer); ok {
		return n.Names()
	}
	return nil
}

// Counts are what a Reader read past besides its records.
type Counts struct {
	Skipped     int64    // rows skipped as invalid (Options.SkipInvalid)
	SkipReasons []string // the errors of the first MaxSkipReasons of them, as they would have failed
	Duplicates  int64    // records dropped as repeated message ids (Duplicater)
	// FirstDuplicate is where the first of them was and where its id was seen first
	// ("t.csv:9 repeats t.csv:3"), "" without duplicates.
	FirstDuplicate string `json:",omitempty"`
	// NaiveTimes names the first Parquet file and column whose timestamps carry no time
	// zone (isAdjustedToUTC false) and were read as UTC, and how many other files had
	// such ("t.parquet: column ts (and 2 other files)"); "" for none.
	NaiveTimes string `json:",omitempty"`
	Ignored    int64  // what was not a message (Ignorer)
	// CountryOverrides counts rows whose country column contradicts their E.164 user
	// and was kept, as Options.CountryOverrides asks.
	CountryOverrides int64
	// Dedup is how far back the de-duplication by message_id reached (DedupWindow):
	// the zero value where a Reader does not say.
	Dedup DedupReach
	// Webhook says a webhook log was read: Skipped then counts what docs/formats.md
	// says (its unreadable lines, invalid statuses and inbound messages, and business
	// messages whose statuses lack what billing needs), not rows, and is worded so.
	Webhook bool `json:",omitempty"`
}

// DedupReach is how far back a reader's de-duplication by message_id reached: it
// remembers the last Window to 2×Window ids (Options.DedupWindow), so a repeat further
// apart than that is not caught, and is billed again. Complete says no id was
// forgotten: every repeat of the trace was caught. Otherwise Reach is the shortest
// span of trace time the remembered ids covered, at At (the ts where the set forgot
// the most recent ids, a generation turning at the trace's busiest): a repeat less
// than Reach after its first row was caught wherever it was; one further apart may
// not have been.
type DedupReach struct {
	Window   int // 0 where the reader does not say
	Complete bool
	Reach    model.Time // a span, in milliseconds; 0 when Complete
	At       model.Time // 0 when Complete
}

// DefaultDedupWindow is Options.DedupWindow's default.
const DefaultDedupWindow = 1 << 17

// MaxDedupWindow bounds Options.DedupWindow: a generation's ids, at most maxID bytes
// each, are kept in one arena indexed by 32 bits.
const MaxDedupWindow = 16_000_000

// DedupIDBytes is about what the de-duplication keeps per id of its window, with ids
// of about 60 bytes as Meta's wamid ids are: two generations of Window ids, each its
// id's bytes and some 40 bytes of table, entry and filter, with the arenas' slack
// (the live heap of a set of 2^17 and 2^20 such ids: 199 and 219 bytes per id).
const DedupIDBytes = 220

// CheckDedupWindow says what is wrong with n as Options.DedupWindow, nil if nothing.
func CheckDedupWindow(n int) error {
	if n < 1 || n > MaxDedupWindow {
		return fmt.Errorf("trace: a de-duplication window of %d message ids is not between 1 and %d", n, MaxDedupWindow)
	}
	return nil
}

// MaxSkipReasons is how many skipped rows' errors Counts keeps.
const MaxSkipReasons = 3

// Counter is implemented by the Readers Open (and Prefetch) return.
type Counter interface {
	Counts() Counts
}

// CountsOf returns r's counts: all of them from a Counter, else what its interfaces say.
func CountsOf(r Reader) Counts {
	if c, ok := r.(Counter); ok {
		return c.Counts()
	}
	c := Counts{Skipped: r.Skipped()}
	if d, ok := r.(Duplicater); ok {
		c.Duplicates = d.Duplicates()
	}
	if ig, ok := r.(Ignorer); ok {
		c.Ignored = ig.Ignored()
	}
	return c
}

// Ignorer is implemented by the Readers Open returns: Ignored counts what a trace held
// that is not a message and was read past — in webhook logs, changes of other fields
// (account_update, phone_number_quality_update, user_preferences, …), statuses of
// other types (payments) and system messages; 0 for other formats.
type Ignorer interface {
	Ignored() int64
}

// Formats are the values Options.Format takes besides "" (detect).
var Formats = []string{"csv", "jsonl", "parquet", "webhook"}

// Options select the format and how strictly rows are read.
type Options struct {
	// Format is "csv", "jsonl", "parquet" or "webhook"; "" picks by extension
	// (.csv, .jsonl/.ndjson/.json, .parquet) and then by content (Parquet magic,
	// a JSON object with "entry" = webhook, other JSON = jsonl, else CSV).
	Format string
	// SkipInvalid skips and counts rows that break the contract instead of failing.
	// File-level problems (header, schema, I/O, unsorted input) still fail.
	SkipInvalid bool
	// Sort accepts input in any order and sorts it by ts (stable: ties keep file
	// order) with an external merge sort: SortChunkRows rows at a time are sorted in
	// memory and spilled to temp files in TempDir, then merged. Memory: one chunk
	// (112 bytes plus the row's text per row: about 60 MB at the default) and a
	// 64 KiB buffer per run; disk: about the size of the trace's ids plus 20 bytes a
	// row. Without Sort, a ts earlier than the previous row's is an error.
	// Webhook logs are always sorted this way: their records are complete only at the
	// end of the log.
	Sort bool
	// SortChunkRows is the rows sorted in memory per run; default 262144. Webhook logs
	// sort their status events by message id in chunks of as many events.
	SortChunkRows int
	// TempDir holds the sort's run files; default os.TempDir().
	TempDir string
	// DedupWindow is how many recent message ids are remembered to drop duplicates
	// (two generations of this many, so at least this many); default 131072
	// (DefaultDedupWindow), at most MaxDedupWindow. Duplicates further apart than that
	// are not caught (Counts.Dedup says how far back it reached): keeping every id of
	// a 50-million-row trace would cost gigabytes (DedupIDBytes per id of the window).
	DedupWindow int
	// Mapping maps a foreign CSV log's columns onto the contract; nil = the contract's
	// own columns (docs/formats.md, "Trace"). CSV only.
	Mapping *Mapping
	// DefaultCountry (ISO 3166-1 alpha-2) is the country of users whose row names none
	// and whose id is not a phone number: users a webhook knows only by a
	// business-scoped user id without a country prefix, groups, opaque ids. "" = such a
	// row is invalid. Phone numbers always give their own country.
	DefaultCountry string
	// Delimiter separates a CSV trace's fields; 0 means the mapping's (Mapping.Delimiter),
	// else a comma. ParseDelimiter reads one as a user writes it.
	Delimiter rune
	// CountryOverrides lets a country column that contradicts the row's E.164 user
	// (market.CheckNumberCountry: GB for a +1 number) decide, and counts the row
	// (Counts.CountryOverrides). Default false: such a row is invalid.
	CountryOverrides bool
	// Piped, when set, hashes standard input and pipes as they are read (Piped.Digest).
	Piped *Piped
}

// Error is a located problem with a trace: File is the base name of the path the
// user gave, Line the 1-based line (CSV, JSONL) or row (Parquet), 0 when the problem
// is with the file as a whole, Column the field concerned, if one.
type Error struct {
	File   string
	Line   int64
	Column string
	Msg    string
	Err    error // underlying cause, if any (for errors.Is)

	row bool // the problem is confined to one row: SkipInvalid may skip it
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Column != "" {
		b.WriteString("column ")
		b.WriteString(e.Column)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// skippable reports whether SkipInvalid may skip past err.
func skippable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.row
}

// row is a record on its way through the reader, with what the later stages need.
type row struct {
	Record
	replyTo string // message id this business row answers (mapping reply_to)
	// What a source did ahead of the reader's finish (earlyRules); an external sort
	// drops it, and finish then does it itself.
	ruled  bool   // the row passes the user/country rule, Country set as it says
	hashed bool   // idHash is the hash of MessageID, fp the row's msgPrint
	fp     uint32 // msgPrint of User, Direction, Category
	idHash uint64 // in the id set's seed
}

// source is one format's parser. next returns io.EOF at the end, an *Error with
// row set for a bad row (the source can go on), any other error for a fatal one.
type source interface {
	next(r *row) error
	close() error
}

// Open opens a trace for streaming: a file, "-" for standard input, a folder or a glob
// (OpenAll).
func Open(path string, o Options) (Reader, error) { return OpenAll([]string{path}, o) }

// OpenAll opens the traces args name as one, for streaming: files (gzip or zstd
// compressed text ones too: .csv.gz, .jsonl.zst), "-" for standard input, folders (read
// recursively, Hive-partitioned Parquet datasets included: a partition folder such as
// country=BR/ gives its value to the field a row leaves empty) and globs. Several files
// are read as one trace in ts order: sorted files are merged by ts, opening each only
// once the merge reaches its first row, so memory grows with the files that overlap in
// time, not with the files; with Sort (and for webhook logs) they are read one after
// another through the external sort. Errors name the file (its path under the folder
// or glob, else its base name) and the line; Record.Source is the file's index in
// Names.
func OpenAll(args []string, o Options) (Reader, error) {
	files, _, err := expand(args)
	if err != nil {
		return nil, err
	}
	name := files[0].name
	if o.Mapping != nil {
		if err := o.Mapping.Validate(); err != nil {
			return nil, fmt.Errorf("%s: mapping: %w", name, err)
		}
	}
	if o.DefaultCountry != "" {
		c, ok := newBuilder(name).country(o.DefaultCountry)
		if !ok {
			return nil, &Error{File: name, Msg: "default country " + countryProblem(o.DefaultCountry)}
		}
		o.DefaultCountry = c
	}
	if len(files) > 1<<16 {
		return nil, fmt.Errorf("%d trace files; at most 65536", len(files))
	}
	if o.Format != "" && !slices.Contains(Formats, o.Format) {
		return nil, &Error{File: name, Msg: fmt.Sprintf("format %q is not one of %s", o.Format, strings.Join(Formats, ", "))}
	}
	if len(files) == 1 {
		src, format, err := openFile(files[0], o)
		if err != nil {
			return nil, err
		}
		if format == "webhook" {
			o.Sort = true // records are complete only at the end of the log
		}
		rd := newReader(src, name, unitOf(format), o)
		rd.webhook = format == "webhook"
		return rd, nil
	}
	if err := mappingFitsAll(files, o); err != nil {
		return nil, err
	}
	src, webhooks, err := openSet(files, o)
	if err != nil {
		return nil, err
	}
	if webhooks {
		o.Sort = true
	}
	return newReader(src, name, "line", o), nil
}

func unitOf(format string) string {
	if format == "parquet" {
		return "row"
	}
	return "line"
}

// openFile opens one trace file as a source, in o.Format or the format its name and
// content say.
func openFile(f traceFile, o Options) (source, string, error) {
	ext, _ := compression(f.name)
	streamed := f.path == Stdin || ext != "" || !isRegular(f.path)
	format := o.Format
	if format == "" && !streamed && formatByExt(f.path) == "parquet" {
		format = "parquet"
	}
	if format == "parquet" && !streamed {
		if err := mappingFits(o, f.name, format); err != nil {
			return nil, "", err
		}
		src, err := openParquet(f.path, f.name, f.part, o)
		return src, format, err
	}
	st, err := openStream(f.path, o.Piped)
	if err != nil {
		return nil, "", &Error{File: f.name, Msg: err.Error(), Err: err}
	}
	if format == "" {
		format = st.sniff(formatByExt(f.path))
	}
	if err := mappingFits(o, f.name, format); err != nil {
		st.Close()
		return nil, "", err
	}
	if format == "parquet" {
		// Read from its end, so not from a pipe, standard input or a decompressor:
		// the bytes go to a temporary file first (a FIFO cannot be opened twice).
		src, err := spoolParquet(st, o, f)
		return src, format, err
	}
	if err := checkText(st, f.name, format); err != nil {
		st.Close()
		return nil, "", err
	}
	var src source
	switch format {
	case "csv":
		src, err = openCSV(st, f.name, o.Mapping, o.delimiter(), f.part)
	case "jsonl":
		src, err = openJSONL(st, f.name, f.part)
	case "webhook":
		src, err = openWebhook(st, f.name, o)
	}
	if err != nil {
		return nil, "", err
	}
	return src, format, nil
}

// isRegular says whether path is a regular file, one a reader can read at offsets (a
// FIFO, a character device or standard input is not).
func isRegular(path string) bool {
	if path == Stdin {
		return false
	}
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// spoolParquet copies a Parquet file that cannot be read at offsets from st into a
// temporary file in o.TempDir (the system's when ""), removed when the source closes.
func spoolParquet(st *stream, o Options, f traceFile) (source, error) {
	defer st.Close()
	tmp, err := os.CreateTemp(o.TempDir, "spendsim-parquet-*.parquet")
	if err != nil {
		return nil, &Error{File: f.name, Msg: fmt.Sprintf("a piped Parquet file is copied to a temporary file first: %v", err), Err: err}
	}
	_, err = io.Copy(tmp, st.r)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return nil, &Error{File: f.name, Msg: fmt.Sprintf("copying a piped Parquet file to %s: %v", filepath.Dir(tmp.Name()), err), Err: err}
	}
	src, err := openParquet(tmp.Name(), f.name, f.part, o)
	if err != nil {
		os.Remove(tmp.Name())
		return nil, err
	}
	src.(*parquetSource).spool = tmp.Name()
	return src, nil
}

// delimiter is the CSV field separator o asks for, 0 for a comma.
func (o *Options) delimiter() rune {
	if o.Delimiter != 0 {
		return o.Delimiter
	}
	if o.Mapping != nil && o.Mapping.Delimiter != "" {
		d, _ := ParseDelimiter(o.Mapping.Delimiter) // checked by Mapping.Validate
		return d
	}
	return 0
}

// ParseDelimiter reads a CSV field separator: one character (";", "|"), or "tab" (also
// written "\t") for a tab. A quote, a line break or the Unicode replacement character
// cannot separate fields.
func ParseDelimiter(s string) (rune, error) {
	switch s {
	case "tab", `\t`, "\t":
		return '\t', nil
	}
	r := []rune(s)
	if len(r) != 1 || r[0] == '"' || r[0] == '\r' || r[0] == '\n' || r[0] == 0xFFFD {
		return 0, fmt.Errorf("delimiter %q is not one character other than a quote or a line break (\",\", \";\", \"|\", or \"tab\")", s)
	}
	return r[0], nil
}
