package reports

import (
	"strings"
	"testing"

	"github.com/spendsim/spendsim/scenarios/trace"
)

// TestWriteReadNotes: what a reader dropped or decided is said on stderr — among it
// the rows dropped as repeated message ids, with the first (they were only counted in
// summary.json), and Parquet timestamps with no time zone, read as UTC (said nowhere).
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
