package fit

import (
	"time"

	"github.com/spendsim/spendsim/model"
)

// weightedHours is the exposure weighted by the profile: Σ hours × weekday weight ×
// hour weight, what a base rate of one an hour gives over the horizon.
func (p *Profile) weightedHours() float64 {
	var w float64
	for d := range 7 {
		for h := range 24 {
			w += p.Exposure[d][h] * p.Weekday[d] * p.Hour[h]
		}
	}
	return w
}

// exposureOf counts, in quarter hours, how many hours of [from, to) fall in each
// local weekday × hour (so a daylight-saving day's missing or doubled hour, and zones
// offset by 30 or 45 minutes, are counted as they were lived).
func exposureOf(from, to time.Time, loc *time.Location) [7][24]float64 {
	var x [7][24]float64
	for t := from; t.Before(to); t = t.Add(15 * time.Minute) {
		wd, h := slot(model.FromStd(t), loc)
		x[wd][h] += 0.25
	}
	return x
}

// weigh sets the hour and weekday weights from the counts and the exposure: events
// per hour of exposure, each marginal normalised to a mean of 1, as load.Profile
// reads them.
func (p *Profile) weigh() {
	var hc, hx [24]float64
	var dc, dx [7]float64
	for d := range 7 {
		for h := range 24 {
			c, x := float64(p.Count[d][h]), p.Exposure[d][h]
			hc[h] += c
			hx[h] += x
			dc[d] += c
			dx[d] += x
		}
	}
	for h := range 24 {
		if hx[h] > 0 {
			p.Hour[h] = hc[h] / hx[h]
		}
	}
	p.Unexposed = nil
	var sum float64
	var seen int
	for d := range 7 {
		if dx[d] > 0 {
			p.Weekday[d] = dc[d] / dx[d]
			sum += p.Weekday[d]
			seen++
		} else {
			p.Unexposed = append(p.Unexposed, d)
		}
	}
	for _, d := range p.Unexposed {
		p.Weekday[d] = sum / float64(seen)
	}
	normalise(p.Hour[:])
	normalise(p.Weekday[:])
}

func normalise(w []float64) {
	var s float64
	for _, x := range w {
		s += x
	}
	if s <= 0 {
		for i := range w {
			w[i] = 1
		}
		return
	}
	m := s / float64(len(w))
	for i := range w {
		w[i] /= m
	}
}

// HorizonHours is the length of the horizon in hours.
func (r *Result) HorizonHours() float64 {
	return r.Start.AddDate(0, 0, r.Days).Sub(r.Start).Hours()
}

// ConversationsPerHour is the mean arrival rate over the horizon the fitted scenario
// simulates: the base rate times the profile's mean weight over the horizon.
func (r *Result) ConversationsPerHour() float64 {
	var w float64
	for d := range 7 {
		for h := range 24 {
			w += r.Profile.Exposure[d][h] * r.Profile.Weekday[d] * r.Profile.Hour[h]
		}
	}
	return r.RatePerHour * w / r.HorizonHours()
}
