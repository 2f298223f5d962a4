package trace

import (
	"errors"
	"fmt"
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

// Ignorer is implemented by the Readers Open returns: Ignored counts what a trace held
// that is not a message and was read past — in webhook logs, changes of other fields
// (account_update, phone_number_quality_update, user_preferences, …), statuses of
// other types (payments) and system messages; 0 for other formats.
type Ignorer interface {
	Ignored() int64
}

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
	in, err := openInput(path)
	if err != nil {
		if o.Format == "" {
			return nil, &Error{File: name, Msg: err.Error(), Err: err}
		}
		return nil, err
	}
	format := o.Format
	if format == "" {
		if format, err = in.detect(path); err != nil {
			in.close()
			return nil, &Error{File: name, Msg: err.Error(), Err: err}
		}
	}
	src, err := openSource(in, name, format, &o)
	if err != nil {
		in.close()
		return nil, err
	}
	unit := "line"
	if format == "parquet" {
		unit = "row"
	}
	return newReader(src, name, unit, o), nil
}

// openSource checks the options against the format and opens its source over in.
func openSource(in *input, name, format string, o *Options) (source, error) {
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
			return nil, &Error{File: name, Msg: fmt.Sprintf("default country %s is not an ISO 3166-1 alpha-2 code (like BR)", quote(o.DefaultCountry))}
		}
		o.DefaultCountry = c
	}
	switch format {
	case "csv":
		return openCSV(in, name, o.Mapping)
	case "jsonl":
		return openJSONL(in, name), nil
	case "parquet":
		return openParquet(in, name, o.TempDir)
	case "webhook":
		o.Sort = true // records are complete only at the end of the log
		return openWebhook(in, name, *o), nil
	}
	return nil, &Error{File: name, Msg: fmt.Sprintf("format %q is not one of csv, jsonl, parquet, webhook", format)}
}
