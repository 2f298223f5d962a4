package fit

import (
	"io"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
)

// records is a Source over a slice.
type records []model.Record

func (r *records) Next(out *model.Record) error {
	if len(*r) == 0 {
		return io.EOF
	}
	*out = (*r)[0]
	*r = (*r)[1:]
	return nil
}

func at(s string) model.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return model.FromStd(t)
}

func userMsg(ts, user, country string) model.Record {
	return model.Record{TS: at(ts), User: user, Country: country, Direction: model.FromUser}
}

func text(ts, user, country string) model.Record {
	return model.Record{TS: at(ts), User: user, Country: country, Direction: model.FromBusiness, Kind: model.Text}
}

func template(ts, user, country string, c model.Category) model.Record {
	return model.Record{TS: at(ts), User: user, Country: country, Direction: model.FromBusiness, Kind: model.Template, Category: c}
}

// handMade is a commented timeline (UTC; 2025-03-03 is a Monday) whose conversations,
// replies and notifications are counted by hand in TestTraceByHand.
func handMade() records {
	ctwa := userMsg("2025-03-03T12:10:00Z", "5511987654321", "") // B: Brazilian number, no country column
	ctwa.EntryPoint = model.EntryCTWA
	return records{
		userMsg("2025-03-03T10:00:00Z", "a", "BR"),                           // A: conversation 1
		text("2025-03-03T10:10:00Z", "a", "BR"),                              //   reply after 600 s
		userMsg("2025-03-03T10:12:00Z", "a", "BR"),                           //   continues (think 120 s)
		text("2025-03-03T10:17:00Z", "a", "BR"),                              //   reply after 300 s
		template("2025-03-03T12:00:00Z", "5511987654321", "", model.Utility), // B: notification (nothing waiting)
		ctwa, // B: conversation 2, from an ad; the notification does not extend it
		text("2025-03-03T12:10:00Z", "5511987654321", ""),                 //   reply in the same second: 0 s
		template("2025-03-03T13:00:00Z", "c", "IN", model.Authentication), // C: notification
		userMsg("2025-03-03T13:05:00Z", "c", "IN"),                        // C: conversation 3, never answered
		userMsg("2025-03-04T10:20:00Z", "a", "BR"),                        // A: conversation 4 (a day after the last reply: an arrival)
		userMsg("2025-03-04T10:50:00Z", "a", "BR"),                        //   still waiting: continues, no think sample
		template("2025-03-04T12:50:00Z", "a", "BR", model.Utility),        //   a utility template answers the oldest: 9000 s
		userMsg("2025-03-04T14:20:00Z", "a", "BR"),                        // A: 90 min after the answer > 1 h: conversation 5
		template("2025-03-04T14:21:00Z", "a", "BR", model.Authentication), //   authentication never answers: a notification
		text("2025-03-04T14:22:00Z", "a", "BR"),                           //   reply after 120 s
	}
}

