package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestHelpFiles checks that every help/NAME.txt belongs to a command (or is the tool's
// own) and that no placeholder is left unfilled in what it prints.
func TestHelpFiles(t *testing.T) {
	app := newApp(&env{})
	names, err := fs.Glob(helpFiles, "help/*.txt")
	if err != nil || len(names) == 0 {
		t.Fatalf("no help files: %v", err)
	}
	placeholder := regexp.MustCompile(`\{[a-z_]+\}`)
	for _, f := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "help/"), ".txt")
		if name != "spendsim" && app.Command(name) == nil {
			t.Errorf("%s: no command %q uses it", f, name)
		}
		if p := placeholder.FindString(helpText(name)); p != "" {
			t.Errorf("%s: placeholder %s is not filled", f, p)
		}
	}
	for _, c := range app.Commands {
		if !c.Hidden && c.Description == "" {
			t.Errorf("spendsim %s has no description", c.Name)
		}
	}
}

// TestHelpListsRunFiles: run --help and merge --help list every file a run writes, as
// its manifest lists them (reports.SimulationFiles). run's left out
// outbound_by_day.png/.svg; merge's named spend_vs_sla alone of the plots, and no
// report.html.
func TestHelpListsRunFiles(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := spendsim(t, "run", "notifications", "--out", out, "-q"); code != 0 {
		t.Fatalf("run notifications: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Files []struct{ Path string } }
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	files := []string{"manifest.json"}
	for _, f := range m.Files {
		files = append(files, f.Path)
	}
	if !slices.Contains(files, "outbound_by_day.svg") {
		t.Fatalf("notifications wrote no outbound plot (%v): the test needs one", files)
	}
	for _, cmd := range []string{"run", "merge"} {
		help := helpOutput(t, cmd)
		for _, f := range files {
			name := f
			if base, ok := strings.CutSuffix(f, ".svg"); ok {
				name = base + ".png" // listed as NAME.png … (and .svg)
			}
			if !strings.Contains(help, name) {
				t.Errorf("%s --help does not list %s", cmd, f)
			}
		}
	}
}

// TestHelpOneDefault: a flag's line in any --help names one default. urfave/cli adds
// "(default: VALUE)" of its own to every flag that takes a value, so a default written
// into the Usage showed twice ("(default: all cores) (default: 0)"); it goes in the
// flag's DefaultText instead.
func TestHelpOneDefault(t *testing.T) {
	for _, cmd := range helpCommands() {
		for _, line := range strings.Split(helpOutput(t, cmd), "\n") {
			if strings.Count(line, "default:") > 1 {
				t.Errorf("spendsim %s --help: two defaults on one line: %s", cmd, strings.TrimSpace(line))
			}
		}
	}
}
