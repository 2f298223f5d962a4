package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/sweep"
	"github.com/spendsim/spendsim/reports"
)

// hostileCase is one case of issue 15's hostile-input corpus, as a user meets it on
// the command line. Files are written into a fresh folder DIR first ("{dir}" in args
// and in the wanted text stands for it). A case wants either a failure — the exit code
// and the whole of stderr, one line — or a success whose check looks at the outputs.
type hostileCase struct {
	name  string
	files map[string]string
	args  []string
	code  int    // the exit code wanted; 0 with check
	want  string // stderr after "spendsim: ", one line
	check func(t *testing.T, dir, stdout string)
}

func runHostile(t *testing.T, cases []hostileCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range c.files {
				if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
					t.Fatal(err)
				}
				writeFile(t, dir, name, body)
			}
			args := make([]string, len(c.args))
			for i, a := range c.args {
				args[i] = strings.ReplaceAll(a, "{dir}", dir)
			}
			code, stdout, stderr := spendsim(t, args...)
			if c.check != nil {
				if code != 0 {
					t.Fatalf("exit %d, want 0: %s", code, stderr)
				}
				c.check(t, dir, stdout)
				return
			}
			if code != c.code {
				t.Errorf("exit %d, want %d", code, c.code)
			}
			if want := "spendsim: " + strings.ReplaceAll(c.want, "{dir}", dir) + "\n"; stderr != want {
				t.Errorf("stderr\n got %q\nwant %q", stderr, want)
			}
		})
	}
}

// replayTotal is the total of a replay's summary.json in OUT.
func replayTotal(t *testing.T, out string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Total string `json:"total"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return s.Total
}

const (
	hostileHeader  = "effective_from,pricing_model,market,category,currency,rate\n"
	hostileTiers   = "market,category,tier_index,volume_from,volume_to,rate_type,rate,discount_pct,currency,effective_from,confidence,source,note\n"
	threeUtilities = "ts,user,direction,type,category\n" +
		"2025-08-01T10:00:00Z,5511987654321,business,template,utility\n" +
		"2025-08-01T10:01:00Z,5511987654321,business,template,utility\n" +
		"2025-08-01T10:02:00Z,5511987654321,business,template,utility\n"
)

// TestHostileMoney: amounts that used to be silently wrong with exit 0 (issue 15,
// "Money silently wrong").
func TestHostileMoney(t *testing.T) {
	replay := func(extra ...string) []string {
		return append([]string{"replay", "--trace", "{dir}/t.csv", "--out", "{dir}/out", "-q"}, extra...)
	}
	tiers := hostileTiers + "Brazil,utility,0,0,1,List,,0%,USD,2025-07-01,,,\nBrazil,utility,1,2,MAX,Tier,,TIER%,USD,2025-07-01,,,\n"
	cases := []hostileCase{
		{name: "decimal comma in our rate file", code: 1,
			files: map[string]string{"t.csv": threeUtilities, "r.csv": hostileHeader + "2025-07-01,PMP,Brazil,utility,USD,\"0,0625\"\n"},
			args:  replay("--rates", "{dir}/r.csv"),
			want:  `r.csv:2: column rate: "0,0625" has a comma that groups no thousands: the decimal separator is a dot (0.0625); a comma may only group thousands (1,940.13); for a file exported with decimal commas, pass --decimal-comma`},
		{name: "three commas", code: 1,
			files: map[string]string{"t.csv": threeUtilities, "r.csv": hostileHeader + "2025-07-01,PMP,Brazil,utility,USD,\"1,2,3\"\n"},
			args:  replay("--rates", "{dir}/r.csv"),
			want:  `r.csv:2: column rate: "1,2,3" has a comma that groups no thousands: the decimal separator is a dot; a comma may only group thousands (1,940.13); for a file exported with decimal commas, pass --decimal-comma`},
		{name: "decimal comma in Meta's card", code: 1,
			files: map[string]string{"t.csv": threeUtilities, "p.csv": "Market,Currency,Marketing,Utility\nBrazil,$US,0.0625,\"0,0068\"\n"},
			args:  replay("--rates", "{dir}/p.csv", "--rates-from", "2025-07-01"),
			want:  `p.csv:2: column Utility: "0,0068" has a comma that groups no thousands: the decimal separator is a dot (0.0068); a comma may only group thousands (1,940.13); for a file exported with decimal commas, pass --decimal-comma`},
		{name: "--decimal-comma reads Meta's card exported so",
			files: map[string]string{"t.csv": threeUtilities, "p.csv": "Market;Currency;Marketing;Utility\nBrazil;$US;0,0625;0,0068\n"},
			args:  replay("--rates", "{dir}/p.csv", "--rates-from", "2025-07-01", "--decimal-comma"),
			check: func(t *testing.T, dir, _ string) {
				if got := replayTotal(t, filepath.Join(dir, "out")); got != "0.020400" {
					t.Errorf("total %s, want 3 × 0.0068", got)
				}
			}},
		// Three utility messages at 1e9 a message, the third in a -5% band: the band's
		// price wrapped (a total of 171,831,612.86 with one amount negative).
		{name: "volume band of a dear rate",
			files: map[string]string{"t.csv": threeUtilities, "r.csv": hostileHeader + "2025-07-01,PMP,Brazil,utility,USD,\"1,000,000,000\"\n",
				"tiers.csv": strings.Replace(tiers, "TIER", "-5", 1)},
			args: replay("--rates", "{dir}/r.csv", "--tiers", "{dir}/tiers.csv"),
			check: func(t *testing.T, dir, _ string) {
				if got := replayTotal(t, filepath.Join(dir, "out")); got != "2900000000.000000" {
					t.Errorf("total %s, want 1e9 + 1e9 + 0.95e9", got)
				}
			}},
		// A band 5 % above a list rate near the range would pass it; no band may be
		// above the list rate (a discount of 0 % or more), so only a library caller
		// can reach Band.Price's overflow error now.
		{name: "volume band past the range", code: 1,
			files: map[string]string{"t.csv": threeUtilities, "r.csv": hostileHeader + "2025-07-01,PMP,Brazil,utility,USD,9000000000000\n",
				"tiers.csv": strings.Replace(tiers, "TIER", "+5", 1)},
			args: replay("--rates", "{dir}/r.csv", "--tiers", "{dir}/tiers.csv"),
			want: `tiers.csv:3:30: column discount_pct: "+5%" prices the band above the list rate; volume tiers are discounts on it: want 0 or a negative percentage such as -5% (Meta's "vs. List rate" runs from 0% to -25%)`},
		{name: "the bill's total past the range", code: 1,
			files: map[string]string{"t.csv": threeUtilities, "r.csv": hostileHeader + "2025-07-01,PMP,Brazil,utility,USD,5000000000000\n"},
			args:  replay("--rates", "{dir}/r.csv"),
			want:  "t.csv:3: the bill's total passes the range of amounts with this message's 5000000000000.000000: money: amount overflows int64 micros (±9.2 trillion units)"},
	}
	runHostile(t, cases)
}

