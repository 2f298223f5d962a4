package fit

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/agents"
)

// TestSegment: 100 days at 5 conversations a day, 20 at 40, 80 at 5 again come back as
// those three stretches, exactly; a flat 200 days at 5 stays one but for about one
// seed in 200 (the penalty, 1.5 ln 200 ≈ 7.9 per stretch, is what a chance surge must
// beat).
func TestSegment(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	counts := func(rates ...[2]float64) ([]int64, []float64) {
		var n []int64
		var e []float64
		for _, r := range rates {
			p := distuv.Poisson{Lambda: r[1], Src: rng}
			for range int(r[0]) {
				n = append(n, int64(p.Rand()))
				e = append(e, 1)
			}
		}
		return n, e
	}
	n, e := counts([2]float64{100, 5}, [2]float64{20, 40}, [2]float64{80, 5})
	if got := segment(n, e, levelPenalty(len(n))); !reflect.DeepEqual(got, []int{0, 100, 120}) {
		t.Errorf("surge: stretches start at %v, want [0 100 120]", got)
	}
	split := 0
	for seed := range 200 {
		rng = rand.New(rand.NewPCG(uint64(seed), 7))
		n, e := counts([2]float64{200, 5})
		if got := segment(n, e, levelPenalty(len(n))); len(got) != 1 {
			split++
		}
	}
	if split > 3 {
		t.Errorf("%d of 200 flat series split, want about 1", split)
	}
	// A day of no exposure and no conversation costs nothing; zeros are a stretch of
	// their own when long enough.
	n = append(make([]int64, 60), n[:60]...)
	e = make([]float64, 120)
	for i := range e {
		e[i] = 1
	}
	if got := segment(n, e, levelPenalty(len(n))); !reflect.DeepEqual(got, []int{0, 60}) {
		t.Errorf("60 silent days then 60 at 5: stretches at %v, want [0 60]", got)
	}
}

// TestHourWindows: each reply count the hours reach proposes the shortest window
// holding the hours at or above it, across midnight if need be.
func TestHourWindows(t *testing.T) {
	var c [24]float64
	for h := 20; h < 24; h++ {
		c[h] = 10
	}
	c[0], c[1], c[2] = 10, 10, 4
	c[12] = 1
	// At 10: 20:00–02:00 (6 h); at 4: 20:00–03:00; at 1: 12:00–03:00.
	want := [][2]int{{12, 15}, {20, 7}, {20, 6}}
	if got := hourWindows(c); !reflect.DeepEqual(got, want) {
		t.Errorf("windows %v, want %v", got, want)
	}
}

func TestPoissonQuantile(t *testing.T) {
	for _, c := range []struct {
		mean float64
		want int
	}{{0, 1}, {0.01, 1}, {1, 4}, {4.108, 9}, {50, 67}} {
		if got := poissonQuantile(c.mean, 0.99); got != c.want {
			t.Errorf("99%% quantile of Poisson(%v) = %d, want %d", c.mean, got, c.want)
		}
	}
}

// TestFitTeamShift: a team on duty 09:00–17:00 Monday to Friday (UTC) answers every
// conversation that starts on duty after a lognormal wait (median 10 min) and every
// other when the shift starts plus that wait; 30% are never answered. The fit finds
// the shift among the replies' proposals, fits the wait from the shift's start, and
// sizes a queue for it.
func TestFitTeamShift(t *testing.T) {
	from := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC) // a Monday
	to := from.AddDate(0, 0, 28)
	steps := agents.Staffing{Shifts: []agents.Shift{{Start: "09:00", End: "17:00", Headcount: 1}}}.Timeline(model.FromStd(from), model.FromStd(to.AddDate(0, 0, 8)), time.UTC).Steps
	rng := rand.New(rand.NewPCG(8, 9))
	wait := distuv.LogNormal{Mu: math.Log(600), Sigma: 1, Src: rand.NewPCG(10, 11)}
	var replies Profile
	replies.Exposure = exposureOf(from, to, time.UTC)
	var waits []convWait
	for range 4000 {
		start := model.FromStd(from) + model.Time(rng.Float64()*float64(to.Sub(from)/time.Millisecond))
		w := convWait{start: start, end: model.FromStd(to)}
		if rng.Float64() >= 0.3 {
			p, _ := pickup(steps, start)
			if at := p + model.FromSeconds(wait.Rand()); at < w.end {
				w.end, w.answered = at, true
				wd, h := slot(at, time.UTC)
				replies.Count[wd][h]++
			}
		}
		waits = append(waits, w)
	}
	team, err := fitTeam(waits, &replies, from, to, time.UTC, 0.5, 0.5, 1, DefaultCostPerHour)
	if err != nil {
		t.Fatal(err)
	}
	sh := team.Shift()
	if team.RoundTheClock() || sh.Start != "09:00" || len(sh.Days) != 5 || sh.Days[0] != "mon" || sh.Days[4] != "fri" {
		t.Fatalf("shift %+v (proposals %+v); want mon–fri from 09:00", sh, team.Proposals[:3])
	}
	best := team.Wait.Families[team.Wait.Best]
	median := best.MedianS
	if math.Abs(median/600-1) > 0.15 || math.Abs(best.Ignore-0.3) > 0.03 {
		t.Errorf("wait from the shift's start: median %.0f s (want 600 ± 15%%), never answered %.3f (want 0.3 ± 0.03)", median, best.Ignore)
	}
	if team.Headcount < 1 || team.CostPerHour != DefaultCostPerHour {
		t.Errorf("headcount %d at %s", team.Headcount, team.CostPerHour)
	}
}

