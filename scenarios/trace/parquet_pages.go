package trace

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"

	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
)

// checkedPages hands a column reader only data pages whose definition levels hold
// as many entries as the page header promises. Arrow v17's column reader reads an
// optional column's levels until it has as many as it was asked for, and on a level
// stream that ends early it gets none and asks again, for ever
// (TestCheckedPagesStopSpin has such a page). Its value decoders report a short page
// as an error themselves.
type checkedPages struct {
	file.PageReader
	maxDef int16
	err    error
}

func (p *checkedPages) Next() bool {
	if p.err != nil || !p.PageReader.Next() {
		return false
	}
	if err := checkPage(p.PageReader.Page(), p.maxDef); err != nil {
		p.err = err
		return false
	}
	return true
}

func (p *checkedPages) Err() error {
	if p.err != nil {
		return p.err
	}
	return p.PageReader.Err()
}

var errShortStream = errors.New("ends before the page's values do")

// checkPage checks the definition levels of a data page of a non-repeated column;
// other pages, and required columns' pages, pass.
func checkPage(pg file.Page, maxDef int16) error {
	n := int(pg.NumValues())
	levelBits := bits.Len16(uint16(maxDef))
	switch pg := pg.(type) {
	case *file.DataPageV1:
		data := pg.Data()
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
			default:
				return nil // arrow rejects the encoding itself
			}
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
		}
	}
	return nil
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
