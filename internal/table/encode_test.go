package table

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// diffColumns is every kind, required and nullable, dictionary and not, delta and not.
var diffColumns = []Column{
	Int64Col("line").WithDelta(),
	Int64Col("amount_micros").WithDict(true),
	Int64Col("conversation_id").OrNull(),
	Int32Col("tier").WithDict(true),
	Int32Col("gap_s").OrNull(),
	Uint64Col("seed"),
	Float64Col("share").OrNull(),
	StringCol("business"),
	StringCol("user").WithDict(false),
	StringCol("message_id").WithDict(false).OrNull(),
	StringCol("meta_origin").OrNull(),
	EnumCol("status", []string{"sent", "delivered", "read"}),
	EnumCol("category", []string{"marketing", "utility"}).OrNull(),
	BoolCol("billable"),
	BoolCol("meta_billable").OrNull(),
	DateCol("day").OrNull(),
	TimestampMillisCol("ts").WithDelta(),
	TimestampMillisCol("delivered_ts").WithDelta().OrNull(),
	Float64ListCol("quantiles_s"),
	Float64ListCol("spread_s").OrNull(),
}

// writeDiff writes rows random rows of diffColumns (seeded), every column null in the
// rows nulls picks; nulls(i, c) false everywhere gives a file without a null.
func writeDiff(t *testing.T, path string, rows int, opts Options, seed uint64, null func(row, col int) bool) {
	t.Helper()
	w, err := Create(path, diffColumns, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	r := rand.New(rand.NewPCG(seed, 1))
	for i := 0; i < rows; i++ {
		for k, c := range diffColumns {
			if c.Nullable && null(i, k) {
				switch c.Kind {
				case KindInt64:
					w.Int64(c.Name).AppendNull()
				case KindInt32:
					w.Int32(c.Name).AppendNull()
				case KindFloat64:
					w.Float64(c.Name).AppendNull()
				case KindString:
					w.String(c.Name).AppendNull()
				case KindEnum:
					w.Enum(c.Name).AppendNull()
				case KindBool:
					w.Bool(c.Name).AppendNull()
				case KindDate:
					w.Date(c.Name).AppendNull()
				case KindTimestampMillis:
					w.TimestampMillis(c.Name).AppendNull()
				case KindFloat64List:
					w.Float64List(c.Name).AppendNull()
				}
				continue
			}
			switch c.Kind {
			case KindInt64:
				w.Int64(c.Name).Append(int64(i)*1000 + r.Int64N(7))
			case KindInt32:
				w.Int32(c.Name).Append(r.Int32N(5))
			case KindUint64:
				w.Uint64(c.Name).Append(1<<63 + r.Uint64N(1000))
			case KindFloat64:
				w.Float64(c.Name).Append(r.Float64())
			case KindString:
				if r.IntN(9) == 0 {
					w.String(c.Name).Append("") // empty, not null
				} else {
					w.String(c.Name).Append(fmt.Sprintf("%s-%d", c.Name, r.IntN(40)*r.IntN(40)))
				}
			case KindEnum:
				w.Enum(c.Name).Append(r.IntN(len(c.Values)))
			case KindBool:
				w.Bool(c.Name).Append(r.IntN(2) == 0)
			case KindDate:
				w.Date(c.Name).AppendDays(int32(20000 + i))
			case KindTimestampMillis:
				w.TimestampMillis(c.Name).AppendMillis(1_700_000_000_000 + int64(i)*1500 + r.Int64N(900))
			case KindFloat64List:
				vs := make([]float64, r.IntN(4)) // empty lists too
				for j := range vs {
					vs[j] = r.Float64()
				}
				w.Float64List(c.Name).Append(vs)
			}
		}
		if err := w.EndRow(); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestChunksMatchPqarrow: the column-chunk writer writes the very bytes pqarrow's
// FileWriter.WriteBuffered writes, whatever the nulls, batch sizes, row-group splits
// (batches that cross a row group, row groups that end on a batch) and row counts, with
// one goroutine encoding the columns or several at once.
func TestChunksMatchPqarrow(t *testing.T) {
	nulls := map[string]func(row, col int) bool{
		"none":    func(int, int) bool { return false },
		"all":     func(int, int) bool { return true },
		"some":    func(row, col int) bool { return (row*7+col*3)%5 == 0 },
		"leading": func(row, col int) bool { return row%50 < 9+col },
		"column":  func(row, col int) bool { return col%3 == 0 },
	}
	sizes := []struct{ batch, group, rows int }{
		{3, 5, 0}, {3, 5, 1}, {3, 5, 17}, {4, 8, 64}, {4, 8, 66}, {7, 20, 141},
		{64, 1000, 1000}, {1000, 256, 3000}, {4096, 1 << 20, 5000},
	}
	dir := t.TempDir()
	for name, null := range nulls {
		for _, sz := range sizes {
			for _, encoders := range []int{1, 4} {
				t.Run(fmt.Sprintf("%s/%d-%d-%d/encoders=%d", name, sz.batch, sz.group, sz.rows, encoders), func(t *testing.T) {
					opts := Options{Version: testVersion, BatchRows: sz.batch, RowGroupRows: int64(sz.group), Encoders: encoders}
					got, want := filepath.Join(dir, "chunks.parquet"), filepath.Join(dir, "pqarrow.parquet")
					writeDiff(t, got, sz.rows, opts, uint64(sz.rows), null)
					opts.viaPqarrow, opts.Encoders = true, 0
					writeDiff(t, want, sz.rows, opts, uint64(sz.rows), null)
					g, err := os.ReadFile(got)
					if err != nil {
						t.Fatal(err)
					}
					wnt, err := os.ReadFile(want)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(g, wnt) {
						t.Fatalf("%d rows, batches of %d, row groups of %d, nulls %s, %d encoders: the column-chunk writer wrote %d bytes that differ from pqarrow's %d",
							sz.rows, sz.batch, sz.group, name, encoders, len(g), len(wnt))
					}
				})
			}
		}
	}
}
