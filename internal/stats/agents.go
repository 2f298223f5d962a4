package stats

import "github.com/spendsim/spendsim/sim"

// AgentsSummary is what a sweep point's bot and customers' patience did, across its
// replications: each count a mean per run with its Student-t 95% interval (null with
// one replication), like the SLA estimates.
type AgentsSummary struct {
	BotReplies  Estimate `json:"bot_replies"`  // replies the bot produced (sent or dropped)
	BotResolved Estimate `json:"bot_resolved"` // conversations the bot took on alone
	BotHandoffs Estimate `json:"bot_handoffs"` // conversations the bot answered first and handed to the agents
	Abandoned   Estimate `json:"abandoned"`    // conversations whose customer gave up waiting for an agent
	Unanswered  Estimate `json:"unanswered"`   // user messages never answered (gave up, or still waiting at the end)
}

// summarizeAgents aggregates the runs of one point; nil when no run had a bot reply or
// a customer giving up, so scenarios without agents.bot or agents.patience keep their
// summary as it was.
func summarizeAgents(reps []*sim.RunResult) *AgentsSummary {
	some := false
	for _, r := range reps {
		some = some || r.BotReplies != 0 || r.Abandoned != 0
	}
	if !some {
		return nil
	}
	col := func(get func(*sim.RunResult) int64) Estimate {
		xs := make([]float64, len(reps))
		for i, r := range reps {
			xs[i] = float64(get(r))
		}
		return estimate(xs)
	}
	return &AgentsSummary{
		BotReplies:  col(func(r *sim.RunResult) int64 { return r.BotReplies }),
		BotResolved: col(func(r *sim.RunResult) int64 { return r.BotResolved }),
		BotHandoffs: col(func(r *sim.RunResult) int64 { return r.BotHandoffs }),
		Abandoned:   col(func(r *sim.RunResult) int64 { return r.Abandoned }),
		Unanswered:  col(func(r *sim.RunResult) int64 { return r.Unanswered }),
	}
}
