package trace

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/internal/table/tabletest"
	"github.com/spendsim/spendsim/model"
)

// tm reads an RFC 3339 time for expectations.
func tm(s string) model.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return model.FromStd(t)
}

// readAll reads a whole trace; the error is the first one Next returned.
func readAll(t testing.TB, path string, o Options) ([]Record, int64, error) {
	t.Helper()
	r, err := Open(path, o)
	if err != nil {
		return nil, 0, err
	}
	defer r.Close()
	var out []Record
	for {
		var rec Record
		err := r.Next(&rec)
		if err == io.EOF {
			return out, r.Skipped(), nil
		}
		if err != nil {
			// Errors are sticky.
			if err2 := r.Next(&rec); err2 != err {
				t.Errorf("second Next after error returned %v, want %v", err2, err)
			}
			return out, r.Skipped(), err
		}
		out = append(out, rec)
	}
}

func mustReadAll(t testing.TB, path string, o Options) []Record {
	t.Helper()
	recs, _, err := readAll(t, path, o)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func diffRecords(t *testing.T, got, want []Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d records, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("record %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

// goodRecords is what testdata/good.csv holds; lineShift adjusts for formats
// without a header line.
func goodRecords(lineShift int64) []Record {
	return []Record{
		{TS: tm("2024-05-01T10:00:00Z"), User: "5511987654321", Business: "default", MessageID: "m1",
			Direction: model.FromUser, EntryPoint: model.EntryCTWA, Line: 2 + lineShift},
		{TS: tm("2024-05-01T10:05:00.250Z"), DeliveredTS: tm("2024-05-01T10:05:03Z"), User: "5511987654321",
			Business: "15550001111", MessageID: "m2", Direction: model.FromBusiness, Kind: model.Template,
			Category: model.Utility, Status: model.Read, Line: 3 + lineShift},
		{TS: tm("2024-05-01T10:10:00Z"), User: "cust-42", Business: "default", MessageID: "m3", Country: "BR",
			Direction: model.FromUser, Line: 4 + lineShift},
		{TS: tm("2024-05-01T10:12:00Z"), User: "cust-42", Business: "15550001111", Country: "BR",
			Direction: model.FromBusiness, Kind: model.Text, Status: model.Failed, Line: 5 + lineShift},
	}
}

func TestCSV(t *testing.T) {
	diffRecords(t, mustReadAll(t, "testdata/good.csv", Options{}), goodRecords(0))
}

func TestJSONL(t *testing.T) {
	// good.jsonl has no header but a blank line before m3: lines 1, 2, 4, 5.
	want := goodRecords(-1)
	want[2].Line, want[3].Line = 4, 5
	diffRecords(t, mustReadAll(t, "testdata/good.jsonl", Options{}), want)
}

func TestSortedInputReadsTheSameWithSort(t *testing.T) {
	diffRecords(t, mustReadAll(t, "testdata/good.csv", Options{Sort: true}), goodRecords(0))
}

func TestWebhook(t *testing.T) {
	const biz = "106540352242922"
	t0 := tm("2024-05-01T10:00:00Z")
	s := model.Second
	pmp := func(cat string) *model.MetaPricing {
		return &model.MetaPricing{PricingModel: "PMP", PricingType: "regular", Category: cat, Billable: model.IsBillable}
	}
	metaA := pmp("utility")
	metaA.ConversationID, metaA.ConversationOrigin = "c1", "utility"
	want := []Record{
		{TS: t0, User: "5511987654321", Business: biz, MessageID: "wamid.U1",
			Direction: model.FromUser, EntryPoint: model.EntryCTWA, Line: 1},
		// sent, delivered, read: one record, read, delivered at the delivered status;
		// Meta's pricing and conversation from the sent status, the first to carry them.
		{TS: t0 + 60*s, DeliveredTS: t0 + 65*s, User: "5511987654321", Business: biz, MessageID: "wamid.A",
			Direction: model.FromBusiness, Kind: model.Template, Category: model.Utility, Status: model.Read, Line: 2,
			Meta: metaA},
		// delivered, and read more than an hour later (line 13): read — statuses merge
		// whatever time passes between them; category from conversation.origin.type.
		{TS: t0 + 70*s, DeliveredTS: t0 + 100*s, User: "5511987654321", Business: biz, MessageID: "wamid.B",
			Direction: model.FromBusiness, Kind: model.Template, Category: model.Marketing, Status: model.Read, Line: 3,
			Meta: &model.MetaPricing{ConversationID: "c1", ConversationOrigin: "marketing"}},
		// sent and failed in one payload; no pricing: a text message.
		{TS: t0 + 75*s, User: "447700900123", Business: biz, MessageID: "wamid.C",
			Direction: model.FromBusiness, Kind: model.Text, Status: model.Failed, Line: 6},
		// sent only; authentication-international is authentication, and Meta's
		// spelling is kept.
		{TS: t0 + 90*s, User: "5511987654321", Business: biz, MessageID: "wamid.D",
			Direction: model.FromBusiness, Kind: model.Template, Category: model.Authentication, Status: model.Sent, Line: 7,
			Meta: pmp("authentication-international")},
		// read with no sent or delivered status: delivered when read.
		{TS: t0 + 200*s, DeliveredTS: t0 + 200*s, User: "5511987654321", Business: biz, MessageID: "wamid.E",
			Direction: model.FromBusiness, Kind: model.Text, Status: model.Read, Line: 9, Meta: pmp("service")},
		{TS: t0 + 300*s, User: "447700900123", Business: biz, MessageID: "wamid.U2",
			Direction: model.FromUser, Line: 11},
		{TS: t0 + 4000*s, User: "5511987654321", Business: biz, MessageID: "wamid.F",
			Direction: model.FromBusiness, Kind: model.Template, Category: model.Marketing, Status: model.Sent, Line: 12,
			Meta: pmp("marketing")},
	}
	diffRecords(t, mustReadAll(t, "testdata/webhook.jsonl", Options{}), want)
	// Detected by content as well as named.
	diffRecords(t, mustReadAll(t, "testdata/webhook.jsonl", Options{Format: "webhook"}), want)
}

func TestDetect(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ src, name, want string }{
		{"testdata/good.csv", "noext", "csv"},
		{"testdata/good.jsonl", "noext2", "jsonl"},
		{"testdata/good.jsonl", "x.ndjson", "jsonl"},
		{"testdata/webhook.jsonl", "hooks.log", "webhook"},
		{"testdata/webhook.jsonl", "hooks.json", "webhook"},
	} {
		b, err := os.ReadFile(c.src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, c.name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := detect(p)
		if err != nil || got != c.want {
			t.Errorf("detect(%s from %s) = %q, %v; want %q", c.name, c.src, got, err, c.want)
		}
	}
}

func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const header = "ts,user,direction,type,category,country,business,entry_point,status,delivered_ts,message_id\n"

func TestSkipInvalidCounts(t *testing.T) {
	p := writeFile(t, t.TempDir(), "t.csv", header+
		"2024-05-01T10:00:00Z,5511987654321,user,,,,,,,,a\n"+
		"2024-05-01T10:01:00Z,5511987654321,business,template,marketting,,,,,,b\n"+ // bad category
		"2024-05-01T10:02:00Z,cust-1,user,,,,,,,,c\n"+ // opaque user, no country
		"2024-05-01T10:03:00Z,5511987654321,business,text,,,,,,,d\n"+
		"2024-05-01T10:03:30Z,5511987654321,business,text,,,,,,,d\n"+ // duplicate id: dropped, not skipped
		"2024-05-01T10:04:00Z,5511987654321,business,text\n"+ // short row: trailing fields empty
		"2024-05-01T10:04:30Z,5511987654321,business,text,,,,,,,,x,y\n"+ // too many fields
		"2024-05-01T10:05:00Z,5511987654321,user,,,,,,,,e\n")
	r, err := Open(p, Options{SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var ids []string
	for {
		var rec Record
		if err := r.Next(&rec); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, rec.MessageID)
	}
	if got, want := strings.Join(ids, ","), "a,d,,e"; got != want {
		t.Errorf("read %s, want %s", got, want)
	}
	if r.Skipped() != 3 {
		t.Errorf("Skipped() = %d, want 3", r.Skipped())
	}
	if d := r.(Duplicater).Duplicates(); d != 1 {
		t.Errorf("Duplicates() = %d, want 1", d)
	}
}

func TestUnsortedNeedsSort(t *testing.T) {
	p := writeFile(t, t.TempDir(), "t.csv", header+
		"2024-05-01T10:05:00Z,5511987654321,user,,,,,,,,a\n"+
		"2024-05-01T10:00:00Z,5511987654321,user,,,,,,,,b\n"+
		"2024-05-01T10:00:00Z,5511987654322,user,,,,,,,,c\n"+
		"2024-05-01T09:00:00Z,5511987654321,user,,,,,,,,d\n")
	_, _, err := readAll(t, p, Options{})
	if !errors.Is(err, ErrUnsorted) {
		t.Fatalf("err = %v, want ErrUnsorted", err)
	}
	recs := mustReadAll(t, p, Options{Sort: true})
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.MessageID)
	}
	// Stable: b and c share a ts and keep file order.
	if got := strings.Join(ids, ","); got != "d,b,c,a" {
		t.Errorf("sorted order %s, want d,b,c,a", got)
	}
}

// TestExternalSort forces many runs through temp files and checks the merge against
// an in-memory stable sort, and that the run files are gone after Close.
func TestExternalSort(t *testing.T) {
	dir := t.TempDir()
	tmp := t.TempDir()
	var b strings.Builder
	b.WriteString(header)
	const n = 5000
	base := tm("2024-05-01T00:00:00Z")
	for i := range n {
		// A scrambled order with many ties.
		ts := base + model.Time((i*7919)%1000)*model.Second
		b.WriteString(ts.String() + ",5511987654321,business,template,utility,,,,,," + "id" + strconv.Itoa(i) + "\n")
	}
	p := writeFile(t, dir, "t.csv", b.String())
	want := mustReadAll(t, p, Options{Sort: true, SortChunkRows: n + 1}) // in memory
	r, err := Open(p, Options{Sort: true, SortChunkRows: 97, TempDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	var got []Record
	for {
		var rec Record
		if err := r.Next(&rec); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		got = append(got, rec)
	}
	// The run files are in one folder of the sort's own, which a signal's exit removes.
	if files, _ := filepath.Glob(filepath.Join(tmp, "spendsim-sort-*", "*.run")); len(files) != (n+96)/97 {
		t.Errorf("%d run files, want %d", len(files), (n+96)/97)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if files, _ := os.ReadDir(tmp); len(files) != 0 {
		t.Errorf("%d run files left after Close", len(files))
	}
	diffRecords(t, got, want)
	for i := 1; i < len(got); i++ {
		if got[i].TS < got[i-1].TS || got[i].TS == got[i-1].TS && got[i].Line < got[i-1].Line {
			t.Fatalf("record %d out of order: %v line %d after %v line %d", i, got[i].TS, got[i].Line, got[i-1].TS, got[i-1].Line)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	recs := goodRecords(0)
	for _, ext := range []string{".csv", ".jsonl", ".parquet"} {
		t.Run(ext, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "trace"+ext)
			w, err := NewWriter(p, WriterOptions{RowGroupRows: 3}) // two row groups
			if err != nil {
				t.Fatal(err)
			}
			for i := range recs {
				if err := w.Write(&recs[i]); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := os.Stat(p); !os.IsNotExist(err) {
				t.Errorf("%s exists before Close", p)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			got := mustReadAll(t, p, Options{})
			want := make([]Record, len(recs))
			copy(want, recs)
			for i := range want {
				want[i].Line = int64(i) + 2 // header line
				if ext != ".csv" {
					want[i].Line = int64(i) + 1
				}
			}
			diffRecords(t, got, want)
			if ext == ".parquet" {
				tabletest.Read(t, p).CheckFooter(t, "devel") // no WriterOptions.Version
			}
			if files, _ := os.ReadDir(filepath.Dir(p)); len(files) != 1 {
				t.Errorf("temp files left: %v", files)
			}
		})
	}
}

// TestJSONLWriterBytes: the JSON lines a Writer writes, byte for byte: the contract's
// fields in order, optional ones left out when empty, business defaulted, times as the
// CSV writes them. `spendsim generate -o x.jsonl` writes these bytes.
func TestJSONLWriterBytes(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.ndjson")
	w, err := NewWriter(p, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	recs := goodRecords(0)
	recs[0].Business = ""
	for i := range recs {
		if err := w.Write(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"ts":"2024-05-01T10:00:00Z","user":"5511987654321","direction":"user","business":"default","entry_point":"ctwa","message_id":"m1"}
{"ts":"2024-05-01T10:05:00.250Z","user":"5511987654321","direction":"business","type":"template","category":"utility","business":"15550001111","status":"read","delivered_ts":"2024-05-01T10:05:03Z","message_id":"m2"}
{"ts":"2024-05-01T10:10:00Z","user":"cust-42","direction":"user","country":"BR","business":"default","message_id":"m3"}
{"ts":"2024-05-01T10:12:00Z","user":"cust-42","direction":"business","type":"text","country":"BR","business":"15550001111","status":"failed"}
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestWriterRejectsWhatReadersWould(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.csv")
	w, err := NewWriter(p, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	err = w.Write(&Record{TS: 1, User: "5511987654321", Direction: model.FromBusiness, Kind: model.Template})
	if want := "trace: t.csv: record 1: a template needs a category (marketing, utility or authentication)"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	if err2 := w.Close(); err2 != err {
		t.Errorf("Close = %v, want the Write error", err2)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Errorf("a failed write left %s", p)
	}
	if files, _ := os.ReadDir(filepath.Dir(p)); len(files) != 0 {
		t.Errorf("temp files left: %v", files)
	}
}

func TestCloseTwiceAndNextAfterClose(t *testing.T) {
	r, err := Open("testdata/good.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var rec Record
	if err := r.Next(&rec); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := r.Next(&rec); err == nil || err == io.EOF {
		t.Errorf("Next after Close = %v, want an error", err)
	}
}

func TestWebhookSkipInvalid(t *testing.T) {
	good, err := os.ReadFile("testdata/webhook.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	bad, err := os.ReadFile("testdata/bad/bad_status.webhook")
	if err != nil {
		t.Fatal(err)
	}
	p := writeFile(t, t.TempDir(), "hooks.jsonl", string(bad)+string(good)+"{not json\n")
	recs, skipped, err := readAll(t, p, Options{SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 8 || skipped != 2 {
		t.Errorf("%d records, %d skipped; want 8 and 2", len(recs), skipped)
	}
	_, _, err = readAll(t, p, Options{})
	if want := `hooks.jsonl:1: column statuses.status: "deleted" is not one of sent, delivered, read, played, failed`; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

// TestStatusEventsOfOneMessage: a log that repeats a message id per status event bills
// it once, at the first delivered report; later reports are duplicates.
func TestStatusEventsOfOneMessage(t *testing.T) {
	p := writeFile(t, t.TempDir(), "t.csv", header+
		"2024-05-01T10:00:00Z,5511987654321,business,template,utility,,,,sent,,w1\n"+
		"2024-05-01T10:00:05Z,5511987654321,business,template,utility,,,,delivered,,w1\n"+
		"2024-05-01T10:00:09Z,5511987654321,business,template,utility,,,,read,,w1\n"+
		"2024-05-01T10:01:00Z,5511987654321,business,template,utility,,,,delivered,,w2\n"+
		"2024-05-01T10:01:05Z,5511987654321,business,template,utility,,,,sent,,w2\n")
	r, err := Open(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got []string
	for {
		var rec Record
		if err := r.Next(&rec); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s:%d", rec.MessageID, rec.Status))
	}
	want := fmt.Sprintf("w1:%d,w1:%d,w2:%d", model.Sent, model.Delivered, model.Delivered)
	if strings.Join(got, ",") != want {
		t.Errorf("records %s, want %s", strings.Join(got, ","), want)
	}
	if d := r.(Duplicater).Duplicates(); d != 2 {
		t.Errorf("%d duplicates, want 2", d)
	}
}
