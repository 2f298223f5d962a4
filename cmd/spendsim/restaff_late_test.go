package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// restaffLikeForLike is what restaff.json says of the original's late free-form
// replies, beside restaffJSON's figures.
type restaffLikeForLike struct {
	Old struct {
		TotalMicros       int64 `json:"total_micros"`
		TextOutsideWindow int64 `json:"text_outside_window"`
		Customers         int64 `json:"customers"`
		RepliesWanted     int64 `json:"replies_wanted"`
		Late              int64 `json:"late_replies"`
		LateFreeForm      int64 `json:"late_free_form"`
		LateFreeFormMore  int64 `json:"late_free_form_further"`
	} `json:"old"`
	New struct {
		TotalMicros       int64 `json:"total_micros"`
		TextOutsideWindow int64 `json:"text_outside_window"`
		Customers         int64 `json:"customers"`
		LateUtility       int64 `json:"late_utility_templates"`
	} `json:"new"`
	LateReply      string `json:"late_reply"`
	OldLikeForLike struct {
		TotalMicros      int64            `json:"total_micros"`
		AmountByCategory map[string]int64 `json:"amount_micros_by_category"`
		Billable         map[string]int64 `json:"billable_by_category"`
	} `json:"old_like_for_like"`
	Difference struct {
		TotalMicros            int64 `json:"total_micros"`
		LikeForLikeTotalMicros int64 `json:"like_for_like_total_micros"`
	} `json:"difference"`
}

