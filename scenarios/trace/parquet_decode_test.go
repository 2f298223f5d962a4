package trace

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
)

// writeTextParquet writes rows of text columns (nil = null) as another tool would:
// row groups of rowGroup rows, dictionary-encoded or plain.
func writeTextParquet(t testing.TB, path string, cols []string, rows [][]*string, rowGroup int64, dict bool) {
	t.Helper()
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c, Type: arrow.BinaryTypes.String, Nullable: true}
	}
	sc := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	for _, r := range rows {
		for i, v := range r {
			if v == nil {
				b.Field(i).AppendNull()
			} else {
				b.Field(i).(*array.StringBuilder).Append(*v)
			}
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	props := parquet.NewWriterProperties(parquet.WithRootRepetition(parquet.Repetitions.Required),
		parquet.WithMaxRowGroupLength(rowGroup), parquet.WithDictionaryDefault(dict))
	writeParquetRecord(t, path, rec, props, pqarrow.NewArrowWriterProperties(), false)
}

func sp(s string) *string { return &s }

// withProcs runs f with GOMAXPROCS n, so the decoder runs that many builders.
func withProcs(n int, f func()) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(n))
	f()
}

// decodeTrace has bad rows (a row the contract refuses, one whose user/country rule
// fails) and repeated message ids scattered over row groups of several batches.
func decodeTrace(t *testing.T, n int, rowGroup int64, dict bool) (path string, bad map[int]string) {
	cols := []string{"ts", "user", "direction", "type", "category", "business", "status", "message_id"}
	rows := make([][]*string, n)
	bad = map[int]string{}
	// The message of row j, but for its time.
	message := func(j int) []*string {
		user := fmt.Sprintf("55119%08d", j%5000)
		r := []*string{nil, sp(user), sp("business"), sp("template"), sp([]string{"marketing", "utility", "authentication"}[j%3]),
			sp([]string{"15550001111", "15550002222"}[j%2]), sp("delivered"), sp(fmt.Sprintf("wamid.%d", j))}
		if j%2 == 1 {
			r[2], r[3], r[4], r[6] = sp("user"), nil, nil, nil
		}
		return r
	}
	for i := range rows {
		r := message(i)
		if i%97 == 5 {
			r = message(i - 3) // a retry of row i-3's message: dropped (another message under its id would be a clash)
		}
		r[0] = sp(fmt.Sprintf("2024-05-01T%02d:%02d:%02d.%03dZ", i/3_600_000%24, i/60_000%60, i/1000%60, i%1000))
		switch {
		case i%1009 == 7:
			r[4] = sp("marketting")
			bad[i] = `column category: "marketting" is not one of marketing, utility, authentication`
		case i%1013 == 11:
			r[1] = sp("1111111111111")
			bad[i] = `column user: "1111111111111" is too long`
		}
		rows[i] = r
	}
	path = filepath.Join(t.TempDir(), "t.parquet")
	writeTextParquet(t, path, cols, rows, rowGroup, dict)
	return path, bad
}

type decoded struct {
	recs   []Record
	counts Counts
	err    error
}

func decodeAll(t *testing.T, path string, o Options) decoded {
	t.Helper()
	r, err := Open(path, o)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var d decoded
	for {
		var rec Record
		if err := r.Next(&rec); err != nil {
			if err.Error() != "EOF" {
				d.err = err
			}
			break
		}
		d.recs = append(d.recs, rec)
	}
	d.counts = CountsOf(r)
	return d
}

// TestParquetDecodeAnyCores reads the same file at 1, 2 and 8 builders: the records,
// the counts and the skip reasons, and the first error read strictly, are the same,
// and each bad row is skipped or reported in its place.
func TestParquetDecodeAnyCores(t *testing.T) {
	const n = 40_000
	for _, dict := range []bool{true, false} {
		path, bad := decodeTrace(t, n, 17_000, dict) // row groups of 3 batches, the last short
		if d := os.Getenv("DUMPDIR"); d != "" {
			b, _ := os.ReadFile(path)
			os.WriteFile(fmt.Sprintf("%s/bad-%v.parquet", d, dict), b, 0o644)
		}
		var want [2]decoded
		for k, procs := range []int{1, 2, 8} {
			var got [2]decoded
			withProcs(procs, func() {
				got[0] = decodeAll(t, path, Options{SkipInvalid: true})
				got[1] = decodeAll(t, path, Options{})
			})
			if k == 0 {
				want = got
				continue
			}
			for m := range got {
				if !reflect.DeepEqual(got[m].recs, want[m].recs) || !reflect.DeepEqual(got[m].counts, want[m].counts) ||
					fmt.Sprint(got[m].err) != fmt.Sprint(want[m].err) {
					t.Fatalf("dict=%v, %d cores, mode %d: differs from 1 core: %d records %+v %v, want %d %+v %v",
						dict, procs, m, len(got[m].recs), got[m].counts, got[m].err, len(want[m].recs), want[m].counts, want[m].err)
				}
			}
		}
		lenient, strict := want[0], want[1]
		if int(lenient.counts.Skipped) != len(bad) {
			t.Errorf("dict=%v: skipped %d rows, want %d", dict, lenient.counts.Skipped, len(bad))
		}
		if lenient.counts.Duplicates == 0 || len(lenient.recs)+len(bad)+int(lenient.counts.Duplicates) != n {
			t.Errorf("dict=%v: %d records, %d skipped, %d duplicates of %d rows", dict, len(lenient.recs), len(bad), lenient.counts.Duplicates, n)
		}
		prev := int64(0)
		for _, r := range lenient.recs {
			if _, isBad := bad[int(r.Line)-1]; isBad || r.Line <= prev {
				t.Fatalf("dict=%v: record of row %d after row %d", dict, r.Line, prev)
			}
			prev = r.Line
		}
		first := n
		for i := range bad {
			first = min(first, i)
		}
		if want := fmt.Sprintf("t.parquet:%d: %s", first+1, bad[first]); strict.err == nil || !strings.HasPrefix(strict.err.Error(), want) {
			t.Errorf("dict=%v: strict read ends with %v, want %s…", dict, strict.err, want)
		}
	}
}

