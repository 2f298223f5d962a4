package safefile

import (
	"os"
	"path/filepath"
	"testing"
)

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFileReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.json")
	if err := WriteFile(p, []byte("old")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("new content")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil || string(b) != "new content" {
		t.Fatalf("got %q, %v", b, err)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	if n := entries(t, dir); len(n) != 1 {
		t.Errorf("left behind: %v", n)
	}
}

func TestAbortKeepsOldContent(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "t.csv")
	if err := WriteFile(p, []byte("old")); err != nil {
		t.Fatal(err)
	}
	f, err := Create(p, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("half a fi")
	if n := entries(t, dir); len(n) != 2 {
		t.Fatalf("while writing: %v, want the file and one temporary", n)
	}
	f.Abort()
	f.Abort() // twice is harmless
	b, _ := os.ReadFile(p)
	if string(b) != "old" {
		t.Errorf("after Abort: %q", b)
	}
	if n := entries(t, dir); len(n) != 1 {
		t.Errorf("left behind: %v", n)
	}
}

func TestCommitThenAbortIsCommit(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x")
	f, err := Create(p, 4)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("more than four bytes")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Abort()
	if b, _ := os.ReadFile(p); string(b) != "more than four bytes" {
		t.Errorf("got %q", b)
	}
	if err := f.Commit(); err == nil {
		t.Error("a second Commit succeeded")
	}
}

func TestCreateInMissingDir(t *testing.T) {
	if _, err := Create(filepath.Join(t.TempDir(), "no", "such", "f"), 0); err == nil {
		t.Fatal("want an error")
	}
}
