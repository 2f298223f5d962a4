package safefile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeSet writes files (name → content) as dir's new set, with a manifest listing
// them and tagged with run, and commits it.
func writeSet(t *testing.T, dir, run string, files map[string]string) {
	t.Helper()
	s, err := OpenSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := stage(s, run, files); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
}

// stage writes files and the manifest into s, as a command does before Commit.
func stage(s *Set, run string, files map[string]string) error {
	for name, body := range files {
		if filepath.Dir(name) != "." {
			if err := os.MkdirAll(filepath.Dir(s.Path(name)), 0o755); err != nil {
				return err
			}
		}
		if err := WriteFile(s.Path(name), []byte(body)); err != nil {
			return err
		}
	}
	sums, err := s.Files()
	if err != nil {
		return err
	}
	m, _ := json.Marshal(map[string]any{"run": run, "files": sums})
	return WriteFile(s.Path(ManifestName), m)
}

// checkComplete fails unless dir holds exactly one complete set: a manifest, every
// file it lists with its digest, and nothing else but names in others; it returns the
// manifest's run tag.
func checkComplete(t *testing.T, dir string, others ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		t.Fatalf("no manifest: %v", err)
	}
	var m struct {
		Run   string
		Files []FileSum
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := []string{ManifestName}
	for _, f := range m.Files {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Fatalf("manifest of %s lists %s: %v", m.Run, f.Path, err)
		}
		if h := sha256.Sum256(data); hex.EncodeToString(h[:]) != f.SHA256 || int64(len(data)) != f.Bytes {
			t.Errorf("%s is not the file the manifest of %s lists", f.Path, m.Run)
		}
		want = append(want, f.Path)
	}
	got := walk(t, dir)
	want = append(want, others...)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s holds %v, want the set of %s: %v", dir, got, m.Run, want)
	}
	return m.Run
}

// walk lists every file under dir, folders left out, with forward slashes.
func walk(t *testing.T, dir string) []string {
	t.Helper()
	var got []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			got = append(got, filepath.ToSlash(rel))
		}
		return err
	})
	slices.Sort(got)
	return got
}

var (
	setA = map[string]string{"runs.parquet": "A runs", "summary.json": "A summary", "outbound.png": "A only", "sub/x.txt": "A sub"}
	setB = map[string]string{"runs.parquet": "B runs", "summary.json": "B summary", "report.html": "B only"}
)

// TestSetReplacesWhole: a new set replaces the previous one file for file, the files
// only the previous one had included; what is not of either set stays; nothing of the
// machinery is left.
func TestSetReplacesWhole(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	writeSet(t, dir, "A", setA)
	if run := checkComplete(t, dir); run != "A" {
		t.Fatalf("set of %s", run)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("the user's"), 0o644)
	writeSet(t, dir, "B", setB)
	if run := checkComplete(t, dir, "notes.txt"); run != "B" {
		t.Fatalf("set of %s", run)
	}
	if _, err := os.Stat(filepath.Join(dir, "sub")); err != nil {
		t.Logf("the emptied folder sub is kept: %v", err)
	}
}

// TestSetCloseKeepsPrevious: a set closed without Commit leaves the previous set as it
// was, and a folder OpenSet created is removed.
func TestSetCloseKeepsPrevious(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	writeSet(t, dir, "A", setA)
	s, err := OpenSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(s.Path("runs.parquet"), []byte("half of B")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s.Close()
	if run := checkComplete(t, dir); run != "A" {
		t.Errorf("set of %s", run)
	}
	fresh := filepath.Join(t.TempDir(), "new", "out")
	s, err = OpenSet(fresh)
	if err != nil {
		t.Fatal(err)
	}
	WriteFile(s.Path("runs.parquet"), []byte("x"))
	s.Close()
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Errorf("a failed first set left %s: %v", fresh, err)
	}
	// Nor the parents it made for it (out/a/b left out/a behind); a parent that was
	// there stays.
	if _, err := os.Stat(filepath.Dir(fresh)); !os.IsNotExist(err) {
		t.Errorf("a failed first set left its parent %s: %v", filepath.Dir(fresh), err)
	}
	if _, err := os.Stat(filepath.Dir(filepath.Dir(fresh))); err != nil {
		t.Errorf("the temp folder that was there went: %v", err)
	}
	if err := s.Commit(); err == nil {
		t.Error("Commit after Close succeeded")
	}
}

