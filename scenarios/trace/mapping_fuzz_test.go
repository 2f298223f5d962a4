package trace

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzMapping fuzzes the column-mapping path: arbitrary mapping YAML (LoadMapping must
// return an error or a mapping that validates, never panic) and an arbitrary foreign CSV
// read through it, with the same requirements as the other readers (fuzzRead): a finite
// read, records the Writer accepts, ts order. A mapping that does not load is replaced by
// the Twitter sample's, so the CSV half is still exercised.
func FuzzMapping(f *testing.F) {
	twcs, err := os.ReadFile("testdata/twcs.yaml")
	if err != nil {
		f.Fatal(err)
	}
	sample, err := os.ReadFile("testdata/twcs_sample.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(twcs, sample[:min(len(sample), 2048)])
	f.Add([]byte("time_layout: unix\nts: {column: when}\nuser: {column: who}\ndirection: {column: dir, values: {in: user, out: business}}\n"+
		"type: {column: kind, values: {utility: template}}\ncategory: {column: kind}\ncountry: {column: iso}\nmessage_id: {column: message_id}\n"),
		[]byte("when,who,dir,kind,message_id,iso\n1714557600,5511987654321,in,,x1,br\n1714557600.5,5511987654321,out,utility,x2,\n"))
	f.Add([]byte("ts: {colum: created_at}\n"), []byte("created_at\n"))
	f.Fuzz(func(t *testing.T, mapping, data []byte) {
		dir := t.TempDir()
		mp := filepath.Join(dir, "m.yaml")
		if err := os.WriteFile(mp, mapping, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := LoadMapping(mp)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			if os.WriteFile(mp, twcs, 0o644) != nil {
				t.Fatal(err)
			}
			if m, err = LoadMapping(mp); err != nil {
				t.Fatal(err)
			}
		} else if err := m.Validate(); err != nil {
			t.Fatalf("LoadMapping returned a mapping that does not validate: %v", err)
		}
		p := filepath.Join(dir, "log.csv")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, o := range []Options{
			{Mapping: m},
			{Mapping: m, SkipInvalid: true, Sort: true, SortChunkRows: 3},
		} {
			r, err := Open(p, o)
			if err != nil {
				continue
			}
			w := &Writer{path: "fuzz"}
			var prev Record
			for n := 0; ; n++ {
				if n > len(data)+1 {
					t.Fatalf("sort %v: more records (%d) than bytes", o.Sort, n)
				}
				var rec Record
				if err := r.Next(&rec); err != nil {
					if err != io.EOF && err.Error() == "" {
						t.Fatal("empty error")
					}
					break
				}
				var v [nFields]string
				if err := w.values(&rec, &v); err != nil {
					t.Fatalf("sort %v: record %+v breaks the contract: %v", o.Sort, rec, err)
				}
				if n > 0 && rec.TS < prev.TS {
					t.Fatalf("sort %v: record %+v before %+v", o.Sort, rec, prev)
				}
				prev = rec
			}
			if err := r.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
		}
	})
}
