package trace

import (
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
)

func TestLoadMapping(t *testing.T) {
	m, err := LoadMapping("testdata/twcs.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := &Mapping{
		TimeLayout: "Mon Jan 02 15:04:05 -0700 2006",
		TS:         Field{Column: "created_at"},
		User:       Field{Column: "author_id"},
		Direction:  Field{Column: "inbound", Values: map[string]string{"True": "user", "False": "business"}},
		Type:       Field{Value: "text"},
		Country:    Field{Value: "US"},
		MessageID:  Field{Column: "tweet_id"},
		ReplyTo:    "in_response_to_tweet_id",
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("got %+v\nwant %+v", m, want)
	}
}

func TestLoadMappingIsStrict(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ yaml, want string }{
		// Issue 13: one line with the file, line and the valid keys, no Go type.
		{"tz: {column: created_at}\n", `m.yaml:1: unknown key "tz" (valid keys: time_layout, ts, user, direction, type, category, country, business, entry_point, status, delivered_ts, message_id, reply_to, reply_memory, delimiter)`},
		{"ts: {colum: created_at}\n", `m.yaml: line 1: field "colum" not found in a field mapping (want column, value, values)`},
		{"type: textt\ncategory: {column: c, values: {mkt: marketting}}\n",
			"m.yaml: category: values: \"mkt\" maps to \"marketting\", not one of marketing, utility, authentication\n" +
				"type: \"textt\" is not one of text, template"},
		{"time_layout: yyyy-mm-dd\n", `m.yaml: time_layout: "yyyy-mm-dd" is not a Go time layout that records date and time (like Mon Jan 02 15:04:05 -0700 2006), nor rfc3339, unix, unix_ms`},
		{"country: {values: {a: US}}\n", "m.yaml: country: values without a column"},
		{"ts: {column: t}\nusr: {column: u}\n", `m.yaml:2: unknown key "usr" (valid keys: time_layout, ts, user, direction, type, category, country, business, entry_point, status, delivered_ts, message_id, reply_to, reply_memory, delimiter)`},
		{"country: UK\n", `m.yaml: country: "UK" is not one of an ISO 3166-1 alpha-2 code; did you mean GB (United Kingdom)?`},
		{"", "m.yaml: empty mapping"},
	} {
		p := writeFile(t, dir, "m.yaml", c.yaml)
		_, err := LoadMapping(p)
		if err == nil || err.Error() != c.want {
			t.Errorf("%q:\n got %v\nwant %s", c.yaml, err, c.want)
		}
	}
}

func TestMappingTimeLayoutsAndDefaults(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "log.csv", "when,who,dir,kind,message_id,iso\n"+
		"1714557600,5511987654321,in,,x1,br\n"+
		"1714557600.5,5215512345678,out,utility,x2,\n") // a Mexican number: the default MX fits it
	m := &Mapping{
		TimeLayout: "unix",
		TS:         Field{Column: "when"},
		User:       Field{Column: "who"},
		Direction:  Field{Column: "dir", Values: map[string]string{"in": "user", "out": "business"}},
		Type:       Field{Value: "template"},
		Category:   Field{Column: "kind"},
		Country:    Field{Column: "iso", Value: "MX"}, // a default for empty cells
	}
	want := []Record{
		{TS: tm("2024-05-01T10:00:00Z"), User: "5511987654321", Business: "default", MessageID: "x1",
			Country: "BR", Direction: model.FromUser, Line: 2},
		{TS: tm("2024-05-01T10:00:00.5Z"), User: "5215512345678", Business: "default", MessageID: "x2",
			Country: "MX", Direction: model.FromBusiness, Kind: model.Template, Category: model.Utility, Line: 3},
	}
	diffRecords(t, mustReadAll(t, p, Options{Mapping: m}), want)

	m.Category = Field{}
	_, _, err := readAll(t, p, Options{Mapping: m})
	if want := "log.csv:3: column category: missing, required on templates (marketing, utility or authentication)"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	m.Type = Field{Value: "text"}
	m.TS = Field{Column: "time"}
	_, _, err = readAll(t, p, Options{Mapping: m})
	if want := `log.csv:1: column "time" (mapped to ts) is not in the header (when,who,dir,kind,message_id,iso)`; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	if _, err := Open("testdata/good.jsonl", Options{Mapping: m}); err == nil ||
		err.Error() != "good.jsonl: a column mapping applies to CSV only, not jsonl" {
		t.Errorf("mapping on JSONL: %v", err)
	}
}

