package scenarios

import (
	"math"
	"strings"
	"testing"
)

const lhsSweep = `sweep_mode: lhs
samples: 20
sweep:
  - {path: agents.handle_time.mean_s, name: handle, min: 120, max: 600}
  - {path: load.conversations_per_customer_month, min: 0.5, max: 2}
  - {path: "agents.shifts[0].headcount", name: weekday, min: 1, max: 8}
`

// TestLHSStratified: each of the N strata of each dimension holds exactly one point,
// ids are lhs-000…, the draw depends on the seed alone, and whole-number fields get
// whole numbers within their bounds.
func TestLHSStratified(t *testing.T) {
	sc, err := Parse([]byte(base+lhsSweep), "lhs.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	pts, err := sc.points(7)
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != n {
		t.Fatalf("%d points, want %d", len(pts), n)
	}
	// Values are shortened for reading (see readableIn); that must never move one into
	// a neighbouring stratum, whatever the seed.
	for seed := uint64(1); seed <= 50; seed++ {
		pts, err := sc.points(seed)
		if err != nil {
			t.Fatal(err)
		}
		for k, d := range sc.Sweep[:2] {
			lo, hi := *d.Min, *d.Max
			used := make([]int, n)
			for _, p := range pts {
				v := p.Params[k].Value
				if v < lo || v > hi {
					t.Fatalf("seed %d: %s = %v outside [%v, %v]", seed, d.Path, v, lo, hi)
				}
				used[min(int((v-lo)/(hi-lo)*n), n-1)]++
			}
			for s, c := range used {
				if c != 1 {
					t.Errorf("seed %d: %s: stratum %d holds %d points, want 1", seed, d.Path, s, c)
				}
			}
		}
	}
	for i, p := range pts {
		if want := "lhs-" + pad3(i); p.ID != want || p.Index != i {
			t.Errorf("point %d: id %q, want %q", i, p.ID, want)
		}
		h := p.Params[2].Value
		if h != math.Trunc(h) || h < 1 || h > 8 || float64(p.Scenario.Agents.Shifts[0].Headcount) != h {
			t.Errorf("point %d: headcount %v (scenario has %d)", i, h, p.Scenario.Agents.Shifts[0].Headcount)
		}
		if p.Scenario.Agents.HandleTime.MeanS != p.Params[0].Value {
			t.Errorf("point %d: the scenario's handle time is not the sampled one", i)
		}
	}
	again, _ := sc.points(7)
	other, _ := sc.points(8)
	same := true
	for i := range pts {
		for k := range pts[i].Params {
			if again[i].Params[k] != pts[i].Params[k] {
				t.Fatal("the same seed drew different points")
			}
			same = same && other[i].Params[k] == pts[i].Params[k]
		}
	}
	if same {
		t.Error("seeds 7 and 8 drew the same points")
	}
	jobs, err := sc.Jobs(7, nil)
	if err != nil || len(jobs) != n || jobs[3].Params[0] != pts[3].Params[0] {
		t.Errorf("Jobs(7) does not run the points drawn from seed 7: %v", err)
	}
}

func pad3(i int) string { return strings.Repeat("0", 3-len(itoa(i))) + itoa(i) }

func itoa(i int) string { return formatValue(float64(i)) }

func TestLHSValidation(t *testing.T) {
	for _, c := range []struct{ sweep, want string }{
		{"sweep_mode: lhs\nsamples: 0\nsweep:\n  - {path: agents.handle_time.mean_s, min: 1, max: 2}\n",
			"samples: must be between 1 and 1000000 with sweep_mode: lhs, got 0"},
		{"sweep_mode: lhs\nsamples: 5\nsweep:\n  - {path: agents.handle_time.mean_s, min: 1}\n",
			"sweep[0].max: missing"},
		{"sweep_mode: lhs\nsamples: 5\nsweep:\n  - {path: agents.handle_time.mean_s, min: 3, max: 2}\n",
			"sweep[0].max: must be greater than min (3), got 2"},
		{"sweep_mode: lhs\nsamples: 5\nsweep:\n  - {path: agents.handle_time.mean_s, values: [1], min: 1, max: 2}\n",
			"sweep[0].values: an lhs dimension takes min and max, not values"},
		{"sweep_mode: lhs\nsamples: 5\nsweep:\n  - {path: \"agents.shifts[0].headcount\", min: -4, max: 2}\n",
			"sweep[0].min: with agents.shifts[0].headcount = -4: agents.shifts[0].headcount: must be >= 0"},
		{"sweep_mode: lhs\nsamples: 5\nsweep:\n  - {path: \"agents.shifts[0].headcount\", min: 1.2, max: 1.8}\n",
			"holds whole numbers"},
		{"sweep_mode: lhs\nsamples: 5\nsweep:\n  - {path: agents.nope, min: 1, max: 2}\n",
			`sweep[0]: path agents.nope: no field "nope" here`},
		{"sweep_mode: lhc\nsweep:\n  - {path: agents.handle_time.mean_s, values: [1]}\n",
			`sweep_mode: "lhc" is not grid or lhs`},
		{"samples: 5\nsweep:\n  - {path: agents.handle_time.mean_s, min: 1, max: 2}\n",
			"sweep[0]: min and max are for sweep_mode: lhs"},
	} {
		_, err := Parse([]byte(base+c.sweep), "x.yaml")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.sweep, err, c.want)
		}
	}
}
