package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/spendsim/spendsim/model/dist"
	"github.com/spendsim/spendsim/scenarios"
)

// roundTripScenario: 20,000 customers in three countries over 30 days in Berlin (four
// weeks and two days, across the switch to summer time), a peaked daily and weekly
// profile, conversations of 2.5 user messages on average, and a team modelled by a
// lognormal response time (median 900/√5 = 402.5 s); a tenth of the conversations come
// from ads and Page buttons; order updates (utility, in business hours) and one-time
// codes (authentication, round the clock) as notification streams.
const roundTripScenario = `name: round-trip
seed: 5
start: 2025-03-03
days: 30
timezone: Europe/Berlin
customers:
  count: 20000
  countries:
    - {country: BR, share: 0.5}
    - {country: IN, share: 0.3}
    - {country: DE, share: 0.2}
load:
  conversations_per_customer_month: 1.5
  messages_per_conversation: 2.5
  think_time: {dist: exponential, mean_s: 180}
  entry_points: {ctwa: 0.08, page_cta: 0.02}
  profile:
    hour_of_day: [1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.6, 1, 1.5, 2, 2.2, 2.3, 2.2, 2, 2, 2, 1.9, 1.8, 1.8, 1.9, 2, 1.8, 1.5, 1.2]
    day_of_week: [1.2, 1.1, 1, 1, 1.1, 0.7, 0.5]
  notifications:
    - name: orders
      category: utility
      per_customer_month: 2
      hour_of_day: [0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 0, 0, 0, 0, 0]
    - name: codes
      category: authentication
      per_customer_month: 0.5
agents:
  response_time: {dist: lognormal, mean_s: 900, sd_s: 1800}
`

type convRow struct {
	Conversations int64 `parquet:"conversations"`
}

func meanOne(w []float64) []float64 {
	var s float64
	for _, x := range w {
		s += x
	}
	out := make([]float64, len(w))
	for i, x := range w {
		out[i] = x * float64(len(w)) / s
	}
	return out
}

