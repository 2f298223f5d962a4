package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"

	"github.com/spendsim/spendsim/internal/safefile"
	"github.com/spendsim/spendsim/internal/stats"
	"github.com/spendsim/spendsim/sim"
)

// File names inside an output directory (docs/formats.md, "Outputs").
const (
	RunsFile     = "runs.parquet"
	DailyFile    = "daily.parquet"
	MessagesFile = "messages.parquet"
	SummaryFile  = "summary.json"
	ManifestFile = "manifest.json"
	SpendVsSLA   = "spend_vs_sla" // .png and .svg
)

// Output is a folder of result files being replaced by a new set (safefile.Set): while
// a command writes, the folder is locked against a second writer and the new files go
// to a staging folder inside it; Commit writes manifest.json, listing every file with
// its SHA-256, and moves the set in, so the folder holds one complete set (its manifest
// present) or none (no manifest), never files of two runs. Close unlocks it and, before
// a Commit, drops what was written.
type Output struct {
	Dir     string // the output folder
	Version string // tool version, for created_by and the manifest
	set     *safefile.Set
}

// DefaultDir is out/<name>, with name reduced to characters safe in a file name.
func DefaultDir(name string) string {
	safe := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '-'
	}, name)
	if strings.Trim(safe, ".") == "" {
		safe = "scenario"
	}
	return filepath.Join("out", safe)
}

// NewOutput locks dir for a new set of files, creating it (and its parents) if needed.
// Call Close when done, whatever happened.
func NewOutput(dir, version string) (*Output, error) {
	if version == "" {
		return nil, fmt.Errorf("reports: output %s: empty tool version", dir)
	}
	set, err := safefile.OpenSet(dir)
	if err != nil {
		return nil, err // it names dir, and what to do
	}
	return &Output{Dir: dir, Version: version, set: set}, nil
}

// Path is where the file name of the new set is written (in the staging folder, until
// Commit moves it into Dir).
func (o *Output) Path(name string) string { return o.set.Path(name) }

// staging is the folder the new files are written in.
func (o *Output) staging() string { return o.set.Path("") }

// Nest names a folder inside Dir holding an output set of its own, committed before
// this one and part of it (a replay's era folder): the manifest lists its manifest, and
// the set that next replaces this one without it removes it (safefile.Set.Nest).
func (o *Output) Nest(folder string) { o.set.Nest(folder) }

// Commit lists every file written in m (Files), writes m as manifest.json and puts the
// new set in place of the folder's previous one.
func (o *Output) Commit(m *Manifest) error {
	files, err := o.set.Files()
	if err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	m.Files = files
	if err := WriteJSON(o.Path(ManifestFile), m); err != nil {
		return err
	}
	return o.set.Commit()
}

// Close unlocks the folder; before a Commit it drops the new files, and the folder keeps
// its previous set. It may be called more than once.
func (o *Output) Close() { o.set.Close() }

// Simulation is what `spendsim run` reports.
type Simulation struct {
	Name     string   // scenario name, shown in summary.json and plot titles
	Scenario any      // the resolved scenario, marshalled into manifest.json
	Seed     uint64   // the scenario seed every run seed derives from
	Args     []string // the command line as the manifest records it (Manifest.Args)
	Runs     []sim.RunResult
	Days     []sim.DayRow
	// HorizonDays is the length of one run's horizon, named on the plots' spend axis;
	// zero means the number of horizon days the first run has in Days.
	HorizonDays float64
	// SLA, if set, is judged per sweep point (summary.json's sla_target) and the
	// cheapest point meeting it is marked in the spend-vs-SLA plot and report.html.
	SLA *stats.SLA
	// Priced is what priced the bill (rate and tier files, cards in force), for
	// summary.json and manifest.json; the zero value says the built-in cards, none listed.
	Priced stats.Priced
	// Placeholder holds the points (by index) whose team is priced at a placeholder
	// cost per hour (agents.Staffing.PlaceholderCost), marked in summary.json and the
	// run table.
	Placeholder map[int]bool
}

