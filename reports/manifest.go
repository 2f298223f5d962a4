package reports

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/spendsim/spendsim/internal/safefile"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
)

// Module is one Go module linked into the binary.
type Module struct {
	Path    string  `json:"path"`
	Version string  `json:"version"`
	Sum     string  `json:"sum,omitempty"`
	Replace *Module `json:"replace,omitempty"`
}

// RunSeed is the seed one run drew its random streams from.
type RunSeed struct {
	RunID string `json:"run_id"`
	Seed  uint64 `json:"seed"`
}

// Manifest is manifest.json: everything needed to reproduce a result. It deliberately
// holds no wall-clock time, host name or path of the machine: the same inputs and seed
// must give byte-identical files.
type Manifest struct {
	Tool      string   `json:"tool"` // "spendsim"
	Version   string   `json:"version"`
	GoVersion string   `json:"go_version"`
	GOOS      string   `json:"goos"`
	GOARCH    string   `json:"goarch"`
	Main      *Module  `json:"main_module,omitempty"`
	Revision  string   `json:"vcs_revision,omitempty"` // commit the binary was built from, when stamped
	Modified  bool     `json:"vcs_modified,omitempty"` // the working tree had uncommitted changes
	Modules   []Module `json:"modules"`                // linked dependencies, sorted by path
	// Args are the command line after the program's name as the user gave it (the
	// command, its arguments and flags), less the flags that change no output file
	// (--out, --workers, --quiet, --shard…): docs/formats.md, manifest.json.
	Args []string `json:"args"`
	// Scenario is the resolved scenario (defaults applied, sweeps expanded), as the
	// caller's value marshals to JSON.
	Scenario json.RawMessage `json:"scenario"`
	Seed     *uint64         `json:"seed,omitempty"` // the scenario seed, for simulations
	Runs     int             `json:"runs"`
	RunSeeds []RunSeed       `json:"run_seeds,omitempty"`
	// RateFiles are the rate and tier files the result was priced with (path as given,
	// SHA-256, how each was read); absent when the built-in cards alone priced it.
	RateFiles []pricing.File `json:"rate_files,omitempty"`
	// Inputs are the files a replay or reconcile read (trace files, the column mapping,
	// analytics responses, a replay's messages.parquet), path as given, with SHA-256;
	// absent for commands whose input is the scenario above.
	Inputs []Input `json:"inputs,omitempty"`
	// Files is every other file of the output set with its SHA-256 (Output.Commit
	// fills it in); the manifest is written last, so its presence marks a complete set.
	Files []safefile.FileSum `json:"files,omitempty"`
}

// NewManifest describes this binary and its inputs. scenario is marshalled with
// encoding/json; nil gives null. The modules are those linked into the running binary
// (runtime/debug.ReadBuildInfo); a test binary records none.
func NewManifest(version string, args []string, scenario any) (*Manifest, error) {
	bi, _ := debug.ReadBuildInfo()
	return newManifest(version, args, scenario, bi)
}

func newManifest(version string, args []string, scenario any, bi *debug.BuildInfo) (*Manifest, error) {
	raw, err := json.Marshal(scenario)
	if err != nil {
		return nil, fmt.Errorf("reports: manifest: scenario: %w", err)
	}
	if args == nil {
		args = []string{}
	}
	m := &Manifest{
		Tool: "spendsim", Version: version,
		GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		Modules: []Module{}, Args: args, Scenario: raw,
	}
	if bi != nil {
		if bi.Main.Path != "" {
			m.Main = &Module{Path: bi.Main.Path, Version: bi.Main.Version, Sum: bi.Main.Sum}
		}
		for _, d := range bi.Deps {
			m.Modules = append(m.Modules, moduleOf(d))
		}
		sort.Slice(m.Modules, func(i, j int) bool { return m.Modules[i].Path < m.Modules[j].Path })
		// vcs.time is left out on purpose: a date in the file reads like "when this
		// ran", which it is not, and the revision identifies the build anyway.
		m.Revision, m.Modified = vcs(bi)
	}
	return m, nil
}

// vcs is the commit a binary was built from and whether the tree had changes.
func vcs(bi *debug.BuildInfo) (revision string, modified bool) {
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	return revision, modified
}

// ToolVersion is the version of the running binary, for created_by and the manifests:
// the module version when built from a tagged module, else "devel-" and the VCS
// revision (12 characters, "-dirty" with uncommitted changes), else "devel".
func ToolVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := vcs(bi)
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "devel-" + strings.TrimSpace(rev)
}

func moduleOf(d *debug.Module) Module {
	m := Module{Path: d.Path, Version: d.Version, Sum: d.Sum}
	if d.Replace != nil {
		r := moduleOf(d.Replace)
		m.Replace = &r
	}
	return m
}

// SetRuns records the scenario seed and every run's own seed, in run order.
func (m *Manifest) SetRuns(seed uint64, runs []sim.RunResult) {
	m.Seed = &seed
	m.Runs = len(runs)
	m.RunSeeds = make([]RunSeed, len(runs))
	for i, r := range runs {
		m.RunSeeds[i] = RunSeed{RunID: r.RunID, Seed: r.Seed}
	}
}

// Input is one file a command read: its role ("trace", "mapping", "analytics",
// "replay"), its path as given, and its SHA-256 and size. Standard input, a pipe or a
// FIFO is read once and cannot be read again to hash: a replay hashes it as it reads it
// (Note PipedNote); else it has no SHA256, and Note says so (UnhashedNote).
type Input struct {
	Role   string `json:"role"`
	Path   string `json:"path"`
	SHA256 string `json:"sha256,omitempty"`
	Bytes  int64  `json:"bytes,omitempty"`
	Note   string `json:"note,omitempty"`
}

// Notes of an input read once (standard input or a pipe): hashed as it was read
// (PipedNote), or not (UnhashedNote).
const (
	PipedNote    = "read once (standard input or a pipe), hashed as it was read"
	UnhashedNote = "read once (standard input or a pipe), not hashed"
)

// AddInput records path as an input of role, hashed where it is a regular file.
func (m *Manifest) AddInput(role, path string) error {
	in := Input{Role: role, Path: path}
	if st, err := os.Stat(path); path != "-" && err == nil && st.Mode().IsRegular() {
		if in.SHA256, in.Bytes, err = safefile.HashFile(path); err != nil {
			return fmt.Errorf("reports: manifest: %w", err)
		}
	} else {
		in.Note = UnhashedNote
	}
	m.Inputs = append(m.Inputs, in)
	return nil
}

// SetRateFiles records the rate and tier files a result was priced with.
func (m *Manifest) SetRateFiles(files []pricing.File) {
	m.RateFiles = append([]pricing.File(nil), files...)
}