// TestTwitterSupport reads the Kaggle "Customer Support on Twitter" sample (a test
// fixture, not WhatsApp data: country and message type are constants of the
// mapping) and checks it against a naive reference: parse every row, stable-sort by
// time, follow replies through a plain map.
func TestTwitterSupport(t *testing.T) {
	m, err := LoadMapping("testdata/twcs.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const path = "testdata/twcs_sample.csv"
	got, skipped, err := readAll(t, path, Options{Mapping: m, Sort: true, SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}

	// The reference.
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	type tweet struct {
		rec     Record
		replyTo string
	}
	var tweets []tweet
	lr := csv.NewReader(strings.NewReader(mustRead(t, path)))
	for i := range rows {
		row, err := lr.Read()
		if err != nil {
			t.Fatal(err)
		}
		line, _ := lr.FieldPos(0)
		if i == 0 {
			continue // header
		}
		ts, err := time.Parse(time.RubyDate, row[3])
		if err != nil {
			t.Fatal(err)
		}
		r := Record{TS: model.FromStd(ts), User: row[1], Business: "default", MessageID: row[0],
			Country: "US", Direction: model.FromUser, Line: int64(line)}
		tw := tweet{rec: r}
		if row[2] == "False" {
			tw.rec.Direction, tw.rec.Kind = model.FromBusiness, model.Text
			tw.replyTo = row[6]
		}
		tweets = append(tweets, tw)
	}
	slices.SortStableFunc(tweets, func(a, b tweet) int { return int(a.rec.TS - b.rec.TS) })
	author := map[string]string{}
	var want []Record
	unresolved := 0
	for _, tw := range tweets {
		if tw.replyTo != "" {
			u, ok := author[tw.replyTo]
			if !ok {
				unresolved++
				continue
			}
			tw.rec.User = u
		}
		author[tw.rec.MessageID] = tw.rec.User
		want = append(want, tw.rec)
	}
	diffRecords(t, got, want)
	if skipped != int64(unresolved) || unresolved == 0 {
		t.Errorf("skipped %d, want %d (the sample has replies to tweets outside it)", skipped, unresolved)
	}

	// Spot checks by hand, from the file: ChaseSupport (tweet 119238, line 3) answers
	// tweet 119239 by customer 105835.
	i := slices.IndexFunc(got, func(r Record) bool { return r.MessageID == "119238" })
	if i < 0 {
		t.Fatal("tweet 119238 missing")
	}
	if r := got[i]; r.User != "105835" || r.Direction != model.FromBusiness || r.Line != 3 ||
		r.TS != tm("2017-10-11T13:25:49Z") {
		t.Errorf("tweet 119238 = %+v", r)
	}

	// Without Sort the file's order is an error; without SkipInvalid an unresolvable
	// reply is.
	if _, _, err := readAll(t, path, Options{Mapping: m}); err == nil || err.Error() != `twcs_sample.csv:3: column in_response_to_tweet_id: message "119239" is not earlier in the trace (or was forgotten: reply_memory), so the user it answers is unknown; if the trace is not sorted by ts, pass --sort` {
		t.Errorf("unsorted read: %v", err)
	}
	if _, _, err := readAll(t, path, Options{Mapping: m, SkipInvalid: true}); !errors.Is(err, ErrUnsorted) {
		t.Errorf("unsorted read: %v", err)
	}
	_, _, err = readAll(t, path, Options{Mapping: m, Sort: true})
	if err == nil || !strings.Contains(err.Error(), "column in_response_to_tweet_id: message ") ||
		!strings.HasSuffix(err.Error(), "is not earlier in the trace (or was forgotten: reply_memory), so the user it answers is unknown") {
		t.Errorf("unresolved reply: %v", err)
	}
}

func mustRead(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// writeGoodAs writes testdata/good.csv's records to path (its format by extension).
func writeGoodAs(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	w, err := NewWriter(path, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range goodRecords(0) {
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestMappingCSVOnly: a column mapping is refused for every trace that is not CSV,
// Parquet included (it was read as if no mapping were given, and the manifest listed
// the mapping as applied), whether the format comes from the name, the content or
// --format, and for a file of a folder before any row is read.
func TestMappingCSVOnly(t *testing.T) {
	dir := t.TempDir()
	writeGoodAs(t, filepath.Join(dir, "t.parquet"))
	writeGoodAs(t, filepath.Join(dir, "ds", "country=BR", "part-0.parquet"))
	writeGoodAs(t, filepath.Join(dir, "mixed", "a.csv"))
	writeGoodAs(t, filepath.Join(dir, "mixed", "b.parquet"))
	b, err := os.ReadFile(filepath.Join(dir, "t.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	noext := writeFile(t, dir, "t", string(b))
	m := &Mapping{Country: Field{Value: "US"}}
	cases := []struct {
		path string
		o    Options
		want string
	}{
		{path: filepath.Join(dir, "t.parquet"), want: "t.parquet: a column mapping applies to CSV only, not parquet"},
		{path: noext, want: "t: a column mapping applies to CSV only, not parquet"},
		{path: filepath.Join(dir, "t.parquet"), o: Options{Format: "parquet"}, want: "t.parquet: a column mapping applies to CSV only, not parquet"},
		{path: filepath.Join(dir, "ds"), want: "country=BR/part-0.parquet: a column mapping applies to CSV only, not parquet"},
		{path: filepath.Join(dir, "ds"), o: Options{Sort: true}, want: "country=BR/part-0.parquet: a column mapping applies to CSV only, not parquet"},
		{path: filepath.Join(dir, "mixed"), o: Options{Sort: true}, want: "b.parquet: a column mapping applies to CSV only, not parquet"},
		{path: "testdata/good.jsonl", want: "good.jsonl: a column mapping applies to CSV only, not jsonl"},
	}
	for _, c := range cases {
		c.o.Mapping = m
		r, err := Open(c.path, c.o)
		if err == nil {
			r.Close()
			t.Errorf("%s %+v: opened with a mapping", c.path, c.o)
			continue
		}
		if err.Error() != c.want || !errors.Is(err, ErrMappingNotCSV) {
			t.Errorf("%s: err = %v, want %s (and ErrMappingNotCSV)", c.path, err, c.want)
		}
	}
}
