package trace

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spendsim/spendsim/internal/safefile"
	"github.com/spendsim/spendsim/internal/table"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
)

// WriterOptions configure a Writer.
type WriterOptions struct {
	// Format is "csv", "jsonl" or "parquet"; "" picks by the path's extension (.csv,
	// .jsonl or .ndjson, .parquet).
	Format string
	// RowGroupRows is the Parquet rows per row group; default 1,048,576.
	RowGroupRows int
	// Version is the tool version a Parquet file names in its created_by ("spendsim
	// <Version>"); default "devel", what a build without a version stamp calls itself.
	Version string
}

// Writer writes records in the trace contract, as CSV with a header, JSON lines or
// Parquet, whole or not at all: under a temporary name in the destination's directory
// that Close renames into place (internal/safefile), so a failed or abandoned write
// never leaves a half trace under the real name. Parquet goes through internal/table,
// with the policy of every Parquet file spendsim writes (zstd, created_by, no
// statistics on message_id); ts and delivered_ts are TIMESTAMP(MILLIS, UTC), the
// optional fields nullable. JSON lines leave the optional fields out when empty.
// Records are written in the order given; readers need Options.Sort for anything not
// in ts order.
type Writer struct {
	path string
	n    int64 // records written
	err  error // sticky
	done bool
	line [nFields]string

	// CSV and JSON lines
	f     *safefile.File
	cw    *csv.Writer
	jsonl bool

	// Parquet
	tw            *table.Writer
	ts, delivered *table.TimestampAppender
	strs          [nFields]*table.StringAppender // nil for the two times
}

// parquetColumns is the contract as a table, in fieldNames order. The vocabularies,
// countries and businesses are dictionary-encoded: a few values repeat. user and
// message_id are not: a big trace has millions of users, and a dictionary of them costs
// a hash per row to write and megabytes a row group to read, for a file a few percent
// smaller.
var parquetColumns = [nFields]table.Column{
	fTS:          table.TimestampMillisCol("ts"),
	fUser:        table.StringCol("user").WithDict(false),
	fDirection:   table.StringCol("direction"),
	fType:        table.StringCol("type").OrNull(),
	fCategory:    table.StringCol("category").OrNull(),
	fCountry:     table.StringCol("country").OrNull(),
	fBusiness:    table.StringCol("business"),
	fEntryPoint:  table.StringCol("entry_point").OrNull(),
	fStatus:      table.StringCol("status").OrNull(),
	fDeliveredTS: table.TimestampMillisCol("delivered_ts").OrNull(),
	fMessageID:   table.StringCol("message_id").WithDict(false).OrNull(),
}

// WriterFormat is the format NewWriter writes path in: format if given, else the one
// its extension names (.csv, .jsonl or .ndjson, .parquet).
func WriterFormat(path, format string) (string, error) {
	if format == "" {
		switch strings.ToLower(filepath.Ext(path)) {
		case ".csv":
			format = "csv"
		case ".jsonl", ".ndjson":
			format = "jsonl"
		case ".parquet":
			format = "parquet"
		default:
			return "", fmt.Errorf("trace: %s: cannot tell the format from the extension; want .csv, .jsonl, .ndjson or .parquet", filepath.Base(path))
		}
	}
	switch format {
	case "csv", "jsonl", "parquet":
		return format, nil
	}
	return "", fmt.Errorf("trace: writer format %q is not one of csv, jsonl, parquet", format)
}

// NewWriter creates path (replacing it on Close).
func NewWriter(path string, o WriterOptions) (*Writer, error) {
	format, err := WriterFormat(path, o.Format)
	if err != nil {
		return nil, err
	}
	w := &Writer{path: path}
	switch format {
	case "parquet":
		version := o.Version
		if version == "" {
			version = "devel"
		}
		tw, err := table.Create(path, parquetColumns[:], table.Options{Version: version, RowGroupRows: int64(o.RowGroupRows)})
		if err != nil {
			return nil, fmt.Errorf("trace: %w", err)
		}
		w.tw = tw
		w.ts, w.delivered = tw.TimestampMillis("ts"), tw.TimestampMillis("delivered_ts")
		for i, c := range parquetColumns {
			if c.Kind == table.KindString {
				w.strs[i] = tw.String(c.Name)
			}
		}
		return w, nil
	}
	f, err := safefile.Create(path, 256<<10)
	if err != nil {
		return nil, fmt.Errorf("trace: %w", err)
	}
	w.f = f
	if format == "jsonl" {
		w.jsonl = true
		return w, nil
	}
	w.cw = csv.NewWriter(f)
	if err := w.cw.Write(fieldNames[:]); err != nil {
		f.Abort()
		return nil, fmt.Errorf("trace: %w", err)
	}
	return w, nil
}

