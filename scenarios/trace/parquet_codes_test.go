package trace

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
)

// decodeBoth reads path with coded pages decoded by the column decoders
// (parquet_codes.go) and with arrow's reader alone, under two option sets.
func decodeBoth(t *testing.T, path string) (coded, plain [2]decoded) {
	t.Helper()
	opts := []Options{{}, {SkipInvalid: true, DefaultCountry: "BR"}}
	for m, o := range opts {
		coded[m] = decodeAll(t, path, o)
		codesOff = true
		plain[m] = decodeAll(t, path, o)
		codesOff = false
	}
	return coded, plain
}

func sameDecoded(a, b decoded) bool {
	return reflect.DeepEqual(a.recs, b.recs) && reflect.DeepEqual(a.counts, b.counts) && fmt.Sprint(a.err) == fmt.Sprint(b.err)
}

// writeCodedParquet writes n rows whose coded columns are dictionary-encoded, with
// nulls, in row groups and pages of the sizes given, row i's business number
// biz(i) (their count is the indices' bit width), and, with dictLimit, dictionaries that
// overflow into plain pages partway through a column chunk.
func writeCodedParquet(t testing.TB, path string, seed uint64, n int, rowGroup, pageSize int64, biz func(i int, rng *rand.Rand) int, dictLimit int64, v2 bool) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 3))
	ts := &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}
	text := []string{"direction", "type", "category", "country", "business", "entry_point", "status"}
	fields := []arrow.Field{{Name: "ts", Type: ts}, {Name: "user", Type: arrow.BinaryTypes.String},
		{Name: "message_id", Type: arrow.BinaryTypes.String, Nullable: true}}
	for _, c := range text {
		fields = append(fields, arrow.Field{Name: c, Type: arrow.BinaryTypes.String, Nullable: c != "direction"})
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(fields, nil))
	defer b.Release()
	nulls := rng.IntN(4) // of 8: how often an optional value is null
	at := int64(1714521600000)
	for i := 0; i < n; i++ {
		at += int64(rng.IntN(2000))
		b.Field(0).(*array.TimestampBuilder).Append(arrow.Timestamp(at))
		b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("55119%08d", rng.IntN(5000)))
		b.Field(2).(*array.StringBuilder).Append(fmt.Sprintf("wamid.%d", i))
		dir := []string{"business", "user"}[rng.IntN(2)]
		// mostly good values, one in 40 a bad one
		pick := func(good []string, bad string) string {
			if rng.IntN(40) == 0 {
				return bad
			}
			return good[rng.IntN(len(good))]
		}
		vals := map[string]string{
			"direction":   dir,
			"type":        pick([]string{"template", "text", "template"}, "video"),
			"category":    pick([]string{"marketing", "utility", "authentication", ""}, "marketting"),
			"country":     pick([]string{"BR", "br", ""}, "US"),
			"business":    fmt.Sprintf("1555%07d", biz(i, rng)),
			"entry_point": pick([]string{"ctwa", "page_cta", ""}, "organic"),
			"status":      pick([]string{"delivered", "read", "sent", "failed"}, "bogus"),
		}
		if dir == "user" {
			vals["type"], vals["category"], vals["status"] = "", "", ""
		}
		for k, c := range text {
			fb := b.Field(3 + k)
			if c != "direction" && (rng.IntN(8) < nulls || vals[c] == "") {
				fb.AppendNull()
				continue
			}
			fb.(*array.StringBuilder).Append(vals[c])
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	opts := []parquet.WriterProperty{parquet.WithMaxRowGroupLength(rowGroup), parquet.WithDictionaryDefault(true),
		parquet.WithDataPageSize(pageSize), parquet.WithDictionaryPageSizeLimit(dictLimit)}
	if v2 {
		opts = append(opts, parquet.WithDataPageVersion(parquet.DataPageV2))
	}
	writeParquetRecord(t, path, rec, parquet.NewWriterProperties(opts...), pqarrow.NewArrowWriterProperties(), false)
}

// TestParquetCodesMatchArrow reads files whose coded columns' pages are decoded by the
// column decoders and by arrow's reader: pages ending inside and at the end of a batch,
// row groups of several batches, nulls, indices of 1 to 9 bits in RLE and bit-packed
// runs, dictionaries overflowing into plain pages (which arrow's reader takes over),
// version 2 pages (arrow's alone): the same records, counts and errors.
func TestParquetCodesMatchArrow(t *testing.T) {
	for seed := uint64(0); seed < 8; seed++ {
		rng := rand.New(rand.NewPCG(seed, 4))
		n := 5000 + rng.IntN(30000)
		rowGroup := []int64{int64(n), 8192, 20000, 777}[seed%4]
		pageSize := []int64{1 << 20, 3000, 8192, 64}[rng.IntN(4)]
		bizValues := []int{1, 2, 40, 300}[rng.IntN(4)]
		biz := func(i int, rng *rand.Rand) int {
			if rng.IntN(50) == 0 {
				return rng.IntN(3) // runs of one number, written as RLE runs
			}
			return rng.IntN(bizValues)
		}
		dictLimit := int64(1 << 20)
		if seed%3 == 2 {
			dictLimit = 2000 // the business dictionary overflows: plain pages follow
		}
		path := filepath.Join(t.TempDir(), "t.parquet")
		writeCodedParquet(t, path, seed, n, rowGroup, pageSize, biz, dictLimit, seed == 5)
		coded, plain := decodeBoth(t, path)
		for m := range coded {
			if !sameDecoded(coded[m], plain[m]) {
				t.Fatalf("seed %d (rows %d, row groups %d, pages %d B, %d businesses), options %d: coded %d records %+v %v; arrow %d %+v %v",
					seed, n, rowGroup, pageSize, bizValues, m, len(coded[m].recs), coded[m].counts, coded[m].err, len(plain[m].recs), plain[m].counts, plain[m].err)
			}
		}
		if len(coded[1].recs) < n/2 {
			t.Errorf("seed %d: only %d good rows of %d: %v", seed, len(coded[1].recs), n, coded[1].counts.SkipReasons)
		}
	}
}

