package money

import "testing"

func TestGroupThousands(t *testing.T) {
	for in, want := range map[string]string{"0": "0", "999": "999", "12500": "12,500", "-1000000": "-1,000,000"} {
		if got := GroupThousands(in); got != want {
			t.Errorf("GroupThousands(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestCents pins each formatter's rule: they still differ (truncated or rounded,
// grouped or not, where the sign goes), and changing one changes outputs people read.
func TestCents(t *testing.T) {
	for _, c := range []struct {
		m                                     Micros
		trunc, signedTrunc, plain, round, sgn string
	}{
		{0, "0.00", "0.00", "0.00", "0.00", "+0.000000"},
		{1_234_567_890, "1,234.56", "+1,234.56", "+1234.56", "1,234.57", "+1234.567890"},
		{-1_000, "-0.00", "-0.00", "-0.00", "0.00", "-0.001000"},
		{-5_000, "-0.00", "-0.00", "-0.00", "-0.01", "-0.005000"},
		{-12_345_678_901, "-12,345.67", "-12,345.67", "-12345.67", "-12,345.68", "-12345.678901"},
	} {
		if got := CentsTruncated(c.m); got != c.trunc {
			t.Errorf("CentsTruncated(%d) = %s, want %s", c.m, got, c.trunc)
		}
		if got := SignedCentsTruncated(c.m); got != c.signedTrunc {
			t.Errorf("SignedCentsTruncated(%d) = %s, want %s", c.m, got, c.signedTrunc)
		}
		if got := SignedCentsPlain(c.m); got != c.plain {
			t.Errorf("SignedCentsPlain(%d) = %s, want %s", c.m, got, c.plain)
		}
		if got := CentsRounded(c.m); got != c.round {
			t.Errorf("CentsRounded(%d) = %s, want %s", c.m, got, c.round)
		}
		if got := Signed(c.m); got != c.sgn {
			t.Errorf("Signed(%d) = %s, want %s", c.m, got, c.sgn)
		}
	}
	for m, want := range map[Micros]string{99_500_000: "99.50", 1_234_500_000: "1,235", -250_000_000: "-250"} {
		if got := Label(m); got != want {
			t.Errorf("Label(%d) = %s, want %s", m, got, want)
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
