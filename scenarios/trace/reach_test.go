package trace

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
)

// reachRows are user messages at these minutes after 2025-09-01T05:00Z, with these
// ids: twelve new ids, busiest between minutes 60 and 65, then m0 again at minute 101
// (101 minutes after it: beyond what a window of 3 ids still remembers, so read again)
// and m11 again at 102 (37 minutes after it: caught).
var reachRows = []struct {
	min float64
	id  string
}{
	{0, "m0"}, {10, "m1"}, {20, "m2"}, {30, "m3"}, {40, "m4"}, {50, "m5"},
	{60, "m6"}, {61, "m7"}, {62, "m8"}, {63, "m9"}, {64, "m10"}, {65, "m11"},
	{100, "m12"}, {101, "m0"}, {102, "m11"},
}

var reachStart = model.FromStd(time.Date(2025, 9, 1, 5, 0, 0, 0, time.UTC))

// TestDedupReach: the reader says how far back its de-duplication reached. With a
// window of 3 ids the set turns a generation at m3 (forgetting nothing), m6 (the ids
// from m3 on remembered: 30 minutes), m9 (from m6: 3 minutes, the busiest) and m12
// (from m9: 37 minutes); so repeats less than 3 minutes apart were surely caught, and
// m0's repeat 101 minutes on was read again, unflagged before. Every path that reads a
// trace (CSV plain and sorted, Parquet decoded ahead, a set of files merged or sorted)
// says the same, and a webhook log; a window holding the whole trace says complete.
func TestDedupReach(t *testing.T) {
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("ts,user,direction,country,message_id\n")
	var recs []Record
	for _, r := range reachRows {
		ts := reachStart + model.Time(r.min*float64(model.Minute))
		fmt.Fprintf(&csv, "%s,c1,user,BR,%s\n", ts.Std().Format("2006-01-02T15:04:05Z"), r.id)
		recs = append(recs, Record{TS: ts, User: "c1", Direction: model.FromUser, Country: "BR", MessageID: r.id})
	}
	one := writeFile(t, dir, "t.csv", csv.String())
	pq := filepath.Join(dir, "t.parquet")
	w, err := NewWriter(pq, WriterOptions{RowGroupRows: 4})
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		if err := w.Write(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(csv.String(), "\n"), "\n")
	// Two files that interleave in time, merged by ts (or sorted).
	var a, b strings.Builder
	a.WriteString(lines[0])
	b.WriteString(lines[0])
	for i, l := range lines[1:] {
		if i%2 == 0 {
			a.WriteString(l)
		} else {
			b.WriteString(l)
		}
	}
	a1, b1 := writeFile(t, dir, "a.csv", a.String()+"\n"), writeFile(t, dir, "b.csv", b.String()+"\n")
	// The same rows out of order, for --sort.
	shuffled := writeFile(t, dir, "s.csv", lines[0]+strings.Join(reversed(lines[1:]), "\n")+"\n")

	want := DedupReach{Window: 3, Reach: 3 * model.Minute, At: reachStart + 63*model.Minute}
	for _, c := range []struct {
		name  string
		files []string
		sort  bool
	}{
		{"csv", []string{one}, false},
		{"csv sorted", []string{one}, true},
		{"csv out of order, sorted", []string{shuffled}, true},
		{"parquet", []string{pq}, false},
		{"parquet sorted", []string{pq}, true},
		{"two files merged", []string{a1, b1}, false},
		{"two files sorted", []string{a1, b1}, true},
	} {
		ids, cn, err := readCounts(t, c.files, Options{DedupWindow: 3, Sort: c.sort})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if cn.Dedup != want {
			t.Errorf("%s: reach %+v, want %+v", c.name, cn.Dedup, want)
		}
		// m0 read twice (its repeat was forgotten), m11's repeat dropped.
		if len(ids) != len(reachRows)-1 || cn.Duplicates != 1 {
			t.Errorf("%s: %d records, %d duplicates; want %d and 1", c.name, len(ids), cn.Duplicates, len(reachRows)-1)
		}
	}

	// A webhook log of the same sends: its statuses are merged by message id through
	// the whole log (the repeats, delivered statuses, join their message whatever the
	// window), then its records reach the window in ts order, which measures alike.
	var hooks []string
	seen := map[string]bool{}
	for _, r := range reachRows {
		ts := reachStart + model.Time(r.min*float64(model.Minute))
		st := "sent"
		if seen[r.id] {
			st = "delivered"
		}
		seen[r.id] = true
		hooks = append(hooks, hook(r.id, st, int64(ts/model.Second), ""))
	}
	wh := writeFile(t, dir, "hooks.jsonl", strings.Join(hooks, "\n")+"\n")
	ids, cn, err := readCounts(t, []string{wh}, Options{DedupWindow: 3})
	if err != nil {
		t.Fatal(err)
	}
	if cn.Dedup != want || len(ids) != len(seen) || cn.Duplicates != 0 {
		t.Errorf("webhook log: reach %+v, %d records, %d duplicates; want %+v, %d, 0", cn.Dedup, len(ids), cn.Duplicates, want, len(seen))
	}

	// A window the trace fits in: complete, and m0's repeat caught. Six ids turn once
	// at a window of 3, forgetting nothing: complete too; a seventh forgets.
	for _, c := range []struct {
		window, rows int
		complete     bool
	}{{16, len(reachRows), true}, {0, len(reachRows), true}, {3, 6, true}, {3, 7, false}} {
		p := writeFile(t, dir, "short.csv", strings.Join(lines[:c.rows+1], ""))
		_, cn, err := readCounts(t, []string{p}, Options{DedupWindow: c.window})
		if err != nil {
			t.Fatal(err)
		}
		w := c.window
		if w == 0 {
			w = DefaultDedupWindow
		}
		if cn.Dedup.Window != w || cn.Dedup.Complete != c.complete || c.complete && (cn.Dedup.Reach != 0 || cn.Dedup.At != 0) {
			t.Errorf("window %d, %d rows: %+v, want window %d, complete %v", c.window, c.rows, cn.Dedup, w, c.complete)
		}
	}
}

func reversed(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = strings.TrimSuffix(v, "\n")
	}
	return out
}

func TestCheckDedupWindow(t *testing.T) {
	for _, n := range []int{1, DefaultDedupWindow, MaxDedupWindow} {
		if err := CheckDedupWindow(n); err != nil {
			t.Errorf("CheckDedupWindow(%d) = %v", n, err)
		}
	}
	for _, n := range []int{0, -1, MaxDedupWindow + 1} {
		if err := CheckDedupWindow(n); err == nil {
			t.Errorf("CheckDedupWindow(%d) = nil", n)
		}
	}
}