func TestTraceByHand(t *testing.T) {
	src := handMade()
	r, err := Trace(&src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("records", r.Records, int64(15))
	check("user messages", r.UserMessages, int64(7))
	check("users", r.Users, 3)
	check("conversations", r.Conversations, int64(5))
	check("messages per conversation", r.MessagesMean, 7.0/5)
	check("replies", r.Replies, int64(5))
	check("template replies (utility)", r.TemplateReplies[model.Utility], int64(1))
	check("unanswered", r.Unanswered, int64(1))
	check("answered (a first reply)", r.Answered, int64(4))
	check("waits kept", len(r.Team.Wait.Families) > 0, true)
	check("ctwa", r.EntryCTWA, int64(1))
	check("start", r.Start.Format(time.DateOnly), "2025-03-03")
	check("days", r.Days, 2)
	check("countries", len(r.Countries), 2)
	check("BR users", r.Countries[0], CountryShare{Country: "BR", Users: 2, Share: 2.0 / 3})
	check("IN users", r.Countries[1], CountryShare{Country: "IN", Users: 1, Share: 1.0 / 3})
	// Response times 600, 300, 0 (counted as 0.5 s: whole-second timestamps), 9000, 120.
	check("response samples", r.Response.N, int64(5))
	check("response zeros", r.Response.Zeros, int64(1))
	check("response mean", r.Response.MeanS, (600+300+0.5+9000+120)/5.0)
	check("think error", r.ThinkErr, ErrTooFew) // one sample: 120 s
	check("notification streams", len(r.Notifications), 2)
	check("utility notifications", r.Notifications[0].Category, model.Utility)
	check("utility count", r.Notifications[0].Count, int64(1))
	check("authentication count", r.Notifications[1].Count, int64(2))
	// 2 templates among 3 customers over 48 hours: per 30 days, 2/3 × 15.
	check("authentication per customer month", math.Round(r.Notifications[1].PerCustomerMonth*1e9)/1e9, 10.0)
	// Starts: Monday 10, 12, 13 and Tuesday 10, 14 (UTC).
	p := r.Profile
	check("Monday 10:00 starts", p.Count[0][10], int64(1))
	check("Tuesday 10:00 starts", p.Count[1][10], int64(1))
	// Hours 10 (two starts), 12, 13, 14 (one each) over two days; mean 5/24 a slot.
	check("hour 10 weight", math.Round(p.Hour[10]*1e9)/1e9, 2*24/5.0)
	check("hour 11 weight", p.Hour[11], 0.0)
	// Monday 3, Tuesday 2 starts; the other five weekdays are not in the horizon and
	// get the mean of Monday's and Tuesday's weights.
	check("unexposed weekdays", len(p.Unexposed), 5)
	check("Monday weight", math.Round(p.Weekday[0]*1e9)/1e9, 1.2)
	check("Sunday weight", math.Round(p.Weekday[6]*1e9)/1e9, 1.0)
	// The base rate: 5 conversations over the profile-weighted 48 hours.
	var w float64
	for d := range 7 {
		for h := range 24 {
			w += p.Exposure[d][h] * p.Weekday[d] * p.Hour[h]
		}
	}
	check("rate per hour", r.RatePerHour, 5/w)
	check("conversations per hour over the horizon", math.Round(r.ConversationsPerHour()*1e9)/1e9, math.Round(5.0/48*1e9)/1e9)
}

func TestTraceSessionGap(t *testing.T) {
	// With a 2-hour gap, A's 14:20 message continues conversation 4.
	src := handMade()
	r, err := Trace(&src, Options{SessionGap: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if r.Conversations != 4 {
		t.Errorf("2 h gap: %d conversations, want 4", r.Conversations)
	}
	if r.ThinkErr != nil || r.Think.N != 2 || r.Think.MeanS != (120+5400)/2.0 {
		t.Errorf("think %+v %v, want 120 and 5400 s", r.Think, r.ThinkErr)
	}
}

func TestTraceErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		recs records
		want string
	}{
		{"empty", records{}, "no records"},
		{"templates only", records{template("2025-03-03T10:00:00Z", "a", "BR", model.Utility)}, "no user messages"},
		{"unsorted", records{userMsg("2025-03-03T10:00:00Z", "a", "BR"), userMsg("2025-03-03T09:00:00Z", "b", "BR")}, "must be in time order"},
		{"no replies", records{userMsg("2025-03-03T10:00:00Z", "a", "BR")}, "0 business replies"},
		{"no country", records{userMsg("2025-03-03T10:00:00Z", "a", ""), text("2025-03-03T10:01:00Z", "a", ""), userMsg("2025-03-03T10:02:00Z", "a", ""), text("2025-03-03T10:03:00Z", "a", "")}, "no user has a country"},
	} {
		src := c.recs
		_, err := Trace(&src, Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// TestExposureDaylightSaving: Europe/Berlin's 2025-03-30 (a Sunday) has no 02:00 hour,
// and 2025-10-26 has two.
func TestExposureDaylightSaving(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	from := time.Date(2025, 3, 30, 0, 0, 0, 0, berlin)
	x := exposureOf(from, from.AddDate(0, 0, 1), berlin)
	if x[6][2] != 0 || x[6][3] != 1 {
		t.Errorf("spring: Sunday 02:00 %v h, 03:00 %v h; want 0 and 1", x[6][2], x[6][3])
	}
	from = time.Date(2025, 10, 26, 0, 0, 0, 0, berlin)
	x = exposureOf(from, from.AddDate(0, 0, 1), berlin)
	if x[6][2] != 2 {
		t.Errorf("autumn: Sunday 02:00 %v h, want 2", x[6][2])
	}
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	from = time.Date(2025, 3, 3, 0, 0, 0, 0, kolkata)
	x = exposureOf(from, from.AddDate(0, 0, 1), kolkata)
	for h := range 24 {
		if x[0][h] != 1 {
			t.Errorf("Kolkata (UTC+5:30) Monday %02d:00: %v h, want 1", h, x[0][h])
		}
	}
}

// TestNotificationRateWeighted: a utility stream sent only on weekdays at 10:30 UTC,
// one template a day to customer n, over the 30 days from Monday 2025-09-01 (22
// weekdays: five Mondays and Tuesdays, four of each other). The fitted profile puts
// weight 1.4 on Monday to Friday and 24 on hour 10, so the simulated stream's expected
// count is base × 22 h × 1.4 × 24 = base × 739.2: the base rate that gives back the 22
// templates is 22/739.2 an hour, per customer month 22/739.2 × 720 / 2 customers.
// Dividing by the plain 720-hour horizon instead (11 a customer month) would simulate
// 2.7% too many, because this horizon holds two extra weekdays.
func TestNotificationRateWeighted(t *testing.T) {
	var src records
	src = append(src,
		userMsg("2025-09-01T09:00:00Z", "a", "BR"), text("2025-09-01T09:01:00Z", "a", "BR"),
		userMsg("2025-09-15T09:00:00Z", "a", "BR"), text("2025-09-15T09:02:00Z", "a", "BR"))
	var sent int
	for d := time.Date(2025, 9, 1, 10, 30, 0, 0, time.UTC); d.Month() == time.September; d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		src = append(src, template(d.Format(time.RFC3339), "n", "BR", model.Utility))
		sent++
	}
	sort.SliceStable(src, func(i, j int) bool { return src[i].TS < src[j].TS })
	if sent != 22 {
		t.Fatalf("%d weekdays in September 2025, want 22", sent)
	}
	r, err := Trace(&src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Days != 30 || r.Users != 2 || len(r.Notifications) != 1 {
		t.Fatalf("%d days, %d users, %d streams; want 30, 2, 1", r.Days, r.Users, len(r.Notifications))
	}
	n := r.Notifications[0]
	if got, want := n.PerCustomerMonth, 22/739.2*720/2; math.Abs(got/want-1) > 1e-9 {
		t.Errorf("per customer month %.9g, want %.9g (22 templates over the weighted exposure)", got, want)
	}
}

// TestTraceGapWhileWaiting: the documented rule continues a conversation whose last
// message is under the session gap old even when the message it waits on is over 24 h
// old. A writes at 10:00, again at 09:30 the next day (waiting, under 24 h: joins), and
// again at 10:20 (the waiting message is 24 h 20 min old, but the last one 50 min):
// one conversation, and the reply at 10:30 answers the oldest message (24.5 h).
func TestTraceGapWhileWaiting(t *testing.T) {
	src := records{
		userMsg("2025-03-03T10:00:00Z", "a", "BR"),
		userMsg("2025-03-04T09:30:00Z", "a", "BR"),
		userMsg("2025-03-04T10:20:00Z", "a", "BR"),
		text("2025-03-04T10:30:00Z", "a", "BR"),
		userMsg("2025-03-05T10:00:00Z", "a", "BR"), // a day later: a new conversation
		text("2025-03-05T10:05:00Z", "a", "BR"),
	}
	r, err := Trace(&src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Conversations != 2 {
		t.Errorf("%d conversations, want 2", r.Conversations)
	}
	if want := (24.5*3600 + 300) / 2; r.Response.MeanS != want {
		t.Errorf("mean response %v s, want %v (24.5 h and 5 min)", r.Response.MeanS, want)
	}
}

// TestTraceFollowUp: a first reply later than the follow-up answers nothing: the
// conversation counts as unanswered, its wait censored at the follow-up.
func TestTraceFollowUp(t *testing.T) {
	trace := func() *records {
		return &records{
			userMsg("2025-03-03T10:00:00Z", "a", "BR"), text("2025-03-03T10:05:00Z", "a", "BR"),
			userMsg("2025-03-03T11:00:00Z", "b", "BR"), text("2025-03-03T11:10:00Z", "b", "BR"),
			userMsg("2025-03-03T12:00:00Z", "c", "BR"), text("2025-03-12T12:00:00Z", "c", "BR"), // 9 days
		}
	}
	r, err := Trace(trace(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Answered != 2 || r.Unanswered != 1 || r.Team.Wait.N != 2 || r.Team.Wait.Censored != 1 {
		t.Errorf("answered %d, unanswered %d, waits %d answered and %d censored; want 2, 1, 2, 1", r.Answered, r.Unanswered, r.Team.Wait.N, r.Team.Wait.Censored)
	}
	if r, err = Trace(trace(), Options{FollowUp: 10 * 24 * time.Hour}); err != nil || r.Answered != 3 {
		t.Errorf("a 10-day follow-up: %d answered (%v), want 3", r.Answered, err)
	}
}

// TestTraceArrivalPeriod: arrivals from Monday 2025-09-01 to Wednesday 2025-09-03 (UTC),
// between a first and a last day that hold only what answers them. On Sunday the
// business answers P, whose conversation began before the trace, and P writes back ten
// minutes later: a conversation, but an answer, not an arrival. On Thursday, the drain:
// B's late reply and B's answer to it, and a utility template to A that fit cannot pair
// (A's conversation was answered on Monday), which A answers three minutes later (a new
// conversation by the session gap, but an answer too). Neither day is in the period: 3
// days, not the 5 of the trace, and the rate is 3 conversations over them, not 5 over 5
// days (before, the horizon ran from the first record's day to the last conversation's).
func TestTraceArrivalPeriod(t *testing.T) {
	src := records{
		text("2025-08-31T23:00:00Z", "p", "BR"),
		userMsg("2025-08-31T23:10:00Z", "p", "BR"), // answers the text: left out
		userMsg("2025-09-01T09:00:00Z", "a", "BR"), // arrival
		text("2025-09-01T09:10:00Z", "a", "BR"),
		userMsg("2025-09-02T10:00:00Z", "b", "BR"), // arrival, answered on Thursday
		userMsg("2025-09-03T11:00:00Z", "c", "BR"), // arrival
		text("2025-09-03T11:05:00Z", "c", "BR"),
		template("2025-09-03T12:00:00Z", "n", "BR", model.Utility), // to a user who never wrote: an arrival
		template("2025-09-04T10:00:00Z", "b", "BR", model.Utility), // B's late reply
		userMsg("2025-09-04T10:02:00Z", "b", "BR"),
		template("2025-09-04T15:00:00Z", "a", "BR", model.Utility), // to A, who wrote: no arrival
		userMsg("2025-09-04T15:03:00Z", "a", "BR"),                 // answers it: left out
		text("2025-09-04T15:05:00Z", "a", "BR"),
	}
	r, err := Trace(&src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	if day(r.Start) != "2025-09-01" || r.Days != 3 || day(r.From) != "2025-08-31" || day(r.To) != "2025-09-04" {
		t.Errorf("period %s + %d days, trace %s to %s; want 2025-09-01 + 3, 2025-08-31 to 2025-09-04", day(r.Start), r.Days, day(r.From), day(r.To))
	}
	if r.Conversations != 5 || r.InPeriod != 3 || r.LeftOut != (LeftOut{Conversations: 2, Notifications: 1}) {
		t.Errorf("%d conversations, %d in the period, left out %+v; want 5, 3, 2 conversations and 1 notification", r.Conversations, r.InPeriod, r.LeftOut)
	}
	if len(r.Notifications) != 1 || r.Notifications[0].Count != 1 || r.NotificationTotal != 1 {
		t.Errorf("notifications %+v (total %d); want the one to N", r.Notifications, r.NotificationTotal)
	}
	if p := r.Profile.Count; p[0][9] != 1 || p[1][10] != 1 || p[2][11] != 1 || p[3][15] != 0 || p[6][23] != 0 {
		t.Errorf("starts Monday 09 %d, Tuesday 10 %d, Wednesday 11 %d, Thursday 15 %d, Sunday 23 %d; want 1, 1, 1, 0, 0", p[0][9], p[1][10], p[2][11], p[3][15], p[6][23])
	}
	if got := r.ConversationsPerHour(); math.Abs(got-3.0/72) > 1e-12 {
		t.Errorf("conversations per hour %v, want 3 over 72 hours", got)
	}
	if note := r.PeriodNote(); !strings.Contains(note, "observed from 2025-09-01 to 2025-09-03, 3 days") || !strings.Contains(note, "the 2 conversations and 1 notification there are left out") {
		t.Errorf("note: %s", note)
	}
}

// TestTraceSlowAnswersAreNoArrivals: what answers a business message within the
// customer service window is no arrival, however slow, so a drain's slow answers do not
// stretch the period. Arrivals run from Monday 2025-09-01 to Wednesday (UTC): A writes,
// B writes, D gets a template (D never wrote) and writes back 25 hours later, past the
// window: of D's own accord. On Thursday, the drain: a utility template to A that fit
// cannot pair, which A answers 1 h 45 min later; B's late reply, which B answers 2 h 30
// min later; and D answers Wednesday's reply 23 hours later. Each is a conversation by
// the session gap, none an arrival: 3 days, not 4 (before, an answer more than the
// session gap after the business's message counted as an arrival, and a generated
// retail month's horizon ran 9 days into its drain).
func TestTraceSlowAnswersAreNoArrivals(t *testing.T) {
	src := records{
		userMsg("2025-09-01T09:00:00Z", "a", "BR"), // arrival
		text("2025-09-01T09:10:00Z", "a", "BR"),
		userMsg("2025-09-02T10:00:00Z", "b", "BR"),                 // arrival, answered on Thursday
		template("2025-09-02T19:00:00Z", "d", "BR", model.Utility), // to a user who never wrote: an arrival
		userMsg("2025-09-03T20:00:00Z", "d", "BR"),                 // 25 h after it: an arrival
		text("2025-09-03T20:05:00Z", "d", "BR"),
		template("2025-09-04T08:00:00Z", "a", "BR", model.Utility), // to A, who wrote: no arrival
		userMsg("2025-09-04T09:45:00Z", "a", "BR"),                 // answers it 1 h 45 min later: left out
		template("2025-09-04T10:00:00Z", "b", "BR", model.Utility), // B's late reply
		userMsg("2025-09-04T12:30:00Z", "b", "BR"),                 // answers it 2 h 30 min later: left out
		userMsg("2025-09-04T19:05:00Z", "d", "BR"),                 // answers Wednesday's reply 23 h later: left out
	}
	r, err := Trace(&src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	if day(r.Start) != "2025-09-01" || r.Days != 3 || day(r.To) != "2025-09-04" {
		t.Errorf("period %s + %d days, trace to %s; want 2025-09-01 + 3, to 2025-09-04", day(r.Start), r.Days, day(r.To))
	}
	if r.Conversations != 6 || r.InPeriod != 3 || r.LeftOut != (LeftOut{Conversations: 3, Notifications: 1}) {
		t.Errorf("%d conversations, %d in the period, left out %+v; want 6, 3, 3 conversations and 1 notification", r.Conversations, r.InPeriod, r.LeftOut)
	}
}
