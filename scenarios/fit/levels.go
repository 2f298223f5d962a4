package fit

import (
	"math"
	"time"

	"github.com/spendsim/spendsim/model"
)

// Level is one stretch of days over which the trace's conversations arrived at one
// rate (profile aside): Factor times the horizon's mean rate.
type Level struct {
	From, To      time.Time // local midnights of its first and last day
	Days          int
	Conversations int64
	Factor        float64
}

// levelPenalty is what one more level must gain in log-likelihood to be kept: 3/2 ln n
// for its two parameters (where it starts, and its rate), n the horizon's days, close
// to Zhang and Siegmund's modified BIC for change points. The plain BIC's ln n splits
// one flat Poisson series of 200 days in 20 (a chance dip or run beats it); this, one
// in 200. A stretch of days is split where the trace's daily volume really changes,
// not at every busy day.
func levelPenalty(days int) float64 { return 1.5 * math.Log(float64(days)) }

// segment splits the days of counts n (conversations started each local day) into
// stretches of constant rate, where e is each day's expected count at a base rate of
// 1 (its exposure weighted by the profile): the segmentation maximises the Poisson
// log-likelihood less beta per stretch (optimal partitioning, Jackson et al. 2005,
// pruned as PELT, Killick et al. 2012; exact). A stretch of N conversations over
// weight E costs −max ln L = N ln(E/N) + N (0 when N is 0). It returns each
// stretch's first day, the first 0.
func segment(n []int64, e []float64, beta float64) []int {
	T := len(n)
	cn := make([]float64, T+1)
	ce := make([]float64, T+1)
	for i := range T {
		cn[i+1] = cn[i] + float64(n[i])
		ce[i+1] = ce[i] + e[i]
	}
	cost := func(s, t int) float64 {
		N, E := cn[t]-cn[s], ce[t]-ce[s]
		if N == 0 {
			return 0
		}
		if E <= 0 {
			return math.Inf(1) // conversations on days of no exposure: cannot happen
		}
		return N*math.Log(E/N) + N
	}
	F := make([]float64, T+1)
	last := make([]int, T+1)
	F[0] = -beta
	cands := []int{0}
	for t := 1; t <= T; t++ {
		best, arg := math.Inf(1), 0
		for _, s := range cands {
			if v := F[s] + cost(s, t) + beta; v < best {
				best, arg = v, s
			}
		}
		F[t], last[t] = best, arg
		// Pruning: a split point that cannot beat t now never will (the cost is
		// a maximised negative log-likelihood, so splitting a stretch never costs more).
		kept := cands[:0]
		for _, s := range cands {
			if F[s]+cost(s, t) <= F[t] {
				kept = append(kept, s)
			}
		}
		cands = append(kept, t)
	}
	var starts []int
	for t := T; t > 0; t = last[t] {
		starts = append(starts, last[t])
	}
	for i, j := 0, len(starts)-1; i < j; i, j = i+1, j-1 {
		starts[i], starts[j] = starts[j], starts[i]
	}
	return starts
}

// dailyExposure is, for each local day from start, the hours of it in each local
// hour, counted in quarter hours as exposureOf does, and the day's weekday (Monday 0).
func dailyExposure(start time.Time, days int, loc *time.Location) ([][24]float64, []int) {
	x := make([][24]float64, days)
	wd := make([]int, days)
	for d := range days {
		from := model.DayStart(start.Year(), start.Month(), start.Day()+d, loc)
		to := model.DayStart(start.Year(), start.Month(), start.Day()+d+1, loc)
		wd[d] = (int(from.Weekday()) + 6) % 7
		for t := from; t.Before(to); t = t.Add(15 * time.Minute) {
			x[d][t.In(loc).Hour()] += 0.25
		}
	}
	return x, wd
}

// fitLevels estimates the arrival profile and the daily level together: the rate on
// local day d at hour h is base × level(d) × weekday weight × hour weight. It
// alternates between the profile given the levels (starts over level-weighted
// exposure) and the levels given the profile (segment), a few rounds, and returns the
// levels (nil for one level: the trace's volume did not change) and the per-day
// level; r.Profile is left weighed over the level-weighted exposure.
func (r *Result) fitLevels(daily []int64) ([]Level, []float64) {
	x, wd := dailyExposure(r.Start, r.Days, r.Location)
	level := make([]float64, r.Days)
	for d := range level {
		level[d] = 1
	}
	e := make([]float64, r.Days)
	// weigh estimates the profile over the exposure, each hour weighted by its day's
	// level.
	weigh := func() {
		var lx [7][24]float64
		for d := range r.Days {
			for h := range 24 {
				lx[wd[d]][h] += x[d][h] * level[d]
			}
		}
		r.Profile.Exposure = lx
		r.Profile.weigh()
	}
	var starts []int
	for range 4 {
		weigh()
		var total float64
		for d := range r.Days {
			e[d] = 0
			for h := range 24 {
				e[d] += x[d][h] * r.Profile.Hour[h] * r.Profile.Weekday[wd[d]]
			}
			total += e[d]
		}
		starts = segment(daily, e, levelPenalty(r.Days))
		mean := float64(r.InPeriod) / total
		for i, s := range starts {
			t := r.Days
			if i+1 < len(starts) {
				t = starts[i+1]
			}
			var n int64
			var w float64
			for d := s; d < t; d++ {
				n += daily[d]
				w += e[d]
			}
			for d := s; d < t; d++ {
				level[d] = float64(n) / w / mean
			}
		}
	}
	weigh()
	if len(starts) < 2 {
		return nil, level
	}
	out := make([]Level, len(starts))
	for i, s := range starts {
		t := r.Days
		if i+1 < len(starts) {
			t = starts[i+1]
		}
		l := Level{Days: t - s, Factor: level[s],
			From: model.DayStart(r.Start.Year(), r.Start.Month(), r.Start.Day()+s, r.Location),
			To:   model.DayStart(r.Start.Year(), r.Start.Month(), r.Start.Day()+t-1, r.Location)}
		for d := s; d < t; d++ {
			l.Conversations += daily[d]
		}
		out[i] = l
	}
	return out, level
}
