package scenarios

import (
	"testing"
	"time"

	"github.com/spendsim/spendsim/sim"
)

// TestSkippedMidnight: zones whose daylight-saving change skips midnight (Santiago on
// 2025-09-07, São Paulo on 2018-11-04: the day starts at 01:00) simulate to the end,
// with one day row per civil date, the short day 23 hours long, and a scenario that
// starts on the skipped midnight starts at 01:00. A day-by-day walk that asks
// time.Date for "the next midnight" never leaves such a day.
func TestSkippedMidnight(t *testing.T) {
	for _, c := range []struct{ zone, start, short string }{
		{"America/Santiago", "2025-09-05", "2025-09-07"},
		{"America/Sao_Paulo", "2018-11-03", "2018-11-04"},
		{"America/Sao_Paulo", "2018-11-04", "2018-11-04"},
	} {
		if _, err := time.LoadLocation(c.zone); err != nil {
			t.Skip("no time zone data:", err)
		}
		sc, err := Parse([]byte(`
name: dst
seed: 3
start: `+c.start+`
days: 4
timezone: `+c.zone+`
pricing: pmp-2025
customers: {count: 2000, countries: [{country: BR, share: 1}]}
load:
  conversations_per_customer_month: 3
  campaigns: [{name: promo, days: [mon, tue, wed, thu, fri, sat, sun], at: "00:30", audience: 0.1}]
agents:
  shifts: [{days: [mon, tue, wed, thu, fri, sat, sun], start: "00:00", end: "12:00", headcount: 2}]
`), "dst.yaml")
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := sc.Config(nil)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan []sim.DayRow, 1)
		go func() {
			st := sim.NewStats("dst", cfg.Start, cfg.End, cfg.Location)
			o, err := sim.Run(cfg, 3, st)
			if err != nil {
				t.Error(err)
			}
			_, rows, _ := st.Result(o, &cfg.Staffing, "USD")
			done <- rows
		}()
		var all, rows []sim.DayRow
		select {
		case all = <-done:
		case <-time.After(60 * time.Second):
			t.Fatalf("%s from %s: the run did not finish in a minute", c.zone, c.start)
		}
		// The days of the horizon; after them come the days on which its last
		// conversations were answered, marked.
		for i, r := range all {
			if !r.AfterHorizon {
				if i > len(rows) {
					t.Errorf("%s from %s: horizon day %s after a day after the horizon", c.zone, c.start, r.Day.Format(time.DateOnly))
				}
				rows = append(rows, r)
			}
		}
		if len(rows) != 4 {
			t.Fatalf("%s from %s: %d day rows, want 4", c.zone, c.start, len(rows))
		}
		first := cfg.Start.In(cfg.Location)
		if c.start == c.short && first.Format("2006-01-02 15:04") != c.start+" 01:00" {
			t.Errorf("%s: a start on the skipped midnight begins at %s, want %s 01:00", c.zone, first, c.start)
		}
		for i, r := range rows {
			if got := r.Day.Format(time.DateOnly); i > 0 && got == rows[i-1].Day.Format(time.DateOnly) {
				t.Errorf("%s: day %d repeats %s", c.zone, i, got)
			}
			if r.Day.Format(time.DateOnly) == c.short && r.Day.Hour() != 1 {
				t.Errorf("%s: %s starts at %s, want 01:00", c.zone, c.short, r.Day.Format("15:04"))
			}
		}
	}
}
