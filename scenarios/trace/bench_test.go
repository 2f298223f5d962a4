package trace

import (
	"bufio"
	"fmt"
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
		for _, e := range []string{".csv", ".parquet", ".jsonl"} {
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
	if benchErr == nil {
		benchErr = writeBenchWebhook(filepath.Join(benchDir, "trace.webhook"))
	}
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	if ext == ".webhook" {
		return filepath.Join(benchDir, "trace.webhook")
	}
	return benchFiles[ext]
}

// benchRecords is the records a benchmark file holds: a webhook log's sent and delivered
// statuses of one message make one record.
func benchRecords(ext string) int {
	if ext == ".webhook" {
		return benchRows * 7 / 10
	}
	return benchRows
}

// writeBenchWebhook writes a webhook log of benchRows payloads shaped as Meta sends
// them: 40% user messages, the rest a sent then a delivered status of a template.
func writeBenchWebhook(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	const env = `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"106540352242922"},`
	base := int64(1751328000) // 2025-07-01
	cats := [...]string{"marketing", "utility", "authentication"}
	for i := range benchRows {
		ts := base + int64(i)*3
		user := 5511900000000 + (i*7919)%100_000
		if i%10 < 4 {
			fmt.Fprintf(w, `%s"contacts":[{"profile":{"name":"A"},"wa_id":"%d"}],"messages":[{"from":"%d","id":"wamid.u%d","timestamp":"%d","type":"text","text":{"body":"hi"}}]}}]}]}`+"\n",
				env, user, user, i, ts)
			continue
		}
		status := "sent"
		if i%2 == 1 {
			status = "delivered"
		}
		fmt.Fprintf(w, `%s"statuses":[{"id":"wamid.b%d","status":"%s","timestamp":"%d","recipient_id":"%d","conversation":{"id":"c%d","origin":{"type":"%s"}},"pricing":{"billable":true,"pricing_model":"PMP","category":"%s","type":"regular"}}]}}]}]}`+"\n",
			env, i/2, status, ts, user, i/2, cats[i%3], cats[i%3])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
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
		if want := benchRecords(ext); n != want {
			b.Fatalf("read %d rows, want %d", n, want)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	rows := float64(benchRecords(ext)) * float64(b.N)
	b.ReportMetric(rows/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/rows, "allocs/row")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/rows, "B/row")
	b.ReportMetric(0, "ns/op") // per file, not informative next to rows/s
}

func BenchmarkReadCSV(b *testing.B)     { benchRead(b, ".csv", Options{}) }
func BenchmarkReadParquet(b *testing.B) { benchRead(b, ".parquet", Options{}) }
func BenchmarkReadJSONL(b *testing.B)   { benchRead(b, ".jsonl", Options{}) }

// BenchmarkReadWebhook reads a webhook log: every status event goes through the
// external sort by message id, and a message's statuses make one record.
func BenchmarkReadWebhook(b *testing.B) { benchRead(b, ".webhook", Options{Format: "webhook"}) }

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
