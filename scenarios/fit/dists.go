package fit

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/DataDog/sketches-go/ddsketch"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/spendsim/spendsim/model/dist"
)

// A zero duration (a reply logged in the same second, or millisecond, as the message
// it answers) has no logarithm, which the lognormal and gamma likelihoods need. Fit
// counts each as half the trace's time resolution: the log cannot say more.
// Samples accumulates positive durations for maximum-likelihood fits in constant
// memory: the three families fitted have sufficient statistics (n, Σx, Σ ln x and
// Σ (ln x)²; the last kept as a running mean and sum of squared deviations, Welford's
// way, so the lognormal variance does not cancel), and a DDSketch (0.5% relative
// accuracy) gives the empirical quantiles quoted beside the fits.
type Samples struct {
	n       int64
	sum     float64 // Σ x
	logMean float64 // mean of ln x
	logM2   float64 // Σ (ln x − mean)²
	zeros   int64   // samples of 0 (or less: clock skew), set at Fit
	min     float64
	max     float64
	sketch  *ddsketch.DDSketch
}

// Add adds one duration in seconds.
func (s *Samples) Add(x float64) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return
	}
	if x <= 0 {
		s.zeros++
		return
	}
	s.add(x, 1)
}

// add adds count samples of x > 0.
func (s *Samples) add(x float64, count int64) {
	if s.sketch == nil {
		sk, err := ddsketch.NewDefaultDDSketch(0.005)
		if err != nil {
			panic("fit: " + err.Error())
		}
		s.sketch = sk
		s.min, s.max = x, x
	}
	// Welford's update, for count equal samples at once (Chan et al.'s merge of a
	// group with mean ln x and no spread).
	n0, c := float64(s.n), float64(count)
	s.n += count
	s.sum += c * x
	l := math.Log(x)
	d := l - s.logMean
	s.logMean += d * c / (n0 + c)
	s.logM2 += d * d * n0 * c / (n0 + c)
	s.min, s.max = min(s.min, x), max(s.max, x)
	if err := s.sketch.AddWithCount(x, c); err != nil {
		panic("fit: " + err.Error())
	}
}

// N is the number of samples.
func (s *Samples) N() int64 { return s.n + s.zeros }

// Family is one distribution family fitted by maximum likelihood.
type Family struct {
	Kind    dist.Kind
	Params  string    // the fitted parameters, in the family's own terms
	Spec    dist.Spec // the same distribution as a scenario writes it (mean and sd)
	LogLik  float64   // maximised log-likelihood, durations in seconds
	AIC     float64   // 2k − 2 LogLik (k: 1 for exponential, 2 otherwise, one more with Ignore); lower is better
	MedianS float64
	// Ignore is the share never answered at all, for a family fitted with one
	// (FitCensored's cure model); 0 otherwise. Spec and MedianS describe the waits of
	// the others.
	Ignore float64
	// Unusable says why a scenario cannot take this family's Spec (a standard deviation
	// past dist.MaxSeconds, say, from a heavy-tailed handful of samples); empty if it can.
	// Best is never an unusable family.
	Unusable string
}

// Fitted is the result of fitting Samples.
type Fitted struct {
	N        int64
	Censored int64   // right-censored waits (FitCensored), not counted in N
	Zeros    int64   // samples of 0, counted as ZeroS
	ZeroS    float64 // half the trace's time resolution
	MeanS    float64
	MinS     float64
	MaxS     float64
	MedianS  float64 // empirical, from the sketch
	P90S     float64 // empirical, from the sketch
	Families []Family
	Best     int // index into Families of the lowest AIC among the usable ones
	// Constant is true when every sample was the same: no family with a spread fits,
	// and Spec is a constant.
	Constant bool
}

// BestSpec is the chosen distribution.
func (f Fitted) BestSpec() dist.Spec { return f.Families[f.Best].Spec }

// ErrTooFew is returned by Fit with fewer than two samples.
var ErrTooFew = errors.New("fewer than 2 samples")

