package trace

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	pq "github.com/parquet-go/parquet-go"

	"github.com/spendsim/spendsim/internal/table/tabletest"
)

// TestParquetReadsElsewhere reads the Writer's Parquet with an independent
// implementation (parquet-go, pure Go): the schema must be the contract's, with ts as
// a UTC millisecond timestamp, zstd, and the values must match. The footer is every
// spendsim Parquet file's (internal/table): created_by names the version given.
func TestParquetReadsElsewhere(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.parquet")
	w, err := NewWriter(p, WriterOptions{Version: "v0.0.0-test"})
	if err != nil {
		t.Fatal(err)
	}
	recs := goodRecords(0)
	for i := range recs {
		if err := w.Write(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := pq.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	if pf.NumRows() != int64(len(recs)) {
		t.Errorf("NumRows = %d, want %d", pf.NumRows(), len(recs))
	}
	var names []string
	for _, fl := range pf.Schema().Fields() {
		names = append(names, fl.Name())
	}
	if got, want := strings.Join(names, ","), strings.Join(fieldNames[:], ","); got != want {
		t.Errorf("columns %s, want %s", got, want)
	}
	ts := pf.Schema().Fields()[0]
	if lt := ts.Type().LogicalType(); lt == nil || lt.String() != "TIMESTAMP(isAdjustedToUTC=true,unit=MILLIS)" {
		t.Errorf("ts logical type %v, want TIMESTAMP(isAdjustedToUTC=true,unit=MILLIS)", lt)
	}
	if ts.Optional() || !pf.Schema().Fields()[9].Optional() {
		t.Errorf("ts must be required and delivered_ts optional")
	}
	if cc := pf.Metadata().RowGroups[0].Columns[0].MetaData.Codec; cc.String() != "ZSTD" {
		t.Errorf("codec %v, want ZSTD", cc)
	}
	tabletest.Read(t, p).CheckFooter(t, "v0.0.0-test")

	type row struct {
		TS        int64   `parquet:"ts"`
		User      string  `parquet:"user"`
		Direction string  `parquet:"direction"`
		Category  *string `parquet:"category,optional"`
		Delivered *int64  `parquet:"delivered_ts,optional"`
		MessageID *string `parquet:"message_id,optional"`
	}
	rows := make([]row, len(recs))
	n, err := pq.NewGenericReader[row](f).Read(rows)
	if n != len(recs) {
		t.Fatalf("read %d rows: %v", n, err)
	}
	for i, r := range rows {
		want := recs[i]
		if r.TS != int64(want.TS) || r.User != want.User || (r.MessageID == nil) != (want.MessageID == "") ||
			(r.Delivered == nil) != (want.DeliveredTS == 0) || r.Direction != want.Direction.String() {
			t.Errorf("row %d = %+v, want %+v", i, r, want)
		}
	}
	if c := rows[1].Category; c == nil || *c != "utility" {
		t.Errorf("row 1 category %v, want utility", c)
	}
	if d := rows[1].Delivered; d == nil || *d != int64(recs[1].DeliveredTS) {
		t.Errorf("row 1 delivered_ts %v, want %d", d, recs[1].DeliveredTS)
	}
}