// TestHostileTimes: integer timestamps are range-checked (MaxInt64 ms was billed, and
// bill.parquet's month became 4920379-07-30).
func TestHostileTimes(t *testing.T) {
	runHostile(t, []hostileCase{
		{name: "MaxInt64 ms through a mapping", code: 1,
			files: map[string]string{
				"t.csv":    "when,who,dir\n1714557600000,5511987654321,in\n9223372036854775807,5511987654321,in\n",
				"map.yaml": "time_layout: unix_ms\nts: {column: when}\nuser: {column: who}\ndirection: {column: dir, values: {in: user}}\n"},
			args: []string{"replay", "--trace", "{dir}/t.csv", "--mapping", "{dir}/map.yaml", "--out", "{dir}/out", "-q"},
			want: `t.csv:3: column when: "9223372036854775807" is outside the years 1970 to 2100 that a message's time may have (a clock gone wrong, or seconds and milliseconds mixed up?)`},
		{name: "the last second of 2100",
			files: map[string]string{"t.csv": "ts,user,direction\n2100-12-31T23:59:59Z,5511987654321,user\n"},
			args:  []string{"replay", "--trace", "{dir}/t.csv", "--out", "{dir}/out", "-q"},
			check: func(t *testing.T, dir, _ string) {}},
	})
}

