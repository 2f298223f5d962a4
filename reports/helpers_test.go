package reports

import (
	"os"
	"sort"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

const testVersion = "v0.0.0-test"

// pqFile is a Parquet file as read by parquet-go, an implementation independent of the
// writer's.
type pqFile struct {
	meta    *format.FileMetaData
	root    format.SchemaElement
	columns []format.SchemaElement // leaves, in order
	rows    []parquet.Row
	file    *parquet.File
}

func readParquet(t *testing.T, path string) *pqFile {
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
	out := &pqFile{meta: pf.Metadata(), file: pf}
	out.root = out.meta.Schema[0]
	out.columns = out.meta.Schema[1:]
	for _, rg := range pf.RowGroups() {
		rr := rg.Rows()
		buf := make([]parquet.Row, 64)
		for {
			n, err := rr.ReadRows(buf)
			for _, row := range buf[:n] {
				out.rows = append(out.rows, row.Clone())
			}
			if err != nil {
				break
			}
		}
		rr.Close()
	}
	if int64(len(out.rows)) != out.meta.NumRows {
		t.Fatalf("%s: read %d rows, footer says %d", path, len(out.rows), out.meta.NumRows)
	}
	return out
}

func (f *pqFile) names() []string {
	ns := make([]string, len(f.columns))
	for i, c := range f.columns {
		ns[i] = c.Name
	}
	return ns
}

func (f *pqFile) col(t *testing.T, name string) int {
	t.Helper()
	for i, c := range f.columns {
		if c.Name == name {
			return i
		}
	}
	t.Fatalf("no column %q in %v", name, f.names())
	return -1
}

// typeOf describes a leaf column as "PHYSICAL logical REPETITION", e.g.
// "INT64 Int(bitWidth=64,isSigned=false) REQUIRED".
func (f *pqFile) typeOf(t *testing.T, name string) string {
	c := f.columns[f.col(t, name)]
	phys, _ := c.Type.Get()
	rep, _ := c.RepetitionType.Get()
	s := phys.String()
	if lt := c.LogicalType.String(); lt != "" {
		s += " " + lt
	}
	return s + " " + rep.String()
}

// value returns row i of a column (the rows are flat: value j is column j).
func (f *pqFile) value(t *testing.T, row int, name string) parquet.Value {
	t.Helper()
	return f.rows[row][f.col(t, name)]
}

// checkFooter asserts what every spendsim Parquet file carries.
func (f *pqFile) checkFooter(t *testing.T) {
	t.Helper()
	if want := "spendsim " + testVersion; f.meta.CreatedBy != want {
		t.Errorf("created_by = %q, want %q", f.meta.CreatedBy, want)
	}
	if rep, _ := f.root.RepetitionType.Get(); rep != format.Required {
		t.Errorf("root repetition = %v, want REQUIRED", rep)
	}
	for i, rg := range f.meta.RowGroups {
		for _, cc := range rg.Columns {
			if cc.MetaData.Codec != format.Zstd {
				t.Errorf("row group %d column %v: codec %v, want ZSTD", i, cc.MetaData.PathInSchema, cc.MetaData.Codec)
			}
		}
	}
}

// dirEntries lists a directory, sorted, to catch stray temporary files.
func dirEntries(t *testing.T, dir string) []string {
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

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
