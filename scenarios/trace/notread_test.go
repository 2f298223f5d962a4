package trace

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestFolderNotRead: a folder holding a.csv, b.CSV, c.txt and d.csv.bz2 was billed
// from its CSV files alone with exit 0 and no word of the others, a bill short by
// half. Extensions match in any case (b.CSV and e.JSONL.GZ are read); names starting
// with "." or "_" are left out without a word, as Spark and DuckDB datasets hold them;
// every other file left out is named with why: an extension no reader takes, a
// compression none reads, a link (not followed).
func TestFolderNotRead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d2")
	row := "ts,user,direction\n2025-09-01T00:00:00Z,5511987654321,user\n"
	for name, body := range map[string]string{
		"a.csv": row, "b.CSV": row, "c.txt": row, "d.csv.bz2": "BZh", "_SUCCESS": "", ".a.csv.crc": "",
		"sub/e.JSONL.GZ": "", "sub/f.parquet.xz": "", "_tmp/g.csv": row, ".hidden/h.txt": "",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a.csv", filepath.Join(dir, "link.csv")); err != nil {
		t.Fatal(err)
	}
	files, notRead, err := Listing([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		got = append(got, filepath.ToSlash(rel))
	}
	if want := []string{"a.csv", "b.CSV", "sub/e.JSONL.GZ"}; !slices.Equal(got, want) {
		t.Errorf("read %v, want %v", got, want)
	}
	// The folder named through a link reads the same files (a link at the top is the
	// user's own naming, followed; it was read as a folder with no trace files).
	link := filepath.Join(t.TempDir(), "d2link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	if viaLink, nr, err := Listing([]string{link}); err != nil || len(viaLink) != len(files) || len(nr) != len(notRead) ||
		viaLink[0] != filepath.Join(link, "a.csv") || nr[0].Folder != link {
		t.Errorf("through a link: %v %v, %v", viaLink, nr, err)
	}
	notes := NotReadNotes(notRead)
	want := dir + ": 4 files not read: c.txt (not .csv, .jsonl, .ndjson, .json or .parquet), " +
		"d.csv.bz2 (.bz2 is not a compression spendsim reads: gzip or zstd), " +
		"link.csv (a symbolic link: links under a folder are not followed; name the file itself), " +
		"sub/f.parquet.xz (.xz is not a compression spendsim reads: gzip or zstd)"
	if len(notes) != 1 || notes[0] != want {
		t.Errorf("notes %q\nwant %q", notes, want)
	}

	// A folder with nothing to read names what it left out.
	empty := filepath.Join(t.TempDir(), "logs")
	os.MkdirAll(empty, 0o755)
	os.WriteFile(filepath.Join(empty, "x.log"), nil, 0o644)
	os.WriteFile(filepath.Join(empty, "_SUCCESS"), nil, 0o644)
	if _, err := Files([]string{empty}); err == nil || !strings.Contains(err.Error(), "a folder with no trace files") ||
		!strings.Contains(err.Error(), "1 file not read: x.log (not .csv") {
		t.Errorf("a folder of no trace files: %v", err)
	}
}

// TestNotReadNotesCap: a folder of many files left out names the first few and counts
// the rest; each folder has its line.
func TestNotReadNotesCap(t *testing.T) {
	var nr []NotRead
	for i := range 10 {
		nr = append(nr, NotRead{Folder: "a", Name: string(rune('k'+i)) + ".txt", Why: "w"})
	}
	nr = append(nr, NotRead{Folder: "b", Name: "x.avro", Why: "w"})
	notes := NotReadNotes(nr)
	if len(notes) != 2 || !strings.HasPrefix(notes[0], "a: 10 files not read: k.txt (w), ") || !strings.HasSuffix(notes[0], "r.txt (w), and 2 more") ||
		notes[1] != "b: 1 file not read: x.avro (w)" {
		t.Errorf("%q", notes)
	}
}
