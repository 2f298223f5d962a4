package trace

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// stdinFrom makes standard input the bytes b for the rest of the test.
func stdinFrom(t *testing.T, b []byte) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "stdin")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = f
	t.Cleanup(func() { os.Stdin = old; f.Close() })
}

func gzipped(b []byte) []byte {
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(b)
	w.Close()
	return gz.Bytes()
}

// Compressed standard input is told by its magic number, as a file is by its name.
func TestCompressedStdin(t *testing.T) {
	plain, err := os.ReadFile("testdata/good.csv")
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := readAll(t, "testdata/good.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	enc, _ := zstd.NewWriter(nil)
	zs := enc.EncodeAll(plain, nil)
	for name, b := range map[string][]byte{"plain": plain, "gzip": gzipped(plain), "zstd": zs} {
		stdinFrom(t, b)
		got, _, err := readAll(t, Stdin, Options{})
		if err != nil {
			t.Errorf("%s on stdin: %v", name, err)
			continue
		}
		for i := range got {
			got[i].Line, want[i].Line = 0, 0
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s on stdin: %d records, want the file's %d", name, len(got), len(want))
		}
	}
}

// A compressed file cut short says so, naming the file, not a bare "unexpected EOF".
func TestTruncatedCompressed(t *testing.T) {
	plain, err := os.ReadFile("testdata/good.csv")
	if err != nil {
		t.Fatal(err)
	}
	gz := gzipped(plain)
	p := filepath.Join(t.TempDir(), "cut.csv.gz")
	if err := os.WriteFile(p, gz[:len(gz)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = readAll(t, p, Options{})
	if err == nil || !strings.Contains(err.Error(), "cut.csv.gz") || !strings.Contains(err.Error(), "the gzip data is cut short or corrupt (unexpected EOF); check the file with `gzip -t`") {
		t.Errorf("truncated gzip: %v", err)
	}
}
