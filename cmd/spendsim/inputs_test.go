package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/spendsim/spendsim/internal/table"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/scenarios/trace"
)

// replayBill replays args and returns summary.json without its trace name, and
// bill.parquet: what must not depend on how the trace was split.
func replayBill(t *testing.T, out string, args ...string) (string, []byte) {
	t.Helper()
	code, _, stderr := spendsim(t, append([]string{"replay", "--out", out, "-q"}, args...)...)
	if code != 0 {
		t.Fatalf("replay %v: exit %d: %s", args, code, stderr)
	}
	s, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var keep []string
	for _, l := range strings.Split(string(s), "\n") {
		if !strings.HasPrefix(l, `  "trace":`) {
			keep = append(keep, l)
		}
	}
	bill, err := os.ReadFile(filepath.Join(out, "bill.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(keep, "\n"), bill
}

// TestReplayManyInputs: a trace split into gzip-compressed CSV files by user (so they
// overlap in time and must be merged by ts), read with a glob; the same as a
// Hive-partitioned Parquet dataset whose direction and country are partition folders,
// not columns; as zstd JSON lines; from standard input; and semicolon-separated with
// --delimiter: each gives the bill of the plain file, to the byte.
func TestReplayManyInputs(t *testing.T) {
	dir := t.TempDir()
	all := filepath.Join(dir, "all.csv")
	if code, _, stderr := spendsim(t, "generate", "small", "-o", all, "-q"); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, stderr)
	}
	wantSummary, wantBill := replayBill(t, filepath.Join(dir, "plain"), "--trace", all)
	recs := readRecords(t, all)
	data, err := os.ReadFile(all)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimRight(string(data), "\n")+"\n", "\n")
	header, body := lines[0], lines[1:len(lines)-1]

	// Three gzip CSV files, users spread over them.
	logs := filepath.Join(dir, "logs")
	parts := make([]bytes.Buffer, 3)
	for k := range parts {
		parts[k].WriteString(header)
	}
	for i, l := range body {
		parts[userHash(recs[i].User)%3].WriteString(l)
	}
	for k := range parts {
		writeCompressed(t, filepath.Join(logs, fmt.Sprintf("part-%d.csv.gz", k)), parts[k].Bytes())
	}
	// A file the glob leaves out, and one a folder read leaves out.
	writeFile(t, logs, "notes.txt", "not a trace")
	writeFile(t, dir, "x", "")
	gotSummary, gotBill := replayBill(t, filepath.Join(dir, "glob"), "--trace", filepath.Join(logs, "*.csv.gz"))
	if gotSummary != wantSummary || !bytes.Equal(gotBill, wantBill) {
		t.Errorf("'logs/*.csv.gz' bills otherwise than the plain file:\n%s\nwant\n%s", gotSummary, wantSummary)
	}

	// A Hive-partitioned Parquet dataset: direction=…/country=…/date=…/part-0.parquet.
	ds := filepath.Join(dir, "ds")
	writeHiveDataset(t, ds, recs)
	gotSummary, gotBill = replayBill(t, filepath.Join(dir, "hive"), "--trace", ds)
	if gotSummary != wantSummary || !bytes.Equal(gotBill, wantBill) {
		t.Errorf("the Hive dataset bills otherwise than the plain file:\n%s\nwant\n%s", gotSummary, wantSummary)
	}

	// zstd-compressed JSON lines, standard input, a semicolon-separated export.
	var jl bytes.Buffer
	for _, r := range recs {
		fmt.Fprintf(&jl, `{"ts":%q,"user":%q,"direction":%q,"country":%q`, r.TS.String(), r.User, r.Direction.String(), r.Country)
		if r.Direction == model.FromBusiness {
			fmt.Fprintf(&jl, `,"type":%q,"category":%q,"status":%q`, r.Kind.String(), r.Category.String(), r.Status.String())
			if r.DeliveredTS != 0 {
				fmt.Fprintf(&jl, `,"delivered_ts":%q`, r.DeliveredTS.String())
			}
		}
		if r.EntryPoint != 0 {
			fmt.Fprintf(&jl, `,"entry_point":%q`, []string{"", "ctwa", "page_cta"}[r.EntryPoint])
		}
		fmt.Fprintf(&jl, `,"message_id":%q}`+"\n", r.MessageID)
	}
	zst := filepath.Join(dir, "all.jsonl.zst")
	writeCompressed(t, zst, jl.Bytes())
	gotSummary, gotBill = replayBill(t, filepath.Join(dir, "zst"), "--trace", zst)
	if gotSummary != wantSummary || !bytes.Equal(gotBill, wantBill) {
		t.Errorf("all.jsonl.zst bills otherwise than the plain file:\n%s", gotSummary)
	}
	semi := writeFile(t, dir, "semi.csv", strings.ReplaceAll(string(data), ",", ";"))
	gotSummary, gotBill = replayBill(t, filepath.Join(dir, "semi"), "--trace", semi, "--delimiter", ";")
	if gotSummary != wantSummary || !bytes.Equal(gotBill, wantBill) {
		t.Errorf("--delimiter ';' bills otherwise than the plain file:\n%s", gotSummary)
	}
	in, err := os.Open(all)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	stdin := os.Stdin
	os.Stdin = in
	gotSummary, gotBill = replayBill(t, filepath.Join(dir, "stdin"), "--trace", "-")
	os.Stdin = stdin
	if gotSummary != wantSummary || !bytes.Equal(gotBill, wantBill) {
		t.Errorf("standard input bills otherwise than the plain file:\n%s", gotSummary)
	}
}