// WriteSimulation writes runs.parquet, daily.parquet, summary.json (the summary it returns),
// spend_vs_sla.png/.svg, first_response_cdf.png/.svg, spend_by_category.png/.svg,
// report.html and manifest.json, and commits them as the folder's set. Everything is
// checked before the first file is written (daily figures must add up to their runs,
// all runs share one currency and one set of params).
//
// Runs are written in (point, replication) order and daily rows in their run's order
// then by day, whatever order a parallel sweep delivered them in.
func (o *Output) WriteSimulation(s Simulation) (stats.Summary, error) {
	runs, days, err := stats.InOrder(s.Runs, s.Days)
	if err != nil {
		return stats.Summary{}, err
	}
	if len(s.Days) > 0 {
		if err := ReconcileDaily(runs, s.Days); err != nil {
			return stats.Summary{}, err
		}
	}
	summary, err := stats.Summarize(s.Name, runs)
	if err != nil {
		return stats.Summary{}, err
	}
	summary.Priced = s.Priced.Listed()
	for i := range summary.Points {
		summary.Points[i].StaffingCostPlaceholder = s.Placeholder[summary.Points[i].Point]
	}
	if s.SLA != nil {
		if err := summary.JudgeSLA(*s.SLA); err != nil {
			return stats.Summary{}, err
		}
	}
	opt := PlotOptions{HorizonDays: s.HorizonDays, Drain: Drained(summary)}
	if opt.HorizonDays == 0 && len(runs) > 0 {
		for _, d := range days {
			if d.RunID == runs[0].RunID && !d.AfterHorizon {
				opt.HorizonDays++
			}
		}
	}
	plt, err := PlotSpendVsSLA(summary, opt)
	if err != nil {
		return stats.Summary{}, err
	}
	cdf, err := PlotFirstResponseCDF(summary, runs)
	if err != nil {
		return stats.Summary{}, err
	}
	byCat, err := PlotSpendByCategory(summary, opt)
	if err != nil {
		return stats.Summary{}, err
	}
	spendCaption := "Spend per run against the p90 first-response time (over every conversation), one point per sweep point; the line joins the points no other point beats on both; the cheapest in total is ringed in grey, and the cheapest meeting the SLA target (dashed line, when it is on p90) in green."
	if summary.SLA != nil && len(summary.SLA.Undecided) > 0 {
		spendCaption += " A dashed orange ring marks a point whose 95% interval reaches both sides of the target: undecided, counted as not meeting it."
	}
	plots := []struct {
		base, title, caption string
		p                    *plot.Plot
	}{
		{SpendVsSLA, "Spend against response time", spendCaption, plt},
		{SpendByCategory, "Spend by category",
			"Mean spend per sweep point, staffing at the bottom and the WhatsApp bill by pricing category above it.", byCat},
		{FirstResponseCDF, "First-response time distribution",
			"Share of conversations that had their first response within a time, per sweep point (log time axis). With several replications each line averages the replications' quantiles, which is close to, not exactly, the pooled distribution.", cdf},
	}
	var outbound *plot.Plot
	if len(runs) > 0 {
		if outbound, err = PlotOutboundByDay(s.Name, runs[0].RunID, days); err != nil {
			return stats.Summary{}, err
		}
	}
	if outbound != nil {
		plots = append(plots, struct {
			base, title, caption string
			p                    *plot.Plot
		}{OutboundByDay, "Blocks and reach lost per day",
			"Customers who blocked the business each day (bars) and templates sent to customers who had blocked it (line: sent, never delivered, never charged), in the first run; every sweep point sees the same customers and templates.", outbound})
	}
	var embedded []ReportPlot
	for _, p := range plots {
		png, err := RenderPNG(p.p)
		if err != nil {
			return stats.Summary{}, fmt.Errorf("reports: %s.png: %w", p.base, err)
		}
		embedded = append(embedded, ReportPlot{Base: p.base, Title: p.title, Caption: p.caption, PNG: png})
	}
	report, err := Report(summary, s.Seed, s.Scenario, embedded)
	if err != nil {
		return stats.Summary{}, err
	}
	manifest, err := NewManifest(o.Version, s.Args, s.Scenario)
	if err != nil {
		return stats.Summary{}, err
	}
	manifest.SetRuns(s.Seed, runs)
	manifest.SetRateFiles(s.Priced.RateFiles)

	if err := WriteRuns(o.Path(RunsFile), runs, o.Version); err != nil {
		return stats.Summary{}, err
	}
	// Written even when empty, so a daily.parquet from an earlier run in the same
	// directory never sits next to results it does not belong to.
	if err := WriteDaily(o.Path(DailyFile), days, o.Version); err != nil {
		return stats.Summary{}, err
	}
	if err := WriteJSON(o.Path(SummaryFile), summary); err != nil {
		return stats.Summary{}, err
	}
	for _, p := range plots {
		if err := WritePlot(o.staging(), p.base, p.p); err != nil {
			return stats.Summary{}, err
		}
	}
	// Not a plot of this run when outbound is nil: one an earlier run left, under a
	// manifest too old to list its files, goes with the rest of that run.
	o.set.Remove(OutboundByDay+".png", OutboundByDay+".svg")
	if err := safefile.WriteFile(o.Path(ReportFile), report); err != nil {
		return stats.Summary{}, err
	}
	return summary, o.Commit(manifest)
}

// WriteJSON writes v as indented JSON with a final newline, atomically.
func WriteJSON(path string, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	// Labels and paths are shown to people; "<" should stay "<".
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("reports: %s: %w", path, err)
	}
	return safefile.WriteFile(path, buf.Bytes())
}
