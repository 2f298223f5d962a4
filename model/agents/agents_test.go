package agents

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/dist"
	"github.com/spendsim/spendsim/model/money"
)

func at(loc *time.Location, s string) model.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return model.FromStd(t)
}

// TestTimelineWeek lays a weekday day shift, a Saturday shift and an overnight shift over
// one week in São Paulo and checks every step by hand.
func TestTimelineWeek(t *testing.T) {
	loc, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Skip(err)
	}
	s := Staffing{Shifts: []Shift{
		{Start: "09:00", End: "18:00", Headcount: 5},                        // mon–fri by default
		{Days: []string{"sat"}, Start: "10:00", End: "14:00", Headcount: 2}, // Saturday morning
		{Days: []string{"sun"}, Start: "22:00", End: "06:00", Headcount: 1}, // Sunday night into Monday
	}}
	from := at(loc, "2025-09-01 00:00") // a Monday
	to := at(loc, "2025-09-08 00:00")
	tl := s.Timeline(from, to, loc)
	// The Sunday-night shift of 31 August runs into Monday morning.
	want := []Step{{from, 1}, {at(loc, "2025-09-01 06:00"), 0}}
	for d := 1; d <= 5; d++ {
		day := "2025-09-0" + string(rune('0'+d))
		want = append(want, Step{at(loc, day+" 09:00"), 5}, Step{at(loc, day+" 18:00"), 0})
	}
	want = append(want,
		Step{at(loc, "2025-09-06 10:00"), 2}, Step{at(loc, "2025-09-06 14:00"), 0},
		Step{at(loc, "2025-09-07 22:00"), 1}) // runs past the horizon end
	if len(tl.Steps) != len(want) {
		t.Fatalf("got %d steps %v, want %d", len(tl.Steps), tl.Steps, len(want))
	}
	for i := range want {
		if tl.Steps[i] != want[i] {
			t.Errorf("step %d: got %+v, want %+v", i, tl.Steps[i], want[i])
		}
	}
	wantAgentTime := 6*model.Hour + 5*5*9*model.Hour + 2*4*model.Hour + 2*model.Hour
	if tl.AgentTime != wantAgentTime {
		t.Errorf("agent time %v h, want %v h", tl.AgentTime.Hours(), wantAgentTime.Hours())
	}
}

// TestTimelineOvernightFromBefore checks that a shift that started the evening before
// the horizon contributes its morning hours.
func TestTimelineOvernightFromBefore(t *testing.T) {
	s := Staffing{Shifts: []Shift{{Days: []string{"sun"}, Start: "20:00", End: "04:00", Headcount: 3}}}
	from := at(time.UTC, "2025-09-01 00:00") // Monday
	tl := s.Timeline(from, from+model.Day, time.UTC)
	want := []Step{{from, 3}, {from + 4*model.Hour, 0}}
	if len(tl.Steps) != 2 || tl.Steps[0] != want[0] || tl.Steps[1] != want[1] {
		t.Fatalf("got %+v, want %+v", tl.Steps, want)
	}
}

