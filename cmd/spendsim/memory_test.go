package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/limits"
	"github.com/spendsim/spendsim/scenarios"
)

// memoryChildEnv marks a re-executed test binary that runs Main on the arguments after
// "--", so that its peak memory is its own.
const memoryChildEnv = "SPENDSIM_TEST_MEMORY_CHILD"

// memoryScenario is a scenario of 1 day whose size along one axis is set by the fields
// filled in: customers, conversations per customer-month, days, replications, and the
// number of values of a headcount sweep.
func memoryScenario(customers int, conv float64, days, reps, points int) string {
	sweep := ""
	if points > 1 {
		vals := make([]string, points)
		for i := range vals {
			vals[i] = fmt.Sprint(i + 1)
		}
		sweep = "sweep:\n  - {path: \"agents.shifts[0].headcount\", values: [" + strings.Join(vals, ", ") + "]}\n"
	}
	return fmt.Sprintf(`name: mem
seed: 3
start: 2025-09-01
days: %d
replications: %d
customers:
  count: %d
  countries: [{country: BR, share: 0.6}, {country: IN, share: 0.4}]
load:
  conversations_per_customer_month: %g
agents:
  cost_per_hour: 8
  shifts:
    - {start: "09:00", end: "10:00", headcount: 1}
%s`, days, reps, customers, conv, sweep)
}

// TestMemoryEstimateHolds samples the limits that --max-memory sets (issue 15): along
// each axis a scenario grows by (customers; conversations, all waiting for one agent an
// hour a day; days × replications; sweep points), the largest scenario the limit
// accepts runs in a child process, whose peak resident memory must stay within twice
// the estimate, and one 10% larger is refused.
func TestMemoryEstimateHolds(t *testing.T) {
	if report := os.Getenv(memoryChildEnv); report != "" {
		code := Main(append([]string{"spendsim"}, flag.Args()...), os.Stdout, os.Stderr)
		// The peak of this process's own memory since exec (VmHWM): a wait's rusage
		// would also count the parent's, whose memory the child shared until exec.
		status, err := os.ReadFile("/proc/self/status")
		if err == nil {
			for _, l := range strings.Split(string(status), "\n") {
				if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
					err = os.WriteFile(report, []byte(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB"))), 0o644)
				}
			}
		}
		if err != nil {
			code = 3
		}
		os.Exit(code)
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc/self/status to read a peak from")
	}
	if testing.Short() {
		t.Skip("runs scenarios of a few hundred MiB")
	}
	workers := runtime.GOMAXPROCS(0)
	for _, ax := range []struct {
		name  string
		limit uint64
		hi    int
		yaml  func(n int) string
	}{
		{"customers", 256 << 20, 1 << 30, func(n int) string { return memoryScenario(n, 0.03, 1, workers, 1) }},
		{"conversations", 256 << 20, 1_000_000, func(n int) string { return memoryScenario(1000, float64(n), 1, 1, 1) }},
		{"days × replications", 256 << 20, 100_000, func(n int) string { return memoryScenario(20, 1, 3660, n, 1) }},
		{"sweep points", 128 << 20, 100_000, func(n int) string { return memoryScenario(10, 1, 1, 1, n) }},
	} {
		t.Run(ax.name, func(t *testing.T) {
			estimate := func(n int) scenarios.Estimate {
				sc, err := scenarios.Parse([]byte(ax.yaml(n)), "mem.yaml")
				if err != nil {
					t.Fatal(err)
				}
				return sc.Estimate(workers)
			}
			lo, hi := 1, ax.hi // the largest n accepted: estimate(lo) fits, estimate(hi) does not
			if estimate(lo).Bytes > float64(ax.limit) || estimate(hi).Bytes <= float64(ax.limit) {
				t.Fatalf("the search range 1..%d does not straddle the limit", hi)
			}
			for hi-lo > 1 {
				if mid := lo + (hi-lo)/2; estimate(mid).Bytes <= float64(ax.limit) {
					lo = mid
				} else {
					hi = mid
				}
			}
			dir := t.TempDir()
			limit := fmt.Sprint(ax.limit)
			over := writeFile(t, dir, "over.yaml", ax.yaml(lo+lo/10+1))
			if code, _, stderr := spendsim(t, "validate", over, "--max-memory", limit); code != 2 || !strings.Contains(stderr, "needs up to") {
				t.Errorf("10%% past the limit: validate exit %d, %s", code, stderr)
			}
			e := estimate(lo)
			sc := writeFile(t, dir, "mem.yaml", ax.yaml(lo))
			cmd := exec.Command(os.Args[0], "-test.run=^TestMemoryEstimateHolds$", "--",
				"run", sc, "--out", filepath.Join(dir, "out"), "-q", "--workers", fmt.Sprint(workers), "--max-memory", limit)
			report := filepath.Join(dir, "peak")
			cmd.Env = append(os.Environ(), memoryChildEnv+"="+report)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("n = %d: %v\n%s", lo, err, out)
			}
			kb, err := os.ReadFile(report)
			if err != nil {
				t.Fatal(err)
			}
			peakKB, err := strconv.ParseFloat(string(kb), 64)
			if err != nil {
				t.Fatal(err)
			}
			peak := peakKB * 1024
			t.Logf("n = %d: peak %s, estimate %s (%.2f of it)", lo, limits.FormatBytes(peak), limits.FormatBytes(e.Bytes), peak/e.Bytes)
			if peak > 2*e.Bytes {
				t.Errorf("n = %d: peak resident memory %s, more than twice the estimate %s", lo, limits.FormatBytes(peak), limits.FormatBytes(e.Bytes))
			}
		})
	}
}

// TestMemoryAdviceFitsCommand: a scenario past --max-memory is refused with advice the
// command can follow: run's names its --workers; validate, which has none, names the
// commands that do (it advised "run fewer … workers").
func TestMemoryAdviceFitsCommand(t *testing.T) {
	small := filepath.Join("..", "..", "scenarios", "examples", "small.yaml")
	code, _, stderr := spendsim(t, "validate", "--max-memory", "1MiB", small)
	if code != 2 || strings.Contains(stderr, "workers or customers") || !strings.Contains(stderr, "fewer --workers (run, compare, forecast, optimize)") {
		t.Errorf("validate: exit %d, stderr %q; want 2 and advice without a --workers of its own", code, stderr)
	}
	code, _, stderr = spendsim(t, "run", small, "--max-memory", "1MiB", "--out", filepath.Join(t.TempDir(), "o"))
	if code != 2 || !strings.Contains(stderr, "run fewer points, replications, workers or customers") {
		t.Errorf("run: exit %d, stderr %q; want 2 and advice naming its --workers", code, stderr)
	}
}
