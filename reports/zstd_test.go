package reports

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v17/parquet/compress"
)

// TestPooledZstdWritesArrowsBytes: reusing encoders must not change a single byte of
// what arrow's own codec writes, or files would differ between the first page and the
// rest, or between processes.
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
			want := arrow.EncodeLevel(nil, src, level)
			for rep := 0; rep < 2; rep++ { // the second call reuses the pooled encoder
				got := pooled.EncodeLevel(nil, src, level)
				if !bytes.Equal(got, want) {
					t.Fatalf("input %d (%d bytes), level %d, call %d: pooled encoder wrote %d bytes, arrow's %d, or different ones", i, n, level, rep, len(got), len(want))
				}
				if back := pooled.Decode(nil, got); !bytes.Equal(back, src) {
					t.Fatalf("input %d: round trip differs", i)
				}
			}
		}
	}
}