func TestValidate(t *testing.T) {
	s := Staffing{
		Shifts:      []Shift{{Days: []string{"monday"}, Start: "9:00", End: "25:00", Headcount: -2}},
		Concurrency: 0,
		HandleTime:  dist.Spec{MeanS: 300},
		LateReply:   "email",
	}
	got := strings.Join(s.Validate("agents"), "\n")
	want := strings.Join([]string{
		`agents.shifts[0].headcount: must be >= 0, got -2`,
		`agents.shifts[0].days[0]: "monday" is not one of mon, tue, wed, thu, fri, sat, sun`,
		`agents.shifts[0].start: "9:00" is not a local time HH:MM`,
		`agents.shifts[0].end: "25:00" is not a local time HH:MM`,
		`agents.concurrency: must be >= 1, got 0`,
		`agents.late_reply: "email" is not one of utility, marketing, drop`,
	}, "\n")
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestCost(t *testing.T) {
	for _, c := range []struct {
		rate  string
		hours model.Time
		want  string
	}{
		{"12.50", 160 * model.Hour, "2000.000000"},
		{"10.00", 90 * model.Minute, "15.000000"},
		{"0.000001", model.Hour / 2, "0.000001"}, // half a micro rounds away from zero
		{"0.000001", model.Hour/2 - 1, "0.000000"},
	} {
		got, err := Cost(money.MustParse(c.rate), c.hours)
		if err != nil || got.String() != c.want {
			t.Errorf("Cost(%s, %v h) = %s, %v; want %s", c.rate, c.hours.Hours(), got, err, c.want)
		}
	}
	if _, err := Cost(money.MustParse("1000000000"), 1<<62); err == nil {
		t.Error("overflow not reported")
	}
}

// TestValidateResponseTime: a response time replaces the shifts, and is checked like
// any duration.
func TestValidateResponseTime(t *testing.T) {
	s := Staffing{Concurrency: 1, HandleTime: dist.Spec{MeanS: 300}, LateReply: LateUtility}
	if got := strings.Join(s.Validate("agents"), "\n"); got != "agents.shifts: at least one shift is needed (or a response_time distribution instead of shifts)" {
		t.Errorf("no shifts, no response time: got %q", got)
	}
	s.ResponseTime = dist.Spec{Kind: dist.LogNormal, MeanS: 900, SDS: 1800}
	if errs := s.Validate("agents"); len(errs) > 0 {
		t.Errorf("response time without shifts: %v", errs)
	}
	s.ResponseTime = dist.Spec{Kind: dist.LogNormal, MeanS: 900}
	if got := strings.Join(s.Validate("agents"), "\n"); got != "agents.response_time.sd_s: must be > 0 for a lognormal distribution, got 0" {
		t.Errorf("lognormal without sd: got %q", got)
	}
}

func TestValidatePatience(t *testing.T) {
	s := Staffing{Shifts: []Shift{{Start: "09:00", End: "17:00", Headcount: 1}}, Concurrency: 1,
		HandleTime: dist.Spec{MeanS: 300}, LateReply: LateUtility,
		Patience: dist.Spec{Kind: dist.Gamma, MeanS: 600, SDS: 600}}
	if got := strings.Join(s.Validate("agents"), "\n"); got != `agents.patience.dist: "gamma" is not one of exponential, lognormal` {
		t.Errorf("gamma patience: got %q", got)
	}
	s.Patience = dist.Spec{Kind: dist.Exponential, MeanS: 600}
	s.ResponseTime = dist.Spec{MeanS: 60}
	if got := strings.Join(s.Validate("agents"), "\n"); got != "agents.patience: customers give up waiting in the agents' queue, and a response_time team has none; drop one of the two" {
		t.Errorf("patience with response time: got %q", got)
	}
}

func TestValidateIgnoreShare(t *testing.T) {
	s := Staffing{ResponseTime: dist.Spec{MeanS: 60}, Concurrency: 1, HandleTime: dist.Spec{MeanS: 300}, LateReply: LateUtility}
	for _, share := range []float64{0, 0.88, 1} {
		s.IgnoreShare = share
		if errs := s.Validate("agents"); len(errs) > 0 {
			t.Errorf("ignore_share %v: %v", share, errs)
		}
	}
	for _, share := range []float64{-0.1, 1.5, math.NaN()} {
		s.IgnoreShare = share
		if got, want := strings.Join(s.Validate("agents"), "\n"), fmt.Sprintf("agents.ignore_share: must be a share between 0 and 1, got %v", share); got != want {
			t.Errorf("ignore_share %v: got %q, want %q", share, got, want)
		}
	}
}

func TestValidatePriority(t *testing.T) {
	s := Staffing{Shifts: []Shift{{Start: "09:00", End: "17:00", Headcount: 1}}, Concurrency: 1,
		HandleTime: dist.Spec{MeanS: 300}, LateReply: LateUtility, Priority: "vip_first"}
	if got := strings.Join(s.Validate("agents"), "\n"); got != `agents.priority: "vip_first" is not one of fifo, ads_first` {
		t.Errorf("unknown priority: got %q", got)
	}
	s.Priority = AdsFirst
	if errs := s.Validate("agents"); len(errs) > 0 {
		t.Errorf("ads_first: %v", errs)
	}
	s.ResponseTime = dist.Spec{MeanS: 60}
	if got := strings.Join(s.Validate("agents"), "\n"); got != "agents.priority: ads_first orders the agents' queue, and a response_time team has none; use fifo" {
		t.Errorf("ads_first with response time: got %q", got)
	}
}

// TestTimelineHolidays lays TestTimelineWeek's shifts over the same São Paulo week with
// Wednesday 3 September and Sunday 7 September (Independence Day) closed: no day shift
// on Wednesday and no Sunday-night shift, the rest as before. With Monday 1 September
// closed instead, the Sunday-night shift of 31 August still runs into Monday morning:
// a holiday stops shifts starting on it, not one already under way.
func TestTimelineHolidays(t *testing.T) {
	loc, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Skip(err)
	}
	s := Staffing{Shifts: []Shift{
		{Start: "09:00", End: "18:00", Headcount: 5},
		{Days: []string{"sat"}, Start: "10:00", End: "14:00", Headcount: 2},
		{Days: []string{"sun"}, Start: "22:00", End: "06:00", Headcount: 1},
	}, Holidays: []string{"2025-09-03", "2025-09-07"}}
	from := at(loc, "2025-09-01 00:00")
	to := at(loc, "2025-09-08 00:00")
	check := func(tl Timeline, want []Step, wantAgentTime model.Time) {
		t.Helper()
		if len(tl.Steps) != len(want) {
			t.Fatalf("holidays %v: got %d steps %v, want %d", s.Holidays, len(tl.Steps), tl.Steps, len(want))
		}
		for i := range want {
			if tl.Steps[i] != want[i] {
				t.Errorf("holidays %v: step %d: got %+v, want %+v", s.Holidays, i, tl.Steps[i], want[i])
			}
		}
		if tl.AgentTime != wantAgentTime {
			t.Errorf("holidays %v: agent time %v h, want %v h", s.Holidays, tl.AgentTime.Hours(), wantAgentTime.Hours())
		}
	}
	want := []Step{{from, 1}, {at(loc, "2025-09-01 06:00"), 0}}
	for _, day := range []string{"2025-09-01", "2025-09-02", "2025-09-04", "2025-09-05"} {
		want = append(want, Step{at(loc, day+" 09:00"), 5}, Step{at(loc, day+" 18:00"), 0})
	}
	want = append(want, Step{at(loc, "2025-09-06 10:00"), 2}, Step{at(loc, "2025-09-06 14:00"), 0})
	check(s.Timeline(from, to, loc), want, 6*model.Hour+4*5*9*model.Hour+2*4*model.Hour)

	s.Holidays = []string{"2025-09-01"}
	want = []Step{{from, 1}, {at(loc, "2025-09-01 06:00"), 0}}
	for _, day := range []string{"2025-09-02", "2025-09-03", "2025-09-04", "2025-09-05"} {
		want = append(want, Step{at(loc, day+" 09:00"), 5}, Step{at(loc, day+" 18:00"), 0})
	}
	want = append(want, Step{at(loc, "2025-09-06 10:00"), 2}, Step{at(loc, "2025-09-06 14:00"), 0},
		Step{at(loc, "2025-09-07 22:00"), 1})
	check(s.Timeline(from, to, loc), want, 6*model.Hour+4*5*9*model.Hour+2*4*model.Hour+2*model.Hour)

	s.Holidays = []string{"2025-9-7"}
	if got := strings.Join(s.Validate("agents"), "\n"); !strings.Contains(got, `agents.holidays[0]: "2025-9-7" is not a date YYYY-MM-DD`) {
		t.Errorf("bad holiday: got %q", got)
	}
}
