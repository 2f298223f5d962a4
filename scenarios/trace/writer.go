package trace

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"

	"github.com/spendsim/spendsim/model"
)

// WriterOptions configure a Writer.
type WriterOptions struct {
	// Format is "csv" or "parquet"; "" picks by the path's extension.
	Format string
	// RowGroupRows is the Parquet rows per row group; default 1,048,576.
	RowGroupRows int
}

// Writer writes records in the trace contract, as CSV or Parquet (zstd, ts and
// delivered_ts as Timestamp_ms UTC, optional fields nullable), to a temp file in the
// destination's directory that Close renames into place: a failed or abandoned
// write never leaves a half trace under the real name. Records are written in the
// order given; readers need Options.Sort for anything not in ts order.
type Writer struct {
	path, tmp string
	f         *os.File
	n         int64 // records written
	err       error // sticky
	done      bool

	// CSV
	bw   *bufio.Writer
	cw   *csv.Writer
	line [nFields]string

	// Parquet
	fw    *pqarrow.FileWriter
	rb    *array.RecordBuilder
	batch int
}

const writerBatchRows = 64 << 10

// nopCloser keeps the Parquet writer from closing the file: Close syncs it first.
type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

var parquetSchema = arrow.NewSchema([]arrow.Field{
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}},
	{Name: "user", Type: arrow.BinaryTypes.String},
	{Name: "direction", Type: arrow.BinaryTypes.String},
	{Name: "type", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "category", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "country", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "business", Type: arrow.BinaryTypes.String},
	{Name: "entry_point", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "status", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "delivered_ts", Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "message_id", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// NewWriter creates path (replacing it on Close).
func NewWriter(path string, o WriterOptions) (*Writer, error) {
	format := o.Format
	if format == "" {
		switch strings.ToLower(filepath.Ext(path)) {
		case ".csv":
			format = "csv"
		case ".parquet":
			format = "parquet"
		default:
			return nil, fmt.Errorf("trace: %s: cannot tell the format from the extension; want .csv or .parquet", filepath.Base(path))
		}
	}
	if format != "csv" && format != "parquet" {
		return nil, fmt.Errorf("trace: writer format %q is not one of csv, parquet", format)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("trace: %w", err)
	}
	w := &Writer{path: path, tmp: f.Name(), f: f}
	w.bw = bufio.NewWriterSize(f, 256<<10)
	if format == "csv" {
		w.cw = csv.NewWriter(w.bw)
		if err := w.cw.Write(fieldNames[:]); err != nil {
			w.abort()
			return nil, fmt.Errorf("trace: %w", err)
		}
		return w, nil
	}
	rows := o.RowGroupRows
	if rows <= 0 {
		rows = 1 << 20
	}
	props := parquet.NewWriterProperties(
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithRootRepetition(parquet.Repetitions.Required), // some readers reject the default
		parquet.WithMaxRowGroupLength(int64(rows)),
		// High-cardinality columns: dictionaries only cost time and bytes.
		parquet.WithDictionaryFor("ts", false),
		parquet.WithDictionaryFor("delivered_ts", false),
		parquet.WithDictionaryFor("message_id", false),
	)
	fw, err := pqarrow.NewFileWriter(parquetSchema, nopCloser{w.bw}, props, pqarrow.DefaultWriterProps())
	if err != nil {
		w.abort()
		return nil, fmt.Errorf("trace: %w", err)
	}
	w.fw = fw
	w.rb = array.NewRecordBuilder(memory.DefaultAllocator, parquetSchema)
	return w, nil
}

var (
	directionNames  = [...]string{model.FromUser: "user", model.FromBusiness: "business"}
	kindNames       = [...]string{model.Text: "text", model.Template: "template"}
	categoryNames   = [...]string{model.Marketing: "marketing", model.Utility: "utility", model.Authentication: "authentication"}
	statusNames     = [...]string{model.Delivered: "delivered", model.Read: "read", model.Sent: "sent", model.Failed: "failed"}
	entryPointNames = [...]string{model.EntryCTWA: "ctwa", model.EntryPageCTA: "page_cta"}
)

// values checks r against the contract and renders it; what is written reads back.
func (w *Writer) values(r *Record, v *[nFields]string) error {
	*v = [nFields]string{}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("trace: %s: record %d: %s", filepath.Base(w.path), w.n+1, fmt.Sprintf(format, a...))
	}
	if r.Direction != model.FromUser && r.Direction != model.FromBusiness {
		return bad("direction %d is not user or business", r.Direction)
	}
	v[fDirection] = directionNames[r.Direction]
	user := normUser(r.User)
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
			return bad("country %s is not an ISO 3166-1 alpha-2 code", quote(r.Country))
		}
		v[fCountry] = c
	} else if !isE164(user) {
		return bad("user %s is not an E.164 number and there is no country", quote(user))
	}
	v[fBusiness] = r.Business
	if v[fBusiness] == "" {
		v[fBusiness] = defaultBusiness
	}
	v[fMessageID] = r.MessageID
	if r.Direction == model.FromUser {
		if int(r.EntryPoint) >= len(entryPointNames) {
			return bad("entry point %d unknown", r.EntryPoint)
		}
		v[fEntryPoint] = entryPointNames[r.EntryPoint]
		return nil
	}
	if int(r.Kind) >= len(kindNames) {
		return bad("kind %d unknown", r.Kind)
	}
	v[fType] = kindNames[r.Kind]
	if r.Kind == model.Template {
		if r.Category == model.CatNone || int(r.Category) >= len(categoryNames) {
			return bad("a template needs a category (marketing, utility or authentication)")
		}
		v[fCategory] = categoryNames[r.Category]
	}
	if int(r.Status) >= len(statusNames) {
		return bad("status %d unknown", r.Status)
	}
	v[fStatus] = statusNames[r.Status]
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
	if w.cw != nil {
		v[fTS] = r.TS.String()
		if v[fDeliveredTS] != "" {
			v[fDeliveredTS] = r.DeliveredTS.String()
		}
		if err := w.cw.Write(v[:]); err != nil {
			w.err = fmt.Errorf("trace: %w", err)
		}
		return w.err
	}
	for i := range nFields {
		switch b := w.rb.Field(i).(type) {
		case *array.TimestampBuilder:
			switch {
			case i == fTS:
				b.Append(arrow.Timestamp(r.TS))
			case v[i] != "":
				b.Append(arrow.Timestamp(r.DeliveredTS))
			default:
				b.AppendNull()
			}
		case *array.StringBuilder:
			if v[i] == "" && parquetSchema.Field(i).Nullable {
				b.AppendNull()
			} else {
				b.Append(v[i])
			}
		}
	}
	w.batch++
	if w.batch >= writerBatchRows {
		w.flushBatch()
	}
	return w.err
}

