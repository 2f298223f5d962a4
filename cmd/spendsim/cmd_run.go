package main

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
	"github.com/spendsim/spendsim/sim"
)

func runCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "simulate a scenario (default: the embedded retail-month) and write results",
		ArgsUsage: "[SCENARIO.yaml | NAME]",
		Description: `Simulates every sweep point × replication of the scenario on parallel workers, prints a
table of spend against response time per sweep point, and writes to --out:

   runs.parquet       one row per run × replication
   daily.parquet      one row per run and local day
   summary.json       spend by category and SLA figures per sweep point
   manifest.json      the resolved scenario, seeds, tool and library versions
   spend_vs_sla.png   spend against p90 first-response time (and .svg)

The same seed gives byte-identical results at any --workers.

Examples:
   spendsim run                                  # embedded default, writes out/retail-month/
   spendsim run small                            # another embedded example
   spendsim run my.yaml --out results --seed 42
   spendsim run my.yaml --workers 1              # one core`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output `DIR` (default: out/<scenario name>)"},
			&cli.IntFlag{Name: "workers", Aliases: []string{"w"}, Usage: "parallel runs (default: all cores)"},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed (default: the scenario's; if none, a fresh one, printed)"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress or notes on stderr"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usagef("run takes at most one scenario, got %d arguments", c.NArg())
			}
			if c.Int("workers") < 0 {
				return usagef("--workers must be >= 0, got %d", c.Int("workers"))
			}
			ref := c.Args().First()
			if ref == "" {
				ref = scenarios.DefaultName
			}
			sc, _, err := scenarios.Load(ref)
			if err != nil {
				return err
			}
			seed, picked := sc.Seed, false
			if c.IsSet("seed") {
				seed = c.Uint64("seed")
			}
			if seed == 0 {
				seed, picked = freshSeed(), true
			}
			sc.Seed = seed
			quiet := c.Bool("quiet")
			if picked && !quiet {
				fmt.Fprintf(e.stderr, "seed %d (pass --seed %d to reproduce)\n", seed, seed)
			}
			jobs, err := sc.Jobs(seed)
			if err != nil {
				return err
			}
			out := c.String("out")
			if out == "" {
				out = filepath.Join("out", sc.Name)
			}
			var progress func(done, total int)
			if !quiet {
				progress = newProgress(e.stderr, len(jobs))
			}
			started := time.Now()
			runs, days, err := sim.RunAll(c.Context, jobs, c.Int("workers"), progress)
			if err != nil {
				return err
			}
			summary, err := writeRunOutputs(out, sc, seed, runs, days, e.version, c.Args().Slice())
			if err != nil {
				return err
			}
			printRunTable(e.stdout, sc, seed, summary, len(runs))
			if !quiet {
				fmt.Fprintf(e.stderr, "%d runs in %.1fs; results in %s\n", len(runs), time.Since(started).Seconds(), out)
			}
			return nil
		},
	}
}

// writeRunOutputs writes every output file; each appears under its final name only
// when complete, and manifest.json, written last, marks a complete set.
func writeRunOutputs(out string, sc *scenarios.Scenario, seed uint64, runs []sim.RunResult, days [][]sim.DayRow, version string, args []string) (reports.Summary, error) {
	var flat []sim.DayRow
	for _, d := range days {
		flat = append(flat, d...)
	}
	o, err := reports.NewOutput(out, version)
	if err != nil {
		return reports.Summary{}, err
	}
	err = o.WriteSimulation(reports.Simulation{
		Name: sc.Name, Scenario: sc, Seed: seed, Args: args,
		Runs: runs, Days: flat, HorizonDays: float64(sc.Days),
	})
	if err != nil {
		return reports.Summary{}, err
	}
	return reports.Summarize(sc.Name, runs)
}

func printRunTable(w io.Writer, sc *scenarios.Scenario, seed uint64, s reports.Summary, runs int) {
	fmt.Fprintf(w, "%s: %d runs, seed %d, %s + %d days (%s), %s\n\n", sc.Name, runs, seed, sc.Start, sc.Days, sc.Timezone, s.Currency)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "point\tmessaging\tstaffing\ttotal\tp90 first response\tin window\t\n")
	for _, p := range s.Points {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%.1f%%\t\n", p.Label,
			decimal2(p.Total), decimal2(p.Staffing), decimal2(p.TotalWithStaffing),
			humanSeconds(float64(p.SLA.FirstResponseP90S.Mean)), 100*float64(p.SLA.InWindowShare.Mean))
	}
	tw.Flush()
	if s.Cheapest != nil {
		fmt.Fprintf(w, "\ncheapest in total: %s (%s %s)\n", s.Cheapest.Label, decimal2(s.Cheapest.TotalWithStaffing), s.Currency)
	}
}

// decimal2 shows a six-place decimal amount to the cent, with thousands separators,
// for the terminal table only (files keep every micro).
func decimal2(s string) string {
	intPart, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(intPart, "-")
	intPart = strings.TrimPrefix(intPart, "-")
	frac = (frac + "00")[:2] // truncation is display-only
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String() + "." + frac
	if neg {
		out = "-" + out
	}
	return out
}

func humanSeconds(s float64) string {
	switch {
	case s != s: // NaN: no responses
		return "-"
	case s < 120:
		return fmt.Sprintf("%.0f s", s)
	case s < 2*3600:
		return fmt.Sprintf("%.1f min", s/60)
	default:
		return fmt.Sprintf("%.1f h", s/3600)
	}
}

func freshSeed() uint64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return uint64(time.Now().UnixNano())
	}
	return binary.LittleEndian.Uint64(b[:]) >> 1 // keep it positive in every reader
}

// newProgress reports finished runs on stderr: a self-overwriting line on a terminal,
// nothing otherwise (logs and CI stay clean).
func newProgress(w io.Writer, total int) func(done, total int) {
	f, ok := w.(*os.File)
	if !ok || total < 2 {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	var mu sync.Mutex
	start := time.Now()
	return func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		el := time.Since(start)
		eta := time.Duration(float64(el) / float64(done) * float64(total-done))
		fmt.Fprintf(f, "\r%d/%d runs, %s elapsed, about %s left   ", done, total, el.Round(time.Second), eta.Round(time.Second))
		if done == total {
			fmt.Fprintln(f)
		}
	}
}