// TestParquetCodesHandoffAtBatchEnd has a business dictionary overflow into plain
// pages exactly where a batch ends (arrow's writer writes 1024 rows at a time, and
// checks its pages and dictionary after each): the batch's last page is decoded by the
// column decoder, which reads the plain page after it as arrow's reader would, at the
// end of the batch, and leaves it and the rest of the chunk to arrow's reader.
func TestParquetCodesHandoffAtBatchEnd(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.parquet")
	biz := func(i int, rng *rand.Rand) int {
		if i >= parquetBatchRows-1024 {
			return i // a new number a row: the dictionary outgrows its limit in the batch's last 1024 rows
		}
		return rng.IntN(2)
	}
	writeCodedParquet(t, path, 21, 3*parquetBatchRows, 3*parquetBatchRows, 64, biz, 4000, false)
	coded, plain := decodeBoth(t, path)
	for m := range coded {
		if !sameDecoded(coded[m], plain[m]) {
			t.Fatalf("options %d: coded %d records %+v %v; arrow %d %+v %v",
				m, len(coded[m].recs), coded[m].counts, coded[m].err, len(plain[m].recs), plain[m].counts, plain[m].err)
		}
	}
	if len(coded[1].recs) < parquetBatchRows {
		t.Errorf("only %d good rows: %v", len(coded[1].recs), coded[1].counts.SkipReasons)
	}
}

// TestParquetCodesCorrupt changes bytes of the coded columns' chunks (levels, run
// headers, indices, dictionaries) of an uncompressed file: each corrupt file reads
// the same with the pages decoded by the column decoders as with arrow's reader, the
// same records up to the same error.
func TestParquetCodesCorrupt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.parquet")
	writeCodedParquet(t, path, 11, 1000, 400, 300, func(_ int, rng *rand.Rand) int { return rng.IntN(40) }, 1<<20, false)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	var spans [][2]int64
	for rg := 0; rg < r.NumRowGroups(); rg++ {
		g := r.MetaData().RowGroup(rg)
		for c := 3; c < g.NumColumns(); c++ {
			cc, err := g.ColumnChunk(c)
			if err != nil {
				t.Fatal(err)
			}
			start := cc.DataPageOffset()
			if cc.HasDictionaryPage() && cc.DictionaryPageOffset() > 0 {
				start = min(start, cc.DictionaryPageOffset())
			}
			spans = append(spans, [2]int64{start, start + cc.TotalCompressedSize()})
		}
	}
	r.Close()
	rng := rand.New(rand.NewPCG(12, 13))
	bad := filepath.Join(dir, "bad.parquet")
	differ := 0
	for i := 0; i < 150; i++ {
		sp := spans[rng.IntN(len(spans))]
		off := sp[0] + rng.Int64N(sp[1]-sp[0])
		b := append([]byte(nil), data...)
		switch i % 3 {
		case 0:
			b[off] ^= 1 << rng.IntN(8)
		case 1:
			b[off] = 0xff
		default:
			b[off] = byte(rng.IntN(4))
		}
		if err := os.WriteFile(bad, b, 0o644); err != nil {
			t.Fatal(err)
		}
		coded, plain := decodeBoth(t, bad)
		for m := range coded {
			if !sameDecoded(coded[m], plain[m]) {
				t.Fatalf("byte %d = %#x, options %d: coded %d records %+v %v; arrow %d %+v %v",
					off, b[off], m, len(coded[m].recs), coded[m].counts, coded[m].err, len(plain[m].recs), plain[m].counts, plain[m].err)
			}
		}
		if coded[0].err != nil {
			differ++
		}
	}
	if differ == 0 {
		t.Error("no corrupt file failed to read")
	}
}

// FuzzParquetCodes reads a file with coded pages decoded by the column decoders and by
// arrow's reader alone: the same records, counts and errors.
func FuzzParquetCodes(f *testing.F) {
	seedFiles(f, "testdata/bad/*.parquet")
	p := filepath.Join(f.TempDir(), "seed.parquet")
	writeCodedParquet(f, p, 1, 300, 120, 200, func(_ int, rng *rand.Rand) int { return rng.IntN(40) }, 1<<20, false)
	if b, err := os.ReadFile(p); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f.parquet")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if r, err := Open(p, Options{}); err != nil {
			return
		} else {
			r.Close()
		}
		coded, plain := decodeBoth(t, p)
		for m := range coded {
			if !sameDecoded(coded[m], plain[m]) {
				t.Fatalf("options %d: coded %d records %+v %v; arrow %d %+v %v",
					m, len(coded[m].recs), coded[m].counts, coded[m].err, len(plain[m].recs), plain[m].counts, plain[m].err)
			}
		}
	})
}
