package dist

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestMoments checks that every family reproduces the mean and standard deviation it
// was given, within 1.5% over 400,000 draws (a seeded, fixed sample: a few standard
// errors for these coefficients of variation).
func TestMoments(t *testing.T) {
	for _, s := range []Spec{
		{Kind: Exponential, MeanS: 600},
		{Kind: LogNormal, MeanS: 600, SDS: 900},
		{Kind: Gamma, MeanS: 600, SDS: 300},
		{Kind: Constant, MeanS: 42},
	} {
		smp := New(s, rand.NewPCG(1, 2))
		const n = 400_000
		var sum, sum2 float64
		for i := 0; i < n; i++ {
			x := smp.Seconds()
			sum += x
			sum2 += x * x
		}
		mean := sum / n
		sd := math.Sqrt(sum2/n - mean*mean)
		wantSD := s.SDS
		switch s.Kind {
		case Exponential:
			wantSD = s.MeanS
		case Constant:
			wantSD = 0
		}
		if math.Abs(mean-s.MeanS)/s.MeanS > 0.015 {
			t.Errorf("%s: mean %.1f, want %.1f", s.Kind, mean, s.MeanS)
		}
		if math.Abs(sd-wantSD) > 0.015*s.MeanS+0.03*wantSD {
			t.Errorf("%s: sd %.1f, want %.1f", s.Kind, sd, wantSD)
		}
	}
}

func TestValidate(t *testing.T) {
	if errs := (Spec{Kind: "weibull", MeanS: -1}).Validate("agents.handle_time"); len(errs) != 2 {
		t.Fatalf("got %q", errs)
	}
	if errs := (Spec{Kind: LogNormal, MeanS: 10}).Validate("x"); len(errs) != 1 || errs[0] != "x.sd_s: must be > 0 for a lognormal distribution, got 0" {
		t.Fatalf("got %q", errs)
	}
}

// TestTail: a tail mixes its share of draws into the spec's; the share below the
// tail's fastest draw is the base's (constants make both exact), and the mean is the
// mixture's (Spec.Mean).
func TestTail(t *testing.T) {
	s := Spec{Kind: Constant, MeanS: 10, Tail: &Tail{Share: 0.3, Kind: Constant, MeanS: 1000}}
	if errs := s.Validate("agents.response_time"); len(errs) > 0 {
		t.Fatal(errs)
	}
	if got := s.Mean(); got != 0.7*10+0.3*1000 {
		t.Errorf("Mean = %v, want 307", got)
	}
	smp := New(s, rand.NewPCG(1, 2))
	const n = 100_000
	var slow int
	for range n {
		switch x := smp.Seconds(); x {
		case 1000:
			slow++
		case 10:
		default:
			t.Fatalf("draw %v, neither population", x)
		}
	}
	if got := float64(slow) / n; math.Abs(got-0.3) > 0.006 {
		t.Errorf("tail share %.4f of %d draws, want 0.3 ± 0.006", got, n)
	}
	for share, want := range map[float64]string{0: "x.tail.share: must be a share between 0 and 1 (both excluded), got 0", 1: "x.tail.share: must be a share between 0 and 1 (both excluded), got 1"} {
		bad := Spec{MeanS: 10, Tail: &Tail{Share: share, MeanS: 100}}
		if got := strings.Join(bad.Validate("x"), "; "); got != want {
			t.Errorf("share %v: %q, want %q", share, got, want)
		}
	}
	bad := Spec{MeanS: 10, Tail: &Tail{Share: 0.5, Kind: LogNormal, MeanS: 100}}
	if got := strings.Join(bad.Validate("x"), "; "); got != "x.tail.sd_s: must be > 0 for a lognormal distribution, got 0" {
		t.Errorf("tail without sd: %q", got)
	}
}

func BenchmarkExponential(b *testing.B) {
	s := New(Spec{MeanS: 600}, rand.NewPCG(1, 2))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s.Draw()
	}
}

// TestValidateBounds: a mean or standard deviation past MaxSeconds is an error that
// names the field, not a run whose times wrap into the past.
func TestValidateBounds(t *testing.T) {
	errs := Spec{Kind: LogNormal, MeanS: 1e300, SDS: 1e300}.Validate("load.think_time")
	if len(errs) != 2 || !strings.Contains(errs[0], "load.think_time.mean_s: must be at most 1e+09 seconds") ||
		!strings.Contains(errs[1], "load.think_time.sd_s: must be at most") {
		t.Errorf("got %q", errs)
	}
	if errs := (Spec{Kind: Exponential, MeanS: MaxSeconds}).Validate("x"); len(errs) != 0 {
		t.Errorf("MaxSeconds itself: %q", errs)
	}
}
