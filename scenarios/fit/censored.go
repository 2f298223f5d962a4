package fit

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/optimize"

	"github.com/spendsim/spendsim/model/dist"
)

// Waits are conversations' waits for their first reply, in seconds: those answered
// (how long the answer took) and those right-censored (how long they had waited,
// unanswered, when the trace stopped following them).
type Waits struct {
	Answered []float64
	Censored []float64
	// Elsewhere counts conversations answered whose waits are not in Answered (Team's
	// replies sent before the shift started): they count as answered, for the share
	// never answered, and nothing else.
	Elsewhere int
}

// FitCensored fits the exponential, lognormal and gamma families to w by censored
// maximum likelihood: an answered wait x adds ln f(x), a censored one c the log of
// the chance of waiting longer, ln S(c). Where some waits are censored, each family is
// also fitted with a share p never answered at all (a mixture cure model):
//
//	answered x:   ln (1−p) + ln f(x)
//	censored c:   ln (p + (1−p) S(c))
//
// which tells a business that answers late (S(c) large for long c) from one that never
// answers some customers (p), the two reasons a trace's conversation can end
// unanswered (w.Elsewhere adds ln (1−p) each). Families are ranked by AIC, k counting p. Zero waits (an answer logged in
// the same second) count as zeroS seconds, as Samples.Fit counts them. Without
// censored waits the fits are Samples.Fit's closed forms; otherwise gonum's
// Nelder–Mead maximises the likelihood from the uncensored fit's parameters.
func FitCensored(w Waits, zeroS float64) (Fitted, error) {
	ans := make([]float64, 0, len(w.Answered))
	var zeros int64
	for _, x := range w.Answered {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		if x <= 0 {
			zeros++
			x = zeroS
		}
		ans = append(ans, x)
	}
	cens := make([]float64, 0, len(w.Censored))
	for _, c := range w.Censored {
		if c > 0 && !math.IsInf(c, 0) {
			cens = append(cens, c)
		}
	}
	if len(ans) < 2 {
		return Fitted{}, ErrTooFew
	}
	var s Samples
	for _, x := range ans {
		s.add(x, 1)
	}
	start, err := s.Fit(zeroS)
	if err != nil {
		return Fitted{}, err
	}
	slices.Sort(ans)
	f := Fitted{N: int64(len(ans)), Censored: int64(len(cens)), Zeros: zeros, ZeroS: zeroS,
		MeanS: s.sum / float64(s.n), MinS: ans[0], MaxS: ans[len(ans)-1],
		MedianS: quantile(ans, 0.5), P90S: quantile(ans, 0.9)}
	if start.Constant || len(cens) == 0 {
		start.N, start.Censored, start.Zeros, start.MedianS, start.P90S = f.N, f.Censored, f.Zeros, f.MedianS, f.P90S
		return start, nil // nothing censored: the closed forms are the censored fit
	}
	init := map[dist.Kind][]float64{}
	for _, fam := range start.Families {
		init[fam.Kind] = familyParams(fam)
	}
	slices.Sort(cens)
	all := newWaitData(ans, cens, w.Elsewhere)
	search := all.thinned(maxSearchWaits)
	var fams []Family
	for _, v := range []variant{{kind: dist.LogNormal}, {kind: dist.LogNormal, tail: true}, {kind: dist.Gamma}, {kind: dist.Exponential}} {
		x0 := init[v.kind]
		if v.tail {
			x0 = tailStart(ans)
		}
		for _, share := range []bool{false, true} {
			v.share = share
			fams = append(fams, fitFamily(v, x0, search, all))
		}
	}
	f.Families = fams
	if err := f.pickBest(); err != nil {
		return Fitted{}, err
	}
	return f, nil
}

// quantile is the q-quantile of sorted x, interpolated between order statistics (the
// "type 7" rule of R and NumPy).
func quantile(x []float64, q float64) float64 {
	h := float64(len(x)-1) * q
	i := int(h)
	if i+1 >= len(x) {
		return x[len(x)-1]
	}
	return x[i] + (x[i+1]-x[i])*(h-float64(i))
}

