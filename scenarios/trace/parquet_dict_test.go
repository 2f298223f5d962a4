package trace

import (
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/spendsim/spendsim/internal/sharedtest"
)

// TestParquetDictMatchesPlain reads the same rows, good and bad, with the text columns
// dictionary-encoded (their coded fields checked once per entry: buildFast) and plain
// (every row through build): the records, counts and errors are the same, strictly and
// leniently, with and without a default country, and with the columns of some fields
// left out.
func TestParquetDictMatchesPlain(t *testing.T) {
	pools := map[string][]string{
		"direction":   {"business", "user", "business", "user", "", "sideways"},
		"type":        {"template", "text", "template", "", "image"},
		"category":    {"marketing", "utility", "authentication", "", "marketting", "authentication_international"},
		"country":     {"", "BR", "br", "US", "", "UK", "XX"},
		"business":    {"", "15550001111", "15550002222", "biz\xff"},
		"entry_point": {"", "ctwa", "page_cta", "", "organic"},
		"status":      {"", "delivered", "read", "sent", "failed", "bogus"},
	}
	all := []string{"direction", "type", "category", "country", "business", "entry_point", "status"}
	for seed := uint64(0); seed < 6; seed++ {
		rng := rand.New(rand.NewPCG(seed, 1))
		cols := []string{"direction"}
		for _, c := range all[1:] {
			if seed < 2 || rng.IntN(3) > 0 {
				cols = append(cols, c)
			}
		}
		const n = 3000
		rows := make([]map[string]*string, n)
		for i := range rows {
			r := map[string]*string{}
			for _, c := range cols {
				p := pools[c]
				k := rng.IntN(3) // mostly good values
				if rng.IntN(40) == 0 {
					k = rng.IntN(len(p))
				}
				if c != "direction" && rng.IntN(10) == 0 {
					continue // null
				}
				r[c] = sp(p[k])
			}
			rows[i] = r
		}
		var got [2][4]decoded
		fileSeed := rng.Uint64()
		for d, dict := range []bool{true, false} {
			path := filepath.Join(t.TempDir(), "t.parquet")
			writeTimedParquet(t, path, cols, rows, dict, fileSeed)
			for m, o := range []Options{{}, {SkipInvalid: true}, {DefaultCountry: "BR"}, {SkipInvalid: true, DefaultCountry: "BR", DedupWindow: 5}} {
				got[d][m] = decodeAll(t, path, o)
			}
		}
		for m := range got[0] {
			a, b := got[0][m], got[1][m]
			if !reflect.DeepEqual(a.recs, b.recs) || !reflect.DeepEqual(a.counts, b.counts) || fmt.Sprint(a.err) != fmt.Sprint(b.err) {
				t.Fatalf("seed %d, options %d: dictionary %d records %+v %v; plain %d %+v %v",
					seed, m, len(a.recs), a.counts, a.err, len(b.recs), b.counts, b.err)
			}
		}
		if len(got[0][3].recs) < n/10 {
			t.Errorf("seed %d: only %d good rows of %d", seed, len(got[0][3].recs), n)
		}
	}
}