// TestSetLock: a second writer of a folder fails at once, naming the holder; the lock
// goes with Close; a folder being filled by parts (shards) cannot take a set, and a
// part cannot be locked twice.
func TestSetLock(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = OpenSet(dir)
	var busy *BusyError
	if !errors.As(err, &busy) || busy.PID != os.Getpid() || !strings.Contains(err.Error(), fmt.Sprintf("%s is being written by another spendsim command (process %d)", dir, os.Getpid())) {
		t.Errorf("second writer: %v", err)
	}
	if _, err := LockPart(dir, "shard-0-of-2"); !errors.As(err, &busy) {
		t.Errorf("a part while the set is open: %v", err)
	}
	s.Close()
	if got := walk(t, dir); len(got) != 0 {
		t.Errorf("after Close: %v", got)
	}

	p0, err := LockPart(dir, "shard-0-of-2")
	if err != nil {
		t.Fatal(err)
	}
	p1, err := LockPart(dir, "shard-1-of-2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LockPart(dir, "shard-1-of-2"); !errors.As(err, &busy) || !strings.Contains(err.Error(), "(shard-1-of-2)") {
		t.Errorf("the same part twice: %v", err)
	}
	if _, err := OpenSet(dir); !errors.As(err, &busy) {
		t.Errorf("a set while parts are written: %v", err)
	}
	p0.Release()
	p1.Release()
	p1.Release()
	if got := walk(t, dir); len(got) != 0 {
		t.Errorf("after the parts: %v", got)
	}
	if s, err = OpenSet(dir); err != nil {
		t.Errorf("after the parts: %v", err)
	}
	s.Close()
}

// killed stands for the process dying: the panic stops the commit where it is, and
// the lock is let go as the kernel would, without any cleaning up.
type killed struct{}

// killedAt opens a set in dir, stages it with fill and commits it, killing the process
// (killed) after step at of the renames and removals on the way. It says whether the
// kill came before the commit returned (died) and whether the commit point was passed.
func killedAt(t *testing.T, at int, dir string, fill func(*Set) error) (died, committed bool) {
	t.Helper()
	steps := 0
	AfterStep = func(p string) {
		committed = committed || filepath.Base(p) == commitName
		if steps++; steps == at {
			panic(killed{})
		}
	}
	defer func() { AfterStep = nil }()
	var s *Set
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(killed); !ok {
				panic(r)
			}
			died = true
			if s != nil {
				s.lock.f.Close() // the kernel's part
			}
		}
	}()
	var err error
	if s, err = OpenSet(dir); err != nil {
		t.Fatal(err)
	}
	if err := fill(s); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return false, committed
}

// TestSetKilledAtEveryStep kills a commit after each of its steps (every rename and
// removal) and checks that the folder then holds set A or set B, whole, or no
// manifest and no file of A beside one of B; and that the next writer finishes what
// was left so that the folder holds B whole, and no trace of the machinery.
func TestSetKilledAtEveryStep(t *testing.T) {
	for at := 1; ; at++ {
		dir := filepath.Join(t.TempDir(), "out")
		writeSet(t, dir, "A", setA)
		died, committed := killedAt(t, at, dir, func(s *Set) error { return stage(s, "B", setB) })
		if !died {
			t.Logf("a commit has %d steps; killed after each", at-1)
			return
		}
		// What a reader sees right after the kill.
		if _, err := os.Stat(filepath.Join(dir, ManifestName)); err == nil {
			checkComplete(t, dir, hidden(t, dir)...)
		} else {
			var a, b bool
			for _, f := range walk(t, dir) {
				if body, _ := os.ReadFile(filepath.Join(dir, f)); !strings.HasPrefix(f, ".") {
					a = a || strings.HasPrefix(string(body), "A ")
					b = b || strings.HasPrefix(string(body), "B ")
				}
			}
			if a && b {
				t.Errorf("killed at step %d: files of A and of B side by side: %v", at, walk(t, dir))
			}
		}
		// The next writer cleans up first.
		next, err := OpenSet(dir)
		if err != nil {
			t.Fatal(err)
		}
		next.Close()
		want := "A"
		if committed {
			want = "B"
		}
		if run := checkComplete(t, dir); run != want {
			t.Errorf("killed at step %d, then cleaned: the set of %s, want %s", at, run, want)
		}
	}
}

// hidden lists the files of the machinery in dir (staging, commit, lock).
func hidden(t *testing.T, dir string) []string {
	var out []string
	for _, f := range walk(t, dir) {
		if strings.HasPrefix(f, ".") {
			out = append(out, f)
		}
	}
	return out
}