// TestFitRoundTrip is issue 4's done-when: simulate a scenario, write its trace with
// generate, fit it, and get the parameters back. Tolerances are about four standard
// errors of what a 30-day run of this size gives (about 30,000 conversations, 75,000
// replies, 16,000 users seen), so a correct fit passes for any seed, while conversations
// split or merged (wrong rate and length), the wrong family or a shifted profile fail.
// (-v prints what seed 5 gives.)
func TestFitRoundTrip(t *testing.T) {
	dir := t.TempDir()
	orig := writeFile(t, dir, "orig.yaml", roundTripScenario)
	tracePath := filepath.Join(dir, "trace.parquet")
	generateOK(t, orig, "-o", tracePath)
	fitted := filepath.Join(dir, "fitted.yaml")
	code, stdout, stderr := spendsim(t, "fit", "--trace", tracePath, "--timezone", "Europe/Berlin", "-o", fitted)
	if code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	for _, fam := range []string{"lognormal", "gamma", "exponential"} {
		if !strings.Contains(stderr, fam+" ") || !strings.Contains(stderr, "log-likelihood") {
			t.Errorf("stderr does not give the %s log-likelihood:\n%s", fam, stderr)
		}
	}
	if !strings.Contains(stdout, "scenario fitted written to") {
		t.Errorf("stdout: %s", stdout)
	}
	if code, out, stderr := spendsim(t, "validate", fitted); code != 0 {
		t.Fatalf("validate: exit %d: %s%s", code, out, stderr)
	}
	o, _, err := scenarios.Load(orig)
	if err != nil {
		t.Fatal(err)
	}
	f, _, err := scenarios.Load(fitted)
	if err != nil {
		t.Fatal(err)
	}
	within := func(what string, got, want, tol float64) {
		t.Helper()
		if math.Abs(got/want-1) > tol {
			t.Errorf("%s: fitted %.4g, simulated %.4g: off by %.1f%%, more than %.0f%%", what, got, want, 100*(got/want-1), 100*tol)
		} else {
			t.Logf("%s: fitted %.4g, simulated %.4g (%+.2f%%)", what, got, want, 100*(got/want-1))
		}
	}
	// The arrival rate: customers × conversations per customer per 30 days, per hour.
	rate := func(s *scenarios.Scenario) float64 {
		return float64(s.Customers.Count) * s.Load.PerCustomerMonth / (30 * 24)
	}
	within("arrival rate (conversations per hour at profile weight 1)", rate(f), rate(o), 0.05)
	if f.Start != o.Start || f.Days != o.Days || f.Timezone != o.Timezone {
		t.Errorf("horizon %s + %d days (%s), want %s + %d (%s)", f.Start, f.Days, f.Timezone, o.Start, o.Days, o.Timezone)
	}
	// The median response time: e^mu of the fitted lognormal.
	rt := f.Agents.ResponseTime
	if rt.Kind != dist.LogNormal {
		t.Errorf("response time fitted as %s, want lognormal", rt.Kind)
	}
	median := func(s dist.Spec) float64 { cv := s.SDS / s.MeanS; return s.MeanS / math.Sqrt(1+cv*cv) }
	within("median response time (s)", median(rt), median(o.Agents.ResponseTime), 0.10)
	// Conversation length: 2.5 user messages on average (standard error 0.5%).
	within("messages per conversation", f.Load.MessagesMean, o.Load.MessagesMean, 0.03)
	// Think time: exponential with mean 180 s (gamma may win with a shape near 1).
	within("mean think time (s)", f.Load.ThinkTime.MeanS, o.Load.ThinkTime.MeanS, 0.05)
	// Market mix: share of users by country, absolute ±0.02 (standard error 0.004).
	want := map[string]float64{"BR": 0.5, "IN": 0.3, "DE": 0.2}
	if len(f.Customers.Countries) != 3 {
		t.Errorf("countries %+v", f.Customers.Countries)
	}
	for _, c := range f.Customers.Countries {
		if math.Abs(c.Share-want[c.Country]) > 0.02 {
			t.Errorf("%s share %.4f, want %.2f ± 0.02", c.Country, c.Share, want[c.Country])
		}
	}
	// Entry points: absolute ±0.01 (standard error 0.0016 for the ads' share).
	if e := f.Load.EntryPoints; math.Abs(e.CTWA-0.08) > 0.01 || math.Abs(e.PageCTA-0.02) > 0.01 {
		t.Errorf("entry points %+v, want ctwa 0.08 and page_cta 0.02 ± 0.01", e)
	}
	// Notifications: the stream's rate (customers × per customer per 30 days, per hour)
	// within 5% (standard error 0.5% for the utility stream's 40,000 templates), and the
	// utility stream's send-time profile within ±0.15 of the truth.
	if len(f.Load.Notifications) != 2 {
		t.Fatalf("notifications %+v, want utility and authentication", f.Load.Notifications)
	}
	for i, n := range f.Load.Notifications {
		on := o.Load.Notifications[i]
		if n.Category != on.Category {
			t.Errorf("notification %d: %s, want %s", i, n.Category, on.Category)
			continue
		}
		within(n.Category+" templates per hour", float64(f.Customers.Count)*n.PerCustomerMonth/720, float64(o.Customers.Count)*on.PerCustomerMonth/720, 0.05)
	}
	utilityHours := f.Load.Notifications[0].Hour
	for h, w := range meanOne(o.Load.Notifications[0].Hour) {
		if math.Abs(utilityHours[h]-w) > 0.15 {
			t.Errorf("utility send-time weight at %02d:00: %.3f, want %.3f ± 0.15", h, utilityHours[h], w)
		}
	}
	// Profile shape, each normalised to a mean of 1: hours within ±0.15 (about 4
	// standard errors at the busiest hour, more at quiet ones), weekdays ±0.08.
	for _, p := range []struct {
		name     string
		got, exp []float64
		tol      float64
	}{
		{"hour_of_day", f.Load.Profile.Hour, meanOne(o.Load.Profile.Hour), 0.15},
		{"day_of_week", f.Load.Profile.Weekday, meanOne(o.Load.Profile.Weekday), 0.08},
	} {
		if len(p.got) != len(p.exp) {
			t.Fatalf("%s: %d weights", p.name, len(p.got))
		}
		worst := 0.0
		for i := range p.got {
			worst = max(worst, math.Abs(p.got[i]-p.exp[i]))
		}
		if worst > p.tol {
			t.Errorf("%s: fitted %v, simulated %v: largest difference %.3f > %.2f", p.name, p.got, p.exp, worst, p.tol)
		} else {
			t.Logf("%s: largest difference %.3f", p.name, worst)
		}
	}
	// And the fitted scenario runs, simulating the traffic the trace had: conversations
	// within 5% of the original run's.
	runOut := filepath.Join(dir, "run-fitted")
	if code, _, stderr := spendsim(t, "run", fitted, "--out", runOut, "-q"); code != 0 {
		t.Fatalf("run fitted: exit %d: %s", code, stderr)
	}
	origOut := filepath.Join(dir, "run-orig")
	if code, _, stderr := spendsim(t, "run", orig, "--out", origOut, "-q"); code != 0 {
		t.Fatalf("run original: exit %d: %s", code, stderr)
	}
	a, err := parquet.ReadFile[convRow](filepath.Join(origOut, "runs.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := parquet.ReadFile[convRow](filepath.Join(runOut, "runs.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	within("conversations simulated from the fitted scenario", float64(b[0].Conversations), float64(a[0].Conversations), 0.05)
}

// TestFitTwitterSample fits the public Twitter customer-support sample (not WhatsApp
// data: the mapping makes every customer a US user and every brand tweet a delivered
// text) and checks the scenario validates and runs.
func TestFitTwitterSample(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "twcs.yaml")
	code, stdout, stderr := spendsim(t, "fit", "--trace", "../../scenarios/trace/testdata/twcs_sample.csv",
		"--mapping", "../../scenarios/trace/testdata/twcs.yaml", "--sort", "--skip-invalid", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// 93 rows: 2 replies answer tweets outside the sample (skipped), 49 customer tweets
	// from 29 users, 42 brand replies.
	// counts in words ("1 level", "4 agents"), and the cost per hour said to be a placeholder
	for _, want := range []string{"91 records, 29 users", "response time lognormal", "an hour, 1 level)", " 4 agents ", "(a placeholder: set --cost-per-hour)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q: %s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "2 invalid rows skipped") {
		t.Errorf("stderr: %s", stderr)
	}
	if code, o, e := spendsim(t, "validate", out); code != 0 {
		t.Fatalf("validate: exit %d: %s%s", code, o, e)
	}
	sc, _, err := scenarios.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Customers.Count != 29 || len(sc.Customers.Countries) != 1 || sc.Customers.Countries[0].Country != "US" || sc.Start != "2017-10-10" {
		t.Errorf("fitted %+v, start %s", sc.Customers, sc.Start)
	}
	// The fitted team answers some customers after their window closed, with a paid
	// template; in 2017 that is NBP, whose rates spendsim does not ship: the user gives
	// them. (The run follows the horizon's last conversations to their end, so such a
	// late reply is billed whenever it falls.)
	nbp := writeFile(t, dir, "nbp.csv", "effective_from,pricing_model,market,category,currency,rate\n2017-01-01,NBP,North America,template,USD,0.0085\n")
	code, table, e := spendsim(t, "run", out, "--rates", nbp, "--out", filepath.Join(dir, "run"), "-q")
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, e)
	}
	// The run of the fitted scenario marks its staffing as the placeholder's it is.
	if !strings.Contains(table, "* the marked staffing is at a placeholder cost per hour") {
		t.Errorf("the run table does not say its staffing is a placeholder's:\n%s", table)
	}
	// A cost the user gives is theirs: no placeholder written, none said.
	own := filepath.Join(dir, "own.yaml")
	code, stdout, stderr = spendsim(t, "fit", "--trace", "../../scenarios/trace/testdata/twcs_sample.csv",
		"--mapping", "../../scenarios/trace/testdata/twcs.yaml", "--sort", "--skip-invalid", "--cost-per-hour", "12.50", "-o", own, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if y, err := os.ReadFile(own); err != nil || strings.Contains(string(y), "placeholder") || !strings.Contains(string(y), "cost_per_hour: 12.5") || strings.Contains(stdout, "placeholder") {
		t.Errorf("fit --cost-per-hour 12.50 wrote (%v):\n%s\nand said %s", err, y, stdout)
	}
}

func TestFitErrorsLeaveNothing(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "t.csv", "ts,user,direction,type,category,country\n2025-03-03T10:00:00Z,a,user,,,BR\n")
	biz := writeFile(t, dir, "biz.csv", "ts,user,direction,type,category,country\n2025-03-03T10:00:00Z,a,business,template,utility,BR\n")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--trace", tr, "-o", filepath.Join(dir, "x.yaml")}, 1, "t.csv: fit: 0 business replies"},
		{[]string{"--trace", biz, "-o", filepath.Join(dir, "x.yaml")}, 1, "biz.csv: fit: the trace has no user messages"},
		{[]string{"--trace", tr, "-o", filepath.Join(dir, "x.yaml"), "--timezone", "Mars/Olympus"}, 2, "not an IANA time zone"},
		{[]string{"--trace", tr, "-o", filepath.Join(dir, "x.yaml"), "--name", "Bad Name"}, 2, "--name"},
		{[]string{"--trace", filepath.Join(dir, "none.csv"), "-o", filepath.Join(dir, "x.yaml")}, 1, "none.csv"},
	} {
		code, _, stderr := spendsim(t, append([]string{"fit"}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("a failed fit left files: %d entries", len(entries))
	}
}

// nbpTrace is a small synthetic trace from YEAR: 40 customers in Brazil write on
// weekdays in May, and an agent answers each in text ten minutes later.
func nbpTrace(year string) string {
	var b strings.Builder
	b.WriteString("ts,user,direction,type,category,country\n")
	for day := 6; day <= 17; day++ {
		for u := range 40 {
			if (u+day)%3 != 0 {
				continue
			}
			h, m := 9+u%8, (7*u)%50
			fmt.Fprintf(&b, "%s-05-%02dT%02d:%02d:00Z,+5511900%04d,user,text,,BR\n", year, day, h, m, u)
			fmt.Fprintf(&b, "%s-05-%02dT%02d:%02d:00Z,+5511900%04d,business,text,,BR\n", year, day, h, m+10, u)
		}
	}
	return b.String()
}

// TestFitNBPTrace: a trace from 2019 falls under NBP, whose rates spendsim does not
// ship, so the fitted scenario's pricing: auto cannot run without the user's card.
// fit warns on stderr and says beside pricing: what to supply; a 2023 trace gets
// neither.
func TestFitNBPTrace(t *testing.T) {
	dir := t.TempDir()
	for _, year := range []string{"2019", "2023"} {
		tr := writeFile(t, dir, year+".csv", nbpTrace(year))
		out := filepath.Join(dir, year+".yaml")
		code, _, stderr := spendsim(t, "fit", "--trace", tr, "--sort", "-o", out)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", year, code, stderr)
		}
		yaml, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		before, _, _ := strings.Cut(string(yaml), "pricing: auto\n")
		comment := before[strings.LastIndex(before, "timezone:"):]
		if year == "2023" {
			if strings.Contains(stderr, "NBP") || strings.Contains(comment, "NBP") {
				t.Errorf("2023: a CBP trace needs no NBP card; stderr %q, comment %q", stderr, comment)
			}
			continue
		}
		for _, want := range []string{"warning: the trace's days 2019-05-06 to 2019-05-17 fall under NBP (nbp-2018)", "--rates FILE", "pricing_model NBP, category template"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("2019: stderr lacks %q:\n%s", want, stderr)
			}
		}
		for _, want := range []string{"# pricing: auto bills each day under the rules of its date;", "2019-05-06\n# to 2019-05-17 fall under NBP (nbp-2018)", "--rates FILE holding your NBP card", "later era (cbp-2022"} {
			if !strings.Contains(comment, want) {
				t.Errorf("2019: the comment before pricing: lacks %q:\n%s", want, comment)
			}
		}
		if code, o, e := spendsim(t, "validate", out); code != 0 {
			t.Errorf("validate: exit %d: %s%s", code, o, e)
		}
	}
}

