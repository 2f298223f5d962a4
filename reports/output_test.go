package reports

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/internal/stats/statstest"
	"github.com/spendsim/spendsim/internal/table/tabletest"
	"github.com/spendsim/spendsim/sim"
)

type testScenario struct {
	Name   string `json:"name"`
	Seed   uint64 `json:"seed"`
	Agents struct {
		HandleTimeS float64 `json:"handle_time_s"`
	} `json:"agents"`
}

func testSimulation(runs []sim.RunResult, days []sim.DayRow) Simulation {
	sc := testScenario{Name: "night-staff", Seed: 42}
	sc.Agents.HandleTimeS = 600
	return Simulation{
		Name: "night-staff", Scenario: sc, Seed: 42,
		Args: []string{"run", "night-staff.yaml", "--seed", "42"},
		Runs: runs, Days: days,
	}
}

var wantOutputFiles = []string{DailyFile, FirstResponseCDF + ".png", FirstResponseCDF + ".svg", ManifestFile, ReportFile, RunsFile,
	SpendByCategory + ".png", SpendByCategory + ".svg", SpendVsSLA + ".png", SpendVsSLA + ".svg", SummaryFile}

func writeSimulation(t *testing.T, s Simulation) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "out", "night-staff")
	o, err := NewOutput(dir, testVersion)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.WriteSimulation(s); err != nil {
		t.Fatal(err)
	}
	o.Close()
	return dir
}

func TestWriteSimulation(t *testing.T) {
	runs := statstest.SynthRuns(4, 3)
	dir := writeSimulation(t, testSimulation(runs, statstest.SynthDays(runs, 30)))
	if got := tabletest.DirEntries(t, dir); !slices.Equal(got, wantOutputFiles) {
		t.Fatalf("output holds %v, want %v", got, wantOutputFiles)
	}
	if f := tabletest.Read(t, filepath.Join(dir, RunsFile)); len(f.Rows) != 12 {
		t.Errorf("runs.parquet: %d rows", len(f.Rows))
	}
	if f := tabletest.Read(t, filepath.Join(dir, DailyFile)); len(f.Rows) != 12*30 {
		t.Errorf("daily.parquet: %d rows", len(f.Rows))
	}
	var s stats.Summary
	if err := json.Unmarshal(readFile(t, filepath.Join(dir, SummaryFile)), &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Points) != 4 || s.Cheapest == nil || s.Cheapest.Label != "6 agents" {
		t.Errorf("summary: %d points, cheapest %+v", len(s.Points), s.Cheapest)
	}
}