// TestManyInputsErrors: errors in a set of files name the file and its line: a bad
// row, a file out of ts order; a glob matching nothing is an I/O error.
func TestManyInputsErrors(t *testing.T) {
	dir := t.TempDir()
	head := "ts,user,direction,type,category\n"
	writeFile(t, dir, "a.csv", head+"2025-08-01T10:00:00Z,5511987654321,business,template,marketing\n2025-08-01T12:00:00Z,5511987654321,business,template,utility\n")
	writeFile(t, dir, "b.csv", head+"2025-08-01T11:00:00Z,5511987654322,business,template,marketting\n")
	writeFile(t, dir, "c.csv", head+"2025-08-01T11:30:00Z,5511987654323,business,template,utility\n2025-08-01T11:00:00Z,5511987654323,business,template,utility\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--trace", filepath.Join(dir, "a.csv"), "--trace", filepath.Join(dir, "b.csv")}, `b.csv:2: column category: "marketting" is not one of`},
		{[]string{"--trace", filepath.Join(dir, "a.csv"), filepath.Join(dir, "c.csv")}, "c.csv:3: column ts: 2025-08-01T11:00:00Z is earlier than 2025-08-01T11:30:00Z on line 2"},
		{[]string{"--trace", filepath.Join(dir, "*.parquet")}, "no file matches"},
		// A file that is not there is named with the flag and what a trace may be; it
		// read "stat nofile.csv: no such file or directory".
		{[]string{"--trace", "nofile.csv"}, "spendsim: --trace nofile.csv: no such file or directory (a trace is a file, a folder of them, a quoted glob, or - for standard input)"},
		{[]string{"--trace", filepath.Join(dir, "a.csv"), "nofile.csv"}, "spendsim: --trace nofile.csv: no such file or directory"},
	} {
		code, _, stderr := spendsim(t, append([]string{"replay", "--out", filepath.Join(dir, "o")}, c.args...)...)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("replay %v: exit %d, stderr %q; want 1 and %q", c.args, code, stderr, c.want)
		}
	}
	// With --skip-invalid, b's bad row is skipped and the others billed in ts order.
	out := filepath.Join(dir, "skip")
	code, _, stderr := spendsim(t, "replay", "--trace", filepath.Join(dir, "[ab].csv"), "--skip-invalid", "--out", out, "-q")
	if code != 0 || !strings.Contains(stderr, "b.csv:2: column category") {
		t.Errorf("--skip-invalid over a glob: exit %d, stderr %q", code, stderr)
	}
}

func userHash(u string) int {
	h := 0
	for _, c := range u {
		h = h*31 + int(c)
	}
	if h < 0 {
		h = -h
	}
	return h
}

