package trace

import (
	"encoding/binary"
	"math"
	"math/bits"

	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
)

// A coded field's dictionary-encoded pages (parquet_dict.go) are decoded here, not by
// arrow's column reader: a page's definition levels and dictionary indices go straight
// to each row's code (dictMemo.idx), where arrow would hand over every value as a
// view of the dictionary for fillCoded to tell the entry back by its address. A
// column of a few values is thus a byte a row to decode instead of a ByteArray of 24.
//
// The pages are read in the order, and at the moments, arrow's reader reads them (a
// page when a batch needs its first row, and the next one as soon as a batch ends with
// a page), so a page that cannot be read fails the same batch with the same error. A
// page decoded here is one arrow would read the same way: version 1, RLE levels of an
// optional or required column, indices in the RLE/bit-packed hybrid of at most 16
// bits, every one of the page's rows there, every index in the dictionary, the
// dictionary (one, PLAIN, of at most 256 entries with the fixed ones) whole and
// checked (dictMemo). Any other page, and every page
// after it in the column chunk, goes to arrow's reader (handoff), with the dictionary
// page it has not seen, so that it reads them as it always did, errors included.

// Results of colDecoder.nextPage.
const (
	pageCoded   = iota // a data page decoded into cd.codes
	pageEnd            // the column chunk's pages ended; the error is the page reader's
	pageHandoff        // arrow's reader takes the column chunk from the queued pages on
)

// codesOff has arrow's reader read every page (tests compare the two).
var codesOff bool

// codesFast reports whether a column may have its pages decoded here.
func codesFast(c *pqColumn) bool {
	return !codesOff && c.kind == colText && coded(c.field) && c.maxDef <= 1 && c.descr.MaxRepetitionLevel() == 0
}

// readCoded reads up to n rows' codes into sl.codes while the column chunk is decoded
// here: got rows, and err where arrow's reader would have failed the batch. rest says
// arrow's reader has taken over (cd.arrow) in the middle of the batch: the caller
// reads the batch's other rows with it.
func (cd *colDecoder) readCoded(n int, sl *pqSlice) (got int, err error, rest bool) {
	for got < n {
		if cd.pos == len(cd.codes) {
			switch r, err := cd.nextPage(); r {
			case pageEnd:
				return got, err, false
			case pageHandoff:
				return got, nil, true
			}
			continue
		}
		k := copy(sl.codes[got:n], cd.codes[cd.pos:])
		cd.pos += k
		got += k
	}
	// Arrow's reader asks for the next page as soon as a batch uses up one.
	if cd.pos == len(cd.codes) {
		switch r, err := cd.nextPage(); r {
		case pageEnd:
			return got, err, false
		case pageHandoff:
			if _, _, err := cd.ba.ReadBatch(0, sl.strs, sl.defs, nil); err != nil {
				return got, err, false
			}
			return got, cd.ba.Err(), false
		}
	}
	return got, nil, false
}

// nextPage reads the column chunk's next data page as arrow's reader would: the
// dictionary page first, then a data page, decoded into cd.codes if it can be here.
func (cd *colDecoder) nextPage() (int, error) {
	p := cd.pages
	for {
		if !p.Next() {
			// Arrow's reader would have stopped here, with the page reader's error; from
			// now on it reads the chunk, asking the page reader again as it would have.
			cd.arrow = true
			return pageEnd, p.Err()
		}
		switch pg := p.Page().(type) {
		case *file.DictionaryPage:
			enc := parquet.Encoding(pg.Encoding())
			if cd.memo != nil || p.memo == nil || len(p.memo.idx) != int(pg.NumValues()) || len(p.memo.ents) > 256 ||
				enc != parquet.Encodings.Plain && enc != parquet.Encodings.PlainDict {
				cd.handoff(pg)
				return pageHandoff, nil
			}
			cd.dict, cd.dictN, cd.dictEnc, cd.memo = p.dict, pg.NumValues(), enc, p.memo
			cd.tab = cd.tab[:0]
			for _, c := range p.memo.idx {
				cd.tab = append(cd.tab, uint8(c))
			}
		case *file.DataPageV1:
			if !cd.decodePage(pg) {
				cd.handoff(pg)
				return pageHandoff, nil
			}
			cd.pos = 0
			return pageCoded, nil
		default:
			cd.handoff(pg)
			return pageHandoff, nil
		}
	}
}

