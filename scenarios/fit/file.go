package fit

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spendsim/spendsim/internal/safefile"
	"github.com/spendsim/spendsim/scenarios"
	"github.com/spendsim/spendsim/scenarios/trace"
)

// FileResult is a trace file fitted: the estimate, the scenario written from it, and
// what the reader read past (rows skipped as invalid, with the first reasons).
type FileResult struct {
	*Result
	YAML   []byte // the commented scenario, checked to load
	Counts trace.Counts
	Source string // the trace's name, as the scenario's comments give it
}

// File reads the trace traces name (trace.OpenAll) once (as trace.Open reads it), fits it and writes the
// estimate as scenario name, in YAML that is checked to load: a fit that produced an
// invalid scenario is a bug here, and the user should hear of it rather than find it
// at spendsim run. Errors name the trace, and its line where there is one.
func File(traces []string, read trace.Options, o Options, name string) (*FileResult, error) {
	r, err := trace.OpenAll(traces, read)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	bases := make([]string, len(traces))
	for i, t := range traces {
		bases[i] = filepath.Base(t)
	}
	res, err := Trace(r, o)
	if err != nil {
		if strings.HasPrefix(err.Error(), "fit: ") {
			// What fit found of the trace as a whole (the reader's errors already
			// name the file and line): say which trace.
			return nil, fmt.Errorf("%s: %w", strings.Join(bases, ", "), err)
		}
		return nil, trace.AtFiles(trace.NamesOf(r), err)
	}
	source := strings.Map(func(c rune) rune {
		if c < ' ' {
			return '?'
		}
		return c
	}, strings.Join(bases, ", "))
	text := res.YAML(name, source)
	if _, err := scenarios.Parse(text, name+".yaml"); err != nil {
		return nil, fmt.Errorf("fit: the estimated scenario does not validate (a bug in fit; please report it with the trace's shape): %w", err)
	}
	return &FileResult{Result: res, YAML: text, Counts: trace.CountsOf(r), Source: source}, nil
}

// Write writes the estimated scenario to path, whole or not at all, with path locked
// against a second writer.
func (r *FileResult) Write(path string) error {
	lock, err := safefile.LockFile(path)
	if err != nil {
		return err
	}
	defer lock.Release()
	return safefile.WriteFile(path, r.YAML)
}

// CheckOut refuses an output path that does not name a YAML file: fit writes a
// scenario in YAML, and a fitted.json holding YAML would mislead whoever opens it.
func CheckOut(path string) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		return nil
	}
	return fmt.Errorf("-o %q: fit writes a scenario in YAML; name the file .yaml or .yml (like %s.yaml)", path, strings.TrimSuffix(path, filepath.Ext(path)))
}