// backlogMonth: 5,000 customers writing half a conversation a month each for 30 days,
// answered by one agent on weekdays, who cannot keep up: after the horizon the backlog
// drains for days, with late templates and the customers' answers to them, and no new
// conversation.
const backlogMonth = `name: backlog-month
seed: 7
start: 2025-09-01
days: 30
timezone: America/Sao_Paulo
customers:
  count: 5000
  countries: [{country: BR, share: 1}]
load:
  conversations_per_customer_month: 0.5
  messages_per_conversation: 2
  think_time: {dist: exponential, mean_s: 180}
agents:
  concurrency: 2
  handle_time: {dist: gamma, mean_s: 240, sd_s: 120}
  late_reply: utility
  shifts:
    - {start: "09:00", end: "18:00", headcount: 1}
`

// TestFitLeavesOutTheDrain: fitting backlogMonth's trace, whose last six days hold only
// the drain, gives back its 30 days and its arrival rate (customers seen × their rate,
// within four standard errors of about 2,460 conversations: 8%). Before, the horizon ran
// to the drain's last conversation, 36 days, and the rate came out 18% low.
func TestFitLeavesOutTheDrain(t *testing.T) {
	dir := t.TempDir()
	orig := writeFile(t, dir, "backlog.yaml", backlogMonth)
	tr := filepath.Join(dir, "trace.csv")
	generateOK(t, orig, "-o", tr)
	fitted := filepath.Join(dir, "fitted.yaml")
	code, stdout, stderr := spendsim(t, "fit", "--trace", tr, "--timezone", "America/Sao_Paulo", "-o", fitted, "-q")
	if code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	o, _, err := scenarios.Load(orig)
	if err != nil {
		t.Fatal(err)
	}
	f, _, err := scenarios.Load(fitted)
	if err != nil {
		t.Fatal(err)
	}
	if f.Start != o.Start || f.Days != 30 {
		t.Errorf("horizon %s + %d days, want %s + 30", f.Start, f.Days, o.Start)
	}
	rate := func(s *scenarios.Scenario) float64 {
		return float64(s.Customers.Count) * s.Load.PerCustomerMonth / (30 * 24)
	}
	if got, want := rate(f), rate(o); math.Abs(got/want-1) > 0.08 {
		t.Errorf("arrival rate %.4g an hour, generated at %.4g: off by %+.1f%%", got, want, 100*(got/want-1))
	}
	data, err := os.ReadFile(fitted)
	if err != nil {
		t.Fatal(err)
	}
	if text := strings.ReplaceAll(string(data), "\n# ", " "); !strings.Contains(text, "were observed from 2025-09-01 to 2025-09-30, 30 days") || !strings.Contains(text, "The trace runs from 2025-09-01 to 2025-10-") {
		t.Errorf("fitted scenario does not say what span it measured:\n%s", data[:min(len(data), 1500)])
	}
	if !strings.Contains(stdout, "arrivals over 30 days from 2025-09-01 (") {
		t.Errorf("stdout: %s", stdout)
	}
}

