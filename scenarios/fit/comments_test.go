package fit

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spendsim/spendsim/internal/sharedtest"
	"github.com/spendsim/spendsim/scenarios/trace"
)

// TestTwitterCommentsAddUp reads the comments the fit writes for the real Twitter
// trace as a user would: the conversations the wait fit scored (answered + censored +
// those left out) add up to the conversations counted, and a round-the-clock team's
// comment shows how the waits change through the day instead of claiming they do not.
func TestTwitterCommentsAddUp(t *testing.T) {
	commentsAddUp(t, 0)
}

// TestSampledCommentsAddUp: past maxWaits conversations the waits are a uniform
// sample, and the comment says so and counts within it. A 152,495-conversation trace
// said "131072 answered, 0 censored. The other 21423 conversations left no wait to
// score: the trace stopped following them", a reason that was not true.
func TestSampledCommentsAddUp(t *testing.T) {
	defer func(n int) { maxWaits = n }(maxWaits)
	maxWaits = 256
	commentsAddUp(t, 256)
}

// commentsAddUp fits the Twitter trace and checks its comments add up: to the
// conversations counted, or with sample > 0 to the sample the comment names.
func commentsAddUp(t *testing.T, sample int) {
	if _, err := os.Stat(twitterTrace); err != nil {
		sharedtest.Missing(t, "the Twitter trace", err)
	}
	res, err := File([]string{twitterTrace}, trace.Options{}, Options{}, "twitter")
	if err != nil {
		t.Fatal(err)
	}
	y := string(res.YAML)
	count := func(re string) int {
		t.Helper()
		m := regexp.MustCompile(re).FindStringSubmatch(y)
		if m == nil {
			t.Fatalf("no %q in the fitted scenario:\n%s", re, y)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	convs := count(`of (\d+) conversations, \d+ got a first reply`)
	answered := count(`(\d+) answered,\n`)
	censored := count(`# (\d+) censored\.`)
	other := 0
	if m := regexp.MustCompile(`The other (\d+) conversations? left no wait`).FindStringSubmatch(y); m != nil {
		other, _ = strconv.Atoi(m[1])
	}
	if sample > 0 {
		if want := "uniform sample of 256 of the 1,067 conversations"; !strings.Contains(y, want) {
			t.Errorf("no %q in the fitted scenario:\n%s", want, y)
		}
		convs = sample
	}
	if answered+censored+other != convs {
		t.Errorf("%d answered + %d censored + %d left out = %d, want the %d conversations counted", answered, censored, other, answered+censored+other, convs)
	}
	if regexp.MustCompile(`as fast by night`).MatchString(y) {
		t.Error("the comment claims the waits do not change through the day")
	}
	if !regexp.MustCompile(`twelve hours with the most replies waited a median \d+ s, the others \d+ s`).MatchString(y) {
		t.Errorf("the round-the-clock comment does not show the waits by time of day:\n%s", y)
	}
}
