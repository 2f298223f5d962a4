package trace

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/schema"
)

// checkedPages hands a column reader only data pages it will not loop on for ever.
// Arrow v17's column reader asks its decoders for values until it has as many as it
// was asked for; two kinds of page make it ask for ever:
//
//   - an optional column's page whose definition levels end before the page's value
//     count: the level decoder returns none, and no error (TestCheckedPagesStopSpin);
//   - a required byte-array column's DELTA_LENGTH_BYTE_ARRAY or DELTA_BYTE_ARRAY page
//     whose header does not parse: arrow ignores the decoder's SetData error, and the
//     decoder then returns no value, and no error (found by FuzzParquet).
//
// The first are checked by walking the level stream; the second by decoding the page
// once through a fresh reader that takes the column as optional with every value
// present, where the levels move the read on and a shortfall shows. Other decoders
// report a short or broken page as an error themselves.
//
// It also keeps the column chunk's dictionary page, its values' UTF-8 checked once:
// arrow hands out dictionary-encoded values as views of that page's bytes, so a
// value viewing them needs no check of its own (parquet_decode.go).
type checkedPages struct {
	file.PageReader
	descr *schema.Column
	mem   memory.Allocator
	pool  *sync.Pool // the column readers' scratch buffers
	err   error

	dict     []byte // the dictionary page's bytes, nil before one
	dictUTF8 bool   // every value in dict is valid UTF-8
	// A coded field's dictionary, each value checked once (parquet_dict.go); nil if
	// the field is not coded or the page is not small and whole.
	field int
	b     *builder
	memo  *dictMemo

	// Pages the column's own decoder read and left to arrow's reader (colDecoder.
	// handoff), handed out before any other; cur is the one handed out last.
	queue []file.Page
	cur   file.Page
}

func (p *checkedPages) Next() bool {
	if len(p.queue) > 0 {
		p.cur, p.queue = p.queue[0], p.queue[1:]
		return true
	}
	p.cur = nil
	if p.err != nil || !p.PageReader.Next() {
		return false
	}
	pg := p.PageReader.Page()
	if d, ok := pg.(*file.DictionaryPage); ok && p.descr.PhysicalType() == parquet.Types.ByteArray {
		p.dict = d.Data()
		p.dictUTF8 = plainUTF8(p.dict)
		if coded(p.field) {
			p.memo = newDictMemo(p.field, p.dict, p.b)
		}
	}
	if err := p.check(pg); err != nil {
		p.err = err
		return false
	}
	return true
}

// plainUTF8 reports whether PLAIN-encoded byte arrays (a dictionary page: each a
// 4-byte length, then its bytes) are whole and every one valid UTF-8. A page it cannot
// vouch for is checked value by value, as the rows are built.
func plainUTF8(b []byte) bool {
	for len(b) > 0 {
		if len(b) < 4 {
			return false
		}
		n := binary.LittleEndian.Uint32(b)
		if uint64(n) > uint64(len(b)-4) {
			return false
		}
		if v := b[4 : 4+n]; !isASCII(unsafe.String(unsafe.SliceData(v), len(v))) && !utf8.Valid(v) {
			return false
		}
		b = b[4+n:]
	}
	return true
}

func (p *checkedPages) Page() file.Page {
	if p.cur != nil {
		return p.cur
	}
	return p.PageReader.Page()
}

func (p *checkedPages) Err() error {
	if p.err != nil {
		return p.err
	}
	return p.PageReader.Err()
}

var errShortStream = errors.New("ends before the page's values do")

