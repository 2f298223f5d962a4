package scenarios

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

const base = `name: t
start: 2025-09-01
customers:
  count: 10
  countries: [{country: BR, share: 1}]
load:
  conversations_per_customer_month: 1
agents:
  handle_time: {mean_s: 300}
  shifts:
    - {start: "09:00", end: "17:00", headcount: 1}
    - {days: [sat], start: "10:00", end: "14:00", headcount: 0}
`

// TestPointsDeclaredOrder: the first dimension varies slowest, ids are readable and
// stable, and each point's scenario has its values set (and only its own).
func TestPointsDeclaredOrder(t *testing.T) {
	sc, err := Parse([]byte(base+`sweep:
  - {path: "agents.shifts[0].headcount", name: weekday, values: [2, 4]}
  - {path: agents.handle_time.mean_s, values: [300, 600, 900]}
`), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pts, err := sc.Points()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"weekday=2,mean_s=300", "weekday=2,mean_s=600", "weekday=2,mean_s=900",
		"weekday=4,mean_s=300", "weekday=4,mean_s=600", "weekday=4,mean_s=900",
	}
	if len(pts) != len(want) {
		t.Fatalf("%d points, want %d", len(pts), len(want))
	}
	for i, p := range pts {
		if p.ID != want[i] || p.Index != i {
			t.Errorf("point %d: id %q, want %q", i, p.ID, want[i])
		}
	}
	if h, m := pts[4].Scenario.Agents.Shifts[0].Headcount, pts[4].Scenario.Agents.HandleTime.MeanS; h != 4 || m != 600 {
		t.Errorf("point 4 has headcount %d, handle %v", h, m)
	}
	if sc.Agents.Shifts[0].Headcount != 1 || sc.Agents.HandleTime.MeanS != 300 {
		t.Error("expanding the sweep changed the base scenario")
	}
	jobs, err := sc.Jobs(42, nil)
	if err != nil {
		t.Fatal(err)
	}
	if jobs[0].Seed != jobs[5].Seed {
		t.Error("points of one replication must share a seed (common random numbers)")
	}
}

func TestSweepErrors(t *testing.T) {
	for _, c := range []struct{ sweep, want string }{
		{`  - {path: "agents.shifts[5].headcount", values: [1]}`, "sweep[0]: path agents.shifts[5].headcount: shifts has 2 entries, no [5]"},
		{`  - {path: agents.nope, values: [1]}`, `sweep[0]: path agents.nope: no field "nope" here`},
		{`  - {path: "agents.shifts[0].headcount", values: [1.5]}`, "sweep[0]: path agents.shifts[0].headcount: is a whole number, got 1.5"},
		{`  - {path: "agents.shifts[0].headcount", values: [3, -1]}`, "sweep[0].values[1]: with agents.shifts[0].headcount = -1: agents.shifts[0].headcount: must be >= 0, got -1"},
		{`  - {path: agents.late_reply, values: [1]}`, "sweep[0]: path agents.late_reply: takes a name, not a number like 1"},
		{`  - {path: customers.count, values: []}`, "sweep[0].values: at least one value is needed"},
	} {
		_, err := Parse([]byte(base+"sweep:\n"+c.sweep+"\n"), "s.yaml")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("sweep %s:\n got %v\nwant %s", c.sweep, err, c.want)
		}
	}
}

