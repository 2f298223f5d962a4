// Package dist turns a scenario's description of a positive random duration (kind,
// mean, standard deviation) into a gonum distribution drawing from an explicit random
// source, and samples it in virtual-time units.
package dist

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/spendsim/spendsim/model"
)

// Kind names a distribution family.
type Kind string

const (
	Exponential Kind = "exponential"
	LogNormal   Kind = "lognormal"
	Gamma       Kind = "gamma"
	Constant    Kind = "constant"
)

// MaxSeconds bounds a spec's mean and standard deviation: a draw must stay far inside
// the millisecond clock's range (a mean of 1e300 s would wrap a time into the past).
const MaxSeconds = 1e9

// Spec describes a positive duration by its family, mean and standard deviation, the
// two figures an analyst actually knows about handle or think times.
type Spec struct {
	Kind  Kind    `yaml:"dist"`   // exponential (default), lognormal, gamma or constant
	MeanS float64 `yaml:"mean_s"` // mean, seconds
	SDS   float64 `yaml:"sd_s"`   // standard deviation, seconds; ignored for exponential (= mean) and constant (= 0)
	// Tail, when set, mixes a second population into the durations: a share of the
	// draws comes from it instead (kind, mean and sd above then describe the others).
	// Replies answered at once or buried for a day are two such populations, which no
	// single family fits. Default none.
	Tail *Tail `yaml:"tail,omitempty" json:",omitempty"`
}

// Tail is a Spec's second population: Share of the draws come from its distribution.
type Tail struct {
	Share float64 `yaml:"share"`  // share of the draws, 0 < share < 1
	Kind  Kind    `yaml:"dist"`   // exponential (default), lognormal, gamma or constant
	MeanS float64 `yaml:"mean_s"` // mean, seconds
	SDS   float64 `yaml:"sd_s"`   // standard deviation, seconds, as in Spec
}

// Spec is the tail's own distribution.
func (t *Tail) Spec() Spec { return Spec{Kind: t.Kind, MeanS: t.MeanS, SDS: t.SDS} }

// Mean is the spec's mean in seconds, its tail's share included.
func (s Spec) Mean() float64 {
	if s.Tail == nil {
		return s.MeanS
	}
	return (1-s.Tail.Share)*s.MeanS + s.Tail.Share*s.Tail.MeanS
}

// Validate reports what is wrong with the spec, each problem prefixed by path.
func (s Spec) Validate(path string) []string {
	var errs []string
	switch s.Kind {
	case "", Exponential, Constant:
	case LogNormal, Gamma:
		if !(s.SDS > 0) {
			errs = append(errs, fmt.Sprintf("%s.sd_s: must be > 0 for a %s distribution, got %v", path, s.Kind, s.SDS))
		}
	default:
		errs = append(errs, fmt.Sprintf("%s.dist: %q is not one of exponential, lognormal, gamma, constant", path, s.Kind))
	}
	if !(s.MeanS > 0) || math.IsInf(s.MeanS, 0) {
		errs = append(errs, fmt.Sprintf("%s.mean_s: must be > 0 seconds, got %v", path, s.MeanS))
	} else if s.MeanS > MaxSeconds {
		errs = append(errs, fmt.Sprintf("%s.mean_s: must be at most %g seconds (about 30 years), got %v", path, MaxSeconds, s.MeanS))
	}
	if s.SDS > MaxSeconds || math.IsInf(s.SDS, 0) {
		errs = append(errs, fmt.Sprintf("%s.sd_s: must be at most %g seconds (about 30 years), got %v", path, MaxSeconds, s.SDS))
	}
	if t := s.Tail; t != nil {
		if !(t.Share > 0 && t.Share < 1) {
			errs = append(errs, fmt.Sprintf("%s.tail.share: must be a share between 0 and 1 (both excluded), got %v", path, t.Share))
		}
		errs = append(errs, t.Spec().Validate(path+".tail")...)
	}
	return errs
}

// Sampler draws durations from a Spec. The gonum distributions it wraps always get an
// explicit source: a nil Src would silently use the global, unseeded generator.
type Sampler struct {
	kind  Kind
	mean  float64
	exp   distuv.Exponential
	logn  distuv.LogNormal
	gamma distuv.Gamma
	// With a tail: a draw of pick below tailShare comes from tail.
	tail      *Sampler
	tailShare float64
	pick      *rand.Rand
}

// New returns a sampler of s drawing from src. s must be valid.
func New(s Spec, src rand.Source) *Sampler {
	if src == nil {
		panic("dist: nil random source")
	}
	sm := &Sampler{kind: s.Kind, mean: s.MeanS}
	switch s.Kind {
	case "", Exponential:
		sm.kind = Exponential
		sm.exp = distuv.Exponential{Rate: 1 / s.MeanS, Src: src}
	case LogNormal:
		// Match the first two moments: sigma² = ln(1 + cv²), mu = ln(mean) − sigma²/2.
		cv := s.SDS / s.MeanS
		v := math.Log1p(cv * cv)
		sm.logn = distuv.LogNormal{Mu: math.Log(s.MeanS) - v/2, Sigma: math.Sqrt(v), Src: src}
	case Gamma:
		alpha := (s.MeanS / s.SDS) * (s.MeanS / s.SDS)
		sm.gamma = distuv.Gamma{Alpha: alpha, Beta: alpha / s.MeanS, Src: src}
	case Constant:
	default:
		panic(fmt.Sprintf("dist: unknown kind %q", s.Kind))
	}
	if t := s.Tail; t != nil {
		sm.tail, sm.tailShare, sm.pick = New(t.Spec(), src), t.Share, rand.New(src)
	}
	return sm
}

// Seconds draws one duration in seconds: with a tail, first which population, then
// the duration, both from the one source.
func (s *Sampler) Seconds() float64 {
	if s.tail != nil && s.pick.Float64() < s.tailShare {
		return s.tail.Seconds()
	}
	switch s.kind {
	case Exponential:
		return s.exp.Rand()
	case LogNormal:
		return s.logn.Rand()
	case Gamma:
		return s.gamma.Rand()
	}
	return s.mean
}

// Draw draws one duration in virtual time, at least one millisecond so that an event
// caused by another never lands before it.
func (s *Sampler) Draw() model.Time {
	// A draw past 1000 MaxSeconds (a tail no valid spec reaches) is held there rather
	// than left to wrap the clock.
	return max(model.FromSeconds(min(s.Seconds(), 1000*MaxSeconds)), model.Millisecond)
}
