package stats

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/sim"
)

// PointPrecision is how precisely a sweep point's mean total cost (messaging +
// staffing, the figure summary.json reports as total_with_staffing) is known after its
// replications so far.
type PointPrecision struct {
	Point        int
	PointID      string
	Replications int
	MeanMicros   float64
	// HalfWidthMicros is the half-width of the Student-t 95% interval of the mean; NaN
	// with fewer than two replications.
	HalfWidthMicros float64
	// Relative is HalfWidthMicros / |MeanMicros|: 0 when every replication cost the
	// same (even nothing), +Inf when the mean is zero but the runs differ, NaN with one
	// replication.
	Relative float64
	// Needed is how many replications the usual normal-approximation rule
	// n = (t·sd / (target·mean))² asks for at the target share given to Precision;
	// 0 when the target is 0 or the spread is unknown.
	Needed int
}

// Precision reports, per sweep point in point order, the 95% interval of the mean
// total cost relative to the mean, with the replications a target relative half-width
// would need. It is what `spendsim run --precision` decides on; its interval is the
// one summary.json's total_with_staffing_ci95 shows.
func Precision(runs []sim.RunResult, target float64) ([]PointPrecision, error) {
	var out []PointPrecision
	for _, reps := range ByPoint(runs) {
		each := make([]float64, 0, len(reps))
		for _, r := range reps {
			tot, err := money.Add(r.MessagingMicros, r.StaffingMicros)
			if err != nil {
				return nil, fmt.Errorf("stats: run %s: %w", r.RunID, err)
			}
			each = append(each, float64(tot))
		}
		mean, half := meanHalfWidth(each)
		p := PointPrecision{Point: reps[0].Point, PointID: reps[0].PointLabel,
			Replications: len(each), MeanMicros: mean, HalfWidthMicros: half}
		switch {
		case math.IsNaN(half):
			p.Relative = math.NaN()
		case half == 0:
			p.Relative = 0
		default:
			p.Relative = half / math.Abs(mean)
		}
		if target > 0 && half == 0 {
			p.Needed = len(each)
		} else if target > 0 && !math.IsNaN(half) {
			n := float64(len(each))
			t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1, Src: rand.NewPCG(0, 0)}.Quantile(0.975)
			sd := half / t * math.Sqrt(n)
			need := math.Ceil(math.Pow(t*sd/(target*math.Abs(mean)), 2))
			if math.IsNaN(need) || need > math.MaxInt32 {
				need = math.MaxInt32
			}
			p.Needed = int(need)
		}
		out = append(out, p)
	}
	return out, nil
}