// restaffBoth restaffs trace into dir/restaff and replays it plainly into dir/plain,
// for the original's bill to be set against the plain replay's.
func restaffBoth(t *testing.T, dir string, args ...string) (stdout, stderr string, r restaffLikeForLike, plain replaySummaryOutside) {
	t.Helper()
	code, stdout, stderr := spendsim(t, append([]string{"replay", "--out", filepath.Join(dir, "restaff")}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	readJSON(t, filepath.Join(dir, "restaff", "restaff.json"), &r)
	var plainArgs []string
	for i := 0; i < len(args); i++ {
		if args[i] == "--restaff" || args[i] == "--point" {
			i++
			continue
		}
		plainArgs = append(plainArgs, args[i])
	}
	if code, _, stderr := spendsim(t, append([]string{"replay", "-q", "--out", filepath.Join(dir, "plain")}, plainArgs...)...); code != 0 {
		t.Fatalf("plain replay: exit %d: %s", code, stderr)
	}
	readJSON(t, filepath.Join(dir, "plain", "summary.json"), &plain)
	return stdout, stderr, r, plain
}

type replaySummaryOutside struct {
	TotalMicros       int64 `json:"total_micros"`
	TextOutsideWindow int64 `json:"text_outside_window"`
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// lateHandTrace is handTrace with C's Friday-evening message answered by the original
// team not at 20:45Z but on Monday 2025-09-08 at 21:00Z, with free-form text, two days
// after C's window closed: a reply WhatsApp would have refused.
var lateHandTrace = strings.Replace(handTrace, "2025-09-05T20:45:00Z,5511900000003,business,text,\n", "", 1) +
	"2025-09-08T21:00:00Z,5511900000003,business,text,\n"

// TestRestaffLateFreeFormHandTrace: the charges of both sides, by hand (Brazil and
// India, PMP 2025 card). As traced, the original pays the marketing template (0.0625)
// and the authentication code (0.0014): its late text to C is priced as free-form,
// free, and counted in text_outside_window, exactly as a plain replay of the trace
// bills and counts it. The one agent of one-agent.yaml answers C on Monday at 12:10Z,
// late, with a utility template (0.0068), as TestRestaffHandTrace shows. Like for like
// the original's late text goes out as that same utility template: 0.0707 on both
// sides, a difference of 0 where the bill as traced shows +0.0068.
func TestRestaffLateFreeFormHandTrace(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "late.csv", lateHandTrace)
	stdout, stderr, r, plain := restaffBoth(t, dir, "--trace", tr, "--pricing", "pmp-2025", "--restaff", "testdata/restaff/one-agent.yaml")
	if r.Old.TotalMicros != 63_900 || plain.TotalMicros != r.Old.TotalMicros || plain.TextOutsideWindow != 1 || r.Old.TextOutsideWindow != 1 {
		t.Errorf("original as traced %d micros, %d text outside the window; plain replay %d, %d; want 63900 and 1 both",
			r.Old.TotalMicros, r.Old.TextOutsideWindow, plain.TotalMicros, plain.TextOutsideWindow)
	}
	l := r.OldLikeForLike
	if l.TotalMicros != 70_700 || l.AmountByCategory["utility"] != 6_800 || l.Billable["utility"] != 1 || l.AmountByCategory["marketing"] != 62_500 ||
		l.AmountByCategory["authentication"] != 1_400 || r.LateReply != "utility" {
		t.Errorf("like for like (%s): %+v; want 70700: marketing 62500, utility 6800 (1), authentication 1400", r.LateReply, l)
	}
	if r.New.TotalMicros != 70_700 || r.Difference.TotalMicros != 6_800 || r.Difference.LikeForLikeTotalMicros != 0 || r.New.TextOutsideWindow != 0 {
		t.Errorf("restaffed %d micros (%d outside the window); differences %d as traced, %d like for like; want 70700 (0), 6800, 0",
			r.New.TotalMicros, r.New.TextOutsideWindow, r.Difference.TotalMicros, r.Difference.LikeForLikeTotalMicros)
	}
	if o := r.Old; o.RepliesWanted != 4 || o.Late != 1 || o.LateFreeForm != 1 || o.Customers != 3 || r.New.Customers != 3 {
		t.Errorf("original %+v, restaffed customers %d", o, r.New.Customers)
	}
	for _, line := range []string{
		"spend (USD)                                0.06                   0.07          +0.01\n",
		"like for like (USD)                        0.07                   0.07           0.00\n",
		"  utility                              0.01 (1)               0.01 (1)           0.00\n",
		"customers who wrote                           3                      3             +0\n",
		"  answered late                               1                      1             +0\n",
		"    as templates                              0                      1             +1\n",
		"    as free-form                              1                      0             -1\n",
		"as free-form: 1 conversation the original answered with a free-form message after the customer's 24-hour window had closed",
		"original: 1 delivered free-form business message was sent with no customer service window open, which WhatsApp refuses",
	} {
		if !strings.Contains(stdout, line) {
			t.Errorf("stdout lacks %q:\n%s", line, stdout)
		}
	}
	if !strings.Contains(stderr, "three passes over the trace") {
		t.Errorf("stderr: %s", stderr)
	}
	page, err := os.ReadFile(filepath.Join(dir, "restaff", "restaff.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "<td>like for like (USD)</td><td>0.07</td><td>0.07</td><td>0.00</td>") ||
		!strings.Contains(string(page), `<p class="meta">original: 1 delivered free-form business message was sent`) {
		t.Errorf("restaff.html lacks the like-for-like row or the note:\n%s", page)
	}
}

// TestRestaffTwoLateTextsHandTrace: lateHandTrace with a second free-form message to
// C five minutes after the first late one, on Monday 2025-09-08 at 21:05Z, before C
// writes again: two late free-form messages in one conversation, both refused by
// WhatsApp. As traced the original pays 0.0639 (the marketing template and the
// authentication code; both texts free, both in text_outside_window). Like for like
// each goes out as one-agent.yaml's late-reply policy sends a late reply, a utility
// template at 0.0068: 0.0639 + 2 × 0.0068 = 0.0775 (before, only the first was
// re-priced: 0.0707, as if the original had paid one template for two late messages).
// The restaffed team sends C one late utility template (0.0707 in all), so like for
// like the restaffing saves 0.0068, where the bill as traced shows it costing 0.0068.
func TestRestaffTwoLateTextsHandTrace(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "late2.csv", lateHandTrace+"2025-09-08T21:05:00Z,5511900000003,business,text,\n")
	stdout, stderr, r, plain := restaffBoth(t, dir, "--trace", tr, "--pricing", "pmp-2025", "--restaff", "testdata/restaff/one-agent.yaml")
	if r.Old.TotalMicros != 63_900 || plain.TotalMicros != 63_900 || r.Old.TextOutsideWindow != 2 || plain.TextOutsideWindow != 2 {
		t.Errorf("original as traced %d micros, %d text outside the window; plain replay %d, %d; want 63900 and 2 both",
			r.Old.TotalMicros, r.Old.TextOutsideWindow, plain.TotalMicros, plain.TextOutsideWindow)
	}
	if o := r.Old; o.RepliesWanted != 4 || o.Late != 1 || o.LateFreeForm != 1 || o.LateFreeFormMore != 1 {
		t.Errorf("original %+v: want 4 conversations, 1 answered late with free-form, 1 further late free-form message", o)
	}
	l := r.OldLikeForLike
	if l.TotalMicros != 77_500 || l.AmountByCategory["utility"] != 13_600 || l.Billable["utility"] != 2 || l.AmountByCategory["marketing"] != 62_500 ||
		l.AmountByCategory["authentication"] != 1_400 {
		t.Errorf("like for like: %+v; want 77500: marketing 62500, utility 13600 (2), authentication 1400", l)
	}
	if r.New.TotalMicros != 70_700 || r.Difference.TotalMicros != 6_800 || r.Difference.LikeForLikeTotalMicros != -6_800 {
		t.Errorf("restaffed %d micros; differences %d as traced, %d like for like; want 70700, 6800, -6800",
			r.New.TotalMicros, r.Difference.TotalMicros, r.Difference.LikeForLikeTotalMicros)
	}
	for _, line := range []string{
		"like for like (USD)                        0.08                   0.07          -0.01\n",
		"  utility                              0.01 (2)               0.01 (1)          -0.01\n",
		"as free-form: 1 conversation the original answered with a free-form message after the customer's 24-hour window had closed, and 1 further free-form message it sent outside the window",
		"sends one reply per conversation and none of the original's further messages: the like-for-like difference counts the 1 further message as saved",
	} {
		if !strings.Contains(stdout, line) {
			t.Errorf("stdout lacks %q:\n%s", line, stdout)
		}
	}
	if !strings.Contains(stderr, "three passes over the trace") {
		t.Errorf("stderr: %s", stderr)
	}
}

// TestRestaffFurtherLateTextOnly: the original answered C inside the window (20:45Z,
// as handTrace) and wrote to C again on Monday at 21:00Z, after the window closed, with
// no late reply at all: a like-for-like bill of its own all the same, the one further
// message sent as a utility template (0.0639 + 0.0068 = 0.0707: the same as the
// restaffed team's bill).
func TestRestaffFurtherLateTextOnly(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "further.csv", handTrace+"2025-09-08T21:00:00Z,5511900000003,business,text,\n")
	stdout, stderr, r, _ := restaffBoth(t, dir, "--trace", tr, "--pricing", "pmp-2025", "--restaff", "testdata/restaff/one-agent.yaml")
	if o := r.Old; o.LateFreeForm != 0 || o.LateFreeFormMore != 1 || o.TextOutsideWindow != 1 || o.TotalMicros != 63_900 {
		t.Errorf("original %+v: want no late free-form reply, 1 further late free-form message, 63900 micros", o)
	}
	if l := r.OldLikeForLike; l.TotalMicros != 70_700 || l.Billable["utility"] != 1 || r.Difference.LikeForLikeTotalMicros != 0 {
		t.Errorf("like for like %+v, difference %d; want 70700 with 1 utility template, 0", l, r.Difference.LikeForLikeTotalMicros)
	}
	if !strings.Contains(stdout, "as free-form: 1 free-form message the original sent outside the customer's 24-hour window, answering no conversation") {
		t.Errorf("stdout lacks the note:\n%s", stdout)
	}
	if !strings.Contains(stderr, "three passes over the trace") {
		t.Errorf("stderr: %s", stderr)
	}
}

// TestRestaffTwitterCareLikeForLike is the review's case: the shared customer-care
// trace restaffed with small's one agent. The original answered 20 conversations
// after the window had closed with free-form messages: as traced they cost nothing
// (0.00, as the plain replay bills them, 20 in text_outside_window); like for like
// they are 20 UK utility templates at 0.0220, 0.44, so the restaffed team's 194 late
// templates cost 4.27 - 0.44 more, not 4.27. The original's 1139 conversations and the
// restaffed 1110 are the same 1025 customers' messages, grouped along each side's own
// replies.
func TestRestaffTwitterCareLikeForLike(t *testing.T) {
	needShared(t, twitterCare)
	dir := t.TempDir()
	stdout, _, r, plain := restaffBoth(t, dir, "--trace", twitterCare, "--pricing", "pmp-2025", "--restaff", "small", "--point", "agents=1")
	if r.Old.TotalMicros != 0 || plain.TotalMicros != 0 || r.Old.TextOutsideWindow != 20 || plain.TextOutsideWindow != 20 || r.Old.LateFreeForm != 20 || r.Old.Late != 20 {
		t.Errorf("original as traced %d micros, %d outside the window, %d of %d late replies free-form; plain replay %d, %d; want 0, 20, 20 of 20; 0, 20",
			r.Old.TotalMicros, r.Old.TextOutsideWindow, r.Old.LateFreeForm, r.Old.Late, plain.TotalMicros, plain.TextOutsideWindow)
	}
	if l := r.OldLikeForLike; l.TotalMicros != 440_000 || l.Billable["utility"] != 20 || l.AmountByCategory["utility"] != 440_000 {
		t.Errorf("like for like %+v; want 20 utility templates, 440000 micros", l)
	}
	if r.Difference.TotalMicros != r.New.TotalMicros || r.Difference.LikeForLikeTotalMicros != r.New.TotalMicros-440_000 || r.New.TotalMicros != 22_000*r.New.LateUtility {
		t.Errorf("restaffed %d micros for %d late utility templates; differences %d as traced, %d like for like",
			r.New.TotalMicros, r.New.LateUtility, r.Difference.TotalMicros, r.Difference.LikeForLikeTotalMicros)
	}
	if r.Old.Customers != 1025 || r.New.Customers != 1025 || r.Old.RepliesWanted != 1139 {
		t.Errorf("customers %d and %d, original conversations %d; want 1025, 1025, 1139", r.Old.Customers, r.New.Customers, r.Old.RepliesWanted)
	}
	for _, line := range []string{
		"like for like (USD)                        0.44",
		"  utility                             0.44 (20)",
		"customers who wrote                        1025                   1025             +0\n",
		"    as free-form                             20                      0            -20\n",
		"original: 20 delivered free-form business messages were sent with no customer service window open, which WhatsApp refuses (the trace may lack the user messages that opened one); priced as free-form, counted in restaff.json's old.text_outside_window\n",
	} {
		if !strings.Contains(stdout, line) {
			t.Errorf("stdout lacks %q:\n%s", line, stdout)
		}
	}
}
