package fit

import (
	"strings"
	"testing"
)

// TestBotNote: replies at a bot's pace (half within a minute) are said to be a bot's,
// whose fitted team is then the bot; a team's pace (the Twitter trace's median is 31
// minutes) and a trace with no replies get no note.
func TestBotNote(t *testing.T) {
	fast := &Result{Response: Fitted{N: 52485, MedianS: 4.98}}
	if n := fast.BotNote(); !strings.Contains(n, "half the trace's 52485 replies came within 4.98 s") || !strings.Contains(n, "its team is the bot") {
		t.Errorf("BotNote at a 5 s median = %q", n)
	}
	for _, r := range []*Result{{Response: Fitted{N: 141, MedianS: 1873}}, {Response: Fitted{N: 10, MedianS: BotPaceS}}, {}} {
		if n := r.BotNote(); n != "" {
			t.Errorf("BotNote(median %v s over %d) = %q; want none", r.Response.MedianS, r.Response.N, n)
		}
	}
}
