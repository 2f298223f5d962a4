package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spendsim/spendsim/internal/words"
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/scenarios/trace"
)

// Counts are the reader's counts the summary kept, for WriteReadNotes.
func (s *ReplaySummary) Counts() trace.Counts {
	return trace.Counts{Skipped: s.Skipped, SkipReasons: s.SkipReasons, Duplicates: s.Duplicates, FirstDuplicate: s.FirstDuplicate,
		CountryOverrides: s.Overrides, Ignored: s.Ignored, NaiveTimes: s.NaiveTimes, Webhook: s.Webhook, Dedup: s.DuplicateCheck.reach()}
}

// WriteReadNotes says (on stderr) what a trace reader read past or decided that the bill
// depends on: the rows --skip-invalid skipped (in a webhook log, the lines, statuses and
// messages, as it counts them), with the first reasons, the rows dropped
// as repeats of a message id, with the first, how far back repeats were looked for
// where the reader forgot ids (a repeat further apart was billed again), the
// countries --country-overrides let
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
	if d := c.Dedup; d.Window > 0 && !d.Complete {
		fmt.Fprintf(w, "repeated message_ids were looked for among the last %d to %d ids read, which at the trace's busiest (%s) went back %s: a repeat further apart than that may have been billed again; --dedup-window N remembers more (now %d; about %d bytes of memory per id)\n",
			d.Window, 2*d.Window, d.At.Std().Format(time.RFC3339), Span(d.Reach), d.Window, trace.DedupIDBytes)
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

// Span is a span of trace time as the notes say it, cut to the second below (a span
// within which something surely held): "3m", "1h32m5s", "4d0h24m57s", "0.25s".
func Span(t model.Time) string {
	d := time.Duration(t) * time.Millisecond
	if d < time.Second {
		return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s"
	}
	d = d.Truncate(time.Second)
	const day = 24 * time.Hour
	s := (d % day).String()
	for _, z := range []string{"m0s", "h0m"} {
		if strings.HasSuffix(s, z) {
			s = strings.TrimSuffix(s, z[1:])
		}
	}
	switch days := d / day; {
	case days == 0:
		return s
	case s == "0s":
		return fmt.Sprintf("%dd", days)
	case d%day < time.Hour:
		return fmt.Sprintf("%dd0h%s", days, s)
	default:
		return fmt.Sprintf("%dd%s", days, s)
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
