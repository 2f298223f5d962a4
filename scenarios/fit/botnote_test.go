package fit

import (
	"strings"
	"testing"
	"time"
)

// TestBotNote: replies at a bot's pace (half within a minute) are said to be a bot's,
// whose fitted team is then the bot, and the note names the --bot that takes them for
// the bot's; with --bot given, replies after it still that fast are said to be too. A
// team's pace (the Twitter trace's median is 31 minutes) and a trace with no replies
// get no note.
func TestBotNote(t *testing.T) {
	fast := &Result{Response: Fitted{N: 52485, MedianS: 4.98}}
	if n := fast.BotNote(); !strings.Contains(n, "half the trace's 52485 replies came within 4.98 s") || !strings.Contains(n, "its team is the bot") ||
		!strings.Contains(n, "fit it again with --bot 10s") {
		t.Errorf("BotNote at a 5 s median = %q", n)
	}
	still := &Result{Response: Fitted{N: 900, MedianS: 12}, Bot: &Bot{Within: 10 * time.Second}}
	if n := still.BotNote(); !strings.Contains(n, "half the team's 900 replies (those --bot 10s did not take for the bot's) came within 12 s") ||
		!strings.Contains(n, "a longer --bot") {
		t.Errorf("BotNote with --bot 10s at a 12 s median = %q", n)
	}
	for _, r := range []*Result{{Response: Fitted{N: 141, MedianS: 1873}}, {Response: Fitted{N: 10, MedianS: BotPaceS}}, {}} {
		if n := r.BotNote(); n != "" {
			t.Errorf("BotNote(median %v s over %d) = %q; want none", r.Response.MedianS, r.Response.N, n)
		}
	}
}

// TestBotWithin: the --bot proposed is twice the median, rounded up to a round number
// of seconds, and reads as --bot takes it.
func TestBotWithin(t *testing.T) {
	for _, c := range []struct {
		medianS float64
		want    string
	}{{0, "1s"}, {0.3, "1s"}, {4.98, "10s"}, {5.1, "15s"}, {12, "30s"}, {29, "1m"}, {44, "1m30s"}, {59, "2m"}} {
		if got := botFlag(BotWithin(c.medianS)); got != c.want {
			t.Errorf("BotWithin(%v) = %s, want %s", c.medianS, got, c.want)
		}
	}
}
