package fit

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/spendsim/spendsim/model/dist"
)

// TestCensoredLikelihoodIsGonums: the censored likelihood each variant maximises,
// written with gonum distuv's LogProb and Survival instead (a share p never answered:
// ln (1−p) + ln f for an answered wait, ln (p + (1−p) S) for a censored one; a tail:
// f and S mixed).
func TestCensoredLikelihoodIsGonums(t *testing.T) {
	ans := []float64{12, 340, 900, 3600, 86_000, 0.5}
	cens := []float64{100, 5000, 600_000, 2e6}
	d := newWaitData(ans, cens, 2)
	p := 0.7
	logit := math.Log(p / (1 - p))
	ln := distuv.LogNormal{Mu: 7, Sigma: 1.5}
	ga := distuv.Gamma{Alpha: 0.6, Beta: 1.0 / 3000}
	ex := distuv.Exponential{Rate: 1.0 / 2000}
	slow := distuv.LogNormal{Mu: 11, Sigma: 0.8}
	w := 0.25
	mixLog := func(x float64) float64 { return math.Log((1-w)*ln.Prob(x) + w*slow.Prob(x)) }
	mixSurv := func(c float64) float64 { return (1-w)*ln.Survival(c) + w*slow.Survival(c) }
	want := func(logProb, surv func(float64) float64, share bool) float64 {
		var ll float64
		q := 1.0
		if share {
			q = 1 - p
			ll += 2 * math.Log(q) // answered elsewhere
		}
		for _, x := range ans {
			ll += math.Log(q) + logProb(x)
		}
		for _, c := range cens {
			ll += math.Log(1 - q + q*surv(c))
		}
		return ll
	}
	a1 := math.Log(1.5 - minMixSigma)
	a2 := math.Log(0.8 - minMixSigma)
	for _, c := range []struct {
		name          string
		v             variant
		th            []float64
		logProb, surv func(float64) float64
	}{
		{"lognormal", variant{kind: dist.LogNormal}, []float64{7, math.Log(1.5)}, ln.LogProb, ln.Survival},
		{"lognormal, share", variant{kind: dist.LogNormal, share: true}, []float64{7, math.Log(1.5), logit}, ln.LogProb, ln.Survival},
		{"gamma, share", variant{kind: dist.Gamma, share: true}, []float64{math.Log(0.6), math.Log(1.0 / 3000), logit}, ga.LogProb, ga.Survival},
		{"exponential", variant{kind: dist.Exponential}, []float64{math.Log(1.0 / 2000)}, ex.LogProb, ex.Survival},
		{"lognormal with a tail, share", variant{kind: dist.LogNormal, tail: true, share: true},
			[]float64{7, a1, 11, a2, math.Log(w / (1 - w)), logit}, mixLog, mixSurv},
	} {
		got := -d.nll(c.v, c.th)
		if w := want(c.logProb, c.surv, c.v.share); math.Abs(got-w) > 1e-9*math.Abs(w) {
			t.Errorf("%s: log-likelihood %.12g, gonum's %.12g", c.name, got, w)
		}
	}
}

