package replay_test

import (
	"io"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim/replay"
)

type sliceSource struct {
	recs []model.Record
	i    int
}

func (s *sliceSource) Next(r *model.Record) error {
	if s.i == len(s.recs) {
		return io.EOF
	}
	*r = s.recs[s.i]
	s.i++
	return nil
}

type collect struct {
	lines   []int64
	charges []pricing.Charge
	markets []string
	mk      *market.Table
}

func (c *collect) Message(rec *model.Record, m *model.Message, ch *pricing.Charge) error {
	if m.Direction == model.FromBusiness {
		c.lines = append(c.lines, rec.Line)
		c.charges = append(c.charges, *ch)
		c.markets = append(c.markets, c.mk.Name(market.ID(m.Market)))
	}
	return nil
}

func ts(s string) model.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return model.FromStd(t)
}

// TestReplayBillsAtDeliveryTime: a utility template sent inside the window but
// delivered after it closed is charged (rules at delivery time), and it is billed after
// a later-sent message that was delivered earlier. Markets come from the number,
// including a +1 area code that is not North America.
func TestReplayBillsAtDeliveryTime(t *testing.T) {
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	mk := market.Builtin()
	src := &sliceSource{recs: []model.Record{
		{Line: 2, TS: ts("2025-09-01T10:00:00Z"), User: "5511987654321", Direction: model.FromUser},
		{Line: 3, TS: ts("2025-09-02T09:59:00Z"), DeliveredTS: ts("2025-09-02T10:00:00Z"), User: "5511987654321", Direction: model.FromBusiness, Kind: model.Template, Category: model.Utility},
		{Line: 4, TS: ts("2025-09-02T09:59:30Z"), User: "17875551234", Direction: model.FromBusiness, Kind: model.Template, Category: model.Marketing},
	}}
	sink := &collect{mk: mk}
	st, err := replay.Replay(src, billing.Options{Book: book, Markets: mk, Currency: "USD"}, sink)
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 3 || st.Users != 2 {
		t.Errorf("stats %+v", st)
	}
	if len(sink.lines) != 2 || sink.lines[0] != 4 || sink.lines[1] != 3 {
		t.Fatalf("billed lines %v, want [4 3] (delivery order)", sink.lines)
	}
	if sink.markets[0] != "Rest of Latin America" || sink.markets[1] != "Brazil" {
		t.Errorf("markets %v", sink.markets)
	}
	// Rest of Latin America marketing and Brazil utility on the 2025-07-01 card.
	if c := sink.charges[1]; !c.Billable || c.Type != pricing.Regular || c.Amount != 6800 {
		t.Errorf("late-delivered utility: %+v, want regular 0.0068", c)
	}
	if c := sink.charges[0]; !c.Billable || c.Category != pricing.Marketing || c.Amount <= 0 {
		t.Errorf("marketing to Puerto Rico: %+v", c)
	}
}

func TestReplayRejectsTimeGoingBackwards(t *testing.T) {
	book, _ := pricing.Builtin()
	src := &sliceSource{recs: []model.Record{
		{Line: 2, TS: ts("2025-09-02T10:00:00Z"), User: "5511987654321", Direction: model.FromUser},
		{Line: 3, TS: ts("2025-09-01T10:00:00Z"), User: "5511987654321", Direction: model.FromUser},
	}}
	_, err := replay.Replay(src, billing.Options{Book: book}, &collect{mk: market.Builtin()})
	if err == nil || err.Error() != "line 3: ts 2025-09-01T10:00:00Z is earlier than the previous row's 2025-09-02T10:00:00Z; sort the trace by ts (or pass --sort)" {
		t.Fatalf("got %v", err)
	}
}