func (w *Writer) flushBatch() {
	if w.batch == 0 || w.err != nil {
		return
	}
	rec := w.rb.NewRecord()
	defer rec.Release()
	w.batch = 0
	// WriteBuffered, not Write: Write would start a row group per batch.
	if err := w.fw.WriteBuffered(rec); err != nil {
		w.err = fmt.Errorf("trace: %w", err)
	}
}

func (w *Writer) abort() {
	w.f.Close()
	os.Remove(w.tmp)
}

// Close finishes the file and renames it into place; on any earlier error it
// removes the temp file and returns that error.
func (w *Writer) Close() error {
	if w.done {
		return w.err
	}
	w.done = true
	if w.err == nil {
		if w.cw != nil {
			w.cw.Flush()
			if err := w.cw.Error(); err != nil {
				w.err = fmt.Errorf("trace: %w", err)
			}
		} else {
			w.flushBatch()
			if err := w.fw.Close(); err != nil && w.err == nil {
				w.err = fmt.Errorf("trace: %w", err)
			}
		}
	}
	if w.rb != nil {
		w.rb.Release()
	}
	if w.err == nil {
		if err := w.bw.Flush(); err != nil {
			w.err = fmt.Errorf("trace: %w", err)
		} else if err := w.f.Chmod(0o644); err != nil { // CreateTemp made it private
			w.err = fmt.Errorf("trace: %w", err)
		} else if err := w.f.Sync(); err != nil {
			w.err = fmt.Errorf("trace: %w", err)
		}
	}
	if w.err != nil {
		w.abort()
		return w.err
	}
	if err := w.f.Close(); err != nil {
		os.Remove(w.tmp)
		w.err = fmt.Errorf("trace: %w", err)
		return w.err
	}
	if err := os.Rename(w.tmp, w.path); err != nil {
		os.Remove(w.tmp)
		w.err = fmt.Errorf("trace: %w", err)
	}
	return w.err
}