// familyParams are an uncensored fit's parameters in the unconstrained form fitFamily
// searches: [ln λ], [μ, ln σ] or [ln α, ln β].
func familyParams(f Family) []float64 {
	switch f.Kind {
	case dist.Exponential:
		return []float64{-math.Log(f.Spec.MeanS)}
	case dist.LogNormal:
		v := math.Log1p(f.Spec.SDS * f.Spec.SDS / (f.Spec.MeanS * f.Spec.MeanS))
		return []float64{math.Log(f.Spec.MeanS) - v/2, math.Log(v) / 2}
	}
	shape := f.Spec.MeanS * f.Spec.MeanS / (f.Spec.SDS * f.Spec.SDS)
	return []float64{math.Log(shape), math.Log(shape / f.Spec.MeanS)}
}

// densities are a family's log density and log survival at parameters θ
// (familyParams' form; a tail's [μ, ln σ, logit share] after the base's).
type densities struct {
	logPDF, logSurv func(x, lx float64) float64 // at x and its logarithm lx
}

// variant is a family FitCensored fits: a kind, with a lognormal tail or not (only for
// the lognormal), with a never-answered share or not.
type variant struct {
	kind        dist.Kind
	tail, share bool
}

// base is the number of the kind's own parameters.
func (v variant) base() int {
	if v.kind == dist.Exponential {
		return 1
	}
	return 2
}

func newDensities(v variant, th []float64) densities {
	if !v.tail {
		return newFamily(v.kind, th[:v.base()])
	}
	m := mixOf(th)
	d, t := lognormal(m.mu1, m.sigma1), lognormal(m.mu2, m.sigma2)
	lw, l1w := -softplus(-th[4]), -softplus(th[4]) // ln w, ln (1−w)
	return densities{
		logPDF:  func(x, lx float64) float64 { return logAddExp(l1w+d.logPDF(x, lx), lw+t.logPDF(x, lx)) },
		logSurv: func(c, lc float64) float64 { return logAddExp(l1w+d.logSurv(c, lc), lw+t.logSurv(c, lc)) },
	}
}

func newFamily(kind dist.Kind, th []float64) densities {
	switch kind {
	case dist.Exponential:
		l := math.Exp(th[0])
		return densities{
			logPDF:  func(x, _ float64) float64 { return th[0] - l*x },
			logSurv: func(c, _ float64) float64 { return -l * c },
		}
	case dist.LogNormal:
		return lognormal(th[0], math.Exp(th[1]))
	}
	a, b := math.Exp(th[0]), math.Exp(th[1])
	lg, _ := math.Lgamma(a)
	return densities{
		logPDF: func(x, lx float64) float64 { return a*th[1] - lg + (a-1)*lx - b*x },
		logSurv: func(c, lc float64) float64 {
			if q := mathext.GammaIncRegComp(a, b*c); q > 0 {
				return math.Log(q)
			}
			return (a-1)*(th[1]+lc) - b*c - lg // the tail's leading term, past underflow
		},
	}
}

func lognormal(mu, sigma float64) densities {
	k := -math.Log(sigma) - 0.5*math.Log(2*math.Pi)
	return densities{
		logPDF: func(_, lx float64) float64 {
			z := (lx - mu) / sigma
			return k - lx - z*z/2
		},
		logSurv: func(_, lc float64) float64 { return logErfc((lc-mu)/(sigma*math.Sqrt2)) - math.Ln2 },
	}
}

// mix is a lognormal with a lognormal tail: the base (μ₁, σ₁), the tail (μ₂, σ₂)
// drawn with probability w.
type mix struct{ mu1, sigma1, mu2, sigma2, w float64 }

// minMixSigma keeps a mixture's components apart from spikes: a component narrowed
// onto one sample would make the likelihood unbounded (a mixture's known flaw), so
// each σ is at least 0.1 (a tenth of e in spread).
const minMixSigma = 0.1

// mixOf reads θ = [μ₁, a₁, μ₂, a₂, logit w], σᵢ = minMixSigma + e^aᵢ.
func mixOf(th []float64) mix {
	return mix{th[0], minMixSigma + math.Exp(th[1]), th[2], minMixSigma + math.Exp(th[3]), 1 / (1 + math.Exp(-th[4]))}
}

