package money

import (
	"strconv"
	"strings"
)

// Amounts for people. Every amount a person reads — the terminal tables, report.html,
// restaff.html and the forecast report, plot titles, labels and axis ticks — follows one
// rule: to the cent, rounded half away from zero, thousands grouped with commas
// (3676.495 shows as 3,676.50; -0.005 as -0.01; an amount that rounds to nothing as
// 0.00, unsigned). Files keep every micro: the *_micros integers and the six-place
// decimal strings of JSON (Micros.String) are exact and never rounded.
//
// The rule is toCents: changing how amounts are shown is an edit there.

// toCents is the rule: |m| in cents, rounded half away from zero, and m's sign.
func toCents(m Micros) (cents uint64, neg bool) {
	u := uint64(m)
	if m < 0 {
		u = -u // two's complement: right for math.MinInt64 too
	}
	return (u + 5_000) / 10_000, m < 0
}

// Cents shows m by the rule: "1,234.57", "-12,345.68", "0.00".
func Cents(m Micros) string {
	c, neg := toCents(m)
	s := GroupThousands(strconv.FormatUint(c/100, 10)) + "." + strconv.FormatUint(100+c%100, 10)[1:]
	if neg && c != 0 {
		return "-" + s
	}
	return s
}

// WholeCents says whether Cents shows m exactly. A table in cents shows an amount that
// is not whole cents to the micro too (Micros.String): a bill of 0.0042 is not 0.00.
func WholeCents(m Micros) bool { return m%10_000 == 0 }

// SignedCents is Cents with "+" before an amount that shows above zero: "+1,234.57",
// "-0.50", "0.00". Differences (B − A, restaffed − original) and their intervals.
func SignedCents(m Micros) string {
	if c, neg := toCents(m); c != 0 && !neg {
		return "+" + Cents(m)
	}
	return Cents(m)
}

// GroupThousands puts a comma between every three digits of an integer's decimal text:
// "-1234567" → "-1,234,567". Counts and axis ticks use it too.
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

// Exact shows m exactly, as a user writes an amount in a scenario or a flag: every
// micro that is there, trailing zeros dropped ("20", "12.5", "0.000001").
func Exact(m Micros) string {
	return strings.TrimSuffix(strings.TrimRight(m.String(), "0"), ".")
}