// TestSetNoLinks: a link inside the folder is never followed, for a removal or a
// write; a manifest naming a path outside the folder removes nothing there.
func TestSetNoLinks(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(root, "outside")
	os.MkdirAll(outside, 0o755)
	os.WriteFile(filepath.Join(outside, "x.txt"), []byte("keep"), 0o644)
	os.WriteFile(filepath.Join(outside, "runs.parquet"), []byte("keep"), 0o644)
	dir := filepath.Join(root, "out")
	writeSet(t, dir, "A", map[string]string{"a.txt": "A a"})
	// A previous manifest that lists files through a link and outside the folder.
	os.Symlink(outside, filepath.Join(dir, "sub"))
	m, _ := json.Marshal(map[string]any{"files": []FileSum{{Path: "sub/x.txt"}, {Path: "../outside/runs.parquet"}}})
	os.WriteFile(filepath.Join(dir, ManifestName), m, 0o644)
	s, err := OpenSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	stage(s, "B", map[string]string{"b.txt": "B b"})
	if err := s.Commit(); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("a previous set's file through a link: %v", err)
	}
	s.Close()
	for _, f := range []string{"x.txt", "runs.parquet"} {
		if b, err := os.ReadFile(filepath.Join(outside, f)); string(b) != "keep" {
			t.Errorf("%s outside the folder: %q, %v", f, b, err)
		}
	}
	if _, err := MkdirInside(dir, "sub/shard=0"); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("MkdirInside through a link: %v", err)
	}
	if _, err := Inside(dir, "../x"); err == nil {
		t.Error("Inside accepted ../x")
	}
}

