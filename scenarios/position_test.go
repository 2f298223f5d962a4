package scenarios

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// head is lines 1 to 4 of every scenario below.
const head = `name: t
start: 2025-09-01
customers: {count: 10, countries: [{country: BR, share: 1}]}
load: {conversations_per_customer_month: 1}
`

// blockHead is head with load in block style, for cases that add to it.
const blockHead = `name: t
start: 2025-09-01
customers: {count: 10, countries: [{country: BR, share: 1}]}
load:
  conversations_per_customer_month: 1
`

// TestProblemPositions: every validation problem names the line and column of the
// value its path names, or of the nearest enclosing field the file has where the value
// is a default; a problem no part of whose path is in the file has none.
func TestProblemPositions(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       []string // every problem, in order
	}{
		{"negative headcount in a flow-style shift", head + `agents:
  shifts:
    - {start: "09:00", end: "17:00", headcount: -3}
`, []string{
			"s.yaml:7:49: agents.shifts[0].headcount: must be >= 0, got -3",
		}},
		{"bad duration in block style", head + `agents:
  handle_time:
    dist: lognormal
    mean_s: -5
    sd_s: 60
  shifts: [{start: "09:00", end: "17:00", headcount: 1}]
`, []string{
			"s.yaml:8:13: agents.handle_time.mean_s: must be > 0 seconds, got -5",
		}},
		{"unknown era", head + `pricing: pmp-2024
agents: {shifts: [{start: "09:00", end: "17:00", headcount: 1}]}
`, []string{
			`s.yaml:5:10: pricing: billing: pricing era "pmp-2024" is not one of auto, nbp-2018, cbp-2022, cbp-2023, pmp-2025, pmp-2026-10`,
		}},
		{"a sweep value makes a point invalid", head + `agents: {shifts: [{start: "09:00", end: "17:00", headcount: 1}]}
sweep:
  - {path: "agents.shifts[0].headcount", values: [2, -1, 4]}
`, []string{
			"s.yaml:7:54: sweep[0].values[1]: with agents.shifts[0].headcount = -1: agents.shifts[0].headcount: must be >= 0, got -1",
		}},
		{"a problem of the scenario is reported once, at its field, not again at every sweep value", head + `agents:
  shifts: [{start: "09:00", end: "17:00", headcount: 1}]
  ignore_share: 2
sweep:
  - {path: "agents.shifts[0].headcount", values: [1, 2]}
`, []string{
			"s.yaml:7:17: agents.ignore_share: must be a share between 0 and 1, got 2",
		}},
		{"problems of the scenario once, a problem one value causes at the value", head + `days: -5
agents:
  shifts: [{start: "09:00", end: "17:00", headcount: 1}]
  handle_time: {mean_s: -600}
  cost_per_hour: -10
sweep:
  - {path: "agents.shifts[0].headcount", name: agents, values: [0, -1, 3]}
`, []string{
			"s.yaml:5:7: days: must be between 1 and 3660, got -5",
			"s.yaml:9:18: agents.cost_per_hour: must be >= 0, got -10.000000",
			"s.yaml:8:25: agents.handle_time.mean_s: must be > 0 seconds, got -600",
			"s.yaml:11:68: sweep[0].values[1]: with agents.shifts[0].headcount = -1: agents.shifts[0].headcount: must be >= 0, got -1",
		}},
		{"a sweep value as wrong as the field it sets", head + `agents: {shifts: [{start: "09:00", end: "17:00", headcount: -1}]}
sweep:
  - {path: "agents.shifts[0].headcount", values: [-1, 2]}
`, []string{
			"s.yaml:5:61: agents.shifts[0].headcount: must be >= 0, got -1",
			"s.yaml:7:51: sweep[0].values[0]: with agents.shifts[0].headcount = -1: agents.shifts[0].headcount: must be >= 0, got -1",
		}},
		{"an lhs bound makes a point invalid", head + `agents: {shifts: [{start: "09:00", end: "17:00", headcount: 1}]}
sweep_mode: lhs
samples: 10
sweep:
  - path: agents.bot.resolve_share
    min: 0
    max: 1
  - path: load.entry_points.ctwa
    min: -0.5
    max: 0.5
`, []string{
			"s.yaml:9:5: sweep[0]: path agents.bot.resolve_share: bot is not set in the scenario; give it a value there to sweep its fields",
			"s.yaml:13:10: sweep[1].min: with load.entry_points.ctwa = -0.5: load.entry_points.ctwa: must be a share between 0 and 1, got -0.5",
		}},
		{"an outbound campaign", blockHead + `  campaigns:
    - name: promo
      days: [mon, fri]
      at: "25:00"
      audience: 0.3
agents: {shifts: [{start: "09:00", end: "17:00", headcount: 1}]}
`, []string{
			`s.yaml:9:11: load.campaigns[0].at: "25:00" is not a local time HH:MM (00:00 to 23:59)`,
		}},
		{"a field inside a list of mappings", `name: t
start: 2025-09-01
customers:
  count: 10
  countries:
    - country: BR
      share: 0.5
    - country: UK
      share: 0.25
load: {conversations_per_customer_month: 1}
agents: {shifts: [{start: "09:00", end: "17:00", headcount: 1}]}
`, []string{
			`s.yaml:8:16: customers.countries[1].country: "UK" is not an ISO 3166-1 alpha-2 code; did you mean GB (United Kingdom)?`,
			"s.yaml:5:3: customers.countries: the shares add up to 0.75; they must add up to 1 (within 0.001)",
		}},
		{"values on continuation lines", head + `timezone: Mars/
  Base
agents:
  shifts: [{start: "09:00", end: "17:00", headcount: 1}]
  holidays: [2025-09-07,
     2025-9-8]
warmup:
  "7 days"
`, []string{
			`s.yaml:12:3: warmup: "7 days" is not a number of days from 0d to 366d, like 7d`,
			`s.yaml:5:11: timezone: "Mars/ Base" is not an IANA time zone like Europe/Berlin`,
			`s.yaml:10:6: agents.holidays[1]: "2025-9-8" is not a date YYYY-MM-DD`,
		}},
		{"defaults fall back to the enclosing field", `start: 2025-09-01
customers:
  countries: [{country: BR, share: 1}]
load: {conversations_per_customer_month: 1}
agents:
  handle_time: {dist: lognormal, mean_s: 300}
  shifts:
    - start: "09:00"
      end: "17:00"
`, []string{
			`s.yaml: name: "" must be lower-case letters, digits, - or _ (it names the output folder)`,
			"s.yaml:2:1: customers.count: must be between 1 and 2147483647, got 0",
			"s.yaml:6:16: agents.handle_time.sd_s: must be > 0 for a lognormal distribution, got 0",
		}},
		{"an empty value points at its key", `name:
start: 2025-09-01
customers: {count: 10, countries: [{country: BR, share: 1}]}
load: {conversations_per_customer_month: 1}
agents: {shifts: [{start: "09:00", end: "17:00", headcount: 1}]}
`, []string{
			`s.yaml:1:1: name: "" must be lower-case letters, digits, - or _ (it names the output folder)`,
		}},
		// A field given through an alias is placed where the alias is used, and says
		// where in the anchor its value is: every use pointed at the anchor's 7:20.
		{"anchors, aliases and merge keys", head + `agents:
  shifts:
    - &day {start: "9h", end: "17:00", headcount: 1}
    - {<<: *day, days: [sat]}
    - *day
`, []string{
			`s.yaml:7:20: agents.shifts[0].start: "9h" is not a local time HH:MM`,
			`s.yaml:8:12: agents.shifts[1].start: "9h" is not a local time HH:MM (from &day at 7:20)`,
			`s.yaml:9:7: agents.shifts[2].start: "9h" is not a local time HH:MM (from &day at 7:20)`,
		}},
		{"a scalar alias, valid where it is anchored", head + `agents:
  handle_time: {mean_s: &five 5}
  shifts:
    - {start: "09:00", end: "17:00", headcount: 1}
    - {start: "10:00", end: "14:00", headcount: 1}
blocking: {per_template: {marketing: *five}}
`, []string{
			"s.yaml:10:38: blocking.per_template.marketing: must be a probability between 0 and 1, got 5 (from &five at 6:25)",
		}},
		{"a key a mapping gives itself over a merged one is placed where it is given", head + `agents:
  shifts:
    - &day {start: "09:00", end: "17:00", headcount: 1}
    - {<<: [*day], headcount: -1}
`, []string{
			"s.yaml:8:31: agents.shifts[1].headcount: must be >= 0, got -1",
		}},
		{"columns count characters, not bytes", head + `agents:
  shifts: [{name: sábado, days: [sat], start: "09:00", end: "17:00", headcount: -1}]
`, []string{
			"s.yaml:6:81: agents.shifts[0].headcount: must be >= 0, got -1",
		}},
		{"notifications and blocking", blockHead + `  notifications:
    - {name: codes, category: authentication, per_customer_month: 1,
       reply: {probability: 0.5, delay: {dist: gamma, mean_s: 60}}}
blocking:
  per_template:
    marketing: 2
agents: {shifts: [{start: "09:00", end: "17:00", headcount: 1}]}
`, []string{
			"s.yaml:8:41: load.notifications[0].reply.delay.sd_s: must be > 0 for a gamma distribution, got 0",
			"s.yaml:11:16: blocking.per_template.marketing: must be a probability between 0 and 1, got 2",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.yaml), "s.yaml")
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("got %T %v, want an *Error", err, err)
			}
			if got, want := strings.Join(se.Problems, "\n"), strings.Join(c.want, "\n"); got != want {
				var at []string
				for _, p := range se.Problems {
					at = append(at, textAt(c.yaml, p))
				}
				t.Errorf("got\n%s\nwant\n%s\ntext at the positions got:\n%s", got, want, strings.Join(at, "\n"))
			}
		})
	}
}

