package scenarios

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/spendsim/spendsim/internal/limits"
)

//go:embed examples/*.yaml
var examples embed.FS

// DefaultName is the scenario `spendsim run` uses when given none.
const DefaultName = "retail-month"

// Example is an embedded scenario.
type Example struct {
	Name        string
	Description string
	Source      []byte // the YAML as shipped
}

// Examples lists the embedded scenarios by name.
func Examples() ([]Example, error) {
	entries, err := fs.ReadDir(examples, "examples")
	if err != nil {
		return nil, err
	}
	var out []Example
	for _, e := range entries {
		data, err := fs.ReadFile(examples, path.Join("examples", e.Name()))
		if err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(e.Name(), ".yaml")
		sc, err := Parse(data, e.Name())
		if err != nil {
			return nil, fmt.Errorf("embedded example %s: %w", name, err)
		}
		out = append(out, Example{Name: name, Description: sc.Description, Source: data})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Load reads a scenario from a file (at most limits.ScenarioFile bytes), or, when no
// such file exists and ref is the name of an embedded example, that example. It returns
// the scenario and its source text.
func Load(ref string) (*Scenario, []byte, error) {
	// A folder is never a scenario: `spendsim run small` in a folder holding small/
	// means the embedded small, as it does anywhere else.
	dir := false
	if fi, err := os.Stat(ref); err == nil && fi.IsDir() {
		dir = true
	} else {
		data, err := limits.ReadFile(ref, limits.ScenarioFile, "a scenario file")
		if err == nil {
			sc, err := Parse(data, ref)
			if sc != nil {
				sc.Source = ref
			}
			return sc, data, err
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, err
		}
	}
	name := strings.TrimSuffix(ref, ".yaml")
	if ex, exErr := fs.ReadFile(examples, "examples/"+name+".yaml"); exErr == nil && !strings.ContainsAny(name, "/\\") {
		sc, err := Parse(ex, name+".yaml")
		if sc != nil {
			sc.Source = name
		}
		return sc, ex, err
	}
	if dir {
		return nil, nil, fmt.Errorf("%s is a folder, not a scenario file, and no embedded scenario has that name (see `spendsim scenarios`)", ref)
	}
	if !strings.ContainsAny(ref, "/\\.") {
		// A name, not a path: the user's to fix on the command line.
		var names []string
		if exs, err := Examples(); err == nil {
			for _, ex := range exs {
				names = append(names, ex.Name)
			}
		}
		return nil, nil, &Error{File: ref, Problems: []string{fmt.Sprintf("%s: no such file, and no embedded scenario of that name (embedded: %s; see `spendsim scenarios`)", ref, strings.Join(names, ", "))}}
	}
	return nil, nil, fmt.Errorf("%s: no such file, and no embedded scenario of that name (see `spendsim scenarios`)", ref)
}
