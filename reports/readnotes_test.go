package reports

import (
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/scenarios/trace"
)

// TestWriteReadNotes: what a reader dropped or decided is said on stderr — among it
// the rows dropped as repeated message ids, with the first (they were only counted in
// summary.json), and Parquet timestamps with no time zone, read as UTC (said nowhere);
// what --skip-invalid skipped is named as it was counted: rows, or in a webhook log
// statuses, messages and lines (it said "rows" of those too).
func TestWriteReadNotes(t *testing.T) {
	cases := []struct {
		c    trace.Counts
		want string
	}{
		{trace.Counts{}, ""},
		{trace.Counts{Duplicates: 1, FirstDuplicate: "t.csv:4 repeats t.csv:3"},
			"1 row dropped as a repeat of a message_id already read (a retry, or a later status of the same message: billed once): t.csv:4 repeats t.csv:3\n"},
		// A merge of shards written before the first duplicate was kept.
		{trace.Counts{Duplicates: 2},
			"2 rows dropped as repeats of a message_id already read (a retry, or a later status of the same message: billed once)\n"},
		{trace.Counts{Skipped: 1, SkipReasons: []string{"t.csv:2: column ts: …"}},
			"1 invalid row skipped (--skip-invalid):\n  t.csv:2: column ts: …\n"},
		{trace.Counts{Skipped: 5, SkipReasons: []string{"a", "b", "c"}},
			"5 invalid rows skipped (--skip-invalid); the first 3:\n  a\n  b\n  c\n"},
		{trace.Counts{Skipped: 1, SkipReasons: []string{"w.jsonl:15: column statuses.status: …"}, Webhook: true},
			"1 invalid status, message or line skipped (--skip-invalid):\n  w.jsonl:15: column statuses.status: …\n"},
		{trace.Counts{Skipped: 2, SkipReasons: []string{"a", "b"}, Webhook: true},
			"2 invalid statuses, messages or lines skipped (--skip-invalid):\n  a\n  b\n"},
		{trace.Counts{Skipped: 7, SkipReasons: []string{"a", "b", "c"}, Webhook: true},
			"7 invalid statuses, messages or lines skipped (--skip-invalid); the first 3:\n  a\n  b\n  c\n"},
		{trace.Counts{NaiveTimes: "t.parquet: column ts (and 1 other file)"},
			"t.parquet: column ts (and 1 other file): timestamps with no time zone (not adjusted to UTC: pandas' default for naive datetimes), read as UTC; if they are local times, write them with their zone (pandas: .dt.tz_localize(ZONE))\n"},
	}
	for _, c := range cases {
		var b strings.Builder
		WriteReadNotes(&b, c.c)
		if b.String() != c.want {
			t.Errorf("%+v:\n got %q\nwant %q", c.c, b.String(), c.want)
		}
	}
}

// TestDedupReachNote: a reader that forgot ids says how far back it looked for repeats
// (a repeat further apart was billed again, said nowhere before); one that forgot none,
// or does not say, says nothing. The summary's duplicate_check carries the same back
// to the note (a merge, reconcile).
func TestDedupReachNote(t *testing.T) {
	at := model.FromStd(time.Date(2025, 8, 14, 21, 35, 54, 0, time.UTC))
	for _, c := range []struct {
		d    trace.DedupReach
		want string
	}{
		{trace.DedupReach{}, ""},
		{trace.DedupReach{Window: 131072, Complete: true}, ""},
		{trace.DedupReach{Window: 131072, Reach: 4*24*model.Hour + 24*model.Minute + 57*model.Second + 151, At: at},
			"repeated message_ids were looked for among the last 131072 to 262144 ids read, which at the trace's busiest (2025-08-14T21:35:54Z) went back 4d0h24m57s: a repeat further apart than that may have been billed again; --dedup-window N remembers more (now 131072; about 220 bytes of memory per id)\n"},
	} {
		var b strings.Builder
		WriteReadNotes(&b, trace.Counts{Dedup: c.d})
		if b.String() != c.want {
			t.Errorf("%+v:\n got %q\nwant %q", c.d, b.String(), c.want)
		}
		s := ReplaySummary{DuplicateCheck: NewDuplicateCheck(c.d)}
		if got := s.Counts().Dedup; got.Window != c.d.Window || got.Complete != c.d.Complete || got.Reach != c.d.Reach || got.At != c.d.At {
			t.Errorf("%+v through summary.json: %+v", c.d, got)
		}
	}
}

func TestSpan(t *testing.T) {
	for _, c := range []struct {
		t    model.Time
		want string
	}{
		{0, "0s"}, {250, "0.25s"}, {1999, "1s"}, {3 * model.Minute, "3m"}, {model.Hour, "1h"},
		{model.Hour + 32*model.Minute + 5*model.Second, "1h32m5s"}, {2 * model.Day, "2d"},
		{2*model.Day + 4*model.Hour, "2d4h"}, {4*model.Day + 24*model.Minute + 57*model.Second, "4d0h24m57s"},
	} {
		if got := Span(c.t); got != c.want {
			t.Errorf("Span(%d) = %q, want %q", c.t, got, c.want)
		}
	}
}