// check checks a data page of a non-repeated column; other pages pass.
func (p *checkedPages) check(pg file.Page) error {
	maxDef := p.descr.MaxDefinitionLevel()
	n := int(pg.NumValues())
	levelBits := bits.Len16(uint16(maxDef))
	var values []byte
	switch pg := pg.(type) {
	case *file.DataPageV1:
		data := pg.Data()
		values = data
		if maxDef > 0 {
			switch pg.DefinitionLevelEncoding() {
			case parquet.Encodings.RLE:
				if len(data) < 4 {
					return fmt.Errorf("definition levels: %w", errShortStream)
				}
				l := binary.LittleEndian.Uint32(data)
				if uint64(l) > uint64(len(data)-4) {
					return fmt.Errorf("definition levels: %d bytes in a page of %d", l, len(data))
				}
				if err := checkHybrid(data[4:4+l], levelBits, n); err != nil {
					return fmt.Errorf("definition levels: %w", err)
				}
			case parquet.Encodings.BitPacked:
				// Read bit by bit; arrow checks the length itself.
			}
			return nil // an optional column: the levels move the read on
		}
	case *file.DataPageV2:
		data := pg.Data()
		rl, dl := int64(pg.RepetitionLevelByteLen()), int64(pg.DefinitionLevelByteLen())
		if rl < 0 || dl < 0 || rl+dl > int64(len(data)) {
			return fmt.Errorf("level lengths %d+%d in a page of %d bytes", rl, dl, len(data))
		}
		if maxDef > 0 {
			if err := checkHybrid(data[rl:rl+dl], levelBits, n); err != nil {
				return fmt.Errorf("definition levels: %w", err)
			}
			return nil
		}
		values = data[rl+dl:]
	default:
		return nil
	}
	enc := parquet.Encoding(pg.Encoding())
	if p.descr.PhysicalType() == parquet.Types.ByteArray &&
		(enc == parquet.Encodings.DeltaLengthByteArray || enc == parquet.Encodings.DeltaByteArray) {
		return p.trialDecode(values, n, enc)
	}
	return nil
}

// trialDecode decodes n byte-array values of a required column's page once, as if
// the column were optional and every value present.
func (p *checkedPages) trialDecode(values []byte, n int, enc parquet.Encoding) error {
	node, err := schema.NewPrimitiveNode(p.descr.Name(), parquet.Repetitions.Optional, parquet.Types.ByteArray, -1, -1)
	if err != nil {
		return err
	}
	// Levels: their byte length, then one run of n ones.
	run := binary.AppendUvarint(nil, uint64(n)<<1)
	run = append(run, 1)
	data := binary.LittleEndian.AppendUint32(nil, uint32(len(run)))
	data = append(append(data, run...), values...)
	page := file.NewDataPageV1(memory.NewBufferBytes(data), int32(n), enc, parquet.Encodings.RLE, parquet.Encodings.RLE, int32(len(data)))
	cr := file.NewColumnReader(schema.NewColumn(node, 1, 0), &onePage{page: page}, p.mem, p.pool).(*file.ByteArrayColumnChunkReader)
	vals := make([]parquet.ByteArray, min(n, parquetBatchRows))
	defs := make([]int16, len(vals))
	for left := n; left > 0; {
		k := min(left, len(vals))
		levels, got, err := cr.ReadBatch(int64(k), vals, defs, nil)
		if err == nil {
			err = cr.Err()
		}
		if err != nil {
			return fmt.Errorf("%s page: %w", enc, err)
		}
		if levels != int64(k) || got != k {
			return fmt.Errorf("%s page: %d of its %d values decode", enc, n-left+got, n)
		}
		left -= k
	}
	return nil
}

// onePage is a page reader of one page.
type onePage struct {
	page file.Page
	done bool
}

func (o *onePage) SetMaxPageHeaderSize(int) {}
func (o *onePage) Page() file.Page          { return o.page }
func (o *onePage) Err() error               { return nil }
func (o *onePage) Reset(parquet.BufferedReader, int64, compress.Compression, *file.CryptoContext) {
}
func (o *onePage) Next() bool {
	if o.done {
		return false
	}
	o.done = true
	return true
}

// checkHybrid walks the run headers of an RLE/bit-packed hybrid stream of width-bit
// values and fails unless it holds at least need values in whole runs, read the way
// arrow's RleDecoder reads them (a varint header of at most 5 bytes; no empty run).
func checkHybrid(buf []byte, width, need int) error {
	for got := 0; got < need; {
		h, k := binary.Uvarint(buf)
		if k <= 0 || k > 5 || h > math.MaxUint32 {
			if len(buf) == 0 {
				return errShortStream
			}
			return errors.New("bad run header")
		}
		buf = buf[k:]
		count := h >> 1
		if count == 0 {
			return errors.New("empty run")
		}
		var nb uint64
		if h&1 == 1 { // bit-packed: count groups of 8 values
			if count > math.MaxInt32/8 {
				return errors.New("bad run header")
			}
			nb = count * uint64(width)
			count *= 8
		} else { // one value repeated count times
			if count > math.MaxInt32 {
				return errors.New("bad run header")
			}
			nb = uint64(width+7) / 8
		}
		if nb > uint64(len(buf)) {
			return errShortStream
		}
		buf = buf[nb:]
		got += int(count)
	}
	return nil
}
