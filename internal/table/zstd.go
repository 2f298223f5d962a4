package table

import (
	"sync"

	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/klauspost/compress/zstd"
)

// pooledZstd is arrow's zstd codec with encoders reused across pages, and frames
// written without zstd's optional content checksum. Arrow v17's EncodeLevel builds a
// fresh encoder for every data page, and each one allocates a 16 MB history buffer: on
// a tens-of-millions-row table that is gigabytes of garbage and about a quarter of the
// write time. A reused encoder writes the same bytes as a fresh one (EncodeAll keeps no
// state between calls), which zstd_test.go checks. The checksum is off as in libzstd's
// defaults (what DuckDB and Arrow C++ write): it costs an xxhash of every page on both
// writing and reading, about 2% of a replay.
type pooledZstd struct {
	compress.Codec                                          // arrow's codec: decoding, streaming writers
	encoders       [zstd.SpeedBestCompression + 1]sync.Pool // by encoder level
}

func (z *pooledZstd) EncodeLevel(dst, src []byte, level int) []byte {
	// arrow's own mapping from a level to an encoder level.
	el := zstd.EncoderLevelFromZstd(level)
	if level == compress.DefaultCompressionLevel {
		el = zstd.SpeedDefault
	}
	if el < zstd.SpeedFastest || el > zstd.SpeedBestCompression {
		return z.Codec.EncodeLevel(dst, src, level)
	}
	pool := &z.encoders[el]
	e, _ := pool.Get().(*zstd.Encoder)
	if e == nil {
		e, _ = newZstdEncoder(el)
	}
	out := e.EncodeAll(src, dst[:0])
	pool.Put(e)
	return out
}

// newZstdEncoder makes an encoder with the options of arrow's own EncodeLevel, less
// the content checksum.
func newZstdEncoder(el zstd.EncoderLevel) (*zstd.Encoder, error) {
	return zstd.NewWriter(nil, zstd.WithZeroFrames(true), zstd.WithEncoderLevel(el), zstd.WithEncoderCRC(false))
}

var usePooledZstd sync.Once

// installPooledZstd swaps arrow's process-wide zstd codec for pooledZstd, once. It is
// process-wide because arrow's codec registry is; only this package writes Parquet
// (results and traces alike), and the bytes written are the same.
//
// It runs while the package is initialised, before main and so before any goroutine
// can be reading Parquet: arrow's codec registry is a plain map, and swapping the codec
// lazily from Create raced with a trace being decoded on another goroutine
// (a replay prefetches the trace while it creates messages.parquet). The race detector
// caught it as "concurrent map read and map write" in compress.GetCodec. The trace
// reader's package imports this one (its Writer writes through it), so every program
// that decodes a trace has swapped the codec before main.
var _ = func() bool { installPooledZstd(); return true }()

func installPooledZstd() {
	usePooledZstd.Do(func() {
		c, err := compress.GetCodec(compress.Codecs.Zstd)
		if err != nil {
			return // arrow has no zstd: Create's writer will say so
		}
		if _, done := c.(*pooledZstd); !done {
			compress.RegisterCodec(compress.Codecs.Zstd, &pooledZstd{Codec: c})
		}
	})
}
