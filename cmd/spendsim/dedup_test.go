package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// dedupTrace is a trace of marketing templates to one user, one id each, a few
// minutes apart and busiest between minutes 60 and 65, then m0's delivery repeated at
// minute 101 (a retry 101 minutes late) and m11's at 102 (37 minutes late).
func dedupTrace() string {
	var b strings.Builder
	b.WriteString("ts,user,direction,type,category,status,message_id\n")
	start := time.Date(2025, 9, 1, 5, 0, 0, 0, time.UTC)
	for i, m := range []int{0, 10, 20, 30, 40, 50, 60, 61, 62, 63, 64, 65, 100, 101, 102} {
		id := fmt.Sprintf("m%d", i)
		switch i {
		case 13:
			id = "m0"
		case 14:
			id = "m11"
		}
		fmt.Fprintf(&b, "%s,5511987654321,business,template,marketing,delivered,%s\n", start.Add(time.Duration(m)*time.Minute).Format(time.RFC3339), id)
	}
	return b.String()
}

// TestReplayDedupWindow: a replay says how far back it looked for repeated message
// ids. With --dedup-window 3 the reader forgets ids, so m0's retry 101 minutes on is
// billed again: summary.json's duplicate_check says the check was not complete and
// reached back 3 minutes at 06:03, the trace's busiest, and stderr says so, -q or not
// (before, nothing told the user the retry was billed twice). The default window holds
// the whole trace: complete, both retries dropped. --dedup-window changes nothing else:
// with a window the trace fits in, bill.parquet and messages.parquet are the bytes of
// the default's; and the summary is the same at any --workers. A window out of range is
// a usage error.
func TestReplayDedupWindow(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "t.csv", dedupTrace())
	replay := func(name string, args ...string) (summary map[string]any, raw []byte, stderr string) {
		t.Helper()
		out := filepath.Join(dir, name)
		code, _, stderr := spendsim(t, append([]string{"replay", "--trace", tr, "--out", out, "-q", "--pricing", "pmp-2025"}, args...)...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		raw, err := os.ReadFile(filepath.Join(out, "summary.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &summary); err != nil {
			t.Fatal(err)
		}
		return summary, raw, stderr
	}
	check := func(name string, s map[string]any, want string, records, dups float64) {
		t.Helper()
		got, _ := json.Marshal(s["duplicate_check"])
		if string(got) != want || s["records"] != records || s["duplicate_messages"] != dups {
			t.Errorf("%s: duplicate_check %s, %v records, %v duplicates; want %s, %v, %v", name, got, s["records"], s["duplicate_messages"], want, records, dups)
		}
	}

	small, smallRaw, stderr := replay("small", "--dedup-window", "3")
	check("--dedup-window 3", small, `{"complete":false,"reach_at":"2025-09-01T06:03:00Z","reach_s":180,"window":3}`, 14, 1)
	note := "repeated message_ids were looked for among the last 3 to 6 ids read, which at the trace's busiest (2025-09-01T06:03:00Z) went back 3m: a repeat further apart than that may have been billed again; --dedup-window N remembers more"
	if !strings.Contains(stderr, note) {
		t.Errorf("stderr under -q lacks the note %q:\n%s", note, stderr)
	}
	for _, w := range []string{"1", "3"} {
		if _, raw, _ := replay("small-w"+w, "--dedup-window", "3", "--workers", w); !bytes.Equal(raw, smallRaw) {
			t.Errorf("--workers %s: summary.json differs:\n%s\nwant\n%s", w, raw, smallRaw)
		}
	}

	def, _, stderr := replay("default")
	check("default", def, `{"complete":true,"reach_at":null,"reach_s":null,"window":131072}`, 13, 2)
	if strings.Contains(stderr, "looked for") {
		t.Errorf("a complete check has a note:\n%s", stderr)
	}
	wide, _, _ := replay("wide", "--dedup-window", "16")
	check("--dedup-window 16", wide, `{"complete":true,"reach_at":null,"reach_s":null,"window":16}`, 13, 2)
	for _, f := range []string{"bill.parquet", "messages.parquet"} {
		a, err := os.ReadFile(filepath.Join(dir, "default", f))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "wide", f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between the default window and --dedup-window 16", f)
		}
	}

	for _, bad := range []string{"0", "-1", "16000001"} {
		code, _, stderr := spendsim(t, "replay", "--trace", tr, "--out", filepath.Join(dir, "bad"), "--dedup-window", bad)
		if want := "--dedup-window must be between 1 and 16000000 message ids, got " + bad; code != 2 || !strings.Contains(stderr, want) {
			t.Errorf("--dedup-window %s: exit %d, %s; want 2 and %q", bad, code, stderr, want)
		}
	}
	// reconcile reads a log as replay does, and refuses the flag with a replay's folder.
	if code, _, stderr := spendsim(t, "reconcile", "--replay", filepath.Join(dir, "small"), "--dedup-window", "3"); code != 2 || !strings.Contains(stderr, "--dedup-window has no effect with --replay DIR") {
		t.Errorf("reconcile --replay --dedup-window: exit %d, %s", code, stderr)
	}
}

// TestFitDedupWindow: fit says how far back its de-duplication reached, as replay does,
// and takes the --dedup-window its note names (it refused the flag its own note told
// the user to give).
func TestFitDedupWindow(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("ts,user,direction,type,category,message_id\n")
	for i := range 12 { // a customer a minute writes, and is answered a minute later
		fmt.Fprintf(&b, "2025-09-01T06:%02d:00Z,+55119999000%02d,user,text,,u%d\n", 2*i, i, i)
		fmt.Fprintf(&b, "2025-09-01T06:%02d:00Z,+55119999000%02d,business,text,,b%d\n", 2*i+1, i, i)
	}
	tr := writeFile(t, dir, "t.csv", b.String())
	code, _, stderr := spendsim(t, "fit", "--trace", tr, "-o", filepath.Join(dir, "small.yaml"), "-q", "--dedup-window", "3")
	if code != 0 || !strings.Contains(stderr, "--dedup-window N remembers more (now 3;") {
		t.Errorf("fit --dedup-window 3: exit %d, stderr %q; want 0 and the note", code, stderr)
	}
	code, _, stderr = spendsim(t, "fit", "--trace", tr, "-o", filepath.Join(dir, "all.yaml"), "-q")
	if code != 0 || strings.Contains(stderr, "--dedup-window") {
		t.Errorf("fit: exit %d, stderr %q; want 0 and no note (the window reached the whole trace)", code, stderr)
	}
}