func readRecords(t *testing.T, path string) []trace.Record {
	t.Helper()
	r, err := trace.Open(path, trace.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []trace.Record
	for {
		var rec trace.Record
		err := r.Next(&rec)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

func writeCompressed(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	var w io.WriteCloser
	if strings.HasSuffix(path, ".zst") {
		zw, err := zstd.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		w = zw
	} else {
		w = gzip.NewWriter(&buf)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeHiveDataset writes recs as Parquet files under ds, one per direction, country
// and day, those three being partition folders: the files have no direction or
// country column.
func writeHiveDataset(t *testing.T, ds string, recs []trace.Record) {
	t.Helper()
	groups := map[string][]trace.Record{}
	var keys []string
	for _, r := range recs {
		k := filepath.Join("direction="+r.Direction.String(), "country="+r.Country, "date="+r.TS.String()[:10])
		if groups[k] == nil {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], r)
	}
	cols := []table.Column{table.TimestampMillisCol("ts"), table.StringCol("user"), table.StringCol("type").OrNull(),
		table.StringCol("category").OrNull(), table.StringCol("status").OrNull(), table.TimestampMillisCol("delivered_ts").OrNull(),
		table.StringCol("entry_point").OrNull(), table.StringCol("message_id")}
	for _, k := range keys {
		p := filepath.Join(ds, k, "part-0.parquet")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		w, err := table.Create(p, cols, table.Options{Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		str := func(name, v string) {
			if v == "" {
				w.String(name).AppendNull()
			} else {
				w.String(name).Append(v)
			}
		}
		for _, r := range groups[k] {
			w.TimestampMillis("ts").AppendMillis(int64(r.TS))
			w.String("user").Append(r.User)
			if r.Direction == model.FromBusiness {
				str("type", r.Kind.String())
				str("category", r.Category.String())
				str("status", r.Status.String())
			} else {
				str("type", "")
				str("category", "")
				str("status", "")
			}
			if r.DeliveredTS != 0 {
				w.TimestampMillis("delivered_ts").AppendMillis(int64(r.DeliveredTS))
			} else {
				w.TimestampMillis("delivered_ts").AppendNull()
			}
			str("entry_point", r.EntryPoint.String())
			w.String("message_id").Append(r.MessageID)
			if err := w.EndRow(); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, ds, "_SUCCESS", "")
}

// TestTraceFolderSaysWhatItLeftOut: replay --trace FOLDER of a.csv, b.CSV, c.txt and
// d.csv.bz2 billed the CSV files with exit 0 and no word of the other two. It reads
// b.CSV (extensions match in any case) and names what it left out, and why, on stderr,
// with -q too, as fit does.
func TestTraceFolderSaysWhatItLeftOut(t *testing.T) {
	dir := t.TempDir()
	d2 := filepath.Join(dir, "d2")
	os.MkdirAll(d2, 0o755)
	rows := func(ts string) string {
		return "ts,user,direction,type,category\n" + ts + ",5511987654321,business,template,marketing\n"
	}
	writeFile(t, d2, "a.csv", rows("2025-08-01T10:00:00Z"))
	writeFile(t, d2, "b.CSV", rows("2025-08-02T10:00:00Z"))
	writeFile(t, d2, "c.txt", rows("2025-08-03T10:00:00Z"))
	writeFile(t, d2, "d.csv.bz2", "BZh91AY&SY")
	writeFile(t, d2, "_SUCCESS", "")
	note := "note: --trace " + d2 + ": 2 files not read: c.txt (not .csv, .jsonl, .ndjson, .json or .parquet), d.csv.bz2 (.bz2 is not a compression spendsim reads: gzip or zstd)\n"
	out := filepath.Join(dir, "o")
	code, _, stderr := spendsim(t, "replay", "--trace", d2, "--out", out, "-q")
	if code != 0 || stderr != note {
		t.Errorf("replay: exit %d, stderr %q; want 0 and %q", code, stderr, note)
	}
	if s, err := os.ReadFile(filepath.Join(out, "summary.json")); err != nil || !strings.Contains(string(s), `"records": 2,`) {
		t.Errorf("summary.json: %v: want the records of a.csv and b.CSV: %s", err, s)
	}
	if code, _, stderr := spendsim(t, "fit", "--trace", d2, "-q"); !strings.Contains(stderr, note) {
		t.Errorf("fit: exit %d, stderr %q; want %q", code, stderr, note)
	}
}
