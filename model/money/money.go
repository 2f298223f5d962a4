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

// ErrComma marks an amount whose comma is not a thousands separator ("0,0625",
// "8,50", "1,2,3"): almost always a decimal comma, which must not be read as a
// grouping and so multiply the amount.
var ErrComma = errors.New("money: a comma that does not group thousands")

// ParseError is an amount that could not be read. Text is the amount as given.
type ParseError struct {
	Text string
	msg  string
	err  error
}

func (e *ParseError) Error() string { return e.msg }
func (e *ParseError) Unwrap() error { return e.err }

// Notation is how a file writes amounts: the character before the decimals and the
// one that may group thousands in the whole part (in groups of exactly three digits).
type Notation struct{ Decimal, Group byte }

var (
	// DotDecimal is "1,940.13": the notation spendsim reads unless told otherwise.
	DotDecimal = Notation{Decimal: '.', Group: ','}
	// CommaDecimal is "1.940,13": a spreadsheet's export in a locale that writes
	// decimal commas (--decimal-comma).
	CommaDecimal = Notation{Decimal: ',', Group: '.'}
)

// Parse reads a plain decimal ("0.0625", "-3", "1,940.13", "12.") exactly. More than
// six decimal places is an error unless the extra digits are zeros: rounding a rate
// silently would break reconciliation against an invoice. A comma may only group
// thousands; any other comma ("0,0625", "8,50") is an error wrapping ErrComma.
func Parse(s string) (Micros, error) { return DotDecimal.Parse(s) }

// Parse reads a decimal amount written in notation n exactly (see the package's Parse).
func (n Notation) Parse(s string) (Micros, error) {
	orig := s
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, &ParseError{Text: orig, msg: "money: empty amount"}
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	intPart, frac, _ := strings.Cut(s, string(n.Decimal))
	notDecimal := func() error {
		return &ParseError{Text: orig, msg: fmt.Sprintf("money: %q is not a decimal amount", orig)}
	}
	if strings.IndexByte(intPart, n.Group) >= 0 || strings.IndexByte(frac, n.Group) >= 0 {
		var ok bool
		if intPart, ok = n.Ungroup(intPart); !ok || strings.IndexByte(frac, n.Group) >= 0 {
			return 0, n.misplacedGroup(orig)
		}
	}
	if intPart == "" && frac == "" {
		return 0, notDecimal()
	}
	frac = strings.TrimRight(frac, "0")
	for _, part := range []string{intPart, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, notDecimal()
			}
		}
	}
	if len(frac) > 6 {
		return 0, &ParseError{Text: orig, msg: fmt.Sprintf("money: %q has more than 6 decimal places", orig)}
	}
	overflow := func() error {
		return &ParseError{Text: orig, msg: fmt.Sprintf("money: %q: %v", orig, ErrOverflow), err: ErrOverflow}
	}
	var whole int64
	if intPart != "" {
		var err error
		whole, err = strconv.ParseInt(intPart, 10, 64)
		if err != nil || whole > math.MaxInt64/int64(PerUnit) {
			return 0, overflow()
		}
	}
	var f int64
	if frac != "" {
		f, _ = strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64)
	}
	v := whole*int64(PerUnit) + f
	if v < 0 { // wrapped past MaxInt64
		return 0, overflow()
	}
	if neg {
		v = -v
	}
	return Micros(v), nil
}

// Ungroup drops the group separators of a whole number written with them, which must
// group thousands: one to three digits, then groups of exactly three ("1,940",
// "12,000,000"); "0,062" and "1,2,3" are not groupings and report false. Text without
// a separator is returned as it is.
func (n Notation) Ungroup(s string) (string, bool) {
	if strings.IndexByte(s, n.Group) < 0 {
		return s, true
	}
	groups := strings.Split(s, string(n.Group))
	first := groups[0]
	if len(first) < 1 || len(first) > 3 || first[0] == '0' {
		return "", false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

// misplacedGroup is the error for a group separator that groups no thousands; for the
// comma of a dot-decimal amount it says how the amount is written with a dot.
func (n Notation) misplacedGroup(orig string) error {
	if n.Group != ',' {
		return &ParseError{Text: orig, msg: fmt.Sprintf("money: %q: a %q may only group thousands (1%c940%c13) where the decimal separator is %q",
			orig, n.Group, n.Group, n.Decimal, n.Decimal)}
	}
	hint := ""
	if t := strings.TrimSpace(orig); strings.Count(t, ",") == 1 && !strings.Contains(t, ".") {
		hint = fmt.Sprintf(" (%s)", strings.Replace(t, ",", ".", 1))
	}
	return &ParseError{Text: orig, err: ErrComma,
		msg: fmt.Sprintf("money: %q: the decimal separator is a dot%s; a comma may only group thousands (1,940.13)", orig, hint)}
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
