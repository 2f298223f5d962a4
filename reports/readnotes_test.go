package reports

import (
	"strings"
	"testing"

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
