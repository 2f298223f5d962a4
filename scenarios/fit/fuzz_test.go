package fit

import (
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/scenarios"
)

// fuzzRecords turns bytes into a time-ordered trace, 4 bytes a record: the gap to the
// previous record (0 to 255 minutes, or seconds when the high bit of the flags is set),
// the user (one of eight, some E.164 without a country, one with no country at all),
// and flags for direction, type, category, entry point and status.
func fuzzRecords(data []byte) records {
	users := []struct{ id, country string }{
		{"a", "BR"}, {"b", "IN"}, {"c", "DE"}, {"d", "US"},
		{"5511987654321", ""}, {"919876543210", ""}, {"e", "BR"}, {"nowhere", ""},
	}
	var out records
	t := at("2025-03-29T20:00:00Z") // across Europe/Berlin's switch to summer time
	for i := 0; i+4 <= len(data); i += 4 {
		gap, who, flags, more := data[i], data[i+1], data[i+2], data[i+3]
		if flags&0x80 != 0 {
			t += model.Time(gap) * model.Second
		} else {
			t += model.Time(gap) * model.Minute
		}
		u := users[int(who)%len(users)]
		r := model.Record{TS: t, User: u.id, Country: u.country, Line: int64(len(out) + 1)}
		if flags&1 == 0 {
			r.Direction = model.FromUser
			r.EntryPoint = model.EntryPoint(more % 3)
		} else {
			r.Direction = model.FromBusiness
			if flags&2 != 0 {
				r.Kind = model.Template
				r.Category = model.Category(1 + (flags>>2)%3)
			}
			r.Status = model.Status(more % 4)
		}
		out = append(out, r)
	}
	return out
}

// FuzzTrace: whatever the trace, Trace either fails with an error or gives an estimate
// whose scenario loads, validated, with spendsim's own parser; with --bot too.
func FuzzTrace(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 5, 0, 1, 0, 2, 0, 0, 1, 3, 0, 1, 0})
	f.Add([]byte{0, 4, 0, 1, 0, 4, 0x81, 0, 90, 1, 0, 2, 1, 1, 3, 0, 200, 2, 0x86, 0, 1, 2, 0x81, 0})
	f.Add([]byte{0, 7, 0, 0, 1, 7, 1, 0, 2, 7, 0, 0, 3, 7, 1, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		berlin, err := time.LoadLocation("Europe/Berlin")
		if err != nil {
			t.Skip(err)
		}
		for _, bot := range []time.Duration{0, 10 * time.Second} {
			src := fuzzRecords(data)
			r, err := Trace(&src, Options{Location: berlin, Bot: bot})
			if err != nil {
				continue
			}
			text := r.YAML("fuzz", "fuzz.csv")
			if _, err := scenarios.Parse(text, "fuzz.yaml"); err != nil {
				t.Fatalf("the fitted scenario (--bot %s) does not load: %v\n%s", bot, err, text)
			}
		}
	})
}
