package stats

import (
	"encoding/json"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/spendsim/spendsim/model/money"
)

// DivRound is a/n rounded half away from zero: the one place a mean of micros or counts
// is rounded.
func DivRound(a, n int64) int64 {
	q, r := a/n, a%n
	if 2*abs64(r) >= n {
		if a < 0 {
			q--
		} else {
			q++
		}
	}
	return q
}

func abs64(a int64) int64 {
	if a < 0 {
		return -a
	}
	return a
}

// Num is a float64 that encodes NaN and ±Inf as JSON null (encoding/json refuses them):
// a percentile of no responses is unknown, not zero.
type Num float64

func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// Interval is a two-sided 95% confidence interval.
type Interval struct {
	Low  Num `json:"low"`
	High Num `json:"high"`
}

// Estimate is a mean across replications and its 95% confidence interval (Student t
// with replications−1 degrees of freedom). CI95 is null with a single replication:
// there is no spread to estimate it from.
type Estimate struct {
	Mean Num       `json:"mean"`
	CI95 *Interval `json:"ci95"`
}

// MoneyInterval is a 95% confidence interval of an amount, rounded to whole micros.
type MoneyInterval struct {
	LowMicros  int64  `json:"low_micros"`
	Low        string `json:"low"`
	HighMicros int64  `json:"high_micros"`
	High       string `json:"high"`
}

// ExcludesZero says whether a difference's interval lies wholly on one side of 0:
// then the replications' randomness does not explain the difference (at 95%). False
// without an interval (one replication) or with a bound unknown or infinite.
func (iv *Interval) ExcludesZero() bool {
	if iv == nil {
		return false
	}
	lo, hi := float64(iv.Low), float64(iv.High)
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return false
	}
	return lo > 0 || hi < 0
}

// ExcludesZero is Interval.ExcludesZero for an amount: an interval ending on 0
// includes it.
func (iv *MoneyInterval) ExcludesZero() bool {
	return iv != nil && (iv.LowMicros > 0 || iv.HighMicros < 0)
}

// meanHalfWidth is the sample mean of xs and the half-width of its two-sided 95%
// Student t confidence interval; the half-width is NaN for fewer than two values.
func meanHalfWidth(xs []float64) (mean, half float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += x
	}
	mean /= n
	if len(xs) < 2 {
		return mean, math.NaN()
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	sd := math.Sqrt(ss / (n - 1))
	// Quantile draws no random numbers; Src is set only so that no distuv value ever
	// holds the global generator.
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1, Src: rand.NewPCG(0, 0)}
	return mean, t.Quantile(0.975) * sd / math.Sqrt(n)
}

// estimate is the mean of xs and its interval. A +Inf among them (a percentile that
// fell among the conversations never answered) makes the mean and both ends of the
// interval +Inf: not answered, whatever the other replications did. Every figure it
// is given is a count, a time or a share, none below 0: the interval is cut at 0,
// where a Student-t interval of a few replications would reach past it (an abandoned
// count of "-0.3 to 1.5"); cut, it still holds the mean with 95% confidence, as the
// figure is never below 0.
func estimate(xs []float64) Estimate { return bounded(xs, 0, math.Inf(1)) }

// shareEstimate is estimate of a share, whose interval is cut at 1 as well: 8
// replications' answered share of 25% reaches from 0%, not from -18.9%, to 68.9%.
func shareEstimate(xs []float64) Estimate { return bounded(xs, 0, 1) }

// bounded is the mean of xs and its Student-t interval cut to [lo, hi], the values the
// figure can take.
func bounded(xs []float64, lo, hi float64) Estimate {
	for _, x := range xs {
		if math.IsInf(x, 1) {
			e := Estimate{Mean: Num(x)}
			if len(xs) > 1 {
				e.CI95 = &Interval{Low: Num(x), High: Num(x)}
			}
			return e
		}
	}
	mean, half := meanHalfWidth(xs)
	e := Estimate{Mean: Num(mean)}
	if !math.IsNaN(half) {
		e.CI95 = &Interval{Low: Num(max(mean-half, lo)), High: Num(min(mean+half, hi))}
	}
	return e
}

// amountMean is one amount's mean over replications: the sum of its replications',
// and where the mean goes, in micros and as text.
type amountMean struct {
	sum    *money.Sum
	micros *int64
	text   *string
}

// setMeans sets each amount to its sum's mean over n replications, rounded once
// (DivRound); money.ErrOverflow when a sum overflowed.
func setMeans(n int64, ms ...amountMean) error {
	for _, m := range ms {
		v, err := m.sum.Total()
		if err != nil {
			return err
		}
		*m.micros = DivRound(int64(v), n)
		*m.text = money.Micros(*m.micros).String()
	}
	return nil
}

// Estimate is the mean of the target's figure over replications and its 95%
// interval, as summary.json gives them (a +Inf among them makes both +Inf; a share's
// interval is cut to 0..1): for optimize, which judges its plans on them (MetBy).
func (t SLA) Estimate(xs []float64) Estimate {
	if t.Floor() {
		return shareEstimate(xs)
	}
	return estimate(xs)
}

// moneyCI centres the interval on the exactly computed mean and rounds its bounds to
// whole micros; nil with a single replication.
func moneyCI(meanMicros int64, each []float64) (*MoneyInterval, error) {
	_, half := meanHalfWidth(each)
	if math.IsNaN(half) {
		return nil, nil
	}
	return moneyAround(meanMicros, half)
}

// spendCI is moneyCI of a spend, which is never below 0: its interval is cut at 0, as
// estimate's are (a messaging bill of 11.21 over a few replications read -7.19 to
// 29.61).
func spendCI(meanMicros int64, each []float64) (*MoneyInterval, error) {
	ci, err := moneyCI(meanMicros, each)
	if ci != nil && ci.LowMicros < 0 {
		ci.LowMicros, ci.Low = 0, money.Micros(0).String()
	}
	return ci, err
}

// moneyAround is the interval m ± half in whole micros, or money.ErrOverflow when a
// bound leaves the int64 range (it used to wrap: a total_ci95 of −4.6e12 around a mean
// of +4.6e12).
func moneyAround(m int64, half float64) (*MoneyInterval, error) {
	r := math.Round(half)
	if !(r >= 0 && r < math.MaxInt64) { // NaN, or past what an int64 holds (2^63 as a float64)
		return nil, money.ErrOverflow
	}
	h := money.Micros(r)
	lo, err1 := money.Add(money.Micros(m), -h)
	hi, err2 := money.Add(money.Micros(m), h)
	if err1 != nil || err2 != nil {
		return nil, money.ErrOverflow
	}
	return &MoneyInterval{LowMicros: int64(lo), Low: lo.String(), HighMicros: int64(hi), High: hi.String()}, nil
}

// welchHalfWidth is the half-width of the 95% interval of mean(b) − mean(a) for two
// independent samples (Welch's t, Welch–Satterthwaite degrees of freedom): what the
// comparison would cost without common random numbers. NaN below two values a side.
func welchHalfWidth(a, b []float64) float64 {
	if len(a) < 2 || len(b) < 2 {
		return math.NaN()
	}
	va, vb := variance(a)/float64(len(a)), variance(b)/float64(len(b))
	se := math.Sqrt(va + vb)
	if se == 0 {
		return 0
	}
	df := (va + vb) * (va + vb) / (va*va/float64(len(a)-1) + vb*vb/float64(len(b)-1))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df, Src: rand.NewPCG(0, 0)}
	return t.Quantile(0.975) * se
}

func variance(xs []float64) float64 {
	var m float64
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	return ss / float64(len(xs)-1)
}
