package market

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
)

// TestLocalMatchesForCountryIn: the cached resolver gives ForCountryIn's answer for
// times in any order, across the dated market changes and local midnights of a zone far
// from UTC.
func TestLocalMatchesForCountryIn(t *testing.T) {
	tb := Builtin()
	loc, err := time.LoadLocation("Pacific/Auckland")
	if err != nil {
		t.Skip(err)
	}
	l := tb.In(loc)
	rng := rand.New(rand.NewPCG(1, 2))
	countries := []string{"PL", "HK", "ZW", "BR", "KZ", "BD", "US", "XX"}
	base := model.FromStd(time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC))
	for i := 0; i < 100_000; i++ {
		at := base + model.Time(rng.Int64N(int64(450*model.Day)))
		if i%3 == 0 { // runs of nearby times, as a run or replay asks
			at = base + model.Time(i)*model.Hour
		}
		c := countries[rng.IntN(len(countries))]
		if got, want := l.ForCountry([2]byte{c[0], c[1]}, at), tb.ForCountryIn(c, at, loc); got != want {
			t.Fatalf("%s at %s: %s, want %s", c, at, tb.Name(got), tb.Name(want))
		}
	}
}
