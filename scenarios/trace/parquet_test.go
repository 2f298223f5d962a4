package trace

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"

	"github.com/spendsim/spendsim/model"
)

// writeForeignParquet writes rows given as JSON under an arbitrary Arrow schema, the
// way another tool would, storing the Arrow schema so dictionary and large types
// read back as such.
func writeForeignParquet(t testing.TB, path string, sc *arrow.Schema, rowsJSON string) {
	t.Helper()
	rec, _, err := array.RecordFromJSON(memory.DefaultAllocator, sc, strings.NewReader(rowsJSON))
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	props := parquet.NewWriterProperties(parquet.WithRootRepetition(parquet.Repetitions.Required))
	writeParquetRecord(t, path, rec, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()), true)
}

// writeParquetRecord writes rec to path with pqarrow: buffered, as one row group, or
// in row groups of props' maximum length.
func writeParquetRecord(t testing.TB, path string, rec arrow.Record, props *parquet.WriterProperties, aprops pqarrow.ArrowWriterProperties, buffered bool) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	fw, err := pqarrow.NewFileWriter(rec.Schema(), f, props, aprops)
	if err != nil {
		t.Fatal(err)
	}
	write := fw.Write
	if buffered {
		write = fw.WriteBuffered
	}
	if err := write(rec); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestParquetForeignTypes(t *testing.T) {
	dict := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "extra", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond}},
		{Name: "user", Type: dict},
		{Name: "direction", Type: arrow.BinaryTypes.String},
		{Name: "type", Type: arrow.BinaryTypes.LargeString, Nullable: true},
		{Name: "category", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "country", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "status", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "delivered_ts", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "message_id", Type: arrow.BinaryTypes.Binary, Nullable: true},
	}, nil)
	// 1714557600000000 µs = 2024-05-01T10:00:00Z; message ids are base64 in Arrow JSON.
	p := filepath.Join(t.TempDir(), "foreign.parquet")
	writeForeignParquet(t, p, sc, `[
		{"extra": 1, "ts": 1714557600000999, "user": "+5511987654321", "direction": "user", "message_id": "bTE="},
		{"extra": null, "ts": 1714557900250000, "user": "5511987654321", "direction": "business", "type": "template",
		 "category": "utility", "status": "read", "delivered_ts": "2024-05-01T10:05:03Z", "message_id": "bTI="},
		{"ts": 1714558200000000, "user": "cust-42", "direction": "user", "country": "br"}
	]`)
	want := []Record{
		{TS: tm("2024-05-01T10:00:00Z"), User: "5511987654321", Business: "default", MessageID: "m1",
			Direction: model.FromUser, Line: 1},
		{TS: tm("2024-05-01T10:05:00.250Z"), DeliveredTS: tm("2024-05-01T10:05:03Z"), User: "5511987654321",
			Business: "default", MessageID: "m2", Direction: model.FromBusiness, Kind: model.Template,
			Category: model.Utility, Status: model.Read, Line: 2},
		{TS: tm("2024-05-01T10:10:00Z"), User: "cust-42", Business: "default", Country: "BR",
			Direction: model.FromUser, Line: 3},
	}
	diffRecords(t, mustReadAll(t, p, Options{}), want)

	// ts as RFC 3339 text reads the same.
	sc2 := arrow.NewSchema([]arrow.Field{
		{Name: "ts", Type: arrow.BinaryTypes.String},
		{Name: "user", Type: arrow.BinaryTypes.String},
		{Name: "direction", Type: arrow.BinaryTypes.String},
	}, nil)
	p2 := filepath.Join(t.TempDir(), "text_ts.parquet")
	writeForeignParquet(t, p2, sc2, `[{"ts": "2024-05-01T12:00:00+02:00", "user": "5511987654321", "direction": "user"}]`)
	diffRecords(t, mustReadAll(t, p2, Options{}), []Record{
		{TS: tm("2024-05-01T10:00:00Z"), User: "5511987654321", Business: "default", Direction: model.FromUser, Line: 1},
	})
}