// TestHostileMerge: merge reads only the parts its shards wrote inside OUT, and only
// of shards billed with the same rate files. It used to open whatever path a manifest
// named (../../../../etc/passwd was read) and to mix shards billed with other --rates.
func TestHostileMerge(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "sweep.yaml", sweepScenario)
	rates := writeFile(t, dir, "br.csv", hostileHeader+"2025-01-01,PMP,Brazil,utility,USD,0.5\n")
	shards := func(t *testing.T, second ...string) string {
		out := filepath.Join(t.TempDir(), "parts")
		for k, extra := range [][]string{nil, second} {
			args := append([]string{"run", sc, "--out", out, "-q", "--shard", fmt.Sprintf("%d/2", k)}, extra...)
			if code, _, stderr := spendsim(t, args...); code != 0 {
				t.Fatalf("%v: exit %d: %s", args, code, stderr)
			}
		}
		return out
	}
	merge := func(t *testing.T, out, want string) {
		t.Helper()
		code, _, stderr := spendsim(t, "merge", out)
		if want = "spendsim: " + strings.ReplaceAll(want, "{out}", out) + "\n"; code != 1 || stderr != want {
			t.Errorf("merge: exit %d, stderr\n got %q\nwant %q", code, stderr, want)
		}
		if _, err := os.Stat(filepath.Join(out, "summary.json")); err == nil {
			t.Error("a refused merge wrote summary.json")
		}
	}

	t.Run("other rates", func(t *testing.T) {
		out := shards(t, "--rates", rates)
		m := readShardManifest(t, out, 1, 2)
		merge(t, out, fmt.Sprintf("shards 0 and 1 of {out} were billed with different rates (shard 0: the built-in cards; "+
			"shard 1: --rates %s (sha256 %.12s…) read as digest %s); run every shard with the same --rates and --tiers", m.Priced.RateFiles[0].Path, m.Priced.RateFiles[0].SHA256, m.RatesDigest))
	})
	out := shards(t)
	t.Run("a part outside OUT", func(t *testing.T) {
		m := readShardManifest(t, out, 1, 2)
		m.RunsPart = "../../../../etc/passwd"
		if err := reports.WriteJSON(filepath.Join(out, sweep.ShardManifestPath(1, 2)), m); err != nil {
			t.Fatal(err)
		}
		merge(t, out, `{out}/shards/shard-1-of-2.json: runs_part is "../../../../etc/passwd"; a shard's part is runs/shard=1/part-1-of-2.parquet inside the output folder, and merge reads nothing else`)
	})
	// shards of another spendsim (their runs.parquet may lack columns this one reads) are
	// refused by name, not by a missing column or as "different scenarios"
	t.Run("another version", func(t *testing.T) {
		out := shards(t)
		m := readShardManifest(t, out, 1, 2)
		m.Version = "v0.9.0"
		if err := reports.WriteJSON(filepath.Join(out, sweep.ShardManifestPath(1, 2)), m); err != nil {
			t.Fatal(err)
		}
		merge(t, out, "shards 0 and 1 of {out} were written by spendsim "+reports.ToolVersion()+" and v0.9.0: run every shard with one version")
		for k := range 2 {
			m := readShardManifest(t, out, k, 2)
			m.Version = "v0.9.0"
			if err := reports.WriteJSON(filepath.Join(out, sweep.ShardManifestPath(k, 2)), m); err != nil {
				t.Fatal(err)
			}
		}
		merge(t, out, "{out}: the shards were written by spendsim v0.9.0, this is "+reports.ToolVersion()+": merge with the version that ran them")
	})
	// a part this build cannot read (a column missing: what an older build wrote) names
	// the shard's rerun
	t.Run("a part of another build", func(t *testing.T) {
		out := shards(t)
		daily, err := os.ReadFile(filepath.Join(out, sweep.ShardPart("daily", 1, 2)))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, sweep.ShardPart("runs", 1, 2)), daily, 0o644); err != nil {
			t.Fatal(err)
		}
		m := readShardManifest(t, out, 1, 2) // as that build recorded the part it wrote
		m.RunsSHA256, m.RunsBytes = fmt.Sprintf("%x", sha256.Sum256(daily)), int64(len(daily))
		if err := reports.WriteJSON(filepath.Join(out, sweep.ShardManifestPath(1, 2)), m); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := spendsim(t, "merge", out)
		if code != 1 || !strings.Contains(stderr, ": no column ") || !strings.Contains(stderr, "wrote shard 1 of 2, run it again with this one: spendsim run ") ||
			!strings.Contains(stderr, "--shard 1/2") {
			t.Errorf("merge: exit %d, stderr %q; want the missing column and the rerun of shard 1", code, stderr)
		}
	})
	t.Run("a part linked out of OUT", func(t *testing.T) {
		out := shards(t)
		elsewhere := filepath.Join(t.TempDir(), "part.parquet")
		part := filepath.Join(out, sweep.ShardPart("daily", 0, 2))
		if err := os.Rename(part, elsewhere); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(elsewhere, part); err != nil {
			t.Fatal(err)
		}
		merge(t, out, fmt.Sprintf("%s: a link to %s, outside {out}; merge reads only the parts inside the output folder", part, elsewhere))
	})
}