// tailStart is where a lognormal with a lognormal tail starts its search: the faster
// 60% of the answered waits (sorted) for the base, the slower 40% for the tail.
func tailStart(sorted []float64) []float64 {
	cut := len(sorted) * 3 / 5
	moments := func(x []float64) (float64, float64) {
		var m, m2 float64
		for _, v := range x {
			l := math.Log(v)
			m += l
			m2 += l * l
		}
		n := float64(len(x))
		m /= n
		return m, math.Log(math.Sqrt(max(m2/n-m*m, 1e-4)))
	}
	m1, s1 := moments(sorted[:max(cut, 1)])
	m2, s2 := moments(sorted[min(cut, len(sorted)-1):])
	a := func(lnSigma float64) float64 { return math.Log(max(math.Exp(lnSigma)-minMixSigma, 0.01)) }
	return []float64{m1, a(s1), m2, a(s2), math.Log(0.4 / 0.6)}
}

// logErfc is ln erfc(x), by its asymptotic series where erfc underflows.
func logErfc(x float64) float64 {
	if x < 25 {
		return math.Log(math.Erfc(x))
	}
	return -x*x - math.Log(x) - 0.5*math.Log(math.Pi) + math.Log1p(-1/(2*x*x))
}

// waitData are waits ready for the likelihood: answered and censored (each with its
// logarithm), and the count answered elsewhere; weight is how many waits each stands
// for (thinned data: the likelihood of all of them, estimated).
type waitData struct {
	ans, cens, lans, lcens []float64
	elsewhere              int
	weight                 float64
}

func newWaitData(ans, cens []float64, elsewhere int) *waitData {
	return &waitData{ans: ans, cens: cens, lans: logs(ans), lcens: logs(cens), elsewhere: elsewhere, weight: 1}
}

// maxSearchWaits bounds the waits a family's likelihood is searched on: beyond, every
// k-th of the sorted answered and of the sorted censored waits (a sample stratified by
// length), and the likelihood at the optimum found is then that of all the waits.
// 8,192 waits pin the parameters far closer than the differences AIC weighs.
const maxSearchWaits = 8192

func (d *waitData) thinned(n int) *waitData {
	k := (len(d.ans) + len(d.cens) + n - 1) / n
	if k <= 1 {
		return d
	}
	every := func(x []float64) []float64 {
		var out []float64
		for i := k / 2; i < len(x); i += k {
			out = append(out, x[i])
		}
		return out
	}
	t := newWaitData(every(d.ans), every(d.cens), d.elsewhere/k)
	t.weight = float64(k)
	return t
}

// nll is the negative log-likelihood of variant v at θ.
func (d *waitData) nll(v variant, th []float64) float64 {
	k := len(th)
	if v.share {
		k--
	}
	fam := newDensities(v, th[:k])
	ll := 0.0
	lp, lq := math.Inf(-1), 0.0 // ln p, ln (1−p)
	if v.share {
		lp, lq = -softplus(-th[k]), -softplus(th[k])
	}
	ll += float64(len(d.ans)+d.elsewhere) * lq
	for i, x := range d.ans {
		ll += fam.logPDF(x, d.lans[i])
	}
	for i, c := range d.cens {
		ll += logAddExp(lp, lq+fam.logSurv(c, d.lcens[i]))
	}
	if math.IsNaN(ll) {
		return math.Inf(1)
	}
	return -ll * d.weight
}

