package trace

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/model"
)

// readCounts reads every record of the traces args name, and the reader's counts.
func readCounts(t *testing.T, args []string, o Options) ([]string, Counts, error) {
	t.Helper()
	r, err := OpenAll(args, o)
	if err != nil {
		return nil, Counts{}, err
	}
	defer r.Close()
	var ids []string
	for {
		var rec Record
		if err := r.Next(&rec); err == io.EOF {
			return ids, CountsOf(r), nil
		} else if err != nil {
			return ids, CountsOf(r), err
		}
		id := rec.User + "/" + rec.MessageID
		if rec.Redelivered {
			id += "+delivered" // the second record of a message read before as not delivered
		}
		ids = append(ids, id)
	}
}

// TestDuplicateIDs: a repeated message_id is a retry when the row is the same message
// (user, direction, category) — dropped, counted, and the first one located, so the
// command can say so (it said nothing: only summary.json's duplicate_messages showed
// it) — and an id clash when it is another message: an invalid row naming the row the
// id first named (three marketing templates to three users under one id were billed
// as one, silently).
func TestDuplicateIDs(t *testing.T) {
	dir := t.TempDir()
	const h = "ts,user,direction,type,category,country,status,message_id\n"
	retry := writeFile(t, dir, "retry.csv", h+
		"2025-09-01T05:00:00Z,c1,business,template,marketing,BR,sent,x1\n"+
		"2025-09-01T05:00:01Z,c1,business,template,marketing,BR,delivered,x1\n"+ // the status log's delivery: goes through
		"2025-09-01T05:00:02Z,c1,business,template,marketing,BR,read,x1\n"+ // a repeat
		"2025-09-01T05:00:03Z,c2,user,,,BR,,y1\n"+
		"2025-09-01T05:00:04Z,c2,user,,,BR,,y1\n") // a webhook retry
	ids, c, err := readCounts(t, []string{retry}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(ids, ","), "c1/x1,c1/x1+delivered,c2/y1"; got != want {
		t.Errorf("read %s, want %s", got, want)
	}
	if c.Duplicates != 2 || c.FirstDuplicate != "retry.csv:4 repeats retry.csv:2" || c.Skipped != 0 {
		t.Errorf("counts %+v, want 2 duplicates, the first retry.csv:4 repeats retry.csv:2", c)
	}

	clash := filepath.Join("testdata", "bad", "id_clash.csv")
	_, _, err = readCounts(t, []string{clash}, Options{})
	want := `id_clash.csv:3: column message_id: "x1" already names the message on line 2, which has another user, direction or category: an id names one message (a retry repeats it whole); give each message its own id`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	ids, c, err = readCounts(t, []string{clash}, Options{SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ids, ","); got != "c1/x1" || c.Skipped != 2 || c.Duplicates != 0 || c.SkipReasons[0] != want {
		t.Errorf("with SkipInvalid: read %s, counts %+v; want c1/x1, 2 skipped", got, c)
	}

	// Across the files of a set, sorted or merged: each place names its file.
	a := writeFile(t, dir, "a.csv", h+"2025-09-01T05:00:00Z,c1,user,,,BR,,z1\n")
	b := writeFile(t, dir, "b.csv", h+"2025-09-01T06:00:00Z,c1,user,,,BR,,z1\n2025-09-01T07:00:00Z,c9,user,,,BR,,z1\n")
	for _, o := range []Options{{}, {Sort: true}} {
		_, c, err = readCounts(t, []string{a, b}, o)
		want := `b.csv:3: column message_id: "z1" already names the message on a.csv:2, which has another user, direction or category: an id names one message (a retry repeats it whole); give each message its own id`
		if err == nil || err.Error() != want || c.FirstDuplicate != "b.csv:2 repeats a.csv:2" {
			t.Errorf("sort %v: err = %v, first duplicate %q", o.Sort, err, c.FirstDuplicate)
		}
	}

	// Parquet, whose rows are fingerprinted as they are decoded (earlyRules).
	pq := filepath.Join(dir, "t.parquet")
	w, err := NewWriter(pq, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range []string{"5511987654321", "5511987654321", "5511987654322"} {
		r := Record{TS: tm("2025-09-01T05:00:00Z") + model.Time(i), User: u, Direction: model.FromUser, MessageID: "m"}
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, o := range []Options{{}, {Sort: true}} {
		_, c, err = readCounts(t, []string{pq}, o)
		want := `t.parquet:3: column message_id: "m" already names the message on row 1, which has another user, direction or category: an id names one message (a retry repeats it whole); give each message its own id`
		if err == nil || err.Error() != want || c.FirstDuplicate != "t.parquet:2 repeats t.parquet:1" {
			t.Errorf("sort %v: err = %v, first duplicate %q", o.Sort, err, c.FirstDuplicate)
		}
	}
}