// textAt is the rest of the line of doc at the position a problem names, to show where
// it points.
func textAt(doc, problem string) string {
	var line, col int
	if _, err := fmt.Sscanf(problem, "s.yaml:%d:%d:", &line, &col); err != nil {
		return "(no position)"
	}
	lines := strings.Split(doc, "\n")
	if line < 1 || line > len(lines) || col < 1 || col > utf8.RuneCountInString(lines[line-1])+1 {
		return fmt.Sprintf("%d:%d is outside the document", line, col)
	}
	return fmt.Sprintf("%d:%d %s", line, col, string([]rune(lines[line-1])[col-1:]))
}

// TestMergeKeyChain: a chain of mappings each merging the one before twice
// (&aN {<<: [*aN-1, *aN-1]}) was read 2^depth times while placing a problem: at depth
// 35, validate ran past a minute where the decoder itself takes milliseconds. Each
// mapping is read once now.
func TestMergeKeyChain(t *testing.T) {
	var b strings.Builder
	b.WriteString("name: bomb\nx0: &a0 {k: 1}\n")
	for i := 1; i <= 35; i++ {
		fmt.Fprintf(&b, "x%d: &a%d {<<: [*a%d, *a%d]}\n", i, i, i-1, i-1)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Parse([]byte(b.String()), "bomb.yaml")
		done <- err
	}()
	select {
	case err := <-done:
		// Unknown fields x0…x35: a problem placed, quickly.
		if err == nil || !strings.Contains(err.Error(), "bomb.yaml:2") {
			t.Errorf("got %v; want the unknown field x0 placed at bomb.yaml:2", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("placing the problems of a merge-key chain 35 deep took over 10 s")
	}
}