// TestParquetManyRowGroups reads across row groups and batches, sorted and not.
func TestParquetManyRowGroups(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.parquet")
	w, err := NewWriter(p, WriterOptions{RowGroupRows: 1000})
	if err != nil {
		t.Fatal(err)
	}
	const n = 150_000 // more than two read batches in the last row groups
	base := tm("2024-05-01T00:00:00Z")
	for i := range n {
		r := Record{TS: base + model.Time(i), User: "5511987654321", Direction: model.FromBusiness,
			Kind: model.Template, Category: model.Category(1 + i%3), Business: "b" + string(rune('0'+i%4))}
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, sort := range []bool{false, true} {
		recs := mustReadAll(t, p, Options{Sort: sort, SortChunkRows: 40_000})
		if len(recs) != n {
			t.Fatalf("sort=%v: %d records, want %d", sort, len(recs), n)
		}
		for i, r := range recs {
			if r.TS != base+model.Time(i) || r.Line != int64(i)+1 || r.Category != model.Category(1+i%3) {
				t.Fatalf("sort=%v: record %d = %+v", sort, i, r)
			}
		}
	}
}

// TestParquetNaiveTimes: timestamps without Parquet's UTC flag (isAdjustedToUTC false:
// pandas' default for naive datetimes) are read as UTC, and the counts say which file
// and column, once per file however often a set opens it, so the command can say so.
func TestParquetNaiveTimes(t *testing.T) {
	dir := t.TempDir()
	schema := func(zone string) *arrow.Schema {
		return arrow.NewSchema([]arrow.Field{
			{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: zone}},
			{Name: "user", Type: arrow.BinaryTypes.String},
			{Name: "direction", Type: arrow.BinaryTypes.String},
		}, nil)
	}
	const rows = `[{"ts": 1714557600000000, "user": "5511987654321", "direction": "user"}]`
	if err := os.MkdirAll(filepath.Join(dir, "ds", "country=BR"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "ds", "country=IN"), 0o755); err != nil {
		t.Fatal(err)
	}
	naive := filepath.Join(dir, "naive.parquet")
	writeForeignParquet(t, naive, schema(""), rows)
	writeForeignParquet(t, filepath.Join(dir, "utc.parquet"), schema("UTC"), rows)
	writeForeignParquet(t, filepath.Join(dir, "ds", "country=BR", "a.parquet"), schema(""), rows)
	writeForeignParquet(t, filepath.Join(dir, "ds", "country=BR", "b.parquet"), schema("UTC"), rows)
	writeForeignParquet(t, filepath.Join(dir, "ds", "country=IN", "c.parquet"), schema(""), strings.Replace(rows, "5511987654321", "919876543210", 1))
	cases := []struct {
		path string
		o    Options
		want string
	}{
		{path: naive, want: "naive.parquet: column ts"},
		{path: filepath.Join(dir, "utc.parquet")},
		{path: filepath.Join(dir, "ds"), want: "country=BR/a.parquet: column ts (and 1 other file)"},
		{path: filepath.Join(dir, "ds"), o: Options{Sort: true}, want: "country=BR/a.parquet: column ts (and 1 other file)"},
	}
	for _, c := range cases {
		recs, counts, err := readCounts(t, []string{c.path}, c.o)
		if err != nil {
			t.Fatal(err)
		}
		if counts.NaiveTimes != c.want || len(recs) == 0 {
			t.Errorf("%s (sort %v): NaiveTimes %q, want %q", c.path, c.o.Sort, counts.NaiveTimes, c.want)
		}
	}
	r := mustReadAll(t, naive, Options{})
	if got := r[0].TS.Std().UTC().Format(time.RFC3339); got != "2024-05-01T10:00:00Z" {
		t.Errorf("read as %s, want 2024-05-01T10:00:00Z (as UTC)", got)
	}
}
