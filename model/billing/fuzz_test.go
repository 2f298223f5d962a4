package billing

import (
	"encoding/binary"
	"testing"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/pricing"
)

func FuzzParseEra(f *testing.F) {
	for e := range numEras {
		f.Add(e.String())
	}
	f.Add("PMP-2025")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseEra(s)
		if err != nil {
			return
		}
		if back, err := ParseEra(e.String()); err != nil || back != e {
			t.Fatalf("%q → %v does not round-trip: %v, %v", s, e, back, err)
		}
	})
}

// FuzzBill decodes arbitrary bytes into a message stream (9 bytes a message) and bills
// it under an era chosen by the first byte: Bill must never panic, and every charge must
// keep the invariants of TestPropertiesAcrossEras.
func FuzzBill(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18})
	f.Add([]byte{4, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{3, 10, 0, 1, 0x21, 0, 2, 0, 0, 0, 10, 0, 1, 0x22, 0x11, 2, 1, 0, 0})
	mt := market.Builtin()
	book := propBook(f, mt)
	ids := make([]uint16, len(propMarkets))
	for i, pm := range propMarkets {
		id, _ := mt.ID(pm.name)
		ids[i] = uint16(id)
	}
	start, _ := parseTS("2022-01-20T00:00:00Z")
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		b, err := New(Options{Era: Era(data[0] % uint8(numEras)), book: book, Markets: mt, FreeConversationsPerMonth: 2,
			ServiceAllowancePerNumber: 1, PrimaryCountry: "BR", AuthIntlFrom: start})
		if err != nil {
			t.Fatal(err)
		}
		// At most 96 messages: longer inputs reach no rule that a shorter one cannot, and
		// the fuzzer's minimizer, quadratic in the input's length, would spend the run on them.
		d := data[1:]
		if len(d) > 96*9 {
			d = d[:96*9]
		}
		at := start
		for ; len(d) >= 9; d = d[9:] {
			// gap (2 bytes, minutes ×7, so traces span the eras), pair, flags, kind, market.
			at += model.Time(binary.LittleEndian.Uint16(d)) * 7 * model.Minute
			pm := int(d[8]) % len(propMarkets)
			m := model.Message{TS: at, Pair: uint32(d[2] % 8), Number: uint16(d[3] % 3),
				Market: ids[pm], Country: [2]byte{propMarkets[pm].country[0], propMarkets[pm].country[1]},
				Direction: model.Direction(1 + d[4]%2), Kind: model.Kind(d[5] % 2),
				Category: model.Category(1 + d[6]%3), Status: model.Status(d[7] % 4),
				EntryPoint: model.EntryPoint(d[6] % 3)}
			ch, err := b.Bill(&m)
			if err != nil {
				t.Fatalf("%+v: %v", m, err)
			}
			if ch.Amount < 0 || (!ch.Billable && ch.Amount != 0) || (ch.Billable && ch.Type != pricing.Regular && !(ch.Type == pricing.FreeTier && ch.Amount == 0)) {
				t.Fatalf("%+v: bad charge %+v", m, ch)
			}
		}
	})
}
