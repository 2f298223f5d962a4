package replay_test

import (
	"os"
	"runtime"
	"strconv"
	"testing"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim/replay"
)

// bytesPerUserTarget is issue 14's bound on a replay's live state per user. This test's
// trace opens a CBP conversation for every pair within a few minutes, all open at once,
// the most a CBP era can add (16 bytes an open conversation, in a table at most three
// quarters full); on a trace over weeks only a few per cent are open at a time.
const (
	bytesPerUserTarget    = 64
	bytesPerUserTargetCBP = 100
)

type dropSink struct{ n int }

func (s *dropSink) Billed(replay.Key, *model.Record, *model.Message, *pricing.Charge, *billing.Claim) error {
	s.n++
	return nil
}

// liveBytesPerUser feeds users users (each a user message and a reply, as E.164
// numbers, one business number) to a Part billing under era, and returns the live heap
// the Part holds per user after a garbage collection.
func liveBytesPerUser(t testing.TB, users int, era billing.Era) float64 {
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	opts := billing.Options{Era: era, Book: book, Currency: "USD"}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	part, err := replay.NewPart(opts)
	if err != nil {
		t.Fatal(err)
	}
	t0 := ts("2025-09-01T00:00:00Z")
	ds := make([]replay.Dealt, 0, 2*1024)
	sink := &dropSink{}
	seq := uint64(0)
	for u := 0; u < users; u += 1024 {
		ds = ds[:0]
		for k := u; k < min(u+1024, users); k++ {
			at := t0 + model.Time(k)*model.Millisecond
			user := strconv.Itoa(5511_9000_00000 + k*7919%100_000_000)
			ds = append(ds,
				replay.Dealt{Rec: model.Record{TS: at, User: user, Country: "BR", Direction: model.FromUser}, Seq: seq},
				replay.Dealt{Rec: model.Record{TS: at, User: user, Country: "BR", Direction: model.FromBusiness, Kind: model.Text}, Seq: seq + 1})
			seq += 2
		}
		if err := part.Feed(ds, sink, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := part.FlushAll(sink); err != nil {
		t.Fatal(err)
	}
	ds = nil
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if part.Pairs() != int64(users) || sink.n != 2*users {
		t.Fatalf("%d pairs and %d messages billed, want %d and %d", part.Pairs(), sink.n, users, 2*users)
	}
	runtime.KeepAlive(part)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(users)
}

// TestLiveBytesPerUser pins the replay's memory per user: a Part's live heap over
// 200,000 users stays within bytesPerUserTarget bytes a user under a PMP era, and
// within bytesPerUserTargetCBP under a CBP one, where every pair opens a conversation.
// SPENDSIM_MEM_USERS measures another count (go test ./sim/replay -run LiveBytes -v).
func TestLiveBytesPerUser(t *testing.T) {
	users := 200_000
	if s := os.Getenv("SPENDSIM_MEM_USERS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("SPENDSIM_MEM_USERS=%q: %v", s, err)
		}
		users = n
	}
	for _, c := range []struct {
		era    billing.Era
		target float64
	}{{billing.EraPMP2025, bytesPerUserTarget}, {billing.EraCBP2023, bytesPerUserTargetCBP}} {
		b := liveBytesPerUser(t, users, c.era)
		t.Logf("%v: %d users, %.1f live bytes per user", c.era, users, b)
		if b > c.target {
			t.Errorf("%v: %.1f live bytes per user, want at most %.0f", c.era, b, c.target)
		}
	}
}