// fitFamily maximises the censored likelihood of variant v on search from the
// parameters init (its kind's and tail's; the never-answered share starts at half the
// censored share), and reports its likelihood on all.
func fitFamily(v variant, init []float64, search, all *waitData) Family {
	k := len(init)
	x0 := append([]float64(nil), init...)
	if v.share {
		n := len(search.cens) + len(search.ans) + search.elsewhere
		p := 0.5 * float64(len(search.cens)) / float64(n)
		x0 = append(x0, math.Log(p/(1-p)))
	}
	nll := func(th []float64) float64 { return search.nll(v, th) }
	res, err := optimize.Minimize(optimize.Problem{Func: nll}, x0,
		&optimize.Settings{Converger: &optimize.FunctionConverge{Relative: 1e-9, Iterations: 20}, FuncEvaluations: 4000 * len(x0)},
		&optimize.NelderMead{SimplexSize: 0.3})
	th := x0
	if err == nil || res != nil {
		th = res.X
	}
	ll := -all.nll(v, th)
	fam := Family{Kind: v.kind, LogLik: ll, AIC: 2*float64(len(th)) - 2*ll}
	if v.share {
		fam.Ignore = 1 / (1 + math.Exp(-th[k]))
	}
	describe(&fam, v, th[:k])
	if math.IsInf(ll, 0) || math.IsNaN(ll) {
		fam.Unusable = "the likelihood did not converge"
	}
	return fam
}

func logs(x []float64) []float64 {
	l := make([]float64, len(x))
	for i, v := range x {
		l[i] = math.Log(v)
	}
	return l
}

// describe fills a fitted family's Params, Spec and MedianS from θ.
func describe(f *Family, v variant, th []float64) {
	var params string
	switch f.Kind {
	case dist.Exponential:
		l := math.Exp(th[0])
		params = fmt.Sprintf("rate %.6g/s", l)
		f.Spec, f.MedianS = dist.Spec{Kind: dist.Exponential, MeanS: round(1 / l)}, math.Ln2/l
	case dist.LogNormal:
		if !v.tail {
			mu, sigma := th[0], math.Exp(th[1])
			params = fmt.Sprintf("mu %.6g, sigma %.6g (of ln seconds)", mu, sigma)
			f.Spec, f.MedianS = lognormalSpec(mu, sigma), math.Exp(mu)
			break
		}
		m := mixOf(th)
		if m.mu2 < m.mu1 { // the base is the faster population
			m = mix{m.mu2, m.sigma2, m.mu1, m.sigma1, 1 - m.w}
		}
		params = fmt.Sprintf("mu %.6g, sigma %.6g (of ln seconds); tail %.4g%%: mu %.6g, sigma %.6g", m.mu1, m.sigma1, 100*m.w, m.mu2, m.sigma2)
		f.Spec = lognormalSpec(m.mu1, m.sigma1)
		t := lognormalSpec(m.mu2, m.sigma2)
		f.Spec.Tail = &dist.Tail{Share: round(m.w), Kind: dist.LogNormal, MeanS: t.MeanS, SDS: t.SDS}
		f.MedianS = m.median()
	default:
		a, b := math.Exp(th[0]), math.Exp(th[1])
		params = fmt.Sprintf("shape %.6g, rate %.6g/s", a, b)
		f.Spec = dist.Spec{Kind: dist.Gamma, MeanS: round(a / b), SDS: round(math.Sqrt(a) / b)}
		f.MedianS = mathext.GammaIncRegInv(a, 0.5) / b
	}
	if f.Ignore > 0 {
		params += fmt.Sprintf("; never answered %.4g%%", 100*f.Ignore)
	}
	f.Params = params
}

func lognormalSpec(mu, sigma float64) dist.Spec {
	mean := math.Exp(mu + sigma*sigma/2)
	return dist.Spec{Kind: dist.LogNormal, MeanS: round(mean), SDS: round(mean * math.Sqrt(math.Expm1(sigma*sigma)))}
}

// median is the mixture's median, by bisection on ln x.
func (m mix) median() float64 {
	cdf := func(lx float64) float64 {
		return (1-m.w)*0.5*math.Erfc(-(lx-m.mu1)/(m.sigma1*math.Sqrt2)) + m.w*0.5*math.Erfc(-(lx-m.mu2)/(m.sigma2*math.Sqrt2))
	}
	lo, hi := min(m.mu1, m.mu2)-50, max(m.mu1, m.mu2)+50
	for range 200 {
		mid := (lo + hi) / 2
		if cdf(mid) < 0.5 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return math.Exp((lo + hi) / 2)
}

// softplus is ln(1 + eˣ), without overflow.
func softplus(x float64) float64 {
	if x > 30 {
		return x
	}
	return math.Log1p(math.Exp(x))
}

// logAddExp is ln(eᵃ + eᵇ).
func logAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(a, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}