// TestFitRetailMonthDrain: retail-month's generated trace runs ten days past its 30
// (a backlog's late templates, and the customers' answers to them, some hours later, as
// the answers to its order updates can be). Its fit gives back the 30 days and the rate
// the September trace alone gives, the drain cut off (the same conversations, over the
// same days: a drain must change no rate). Before, an answer over an hour after the
// business's message was an arrival: the horizon ran 39 days, into the drain, with 7
// levels, and conversations_per_customer_month came out 0.392 instead of 0.469 (16% low).
func TestFitRetailMonthDrain(t *testing.T) {
	dir := t.TempDir()
	tr := filepath.Join(dir, "trace.csv")
	generateOK(t, "retail-month", "-o", tr)
	fit := func(trace, name string) *scenarios.Scenario {
		t.Helper()
		out := filepath.Join(dir, name+".yaml")
		if code, _, stderr := spendsim(t, "fit", "--trace", trace, "--timezone", "America/Sao_Paulo", "-o", out, "-q"); code != 0 {
			t.Fatalf("fit %s: exit %d: %s", name, code, stderr)
		}
		s, _, err := scenarios.Load(out)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// September in São Paulo (UTC-3) ends at 2025-10-01T03:00Z; the CSV's timestamps
	// sort as text.
	data, err := os.ReadFile(tr)
	if err != nil {
		t.Fatal(err)
	}
	var sept strings.Builder
	for i, line := range strings.SplitAfter(string(data), "\n") {
		if i == 0 || line != "" && line < "2025-10-01T03:00:00" {
			sept.WriteString(line)
		}
	}
	o, _, err := scenarios.Load("retail-month")
	if err != nil {
		t.Fatal(err)
	}
	f := fit(tr, "fitted")
	cut := fit(writeFile(t, dir, "september.csv", sept.String()), "september")
	if f.Start != o.Start || f.Days != 30 || cut.Start != o.Start || cut.Days != 30 {
		t.Errorf("horizon %s + %d days (September alone: %s + %d), want %s + 30", f.Start, f.Days, cut.Start, cut.Days, o.Start)
	}
	rate := func(s *scenarios.Scenario) float64 {
		return float64(s.Customers.Count) * s.Load.PerCustomerMonth / (30 * 24)
	}
	if got, want := rate(f), rate(cut); math.Abs(got/want-1) > 0.001 {
		t.Errorf("arrival rate %.4g an hour (%d levels), September alone %.4g (%d levels): off by %+.1f%%", got, len(f.Load.Levels), want, len(cut.Load.Levels), 100*(got/want-1))
	}
}
