// Package money is exact currency arithmetic: amounts are int64 millionths of a
// currency unit (micros), parsed from decimal text without floating point, summed as
// integers, and formatted back to decimal text.
package money

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Micros is an amount in millionths of a currency unit: 0.0625 USD is Micros(62500).
type Micros int64

// PerUnit is the number of Micros in one currency unit.
const PerUnit Micros = 1_000_000

// ErrOverflow is returned when a sum leaves the int64 range.
var ErrOverflow = errors.New("money: amount overflows int64 micros (±9.2 trillion units)")

// Parse reads a plain decimal ("0.0625", "-3", "1,940.13", "12.") exactly. More than
// six decimal places is an error unless the extra digits are zeros: rounding a rate
// silently would break reconciliation against an invoice.
func Parse(s string) (Micros, error) {
	orig := s
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	if s == "" {
		return 0, fmt.Errorf("money: empty amount")
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" && frac == "" {
		return 0, fmt.Errorf("money: %q is not a decimal amount", orig)
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > 6 {
		return 0, fmt.Errorf("money: %q has more than 6 decimal places", orig)
	}
	for _, part := range []string{intPart, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, fmt.Errorf("money: %q is not a decimal amount", orig)
			}
		}
	}
	var whole int64
	if intPart != "" {
		var err error
		whole, err = strconv.ParseInt(intPart, 10, 64)
		if err != nil || whole > math.MaxInt64/int64(PerUnit) {
			return 0, fmt.Errorf("money: %q: %w", orig, ErrOverflow)
		}
	}
	var f int64
	if frac != "" {
		f, _ = strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64)
	}
	v := whole*int64(PerUnit) + f
	if v < 0 { // wrapped past MaxInt64
		return 0, fmt.Errorf("money: %q: %w", orig, ErrOverflow)
	}
	if neg {
		v = -v
	}
	return Micros(v), nil
}

// MustParse is Parse for constants in tests; it panics on error.
func MustParse(s string) Micros {
	m, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return m
}

// String formats m as a plain decimal with exactly six places: "0.062500".
func (m Micros) String() string {
	sign := ""
	u := uint64(m)
	if m < 0 {
		sign = "-"
		u = uint64(-m) // -MinInt64 wraps to itself, which as uint64 is the right magnitude
	}
	return fmt.Sprintf("%s%d.%06d", sign, u/uint64(PerUnit), u%uint64(PerUnit))
}

// Add returns a+b, or ErrOverflow.
func Add(a, b Micros) (Micros, error) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, ErrOverflow
	}
	return s, nil
}

// Mul returns m*n, or ErrOverflow.
func Mul(m Micros, n int64) (Micros, error) {
	if m == 0 || n == 0 {
		return 0, nil
	}
	p := m * Micros(n)
	if p/Micros(n) != m || (m == -1 && n == math.MinInt64) || (n == -1 && m == math.MinInt64) {
		return 0, ErrOverflow
	}
	return p, nil
}

// Sum accumulates amounts and remembers whether any addition overflowed, so hot loops
// can add without checking an error each time and check once at the end.
type Sum struct {
	v        Micros
	overflow bool
}

// Add adds m.
func (s *Sum) Add(m Micros) {
	r := s.v + m
	if (m > 0 && r < s.v) || (m < 0 && r > s.v) {
		s.overflow = true
	}
	s.v = r
}

// Total returns the sum, or ErrOverflow if any addition overflowed.
func (s *Sum) Total() (Micros, error) {
	if s.overflow {
		return 0, ErrOverflow
	}
	return s.v, nil
}

// UnmarshalText parses a decimal amount, so scenario files and flags can write money as
// plain decimals ("9.50") and get it exactly.
func (m *Micros) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// MarshalText writes the decimal form.
func (m Micros) MarshalText() ([]byte, error) { return []byte(m.String()), nil }
