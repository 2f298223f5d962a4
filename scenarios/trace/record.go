package trace

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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

// Counts are what a Reader read past besides its records.
type Counts struct {
	Skipped     int64    // rows skipped as invalid (Options.SkipInvalid)
	SkipReasons []string // the errors of the first MaxSkipReasons of them, as they would have failed
	Duplicates  int64    // records dropped as repeated message ids (Duplicater)
	Ignored     int64    // what was not a message (Ignorer)
	// CountryOverrides counts rows whose country column contradicts their E.164 user
	// and was kept, as Options.CountryOverrides asks.
	CountryOverrides int64
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
	// (two generations of this many, so at least this many); default 131072.
	// Duplicates further apart than that are not caught: keeping every id of a
	// 50-million-row trace would cost gigabytes.
	DedupWindow int
	// Mapping maps a foreign CSV log's columns onto the contract; nil = the DESIGN
	// contract. CSV only.
	Mapping *Mapping
	// DefaultCountry (ISO 3166-1 alpha-2) is the country of users whose row names none
	// and whose id is not a phone number: users a webhook knows only by a
	// business-scoped user id without a country prefix, groups, opaque ids. "" = such a
	// row is invalid. Phone numbers always give their own country.
	DefaultCountry string
	// CountryOverrides lets a country column that contradicts the row's E.164 user
	// (market.CheckNumberCountry: GB for a +1 number) decide, and counts the row
	// (Counts.CountryOverrides). Default false: such a row is invalid.
	CountryOverrides bool
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
}

// source is one format's parser. next returns io.EOF at the end, an *Error with
// row set for a bad row (the source can go on), any other error for a fatal one.
type source interface {
	next(r *row) error
	close() error
}

// Open opens a trace for streaming.
func Open(path string, o Options) (Reader, error) {
	name := filepath.Base(path)
	format := o.Format
	if format == "" {
		var err error
		if format, err = detect(path); err != nil {
			return nil, &Error{File: name, Msg: err.Error(), Err: err}
		}
	}
	if o.Mapping != nil {
		if format != "csv" {
			return nil, &Error{File: name, Msg: fmt.Sprintf("a column mapping applies to CSV only, not %s", format)}
		}
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
	var (
		src source
		err error
	)
	switch format {
	case "csv":
		src, err = openCSV(path, name, o.Mapping)
	case "jsonl":
		src, err = openJSONL(path, name)
	case "parquet":
		src, err = openParquet(path, name)
	case "webhook":
		src, err = openWebhook(path, name, o)
		o.Sort = true // records are complete only at the end of the log
	default:
		return nil, &Error{File: name, Msg: fmt.Sprintf("format %q is not one of %s", format, strings.Join(Formats, ", "))}
	}
	if err != nil {
		return nil, err
	}
	unit := "line"
	if format == "parquet" {
		unit = "row"
	}
	return newReader(src, name, unit, o), nil
}

// detect picks a format by extension, then by content.
func detect(path string) (string, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return "csv", nil
	case ".parquet":
		return "parquet", nil
	case ".jsonl", ".ndjson", ".json":
		return sniffJSON(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var head [4]byte
	n, err := io.ReadFull(f, head[:])
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", err
	}
	if n == 4 && string(head[:]) == "PAR1" {
		return "parquet", nil
	}
scan:
	for _, c := range head[:n] {
		switch c {
		case ' ', '\t', '\r', '\n':
		case '{':
			return sniffJSON(path)
		default:
			break scan
		}
	}
	return "csv", nil
}

// sniffJSON tells a webhook log (payloads with "object" and "entry") from a JSONL trace
// by the first non-blank line.
func sniffJSON(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	lr := newLineReader(f)
	for {
		line, err := lr.next()
		if err != nil {
			if err == io.EOF {
				return "jsonl", nil
			}
			return "", err
		}
		if len(line) == 0 {
			continue
		}
		if isWebhookPayload(line) {
			return "webhook", nil
		}
		return "jsonl", nil
	}
}
