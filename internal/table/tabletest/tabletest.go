// Package tabletest reads Parquet files back for tests with parquet-go, an
// implementation independent of the writer's (arrow), and checks what every Parquet
// file spendsim writes carries (package table's policy).
package tabletest

import (
	"os"
	"sort"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// File is a Parquet file as read by parquet-go.
type File struct {
	Meta    *format.FileMetaData
	Root    format.SchemaElement
	Columns []format.SchemaElement // leaves, in order
	Rows    []parquet.Row
}

// Read reads the whole file at path, failing t if parquet-go cannot.
func Read(t testing.TB, path string) *File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatalf("parquet-go cannot open %s: %v", path, err)
	}
	out := &File{Meta: pf.Metadata()}
	out.Root = out.Meta.Schema[0]
	out.Columns = out.Meta.Schema[1:]
	for _, rg := range pf.RowGroups() {
		rr := rg.Rows()
		buf := make([]parquet.Row, 64)
		for {
			n, err := rr.ReadRows(buf)
			for _, row := range buf[:n] {
				out.Rows = append(out.Rows, row.Clone())
			}
			if err != nil {
				break
			}
		}
		rr.Close()
	}
	if int64(len(out.Rows)) != out.Meta.NumRows {
		t.Fatalf("%s: read %d rows, footer says %d", path, len(out.Rows), out.Meta.NumRows)
	}
	return out
}

// Names are the leaf columns' names, in order.
func (f *File) Names() []string {
	ns := make([]string, len(f.Columns))
	for i, c := range f.Columns {
		ns[i] = c.Name
	}
	return ns
}

func (f *File) col(t testing.TB, name string) int {
	t.Helper()
	for i, c := range f.Columns {
		if c.Name == name {
			return i
		}
	}
	t.Fatalf("no column %q in %v", name, f.Names())
	return -1
}

// TypeOf describes a leaf column as "PHYSICAL logical REPETITION", e.g.
// "INT64 Int(bitWidth=64,isSigned=false) REQUIRED".
func (f *File) TypeOf(t testing.TB, name string) string {
	c := f.Columns[f.col(t, name)]
	phys, _ := c.Type.Get()
	rep, _ := c.RepetitionType.Get()
	s := phys.String()
	if lt := c.LogicalType.String(); lt != "" {
		s += " " + lt
	}
	return s + " " + rep.String()
}

// Value returns row i of a column (the rows are flat: value j is column j).
func (f *File) Value(t testing.TB, row int, name string) parquet.Value {
	t.Helper()
	return f.Rows[row][f.col(t, name)]
}

// CheckFooter asserts what every spendsim Parquet file carries: created_by
// "spendsim <version>", a REQUIRED root, zstd on every column chunk.
func (f *File) CheckFooter(t testing.TB, version string) {
	t.Helper()
	if want := "spendsim " + version; f.Meta.CreatedBy != want {
		t.Errorf("created_by = %q, want %q", f.Meta.CreatedBy, want)
	}
	if rep, _ := f.Root.RepetitionType.Get(); rep != format.Required {
		t.Errorf("root repetition = %v, want REQUIRED", rep)
	}
	for i, rg := range f.Meta.RowGroups {
		for _, cc := range rg.Columns {
			if cc.MetaData.Codec != format.Zstd {
				t.Errorf("row group %d column %v: codec %v, want ZSTD", i, cc.MetaData.PathInSchema, cc.MetaData.Codec)
			}
		}
	}
}

// DirEntries lists a directory, sorted, to catch stray temporary files.
func DirEntries(t testing.TB, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}
