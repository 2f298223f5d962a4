package replay_test

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/dist"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim"
	"github.com/spendsim/spendsim/sim/replay"
)

const (
	userA = "5511987654321"
	userB = "5511900000002"
	userC = "5511900000003"
)

func userRec(line int64, at, user string) model.Record {
	return model.Record{TS: ts(at), User: user, Direction: model.FromUser, Line: line}
}

func textRec(line int64, at, user string) model.Record {
	return model.Record{TS: ts(at), User: user, Direction: model.FromBusiness, Kind: model.Text, Line: line}
}

// restaffTrace: Monday 2025-09-01 to Monday 2025-09-08 12:00, UTC. The original team
// answers A at 09:05 and C at 17:45 on Friday, and never answers B.
func restaffTrace() []model.Record {
	return []model.Record{
		userRec(1, "2025-09-01T08:00:00Z", userA),
		userRec(2, "2025-09-01T08:30:00Z", userB),
		textRec(3, "2025-09-01T09:05:00Z", userA),
		userRec(4, "2025-09-01T09:15:00Z", userB), // B still waits: same conversation
		userRec(5, "2025-09-01T16:55:00Z", userA),
		userRec(6, "2025-09-01T16:58:00Z", userB),
		{TS: ts("2025-09-03T12:00:00Z"), User: userC, Direction: model.FromBusiness, Kind: model.Template, Category: model.Marketing, Line: 7},
		userRec(8, "2025-09-05T17:30:00Z", userC),
		textRec(9, "2025-09-05T17:45:00Z", userC),
		// The trace ends after C's Monday reply: an authentication code to India.
		{TS: ts("2025-09-08T12:00:00Z"), User: "919876543210", Direction: model.FromBusiness, Kind: model.Template, Category: model.Authentication, Line: 10},
	}
}

// oneAgent works Monday to Friday 09:00–17:00 UTC and takes exactly ten minutes a reply.
func oneAgent(late agents.LatePolicy) replay.RestaffConfig {
	return replay.RestaffConfig{
		Staffing: agents.Staffing{
			Shifts:      []agents.Shift{{Start: "09:00", End: "17:00", Headcount: 1}},
			Concurrency: 1,
			HandleTime:  dist.Spec{Kind: dist.Constant, MeanS: 600},
			LateReply:   late,
		},
		Location: time.UTC,
		Seed:     1,
	}
}

