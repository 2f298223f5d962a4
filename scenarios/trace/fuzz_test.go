package trace

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The fuzz targets read arbitrary bytes in each format, strictly and leniently, and
// require: no panic, a finite read, every record one the Writer accepts (so what is
// read honours the contract), and ts order unless sorted.

func seedFiles(f *testing.F, patterns ...string) {
	for _, pat := range patterns {
		files, err := filepath.Glob(pat)
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

func fuzzRead(t *testing.T, data []byte, name, format string) {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, o := range []Options{
		{Format: format},
		{Format: format, SkipInvalid: true, Sort: true, SortChunkRows: 3},
	} {
		r, err := Open(p, o)
		if err != nil {
			continue
		}
		w := &Writer{path: "fuzz"}
		var prev Record
		for n := 0; ; n++ {
			if n > len(data)+1 {
				t.Fatalf("%+v: more records (%d) than bytes", o, n)
			}
			var rec Record
			err := r.Next(&rec)
			if err != nil {
				if err != io.EOF && err.Error() == "" {
					t.Fatalf("empty error")
				}
				break
			}
			var v [nFields]string
			if err := w.values(&rec, &v); err != nil {
				t.Fatalf("%+v: record %+v breaks the contract: %v", o, rec, err)
			}
			if n > 0 && rec.TS < prev.TS {
				t.Fatalf("%+v: record %+v before %+v", o, rec, prev)
			}
			prev = rec
		}
		if err := r.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
}

func FuzzCSV(f *testing.F) {
	seedFiles(f, "testdata/*.csv", "testdata/bad/*.csv")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "f.csv", "csv") })
}

func FuzzJSONL(f *testing.F) {
	seedFiles(f, "testdata/good.jsonl", "testdata/bad/*.jsonl")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "f.jsonl", "jsonl") })
}

// FuzzWebhook also requires that a log read leniently gives the same records and
// counts with its lines in reverse order. Its seeds include every shape and log of the
// shared webhook corpus.
func FuzzWebhook(f *testing.F) {
	seedFiles(f, "testdata/webhook.jsonl", "testdata/bad/*.webhook",
		webhookCorpus+"/shapes/*.jsonl", webhookCorpus+"/logs/*.jsonl")
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, "f.jsonl", "webhook")
		if bytes.HasPrefix(data, utf8BOM) {
			return // a BOM is only one on the first line
		}
		dir := t.TempDir()
		lines := bytes.Split(data, []byte("\n"))
		slices.Reverse(lines)
		fwd, rev := filepath.Join(dir, "fwd.jsonl"), filepath.Join(dir, "rev.jsonl")
		if err := os.WriteFile(fwd, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(rev, bytes.Join(lines, []byte("\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		o := Options{Format: "webhook", SkipInvalid: true, DefaultCountry: "BR", SortChunkRows: 2}
		want, got := readLogReading(t, fwd, o), readLogReading(t, rev, o)
		if want.err || got.err {
			if want.err != got.err {
				t.Fatalf("error forwards %v, backwards %v", want.err, got.err)
			}
			return
		}
		diffReadings(t, "lines reversed", got, want)
	})
}

func FuzzParquet(f *testing.F) {
	seedFiles(f, "testdata/bad/*.parquet")
	// A good file in the writer's own layout, written here so the seed follows the writer.
	p := filepath.Join(f.TempDir(), "seed.parquet")
	w, err := NewWriter(p, WriterOptions{RowGroupRows: 2})
	if err != nil {
		f.Fatal(err)
	}
	for _, r := range goodRecords(0) {
		if err := w.Write(&r); err != nil {
			f.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "f.parquet", "parquet") })
}
