package rebill

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestParseOutputs(t *testing.T) {
	for s, want := range map[string]Outputs{
		"bill,summary,messages": OutBill | OutSummary | OutMessages,
		"messages":              OutMessages,
		" summary , bill":       OutBill | OutSummary,
		"bill,bill":             OutBill,
	} {
		if got, err := ParseOutputs(s); err != nil || got != want {
			t.Errorf("ParseOutputs(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "bill,", "bills", "all", "manifest"} {
		_, err := ParseOutputs(s)
		if err == nil || !strings.Contains(err.Error(), "the outputs are bill,summary,messages") {
			t.Errorf("ParseOutputs(%q): %v, want an error listing the outputs", s, err)
		}
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestReplayOutputs: a replay writes only the files asked for, manifest.json lists
// only those, and what it writes is what a replay of every file writes.
func TestReplayOutputs(t *testing.T) {
	all := options(t, handTrace)
	if _, err := Replay(context.Background(), all); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		outputs Outputs
		files   []string
	}{
		{OutBill | OutSummary, []string{"bill.parquet", "summary.json", "manifest.json"}},
		{OutMessages, []string{"messages.parquet", "manifest.json"}},
		{OutSummary, []string{"summary.json", "manifest.json"}},
	} {
		o := options(t, handTrace)
		o.Outputs = c.outputs
		s, err := Replay(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		if s.TotalMicros != 62_500+1_400 {
			t.Errorf("outputs %b: total %d", c.outputs, s.TotalMicros)
		}
		ents, err := os.ReadDir(o.Out)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		if !reflect.DeepEqual(names, sorted(c.files)) {
			t.Errorf("outputs %b: wrote %v, want %v", c.outputs, names, c.files)
		}
		raw, err := os.ReadFile(filepath.Join(o.Out, "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Files []struct{ Path string } `json:"files"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		var listed []string
		for _, f := range m.Files {
			listed = append(listed, f.Path)
		}
		if want := c.files[:len(c.files)-1]; !reflect.DeepEqual(listed, want) {
			t.Errorf("outputs %b: manifest lists %v, want %v", c.outputs, listed, want)
		}
		for _, f := range listed {
			a, _ := os.ReadFile(filepath.Join(all.Out, f))
			b, _ := os.ReadFile(filepath.Join(o.Out, f))
			if string(a) != string(b) {
				t.Errorf("outputs %b: %s differs from a full replay's", c.outputs, f)
			}
		}
	}
}