func TestManifest(t *testing.T) {
	runs := statstest.SynthRuns(2, 2)
	dir := writeSimulation(t, testSimulation(runs, nil))
	raw := readFile(t, filepath.Join(dir, ManifestFile))
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if m.Tool != "spendsim" || m.Version != testVersion || m.GoVersion != runtime.Version() {
		t.Errorf("tool %q version %q go %q", m.Tool, m.Version, m.GoVersion)
	}
	if m.Seed == nil || *m.Seed != 42 || m.Runs != 4 || len(m.RunSeeds) != 4 || m.RunSeeds[3] != (RunSeed{runs[3].RunID, runs[3].Seed}) {
		t.Errorf("seeds: seed %v runs %d run seeds %v", m.Seed, m.Runs, m.RunSeeds)
	}
	if !slices.Equal(m.Args, []string{"run", "night-staff.yaml", "--seed", "42"}) {
		t.Errorf("args %v", m.Args)
	}
	var sc testScenario
	if err := json.Unmarshal(m.Scenario, &sc); err != nil || sc.Agents.HandleTimeS != 600 {
		t.Errorf("scenario %s (%v)", m.Scenario, err)
	}
	// go test links no module list into its binaries; newManifest is fed one below.
	if len(m.Modules) != 0 {
		t.Logf("test binary recorded %d modules", len(m.Modules))
	}
	// No wall-clock time: nothing that looks like a timestamp.
	if ts := regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d`).Find(raw); ts != nil {
		t.Errorf("manifest holds a timestamp %q", ts)
	}
}

// TestOutputDeterministic: the same input gives the same bytes in every file, whatever
// order a parallel sweep delivered the runs and days in.
func TestOutputDeterministic(t *testing.T) {
	runs := statstest.SynthRuns(4, 3)
	days := statstest.SynthDays(runs, 30)
	a := writeSimulation(t, testSimulation(runs, days))

	shuffled := slices.Clone(runs)
	shuffledDays := slices.Clone(days)
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	rng.Shuffle(len(shuffledDays), func(i, j int) { shuffledDays[i], shuffledDays[j] = shuffledDays[j], shuffledDays[i] })
	b := writeSimulation(t, testSimulation(runs, days))
	c := writeSimulation(t, testSimulation(shuffled, shuffledDays))

	for _, name := range wantOutputFiles {
		fa := readFile(t, filepath.Join(a, name))
		if fb := readFile(t, filepath.Join(b, name)); !bytes.Equal(fa, fb) {
			t.Errorf("%s differs between two writes of the same input", name)
		}
		if fc := readFile(t, filepath.Join(c, name)); !bytes.Equal(fa, fc) {
			t.Errorf("%s depends on the order runs arrive in", name)
		}
	}
}

func TestManifestModules(t *testing.T) {
	bi := &debug.BuildInfo{
		Main: debug.Module{Path: "github.com/spendsim/spendsim", Version: "v1.2.0"},
		Deps: []*debug.Module{
			{Path: "gonum.org/v1/plot", Version: "v0.17.0", Sum: "h1:plot"},
			{Path: "github.com/apache/arrow/go/v17", Version: "v17.0.0", Sum: "h1:arrow"},
			{Path: "example.com/forked", Version: "v1.0.0", Replace: &debug.Module{Path: "example.com/fork", Version: "v1.0.1"}},
		},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2026-01-02T03:04:05Z"}, {Key: "vcs.modified", Value: "true"}},
	}
	m, err := newManifest("v1.2.0", nil, nil, bi)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	want := `"main_module":{"path":"github.com/spendsim/spendsim","version":"v1.2.0"},"vcs_revision":"abc123","vcs_modified":true,` +
		`"modules":[{"path":"example.com/forked","version":"v1.0.0","replace":{"path":"example.com/fork","version":"v1.0.1"}},` +
		`{"path":"github.com/apache/arrow/go/v17","version":"v17.0.0","sum":"h1:arrow"},` +
		`{"path":"gonum.org/v1/plot","version":"v0.17.0","sum":"h1:plot"}],"args":[],"scenario":null,"runs":0}`
	if !strings.Contains(string(b), want) {
		t.Errorf("manifest\n%s\nwant it to contain\n%s", b, want)
	}
	if strings.Contains(string(b), "2026-01-02") {
		t.Errorf("manifest carries the commit time: %s", b)
	}
}

func TestWriteSimulationRejectsBeforeWriting(t *testing.T) {
	runs := statstest.SynthRuns(2, 2)
	days := statstest.SynthDays(runs, 3)
	days[0].MessagingMicros++ // a charge counted on a day but not in its run
	dir := filepath.Join(t.TempDir(), "out")
	o, err := NewOutput(dir, testVersion)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.WriteSimulation(testSimulation(runs, days)); err == nil || !strings.Contains(err.Error(), "add up to") {
		t.Errorf("err = %v, want a reconciliation error", err)
	}
	runs[1].Currency = "EUR"
	if _, err := o.WriteSimulation(testSimulation(runs, nil)); err == nil {
		t.Error("mixed currencies accepted")
	}
	o.Close()
	// The folder NewOutput created goes with the rest.
	if got, err := os.ReadDir(dir); !os.IsNotExist(err) {
		t.Errorf("rejected input left %v (%v)", got, err)
	}
}

// TestWriteFailureLeavesNothing: a file reports writes (through safefile) appears whole
// or not at all.
func TestWriteFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	// A directory in the way makes the rename fail after the data is written.
	if err := os.Mkdir(filepath.Join(dir, SummaryFile), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(filepath.Join(dir, SummaryFile), struct{}{}); err == nil {
		t.Fatal("rename over a directory succeeded")
	}
	if got := tabletest.DirEntries(t, dir); !slices.Equal(got, []string{SummaryFile}) {
		t.Errorf("directory holds %v, want only the directory in the way", got)
	}
}

func TestDefaultDir(t *testing.T) {
	for name, want := range map[string]string{
		"night-staff":      filepath.Join("out", "night-staff"),
		"Black Friday/25":  filepath.Join("out", "Black-Friday-25"),
		"..":               filepath.Join("out", "scenario"),
		"":                 filepath.Join("out", "scenario"),
		"pmp_2025.v2":      filepath.Join("out", "pmp_2025.v2"),
		"../../etc/passwd": filepath.Join("out", "..-..-etc-passwd"),
	} {
		if got := DefaultDir(name); got != want {
			t.Errorf("DefaultDir(%q) = %q, want %q", name, got, want)
		}
	}
}
