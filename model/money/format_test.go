package money

import (
	"math"
	"testing"
)

func TestGroupThousands(t *testing.T) {
	for in, want := range map[string]string{"0": "0", "999": "999", "12500": "12,500", "-1000000": "-1,000,000"} {
		if got := GroupThousands(in); got != want {
			t.Errorf("GroupThousands(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestCents pins the one rule for amounts people read: to the cent, half away from
// zero, grouped, no sign on an amount that shows as zero; SignedCents adds "+" above it.
func TestCents(t *testing.T) {
	for _, c := range []struct {
		m           Micros
		cents, sgnd string
	}{
		{0, "0.00", "0.00"},
		{3_676_495_000, "3,676.50", "+3,676.50"}, // the review's example: one figure, one text
		{1_234_567_890, "1,234.57", "+1,234.57"},
		{4_999, "0.00", "0.00"},
		{5_000, "0.01", "+0.01"},
		{-1_000, "0.00", "0.00"},
		{-5_000, "-0.01", "-0.01"},
		{-12_345_678_901, "-12,345.68", "-12,345.68"},
		{99_500_000, "99.50", "+99.50"},
		{math.MinInt64, "-9,223,372,036,854.78", "-9,223,372,036,854.78"},
		{math.MaxInt64, "9,223,372,036,854.78", "+9,223,372,036,854.78"},
	} {
		if got := Cents(c.m); got != c.cents {
			t.Errorf("Cents(%d) = %s, want %s", c.m, got, c.cents)
		}
		if got := SignedCents(c.m); got != c.sgnd {
			t.Errorf("SignedCents(%d) = %s, want %s", c.m, got, c.sgnd)
		}
	}
}

func TestExact(t *testing.T) {
	for m, want := range map[Micros]string{20_000_000: "20", 12_500_000: "12.5", 1: "0.000001", 0: "0", 100_000_000: "100", -2_500_000: "-2.5"} {
		if got := Exact(m); got != want {
			t.Errorf("Exact(%d) = %q, want %q", int64(m), got, want)
		}
	}
}

// TestWholeCents: an amount Cents shows exactly, and one a table in cents must also show
// to the micro (0.0042 reads 0.00).
func TestWholeCents(t *testing.T) {
	for m, want := range map[Micros]bool{0: true, 10_000: true, -1_940_000: true, 4_200: false, -1: false, 1_940_130: false} {
		if WholeCents(m) != want {
			t.Errorf("WholeCents(%d) = %v", m, !want)
		}
	}
}