func TestStrictDecoding(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		// Decoding errors name the line and column, and the field path, of what they are
		// about: the decoder gives the line alone, the document the rest.
		{strings.Replace(base, "headcount: 1", "headcont: 1", 1), `s.yaml:11:38: agents.shifts[0]: unknown field "headcont" (valid keys here: name, days, start, end, headcount)`},
		{base + "agnets: {}\n", `s.yaml:13:1: unknown field "agnets" (valid keys here: name, description, seed, start, days, warmup, timezone, currency, pricing, replications, business, customers, load, agents, blocking, sweep, sweep_mode, samples, forecast)`},
		{strings.Replace(base, "count: 10", "count: ten", 1), `s.yaml:4:10: customers.count: "ten" is text; want a whole number`},
		{strings.Replace(base, "share: 1}]", "share: [1]}]", 1), `s.yaml:5:36: customers.countries[0].share: found a list; want a number`},
		{strings.Replace(base, "count: 10", "count: 10\n  count: 11", 1), `s.yaml:5:3: customers: mapping key "count" already defined at line 4`},
		// Two values on a line read "x": the field that takes a whole number is meant.
		{strings.Replace(base, `{start: "09:00", end: "17:00", headcount: 1}`, `{start: "09:00", end: "17:00", headcount: x, name: x}`, 1), `s.yaml:11:49: agents.shifts[0].headcount: "x" is text; want a whole number`},
		// Two such fields: which one the decoder meant is not known, so the line alone.
		{strings.Replace(base, "count: 10\n  countries: [{country: BR, share: 1}]", "count: 10\n  countries: [{country: BR, share: x}, {country: IN, share: x}]", 1), `s.yaml:5: "x" is text; want a number`},
		// A syntax error has the line the YAML parser gives, one-based (it gives the
		// line before for the parser's own errors): where an unclosed [ or { opened.
		{base + "  shifts: [\n", "s.yaml:13: did not find expected node content (at the end of the file)"},
		// A file saved with bare CRs (classic Mac) has its lines where an editor shows
		// them, the parser's count: an unclosed [ at the end is on its last line, 13.
		{strings.ReplaceAll(base+"  shifts: [\n", "\n", "\r"), "s.yaml:13: did not find expected node content (at the end of the file)"},
		{strings.ReplaceAll(strings.Replace(base, "count: 10", "count: ten", 1), "\n", "\r"), `s.yaml:4:10: customers.count: "ten" is text; want a whole number`},
		{strings.Replace(base, "[{country: BR, share: 1}]", "[{country: BR, share: 1}", 1), "s.yaml:5: did not find expected ',' or ']'"},
		{strings.Replace(base, "load:\n", "load: {a: 1\n", 1), "s.yaml:6: did not find expected ',' or '}'"},
		{"- name: t\n", `s.yaml:1:1: found a list; want a mapping with keys name, description,`},
		// A value given through an alias is decoded at its anchor's line: the error is
		// placed at the alias whose field has the type named, and says where the value
		// is. It named the anchor's own field and place (agents.shifts[0].start, 11:15).
		{strings.Replace(base, `{start: "09:00", end: "17:00", headcount: 1}`, `{start: &nine "09:00", end: "17:00", headcount: 1}
    - {start: "10:00", end: "14:00", headcount: *nine}`, 1), `s.yaml:12:49: agents.shifts[1].headcount: "09:00" is text; want a whole number (from &nine at 11:15)`},
		// One anchored value that fails at every use: each use, in order.
		{strings.Replace(base, `{start: "09:00", end: "17:00", headcount: 1}`, `&day {start: "09:00", end: "17:00", headcount: x}
    - *day
    - {<<: *day, name: b}`, 1), `s.yaml:11:54: agents.shifts[0].headcount: "x" is text; want a whole number
  s.yaml:12:7: agents.shifts[1].headcount: "x" is text; want a whole number (from &day at 11:54)
  s.yaml:13:12: agents.shifts[2].headcount: "x" is text; want a whole number (from &day at 11:54)`},
		// A key a mapping gives itself is not merged: the anchor's x is not decoded there.
		{strings.Replace(base, `{start: "09:00", end: "17:00", headcount: 1}`, `&day {start: "09:00", end: "17:00", headcount: x}
    - {<<: *day, headcount: 2}
    - {<<: *day, name: c}`, 1), `s.yaml:11:54: agents.shifts[0].headcount: "x" is text; want a whole number
  s.yaml:13:12: agents.shifts[2].headcount: "x" is text; want a whole number (from &day at 11:54)`},
		// Anchors that hold themselves are listed once, not for ever.
		{strings.Replace(base, "handle_time: {mean_s: 300}", "handle_time: &a {mean_s: 300, <<: *a}", 1), "s.yaml: anchor 'a' value contains itself"},
		{strings.Replace(base, "  shifts:\n", "  shifts: &s\n", 1) + "    - *s\n", "s.yaml:13:7: agents.shifts[2]: found a list; want a mapping with keys name, days, start, end, headcount (from &s at 10:11)"},
		{strings.Replace(base, "handle_time: {mean_s: 300}", "handle_time: &ht {mean_s: 300, sd: 1}\n  patience: *ht", 1), `s.yaml:9:34: agents.handle_time: unknown field "sd" (valid keys here: dist, mean_s, sd_s, tail)
  s.yaml:10:13: agents.patience: unknown field "sd" (valid keys here: dist, mean_s, sd_s, tail) (from &ht at 9:34)`},
		{"", "s.yaml: empty scenario file"},
		{base + "---\nname: x\n", "s.yaml:13: a second YAML document"},
	} {
		_, err := Parse([]byte(c.yaml), "s.yaml")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v\nwant %s", err, c.want)
		}
	}
}