// TestFitTeamRoundTheClock: a team that answers whenever customers write is a
// response-time team, round the clock.
func TestFitTeamRoundTheClock(t *testing.T) {
	from := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 14)
	rng := rand.New(rand.NewPCG(1, 2))
	wait := distuv.LogNormal{Mu: math.Log(300), Sigma: 1, Src: rand.NewPCG(3, 4)}
	var replies Profile
	replies.Exposure = exposureOf(from, to, time.UTC)
	var waits []convWait
	for range 3000 {
		// More customers by day than by night, answered as fast either way.
		hour := 8 + rng.Float64()*14
		if rng.Float64() < 0.2 {
			hour = rng.Float64() * 24
		}
		day := rng.IntN(14)
		start := model.FromStd(from.AddDate(0, 0, day)) + model.Time(hour*float64(model.Hour))
		at := start + model.FromSeconds(wait.Rand())
		wd, h := slot(at, time.UTC)
		replies.Count[wd][h]++
		waits = append(waits, convWait{start: start, end: at, answered: true})
	}
	team, err := fitTeam(waits, &replies, from, to, time.UTC, 0.5, 2, 1, DefaultCostPerHour)
	if err != nil {
		t.Fatal(err)
	}
	if !team.RoundTheClock() {
		t.Errorf("shift %+v, want round the clock", team.Shift())
	}
}

// TestSweepCommentFitsTheTeam: the headcount sweep the fitted scenario suggests says
// what it weighs. A queue team's headcount shapes its waits; a round-the-clock team is
// modelled by its response time, which no headcount changes, so its comment says the
// sweep moves the cost alone and what to change first to weigh staffing against waits.
func TestSweepCommentFitsTheTeam(t *testing.T) {
	queue := Team{Days: []int{0, 1, 2, 3, 4}, StartHour: 9, Hours: 8, Headcount: 2}
	clock := Team{Days: []int{0, 1, 2, 3, 4, 5, 6}, Hours: 24, Headcount: 3}
	var b bytes.Buffer
	queue.writeSweep(&b)
	if want := "# To weigh staffing against the waits, sweep the headcount:\n# sweep:\n" +
		"#   - {path: \"agents.shifts[0].headcount\", values: [2, 4, 8]}\n"; b.String() != want {
		t.Errorf("queue team:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	clock.writeSweep(&b)
	got := b.String()
	for _, want := range []string{"changes the cost only", "rename response_time to handle_time", "values: [3, 6, 12]"} {
		if !strings.Contains(got, want) {
			t.Errorf("round-the-clock team: %q lacks %q", got, want)
		}
	}
	if strings.HasPrefix(got, "# To weigh staffing against the waits, sweep the headcount:") {
		t.Errorf("round-the-clock team: %q tells the user a headcount sweep weighs the waits", got)
	}
}

// TestReplyDays: a shift's weekdays hold at least nine tenths of the team's replies.
// The replies of a backlogged team (retail-month with three weekday agents, by local
// weekday from Sunday) proposed every weekday set down to Monday alone, and a Monday
// shift won on its waits though 77% of the replies went out on other days.
func TestReplyDays(t *testing.T) {
	byDay := [7]float64{0, 5094, 5080, 5103, 5062, 4502, 1704}
	var rate [7]float64
	for d, n := range byDay {
		rate[d] = n / 360 // each weekday's hours in the month: one rate scale
	}
	got := fmt.Sprint(replyDays(daySets(rate), byDay))
	if want := "[[1 2 3 4 5 6] [1 2 3 4 5]]"; got != want {
		t.Errorf("replyDays = %s, want %s (Monday to Saturday, and to Friday: 94%% of the replies)", got, want)
	}
}
