package main

import (
	"io/fs"
	"regexp"
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