// handoff gives the column chunk to arrow's reader from page pg on: it reads the
// dictionary page it has not seen (a copy of it), then pg, then the rest.
func (cd *colDecoder) handoff(pg file.Page) {
	var q []file.Page
	if cd.memo != nil {
		q = append(q, file.NewDictionaryPage(memory.NewBufferBytes(cd.dict), cd.dictN, cd.dictEnc))
	}
	cd.pages.queue = append(q, pg)
	cd.arrow = true
	cd.codes, cd.pos = cd.codes[:0], 0
}

// decodePage decodes a dictionary-encoded data page into each row's code in cd.codes,
// false if it is not one decodePage vouches for arrow's reader reading the same way.
func (cd *colDecoder) decodePage(pg *file.DataPageV1) bool {
	enc := parquet.Encoding(pg.Encoding())
	n := int(pg.NumValues())
	if cd.memo == nil || n <= 0 || enc != parquet.Encodings.RLEDict && enc != parquet.Encodings.PlainDict {
		return false
	}
	if cap(cd.codes) < n {
		cd.codes = make([]uint8, n)
	}
	codes := cd.codes[:n]
	values, present := pg.Data(), n
	var lvls []uint64
	if cd.col.maxDef > 0 {
		if parquet.Encoding(pg.DefinitionLevelEncoding()) != parquet.Encodings.RLE || len(values) < 4 {
			return false
		}
		l := binary.LittleEndian.Uint32(values)
		if uint64(l) > uint64(len(values)-4) {
			return false
		}
		if words := (n + 63) / 64; cap(cd.lvls) < words {
			cd.lvls = make([]uint64, words)
		}
		lvls = cd.lvls[:(n+63)/64]
		var ok bool
		if present, ok = decodeLevels(values[4:4+l], n, lvls); !ok {
			return false
		}
		values = values[4+l:]
	}
	// The values go to the end of codes, then spread over the rows from the first
	// (row i's value is never before it).
	if present > 0 {
		if len(values) == 0 || values[0] > 16 || !decodeHybrid(values[1:], int(values[0]), cd.tab, codes[n-present:]) {
			return false
		}
	}
	if present < n {
		src := n - present
		for w, bits := range lvls {
			base := w * 64
			k := min(64, n-base)
			switch {
			case bits == 0:
				for j := range codes[base : base+k] {
					codes[base+j] = codeEmpty
				}
			case bits == 1<<k-1: // 1<<64 is 0: all ones
				copy(codes[base:base+k], codes[src:src+k])
				src += k
			default:
				// Nulls at random: no branch a row.
				for j := range k {
					l := uint8(bits >> j & 1)
					m := -l // all ones for a value, zero for a null
					codes[base+j] = codes[min(src, n-1)]&m | codeEmpty&^m
					src += int(l)
				}
			}
		}
	}
	cd.codes = codes
	return true
}