// writeTimedParquet writes rows with a millisecond ts and delivered_ts column, a user
// and a message_id, and the text columns cols (nil = null), dictionary-encoded or not.
func writeTimedParquet(t *testing.T, path string, cols []string, rows []map[string]*string, dict bool, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 2))
	ts := &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}
	fields := []arrow.Field{{Name: "ts", Type: ts}, {Name: "user", Type: arrow.BinaryTypes.String},
		{Name: "delivered_ts", Type: ts, Nullable: true}, {Name: "message_id", Type: arrow.BinaryTypes.String, Nullable: true}}
	for _, c := range cols {
		fields = append(fields, arrow.Field{Name: c, Type: arrow.BinaryTypes.String, Nullable: true})
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(fields, nil))
	defer b.Release()
	at := int64(1714521600000)
	for _, r := range rows {
		at += int64(rng.IntN(2000))
		b.Field(0).(*array.TimestampBuilder).Append(arrow.Timestamp(at))
		b.Field(1).(*array.StringBuilder).Append([]string{"5511987654321", "+5511987654322", "cust-7", "1111111111111"}[rng.IntN(4)])
		if rng.IntN(3) == 0 {
			b.Field(2).AppendNull()
		} else {
			b.Field(2).(*array.TimestampBuilder).Append(arrow.Timestamp(at + int64(rng.IntN(5000)) - 100))
		}
		b.Field(3).(*array.StringBuilder).Append(fmt.Sprintf("wamid.%d", rng.IntN(len(rows))))
		for k, c := range cols {
			if v := r[c]; v != nil {
				b.Field(4 + k).(*array.StringBuilder).Append(*v)
			} else {
				b.Field(4 + k).AppendNull()
			}
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	props := parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(1100), parquet.WithDictionaryDefault(dict))
	writeParquetRecord(t, path, rec, props, pqarrow.NewArrowWriterProperties(), false)
}

// TestParquetDictRealTrace reads the real Twitter customer-support trace (shared
// datasets) as CSV and as Parquet with its text columns dictionary-encoded (buildFast)
// and plain (build), in row groups of 300: the three give the same records, but for
// the line, which a CSV counts from its header.
func TestParquetDictRealTrace(t *testing.T) {
	const src = "../../../shared/datasets/customer_care_twitter.csv"
	f, err := os.Open(src)
	if err != nil {
		sharedtest.Missing(t, "the Twitter trace", err)
		return
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := decodeAll(t, src, Options{})
	if want.err != nil || len(want.recs) != len(rows)-1 {
		t.Fatalf("CSV: %d records of %d rows, %v", len(want.recs), len(rows)-1, want.err)
	}
	head := rows[0]
	ts := &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}
	var fields []arrow.Field
	for _, c := range head {
		typ := arrow.DataType(arrow.BinaryTypes.String)
		if c == "ts" || c == "delivered_ts" {
			typ = ts
		}
		fields = append(fields, arrow.Field{Name: c, Type: typ, Nullable: c != "ts"})
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(fields, nil))
	defer b.Release()
	for _, r := range rows[1:] {
		for k, v := range r {
			switch fb := b.Field(k).(type) {
			case *array.TimestampBuilder:
				if v == "" {
					fb.AppendNull()
					continue
				}
				at, err := time.Parse(time.RFC3339, v)
				if err != nil {
					t.Fatal(err)
				}
				fb.Append(arrow.Timestamp(at.UnixMilli()))
			case *array.StringBuilder:
				if v == "" {
					fb.AppendNull()
				} else {
					fb.Append(v)
				}
			}
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	for _, dict := range []bool{true, false} {
		path := filepath.Join(t.TempDir(), "twitter.parquet")
		props := parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(300), parquet.WithDictionaryDefault(dict))
		writeParquetRecord(t, path, rec, props, pqarrow.NewArrowWriterProperties(), false)
		pf, err := file.OpenParquetFile(path, false)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range head {
			if cc, err := pf.MetaData().RowGroup(0).ColumnChunk(i); err != nil || c == "direction" && cc.HasDictionaryPage() != dict {
				t.Fatalf("dictionary %v: column %s is not written as asked (%v)", dict, c, err)
			}
		}
		pf.Close()
		got := decodeAll(t, path, Options{})
		if got.err != nil || len(got.recs) != len(want.recs) {
			t.Fatalf("dictionary %v: %d records, %v; want %d", dict, len(got.recs), got.err, len(want.recs))
		}
		for i := range got.recs {
			g, w := got.recs[i], want.recs[i]
			if g.Line != int64(i)+1 {
				t.Fatalf("dictionary %v: record %d has line %d", dict, i, g.Line)
			}
			g.Line = w.Line
			if !reflect.DeepEqual(g, w) {
				t.Fatalf("dictionary %v: record %d\n got %+v\nwant %+v", dict, i, g, w)
			}
		}
	}
}
