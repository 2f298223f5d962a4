//go:build linux

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spendsim/spendsim/internal/safefile"
)

// Faults a re-executed test binary (childEnv) puts on itself before it runs Main.
const (
	killAtEnv = "SPENDSIM_TEST_KILL_AT" // N: SIGKILL itself after the N-th rename or removal of internal/safefile
	fsizeEnv  = "SPENDSIM_TEST_FSIZE"   // N: no file may grow past N bytes (RLIMIT_FSIZE): writes fail as on a full disk
)

// childMain is the body of a re-executed test binary: Main on the arguments after
// "--", with the faults the environment asks for. It returns in the test process.
func childMain() {
	if os.Getenv(childEnv) != "1" {
		return
	}
	if n, err := strconv.Atoi(os.Getenv(killAtEnv)); err == nil {
		steps := 0
		safefile.AfterStep = func(string) {
			if steps++; steps == n {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {} // the signal is on its way
			}
		}
	}
	if n, err := strconv.ParseUint(os.Getenv(fsizeEnv), 10, 64); err == nil {
		var old syscall.Rlimit
		syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old)
		syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: old.Max})
	}
	os.Exit(Main(append([]string{"spendsim"}, flag.Args()...), os.Stdout, os.Stderr))
}

// child is spendsim run as another process: this test binary re-executed into test,
// running Main on args with the environment env added.
func child(test string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^" + test + "$", "--"}, args...)...)
	cmd.Env = append(append(os.Environ(), childEnv+"=1"), env...)
	return cmd
}

// exitCodeOf is a finished child's exit code, -1 if a signal killed it.
func exitCodeOf(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -2
}

// outSet is what a reader finds in an output folder: the manifest's run (its args
// and seed, which tell two sets apart), the files it lists with their digests, and
// every file there, hidden ones (the machinery) apart.
type outSet struct {
	complete bool              // a manifest, and every file it lists, with its digest
	tag      string            // the manifest's args and seed
	listed   map[string]string // path → SHA-256, from the manifest
	files    map[string]string // every visible file → its SHA-256
	hidden   []string          // .spendsim.lock, staging and commit folders, temporaries
}

func readOut(t *testing.T, dir string) outSet {
	t.Helper()
	o := outSet{files: map[string]string{}}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if strings.HasPrefix(d.Name(), ".") {
			o.hidden = append(o.hidden, rel)
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() {
			b, _ := os.ReadFile(p)
			h := sha256.Sum256(b)
			o.files[filepath.ToSlash(rel)] = hex.EncodeToString(h[:])
		}
		return nil
	})
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return o
	}
	var m struct {
		Args  []string
		Seed  *uint64
		Files []safefile.FileSum
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s/manifest.json: %v", dir, err)
	}
	o.tag = fmt.Sprint(m.Args)
	if m.Seed != nil {
		o.tag += fmt.Sprint(" seed ", *m.Seed)
	}
	o.listed = map[string]string{"manifest.json": o.files["manifest.json"]}
	o.complete = true
	for _, f := range m.Files {
		o.listed[f.Path] = f.SHA256
		if o.files[f.Path] != f.SHA256 {
			o.complete = false
		}
	}
	return o
}