// TestParquetCorruptRowGroup: a column chunk of the third row group overwritten with
// garbage ends the read at that row group's first row, after every row before it, at
// any number of cores.
func TestParquetCorruptRowGroup(t *testing.T) {
	path, _ := decodeTrace(t, 40_000, 10_000, true)
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := pf.MetaData().RowGroup(2).ColumnChunk(7) // message_id
	if err != nil {
		t.Fatal(err)
	}
	off := cc.DataPageOffset()
	if cc.HasDictionaryPage() {
		off = cc.DictionaryPageOffset()
	}
	pf.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 64 {
		b[off+int64(i)] = 0xff
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if d := os.Getenv("DUMPDIR"); d != "" {
		os.WriteFile(d+"/corrupt.parquet", b, 0o644)
	}
	var want decoded
	for k, procs := range []int{1, 3, 8} {
		var got decoded
		withProcs(procs, func() { got = decodeAll(t, path, Options{SkipInvalid: true}) })
		if got.err == nil || !strings.HasPrefix(got.err.Error(), "t.parquet:20001: corrupt Parquet") {
			t.Fatalf("%d cores: error %v, want one at row 20001, the row group's first", procs, got.err)
		}
		var e *Error
		if !errors.As(got.err, &e) || e.row {
			t.Errorf("%d cores: %v is skippable", procs, got.err)
		}
		if last := got.recs[len(got.recs)-1].Line; last >= 20_001 {
			t.Errorf("%d cores: record of row %d before the error", procs, last)
		}
		if k == 0 {
			want = got
		} else if len(got.recs) != len(want.recs) || got.err.Error() != want.err.Error() {
			t.Errorf("%d cores: %d records then %v; 1 core: %d then %v", procs, len(got.recs), got.err, len(want.recs), want.err)
		}
	}
}

// TestParquetDictionaryUTF8: a value's UTF-8 is checked once with its dictionary; a
// dictionary with a bad value leaves its values to be checked one by one, so the error
// is the one a plain column gives.
func TestParquetDictionaryUTF8(t *testing.T) {
	cols := []string{"ts", "user", "direction", "business"}
	for _, badCol := range []int{1, 3} {
		rows := [][]*string{
			{sp("2024-05-01T10:00:00Z"), sp("5511987654321"), sp("user"), sp("1555")},
			{sp("2024-05-01T10:00:01Z"), sp("5511987654321"), sp("user"), sp("1555")},
			{sp("2024-05-01T10:00:02Z"), sp("5511987654321"), sp("user"), sp("1555")},
		}
		rows[2][badCol] = sp("551\xff9876")
		want := fmt.Sprintf("t.parquet:3: column %s: not valid UTF-8 (byte 0xff at offset 3)", cols[badCol])
		for _, dict := range []bool{true, false} {
			path := filepath.Join(t.TempDir(), "t.parquet")
			writeTextParquet(t, path, cols, rows, 100, dict)
			got := decodeAll(t, path, Options{DefaultCountry: "BR"})
			if got.err == nil || got.err.Error() != want || len(got.recs) != 2 {
				t.Errorf("dict=%v: %d records, then %v; want 2 then %s", dict, len(got.recs), got.err, want)
			}
		}
	}
	for _, c := range []struct {
		page []byte
		want bool
	}{
		{nil, true},
		{[]byte("\x02\x00\x00\x00ab\x00\x00\x00\x00\x03\x00\x00\x00\xc3\xa9!"), true},
		{[]byte("\x02\x00\x00\x00a\xff"), false},
		{[]byte("\x05\x00\x00\x00ab"), false}, // a length past the page
		{[]byte("\x02\x00\x00"), false},       // a cut length
	} {
		if got := plainUTF8(c.page); got != c.want {
			t.Errorf("plainUTF8(%q) = %v, want %v", c.page, got, c.want)
		}
	}
}

// TestIsASCII checks the word-at-a-time ASCII test against a byte loop at every length
// and position of a high byte.
func TestIsASCII(t *testing.T) {
	for n := range 40 {
		b := []byte(strings.Repeat("a", n))
		if !isASCII(string(b)) {
			t.Fatalf("%q: not ASCII", b)
		}
		for i := range n {
			c := append([]byte(nil), b...)
			c[i] = 0x80
			if isASCII(string(c)) {
				t.Fatalf("%q: ASCII", c)
			}
		}
	}
}