// TestValidateListsEveryProblem: all problems at once, each with its field path.
func TestValidateListsEveryProblem(t *testing.T) {
	bad := strings.NewReplacer(
		"name: t", "name: My Scenario",
		"start: 2025-09-01", "start: 2025-13-01\ndays: 0\ntimezone: Mars/Base\npricing: pmp-2024",
		"count: 10", "count: 0",
		"conversations_per_customer_month: 1", "conversations_per_customer_month: -1",
	).Replace(base)
	_, err := Parse([]byte(bad), "bad.yaml")
	se, ok := err.(*Error)
	if !ok {
		t.Fatalf("got %T %v", err, err)
	}
	want := []string{
		`bad.yaml:1:7: name: "My Scenario" must be lower-case letters`,
		`bad.yaml:2:8: start: "2025-13-01" is not a date YYYY-MM-DD`,
		`bad.yaml:3:7: days: must be between 1 and 3660, got 0`,
		`bad.yaml:4:11: timezone: "Mars/Base" is not an IANA time zone`,
		`bad.yaml:5:10: pricing: `,
		`bad.yaml:7:10: customers.count: must be between 1 and`,
		`bad.yaml:10:37: load.conversations_per_customer_month: must be > 0, got -1`,
	}
	if len(se.Problems) != len(want) {
		t.Fatalf("%d problems, want %d:\n%s", len(se.Problems), len(want), strings.Join(se.Problems, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(se.Problems[i], w) {
			t.Errorf("problem %d: %q, want prefix %q", i, se.Problems[i], w)
		}
	}
}

// TestSweepBotAndForecast: fields behind a pointer (agents.bot, forecast) can be swept,
// each point gets its own copy, and a block the scenario lacks is a clear error.
func TestSweepBotAndForecast(t *testing.T) {
	sc, err := Parse([]byte(`
name: botsweep
start: 2025-09-01
customers: {count: 10, countries: [{country: BR, share: 1}]}
load: {conversations_per_customer_month: 1}
agents:
  shifts: [{start: "08:00", end: "18:00", headcount: 1}]
  bot: {reply_s: 5, resolve_share: 0.2}
forecast: {months: 2, growth_per_month: 0.01}
sweep:
  - {path: agents.bot.resolve_share, name: bot, values: [0, 0.5]}
  - {path: forecast.growth_per_month, name: growth, values: [0.02, 0.05]}
`), "botsweep.yaml")
	if err != nil {
		t.Fatal(err)
	}
	points, err := sc.Points()
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 4 {
		t.Fatalf("%d points, want 4", len(points))
	}
	got := []float64{}
	for _, p := range points {
		got = append(got, p.Scenario.Agents.Bot.ResolveShare, p.Scenario.Forecast.GrowthPerMonth)
	}
	if want := []float64{0, 0.02, 0, 0.05, 0.5, 0.02, 0.5, 0.05}; !reflect.DeepEqual(got, want) {
		t.Errorf("points set %v, want %v", got, want)
	}
	if sc.Agents.Bot.ResolveShare != 0.2 || sc.Forecast.GrowthPerMonth != 0.01 {
		t.Errorf("the sweep changed the original scenario: bot %v, growth %v", sc.Agents.Bot.ResolveShare, sc.Forecast.GrowthPerMonth)
	}
	sc.Agents.Bot = nil
	if err := sc.Set("agents.bot.resolve_share", 0.3); err == nil || !strings.Contains(err.Error(), "bot is not set in the scenario") {
		t.Errorf("sweeping an absent bot: %v", err)
	}
}

func TestPointByID(t *testing.T) {
	sc, _, err := Load("retail-month")
	if err != nil {
		t.Fatal(err)
	}
	first, err := sc.PointByID("")
	if err != nil || first.Index != 0 {
		t.Fatalf("first point: %+v, %v", first, err)
	}
	p, err := sc.PointByID("weekday=4,sunday=2")
	if err != nil || p.ID != "weekday=4,sunday=2" || p.Index == 0 {
		t.Errorf("weekday=4,sunday=2: %+v, %v", p, err)
	}
	// The label run's table prints, with its spaces, finds the same point.
	if q, err := sc.PointByID("weekday=4, sunday=2"); err != nil || q.Index != p.Index || q.Named("weekday=4, sunday=2") != "weekday=4, sunday=2" {
		t.Errorf("weekday=4, sunday=2 (run's label): %+v, %v", q, err)
	}
	if got := first.Named(""); got != first.ID {
		t.Errorf("the first point, not asked for, is named %q, want its id %s", got, first.ID)
	}
	if _, err := sc.PointByID("weekday=9"); err == nil || !strings.Contains(err.Error(), "its points are weekday=3,sunday=0; ") {
		t.Errorf("an unknown point: %v", err)
	}
}

// TestPointByLabel: --point finds a point by the label run's table shows, which is not
// its id in a Latin hypercube ("agents=3" is lhs-00K) nor for an unnamed headcount ("2
// agents" is headcount=2); a label two points share finds neither, naming their ids;
// the list of points shows the labels with the ids. A hypercube's points were found by
// their lhs-NNN ids alone, which run's table never shows.
func TestPointByLabel(t *testing.T) {
	sc, err := Parse([]byte(base+"seed: 3\nsweep_mode: lhs\nsamples: 3\nsweep:\n  - {path: \"agents.shifts[0].headcount\", name: agents, min: 1, max: 3}\n"), "lhs.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pts, err := sc.Points()
	if err != nil {
		t.Fatal(err)
	}
	var choices []string
	for _, p := range pts {
		got, err := sc.PointByID(p.Label)
		if err != nil || got.ID != p.ID || !strings.HasPrefix(p.ID, "lhs-") || !strings.HasPrefix(p.Label, "agents=") {
			t.Errorf("--point %q: %+v, %v; want %s", p.Label, got, err, p.ID)
		}
		if got, err := sc.PointByID(p.ID); err != nil || got.Index != p.Index {
			t.Errorf("--point %q: %+v, %v", p.ID, got, err)
		}
		// Named as asked, with the id where that is another name.
		if got, want := p.Named(p.Label), p.Label+" ("+p.ID+")"; got != want {
			t.Errorf("point %s asked for as %q is named %q, want %q", p.ID, p.Label, got, want)
		}
		if got := p.Named(p.ID); got != p.ID {
			t.Errorf("point %s asked for by its id is named %q", p.ID, got)
		}
		choices = append(choices, p.Label+" ("+p.ID+")")
	}
	if _, err := sc.PointByID("agents=9"); err == nil || !strings.Contains(err.Error(), "its points are "+strings.Join(choices, "; ")) {
		t.Errorf("an unknown point: %v; want the labels %q", err, choices)
	}

	grid, err := Parse([]byte(base+"sweep:\n  - {path: \"agents.shifts[0].headcount\", values: [1, 2]}\n"), "grid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p, err := grid.PointByID("2 agents"); err != nil || p.ID != "headcount=2" || p.Named("2 agents") != "2 agents (headcount=2)" {
		t.Errorf("--point '2 agents': %+v, %v", p, err)
	}

	twice, err := Parse([]byte(base+"seed: 3\nsweep_mode: lhs\nsamples: 6\nsweep:\n  - {path: \"agents.shifts[0].headcount\", name: agents, min: 1, max: 2}\n"), "twice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := twice.PointByID("agents=2"); err == nil || !strings.Contains(err.Error(), `"agents=2" labels 3 points of t (lhs-`) {
		t.Errorf("a label of three points: %v", err)
	}
}

// TestSweepNames: a sweep ranges over a field that takes names (issue 11): each point
// sets the name, ids and params carry it, and the manifest's JSON reads back. Names a
// field does not take, numbers for a field of names (and the reverse), and numbers
// mixed with names are reported.
func TestSweepNames(t *testing.T) {
	sc, err := Parse([]byte(base+`sweep:
  - {path: agents.late_reply, values: [utility, marketing, drop]}
  - {path: "agents.shifts[0].headcount", name: agents, values: [1, 2]}
`), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pts, err := sc.Points()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range pts {
		ids = append(ids, p.ID)
	}
	if want := "late_reply=utility,agents=1 late_reply=utility,agents=2 late_reply=marketing,agents=1 late_reply=marketing,agents=2 late_reply=drop,agents=1 late_reply=drop,agents=2"; strings.Join(ids, " ") != want {
		t.Errorf("ids %v", ids)
	}
	p := pts[4]
	if p.Scenario.Agents.LateReply != "drop" || p.Params[0].Text != "drop" || p.Params[0].String() != "drop" || p.Params[1].String() != "1" {
		t.Errorf("point %s: late_reply %q, params %+v", p.ID, p.Scenario.Agents.LateReply, p.Params)
	}
	if sc.Agents.LateReply != "utility" {
		t.Errorf("the base scenario changed: %q", sc.Agents.LateReply)
	}
	raw, err := json.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	var back Scenario
	if err := json.Unmarshal(raw, &back); err != nil || !reflect.DeepEqual(back.Sweep, sc.Sweep) {
		t.Errorf("the sweep through JSON: %v, %+v", err, back.Sweep)
	}
	for _, c := range []struct{ sweep, want string }{
		{`{path: agents.late_reply, values: [utility, never]}`, `sweep[0].values[1]: with agents.late_reply = never: agents.late_reply: "never" is not one of utility, marketing, drop`},
		{`{path: agents.late_reply, values: [1, 2]}`, `sweep[0]: path agents.late_reply: takes a name, not a number like 1`},
		{`{path: agents.concurrency, values: [two]}`, `sweep[0]: path agents.concurrency: takes a number, not a name like "two"`},
		{`{path: agents.late_reply, values: [utility, 2]}`, `sweep[0].values: numbers and names mixed`},
	} {
		_, err := Parse([]byte(base+"sweep:\n  - "+c.sweep+"\n"), "s.yaml")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.sweep, err, c.want)
		}
	}
}