// checkOneSet fails unless dir holds exactly one complete set (nothing visible but its
// files: others, if given, are files that are not the set's and may stay) and none of
// the machinery; it returns the set.
func checkOneSet(t *testing.T, dir string, others ...string) outSet {
	t.Helper()
	o := readOut(t, dir)
	if !o.complete {
		t.Fatalf("%s holds no complete set: files %v", dir, keys(o.files))
	}
	for f := range o.files {
		if _, ok := o.listed[f]; !ok && !slices.Contains(others, f) {
			t.Errorf("%s: %s is not a file of its set", dir, f)
		}
	}
	if len(o.hidden) > 0 {
		t.Errorf("%s: left behind %v", dir, o.hidden)
	}
	return o
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// tinyScenario is 1 run of a few hundred customers over 2 days: a tenth of a second.
const tinyScenario = `name: tiny
start: 2025-09-01
days: 2
replications: 1
customers:
  count: 300
  countries: [{country: BR, share: 1}]
load:
  conversations_per_customer_month: 3
agents:
  shifts:
    - {start: "09:00", end: "17:00", headcount: 1}
`

const oldTrace = `ts,user,direction,type,category,status
2025-09-01T10:00:00Z,5511987654321,user,,,
2025-09-01T10:05:00Z,5511987654321,business,text,,delivered
2025-09-01T10:07:00Z,5511987654321,business,template,marketing,delivered
`

const newTrace = `ts,user,direction,type,category,status
2025-09-02T10:00:00Z,919876543210,business,template,authentication,delivered
2025-09-02T11:00:00Z,5511987654321,business,template,utility,delivered
2025-09-03T10:00:00Z,5511987654321,business,template,marketing,read
`

// mediumScenario is killScenario with 16 runs: a second or two on one worker, long
// enough to be caught at work.
var mediumScenario = strings.Replace(killScenario, "replications: 24", "replications: 8", 1)

// crashCase is a command whose output set replaces another one's in the same folder.
type crashCase struct {
	name     string
	old, new []string // the commands, --out to be added
	// fsize is a file-size limit that new cannot write its set under (TestDiskFull).
	fsize int
}

func crashCases(t *testing.T, dir string) []crashCase {
	sc := writeFile(t, dir, "tiny.yaml", tinyScenario)
	a, b := writeFile(t, dir, "a.csv", oldTrace), writeFile(t, dir, "b.csv", newTrace)
	return []crashCase{
		// 100 KB: the checkpoint, runs.parquet and the plots fit, report.html does not.
		{"run", []string{"run", sc, "--seed", "1", "-q"}, []string{"run", sc, "--seed", "2", "-q"}, 100 << 10},
		// 2 KB: summary.json fits, messages.parquet does not.
		{"replay", []string{"replay", "--trace", a, "-q"}, []string{"replay", "--trace", b, "-q"}, 2 << 10},
	}
}

// TestCrashAtEveryRename kills a writer (SIGKILL, in another process) after each
// rename and removal it makes in its output folder — every file of the new set, the
// checkpoint's, the set moved in, every file of the old set removed — while it
// replaces an earlier result. After each kill the folder must hold the old set whole,
// the new set whole, or no manifest, and never files of both; once the next command
// there has cleaned up, one set whole; and after that command, the new set whole
// with no temporary, staging folder, checkpoint or lock left.
func TestCrashAtEveryRename(t *testing.T) {
	childMain()
	if testing.Short() {
		t.Skip("runs dozens of processes")
	}
	dir := t.TempDir()
	for _, c := range crashCases(t, dir) {
		t.Run(c.name, func(t *testing.T) {
			// The sets before and after, written undisturbed.
			ref := func(name string, args []string) outSet {
				out := filepath.Join(dir, c.name+"-"+name)
				if code, _, errOut := spendsim(t, append(args, "--out", out)...); code != 0 {
					t.Fatalf("%v: exit %d: %s", args, code, errOut)
				}
				return checkOneSet(t, out)
			}
			oldSet, newSet := ref("old", c.old), ref("new", c.new)
			for at := 1; ; at++ {
				out := filepath.Join(dir, fmt.Sprintf("%s-%d", c.name, at))
				copyDir(t, filepath.Join(dir, c.name+"-old"), out)
				cmd := child("TestCrashAtEveryRename", []string{killAtEnv + "=" + strconv.Itoa(at)}, append(c.new, "--out", out)...)
				got, err := cmd.CombinedOutput()
				if err == nil {
					t.Logf("%s: killed after each of its %d renames and removals", c.name, at-1)
					checkOneSet(t, out)
					break
				}
				if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
					t.Fatalf("killed at step %d: %v: %s", at, err, got)
				}
				// What a reader sees right after the kill.
				o := readOut(t, out)
				var fromOld, fromNew []string
				for f, sum := range o.files {
					switch {
					case oldSet.files[f] == sum && newSet.files[f] == sum:
					case oldSet.files[f] == sum:
						fromOld = append(fromOld, f)
					case newSet.files[f] == sum:
						fromNew = append(fromNew, f)
					default:
						t.Errorf("killed at step %d: %s is of neither set", at, f)
					}
				}
				switch {
				case o.complete && o.tag != oldSet.tag && o.tag != newSet.tag:
					t.Errorf("killed at step %d: a manifest of neither set", at)
				case o.complete && len(o.files) != len(o.listed):
					t.Errorf("killed at step %d: the set of %s beside other files: %v", at, o.tag, keys(o.files))
				case len(fromOld) > 0 && len(fromNew) > 0:
					t.Errorf("killed at step %d: files of the old set %v beside files of the new %v", at, fromOld, fromNew)
				}
				// The next command in the folder cleans up first (safefile.OpenSet: a set
				// moved in halfway is finished, staging folders and temporaries go), which
				// leaves the old set or the new one whole; then it writes its own.
				s, err := safefile.OpenSet(out)
				if err != nil {
					t.Fatalf("after the kill at step %d: %v", at, err)
				}
				s.Close()
				o = readOut(t, out)
				switch {
				case !o.complete || len(o.files) != len(o.listed):
					t.Errorf("killed at step %d, cleaned up: no complete set alone: %v", at, keys(o.files))
				case !equalMaps(o.files, oldSet.files) && !equalMaps(o.files, newSet.files):
					t.Errorf("killed at step %d, cleaned up: %v, neither set", at, keys(o.files))
				case len(o.hidden) > 1 || len(o.hidden) == 1 && o.hidden[0] != ".partial":
					t.Errorf("killed at step %d, cleaned up: left %v", at, o.hidden)
				}
				if c.name == "run" && at%8 != 0 {
					continue // a run takes a while: its own next run is checked every 8 steps
				}
				if code, _, errOut := spendsim(t, append(c.new, "--out", out)...); code != 0 {
					t.Fatalf("after the kill at step %d: exit %d: %s", at, code, errOut)
				}
				if o := checkOneSet(t, out); o.tag != newSet.tag || !equalMaps(o.files, newSet.files) {
					t.Errorf("after the kill at step %d, the next run: %v, want the files of the new set", at, keys(o.files))
				}
			}
		})
	}
}

