package main

import (
	"embed"
	"strings"

	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/reports"
)

// help/NAME.txt is the description `spendsim NAME --help` prints (help/spendsim.txt:
// the tool's own), kept as text so that it reads and diffs as the documentation it is.
// TestHelpExamplesRun runs every example in them, TestHelpGolden pins their output.
//
//go:embed help/*.txt
var helpFiles embed.FS

// helpText is the description of the command name, with the values that live in the
// code filled in: {default_sla} (run and merge's --sla), {eras} (the era names),
// {run_files} (the files run and merge write).
func helpText(name string) string {
	b, err := helpFiles.ReadFile("help/" + name + ".txt")
	if err != nil {
		panic("no help text for " + name) // a build without help/NAME.txt; TestHelpGolden catches it
	}
	r := strings.NewReplacer("{default_sla}", defaultSLA, "{eras}", billing.EraNames(),
		"{run_files}", reports.SimulationFiles.Table("   "))
	return r.Replace(strings.TrimSuffix(string(b), "\n"))
}
