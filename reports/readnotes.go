package reports

import (
	"fmt"
	"io"

	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/scenarios/trace"
)

// Counts are the reader's counts the summary kept, for WriteReadNotes.
func (s *ReplaySummary) Counts() trace.Counts {
	return trace.Counts{Skipped: s.Skipped, SkipReasons: s.SkipReasons, Duplicates: s.Duplicates, FirstDuplicate: s.FirstDuplicate,
		CountryOverrides: s.Overrides, Ignored: s.Ignored, NaiveTimes: s.NaiveTimes, Webhook: s.Webhook}
}

// WriteReadNotes says (on stderr) what a trace reader read past or decided that the bill
// depends on: the rows --skip-invalid skipped (in a webhook log, the lines, statuses and
// messages, as it counts them), with the first reasons, the rows dropped
// as repeats of a message id, with the first, the countries --country-overrides let
// decide, the webhook changes that are no message (account updates, quality updates,
// payment statuses, system messages), and Parquet timestamps with no time zone, read
// as UTC. Always shown, --quiet or not: what was left out of a bill, or how its times
// were read, is no progress note.
func WriteReadNotes(w io.Writer, c trace.Counts) {
	if c.Skipped > 0 {
		one, many := skippedUnits(c.Webhook)
		switch {
		case c.Skipped == 1:
			fmt.Fprintf(w, "1 invalid %s skipped (--skip-invalid):\n", one)
		case int64(len(c.SkipReasons)) == c.Skipped:
			fmt.Fprintf(w, "%d invalid %s skipped (--skip-invalid):\n", c.Skipped, many)
		default:
			fmt.Fprintf(w, "%d invalid %s skipped (--skip-invalid); the first %d:\n", c.Skipped, many, len(c.SkipReasons))
		}
		for _, r := range c.SkipReasons {
			fmt.Fprintf(w, "  %s\n", r)
		}
	}
	if c.Duplicates > 0 {
		line := fmt.Sprintf("%s dropped as %s of a message_id already read (a retry, or a later status of the same message: billed once)",
			words.Count(c.Duplicates, "row"), map[bool]string{true: "a repeat", false: "repeats"}[c.Duplicates == 1])
		switch {
		case c.FirstDuplicate != "" && c.Duplicates == 1:
			line += ": " + c.FirstDuplicate
		case c.FirstDuplicate != "":
			line += "; the first: " + c.FirstDuplicate
		}
		fmt.Fprintln(w, line)
	}
	if c.NaiveTimes != "" {
		fmt.Fprintf(w, "%s: timestamps with no time zone (not adjusted to UTC: pandas' default for naive datetimes), read as UTC; if they are local times, write them with their zone (pandas: .dt.tz_localize(ZONE))\n", c.NaiveTimes)
	}
	if c.CountryOverrides > 0 {
		fmt.Fprintf(w, "%d rows priced by a country column that contradicts their phone number (--country-overrides)\n", c.CountryOverrides)
	}
	switch {
	case c.Ignored == 1:
		fmt.Fprintln(w, "1 webhook change that is no message read past (an account or quality update, a payment status, a system message)")
	case c.Ignored > 1:
		fmt.Fprintf(w, "%d webhook changes that are no message read past (account and quality updates, payment statuses, system messages)\n", c.Ignored)
	}
}

// skippedUnits names what --skip-invalid skipped, one and many, as the reader counted
// it (trace.Counts.Webhook): rows, or in a webhook log its statuses, messages and lines.
func skippedUnits(webhook bool) (one, many string) {
	if webhook {
		return "status, message or line", "statuses, messages or lines"
	}
	return "row", "rows"
}
