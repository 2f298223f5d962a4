package trace

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/spendsim/spendsim/model"
)

// The figures quoted in the package's report come from
//
//	go test -run '^$' -bench . -benchtime 3x ./scenarios/trace/
//
// Each iteration reads a generated 1,000,000-row trace end to end and reports rows/s,
// allocs/row and B/row.

const benchRows = 1_000_000

var (
	benchOnce  sync.Once
	benchDir   string
	benchFiles = map[string]string{}
	benchErr   error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchTrace writes the generated trace once per process: a month of traffic from
// 100,000 customers, 40% user messages, templates of every category, a message id
// on every row.
func benchTrace(b *testing.B, ext string) string {
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "spendsim-trace-bench-")
		if benchErr != nil {
			return
		}
		for _, e := range []string{".csv", ".parquet"} {
			p := filepath.Join(benchDir, "trace"+e)
			w, err := NewWriter(p, WriterOptions{})
			if err != nil {
				benchErr = err
				return
			}
			base := tm("2025-07-01T00:00:00Z")
			for i := range benchRows {
				r := Record{
					TS:        base + model.Time(i)*2600, // about a month
					User:      strconv.Itoa(5511900000000 + (i*7919)%100_000),
					Business:  "106540352242922",
					MessageID: "wamid." + strconv.Itoa(i),
					Direction: model.FromBusiness,
				}
				switch i % 10 {
				case 0, 1, 2, 3:
					r.Direction = model.FromUser
					if i%40 == 0 {
						r.EntryPoint = model.EntryCTWA
					}
				case 4, 5:
					r.Kind = model.Text
				default:
					r.Kind, r.Category = model.Template, model.Category(1+i%3)
					r.DeliveredTS = r.TS + 1500
				}
				if err := w.Write(&r); err != nil {
					benchErr = err
					return
				}
			}
			if benchErr = w.Close(); benchErr != nil {
				return
			}
			benchFiles[e] = p
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchFiles[ext]
}

func benchRead(b *testing.B, ext string, o Options) {
	p := benchTrace(b, ext)
	if o.Sort {
		o.TempDir = b.TempDir()
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for range b.N {
		r, err := Open(p, o)
		if err != nil {
			b.Fatal(err)
		}
		var rec Record
		n := 0
		for {
			err := r.Next(&rec)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		r.Close()
		if n != benchRows {
			b.Fatalf("read %d rows, want %d", n, benchRows)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	rows := float64(benchRows) * float64(b.N)
	b.ReportMetric(rows/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/rows, "allocs/row")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/rows, "B/row")
	b.ReportMetric(0, "ns/op") // per file, not informative next to rows/s
}

func BenchmarkReadCSV(b *testing.B)     { benchRead(b, ".csv", Options{}) }
func BenchmarkReadParquet(b *testing.B) { benchRead(b, ".parquet", Options{}) }

// BenchmarkReadCSVSorted adds the external sort with its default chunk: four runs
// through temp files, merged.
func BenchmarkReadCSVSorted(b *testing.B) { benchRead(b, ".csv", Options{Sort: true}) }

func BenchmarkWriteParquet(b *testing.B) {
	dir := b.TempDir()
	recs := make([]Record, 1000)
	for i := range recs {
		recs[i] = Record{TS: model.Time(i), User: "5511987654321", Direction: model.FromBusiness,
			Kind: model.Template, Category: model.Utility, MessageID: "wamid." + strconv.Itoa(i)}
	}
	b.ResetTimer()
	for range b.N {
		w, err := NewWriter(filepath.Join(dir, "w.parquet"), WriterOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for k := 0; k < benchRows/len(recs); k++ {
			for i := range recs {
				if err := w.Write(&recs[i]); err != nil {
					b.Fatal(err)
				}
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