// TestRemoveTemps: the temporaries of killed writers go; other files, and another
// file's temporaries for RemoveTemps, stay.
func TestRemoveTemps(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{".a.csv.tmp-123", ".b.json.tmp-9", ".a.csv.tmp-x", "a.csv", ".hidden", "a.tmp-1"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	if err := RemoveTemps(filepath.Join(dir, "a.csv")); err != nil {
		t.Fatal(err)
	}
	if got := walk(t, dir); !slices.Equal(got, []string{".a.csv.tmp-x", ".b.json.tmp-9", ".hidden", "a.csv", "a.tmp-1"}) {
		t.Errorf("after RemoveTemps: %v", got)
	}
	if err := RemoveTempsIn(dir); err != nil {
		t.Fatal(err)
	}
	if got := walk(t, dir); !slices.Equal(got, []string{".a.csv.tmp-x", ".hidden", "a.csv", "a.tmp-1"}) {
		t.Errorf("after RemoveTempsIn: %v", got)
	}
	l, err := LockFile(filepath.Join(dir, "a.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LockFile(filepath.Join(dir, "a.csv")); err == nil {
		t.Error("a file locked twice")
	}
	l.Release()
}

// TestAbandon: what a process is writing when it must exit at once (a file, a set, a
// locked file) is removed, and its locks go; a previous set stays whole.
func TestAbandon(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	writeSet(t, dir, "A", setA)
	s, err := OpenSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(s.Path("runs.parquet"), []byte("B runs")); err != nil {
		t.Fatal(err)
	}
	half, err := Create(s.Path("summary.json"), 0)
	if err != nil {
		t.Fatal(err)
	}
	half.WriteString("B sum")
	single := filepath.Join(t.TempDir(), "gen.csv")
	l, err := LockFile(single)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Create(single, 0)
	if err != nil {
		t.Fatal(err)
	}
	Abandon()
	if run := checkComplete(t, dir); run != "A" {
		t.Errorf("set of %s", run)
	}
	if got := walk(t, filepath.Dir(single)); len(got) != 0 {
		t.Errorf("beside %s: %v", single, got)
	}
	// What the owners do afterwards (if the process has not exited yet) is harmless.
	f.Abort()
	half.Abort()
	l.Release()
	s.Close()
	if s, err = OpenSet(dir); err != nil {
		t.Errorf("after Abandon the folder is still locked: %v", err)
	} else {
		s.Close()
	}
}

// TestTempDirAbandon: a temporary folder is removed by its remove, or by Abandon when a
// signal ends the process first (a replay in passes stopped mid-way).
func TestTempDirAbandon(t *testing.T) {
	base := t.TempDir()
	a, removeA, err := TempDir(base, "passes-*")
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := TempDir(base, "passes-*")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{a, b} {
		if err := os.WriteFile(filepath.Join(d, "part"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	removeA()
	Abandon()
	if left, _ := os.ReadDir(base); len(left) != 0 {
		t.Errorf("left %d folders in the temporary folder", len(left))
	}
	if _, _, err := TempDir(filepath.Join(base, "missing"), "x-*"); err == nil {
		t.Error("a temporary folder in a folder that does not exist")
	}
}

// commitNesting commits into dir a set of files tagged run that nests the sets of the
// folders subs (Set.Nest), and returns Commit's error.
func commitNesting(t *testing.T, dir, run string, files map[string]string, subs ...string) error {
	t.Helper()
	s, err := OpenSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, sub := range subs {
		s.Nest(sub)
	}
	if err := stage(s, run, files); err != nil {
		t.Fatal(err)
	}
	return s.Commit()
}

// TestSetNested: a set that nests the sets of folders inside it (a replay's era
// folders) lists their manifests; the set that replaces it removes the nested sets it
// does not nest again, folder and all, and keeps those it nests again and a folder the
// user made beside them.
func TestSetNested(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	writeSet(t, filepath.Join(dir, "cbp"), "cbp", map[string]string{"bill.parquet": "A cbp bill", "summary.json": "A cbp"})
	writeSet(t, filepath.Join(dir, "pmp"), "pmp", map[string]string{"bill.parquet": "A pmp bill"})
	writeSet(t, filepath.Join(dir, "mine"), "mine", map[string]string{"bill.parquet": "the user's own run"})
	nested := func(run string, files map[string]string, subs ...string) {
		t.Helper()
		if err := commitNesting(t, dir, run, files, subs...); err != nil {
			t.Fatal(err)
		}
	}
	nested("A", map[string]string{"eras.json": "A eras"}, "cbp", "pmp")
	mine := []string{"mine/bill.parquet", "mine/manifest.json"}
	checkComplete(t, dir, append([]string{"cbp/bill.parquet", "cbp/summary.json", "pmp/bill.parquet"}, mine...)...)

	writeSet(t, filepath.Join(dir, "pmp"), "pmp", map[string]string{"bill.parquet": "B pmp bill"})
	nested("B", map[string]string{"eras.json": "B eras"}, "pmp")
	if _, err := os.Stat(filepath.Join(dir, "cbp")); !os.IsNotExist(err) {
		t.Errorf("the era folder the new set does not nest is still there: %v", err)
	}
	checkComplete(t, dir, append([]string{"pmp/bill.parquet"}, mine...)...)
	if run := checkComplete(t, filepath.Join(dir, "pmp")); run != "pmp" {
		t.Errorf("pmp holds the set of %s", run)
	}

	writeSet(t, dir, "C", map[string]string{"summary.json": "C summary"})
	if got, want := walk(t, dir), []string{"manifest.json", "mine/bill.parquet", "mine/manifest.json", "summary.json"}; !slices.Equal(got, want) {
		t.Errorf("after a set nesting none: %v, want %v", got, want)
	}
}

// TestSetNestedNotOurs: a nested set the previous set recorded is removed only while it
// is that set. A folder the user has since written a set of their own into (another
// manifest), or replaced by a link to another disk, is left as it is, and the new set
// commits whole; a file of the previous set reached only through a link is refused
// before the commit point, leaving the previous set whole.
func TestSetNestedNotOurs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	nestedRun := func(run string, subs ...string) error {
		t.Helper()
		return commitNesting(t, dir, run, map[string]string{"eras.json": run + " eras"}, subs...)
	}
	writeSet(t, filepath.Join(dir, "cbp"), "cbp", map[string]string{"bill.parquet": "A cbp bill"})
	writeSet(t, filepath.Join(dir, "pmp"), "pmp", map[string]string{"bill.parquet": "A pmp bill"})
	if err := nestedRun("A", "cbp", "pmp"); err != nil {
		t.Fatal(err)
	}
	// The user's own replay into cbp/, and pmp/ moved to another disk behind a link.
	writeSet(t, filepath.Join(dir, "cbp"), "mine", map[string]string{"summary.json": "the user's own"})
	elsewhere := filepath.Join(t.TempDir(), "pmp")
	if err := os.Rename(filepath.Join(dir, "pmp"), elsewhere); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(elsewhere, filepath.Join(dir, "pmp")); err != nil {
		t.Fatal(err)
	}
	if err := nestedRun("B"); err != nil {
		t.Fatalf("a set dropping era folders that are no longer its own: %v", err)
	}
	if run := checkComplete(t, dir, "cbp/manifest.json", "cbp/summary.json", "pmp"); run != "B" {
		t.Errorf("the folder holds the set of %s, want B", run)
	}
	if run := checkComplete(t, filepath.Join(dir, "cbp")); run != "mine" {
		t.Errorf("cbp/ holds the set of %s, want the user's own", run)
	}
	if run := checkComplete(t, elsewhere); run != "pmp" {
		t.Errorf("the linked folder holds the set of %s, want pmp's, untouched", run)
	}

	// A file of the previous set under a link: refused before anything moves.
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := OpenSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := stage(s, "C", map[string]string{"sub/x.json": "C x"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	moved := filepath.Join(t.TempDir(), "sub")
	if err := os.Rename(filepath.Join(dir, "sub"), moved); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(moved, filepath.Join(dir, "sub")); err != nil {
		t.Fatal(err)
	}
	if err := nestedRun("D"); err == nil || !strings.Contains(err.Error(), "is a symbolic link") {
		t.Fatalf("a set replacing a file under a link: %v; want it refused", err)
	}
	// The walk does not follow the link, so C is checked by hand: its manifest, its file
	// through the link, and nothing of D's, not even a commit begun.
	if got, want := walk(t, dir), []string{"cbp/manifest.json", "cbp/summary.json", "manifest.json", "pmp", "sub"}; !slices.Equal(got, want) {
		t.Errorf("after the refusal: %v, want %v", got, want)
	}
	if b, err := os.ReadFile(filepath.Join(dir, ManifestName)); err != nil || !strings.Contains(string(b), `"run":"C"`) {
		t.Errorf("after the refusal the manifest is not C's: %s, %v", b, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "sub", "x.json")); err != nil || string(b) != "C x" {
		t.Errorf("after the refusal C's file reads %q, %v", b, err)
	}
}

// TestSetNestedKilledAtEveryStep kills, after each of its steps, a commit that drops a
// nested set (cbp) and keeps another (pmp): right after the kill the dropped folder
// holds its set whole or has lost its manifest (it goes first), and the next writer
// finishes the commit or keeps the previous set, with cbp whole or gone accordingly.
func TestSetNestedKilledAtEveryStep(t *testing.T) {
	for at := 1; ; at++ {
		dir := filepath.Join(t.TempDir(), "out")
		writeSet(t, filepath.Join(dir, "cbp"), "cbp", map[string]string{"bill.parquet": "A cbp bill", "summary.json": "A cbp"})
		writeSet(t, filepath.Join(dir, "pmp"), "pmp", map[string]string{"bill.parquet": "A pmp bill"})
		if err := commitNesting(t, dir, "A", map[string]string{"eras.json": "A eras"}, "cbp", "pmp"); err != nil {
			t.Fatal(err)
		}
		died, committed := killedAt(t, at, dir, func(s *Set) error {
			s.Nest("pmp")
			return stage(s, "B", map[string]string{"eras.json": "B eras"})
		})
		if !died {
			t.Logf("a commit dropping a nested set has %d steps; killed after each", at-1)
			return
		}
		cbp := filepath.Join(dir, "cbp")
		if _, err := os.Stat(filepath.Join(cbp, ManifestName)); err == nil {
			if run := checkComplete(t, cbp); run != "cbp" {
				t.Errorf("killed at step %d: cbp/ holds the set of %s", at, run)
			}
		}
		next, err := OpenSet(dir)
		if err != nil {
			t.Fatal(err)
		}
		next.Close()
		pmp := []string{"pmp/bill.parquet"}
		if committed {
			if run := checkComplete(t, dir, pmp...); run != "B" {
				t.Errorf("killed at step %d after the commit point, then cleaned: the set of %s, want B", at, run)
			}
			if _, err := os.Stat(cbp); !os.IsNotExist(err) {
				t.Errorf("killed at step %d after the commit point, then cleaned: cbp/ is still there: %v", at, walk(t, dir))
			}
		} else if run := checkComplete(t, dir, append(pmp, "cbp/bill.parquet", "cbp/summary.json")...); run != "A" {
			t.Errorf("killed at step %d before the commit point, then cleaned: the set of %s, want A", at, run)
		}
		if run := checkComplete(t, filepath.Join(dir, "pmp")); run != "pmp" {
			t.Errorf("killed at step %d: pmp/ holds the set of %s", at, run)
		}
	}
}