// TestHostilePipedTrace: a trace given as a pipe (what <(cat t.csv) or a piped
// /dev/stdin name) bills exactly as the file: format detection used to lose its first
// 4 bytes, and a FIFO without an extension hung.
func TestHostilePipedTrace(t *testing.T) {
	dir := t.TempDir()
	trace := writeFile(t, dir, "t.csv", threeUtilities)
	if code, _, stderr := spendsim(t, "replay", "--trace", trace, "--out", filepath.Join(dir, "file"), "-q"); code != 0 {
		t.Fatal(stderr)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() {
		w.Write([]byte(threeUtilities))
		w.Close()
	}()
	pipe := "/proc/self/fd/" + strconv.Itoa(int(r.Fd()))
	if _, err := os.Stat(pipe); err != nil {
		t.Skip("no /proc here")
	}
	if code, _, stderr := spendsim(t, "replay", "--trace", pipe, "--out", filepath.Join(dir, "pipe"), "-q"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if a, b := replayTotal(t, filepath.Join(dir, "file")), replayTotal(t, filepath.Join(dir, "pipe")); a != b || a == "0.000000" {
		t.Errorf("piped: total %s, from the file %s", b, a)
	}
	// A pipe can be read once: --passes, which reads the trace once a pass, refuses it.
	code, _, stderr := spendsim(t, "replay", "--trace", pipe, "--out", filepath.Join(dir, "passes"), "--passes", "2", "-q")
	if code != 1 || !strings.Contains(stderr, "not standard input or a pipe") {
		t.Errorf("--passes 2 over a pipe: exit %d, %s", code, stderr)
	}
}

// TestPassesRefuses: --passes with the flags it cannot go with is a usage error.
func TestPassesRefuses(t *testing.T) {
	replay := func(extra ...string) []string {
		return append([]string{"replay", "--trace", "{dir}/t.csv", "--out", "{dir}/out", "-q"}, extra...)
	}
	files := map[string]string{"t.csv": threeUtilities}
	both := "--passes bills one era of a plain replay, each pass on one core: not with --workers, --shard, --shards, --restaff or several eras (see spendsim replay --help)"
	runHostile(t, []hostileCase{
		{name: "zero", files: files, args: replay("--passes", "0"), code: 2, want: "--passes must be between 1 and 256, got 0 (see spendsim replay --help)"},
		{name: "too many", files: files, args: replay("--passes", "1000"), code: 2, want: "--passes must be between 1 and 256, got 1000 (see spendsim replay --help)"},
		{name: "workers", files: files, args: replay("--passes", "2", "--workers", "2"), code: 2, want: both},
		{name: "all eras", files: files, args: replay("--passes", "2", "--pricing", "all"), code: 2, want: both},
		{name: "shard", files: files, args: replay("--passes", "2", "--shard", "0/2"), code: 2, want: both},
		{name: "two passes", files: files, args: replay("--passes", "2"), check: func(t *testing.T, dir, _ string) {
			if got := replayTotal(t, filepath.Join(dir, "out")); got == "0.000000" {
				t.Errorf("total %s", got)
			}
		}},
	})
}

// TestHostileLimits: scenarios that validate accepted and that exhausted memory (issue
// 15, "Limits") are refused with the estimate; files with no size limit are capped.
func TestHostileLimits(t *testing.T) {
	small, err := os.ReadFile("../../scenarios/examples/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	base := string(small[:strings.Index(string(small), "sweep:")])
	grid := func(n int) string {
		vals := make([]string, n)
		for i := range vals {
			vals[i] = strconv.Itoa(i + 1)
		}
		return "sweep:\n  - {path: \"agents.shifts[0].headcount\", values: [" + strings.Join(vals, ", ") + "]}\n"
	}
	shifts64 := strings.Replace(base, "    - {name: weekday, start: \"09:00\", end: \"18:00\", headcount: 1}\n",
		strings.Repeat("    - {start: \"09:00\", end: \"18:00\", headcount: 1}\n", 64), 1)
	dims := func(first string) string {
		s := "sweep:\n" + first
		for i := len(strings.Split(first, "\n")) - 1; i < 64; i++ {
			s += fmt.Sprintf("  - {path: \"agents.shifts[%d].headcount\", values: [1, 2]}\n", i)
		}
		return s
	}
	validate := func(name string) []string { return []string{"validate", "{dir}/" + name, "--max-memory", "8GiB"} }
	cases := []struct {
		name, yaml string
		args       []string
		stdout     string // a line the validate output must hold
	}{
		{"2,147,483,647 customers", strings.Replace(base, "count: 5000", "count: 2147483647", 1), validate("s.yaml"),
			"s.yaml: needs up to "},
		{"1,000 points × 100,000 replications", strings.Replace(base, "days: 7", "days: 7\nreplications: 100000", 1) + grid(1000), validate("s.yaml"),
			"s.yaml: needs up to 1.7 TiB of memory, more than --max-memory 8.0 GiB: 1000 sweep points × 100000 replications"},
		{"1,000,000 points", base + "sweep_mode: lhs\nsamples: 1000000\nsweep:\n  - {path: \"agents.shifts[0].headcount\", min: 1, max: 50}\n", validate("s.yaml"),
			"s.yaml: needs up to 33.0 GiB of memory, more than --max-memory 8.0 GiB: 1000000 sweep points × 1 replication"},
		{"1e308 conversations a customer-month", strings.Replace(base, "conversations_per_customer_month: 0.5", "conversations_per_customer_month: 1e308", 1), validate("s.yaml"),
			"s.yaml:15:37: load.conversations_per_customer_month: must be at most 1000000 (one every 2.6 s), got 1e+308"},
		{"64 two-valued dimensions", shifts64 + dims(""), validate("s.yaml"),
			"s.yaml:88:1: sweep: the grid has more than 9.2e18 points (the product of every dimension's number of values), more than 1000000"},
		{"3·2^63 points", shifts64 + dims("  - {path: \"agents.concurrency\", values: [1, 2, 3]}\n"), validate("s.yaml"),
			"s.yaml:88:1: sweep: the grid has more than 9.2e18 points (the product of every dimension's number of values), more than 1000000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "s.yaml", c.yaml)
			args := make([]string, len(c.args))
			for i, a := range c.args {
				args[i] = strings.ReplaceAll(a, "{dir}", dir)
			}
			code, stdout, stderr := spendsim(t, args...)
			if code != 2 || !strings.Contains(stdout+stderr, c.stdout) || !strings.Contains(stderr, "1 of 1 files invalid") {
				t.Errorf("exit %d, want 2 and %q in\n%s%s", code, c.stdout, stdout, stderr)
			}
			// run refuses it too, before running anything.
			code, _, stderr = spendsim(t, "run", filepath.Join(dir, "s.yaml"), "--out", filepath.Join(dir, "out"), "--max-memory", "8GiB", "-q")
			if code != 2 || !strings.Contains(stderr, strings.TrimPrefix(c.stdout, "s.yaml: ")) {
				t.Errorf("run: exit %d, stderr %s", code, stderr)
			}
			if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
				t.Error("a refused run wrote its output folder")
			}
		})
	}

	// Files read whole have a size cap: /dev/zero ran out of memory.
	runHostile(t, []hostileCase{
		{name: "run /dev/zero", code: 1, args: []string{"run", "/dev/zero", "--out", "{dir}/out"},
			want: "/dev/zero: more than 4.0 MiB, the most a scenario file may be (is it the right file?): file too large"},
		{name: "--rates /dev/zero", code: 1, files: map[string]string{"t.csv": threeUtilities},
			args: []string{"replay", "--trace", "{dir}/t.csv", "--rates", "/dev/zero", "--out", "{dir}/out"},
			want: "/dev/zero: more than 64.0 MiB, the most a rate file may be (is it the right file?): file too large"},
		{name: "--tiers /dev/zero", code: 1, files: map[string]string{"t.csv": threeUtilities},
			args: []string{"replay", "--trace", "{dir}/t.csv", "--tiers", "/dev/zero", "--out", "{dir}/out"},
			want: "/dev/zero: more than 64.0 MiB, the most a tier file may be (is it the right file?): file too large"},
		{name: "--mapping /dev/zero", code: 2, // a mapping is part of the command line files: map[string]string{"t.csv": threeUtilities},
			args: []string{"replay", "--trace", "{dir}/t.csv", "--mapping", "/dev/zero", "--out", "{dir}/out"},
			want: "/dev/zero: more than 4.0 MiB, the most a column mapping may be (is it the right file?): file too large (see spendsim replay --help)"},
		{name: "--analytics /dev/zero", code: 1, files: map[string]string{"t.csv": threeUtilities},
			args: []string{"reconcile", "--trace", "{dir}/t.csv", "--analytics", "/dev/zero", "--out", "{dir}/out"},
			want: "/dev/zero: more than 256.0 MiB, the most an analytics file may be (is it the right file?): file too large"},
	})
}

// TestReconcileRefusesSlim: reconcile --replay of a replay written with --outputs
// messages-slim says the file lacks what it matches on, and how to get it.
func TestReconcileRefusesSlim(t *testing.T) {
	dir := t.TempDir()
	trace := writeFile(t, dir, "t.csv", threeUtilities)
	out := filepath.Join(dir, "slim")
	if code, _, stderr := spendsim(t, "replay", "--trace", trace, "--outputs", "bill,summary,messages-slim", "--out", out, "-q"); code != 0 {
		t.Fatal(stderr)
	}
	code, _, stderr := spendsim(t, "reconcile", "--replay", out, "--out", filepath.Join(dir, "rc"))
	if want := "is in the slim layout (--outputs messages-slim)"; code != 1 || !strings.Contains(stderr, want) || !strings.Contains(stderr, "--outputs messages (the default)") {
		t.Errorf("reconcile of a slim replay: exit %d, %s", code, stderr)
	}
}

// TestReconcileReplayWithoutMessages: reconcile --replay of a replay that wrote no
// messages.parquet (--outputs bill,summary) says so and how to get it; of a replay
// under several eras, that each era has its folder, naming them; of a folder that holds
// no replay, that it does not. Nothing is written.
func TestReconcileReplayWithoutMessages(t *testing.T) {
	dir := t.TempDir()
	trace := writeFile(t, dir, "t.csv", threeUtilities)
	bs, eras, shards, run := filepath.Join(dir, "bs"), filepath.Join(dir, "eras"), filepath.Join(dir, "shards"), filepath.Join(dir, "run")
	for _, args := range [][]string{{"--outputs", "bill,summary", "--out", bs}, {"--pricing", "cbp-2023,pmp-2025", "--out", eras}, {"--pricing", "pmp-2025", "--shard", "0/2", "--out", shards}} {
		if code, _, stderr := spendsim(t, append([]string{"replay", "--trace", trace, "-q"}, args...)...); code != 0 {
			t.Fatal(stderr)
		}
	}
	if code, _, stderr := spendsim(t, "run", "small", "--seed", "7", "--out", run, "-q"); code != 0 {
		t.Fatal(stderr)
	}
	for _, c := range []struct {
		replay string
		want   []string
	}{
		{bs, []string{"written without messages.parquet", "replay the trace again with messages in --outputs"}},
		{eras, []string{"a replay under several eras", "--replay " + filepath.Join(eras, "cbp-2023") + ", or --replay " + filepath.Join(eras, "pmp-2025")}},
		{dir, []string{"holds no replay", "give --replay the --out folder of a spendsim replay"}},
		{shards, []string{"holds the shards of a replay, not yet merged: run spendsim merge " + shards}},
		{run, []string{"holds the output of another command than replay", "give --replay the --out folder of a spendsim replay"}},
	} {
		rc := filepath.Join(dir, "rc")
		code, _, stderr := spendsim(t, "reconcile", "--replay", c.replay, "--out", rc)
		for _, want := range c.want {
			if code != 1 || !strings.Contains(stderr, want) {
				t.Errorf("reconcile --replay %s: exit %d, want 1 and %q: %s", c.replay, code, want, stderr)
			}
		}
		if _, err := os.Stat(rc); !os.IsNotExist(err) {
			t.Errorf("reconcile --replay %s left %s: %v", c.replay, rc, err)
		}
	}
}