// values checks r against the contract and renders it; what is written reads back.
func (w *Writer) values(r *Record, v *[nFields]string) error {
	*v = [nFields]string{}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("trace: %s: record %d: %s", filepath.Base(w.path), w.n+1, fmt.Sprintf(format, a...))
	}
	if r.Direction != model.FromUser && r.Direction != model.FromBusiness {
		return bad("direction %d is not user or business", r.Direction)
	}
	v[fDirection] = r.Direction.String()
	user := market.NormNumber(r.User)
	if user == "" {
		return bad("no user")
	}
	for _, id := range []string{user, r.Business, r.MessageID} {
		if msg := checkID(id); msg != "" {
			return bad("%s", msg)
		}
	}
	v[fUser] = user
	if r.Country != "" {
		c, ok := newBuilder("").country(r.Country)
		if !ok {
			return bad("country %s", countryProblem(r.Country))
		}
		v[fCountry] = c
	} else if !market.IsE164(user) {
		return bad("user %s is not an E.164 number and there is no country", quote(user))
	}
	v[fBusiness] = r.Business
	if v[fBusiness] == "" {
		v[fBusiness] = defaultBusiness
	}
	v[fMessageID] = r.MessageID
	if r.Direction == model.FromUser {
		v[fEntryPoint] = r.EntryPoint.String()
		if _, ok := model.ParseEntryPoint(v[fEntryPoint]); !ok {
			return bad("entry point %d unknown", r.EntryPoint)
		}
		return nil
	}
	v[fType] = r.Kind.String()
	if _, ok := model.ParseKind(v[fType]); !ok {
		return bad("kind %d unknown", r.Kind)
	}
	if r.Kind == model.Template {
		v[fCategory] = r.Category.String()
		if _, ok := model.ParseCategory(v[fCategory]); r.Category == model.CatNone || !ok {
			return bad("a template needs a category (%s)", categoryOr)
		}
	}
	v[fStatus] = r.Status.String()
	if _, ok := model.ParseStatus(v[fStatus]); !ok {
		return bad("status %d unknown", r.Status)
	}
	if r.DeliveredTS != 0 {
		if r.DeliveredTS < r.TS {
			return bad("delivered_ts %s is before ts %s", r.DeliveredTS, r.TS)
		}
		v[fDeliveredTS] = "set"
	}
	return nil
}

// Write appends one record. After an error the Writer is spent: Close removes the
// temp file and returns the error.
func (w *Writer) Write(r *Record) error {
	if w.err != nil {
		return w.err
	}
	if w.done {
		return errors.New("trace: Write after Close")
	}
	v := &w.line
	if err := w.values(r, v); err != nil {
		w.err = err
		return err
	}
	w.n++
	if w.tw != nil {
		w.appendRow(r, v)
		return w.err
	}
	v[fTS] = r.TS.String()
	if v[fDeliveredTS] != "" {
		v[fDeliveredTS] = r.DeliveredTS.String()
	}
	var err error
	if w.jsonl {
		err = w.writeJSON(v)
	} else {
		err = w.cw.Write(v[:])
	}
	if err != nil {
		w.err = fmt.Errorf("trace: %w", err)
	}
	return w.err
}

// appendRow appends one rendered record to the Parquet table.
func (w *Writer) appendRow(r *Record, v *[nFields]string) {
	w.ts.AppendMillis(int64(r.TS))
	if v[fDeliveredTS] != "" {
		w.delivered.AppendMillis(int64(r.DeliveredTS))
	} else {
		w.delivered.AppendNull()
	}
	for i, a := range w.strs {
		switch {
		case a == nil:
		case v[i] == "" && parquetColumns[i].Nullable:
			a.AppendNull()
		default:
			a.Append(v[i])
		}
	}
	if err := w.tw.EndRow(); err != nil {
		w.err = fmt.Errorf("trace: %w", err)
	}
}

// jsonRecord is one line of a JSON lines trace: the contract's fields in their order,
// the optional ones (Nullable in parquetColumns) left out when empty.
type jsonRecord struct {
	TS          string `json:"ts"`
	User        string `json:"user"`
	Direction   string `json:"direction"`
	Type        string `json:"type,omitempty"`
	Category    string `json:"category,omitempty"`
	Country     string `json:"country,omitempty"`
	Business    string `json:"business"`
	EntryPoint  string `json:"entry_point,omitempty"`
	Status      string `json:"status,omitempty"`
	DeliveredTS string `json:"delivered_ts,omitempty"`
	MessageID   string `json:"message_id,omitempty"`
}

// writeJSON writes one rendered record as a line of JSON (encoding/json's escaping).
func (w *Writer) writeJSON(v *[nFields]string) error {
	b, err := json.Marshal(&jsonRecord{
		TS: v[fTS], User: v[fUser], Direction: v[fDirection], Type: v[fType], Category: v[fCategory],
		Country: v[fCountry], Business: v[fBusiness], EntryPoint: v[fEntryPoint], Status: v[fStatus],
		DeliveredTS: v[fDeliveredTS], MessageID: v[fMessageID],
	})
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.f.Write(b)
	return err
}

// Abort drops what was written: the destination keeps whatever it held before. It
// does nothing after Close, so `defer w.Abort()` is safe.
func (w *Writer) Abort() {
	if w.done {
		return
	}
	w.done = true
	if w.tw != nil {
		w.tw.Abort()
		return
	}
	w.f.Abort()
}

// Close finishes the file and renames it into place; on any earlier error it
// removes the temp file and returns that error.
func (w *Writer) Close() error {
	if w.done {
		return w.err
	}
	w.done = true
	if w.tw != nil {
		if w.err != nil {
			w.tw.Abort()
		} else if err := w.tw.Close(); err != nil {
			w.err = fmt.Errorf("trace: %w", err)
		}
		return w.err
	}
	if w.err == nil && w.cw != nil {
		w.cw.Flush()
		if err := w.cw.Error(); err != nil {
			w.err = fmt.Errorf("trace: %w", err)
		}
	}
	if w.err != nil {
		w.f.Abort()
		return w.err
	}
	if err := w.f.Commit(); err != nil {
		w.err = fmt.Errorf("trace: %w", err)
	}
	return w.err
}
