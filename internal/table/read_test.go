package table

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReadBatches: Read hands over every row once, across the row groups writeAllKinds
// makes, with each kind as its arrow array; a missing, mistyped or null-holding column
// is kept as the batch's error and named.
func TestReadBatches(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.parquet")
	const n = 12
	writeAllKinds(t, path, n)
	row := 0
	err := Read(path, func(b *Batch) error {
		market, amount, tier, conv := b.String("market"), b.Int64("amount_micros"), b.Int32("tier"), b.Uint64("conversation_id")
		fr, day := b.Float64("first_response_s"), b.Date("day")
		if err := b.Err(); err != nil {
			return err
		}
		for i := 0; i < b.Rows(); i++ {
			if got, want := market.Value(i), []string{"BR", "IN", "DE"}[row%3]; got != want {
				t.Errorf("row %d market = %q, want %q", row, got, want)
			}
			if amount.Value(i) != int64(row)*62500 || tier.Value(i) != int32(row%4) || conv.Value(i) != 1<<63+uint64(row) || fr.Value(i) != float64(row)+0.5 {
				t.Errorf("row %d: %d %d %d %v", row, amount.Value(i), tier.Value(i), conv.Value(i), fr.Value(i))
			}
			if got, want := int32(day.Value(i)), int32(time.Date(2026, 3, 1+row, 0, 0, 0, 0, time.UTC).Unix()/86400); got != want {
				t.Errorf("row %d day = %d, want %d", row, got, want)
			}
			row++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if row != n {
		t.Errorf("read %d rows, wrote %d", row, n)
	}
	for _, tc := range []struct {
		ask  func(*Batch)
		want string
	}{
		{func(b *Batch) { b.Int64("no_such") }, "no column no_such"},
		{func(b *Batch) { b.String("amount_micros") }, "column amount_micros is int64, want string"},
		{func(b *Batch) { b.Int64("delivered_ms") }, "column delivered_ms has nulls"},
		{func(b *Batch) { b.Float64List("tier") }, "want list<float64>"},
	} {
		err := Read(path, func(b *Batch) error {
			b.Int64("amount_micros")
			tc.ask(b)
			b.Int32("tier") // after the first problem, later columns keep it
			return b.Err()
		})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("err = %v, want it to name %s and say %q", err, path, tc.want)
		}
	}
	if err := Read(filepath.Join(t.TempDir(), "none.parquet"), func(*Batch) error { return nil }); err == nil {
		t.Error("reading a missing file succeeded")
	}
}
