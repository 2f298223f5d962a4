package table

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/klauspost/compress/zstd"
)

// TestPooledZstdWritesArrowsBytes: reusing encoders must not change a single byte of
// what a fresh encoder writes, or files would differ between the first page and the
// rest, or between processes; arrow's own codec must read every frame back; and the
// frames carry no checksum, unlike arrow's (which is why they are a few bytes shorter).
func TestPooledZstdWritesArrowsBytes(t *testing.T) {
	installPooledZstd()
	c, err := compress.GetCodec(compress.Codecs.Zstd)
	if err != nil {
		t.Fatal(err)
	}
	pooled, ok := c.(*pooledZstd)
	if !ok {
		t.Fatalf("registered zstd codec is %T, want *pooledZstd", c)
	}
	arrow := pooled.Codec
	rng := rand.New(rand.NewPCG(7, 7))
	for i, n := range []int{1, 100, 4096, 1 << 20, 3 << 20, 17} {
		src := make([]byte, n)
		for j := range src {
			// Compressible: a small alphabet with runs, like encoded columns.
			src[j] = byte(rng.IntN(8)) + byte(j/64%4)
		}
		for _, level := range []int{compress.DefaultCompressionLevel, zstdLevel, 3, 9} {
			el := zstd.EncoderLevelFromZstd(level)
			if level == compress.DefaultCompressionLevel {
				el = zstd.SpeedDefault
			}
			fresh, err := newZstdEncoder(el)
			if err != nil {
				t.Fatal(err)
			}
			want := fresh.EncodeAll(src, nil)
			if withSum := arrow.EncodeLevel(nil, src, level); len(withSum) != len(want)+4 {
				t.Errorf("input %d, level %d: %d bytes, arrow's (with the 4-byte checksum) %d", i, level, len(want), len(withSum))
			}
			for rep := 0; rep < 2; rep++ { // the second call reuses the pooled encoder
				got := pooled.EncodeLevel(nil, src, level)
				if !bytes.Equal(got, want) {
					t.Fatalf("input %d (%d bytes), level %d, call %d: pooled encoder wrote %d bytes, a fresh one %d, or different ones", i, n, level, rep, len(got), len(want))
				}
				if back := arrow.Decode(nil, got); !bytes.Equal(back, src) {
					t.Fatalf("input %d: round trip through arrow's codec differs", i)
				}
			}
		}
	}
}
