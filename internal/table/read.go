package table

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
)

// Batch looks up the columns of one record batch by name and type; the first missing,
// mistyped or null-holding column is kept in Err, so a reader asks for all its columns
// and checks once.
type Batch struct {
	path string
	rec  arrow.Record
	rows int
	err  error
}

// Rows is the number of rows in the batch.
func (t *Batch) Rows() int { return t.rows }

// Err is the first problem with a column asked for, or nil.
func (t *Batch) Err() error { return t.err }

func (t *Batch) column(name string, nulls bool) arrow.Array {
	if t.err != nil {
		return nil
	}
	idx := t.rec.Schema().FieldIndices(name)
	if len(idx) == 0 {
		t.err = fmt.Errorf("table: %s: no column %s", t.path, name)
		return nil
	}
	a := t.rec.Column(idx[0])
	if a.NullN() > 0 && !nulls {
		t.err = fmt.Errorf("table: %s: column %s has nulls", t.path, name)
		return nil
	}
	return a
}

func typed[T arrow.Array](t *Batch, name, want string) T { return typedCol[T](t, name, want, false) }

func typedCol[T arrow.Array](t *Batch, name, want string, nulls bool) T {
	var zero T
	a := t.column(name, nulls)
	if a == nil {
		return zero
	}
	v, ok := a.(T)
	if !ok {
		t.err = fmt.Errorf("table: %s: column %s is %s, want %s", t.path, name, a.DataType(), want)
		return zero
	}
	return v
}

// The columns of a batch by kind; each is nil (and Err says why) when the column is
// missing, of another type, or holds a null.
func (t *Batch) String(n string) *array.String   { return typed[*array.String](t, n, "string") }
func (t *Batch) Int32(n string) *array.Int32     { return typed[*array.Int32](t, n, "int32") }
func (t *Batch) Int64(n string) *array.Int64     { return typed[*array.Int64](t, n, "int64") }
func (t *Batch) Uint64(n string) *array.Uint64   { return typed[*array.Uint64](t, n, "uint64") }
func (t *Batch) Float64(n string) *array.Float64 { return typed[*array.Float64](t, n, "float64") }
func (t *Batch) Date(n string) *array.Date32     { return typed[*array.Date32](t, n, "date") }
func (t *Batch) Bool(n string) *array.Boolean    { return typed[*array.Boolean](t, n, "bool") }

// IsString says whether column n is a string column (false when it is missing).
func (t *Batch) IsString(n string) bool {
	idx := t.rec.Schema().FieldIndices(n)
	if len(idx) == 0 {
		return false
	}
	_, ok := t.rec.Column(idx[0]).(*array.String)
	return ok
}

// The nullable columns of a batch: as above, but a null is a value (IsNull tells).
func (t *Batch) StringOrNull(n string) *array.String {
	return typedCol[*array.String](t, n, "string", true)
}
func (t *Batch) Int64OrNull(n string) *array.Int64 {
	return typedCol[*array.Int64](t, n, "int64", true)
}
func (t *Batch) Int32OrNull(n string) *array.Int32 {
	return typedCol[*array.Int32](t, n, "int32", true)
}
func (t *Batch) BoolOrNull(n string) *array.Boolean {
	return typedCol[*array.Boolean](t, n, "boolean", true)
}
func (t *Batch) TimestampOrNull(n string) *array.Timestamp {
	return typedCol[*array.Timestamp](t, n, "timestamp", true)
}

// Float64List is a list-of-float64 column; its values are ListValues().(*array.Float64).
func (t *Batch) Float64List(n string) *array.List {
	return typed[*array.List](t, n, "list<float64>")
}

// Read calls fn with each record batch of a Parquet file written by Writer.
// It reads one row group at a time: arrow v17 fails a batch that crosses a row group
// on a dictionary column, and its record reader ends each row group with io.EOF.
func Read(path string, fn func(*Batch) error) (err error) {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("table: %w", err)
	}
	defer f.Close()
	// arrow v17 panics on some corrupt metadata instead of returning an error; a
	// damaged part should be an error that names it.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("table: %s: corrupt Parquet file: %v", path, p)
		}
	}()
	pf, err := file.NewParquetReader(f)
	if err != nil {
		return fmt.Errorf("table: %s: %w", path, err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 64 << 10}, memory.DefaultAllocator)
	if err != nil {
		return fmt.Errorf("table: %s: %w", path, err)
	}
	for rg := 0; rg < pf.NumRowGroups(); rg++ {
		rr, err := fr.GetRecordReader(context.Background(), nil, []int{rg})
		if err != nil {
			return fmt.Errorf("table: %s: row group %d: %w", path, rg, err)
		}
		for rr.Next() {
			rec := rr.Record()
			if err := fn(&Batch{path: path, rec: rec, rows: int(rec.NumRows())}); err != nil {
				rr.Release()
				return err
			}
		}
		err = rr.Err()
		rr.Release()
		// io.EOF is how v17's record reader says a row group is done.
		if err != nil && err != io.EOF {
			return fmt.Errorf("table: %s: row group %d: %w", path, rg, err)
		}
	}
	return nil
}
