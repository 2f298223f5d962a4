package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// placeholderCost is heavy's team at a cost per hour still the placeholder fit would
// have written, swept against a real cost.
var placeholderCost = strings.Replace(strings.Replace(heavy, "  cost_per_hour: 8\n", "  cost_per_hour: 8\n  cost_per_hour_placeholder: 8\n", 1),
	`values: [1, 2, 4, 8]}`, `values: [1, 2]}
  - {path: agents.cost_per_hour, name: cost, values: [8, 9]}`, 1)

// TestPlaceholderStaffingIsMarked: fit writes the cost per hour a trace does not give
// as a placeholder, and every report of a team still at it says so. A scenario fitted
// from the Twitter trace ran with 337,440 USD of staffing at fit's made-up 20 an hour,
// shown as any other figure. Now the points whose cost_per_hour is still the
// placeholder are marked in the run table, report.html and summary.json; a point swept
// to a real cost is not; compare, optimize and forecast say it too.
func TestPlaceholderStaffingIsMarked(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "ph.yaml", placeholderCost)
	out := filepath.Join(dir, "run")
	code, stdout, stderr := spendsim(t, "run", sc, "--out", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	marked := map[string]bool{} // by point label: staffing and total marked
	for _, l := range strings.Split(stdout, "\n") {
		if f := strings.Fields(l); len(f) > 4 && strings.HasPrefix(f[0], "agents=") {
			marked[f[0]+" "+f[1]] = strings.HasSuffix(f[3], "*") && strings.HasSuffix(f[4], "*")
		}
	}
	want := map[string]bool{"agents=1, cost=8": true, "agents=1, cost=9": false, "agents=2, cost=8": true, "agents=2, cost=9": false}
	for p, w := range want {
		if m, ok := marked[p]; !ok || m != w {
			t.Errorf("point %s: staffing marked %v (found %v), want %v:\n%s", p, m, ok, w, stdout)
		}
	}
	if !strings.Contains(stdout, "* the marked staffing is at a placeholder cost per hour") {
		t.Errorf("no note under the table:\n%s", stdout)
	}
	var sum struct {
		Points []struct {
			Label       string
			Placeholder bool `json:"staffing_cost_placeholder"`
		}
	}
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &sum); err != nil {
		t.Fatal(err)
	}
	for _, p := range sum.Points {
		if p.Placeholder != want[p.Label] {
			t.Errorf("summary.json point %s: staffing_cost_placeholder %v, want %v", p.Label, p.Placeholder, want[p.Label])
		}
	}
	html, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), `<p id="placeholder">* the marked staffing`) {
		t.Error("report.html does not say the marked staffing is a placeholder's")
	}

	// The same scenario with no sweep, and one with a real cost: compare, optimize and
	// forecast say which side or plan rests on the placeholder.
	one := strings.Replace(placeholderCost[:strings.Index(placeholderCost, "sweep:")], "days: 14", "days: 3", 1)
	a := writeFile(t, dir, "a.yaml", one)
	b := writeFile(t, dir, "b.yaml", strings.Replace(one, "  cost_per_hour: 8\n", "  cost_per_hour: 10\n", 1))
	for _, c := range []struct {
		args []string
		note string
		file string
	}{
		{[]string{"compare", a, b, "--replications", "2"}, "A's staffing is at a placeholder cost per hour", "compare.json"},
		{[]string{"compare", b, b, "--replications", "2"}, "", "compare.json"},
		{[]string{"optimize", a, "--sla", "answered>=0.9", "--max-headcount", "2"}, "every plan's staffing is at a placeholder cost per hour", "optimize.json"},
		{[]string{"forecast", a, "--replications", "2"}, "the staffing is at a placeholder cost per hour", "forecast.json"},
	} {
		o := filepath.Join(dir, c.args[0]+strings.TrimSuffix(filepath.Base(c.args[1]), ".yaml")+filepath.Base(c.args[2]))
		code, stdout, stderr := spendsim(t, append(c.args, "--out", o, "-q")...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, stderr)
		}
		data, err := os.ReadFile(filepath.Join(o, c.file))
		if err != nil {
			t.Fatal(err)
		}
		said, recorded := strings.Contains(stdout, "placeholder"), strings.Contains(string(data), `"staffing_cost_placeholder": true`)
		if c.note == "" && (said || recorded) {
			t.Errorf("%v: a real cost said to be a placeholder (table %v, %s %v):\n%s", c.args, said, c.file, recorded, stdout)
		}
		if c.note != "" && (!strings.Contains(stdout, c.note) || !recorded) {
			t.Errorf("%v: want %q in the table and staffing_cost_placeholder in %s (%v):\n%s", c.args, c.note, c.file, recorded, stdout)
		}
		// An answered target's best plan gives its answered share once, as the figure
		// (it was given twice: "answered 100.0% (…), 100.0% of conversations answered").
		if c.args[0] == "optimize" && (!strings.Contains(stdout, "answered 1") || strings.Contains(stdout, "of conversations answered\n")) {
			t.Errorf("optimize answered>=0.9: the best plan's answered share, once:\n%s", stdout)
		}
		// The forecast's page says it too (it gave the staffing as real).
		if c.args[0] == "forecast" {
			page, err := os.ReadFile(filepath.Join(o, "report.html"))
			if err != nil || !strings.Contains(string(page), `<p id="placeholder">The staffing is at a placeholder cost per hour`) ||
				!strings.Contains(string(page), ", at a placeholder cost per hour: see below)") {
				t.Errorf("forecast report.html does not mark the placeholder staffing (%v)", err)
			}
		}
	}
}
