package billing

import (
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/pricing"
)

// benchBill bills a generated stream (n messages between `pairs` pairs, a few seconds
// apart) through the built-in rate book, over and over: each pass is shifted past
// the previous one in time so the order stays non-decreasing and months, cards and
// counters roll over as in a long replay. It reports messages per second; the steady
// state must allocate nothing per message.
//
//	go test -run '^$' -bench 'BenchmarkBill' -benchmem ./model/billing/
func benchBill(b *testing.B, era Era, start string, pairs, n int) {
	book, err := pricing.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	mt := book.Markets()
	at, err := parseTS(start)
	if err != nil {
		b.Fatal(err)
	}
	trace := genTrace(42, mt, genOptions{pairs: pairs, n: n, start: at, gapMax: 5 * model.Second})
	span := trace[n-1].At() - trace[0].At() + model.Hour
	bl, err := New(Options{Era: era, Book: book, Markets: mt, PrimaryCountry: "BR", AuthIntlFrom: at})
	if err != nil {
		b.Fatal(err)
	}
	// Warm up: grow the pair table and fill the rate caches, as a replay's first minutes do.
	for i := range trace {
		if _, err := bl.Bill(&trace[i]); err != nil {
			b.Fatal(err)
		}
	}
	shift := span
	b.ReportAllocs()
	b.ResetTimer()
	t0 := time.Now()
	for i := 0; i < b.N; i++ {
		k := i % n
		if k == 0 && i > 0 {
			shift += span
		}
		m := shifted(trace[k], shift)
		if _, err := bl.Bill(&m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "msgs/s")
}

// shifted is m moved d later, send and delivery time alike.
func shifted(m model.Message, d model.Time) model.Message {
	m.TS += d
	if m.DeliveredTS != 0 {
		m.DeliveredTS += d
	}
	return m
}

func BenchmarkBillPMP2025(b *testing.B) {
	benchBill(b, EraPMP2025, "2025-07-01T00:00:00Z", 100_000, 1_000_000)
}
func BenchmarkBillCBP2023(b *testing.B) {
	benchBill(b, EraCBP2023, "2024-01-01T00:00:00Z", 100_000, 1_000_000)
}
func BenchmarkBillCBP2022(b *testing.B) {
	benchBill(b, EraCBP2022, "2022-03-01T00:00:00Z", 100_000, 1_000_000)
}

// BenchmarkBillPMP2025Users10M spreads the stream over 10 million pairs (720 MB of
// window state), as a large business's month would: per-pair state no longer fits in
// cache, so this is the figure for big replays.
func BenchmarkBillPMP2025Users10M(b *testing.B) {
	if testing.Short() {
		b.Skip("needs about 1 GB")
	}
	benchBill(b, EraPMP2025, "2025-07-01T00:00:00Z", 10_000_000, 2_000_000)
}

// TestBillAllocatesNothing pins the steady-state promise: after a warm-up pass, billing
// another pass of the same traffic allocates nothing.
func TestBillAllocatesNothing(t *testing.T) {
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	mt := market.Builtin()
	for _, era := range []Era{EraPMP2025, EraCBP2023, EraCBP2022, EraPMP2026Oct} {
		at, _ := parseTS("2025-07-01T00:00:00Z")
		trace := genTrace(7, mt, genOptions{pairs: 500, n: 20_000, start: at, gapMax: 20 * model.Second})
		bl, err := New(Options{Era: era, Book: book, Markets: mt, PrimaryCountry: "BR", AuthIntlFrom: at})
		if err != nil {
			t.Fatal(err)
		}
		for i := range trace {
			if _, err := bl.Bill(&trace[i]); err != nil {
				t.Fatal(err)
			}
		}
		// Each run bills one more pass, later than the last: AllocsPerRun rounds down the
		// allocations per run, so counting per pass catches even one per business message.
		span := 2 * (trace[len(trace)-1].At() - at)
		shift := model.Time(0)
		allocs := testing.AllocsPerRun(3, func() {
			shift += span
			for i := range trace {
				m := shifted(trace[i], shift)
				if _, err := bl.Bill(&m); err != nil {
					t.Fatal(err)
				}
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per pass of %d messages", era, allocs, len(trace))
		}
	}
}
