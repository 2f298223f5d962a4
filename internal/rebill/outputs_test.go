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
	"time"

	"github.com/spendsim/spendsim/internal/sharedtest"
	"github.com/spendsim/spendsim/internal/table/tabletest"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/scenarios/trace"
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

// parquetColumns reads every value of a Parquet file as text, by column name.
func parquetColumns(t *testing.T, path string) map[string][]string {
	t.Helper()
	f := tabletest.Read(t, path)
	names := f.Names()
	out := map[string][]string{}
	for _, row := range f.Rows {
		for _, v := range row {
			out[names[v.Column()]] = append(out[names[v.Column()]], v.String())
		}
	}
	return out
}

// TestReplayMessagesSlim: --outputs messages-slim writes messages.parquet without the
// copies of the input: its columns are the full layout's less those, with the same
// values row for row, and the bill and summary are the full replay's. Sharded and in
// passes, the slim file is the same bytes as in one pass.
func TestReplayMessagesSlim(t *testing.T) {
	trace := options(t, traceCSV(genRecords(41, traceStarts[0], 2000)))
	trace.Billing = eraOptions(t, "cbp-2023", 41)
	trace.Pricing = "cbp-2023"
	full, slim := trace, trace
	full.Out, slim.Out = filepath.Join(t.TempDir(), "full"), filepath.Join(t.TempDir(), "slim")
	slim.Outputs = OutBill | OutSummary | OutMessagesSlim
	replayFullAndSlim(t, full, slim)
	fc, sc := parquetColumns(t, filepath.Join(full.Out, "messages.parquet")), parquetColumns(t, filepath.Join(slim.Out, "messages.parquet"))
	dropped := []string{"business", "category", "country", "delivered_ts", "status", "ts", "type", "user"}
	var gone []string
	for name, vals := range fc {
		sv, ok := sc[name]
		if !ok {
			gone = append(gone, name)
			continue
		}
		if !slices.Equal(vals, sv) || len(vals) == 0 {
			t.Errorf("column %s: %d values in the full file, %d in the slim one, or they differ", name, len(vals), len(sv))
		}
	}
	if slices.Sort(gone); !slices.Equal(gone, dropped) || len(sc) != len(fc)-len(dropped) {
		t.Errorf("the slim layout left out %v (and has %d of the full %d columns), want %v", gone, len(sc), len(fc), dropped)
	}
	want, _ := os.ReadFile(filepath.Join(slim.Out, "messages.parquet"))
	for _, n := range []int{2, 3} {
		o := slim
		o.Out, o.Passes, o.Read.TempDir = filepath.Join(t.TempDir(), "passes"), n, t.TempDir()
		if _, err := Replay(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(filepath.Join(o.Out, "messages.parquet")); string(got) != string(want) {
			t.Errorf("%d passes: the slim messages.parquet differs from one pass's", n)
		}
	}
	if _, err := ParseOutputs("messages,messages-slim"); err == nil || !strings.Contains(err.Error(), "name one") {
		t.Errorf("messages and messages-slim together: %v", err)
	}
}

// replayFullAndSlim replays full and slim, the same replay with every output and with
// a slim messages.parquet, and checks their bill.parquet and summary.json are the same.
func replayFullAndSlim(t *testing.T, full, slim Options) {
	t.Helper()
	for _, o := range []Options{full, slim} {
		if _, err := Replay(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"bill.parquet", "summary.json"} {
		a, _ := os.ReadFile(filepath.Join(full.Out, f))
		b, _ := os.ReadFile(filepath.Join(slim.Out, f))
		if string(a) != string(b) || len(a) == 0 {
			t.Errorf("%s differs between the full and the slim replay", f)
		}
	}
}

// TestMessagesSlimRealLog: on a real webhook log, whose messages carry Meta's own
// pricing (the meta_* columns), the slim file holds the full file's values in every
// column it keeps, and the bill and summary are the full replay's; a replay of it in
// three passes writes the one-pass replay's very bytes.
func TestMessagesSlimRealLog(t *testing.T) {
	path := "../../../shared/datasets/webhooks/logs/fidelity_ctx.jsonl"
	if _, err := os.Stat(path); err != nil {
		sharedtest.Missing(t, "the shared webhook corpus", err)
	}
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	full := Options{Traces: []string{path}, Read: trace.Options{Format: "webhook"}, Pricing: "auto", Rates: "builtin", Version: "v0.0.0-test",
		Billing: billing.Options{Book: book, Markets: book.Markets(), Currency: "USD", Location: time.UTC}, Out: filepath.Join(t.TempDir(), "full")}
	slim := full
	slim.Out, slim.Outputs = filepath.Join(t.TempDir(), "slim"), OutBill|OutSummary|OutMessagesSlim
	replayFullAndSlim(t, full, slim)
	// In three passes, the full replay's very bytes.
	passes := full
	passes.Out, passes.Passes, passes.Read.TempDir = filepath.Join(t.TempDir(), "passes"), 3, t.TempDir()
	if _, err := Replay(context.Background(), passes); err != nil {
		t.Fatal(err)
	}
	for f, b := range readReplayFiles(t, passes.Out) {
		if want, _ := os.ReadFile(filepath.Join(full.Out, f)); b != string(want) {
			t.Errorf("3 passes: %s differs from one pass's", f)
		}
	}
	fc, sc := parquetColumns(t, filepath.Join(full.Out, "messages.parquet")), parquetColumns(t, filepath.Join(slim.Out, "messages.parquet"))
	if !slices.ContainsFunc(sc["meta_pricing_model"], func(v string) bool { return v == "PMP" || v == "CBP" }) {
		t.Fatal("the slim file has no meta_pricing_model values: not the log's pricing")
	}
	for name, vals := range sc {
		if !slices.Equal(vals, fc[name]) {
			t.Errorf("column %s differs between the full and the slim file", name)
		}
	}
}