// TestFitCensoredRecovers: 20,000 conversations, 60% never answered, the others
// answered after a lognormal wait (median e⁷ ≈ 1097 s, σ 1.2), each followed for a
// uniform 1 hour to 30 days. Fitting the answered alone would put the median far too
// low (long waits are censored more often); the censored fit with a share gets the
// share within 0.01, the median within 3% and σ within 3%, and AIC takes it.
func TestFitCensoredRecovers(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	wait := distuv.LogNormal{Mu: 7, Sigma: 1.2, Src: rand.NewPCG(13, 14)}
	var w Waits
	for range 20_000 {
		follow := 3600 + rng.Float64()*(30*86400-3600)
		if rng.Float64() < 0.6 {
			w.Censored = append(w.Censored, follow)
			continue
		}
		if x := wait.Rand(); x < follow {
			w.Answered = append(w.Answered, x)
		} else {
			w.Censored = append(w.Censored, follow)
		}
	}
	f, err := FitCensored(w, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	best := f.Families[f.Best]
	if best.Kind != dist.LogNormal || best.Spec.Tail != nil || best.Ignore == 0 {
		t.Fatalf("took %s %s; want the lognormal with a share", best.Kind, best.Params)
	}
	if math.Abs(best.Ignore-0.6) > 0.01 {
		t.Errorf("share never answered %.4f, want 0.6 ± 0.01", best.Ignore)
	}
	if r := best.MedianS / math.Exp(7); math.Abs(r-1) > 0.03 {
		t.Errorf("median %.1f s, want %.1f ± 3%%", best.MedianS, math.Exp(7))
	}
	cv := best.Spec.SDS / best.Spec.MeanS
	if sigma := math.Sqrt(math.Log1p(cv * cv)); math.Abs(sigma/1.2-1) > 0.03 {
		t.Errorf("sigma %.4f, want 1.2 ± 3%%", sigma)
	}
	if f.N != int64(len(w.Answered)) || f.Censored != int64(len(w.Censored)) {
		t.Errorf("N %d, censored %d; want %d and %d", f.N, f.Censored, len(w.Answered), len(w.Censored))
	}
}

// TestFitCensoredTail: two populations, 70% answered in minutes (median 600 s, σ 0.8)
// and 30% in days (median 2 days, σ 0.7), a share of 0.5 never answered, followed for
// up to 60 days: the lognormal with a tail wins AIC and gets the tail's share within
// 0.03 and both medians within 10%.
func TestFitCensoredTail(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	fast := distuv.LogNormal{Mu: math.Log(600), Sigma: 0.8, Src: rand.NewPCG(23, 24)}
	slow := distuv.LogNormal{Mu: math.Log(2 * 86400), Sigma: 0.7, Src: rand.NewPCG(25, 26)}
	var w Waits
	for range 20_000 {
		follow := 3600 + rng.Float64()*60*86400
		x := math.Inf(1)
		if rng.Float64() >= 0.5 {
			x = fast.Rand()
			if rng.Float64() < 0.3 {
				x = slow.Rand()
			}
		}
		if x < follow {
			w.Answered = append(w.Answered, x)
		} else {
			w.Censored = append(w.Censored, follow)
		}
	}
	f, err := FitCensored(w, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	best := f.Families[f.Best]
	tl := best.Spec.Tail
	if tl == nil || best.Ignore == 0 {
		t.Fatalf("took %s %s; want the lognormal with a tail and a share", best.Kind, best.Params)
	}
	median := func(mean, sd float64) float64 { cv := sd / mean; return mean / math.Sqrt(1+cv*cv) }
	if math.Abs(tl.Share-0.3) > 0.03 || math.Abs(best.Ignore-0.5) > 0.02 {
		t.Errorf("tail share %.3f (want 0.3 ± 0.03), never answered %.3f (want 0.5 ± 0.02)", tl.Share, best.Ignore)
	}
	if r := median(best.Spec.MeanS, best.Spec.SDS) / 600; math.Abs(r-1) > 0.1 {
		t.Errorf("fast median %.0f s, want 600 ± 10%%", 600*r)
	}
	if r := median(tl.MeanS, tl.SDS) / (2 * 86400); math.Abs(r-1) > 0.1 {
		t.Errorf("slow median %.0f s, want 172800 ± 10%%", 2*86400*r)
	}
}

// TestFitCensoredWithoutCensoring: with nothing censored the fit is Samples.Fit's,
// closed forms and all.
func TestFitCensoredWithoutCensoring(t *testing.T) {
	xs := draw(distuv.LogNormal{Mu: 6, Sigma: 1, Src: rand.NewPCG(3, 4)}, 2000)
	f, err := FitCensored(Waits{Answered: xs}, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	g := fitOf(t, xs)
	if f.Best != g.Best || f.Families[f.Best].Spec != g.Families[g.Best].Spec || f.Families[f.Best].LogLik != g.Families[g.Best].LogLik {
		t.Errorf("censored fit %+v, closed form %+v", f.Families[f.Best], g.Families[g.Best])
	}
	if _, err := FitCensored(Waits{Answered: []float64{3}, Censored: []float64{10, 20}}, 0.5); err != ErrTooFew {
		t.Errorf("one answered wait: %v, want ErrTooFew", err)
	}
}
