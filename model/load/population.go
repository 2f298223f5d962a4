package load

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"github.com/spendsim/spendsim/model/market"
)

// Share is one country's share of the customer base.
type Share struct {
	Country string  `yaml:"country"` // ISO 3166-1 alpha-2, e.g. BR
	Share   float64 `yaml:"share"`   // weight; shares are normalised to sum to 1
}

// Mix draws customers' countries in proportion to their shares, by Walker's alias
// method: one uniform draw and one comparison per customer, whatever the number of
// countries.
type Mix struct {
	Countries []string // in declared order; a customer's country is an index into it
	prob      []float64
	alias     []uint8
}

// ValidateShares reports problems with a share list, each prefixed by path.
func ValidateShares(path string, shares []Share) []string {
	var errs []string
	if len(shares) == 0 {
		errs = append(errs, path+": at least one country is needed")
	}
	if len(shares) > 255 {
		errs = append(errs, fmt.Sprintf("%s: at most 255 countries, got %d", path, len(shares)))
	}
	seen := map[string]bool{}
	sum, allPositive := 0.0, true
	for i, s := range shares {
		p := fmt.Sprintf("%s[%d]", path, i)
		if msg := countryProblem(s.Country); msg != "" {
			errs = append(errs, fmt.Sprintf("%s.country: %s", p, msg))
		}
		if seen[s.Country] {
			errs = append(errs, fmt.Sprintf("%s.country: %s is listed twice", p, s.Country))
		}
		seen[s.Country] = true
		if !(s.Share > 0) {
			errs = append(errs, fmt.Sprintf("%s.share: must be > 0, got %v", p, s.Share))
			allPositive = false
		}
		sum += s.Share
	}
	// Shares, not weights: a mix that adds up to 1.2 has a typo in it somewhere.
	if len(shares) > 0 && allPositive && math.Abs(sum-1) > ShareTolerance {
		errs = append(errs, fmt.Sprintf("%s: the shares add up to %s; they must add up to 1 (within %v)", path, strconv.FormatFloat(sum, 'g', 6, 64), ShareTolerance))
	}
	return errs
}

// ShareTolerance is how far from 1 a mix's shares may add up to: decimals rounded by
// hand (three shares of 0.333) pass, a mistyped share does not.
const ShareTolerance = 0.001

// countryProblem says why c is not an upper-case ISO 3166-1 alpha-2 code, or "".
func countryProblem(c string) string {
	if len(c) != 2 || strings.ToUpper(c) != c || !isLetters(c) {
		return fmt.Sprintf("%q is not an upper-case ISO 3166-1 alpha-2 code like BR", c)
	}
	if !market.IsCountry(c) {
		return fmt.Sprintf("%q is not an ISO 3166-1 alpha-2 code%s", c, market.CountryHint(c))
	}
	return ""
}

func isLetters(s string) bool {
	for _, c := range s {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// NewMix builds the alias table. Shares must be valid.
func NewMix(shares []Share) *Mix {
	n := len(shares)
	m := &Mix{Countries: make([]string, n), prob: make([]float64, n), alias: make([]uint8, n)}
	var total float64
	for i, s := range shares {
		m.Countries[i] = s.Country
		total += s.Share
	}
	scaled := make([]float64, n)
	var small, large []int
	for i, s := range shares {
		scaled[i] = s.Share / total * float64(n)
		if scaled[i] < 1 {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		m.prob[s], m.alias[s] = scaled[s], uint8(l)
		scaled[l] -= 1 - scaled[s]
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	for _, i := range append(small, large...) {
		m.prob[i], m.alias[i] = 1, uint8(i)
	}
	return m
}

// Draw returns a country index.
func (m *Mix) Draw(rng *rand.Rand) uint8 {
	i := rng.IntN(len(m.prob))
	if rng.Float64() < m.prob[i] {
		return uint8(i)
	}
	return m.alias[i]
}

// Assign draws a country for each of n customers.
func (m *Mix) Assign(n int, rng *rand.Rand) []uint8 {
	c := make([]uint8, n)
	for i := range c {
		c[i] = m.Draw(rng)
	}
	return c
}

// SortedCountries returns the distinct countries in alphabetical order (for reports).
func (m *Mix) SortedCountries() []string {
	s := append([]string(nil), m.Countries...)
	sort.Strings(s)
	return s
}
