package replay

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/pricing"
)

// keySink keeps the key of every message billed.
type keySink struct{ keys []Key }

func (s *keySink) Billed(k Key, _ *model.Record, _ *model.Message, _ *pricing.Charge, _ *billing.Claim) error {
	s.keys = append(s.keys, k)
	return nil
}

func newTestPart(t *testing.T) *Part {
	t.Helper()
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPart(billing.Options{Era: billing.EraPMP2025, Book: book})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A Part's queue of records billed at their send time holds what waits, not every
// record it has seen: user messages (no delivery time) fed in groups left the last of
// each group waiting, so the queue never emptied and grew a slot per message (found
// in review: 204,800 slots after 204,800 records).
func TestPartDueQueueBounded(t *testing.T) {
	p := newTestPart(t)
	var s keySink
	ds := make([]Dealt, 0, 4096)
	seq := uint64(0)
	for range 50 {
		ds = ds[:0]
		for range 4096 {
			ds = append(ds, Dealt{Rec: model.Record{TS: model.Time(1_700_000_000_000 + int64(seq)*1000),
				User: fmt.Sprintf("4479%08d", seq%5000), Direction: model.FromUser, Country: "GB"}, Seq: seq})
			seq++
		}
		if err := p.Feed(ds, &s, nil); err != nil {
			t.Fatal(err)
		}
	}
	if waiting := len(p.due) - p.dueHead; waiting > lookahead {
		t.Errorf("%d records wait after %d fed; want at most %d", waiting, seq, lookahead)
	}
	if len(p.due) > 4*lookahead {
		t.Errorf("the queue holds %d slots (cap %d) after %d records; want it to shrink as it is billed", len(p.due), cap(p.due), seq)
	}
	if err := p.FlushAll(&s); err != nil {
		t.Fatal(err)
	}
	if len(s.keys) != int(seq) {
		t.Errorf("billed %d of %d", len(s.keys), seq)
	}
}

// Records are billed in (evaluation time, place) order however they are split into
// Feed calls, with times before, at and after 1970 and deliveries at, after or without
// a delivery time: the order of the single heap the two queues replaced.
func TestPartBillingOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		p := newTestPart(t)
		var s keySink
		n := 1 + rng.IntN(400)
		all := make([]Dealt, 0, n)
		ts := model.Time(rng.Int64N(3)-1) * 5000
		for i := range n {
			if rng.IntN(3) == 0 {
				ts += model.Time(rng.IntN(4000))
			}
			r := model.Record{TS: ts, User: fmt.Sprintf("4479%08d", rng.IntN(20)), Country: "GB", Direction: model.FromUser}
			if rng.IntN(2) == 0 {
				r.Direction, r.Kind = model.FromBusiness, model.Text
				switch rng.IntN(3) {
				case 0:
					r.DeliveredTS = ts
				case 1:
					r.DeliveredTS = ts + model.Time(rng.IntN(10000))
				}
			}
			all = append(all, Dealt{Rec: r, Seq: uint64(i)})
		}
		for i := 0; i < n; {
			k := min(1+rng.IntN(70), n-i)
			if err := p.Feed(all[i:i+k], &s, nil); err != nil {
				t.Fatal(err)
			}
			i += k
		}
		if err := p.FlushAll(&s); err != nil {
			t.Fatal(err)
		}
		if len(s.keys) != n {
			t.Fatalf("trial %d: billed %d of %d", trial, len(s.keys), n)
		}
		for i := 1; i < n; i++ {
			if !s.keys[i-1].Less(s.keys[i]) {
				t.Fatalf("trial %d: %v billed before %v", trial, s.keys[i-1], s.keys[i])
			}
		}
	}
}
