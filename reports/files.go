package reports

import (
	"fmt"
	"strings"
)

// OutputFile is one file of an output set, as a command's help lists it.
type OutputFile struct {
	Name  string // a plot's .png; its .svg is beside it
	About string // what it holds, for people
}

// OutputFiles are the files of an output set, in the order the help lists them.
type OutputFiles []OutputFile

// SimulationFiles are the files Output.WriteSimulation writes: `spendsim run`'s, and
// merge's from a sweep's shards. `spendsim run --help` and `merge --help` list them from
// here (TestHelpListsRunFiles checks them against a run's manifest).
var SimulationFiles = OutputFiles{
	{RunsFile, "one row per run × replication"},
	{DailyFile, "one row per run and local day"},
	{SummaryFile, "spend by category and SLA figures per sweep point"},
	{SpendVsSLA + ".png", "spend against p90 first-response time (and .svg)"},
	{SpendByCategory + ".png", "mean spend per sweep point, staffing and each category (and .svg)"},
	{FirstResponseCDF + ".png", "share answered within a time, per sweep point (and .svg)"},
	{OutboundByDay + ".png", "customers who blocked and templates lost to them per day, first run; when any (and .svg)"},
	{ReportFile, "all of it on one self-contained page: table, plots, scenario"},
	{ManifestFile, "the resolved scenario, seeds, versions, every other file's SHA-256 (written last)"},
}

// Table lists the files one a line, each line starting with indent, what each holds in
// a column after the names.
func (fs OutputFiles) Table(indent string) string {
	width := 0
	for _, f := range fs {
		width = max(width, len(f.Name))
	}
	lines := make([]string, len(fs))
	for i, f := range fs {
		lines[i] = fmt.Sprintf("%s%-*s  %s", indent, width, f.Name, f.About)
	}
	return strings.Join(lines, "\n")
}
