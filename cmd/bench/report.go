package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/spendsim/spendsim/internal/safefile"
	"github.com/spendsim/spendsim/model/money"
)

// Machine is where the figures were measured.
type Machine struct {
	CPUs       int    `json:"cpus"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	CPUModel   string `json:"cpu_model"`
	GoVersion  string `json:"go_version"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
}

func thisMachine() Machine {
	return Machine{
		CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), CPUModel: cpuModel(),
		GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
	}
}

// cpuModel is the first "model name" in /proc/cpuinfo, or "unknown" off Linux.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// Target is a bound a figure should meet.
type Target struct {
	AtLeast bool    `json:"at_least"` // true: value >= Bound; false: value <= Bound
	Bound   float64 `json:"bound"`
}

func atLeast(b float64) *Target { return &Target{AtLeast: true, Bound: b} }
func atMost(b float64) *Target  { return &Target{Bound: b} }

// Figure is one measured number. Section groups figures in the table.
type Figure struct {
	Section string  `json:"section"`
	Name    string  `json:"name"`
	Value   float64 `json:"value"`
	Unit    string  `json:"unit"`
	Target  *Target `json:"target,omitempty"`
	Met     *bool   `json:"met,omitempty"`
}

// Report is everything one run of the benchmark measured.
type Report struct {
	Mode         string   `json:"mode"`
	Machine      Machine  `json:"machine"`
	Figures      []Figure `json:"figures"`
	Notes        []string `json:"notes,omitempty"`
	TotalSeconds float64  `json:"total_seconds"`
}

func (r *Report) add(section, name string, v float64, unit string, t *Target) {
	f := Figure{Section: section, Name: name, Value: v, Unit: unit, Target: t}
	if t != nil {
		met := v <= t.Bound
		if t.AtLeast {
			met = v >= t.Bound
		}
		if math.IsNaN(v) {
			met = false
		}
		f.Met = &met
	}
	r.Figures = append(r.Figures, f)
}

// miss marks the last figure's target missed whatever its value: it was measured
// against a reference that did other work.
func (r *Report) miss() {
	f := &r.Figures[len(r.Figures)-1]
	met := false
	f.Met = &met
}

func (r *Report) note(format string, a ...any) { r.Notes = append(r.Notes, fmt.Sprintf(format, a...)) }

// Missed lists the figures that missed their target.
func (r *Report) Missed() []Figure {
	var out []Figure
	for _, f := range r.Figures {
		if f.Met != nil && !*f.Met {
			out = append(out, f)
		}
	}
	return out
}

// formatValue prints big rates with thousands separators and small numbers with
// enough digits to compare.
func formatValue(v float64, unit string) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case unit == "%":
		return fmt.Sprintf("%.1f", v)
	case math.Abs(v) >= 1000:
		return thousands(int64(math.Round(v)))
	case math.Abs(v) >= 100:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// thousands writes n with its thousands grouped, as every figure spendsim shows.
func thousands(n int64) string { return money.GroupThousands(strconv.FormatInt(n, 10)) }

func (t *Target) String(unit string) string {
	if t == nil {
		return ""
	}
	op := "≤"
	if t.AtLeast {
		op = "≥"
	}
	return op + " " + formatValue(t.Bound, unit) + " " + unit
}

// Print writes the table.
func (r *Report) Print(w io.Writer) {
	m := r.Machine
	fmt.Fprintf(w, "spendsim bench (%s): %d CPUs (GOMAXPROCS %d), %s, %s %s/%s\n",
		r.Mode, m.CPUs, m.GOMAXPROCS, m.CPUModel, m.GoVersion, m.OS, m.Arch)
	section := ""
	for _, f := range r.Figures {
		if f.Section != section {
			section = f.Section
			fmt.Fprintf(w, "\n%s\n", section)
		}
		verdict := ""
		if f.Met != nil {
			verdict = "MISSED"
			if *f.Met {
				verdict = "MET"
			}
		}
		fmt.Fprintf(w, "  %-44s %14s %-12s %-16s %s\n", f.Name, formatValue(f.Value, f.Unit), f.Unit, f.Target.String(f.Unit), verdict)
	}
	if len(r.Notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range r.Notes {
			fmt.Fprintf(w, "note: %s\n", n)
		}
	}
	missed := r.Missed()
	fmt.Fprintf(w, "\ntotal wall time %.1f s; %d of %d targets met\n", r.TotalSeconds, r.targets()-len(missed), r.targets())
}

func (r *Report) targets() int {
	n := 0
	for _, f := range r.Figures {
		if f.Met != nil {
			n++
		}
	}
	return n
}

// WriteJSON writes the report to path, whole or not at all (internal/safefile).
func (r *Report) WriteJSON(path string) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return err
	}
	return safefile.WriteFile(path, b.Bytes())
}