// decodeLevels decodes n definition levels of a column whose maxDef is 1 (an
// RLE/bit-packed hybrid stream of 1-bit values, read as arrow's RleDecoder reads it)
// into the bitmap lvls, least significant bit first, and counts the ones. False if the
// stream ends first or is malformed, or a run's value is neither 0 nor 1.
func decodeLevels(buf []byte, n int, lvls []uint64) (present int, ok bool) {
	clear(lvls)
	for o := 0; o < n; {
		h, k := binary.Uvarint(buf)
		if k <= 0 || k > 5 || h > math.MaxUint32 {
			return 0, false
		}
		buf = buf[k:]
		count := int(h >> 1)
		if count == 0 {
			return 0, false
		}
		if h&1 == 0 { // one value repeated count times, in one byte
			if len(buf) < 1 || buf[0] > 1 {
				return 0, false
			}
			v := buf[0]
			buf = buf[1:]
			m := min(count, n-o)
			if v == 1 {
				for i := o; i < o+m; {
					w, b := i/64, i%64
					c := min(64-b, o+m-i)
					lvls[w] |= (1<<c - 1) << b
					i += c
				}
				present += m
			}
			o += m
			continue
		}
		// count groups of 8 values, a byte each
		if count > math.MaxInt32/8 || count > len(buf) {
			return 0, false
		}
		run := buf[:count]
		buf = buf[count:]
		m := min(count*8, n-o)
		for j := 0; j*8 < m; j++ {
			v := uint64(run[j])
			if left := m - j*8; left < 8 {
				v &= 1<<left - 1
			}
			i := o + j*8
			w, b := i/64, i%64
			lvls[w] |= v << b
			if hi := v >> (64 - b); b > 56 && hi != 0 { // rows past n have no bits
				lvls[w+1] |= hi
			}
			present += bits.OnesCount64(v)
		}
		o += m
	}
	return present, true
}

// decodeHybrid decodes len(out) values of an RLE/bit-packed hybrid stream of width-bit
// values (width at most 16), each v put as tab[v], reading the stream as arrow's
// RleDecoder does (a run's value in whole little-endian bytes, bit-packed values
// least significant bit first). False if the stream ends first or is malformed, a
// value is not in tab, or a bit-packed run is cut short or has width 0, where arrow's
// reading is left to arrow.
func decodeHybrid(buf []byte, width int, tab, out []uint8) bool {
	nb := (width + 7) / 8
	mask := uint64(1)<<width - 1
	for o := 0; o < len(out); {
		h, k := binary.Uvarint(buf)
		if k <= 0 || k > 5 || h > math.MaxUint32 {
			return false
		}
		buf = buf[k:]
		count := int(h >> 1)
		if count == 0 {
			return false
		}
		if h&1 == 0 { // one value repeated count times
			if len(buf) < nb {
				return false
			}
			var v uint64
			for i := nb - 1; i >= 0; i-- {
				v = v<<8 | uint64(buf[i])
			}
			buf = buf[nb:]
			if v >= uint64(len(tab)) {
				return false
			}
			t := tab[v]
			m := min(count, len(out)-o)
			for i := range out[o : o+m] {
				out[o+i] = t
			}
			o += m
			continue
		}
		// count groups of 8 values, width bytes each
		if width == 0 || count > math.MaxInt32/8 || count*width > len(buf) {
			return false
		}
		run := buf[:count*width]
		buf = buf[count*width:]
		m := min(count*8, len(out)-o)
		if width <= 8 {
			g := 0
			for ; g+8 <= len(run) && (g/width)*8+8 <= m; g += width {
				x := binary.LittleEndian.Uint64(run[g:])
				dst := out[o+(g/width)*8 : o+(g/width)*8+8]
				for j := range dst {
					v := x >> (uint(j * width)) & mask
					if v >= uint64(len(tab)) {
						return false
					}
					dst[j] = tab[v]
				}
			}
			for i := (g / width) * 8; i < m; i++ {
				if v := bitsAt(run, i*width, width); v >= uint64(len(tab)) {
					return false
				} else {
					out[o+i] = tab[v]
				}
			}
		} else {
			for i := 0; i < m; i++ {
				if v := bitsAt(run, i*width, width); v >= uint64(len(tab)) {
					return false
				} else {
					out[o+i] = tab[v]
				}
			}
		}
		o += m
	}
	return true
}

// bitsAt is the width-bit value at bit offset off of b, least significant bit first.
func bitsAt(b []byte, off, width int) uint64 {
	var x uint64
	for i := 0; i < 3 && off/8+i < len(b); i++ {
		x |= uint64(b[off/8+i]) << (8 * i)
	}
	return x >> (off % 8) & (1<<width - 1)
}
