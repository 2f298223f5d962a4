package fit

import (
	"math"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
)

// botTimeline: customer a writes, a bot answers in 5 s, the team answers 30 h later
// with a utility template (the window has closed), and a answers it 3 minutes on;
// customer b is answered by the team after 10 minutes; customer c writes, the bot
// answers, c answers the bot 4 minutes on and the bot answers again, and nobody else
// does until the trace ends eight days later (b's next message).
func botTimeline() records {
	return records{
		userMsg("2025-03-03T10:00:00Z", "a", "BR"),
		text("2025-03-03T10:00:05Z", "a", "BR"), // the bot
		userMsg("2025-03-03T11:00:00Z", "b", "BR"),
		text("2025-03-03T11:10:00Z", "b", "BR"), // the team, after 600 s
		userMsg("2025-03-03T12:00:00Z", "c", "BR"),
		text("2025-03-03T12:00:05Z", "c", "BR"), // the bot
		userMsg("2025-03-03T12:04:05Z", "c", "BR"),
		text("2025-03-03T12:04:10Z", "c", "BR"),                    // the bot again, and no more
		template("2025-03-04T16:00:00Z", "a", "BR", model.Utility), // the team's late reply, 30 h on
		userMsg("2025-03-04T16:03:00Z", "a", "BR"),                 // a answers it
		text("2025-03-04T16:05:00Z", "a", "BR"),                    // the team again
		userMsg("2025-03-11T12:00:00Z", "b", "BR"),                 // b's next conversation, the trace's end
	}
}

// TestTraceBot: with --bot 10s the bot's 5 s texts answer nothing for the team: a's
// message waits for the team's late template, 30 h on, which answers it, and a's
// answer 3 minutes later continues the conversation; c's conversation, answered by
// the bot alone, is the bot's and no wait of the team's. Customers think after the
// bot's answer as after the team's. Without --bot the bot's text
// answers a's message in 5 s, the template is a notification, and a's answer to it
// starts a conversation of its own.
func TestTraceBot(t *testing.T) {
	check := func(what string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	src := botTimeline()
	r, err := Trace(&src, Options{Bot: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	check("conversations", r.Conversations, int64(4)) // a, b, c, b again
	check("team replies", r.Replies, int64(3))
	check("answered by the team", r.Answered, int64(2))
	check("utility template replies", r.TemplateReplies[model.Utility], int64(1))
	check("notifications", r.NotificationTotal, int64(0))
	check("slowest team reply (s)", r.Response.MaxS, float64(30*3600))
	check("think time samples", r.Think.N, int64(2)) // a after the template, c after the bot
	b := r.Bot
	if b == nil {
		t.Fatal("no bot")
	}
	check("bot replies", b.Replies, int64(3))
	check("bot reply delay (s)", b.ReplyS(), 5.0)
	check("conversations the bot answered", b.Conversations, int64(2))
	check("conversations it kept", b.Kept, int64(1))
	// c's was followed a week (the follow-up): without notifications, it counts once.
	check("resolved", b.Resolved, 1.0)
	check("resolve share", r.BotResolveShare(), 0.25)
	// The team's waits: a's 30 h and b's 600 s, answered; b's second conversation,
	// censored at the trace's end as it began; c's is not the team's.
	check("the team's waits", r.Team.Of, int64(3))

	src = botTimeline()
	r, err = Trace(&src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	check("without --bot: conversations", r.Conversations, int64(5)) // a twice, b twice, c
	check("without --bot: replies", r.Replies, int64(5))
	check("without --bot: notifications", r.NotificationTotal, int64(1))
	check("without --bot: slowest reply (s)", r.Response.MaxS, 600.0)
	check("without --bot: bot", r.Bot, (*Bot)(nil))
}

// TestBotResolvedWeighsNotifications: a conversation the bot kept that a notification
// would have reached reads as the team's; each kept counts e^(rate × time followed).
func TestBotResolvedWeighsNotifications(t *testing.T) {
	b := &Bot{Conversations: 10, kept: []int64{0, 0, 3}, quiet: 3600 * 100, notes: 1}
	b.estimate()
	if want := 1 / (3600 * 100.0); math.Abs(b.NoteRate/want-1) > 1e-12 {
		t.Errorf("NoteRate %v, want %v", b.NoteRate, want)
	}
	if want := 3 * math.Exp(2.5/100); math.Abs(b.Resolved/want-1) > 1e-12 {
		t.Errorf("Resolved %v, want %v", b.Resolved, want)
	}
	b = &Bot{Conversations: 3, kept: []int64{0, 0, 3}, quiet: 1, notes: 1}
	if b.estimate(); b.Resolved != 3 {
		t.Errorf("Resolved %v, want at most the 3 conversations the bot answered", b.Resolved)
	}
}