func drain(t *testing.T, src replay.RecordSource) []model.Record {
	t.Helper()
	var out []model.Record
	for {
		var r model.Record
		err := src.Next(&r)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
}

func describe(r model.Record) string {
	s := r.TS.Std().Format("01-02T15:04") + " " + r.User[len(r.User)-1:]
	switch {
	case r.Direction == model.FromUser:
		return s + " user"
	case r.Kind == model.Text:
		return s + " text"
	}
	return s + " " + [...]string{"", "marketing", "utility", "authentication"}[r.Category]
}

// TestRestaffHandTimeline: one agent and a constant handle time give every reply time
// by hand. A (08:00) waits for the 09:00 shift; B (08:30) waits for A's reply; B's second
// message joins its pending conversation; A's 16:55 message is picked up at once and
// answered after the shift ends (the agent finishes the chat in hand); B's 16:58 one
// waits overnight; C writes on Friday evening and is answered on Monday, after the
// window closed: a utility template under the default policy.
func TestRestaffHandTimeline(t *testing.T) {
	r, err := replay.NewRestaffer(&sliceSource{recs: restaffTrace()}, oneAgent(agents.LateUtility))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rec := range drain(t, r) {
		got = append(got, describe(rec))
	}
	want := []string{
		"09-01T08:00 1 user",
		"09-01T08:30 2 user",
		"09-01T09:10 1 text", // 09:00 pickup + 600 s
		"09-01T09:15 2 user",
		"09-01T09:20 2 text",
		"09-01T16:55 1 user",
		"09-01T16:58 2 user",
		"09-01T17:05 1 text",
		"09-02T09:10 2 text",
		"09-03T12:00 3 marketing",
		"09-05T17:30 3 user",
		"09-08T09:10 3 utility",
		"09-08T12:00 0 authentication",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("restaffed trace:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r.Removed() != 2 || r.Replies() != 5 {
		t.Errorf("removed %d, replies %d; want 2 and 5", r.Removed(), r.Replies())
	}
	res, err := r.Responses()
	if err != nil {
		t.Fatal(err)
	}
	wantCounts := replay.Responses{Wanted: 5, InWindow: 4, Late: 1, LateUtility: 1}
	if c := counts(res); c != wantCounts {
		t.Errorf("responses %+v, want %+v", c, wantCounts)
	}
	// First responses 4200, 3000, 600, 58320 and 229200 s.
	if m := res.FirstResponseMeanS; m != (4200+3000+600+58320+229200)/5.0 {
		t.Errorf("mean first response %v s", m)
	}
	// A DDSketch quantile q is the sample of rank ⌊q(n−1)⌋ within SketchAccuracy: of
	// the five sorted (600, 3000, 4200, 58320, 229200 s), p50 is the 3rd, p99 the 4th.
	sketchNear(t, "p50", res.FirstResponseP50S, 4200)
	sketchNear(t, "p99", res.FirstResponseP99S, 58320)
}

func counts(r replay.Responses) replay.Responses {
	r.FirstResponseMeanS, r.FirstResponseP50S, r.FirstResponseP90S, r.FirstResponseP99S = 0, 0, 0, 0
	return r
}

func sketchNear(t *testing.T, name string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > sim.SketchAccuracy*want {
		t.Errorf("%s = %v s, want %v within %.1f%%", name, got, want, 100*sim.SketchAccuracy)
	}
}

// TestRestaffDropPolicy: under late_reply: drop, C's late reply is not sent; the
// conversation counts as dropped, with no first response.
func TestRestaffDropPolicy(t *testing.T) {
	r, err := replay.NewRestaffer(&sliceSource{recs: restaffTrace()}, oneAgent(agents.LateDrop))
	if err != nil {
		t.Fatal(err)
	}
	recs := drain(t, r)
	if last := describe(recs[len(recs)-2]); last != "09-05T17:30 3 user" {
		t.Errorf("record before the last %s, want C's message (the late reply dropped)", last)
	}
	res, _ := r.Responses()
	if c := counts(res); c != (replay.Responses{Wanted: 5, InWindow: 4, Dropped: 1}) {
		t.Errorf("responses %+v", c)
	}
	if res.FirstResponseMeanS != (4200+3000+600+58320)/4.0 {
		t.Errorf("mean first response %v s over the four answered", res.FirstResponseMeanS)
	}
}

// TestRestaffNobodyOnShift: with no agent at all, every conversation is unanswered. Nobody is ever answered, so A's and
// B's later messages join their first conversations: three in all.
func TestRestaffNobodyOnShift(t *testing.T) {
	cfg := oneAgent(agents.LateUtility)
	cfg.Staffing.Shifts[0].Headcount = 0
	r, err := replay.NewRestaffer(&sliceSource{recs: restaffTrace()}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(drain(t, r)); n != 8 {
		t.Errorf("%d records, want the 8 user messages and templates", n)
	}
	res, _ := r.Responses()
	// Nobody answered: every percentile falls among the unanswered (issue 11: a time
	// never answered is "not answered", not an unknown that reads like no data); the
	// mean, over the answered, has none.
	if c := counts(res); c != (replay.Responses{Wanted: 3, Unanswered: 3}) || !math.IsInf(res.FirstResponseP50S, 1) || !math.IsNaN(res.FirstResponseMeanS) {
		t.Errorf("responses %+v", res)
	}
}

// TestResponseMeterOriginal: the original team answered A in 65 minutes and C in 15,
// inside the window; A's second conversation and B (whose second message joined the
// first) were never answered.
func TestResponseMeterOriginal(t *testing.T) {
	m := replay.NewResponseMeter(&sliceSource{recs: restaffTrace()})
	if n := len(drain(t, m)); n != 10 {
		t.Fatalf("the meter passed %d records on, want all 10", n)
	}
	res, err := m.Responses()
	if err != nil {
		t.Fatal(err)
	}
	if c := counts(res); c != (replay.Responses{Wanted: 4, InWindow: 2, Unanswered: 2}) {
		t.Errorf("responses %+v", c)
	}
	if res.FirstResponseMeanS != (3900+900)/2.0 {
		t.Errorf("mean first response %v s", res.FirstResponseMeanS)
	}
}

// TestResponseMeterLateText: a free-form reply 24 h or more after the user's latest
// message is late (the window is open while t < last + 24 h), and free-form: one
// WhatsApp would have refused.
func TestResponseMeterLateText(t *testing.T) {
	m := replay.NewResponseMeter(&sliceSource{recs: []model.Record{
		userRec(1, "2025-09-01T08:00:00Z", userA),
		textRec(2, "2025-09-02T08:00:00Z", userA),
		userRec(3, "2025-09-02T09:00:00Z", userA),
		textRec(4, "2025-09-03T08:59:59Z", userA),
	}})
	drain(t, m)
	res, _ := m.Responses()
	if c := counts(res); c != (replay.Responses{Wanted: 2, InWindow: 1, Late: 1, LateFreeForm: 1}) {
		t.Errorf("responses %+v", c)
	}
}

// TestResponseMeterLateTextsLikeForLike: A writes on Monday at 08:00 (the window is
// open to Tuesday 08:00); the team answers on Tuesday at 09:00 with free-form text,
// late, and again at 09:30, its second late free-form message before A writes again.
// Both are refused by WhatsApp, so like for like both go out as the late-reply policy
// sends a late reply: two utility templates (or, under drop, neither). A text inside
// the next window (A wrote at 10:00) stays as it is, and so does the count of late
// replies: one conversation, answered late, and one further message. A free-form
// message to B, who never wrote, has no window either: it goes out the same way.
// (Before, only the reply was rewritten: the 09:30 text stayed free-form.)
func TestResponseMeterLateTextsLikeForLike(t *testing.T) {
	trace := func() []model.Record {
		return []model.Record{
			userRec(1, "2025-09-01T08:00:00Z", userA),
			textRec(2, "2025-09-02T09:00:00Z", userA),
			textRec(3, "2025-09-02T09:30:00Z", userA),
			userRec(4, "2025-09-02T10:00:00Z", userA),
			textRec(5, "2025-09-02T10:05:00Z", userA),
			textRec(6, "2025-09-02T11:00:00Z", userB),
		}
	}
	for _, tc := range []struct {
		late agents.LatePolicy
		want []string
	}{
		{agents.LateUtility, []string{"09-01T08:00 1 user", "09-02T09:00 1 utility", "09-02T09:30 1 utility", "09-02T10:00 1 user", "09-02T10:05 1 text", "09-02T11:00 2 utility"}},
		{agents.LateMarketing, []string{"09-01T08:00 1 user", "09-02T09:00 1 marketing", "09-02T09:30 1 marketing", "09-02T10:00 1 user", "09-02T10:05 1 text", "09-02T11:00 2 marketing"}},
		{agents.LateDrop, []string{"09-01T08:00 1 user", "09-02T10:00 1 user", "09-02T10:05 1 text"}},
	} {
		m := replay.NewResponseMeter(&sliceSource{recs: trace()})
		m.SendLateAs(tc.late)
		var got []string
		for _, rec := range drain(t, m) {
			got = append(got, describe(rec))
		}
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s: like for like:\n%s\nwant:\n%s", tc.late, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
		res, err := m.Responses()
		if err != nil {
			t.Fatal(err)
		}
		if c := counts(res); c != (replay.Responses{Wanted: 2, InWindow: 1, Late: 1, LateFreeForm: 1, LateFreeFormFurther: 2}) {
			t.Errorf("%s: responses %+v", tc.late, c)
		}
	}
	// As traced, the meter passes every record on unchanged and counts the same.
	m := replay.NewResponseMeter(&sliceSource{recs: trace()})
	if got := drain(t, m); len(got) != 6 || got[2].Kind != model.Text || got[5].Kind != model.Text {
		t.Errorf("as traced: %d records, the 09:30 one %s", len(got), describe(got[2]))
	}
	if res, _ := m.Responses(); res.LateFreeForm != 1 || res.LateFreeFormFurther != 2 {
		t.Errorf("as traced: %d late free-form replies, %d further; want 1 and 2", res.LateFreeForm, res.LateFreeFormFurther)
	}
}

// TestRestaffBilled: the restaffed trace bills like any trace. Brazil under PMP 2025:
// the trace's marketing template (0.0625) and the late utility template (0.0068), and
// India's authentication code (0.0014); free-form replies inside the window are free.
func TestRestaffBilled(t *testing.T) {
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	era, _ := billing.ParseEra("pmp-2025")
	r, err := replay.NewRestaffer(&sliceSource{recs: restaffTrace()}, oneAgent(agents.LateUtility))
	if err != nil {
		t.Fatal(err)
	}
	c := &collect{mk: book.Markets()}
	st, err := replay.Replay(r, billing.Options{Era: era, Book: book, Markets: book.Markets(), Location: time.UTC}, c)
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 13 || len(c.charges) != 7 {
		t.Fatalf("%d records, %d business messages; want 13 and 7", st.Records, len(c.charges))
	}
	var total int64
	for _, ch := range c.charges {
		total += int64(ch.Amount)
	}
	if total != 62_500+6_800+1_400 {
		t.Errorf("total %d micros, want 70700", total)
	}
	if ch := c.charges[5]; !ch.Billable || ch.Category != pricing.Utility || ch.Amount != 6_800 || c.lines[5] != 0 {
		t.Errorf("late reply charged %+v (line %d)", ch, c.lines[5])
	}
}

// TestRestaffUnsortedTrace: a trace out of order is an error naming the line.
func TestRestaffUnsortedTrace(t *testing.T) {
	recs := restaffTrace()
	recs[1], recs[2] = recs[2], recs[1]
	recs[1].Line, recs[2].Line = 2, 3
	r, _ := replay.NewRestaffer(&sliceSource{recs: recs}, oneAgent(agents.LateUtility))
	var rec model.Record
	var err error
	for err == nil {
		err = r.Next(&rec)
	}
	if want := "line 3: ts 2025-09-01T08:30:00Z is earlier than the previous row's"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}
}

// TestRestaffByResponseTime: a team modelled by its response time (here exactly two
// hours) answers each conversation that long after its first message, with no queue
// and whoever is on duty: B is not held up by A, and C's Friday message is answered on
// Friday night, inside the window.
func TestRestaffByResponseTime(t *testing.T) {
	cfg := oneAgent(agents.LateUtility)
	cfg.Staffing.Shifts = nil
	cfg.Staffing.ResponseTime = dist.Spec{Kind: dist.Constant, MeanS: 7200}
	r, err := replay.NewRestaffer(&sliceSource{recs: restaffTrace()}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rec := range drain(t, r) {
		if rec.Direction == model.FromBusiness {
			got = append(got, describe(rec))
		}
	}
	want := []string{
		"09-01T10:00 1 text",
		"09-01T10:30 2 text", // B's 09:15 message joined its conversation
		"09-01T18:55 1 text",
		"09-01T18:58 2 text",
		"09-03T12:00 3 marketing",
		"09-05T19:30 3 text",
		"09-08T12:00 0 authentication",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("business messages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	res, _ := r.Responses()
	if c := counts(res); c != (replay.Responses{Wanted: 5, InWindow: 5}) || res.FirstResponseMeanS != 7200 {
		t.Errorf("responses %+v", res)
	}
}

// TestRestaffLateTemplates: a utility or marketing template that is the first business
// message to a waiting user after the window closed is the original team's late reply
// (what a late-reply policy sends): counted late (as a utility template) in the original and replaced in the
// restaffed trace. A template inside the window, or to a user who waits for no reply,
// is a notification: kept, and no reply on either side.
func TestRestaffLateTemplates(t *testing.T) {
	tmpl := func(line int64, at, user string, c model.Category) model.Record {
		return model.Record{TS: ts(at), User: user, Direction: model.FromBusiness, Kind: model.Template, Category: c, Line: line}
	}
	trace := []model.Record{
		userRec(1, "2025-09-01T08:00:00Z", userA),
		tmpl(2, "2025-09-01T09:00:00Z", userA, model.Utility),        // in the window: a notification
		tmpl(3, "2025-09-02T08:00:00Z", userA, model.Authentication), // never a reply
		tmpl(4, "2025-09-02T08:00:00Z", userA, model.Utility),        // window closed at 08:00: the late reply
		tmpl(5, "2025-09-03T08:00:00Z", userA, model.Marketing),      // A waits for nothing: a campaign
	}
	m := replay.NewResponseMeter(&sliceSource{recs: trace})
	drain(t, m)
	res, _ := m.Responses()
	if c := counts(res); c != (replay.Responses{Wanted: 1, Late: 1, LateUtility: 1}) || res.FirstResponseMeanS != 86400 {
		t.Errorf("original %+v", res)
	}
	r, err := replay.NewRestaffer(&sliceSource{recs: trace}, oneAgent(agents.LateUtility))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rec := range drain(t, r) {
		got = append(got, describe(rec)+" line "+strconv.FormatInt(rec.Line, 10))
	}
	want := []string{
		"09-01T08:00 1 user line 1",
		"09-01T09:00 1 utility line 2",
		"09-01T09:10 1 text line 0",
		"09-02T08:00 1 authentication line 3",
		"09-03T08:00 1 marketing line 5",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || r.Removed() != 1 {
		t.Errorf("restaffed trace (%d removed):\n%s\nwant (1 removed):\n%s", r.Removed(), strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func businessLines(t *testing.T, r *replay.Restaffer) []string {
	t.Helper()
	var got []string
	for _, rec := range drain(t, r) {
		if rec.Direction == model.FromBusiness {
			got = append(got, describe(rec))
		}
	}
	return got
}

// TestRestaffBotHandsOver: a bot that resolves nothing answers each conversation 30 s
// after it starts (its first response) and hands it to the one agent 60 s later; the
// agent's reply ends it, at the times of TestRestaffHandTimeline except A's evening
// one (handed over at 16:56:30, answered at 17:06:30). C's bot reply on Friday is in the
// window; the agent's on Monday is late.
func TestRestaffBotHandsOver(t *testing.T) {
	cfg := oneAgent(agents.LateUtility)
	cfg.Staffing.Bot = &agents.Bot{ReplyS: 30, HandoffS: 60}
	r, err := replay.NewRestaffer(&sliceSource{recs: restaffTrace()}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"09-01T08:00 1 text", // bot, 08:00:30
		"09-01T08:30 2 text", // bot, 08:30:30
		"09-01T09:10 1 text",
		"09-01T09:20 2 text",
		"09-01T16:55 1 text", // bot, 16:55:30
		"09-01T16:58 2 text", // bot, 16:58:30
		"09-01T17:06 1 text", // agent, 17:06:30
		"09-02T09:10 2 text",
		"09-03T12:00 3 marketing",
		"09-05T17:30 3 text", // bot, 17:30:30
		"09-08T09:10 3 utility",
		"09-08T12:00 0 authentication",
	}
	if got := businessLines(t, r); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("business messages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	res, _ := r.Responses()
	// First responses are the agents' replies (the bot only handed over): 70 min,
	// 50 min, 11.5 min, 16 h 12 min and 2 d 15 h 40 min; mean (4200 + 3000 + 690 +
	// 58320 + 229200) / 5 = 59082 s.
	if c := counts(res); c != (replay.Responses{Wanted: 5, InWindow: 4, Late: 1, LateUtility: 1, BotReplies: 5}) || res.FirstResponseMeanS != 59082 {
		t.Errorf("responses %+v", res)
	}
}

// TestRestaffBotResolvesAll: a bot that resolves every conversation needs no agent:
// with nobody on shift, each conversation is answered 5 s after it starts, and B's
// 09:15 message, after the bot answered B at 08:30:05, starts a conversation of its own.
func TestRestaffBotResolvesAll(t *testing.T) {
	cfg := oneAgent(agents.LateUtility)
	cfg.Staffing.Shifts[0].Headcount = 0
	cfg.Staffing.Bot = &agents.Bot{ReplyS: 5, ResolveShare: 1}
	r, err := replay.NewRestaffer(&sliceSource{recs: restaffTrace()}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := businessLines(t, r); len(got) != 8 || got[2] != "09-01T09:15 2 text" || got[6] != "09-05T17:30 3 text" {
		t.Errorf("business messages:\n%s", strings.Join(got, "\n"))
	}
	res, _ := r.Responses()
	if c := counts(res); c != (replay.Responses{Wanted: 6, InWindow: 6, BotReplies: 6, BotResolved: 6}) || res.FirstResponseMeanS != 5 {
		t.Errorf("responses %+v", res)
	}
}

// TestRestaffBotResolveShare: the bot resolves each conversation with probability
// resolve_share, from its own stream: 2,000 conversations at 0.3 give 600 ± 82 (four
// binomial standard deviations), and the rest are handed to the agents.
func TestRestaffBotResolveShare(t *testing.T) {
	var recs []model.Record
	start := ts("2025-09-01T09:00:00Z")
	for i := range 2000 {
		recs = append(recs, model.Record{TS: start + model.Time(i)*model.Second, User: strconv.Itoa(5511900000000 + i),
			Direction: model.FromUser, Line: int64(i + 1)})
	}
	// The trace ends an hour later, after every reply.
	recs = append(recs, model.Record{TS: start + model.Hour, User: "919876543210", Direction: model.FromBusiness,
		Kind: model.Template, Category: model.Authentication, Line: 2001})
	cfg := oneAgent(agents.LateUtility)
	cfg.Staffing.ResponseTime = dist.Spec{Kind: dist.Constant, MeanS: 60}
	cfg.Staffing.Bot = &agents.Bot{ResolveShare: 0.3}
	r, err := replay.NewRestaffer(&sliceSource{recs: recs}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	drain(t, r)
	res, _ := r.Responses()
	if res.BotResolved < 600-82 || res.BotResolved > 600+82 || res.BotReplies != 2000 || res.InWindow != 2000 || r.Replies() != 4000-res.BotResolved {
		t.Errorf("resolved %d of %d bot replies, %d in window, %d replies sent", res.BotResolved, res.BotReplies, res.InWindow, r.Replies())
	}
}

// TestRestaffDrainsAfterTheTrace: the agents answer every conversation of the trace,
// even after its last record: without it (the trace then ends on Friday at 17:45), C is
// still answered on Monday.
func TestRestaffDrainsAfterTheTrace(t *testing.T) {
	recs := restaffTrace()
	r, err := replay.NewRestaffer(&sliceSource{recs: recs[:len(recs)-1]}, oneAgent(agents.LateUtility))
	if err != nil {
		t.Fatal(err)
	}
	got := businessLines(t, r)
	if last := got[len(got)-1]; last != "09-08T09:10 3 utility" {
		t.Errorf("last business message %s, want C's late reply on Monday", last)
	}
	res, _ := r.Responses()
	if c := counts(res); c != (replay.Responses{Wanted: 5, InWindow: 4, Late: 1, LateUtility: 1}) {
		t.Errorf("responses %+v", c)
	}
}

// TestRestaffPatience: customers give up after a minute on average (exponential) in
// the agents' queue. A and B, writing before the 09:00 shift, and B at 16:58 and C on
// Friday evening, who find the agent busy or gone, wait hours, far past any plausible
// draw (e^-7 for B's seven minutes): they give up, unanswered. B's 09:15 message then
// starts a conversation of its own, answered at 09:25, and A's at 16:55 finds the agent
// free (no patience is drawn for a conversation picked up at once).
func TestRestaffPatience(t *testing.T) {
	cfg := oneAgent(agents.LateUtility)
	cfg.Staffing.Patience = dist.Spec{Kind: dist.Exponential, MeanS: 60}
	r, err := replay.NewRestaffer(&sliceSource{recs: restaffTrace()}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"09-01T09:25 2 text",
		"09-01T17:05 1 text",
		"09-03T12:00 3 marketing",
		"09-08T12:00 0 authentication",
	}
	if got := businessLines(t, r); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("business messages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	res, _ := r.Responses()
	if c := counts(res); c != (replay.Responses{Wanted: 6, InWindow: 2, Unanswered: 4, Abandoned: 4}) {
		t.Errorf("responses %+v", c)
	}
}

// TestRestaffAdsFirst: five conversations wait for the 09:00 shift of oneAgent: A
// (direct, 08:00), B (a click-to-WhatsApp ad, 08:20), C (direct, 08:30), D (a Page
// button, 08:40) and E (direct at 08:45; E's 08:50 message through an ad joins that
// conversation, which stays direct: a conversation is an ad lead by the message that
// started it). First come, first served answers them in that order, one every ten
// minutes from 09:10; under ads_first the agent takes B and D first, as sim.Run does
// (TestPriorityAdsFirst).
func TestRestaffAdsFirst(t *testing.T) {
	const userD, userE = "5511900000004", "5511900000005"
	via := func(r model.Record, e model.EntryPoint) model.Record { r.EntryPoint = e; return r }
	trace := []model.Record{
		userRec(1, "2025-09-01T08:00:00Z", userA),
		via(userRec(2, "2025-09-01T08:20:00Z", userB), model.EntryCTWA),
		userRec(3, "2025-09-01T08:30:00Z", userC),
		via(userRec(4, "2025-09-01T08:40:00Z", userD), model.EntryPageCTA),
		userRec(5, "2025-09-01T08:45:00Z", userE),
		via(userRec(6, "2025-09-01T08:50:00Z", userE), model.EntryCTWA),
	}
	for _, c := range []struct {
		priority agents.Priority
		order    string // the users answered at 09:10, 09:20, ...
	}{
		{"", "12345"},
		{agents.FIFO, "12345"},
		{agents.AdsFirst, "24135"},
	} {
		cfg := oneAgent(agents.LateUtility)
		cfg.Staffing.Priority = c.priority
		r, err := replay.NewRestaffer(&sliceSource{recs: trace}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for i, u := range c.order {
			want = append(want, fmt.Sprintf("09-01T09:%d0 %c text", i+1, u))
		}
		if got := businessLines(t, r); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("priority %q: replies\n%s\nwant:\n%s", c.priority, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestRestaffHolidays: with Monday 2025-09-01 a holiday, oneAgent's first shift is on
// Tuesday. A and B wait from Monday morning, their evening messages join their
// conversations, and the agent answers them on Tuesday at 09:10 and 09:20, inside the
// window of those evening messages; C is answered late on the next Monday, as in
// TestRestaffHandTimeline.
func TestRestaffHolidays(t *testing.T) {
	cfg := oneAgent(agents.LateUtility)
	cfg.Staffing.Holidays = []string{"2025-09-01"}
	r, err := replay.NewRestaffer(&sliceSource{recs: restaffTrace()}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"09-02T09:10 1 text",
		"09-02T09:20 2 text",
		"09-03T12:00 3 marketing",
		"09-08T09:10 3 utility",
		"09-08T12:00 0 authentication",
	}
	if got := businessLines(t, r); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("business messages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	res, _ := r.Responses()
	// First responses: 25 h 10 min, 24 h 50 min and 2 d 15 h 40 min.
	if c := counts(res); c != (replay.Responses{Wanted: 3, InWindow: 2, Late: 1, LateUtility: 1}) || res.FirstResponseMeanS != (90600+89400+229200)/3.0 {
		t.Errorf("responses %+v", res)
	}
}