// copyDir copies the files of the folder from (no subfolders) into a new folder to.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	es, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(to, 0o755)
	for _, e := range es {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// startAtWork starts cmd and waits until a file matching glob appears, a sign that
// the command is at work; it returns the channel cmd's end comes on.
func startAtWork(t *testing.T, cmd *exec.Cmd, glob string) <-chan error {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m, _ := filepath.Glob(glob); len(m) > 0 {
			return exited
		}
		select {
		case err := <-exited:
			t.Fatalf("%v ended (%v) before %s appeared", cmd.Args, err, glob)
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("%v: no %s in 60 s", cmd.Args, glob)
		}
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestConcurrentWriters: while one command writes to a folder, a second one writing
// there fails at once, naming the first, and the first completes its set; the same for
// a shard started twice, and for merge while a shard still runs.
func TestConcurrentWriters(t *testing.T) {
	childMain()
	if testing.Short() {
		t.Skip("runs a sweep of a few seconds in another process")
	}
	dir := t.TempDir()
	sc := writeFile(t, dir, "medium.yaml", mediumScenario)
	trace := writeFile(t, dir, "a.csv", oldTrace)
	for _, tc := range []struct {
		name        string
		first       []string
		second      []string
		lockedWhen  string // a file whose appearance says the first holds its lock
		wantErr     string
		othersAfter []string // files beside the set once the first is done
	}{
		{"run then replay", []string{"run", sc, "--workers", "1", "-q"}, []string{"replay", "--trace", trace, "-q"},
			".partial/all", "is being written by another spendsim command (process ", nil},
		{"shard twice", []string{"run", sc, "--shard", "0/2", "--workers", "1", "-q"}, []string{"run", sc, "--shard", "0/2", "-q"},
			".partial/shard-0-of-2", "(shard-0-of-2) is being written by another spendsim command (process ", nil},
		{"merge while a shard runs", []string{"run", sc, "--shard", "1/2", "--workers", "1", "-q"}, []string{"merge"},
			".partial/shard-1-of-2", "is being written by another spendsim command", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			first := child("TestConcurrentWriters", nil, append(tc.first, "--out", out)...)
			var stderr strings.Builder
			first.Stderr = &stderr
			exited := startAtWork(t, first, filepath.Join(out, tc.lockedWhen))
			args := append(tc.second, "--out", out)
			if tc.second[0] == "merge" {
				args = []string{"merge", out}
			}
			started := time.Now()
			code, _, errOut := spendsim(t, args...)
			if code != exitFailure || !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("the second command: exit %d, %q; want exit 1 and %q", code, errOut, tc.wantErr)
			}
			if d := time.Since(started); d > 2*time.Second {
				t.Errorf("the second command took %v to fail; it should not wait", d)
			}
			if err := <-exited; err != nil {
				t.Fatalf("the first command: %v: %s", err, stderr.String())
			}
			if !strings.HasPrefix(tc.first[2], "--shard") {
				checkOneSet(t, out)
			}
		})
	}
}

