package money

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Micros
	}{
		{"0.0625", 62_500},
		{"1", 1_000_000},
		{"-3.5", -3_500_000},
		{"+0.000001", 1},
		{"1,940.13", 1_940_130_000},
		{"12.", 12_000_000},
		{".5", 500_000},
		{"0.12345600", 123_456},
		{" 7 ", 7_000_000},
	} {
		got, err := Parse(c.in)
		if err != nil || got != c.want {
			t.Errorf("Parse(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "-", ".", "1.2.3", "abc", "1e3", "0.0000001", "9223372036854.775808", "99999999999999999999"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
}

// TestParseComma: a comma that groups no thousands is an error, never deleted. Before
// issue 15, "0,0625" read as 625 units a message and "8,50" as 850 an hour.
func TestParseComma(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"0,0625", `money: "0,0625": the decimal separator is a dot (0.0625); a comma may only group thousands (1,940.13)`},
		{"8,50", `money: "8,50": the decimal separator is a dot (8.50); a comma may only group thousands (1,940.13)`},
		{"1,2,3", `money: "1,2,3": the decimal separator is a dot; a comma may only group thousands (1,940.13)`},
		{"1,940.1,3", `money: "1,940.1,3": the decimal separator is a dot; a comma may only group thousands (1,940.13)`},
		{"0,062", `money: "0,062": the decimal separator is a dot (0.062); a comma may only group thousands (1,940.13)`},
		{",5", `money: ",5": the decimal separator is a dot (.5); a comma may only group thousands (1,940.13)`},
		{"1,", `money: "1,": the decimal separator is a dot (1.); a comma may only group thousands (1,940.13)`},
	} {
		v, err := Parse(c.in)
		if err == nil || err.Error() != c.want || !errors.Is(err, ErrComma) {
			t.Errorf("Parse(%q) = %d, %v; want the error %s", c.in, v, err, c.want)
		}
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Text != c.in {
			t.Errorf("Parse(%q): %#v is not a *ParseError of the text", c.in, err)
		}
	}
	for in, want := range map[string]Micros{"1,940": 1_940_000_000, "12,000,000.5": 12_000_000_500_000, "-1,000": -1_000_000_000} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

// TestParseDecimalComma: --decimal-comma reads a comma as the decimal separator and a
// dot as a thousands separator, with the same strictness the other way round.
func TestParseDecimalComma(t *testing.T) {
	for in, want := range map[string]Micros{"0,0625": 62_500, "1.940,13": 1_940_130_000, "8,50": 8_500_000, "3": 3_000_000, "-0,5": -500_000} {
		if got, err := CommaDecimal.Parse(in); err != nil || got != want {
			t.Errorf("CommaDecimal.Parse(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"0.0625":   `money: "0.0625": a '.' may only group thousands (1.940,13) where the decimal separator is ','`,
		"1,940.13": `money: "1,940.13": a '.' may only group thousands (1.940,13) where the decimal separator is ','`,
		"1,2,3":    `money: "1,2,3" is not a decimal amount`,
	} {
		if v, err := CommaDecimal.Parse(in); err == nil || err.Error() != want {
			t.Errorf("CommaDecimal.Parse(%q) = %d, %v; want %s", in, v, err, want)
		}
	}
}

func TestString(t *testing.T) {
	for _, c := range []struct {
		in   Micros
		want string
	}{
		{62_500, "0.062500"}, {-1, "-0.000001"}, {0, "0.000000"},
		{math.MinInt64, "-9223372036854.775808"}, {math.MaxInt64, "9223372036854.775807"},
	} {
		if got := c.in.String(); got != c.want {
			t.Errorf("%d.String() = %q, want %q", int64(c.in), got, c.want)
		}
	}
}

// TestRoundTrip: every amount formats to text that parses back to itself.
func FuzzRoundTrip(f *testing.F) {
	f.Add(int64(62500))
	f.Add(int64(-1))
	f.Fuzz(func(t *testing.T, v int64) {
		if v == math.MinInt64 {
			return // its magnitude is not representable as a positive int64
		}
		got, err := Parse(Micros(v).String())
		if err != nil || got != Micros(v) {
			t.Fatalf("round trip of %d: %d, %v", v, got, err)
		}
	})
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"0.0625", "1,940.13", "-3", ".5", "1e3", "0,0625", "1,2,3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		if back, err := Parse(v.String()); err != nil || back != v {
			t.Fatalf("%q parsed to %d which does not round-trip: %d, %v", s, v, back, err)
		}
		// A comma is either a thousands separator or an error: deleting every comma
		// and reading the rest must give the same amount.
		if strings.Contains(s, ",") {
			if plain, err := Parse(strings.ReplaceAll(s, ",", "")); err != nil || plain != v {
				t.Fatalf("%q parsed to %d, but without its commas to %d, %v", s, v, plain, err)
			}
		}
	})
}

func TestOverflow(t *testing.T) {
	if _, err := Add(math.MaxInt64, 1); !errors.Is(err, ErrOverflow) {
		t.Error("Add overflow not reported")
	}
	if _, err := Mul(math.MaxInt64/2+1, 2); !errors.Is(err, ErrOverflow) {
		t.Error("Mul overflow not reported")
	}
	var s Sum
	s.Add(math.MaxInt64)
	s.Add(1)
	s.Add(-5)
	if _, err := s.Total(); !errors.Is(err, ErrOverflow) {
		t.Error("Sum overflow not reported")
	}
	var ok Sum
	ok.Add(5)
	ok.Add(-7)
	if v, err := ok.Total(); err != nil || v != -2 {
		t.Errorf("Sum = %d, %v", v, err)
	}
}

func TestText(t *testing.T) {
	var m Micros
	if err := m.UnmarshalText([]byte("9.50")); err != nil || m != 9_500_000 {
		t.Fatalf("got %d, %v", m, err)
	}
	b, _ := m.MarshalText()
	if string(b) != "9.500000" {
		t.Fatalf("got %s", b)
	}
}
