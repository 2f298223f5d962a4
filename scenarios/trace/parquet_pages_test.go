package trace

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/schema"
)

func TestCheckHybrid(t *testing.T) {
	cases := []struct {
		name  string
		buf   []byte
		width int
		need  int
		err   string
	}{
		{"one RLE run", []byte{10 << 1, 1}, 1, 10, ""},
		{"RLE run too short", []byte{9 << 1, 1}, 1, 10, "ends before"},
		{"two runs", []byte{4 << 1, 1, 6 << 1, 0}, 1, 10, ""},
		{"bit-packed, 2 groups of 8 at width 3", append([]byte{2<<1 | 1}, make([]byte, 6)...), 3, 16, ""},
		{"bit-packed cut short", append([]byte{2<<1 | 1}, make([]byte, 5)...), 3, 9, "ends before"},
		{"RLE value of a 9-bit width takes 2 bytes", []byte{5 << 1, 0xff, 0x01}, 9, 5, ""},
		{"RLE value missing", []byte{5 << 1}, 2, 5, "ends before"},
		{"width 0: no value bytes", []byte{7 << 1}, 0, 7, ""},
		{"empty run", []byte{0, 5 << 1, 1}, 1, 5, "empty run"},
		{"empty stream", nil, 1, 1, "ends before"},
		{"6-byte header", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 1, 1, "bad run header"},
		{"nothing needed", nil, 1, 0, ""},
	}
	for _, c := range cases {
		err := checkHybrid(c.buf, c.width, c.need)
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%s: %v, want no error", c.name, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: %v, want %q", c.name, err, c.err)
		}
	}
}

