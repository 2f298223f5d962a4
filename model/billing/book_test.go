package billing

import (
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
)

func TestSmokeBuiltinPMP(t *testing.T) {
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Options{Book: book})
	if err != nil {
		t.Fatal(err)
	}
	br, _ := book.Markets().ID("Brazil")
	at := model.FromStd(time.Date(2025, 7, 3, 10, 0, 0, 0, time.UTC))
	ch, err := b.Bill(&model.Message{TS: at, Pair: 1, Market: uint16(br), Country: [2]byte{'B', 'R'}, Direction: model.FromBusiness, Kind: model.Template, Category: model.Marketing})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", ch)
	if ch.Amount != 62500 {
		t.Fatal(ch.Amount)
	}
}
