package load

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
)

func TestMixDrawsShares(t *testing.T) {
	m := NewMix([]Share{{"BR", 4}, {"IN", 3}, {"DE", 2}, {"MX", 1}})
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 1_000_000
	var count [4]int
	for i := 0; i < n; i++ {
		count[m.Draw(rng)]++
	}
	for i, want := range []float64{0.4, 0.3, 0.2, 0.1} {
		got := float64(count[i]) / n
		// binomial standard error is at most 0.0005; allow 5 of them
		if math.Abs(got-want) > 0.0025 {
			t.Errorf("%s: share %.4f, want %.1f", m.Countries[i], got, want)
		}
	}
}

func TestValidateShares(t *testing.T) {
	errs := ValidateShares("customers.countries", []Share{{"br", 1}, {"DE", 0}, {"DE", 1}})
	want := []string{
		`customers.countries[0].country: "br" is not an upper-case ISO 3166-1 alpha-2 code like BR`,
		`customers.countries[1].share: must be > 0, got 0`,
		`customers.countries[2].country: DE is listed twice`,
	}
	if len(errs) != len(want) {
		t.Fatalf("got %q", errs)
	}
	for i := range want {
		if errs[i] != want[i] {
			t.Errorf("error %d: got %q, want %q", i, errs[i], want[i])
		}
	}
}

// TestArrivalsFollowProfile counts arrivals per local hour and weekday over many weeks
// in a half-hour-offset zone and compares with the profile's expected counts.
func TestArrivalsFollowProfile(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	hours := make([]float64, 24)
	for h := range hours {
		hours[h] = 1
		if h >= 9 && h < 18 {
			hours[h] = 5
		}
	}
	days := []float64{1, 1, 1, 1, 1, 0.5, 0} // no Sunday traffic
	p := Profile{Hour: hours, Weekday: days}
	from := model.FromStd(time.Date(2025, 9, 1, 0, 0, 0, 0, loc))
	to := from + 52*7*model.Day
	const rate = 50.0 // per hour on average
	a := NewArrivals(from, to, loc, rate, p)
	if got, want := a.Expected(), rate*52*7*24; math.Abs(got-want) > 1e-6*want {
		t.Fatalf("expected arrivals %.1f, want %.1f", got, want)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	var byHour [24]float64
	var byDay [7]float64
	n := 0
	for tm, ok := a.Next(from-1, rng); ok; tm, ok = a.Next(tm, rng) {
		lt := tm.In(loc)
		byHour[lt.Hour()]++
		byDay[(int(lt.Weekday())+6)%7]++
		n++
	}
	total := rate * 52 * 7 * 24
	if math.Abs(float64(n)-total) > 4*math.Sqrt(total) {
		t.Fatalf("%d arrivals, want %.0f ± %.0f", n, total, 4*math.Sqrt(total))
	}
	for h, c := range byHour {
		want := total * p.Hour[h] / (24 * mean(p.Hour))
		if math.Abs(c-want) > 5*math.Sqrt(want)+1 {
			t.Errorf("hour %02d: %.0f arrivals, want %.0f", h, c, want)
		}
	}
	for d, c := range byDay {
		want := total * p.Weekday[d] / (7 * mean(p.Weekday))
		if math.Abs(c-want) > 5*math.Sqrt(want)+1 {
			t.Errorf("weekday %d: %.0f arrivals, want %.0f", d, c, want)
		}
	}
	if byDay[6] != 0 {
		t.Errorf("Sunday has weight 0 but got %.0f arrivals", byDay[6])
	}
}

func TestConversationLengthMean(t *testing.T) {
	c := Conversation{MessagesMean: 2.5}
	rng := rand.New(rand.NewPCG(9, 9))
	const n = 500_000
	sum := 0
	for i := 0; i < n; i++ {
		sum += c.Messages(rng)
	}
	if got := float64(sum) / n; math.Abs(got-2.5) > 0.01 {
		t.Fatalf("mean length %.4f, want 2.5", got)
	}
}

// TestGrowingArrivals: growth steps multiply the rate from their instant on, and no
// growth is the plain process, segment for segment.
func TestGrowingArrivals(t *testing.T) {
	loc := time.UTC
	from := model.FromStd(time.Date(2026, 1, 1, 0, 0, 0, 0, loc))
	mid := model.FromStd(time.Date(2026, 1, 11, 0, 0, 0, 0, loc))
	to := model.FromStd(time.Date(2026, 1, 21, 0, 0, 0, 0, loc))
	prof := Profile{Hour: []float64{1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 3, 3, 2, 2, 1, 1, 1, 1}}
	plain := NewArrivals(from, to, loc, 10, prof)
	if g := NewGrowingArrivals(from, to, loc, 10, prof, nil); !reflect.DeepEqual(g, plain) {
		t.Fatal("no growth differs from NewArrivals")
	}
	g := NewGrowingArrivals(from, to, loc, 10, prof, []Step{{At: mid, Factor: 1.5}})
	if got, want := g.Expected(), plain.Expected()*1.25; math.Abs(got-want) > 1e-6*want {
		t.Errorf("expected arrivals %v, want %v (half the horizon at 1.5×)", got, want)
	}
}

// TestSharesChecked: shares must add up to 1, and a country must be an ISO code, with
// the code meant suggested for the common mistakes.
func TestSharesChecked(t *testing.T) {
	for _, c := range []struct {
		shares []Share
		want   string
	}{
		{[]Share{{"BR", 0.7}, {"IN", 0.3}}, ""},
		{[]Share{{"BR", 0.333}, {"IN", 0.333}, {"MX", 0.333}}, ""},
		{[]Share{{"BR", 0.7}, {"IN", 0.5}}, "c: the shares add up to 1.2; they must add up to 1 (within 0.001)"},
		{[]Share{{"GB", 0.5}, {"UK", 0.5}}, `c[1].country: "UK" is not an ISO 3166-1 alpha-2 code; did you mean GB (United Kingdom)?`},
		{[]Share{{"XX", 1}}, `c[0].country: "XX" is not an ISO 3166-1 alpha-2 code (like BR)`},
	} {
		got := strings.Join(ValidateShares("c", c.shares), "; ")
		if got != c.want {
			t.Errorf("%v: %q, want %q", c.shares, got, c.want)
		}
	}
}