// levelPages is an optional string column of one PLAIN data page of 10 values (V1)
// whose definition levels (with their 4-byte length) and values are given.
func levelPages(t *testing.T, levels, values []byte) (*schema.Column, *onePage) {
	t.Helper()
	node, err := schema.NewPrimitiveNodeLogical("direction", parquet.Repetitions.Optional, schema.StringLogicalType{}, parquet.Types.ByteArray, 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	data := append(append([]byte{}, levels...), values...)
	return schema.NewColumn(node, 1, 0), &onePage{page: file.NewDataPageV1(memory.NewBufferBytes(data), 10,
		parquet.Encodings.Plain, parquet.Encodings.RLE, parquet.Encodings.RLE, int32(len(data)))}
}

// readTen reads 10 values through a checked column reader, failing the test if the
// read does not return within 10 s (arrow's reader spins on the bad pages unchecked).
func readTen(t *testing.T, descr *schema.Column, pages file.PageReader) (int64, error) {
	t.Helper()
	type result struct {
		n   int64
		err error
	}
	done := make(chan result, 1)
	go func() {
		mem := memory.DefaultAllocator
		pool := &sync.Pool{New: func() any { return memory.NewResizableBuffer(mem) }}
		cr := file.NewColumnReader(descr, &checkedPages{PageReader: pages, descr: descr, mem: mem, pool: pool}, mem, pool).(*file.ByteArrayColumnChunkReader)
		vals := make([]parquet.ByteArray, 10)
		defs := make([]int16, 10)
		n, _, err := cr.ReadBatch(10, vals, defs, nil)
		if err == nil {
			err = cr.Err()
		}
		done <- result{n, err}
	}()
	select {
	case r := <-done:
		return r.n, r.err
	case <-time.After(10 * time.Second):
		t.Fatal("the column reader did not return: a page that ends early got through")
		return 0, nil
	}
}

// TestCheckedPagesStopSpin: an optional column whose level stream holds 4 of the
// page's 10 levels (all null) ends the read with an error; unchecked, arrow's reader
// loops on it for ever (seen: the 10 s guard fails). A level stream that reaches
// into the values (arrow reads past the levels' stated length) is caught too, and a
// whole page reads.
func TestCheckedPagesStopSpin(t *testing.T) {
	// A 4-byte length, then RLE runs of width 1.
	descr, pages := levelPages(t, []byte{2, 0, 0, 0, 4 << 1, 0}, nil)
	if n, err := readTen(t, descr, pages); err == nil || !strings.Contains(err.Error(), "definition levels") || !errors.Is(err, errShortStream) {
		t.Errorf("4 of 10 levels: read %d, err %v; want the definition-levels error", n, err)
	}
	descr, pages = levelPages(t, []byte{2, 0, 0, 0, 4 << 1, 0}, []byte{6 << 1, 0})
	if n, err := readTen(t, descr, pages); err == nil || !errors.Is(err, errShortStream) {
		t.Errorf("4 of 10 levels, then bytes that read as 6 more: read %d, err %v; want the definition-levels error", n, err)
	}
	descr, pages = levelPages(t, []byte{2, 0, 0, 0, 10 << 1, 0}, nil)
	if n, err := readTen(t, descr, pages); err != nil || n != 10 {
		t.Errorf("10 null levels: read %d, err %v", n, err)
	}
	value := []byte{2, 0, 0, 0, 'h', 'i'}
	descr, pages = levelPages(t, []byte{4, 0, 0, 0, 9 << 1, 0, 1 << 1, 1}, value)
	if n, err := readTen(t, descr, pages); err != nil || n != 10 {
		t.Errorf("9 nulls and a value: read %d, err %v", n, err)
	}
}

// TestCheckedPagesDeltaHeader: a required string column's DELTA_LENGTH_BYTE_ARRAY
// page whose header is cut short ends the read with an error (unchecked, arrow ignores
// the decoder's failed SetData and its reader asks for values for ever: the page
// FuzzParquet found was a dictionary page's encoding byte flipped to this one); a
// whole delta page of "hi", "yo" reads.
func TestCheckedPagesDeltaHeader(t *testing.T) {
	node, err := schema.NewPrimitiveNodeLogical("user", parquet.Repetitions.Required, schema.StringLogicalType{}, parquet.Types.ByteArray, 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	descr := schema.NewColumn(node, 0, 0)
	page := func(data []byte, n int32) *onePage {
		return &onePage{page: file.NewDataPageV1(memory.NewBufferBytes(data), n,
			parquet.Encodings.DeltaLengthByteArray, parquet.Encodings.RLE, parquet.Encodings.RLE, int32(len(data)))}
	}
	read := func(pages *onePage, n int) ([]parquet.ByteArray, error) {
		t.Helper()
		done := make(chan error, 1)
		vals := make([]parquet.ByteArray, n)
		go func() {
			mem := memory.DefaultAllocator
			pool := &sync.Pool{New: func() any { return memory.NewResizableBuffer(mem) }}
			cr := file.NewColumnReader(descr, &checkedPages{PageReader: pages, descr: descr, mem: mem, pool: pool}, mem, pool).(*file.ByteArrayColumnChunkReader)
			_, _, err := cr.ReadBatch(int64(n), vals, nil, nil)
			if err == nil {
				err = cr.Err()
			}
			done <- err
		}()
		select {
		case err := <-done:
			return vals, err
		case <-time.After(10 * time.Second):
			t.Fatal("the column reader did not return: a page with a broken delta header got through")
			return nil, nil
		}
	}
	if _, err := read(page([]byte{0x80}, 2), 2); err == nil || !strings.Contains(err.Error(), "DELTA_LENGTH_BYTE_ARRAY page: 0 of its 2 values decode") {
		t.Errorf("broken header: %v", err)
	}
	// Lengths, delta-bit-packed: block size 128, 4 miniblocks, 2 values, first 2
	// (zigzag 4); one block: min delta 0, four miniblocks of width 0. Then the bytes.
	good := []byte{0x80, 0x01, 4, 2, 4, 0, 0, 0, 0, 0, 'h', 'i', 'y', 'o'}
	vals, err := read(page(good, 2), 2)
	if err != nil || string(vals[0]) != "hi" || string(vals[1]) != "yo" {
		t.Errorf("good page: %q, %v", vals, err)
	}
}
