package money

import (
	"math"
	"strconv"
	"strings"
)

// Amounts for people: terminal tables, plot titles and labels, HTML reports. Files keep
// every micro (Micros.String). These helpers are every way spendsim shows an amount to
// a person, and they still differ in how they reach the cent (truncated or rounded), in
// grouping and in sign, as the outputs they serve always have: choosing one rule is a
// deliberate change of those outputs, made here.

// GroupThousands puts a comma between every three digits of an integer's decimal text:
// "-1234567" → "-1,234,567".
func GroupThousands(digits string) string {
	sign := ""
	if strings.HasPrefix(digits, "-") {
		sign, digits = "-", digits[1:]
	}
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + b.String()
}

// CentsTruncated shows m to the cent, truncated toward zero, with thousands grouped:
// "1,234.56"; -0.001 shows "-0.00". The rule of the terminal tables.
func CentsTruncated(m Micros) string {
	intPart, frac, _ := strings.Cut(m.String(), ".")
	return GroupThousands(intPart) + "." + frac[:2]
}

// SignedCentsTruncated is CentsTruncated with "+" before a positive amount.
func SignedCentsTruncated(m Micros) string {
	if m > 0 {
		return "+" + CentsTruncated(m)
	}
	return CentsTruncated(m)
}

// SignedCentsPlain shows m to the cent, truncated toward zero, without grouping, with
// "+" before a positive amount: "+1234.56", "-0.50", "0.00". Plot titles.
func SignedCentsPlain(m Micros) string {
	s := m.String()
	s = s[:strings.IndexByte(s, '.')+3]
	if m > 0 {
		return "+" + s
	}
	return s
}

// CentsRounded shows m to the cent, rounded half away from zero, with thousands
// grouped and no sign on an amount that rounds to zero: "8,225.08". The HTML reports.
func CentsRounded(m Micros) string {
	neg := m < 0
	if neg {
		m = -m
	}
	c := (m + 5000) / 10000 // half away from zero
	s := GroupThousands(strconv.FormatInt(int64(c/100), 10)) + "." + strconv.FormatInt(int64(100+c%100), 10)[1:]
	if neg && c != 0 {
		s = "-" + s
	}
	return s
}

// Signed is Micros.String with "+" before zero or a positive amount: "+0.096000". The
// restaff comparison's differences.
func Signed(m Micros) string {
	if m >= 0 {
		return "+" + m.String()
	}
	return m.String()
}

// Label shows an amount short, for labels on a chart: whole units, grouped, from 100 up
// (rounded to nearest), else to the cent ("1,235", "99.50"). Drawn, not accounted: it
// goes through float64.
func Label(m Micros) string {
	v := float64(m) / float64(PerUnit)
	if math.Abs(v) >= 100 {
		return GroupThousands(strconv.FormatInt(int64(math.Round(v)), 10))
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// Exact shows m exactly, as a user writes an amount in a scenario or a flag: every
// micro that is there, trailing zeros dropped ("20", "12.5", "0.000001").
func Exact(m Micros) string {
	return strings.TrimSuffix(strings.TrimRight(m.String(), "0"), ".")
}
