package sim

import (
	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/model/pricing"
)

// What a run tells its caller: the Recorder it reports every event through, with its
// optional extensions, what became of each reply, and the Outcome at the end.

// ReplyOutcome is what became of a reply the agents produced.
type ReplyOutcome uint8

const (
	InWindow      ReplyOutcome = iota // free-form text inside the customer service window
	LateUtility                       // window closed: sent as a utility template
	LateMarketing                     // window closed: sent as a marketing template
	Dropped                           // window closed: not sent, customer unanswered
)

// LateOutcome is what the late-reply policy p makes of a reply ready after the
// customer service window closed; "" is the default, utility.
func LateOutcome(p agents.LatePolicy) ReplyOutcome {
	switch p {
	case agents.LateMarketing:
		return LateMarketing
	case agents.LateDrop:
		return Dropped
	}
	return LateUtility
}

// BlockRecorder is a Recorder that also wants to know when a customer blocks the
// business (Stats counts blocks per day). Optional, so that recorders that only want
// messages need not implement it.
type BlockRecorder interface {
	Block(at Time)
}

// ConversationRecorder is a Recorder that also wants to know when a conversation
// starts (Stats counts conversations per day). Optional, like BlockRecorder.
type ConversationRecorder interface {
	Conversation(at Time)
}

// BotRecorder is a Recorder that also wants to know when the bot takes on a
// conversation, as its fee counts them (Outcome.BotResolved + BotHandoffs): Stats
// counts them per day, so that a forecast charges each month its own bot fees.
// Optional, like BlockRecorder.
type BotRecorder interface {
	BotConversations(at Time, n int64)
}

// Recorder receives what happens in a run, in virtual-time order, for the
// conversations the run counts (those that arrive inside the horizon, followed to
// their end) and the templates the business sends inside it. It is the only way out
// of a run; implementations must not retain the pointers they are given.
type Recorder interface {
	// Message is called for every message sent, by either side, with its pricing.
	Message(m *model.Message, c *pricing.Charge)
	// Reply is called for every reply the agents or the bot produced, sent or dropped.
	Reply(at Time, o ReplyOutcome)
	// Pickup is called when an agent takes a conversation from the queue.
	Pickup(start, at Time)
	// FirstResponse is called when a conversation gets its first reply.
	FirstResponse(start, at Time)
}

// Outcome is what a run knows at its end that no single event told the Recorder.
type Outcome struct {
	Conversations int64 // conversations customers started (on their own, or answering a template) inside the horizon
	// Unanswered is the user messages never answered: their customer gave up, or they
	// were still waiting when the run ended (after the horizon, only when nobody was
	// left on duty to answer them).
	Unanswered int64
	Abandoned  int64 // conversations whose customer gave up waiting in the queue
	Ignored    int64 // conversations the agents never took up (agents.ignore_share); also in Unanswered
	// DroppedConversations are conversations whose first reply came after the window
	// closed and was dropped (late_reply: drop): never answered.
	DroppedConversations int64
	AnsweredInWindow     int64 // conversations whose first response was sent inside the window
	BotReplies           int64 // replies the bot produced, sent or dropped
	BotResolved          int64 // conversations the bot took on alone (no agent)
	BotHandoffs          int64 // conversations the bot answered first and handed to the agents
	AgentTime            Time  // agent-time on duty from Start until the backlog is cleared (agents × duration); a response-time team's, to End
	DrainAgentTime       Time  // of AgentTime, the part after the horizon end: the drain's shifts
	BusySlotTime         Time  // chat-slot time in use over the same span
	Slots                int   // chat slots per agent (concurrency)
	Events               int64 // events processed, for throughput figures
	Outbound             OutboundCounts
}

// Stopper is a Recorder that can end a run early: every stopEvery events the run asks
// Err, and an error ends the run with it. It is how a run in flight stops when its
// sweep is cancelled (Ctrl-C), or when the file it is being written to fails.
type Stopper interface {
	Err() error
}
