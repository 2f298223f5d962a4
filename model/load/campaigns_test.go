package load

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
)

// TestCampaignInstantsAcrossDST: every Monday 10:00 in Berlin is 08:00 UTC in summer
// time and 09:00 UTC after the clocks go back on 2025-10-26.
func TestCampaignInstantsAcrossDST(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	c := Campaign{Name: "monday_promo", Days: []string{"mon"}, At: "10:00", Audience: 0.3}
	from := model.FromStd(time.Date(2025, 10, 13, 10, 0, 0, 0, loc)) // a Monday, at the send time: included
	to := model.FromStd(time.Date(2025, 11, 10, 10, 0, 0, 0, loc))   // the next send time: excluded
	var got []string
	for _, at := range c.Instants(from, to, loc) {
		got = append(got, at.String())
	}
	want := []string{"2025-10-13T08:00:00Z", "2025-10-20T08:00:00Z", "2025-10-27T09:00:00Z", "2025-11-03T09:00:00Z"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("instants %v, want %v", got, want)
	}
	two := Campaign{Days: []string{"Wed", "sat"}, At: "23:59"}
	got = got[:0]
	for _, at := range two.Instants(model.FromStd(time.Date(2025, 10, 20, 0, 0, 0, 0, time.UTC)), model.FromStd(time.Date(2025, 10, 27, 0, 0, 0, 0, time.UTC)), time.UTC) {
		got = append(got, at.String())
	}
	if want := []string{"2025-10-22T23:59:00Z", "2025-10-25T23:59:00Z"}; !reflect.DeepEqual(got, want) {
		t.Errorf("two days a week: %v, want %v", got, want)
	}
}

// TestSelectionExactAndUniform: a selection takes exactly round(share × n) items, and
// each item is taken with probability k/n (checked at 5 binomial standard errors).
func TestSelectionExactAndUniform(t *testing.T) {
	const n, trials = 50, 40000
	rng := rand.New(rand.NewPCG(4, 2))
	var taken [n]int
	for i := 0; i < trials; i++ {
		s := NewSelection(0.3, n)
		k := 0
		for j := 0; j < n; j++ {
			if s.Take(rng) {
				taken[j]++
				k++
			}
		}
		if k != 15 {
			t.Fatalf("trial %d took %d, want 15", i, k)
		}
	}
	p := 15.0 / n
	se := math.Sqrt(p * (1 - p) / trials)
	for j, c := range taken {
		if got := float64(c) / trials; math.Abs(got-p) > 5*se {
			t.Errorf("item %d taken with frequency %.4f, want %.2f ± %.4f", j, got, p, 5*se)
		}
	}
	if s := NewSelection(1, 7); s.Need != 7 {
		t.Errorf("audience 1 of 7 needs %d", s.Need)
	}
}

func TestCampaignValidate(t *testing.T) {
	bad := Campaign{Name: "Promo!", Category: "service", At: "25:00", Audience: 1.2, SendRatePerS: -1,
		Days: []string{"monday"}, Countries: []string{"br"}, Reply: Reply{Probability: 0.1}}
	want := []string{
		`c.name: "Promo!" must be lower-case letters, digits, - or _`,
		`c.category: "service" is not one of marketing, utility, authentication`,
		`c.days[0]: "monday" is not one of mon, tue, wed, thu, fri, sat, sun`,
		`c.at: "25:00" is not a local time HH:MM (00:00 to 23:59)`,
		`c.audience: must be a share between 0 and 1, got 1.2`,
		`c.send_rate_per_s: must be >= 0 templates per second (0: all at once), got -1`,
		`c.countries[0]: "br" is not an upper-case ISO 3166-1 alpha-2 code like BR`,
		`c.reply.delay.mean_s: must be > 0 seconds, got 0`,
	}
	if got := bad.Validate("c"); !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	if errs := (Campaign{Name: "x", Days: []string{"fri"}, At: "18:00", Audience: 0.5}).Validate("c"); errs != nil {
		t.Errorf("valid campaign: %q", errs)
	}
	if got := (Campaign{}).TemplateCategory(); got != model.Marketing {
		t.Errorf("default category %v, want marketing", got)
	}
}

// TestCampaignInstantsMidnightDST: where daylight saving starts at midnight (São Paulo
// until 2019, Santiago, Havana), that midnight does not exist and time.Date reads it as
// 23:00 the day before, so stepping day by day from it never advances. The schedule
// still walks every day, and a send time the change skips moves forward by the gap:
// 00:30 on 2018-11-04 in São Paulo is 01:30 -02 (03:30 UTC), not 23:30 the day before,
// as 02:30 on 2025-03-30 in Berlin is 03:30 CEST.
func TestCampaignInstantsMidnightDST(t *testing.T) {
	for _, c := range []struct {
		zone     string
		from, to time.Time // local dates
		days     []string
		at       string
		want     []string
	}{
		{"America/Sao_Paulo", time.Date(2018, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2018, 11, 8, 0, 0, 0, 0, time.UTC),
			[]string{"mon"}, "10:00", []string{"2018-11-05T12:00:00Z"}},
		{"America/Sao_Paulo", time.Date(2018, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2018, 11, 8, 0, 0, 0, 0, time.UTC),
			[]string{"sat", "sun"}, "00:30", []string{"2018-11-03T03:30:00Z", "2018-11-04T03:30:00Z"}},
		{"America/Santiago", time.Date(2025, 9, 5, 0, 0, 0, 0, time.UTC), time.Date(2025, 9, 9, 0, 0, 0, 0, time.UTC),
			[]string{"sat", "sun", "mon"}, "00:00", []string{"2025-09-06T04:00:00Z", "2025-09-07T04:00:00Z", "2025-09-08T03:00:00Z"}},
		{"Europe/Berlin", time.Date(2025, 3, 29, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC),
			[]string{"sun"}, "02:30", []string{"2025-03-30T01:30:00Z"}}, // 03:30 CEST
	} {
		loc, err := time.LoadLocation(c.zone)
		if err != nil {
			t.Skip("no time zone data:", err)
		}
		from := model.FromStd(time.Date(c.from.Year(), c.from.Month(), c.from.Day(), 0, 0, 0, 0, loc))
		to := model.FromStd(time.Date(c.to.Year(), c.to.Month(), c.to.Day(), 0, 0, 0, 0, loc))
		camp := Campaign{Name: "x", Days: c.days, At: c.at, Audience: 1}
		done := make(chan []model.Time, 1)
		go func() { done <- camp.Instants(from, to, loc) }()
		select {
		case ins := <-done:
			var got []string
			for _, at := range ins {
				got = append(got, at.String())
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s %v at %s: %v, want %v", c.zone, c.days, c.at, got, c.want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s %v at %s: Instants still running after 5 s (stuck on the day whose midnight is skipped)", c.zone, c.days, c.at)
		}
	}
}
