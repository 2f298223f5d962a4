package table

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go/format"

	"github.com/spendsim/spendsim/internal/table/tabletest"
)

const testVersion = "v0.0.0-test"

// testZone is UTC−3 without DST, like São Paulo today: local midnight is 03:00 UTC.
var testZone = time.FixedZone("BRT", -3*3600)

var allKinds = []Column{
	StringCol("market"),
	Int64Col("amount_micros"),
	Int32Col("tier"),
	Uint64Col("conversation_id"),
	Float64Col("first_response_s"),
	BoolCol("billable"),
	DateCol("day"),
	TimestampMillisCol("ts").WithDelta(),
	Int64Col("delivered_ms").OrNull(),
	EnumCol("status", []string{"delivered", "read", "sent"}).OrNull(),
	StringCol("message_id").WithDict(false).OrNull(),
}

// writeAllKinds writes n rows of allKinds with small batches and row groups, so the
// batch and row-group boundaries are crossed several times.
func writeAllKinds(t *testing.T, path string, n int) {
	t.Helper()
	w, err := Create(path, allKinds, Options{Version: testVersion, BatchRows: 3, RowGroupRows: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	market, amount, tier, conv := w.String("market"), w.Int64("amount_micros"), w.Int32("tier"), w.Uint64("conversation_id")
	fr, billable, day, ts, delivered := w.Float64("first_response_s"), w.Bool("billable"), w.Date("day"), w.TimestampMillis("ts"), w.Int64("delivered_ms")
	status, msgID := w.Enum("status"), w.String("message_id")
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, testZone)
	for i := 0; i < n; i++ {
		market.Append([]string{"BR", "IN", "DE"}[i%3])
		amount.Append(int64(i) * 62500)
		tier.Append(int32(i % 4))
		conv.Append(1<<63 + uint64(i)) // beyond int64: the unsigned annotation matters
		fr.Append(float64(i) + 0.5)
		billable.Append(i%2 == 0)
		day.Append(base.AddDate(0, 0, i))
		ts.Append(base.Add(time.Duration(i) * time.Minute))
		if i%4 == 3 {
			delivered.AppendNull()
			status.AppendNull()
		} else {
			delivered.Append(base.Add(time.Duration(i)*time.Minute + time.Second).UnixMilli())
			status.Append(i % 3)
		}
		// Null in the last row of every 3-row batch, so a batch's bitmap is full.
		if i%3 == 2 {
			msgID.AppendNull()
		} else {
			msgID.Append(fmt.Sprintf("wamid.%d", i))
		}
		if err := w.EndRow(); err != nil {
			t.Fatal(err)
		}
	}
	if got := w.Rows(); got != int64(n) {
		t.Errorf("Rows() = %d, want %d", got, n)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestTableRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.parquet")
	const n = 12
	writeAllKinds(t, path, n)

	f := tabletest.Read(t, path)
	f.CheckFooter(t, testVersion)
	if got := tabletest.DirEntries(t, dir); !slices.Equal(got, []string{"t.parquet"}) {
		t.Errorf("directory holds %v, want only t.parquet", got)
	}
	if len(f.Rows) != n {
		t.Fatalf("%d rows, want %d", len(f.Rows), n)
	}
	if got := len(f.Meta.RowGroups); got != 3 { // 5 + 5 + 2
		t.Errorf("%d row groups, want 3 (RowGroupRows 5)", got)
	}
	wantTypes := map[string]string{
		"market":           "BYTE_ARRAY STRING REQUIRED",
		"amount_micros":    "INT64 INT(64,true) REQUIRED",
		"tier":             "INT32 INT(32,true) REQUIRED",
		"conversation_id":  "INT64 INT(64,false) REQUIRED",
		"first_response_s": "DOUBLE REQUIRED",
		"billable":         "BOOLEAN REQUIRED",
		"day":              "INT32 DATE REQUIRED",
		"ts":               "INT64 TIMESTAMP(isAdjustedToUTC=true,unit=MILLIS) REQUIRED",
		"delivered_ms":     "INT64 INT(64,true) OPTIONAL",
		"status":           "BYTE_ARRAY STRING OPTIONAL",
		"message_id":       "BYTE_ARRAY STRING OPTIONAL",
	}
	var names []string
	for _, c := range allKinds {
		names = append(names, c.Name)
		if got := f.TypeOf(t, c.Name); got != wantTypes[c.Name] {
			t.Errorf("column %s: type %q, want %q", c.Name, got, wantTypes[c.Name])
		}
	}
	if !slices.Equal(f.Names(), names) {
		t.Errorf("columns %v, want %v", f.Names(), names)
	}

	base := time.Date(2026, 3, 1, 0, 0, 0, 0, testZone)
	for i := 0; i < n; i++ {
		if got, want := string(f.Value(t, i, "market").ByteArray()), []string{"BR", "IN", "DE"}[i%3]; got != want {
			t.Errorf("row %d market = %q, want %q", i, got, want)
		}
		if got := f.Value(t, i, "amount_micros").Int64(); got != int64(i)*62500 {
			t.Errorf("row %d amount_micros = %d", i, got)
		}
		if got := f.Value(t, i, "tier").Int32(); got != int32(i%4) {
			t.Errorf("row %d tier = %d", i, got)
		}
		if got := f.Value(t, i, "conversation_id").Uint64(); got != 1<<63+uint64(i) {
			t.Errorf("row %d conversation_id = %d", i, got)
		}
		if got := f.Value(t, i, "first_response_s").Double(); got != float64(i)+0.5 {
			t.Errorf("row %d first_response_s = %v", i, got)
		}
		if got := f.Value(t, i, "billable").Boolean(); got != (i%2 == 0) {
			t.Errorf("row %d billable = %v", i, got)
		}
		// The local calendar day, not the UTC date of local midnight.
		wantDay := int32(time.Date(2026, 3, 1+i, 0, 0, 0, 0, time.UTC).Unix() / 86400)
		if got := f.Value(t, i, "day").Int32(); got != wantDay {
			t.Errorf("row %d day = %d, want %d", i, got, wantDay)
		}
		if got, want := f.Value(t, i, "ts").Int64(), base.Add(time.Duration(i)*time.Minute).UnixMilli(); got != want {
			t.Errorf("row %d ts = %d, want %d", i, got, want)
		}
		v := f.Value(t, i, "delivered_ms")
		if (i%4 == 3) != v.IsNull() {
			t.Errorf("row %d delivered_ms null = %v", i, v.IsNull())
		}
		// An enum reads back as the string of its index, across batches and row groups.
		v = f.Value(t, i, "status")
		if (i%4 == 3) != v.IsNull() {
			t.Errorf("row %d status null = %v", i, v.IsNull())
		} else if want := []string{"delivered", "read", "sent"}[i%3]; !v.IsNull() && string(v.ByteArray()) != want {
			t.Errorf("row %d status = %q, want %q", i, v.ByteArray(), want)
		}
		v = f.Value(t, i, "message_id")
		if (i%3 == 2) != v.IsNull() {
			t.Errorf("row %d message_id null = %v", i, v.IsNull())
		} else if want := fmt.Sprintf("wamid.%d", i); !v.IsNull() && string(v.ByteArray()) != want {
			t.Errorf("row %d message_id = %q, want %q", i, v.ByteArray(), want)
		}
	}

	// Dictionary pages only where asked for: strings, not numbers; delta where asked.
	for _, rg := range f.Meta.RowGroups {
		for _, cc := range rg.Columns {
			name := cc.MetaData.PathInSchema[0]
			// A dictionary page may be listed as PLAIN_DICTIONARY (deprecated, but still
			// what some writers put in the column's encodings); either one counts.
			dict := slices.Contains(cc.MetaData.Encoding, format.RLEDictionary) ||
				//lint:ignore SA1019 the deprecated name is what is being looked for
				slices.Contains(cc.MetaData.Encoding, format.PlainDictionary)
			if want := name == "market" || name == "status"; dict != want {
				t.Errorf("column %s: dictionary encoded = %v, want %v (encodings %v)", name, dict, want, cc.MetaData.Encoding)
			}
			// An id column has no min/max statistics; the vocabulary columns keep theirs.
			st := cc.MetaData.Statistics
			if hasMinMax := len(st.MinValue)+len(st.MaxValue)+len(st.Min)+len(st.Max) > 0; hasMinMax != (name == "market") && (name == "market" || name == "message_id") {
				t.Errorf("column %s: min/max statistics = %v", name, hasMinMax)
			}
			if delta := slices.Contains(cc.MetaData.Encoding, format.DeltaBinaryPacked); delta != (name == "ts") {
				t.Errorf("column %s: delta encoded = %v (encodings %v)", name, delta, cc.MetaData.Encoding)
			}
			if name == "status" && len(cc.MetaData.EncodingStats) == 0 {
				t.Errorf("status: no encoding stats in the footer")
			}
			for _, st := range cc.MetaData.EncodingStats {
				if name == "status" && st.PageType == format.DataPage && st.Encoding != format.RLEDictionary {
					t.Errorf("status has %d data pages in %v: the dictionary fell back", st.Count, st.Encoding)
				}
			}
		}
	}
}

func TestDateIsCalendarDayOfItsZone(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	// Local midnight in Tokyo is 15:00 UTC the day before.
	d := time.Date(2026, 1, 1, 0, 0, 0, 0, tokyo)
	if got, want := civilDays(d), int32(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix()/86400); got != want {
		t.Errorf("civilDays(%v) = %d, want %d (2026-01-01)", d, got, want)
	}
	before := time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)
	if got := civilDays(before); got != -1 {
		t.Errorf("civilDays(1969-12-31) = %d, want -1", got)
	}
}

func TestTableEmptyIsValid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.parquet")
	writeAllKinds(t, path, 0)
	f := tabletest.Read(t, path)
	f.CheckFooter(t, testVersion)
	if len(f.Rows) != 0 || len(f.Columns) != len(allKinds) {
		t.Errorf("empty table: %d rows, %d columns", len(f.Rows), len(f.Columns))
	}
}

func TestTableAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "messages.parquet")
	w, err := Create(path, []Column{Int64Col("amount_micros")}, Options{Version: testVersion, BatchRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	a := w.Int64("amount_micros")
	for i := 0; i < 5; i++ { // two batches flushed into the temporary file, one pending
		a.Append(int64(i))
		if err := w.EndRow(); err != nil {
			t.Fatal(err)
		}
	}
	if got := tabletest.DirEntries(t, dir); len(got) != 1 || !strings.HasPrefix(got[0], ".messages.parquet.tmp-") {
		t.Errorf("while writing, directory holds %v, want one hidden temporary file", got)
	}
	w.Abort()
	w.Abort() // idempotent
	if got := tabletest.DirEntries(t, dir); len(got) != 0 {
		t.Errorf("after Abort, directory holds %v, want nothing", got)
	}
	if err := w.Close(); err == nil {
		t.Error("Close after Abort succeeded; want an error")
	}
	if got := tabletest.DirEntries(t, dir); len(got) != 0 {
		t.Errorf("after Close following Abort, directory holds %v", got)
	}
}

func TestTableMissedValueFailsAndLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "runs.parquet")
	w, err := Create(path, []Column{StringCol("run_id"), Int64Col("total_micros")}, Options{Version: testVersion})
	if err != nil {
		t.Fatal(err)
	}
	w.String("run_id").Append("r0") // total_micros forgotten
	if err := w.EndRow(); err != nil {
		t.Fatal(err) // not checked until the batch is flushed
	}
	err = w.Close()
	if err == nil || !strings.Contains(err.Error(), `column "total_micros" has 0 values in a batch of 1 rows`) {
		t.Errorf("Close error = %v, want it to name the short column", err)
	}
	if got := tabletest.DirEntries(t, dir); len(got) != 0 {
		t.Errorf("after a failed Close, directory holds %v, want nothing", got)
	}
}

func TestTableReplacesOldFileWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.parquet")
	if err := os.WriteFile(path, []byte("old results"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := Create(path, []Column{Int64Col("x")}, Options{Version: testVersion})
	if err != nil {
		t.Fatal(err)
	}
	w.Int64("x").Append(1)
	if err := w.EndRow(); err != nil {
		t.Fatal(err)
	}
	// Until Close, readers still see the old file.
	if got, err := os.ReadFile(path); err != nil || string(got) != "old results" {
		t.Errorf("before Close, file holds %q (%v)", got, err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if f := tabletest.Read(t, path); len(f.Rows) != 1 {
		t.Errorf("after Close: %d rows, want 1", len(f.Rows))
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm()&0o044 == 0 {
		t.Errorf("mode %v: results should be readable by others", st.Mode())
	}
}

func TestTableDeclarationErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		cols []Column
		opts Options
		want string
	}{
		{"no columns", nil, Options{Version: testVersion}, "at least one column"},
		{"no version", []Column{Int64Col("x")}, Options{}, "Version is empty"},
		{"duplicate", []Column{Int64Col("x"), StringCol("x")}, Options{Version: testVersion}, `"x" is declared twice`},
		{"no kind", []Column{{Name: "x"}}, Options{Version: testVersion}, "has no kind"},
		{"camel case", []Column{Int64Col("amountMicros")}, Options{Version: testVersion}, "not snake_case"},
		{"no name", []Column{Int64Col("")}, Options{Version: testVersion}, "not snake_case"},
		{"leading digit", []Column{Int64Col("90p_s")}, Options{Version: testVersion}, "not snake_case"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Create(filepath.Join(dir, "t.parquet"), tc.cols, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
	if got := tabletest.DirEntries(t, dir); len(got) != 0 {
		t.Errorf("failed declarations left %v", got)
	}
}

func TestTableWrongAppenderPanics(t *testing.T) {
	w, err := Create(filepath.Join(t.TempDir(), "t.parquet"), []Column{Int64Col("x")}, Options{Version: testVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), `column "x" of`) {
			t.Errorf("recover() = %v, want a panic naming the column", r)
		}
	}()
	w.Float64("x")
}

// BenchmarkTableWriter writes a messages.parquet-like table (ids, times, vocabularies)
// with one goroutine encoding the columns and with one per core; memory per op stays
// flat as b.N grows because batches are encoded and dropped.
func BenchmarkTableWriter(b *testing.B) {
	cols := []Column{
		Int64Col("line").WithDelta(), TimestampMillisCol("ts").WithDelta(), StringCol("user").WithDict(false),
		StringCol("message_id").WithDict(false).OrNull(), StringCol("pricing_model"), StringCol("pricing_type"),
		StringCol("pricing_category"), BoolCol("billable"), Uint64Col("conversation_id"),
		Int32Col("tier"), StringCol("market"), Int64Col("amount_micros"), StringCol("currency"),
	}
	for _, encoders := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("encoders=%d", encoders), func(b *testing.B) {
			w, err := Create(filepath.Join(b.TempDir(), "messages.parquet"), cols, Options{Version: testVersion, Encoders: encoders})
			if err != nil {
				b.Fatal(err)
			}
			defer w.Abort()
			line, ts, user, id := w.Int64("line"), w.TimestampMillis("ts"), w.String("user"), w.String("message_id")
			model, typ, cat, bill := w.String("pricing_model"), w.String("pricing_type"), w.String("pricing_category"), w.Bool("billable")
			conv, tier, market, amount, cur := w.Uint64("conversation_id"), w.Int32("tier"), w.String("market"), w.Int64("amount_micros"), w.String("currency")
			users, ids := make([]string, 1<<16), make([]string, 1<<16)
			for i := range users {
				users[i] = fmt.Sprintf("55119%08d", i*7919%100_000_000)
				ids[i] = "wamid.HBgM" + strconv.FormatInt(int64(i)*104_729, 36)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				line.Append(int64(i))
				ts.AppendMillis(1_767_225_600_000 + int64(i)*37)
				user.Append(users[i&(1<<16-1)])
				id.Append(ids[(i*3)&(1<<16-1)])
				model.Append("PMP")
				typ.Append("regular")
				cat.Append("utility")
				bill.Append(true)
				conv.Append(uint64(i / 3))
				tier.Append(int32(i % 3))
				market.Append("BR")
				amount.Append(int64(8000 + i%17))
				cur.Append("USD")
				if err := w.EndRow(); err != nil {
					b.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// TestTableManyDistinctSameBytes writes a dictionary column with more distinct values
// than arrow's default 1 MiB dictionary page holds (a trace's users) several times: the
// dictionary must not fall back to plain pages, since arrow writes a fallen-back
// chunk's page-encoding counts in a map's order and the bytes would differ run to run.
func TestTableManyDistinctSameBytes(t *testing.T) {
	dir := t.TempDir()
	const n = 80_000 // 80,000 values of 17 bytes, 4 more each in the page: 1.6 MiB
	write := func(name string) []byte {
		path := filepath.Join(dir, name)
		w, err := Create(path, []Column{StringCol("user")}, Options{Version: testVersion})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Abort()
		user := w.String("user")
		for i := range n {
			user.Append(fmt.Sprintf("55119%012d", i*7919))
			if err := w.EndRow(); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	first := write("0.parquet")
	for i := 1; i < 6; i++ {
		if b := write(fmt.Sprintf("%d.parquet", i)); !slices.Equal(b, first) {
			t.Fatalf("write %d: %d bytes differ from the first write's %d", i, len(b), len(first))
		}
	}
	f := tabletest.Read(t, filepath.Join(dir, "0.parquet"))
	for _, rg := range f.Meta.RowGroups {
		for _, st := range rg.Columns[0].MetaData.EncodingStats {
			if st.PageType == format.DataPage && st.Encoding != format.RLEDictionary {
				t.Errorf("user has %d data pages in %v: the dictionary fell back", st.Count, st.Encoding)
			}
		}
	}
}