// TestDiskFull: a command that runs out of disk (here: a file-size limit, which fails
// the write as a full disk does) exits 1 and leaves the folder as it was: the previous
// set whole, or no folder at all where there was none; a run keeps the runs it had
// finished, in .partial, and says how to go on from them.
func TestDiskFull(t *testing.T) {
	childMain()
	if testing.Short() {
		t.Skip("runs processes")
	}
	dir := t.TempDir()
	for _, c := range crashCases(t, dir) {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, c.name)
			if code, _, errOut := spendsim(t, append(c.old, "--out", out)...); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			before := checkOneSet(t, out)
			fresh := filepath.Join(dir, c.name+"-fresh")
			for _, o := range []string{out, fresh} {
				cmd := child("TestDiskFull", []string{fsizeEnv + "=" + strconv.Itoa(c.fsize)}, append(c.new, "--out", o)...)
				got, err := cmd.CombinedOutput()
				if exitCodeOf(err) != exitFailure || !strings.Contains(string(got), "file too large") {
					t.Errorf("%s: exit %d: %s; want exit 1 on a write error", o, exitCodeOf(err), got)
				}
				if c.name == "run" && !strings.Contains(string(got), "run again with --resume") {
					t.Errorf("%s: %s; want how to go on", o, got)
				}
			}
			var kept []string
			if c.name == "run" {
				kept = []string{".partial"}
			}
			if after := readOut(t, out); !after.complete || after.tag != before.tag || !equalMaps(after.files, before.files) || !slices.Equal(after.hidden, kept) {
				t.Errorf("after a full disk %s holds %v (hidden %v) of %s, want the previous set", out, keys(after.files), after.hidden, after.tag)
			}
			if after := readOut(t, fresh); len(after.files) > 0 || !slices.Equal(after.hidden, kept) {
				t.Errorf("a command that failed on a full disk left %v (hidden %v) in %s", keys(after.files), after.hidden, fresh)
			}
		})
	}
}

// TestNoLinksInsideOut: a symbolic link inside --out is never followed: run does not
// empty a folder outside through a .partial link, and a shard does not write its part
// through a runs/ link.
func TestNoLinksInsideOut(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "tiny.yaml", tinyScenario)
	outside := filepath.Join(dir, "outside")
	keep := filepath.Join(outside, "all", "keep.gob")
	os.MkdirAll(filepath.Dir(keep), 0o755)
	os.WriteFile(keep, []byte("not spendsim's"), 0o644)
	for _, tc := range []struct{ link, shard string }{{".partial", ""}, {"runs", "0/2"}} {
		out := filepath.Join(dir, "out-"+tc.link)
		os.MkdirAll(out, 0o755)
		if err := os.Symlink(outside, filepath.Join(out, tc.link)); err != nil {
			t.Fatal(err)
		}
		args := []string{"run", sc, "--seed", "1", "--out", out, "-q"}
		if tc.shard != "" {
			args = append(args, "--shard", tc.shard)
		}
		code, _, errOut := spendsim(t, args...)
		if code != exitFailure || !strings.Contains(errOut, filepath.Join(out, tc.link)+" is a symbolic link") {
			t.Errorf("a %s link: exit %d, %q", tc.link, code, errOut)
		}
		if b, err := os.ReadFile(keep); string(b) != "not spendsim's" {
			t.Errorf("a %s link: the file outside is %q, %v", tc.link, b, err)
		}
		if es, _ := os.ReadDir(outside); len(es) != 1 {
			t.Errorf("a %s link: written through: %v", tc.link, es)
		}
	}
}

// TestStaleTempsCleaned: the temporaries and staging folders that killed commands left
// in --out (an older spendsim's .messages.parquet.tmp-N and .summary.json.tmp-N, whose
// writers renamed their files one by one into the folder itself) go with the next
// command that writes there; the user's own files stay.
func TestStaleTempsCleaned(t *testing.T) {
	dir := t.TempDir()
	trace := writeFile(t, dir, "a.csv", oldTrace)
	out := filepath.Join(dir, "out")
	os.MkdirAll(filepath.Join(out, ".spendsim-staging-123"), 0o755)
	for _, f := range []string{".messages.parquet.tmp-4079971915", ".summary.json.tmp-12", ".spendsim-staging-123/runs.parquet", ".spendsim.lock", "notes.txt"} {
		writeFile(t, out, f, "left")
	}
	if code, _, errOut := spendsim(t, "replay", "--trace", trace, "--out", out, "-q"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	checkOneSet(t, out, "notes.txt")
}