// Fit fits the exponential, lognormal and gamma families by maximum likelihood and
// picks the one with the lowest AIC.
//
//	exponential: rate λ = n / Σx;  ℓ = n ln λ − n
//	lognormal:   μ = mean ln x, σ² = mean (ln x − μ)²;  ℓ = −Σ ln x − n/2 ln(2πσ²) − n/2
//	gamma:       shape α solves ln α − ψ(α) = ln x̄ − mean ln x, rate β = α/x̄;
//	             ℓ = n(α ln β − ln Γ(α)) + (α−1) Σ ln x − β Σx
//
// (Tests check each ℓ against the sum of gonum's distuv LogProb over the samples.)
//
// Zero samples count as zeroS seconds (half the trace's time resolution). Fit may be
// called once.
func (s *Samples) Fit(zeroS float64) (Fitted, error) {
	if s.n+s.zeros < 2 {
		return Fitted{}, ErrTooFew
	}
	if s.zeros > 0 {
		s.add(zeroS, s.zeros)
	}
	n := float64(s.n)
	mean := s.sum / n
	f := Fitted{N: s.n, Zeros: s.zeros, ZeroS: zeroS, MeanS: mean, MinS: s.min, MaxS: s.max}
	qs, err := s.sketch.GetValuesAtQuantiles([]float64{0.5, 0.9})
	if err != nil {
		return Fitted{}, err
	}
	f.MedianS, f.P90S = qs[0], qs[1]
	sumLog := s.logMean * n
	varLog := s.logM2 / n

	lambda := 1 / mean
	exp := Family{
		Kind: dist.Exponential, Params: fmt.Sprintf("rate %.6g/s", lambda),
		Spec:   dist.Spec{Kind: dist.Exponential, MeanS: round(mean)},
		LogLik: n*math.Log(lambda) - n, MedianS: math.Ln2 / lambda,
	}
	exp.AIC = 2 - 2*exp.LogLik
	if s.max-s.min <= 1e-9*s.max || varLog < 1e-18 {
		// Every sample the same: a spread-free distribution is the only honest fit.
		f.Constant = true
		f.Families = []Family{{Kind: dist.Constant, Params: fmt.Sprintf("%.6g s", mean),
			Spec: dist.Spec{Kind: dist.Constant, MeanS: round(mean)}, LogLik: math.Inf(1), AIC: math.Inf(-1), MedianS: mean}, exp}
		return f, nil
	}

	mu, sigma := s.logMean, math.Sqrt(varLog)
	lnMean := math.Exp(mu + varLog/2)
	logn := Family{
		Kind: dist.LogNormal, Params: fmt.Sprintf("mu %.6g, sigma %.6g (of ln seconds)", mu, sigma),
		Spec:   dist.Spec{Kind: dist.LogNormal, MeanS: round(lnMean), SDS: round(lnMean * math.Sqrt(math.Expm1(varLog)))},
		LogLik: -sumLog - n/2*math.Log(2*math.Pi*varLog) - n/2, MedianS: math.Exp(mu),
	}
	logn.AIC = 4 - 2*logn.LogLik

	alpha := gammaShape(math.Log(mean) - s.logMean)
	beta := alpha / mean
	lg, _ := math.Lgamma(alpha)
	gam := Family{
		Kind: dist.Gamma, Params: fmt.Sprintf("shape %.6g, rate %.6g/s", alpha, beta),
		Spec:    dist.Spec{Kind: dist.Gamma, MeanS: round(mean), SDS: round(mean / math.Sqrt(alpha))},
		LogLik:  n*(alpha*math.Log(beta)-lg) + (alpha-1)*sumLog - beta*s.sum,
		MedianS: distuv.Gamma{Alpha: alpha, Beta: beta}.Quantile(0.5),
	}
	gam.AIC = 4 - 2*gam.LogLik

	f.Families = []Family{logn, gam, exp}
	if err := f.pickBest(); err != nil {
		return Fitted{}, err
	}
	return f, nil
}

// pickBest sets Best to the family of lowest AIC a scenario can take, marking the
// others Unusable with why.
func (f *Fitted) pickBest() error {
	f.Best = -1
	for i := range f.Families {
		fam := &f.Families[i]
		if fam.Unusable != "" {
			continue
		}
		if errs := fam.Spec.Validate("response_time"); len(errs) > 0 {
			fam.Unusable = strings.Join(errs, "; ")
			continue
		}
		if f.Best < 0 || fam.AIC < f.Families[f.Best].AIC {
			f.Best = i
		}
	}
	if f.Best < 0 {
		return fmt.Errorf("no distribution fits within a scenario's limits: %s", f.Families[len(f.Families)-1].Unusable)
	}
	return nil
}

// gammaShape solves ln α − ψ(α) = c for c > 0 (c = ln of the mean − mean of the logs,
// positive by Jensen's inequality). The left side falls strictly from +∞ to 0, so
// bisection on ln α is safe; Newton would need the trigamma function, which gonum
// lacks, and a bad start sends it negative.
func gammaShape(c float64) float64 {
	g := func(a float64) float64 { return math.Log(a) - mathext.Digamma(a) - c }
	lo, hi := -30.0, 30.0 // ln α
	for g(math.Exp(hi)) > 0 && hi < 700 {
		hi *= 2
	}
	for range 200 {
		mid := (lo + hi) / 2
		if g(math.Exp(mid)) > 0 {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo < 1e-12 {
			break
		}
	}
	return math.Exp((lo + hi) / 2)
}

// round keeps 6 significant digits: a scenario reads better, and the fit is not more
// precise than that.
func round(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	p := math.Pow(10, 5-math.Floor(math.Log10(math.Abs(x))))
	return math.Round(x*p) / p
}
