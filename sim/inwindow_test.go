package sim_test

import (
	"testing"

	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/model/dist"
)

// TestInWindowShareOverConversations: the in-window share is of the conversations that
// arrived, those whose first response was sent inside the window (issue 11), not of
// messages. Agents on weekday day shifts leave weekend conversations waiting past their
// window. With late replies dropped, every first response sent was inside the window,
// so the share is exactly the answered share; with late replies sent as utility
// templates some first responses are late, and the share is below it.
func TestInWindowShareOverConversations(t *testing.T) {
	for _, policy := range []agents.LatePolicy{agents.LateDrop, agents.LateUtility} {
		cfg := mmc(t, 2, 1.5, 1, 24*14)
		cfg.Staffing.Shifts = []agents.Shift{{Start: "09:00", End: "18:00", Headcount: 2}}
		cfg.Staffing.LateReply = policy
		cfg.Conversation.MessagesMean = 3
		cfg.Conversation.ThinkTime = dist.Spec{Kind: dist.Exponential, MeanS: 300}
		res := runStats(t, cfg, 4)
		if want := float64(res.AnsweredInWindow) / float64(res.Conversations); res.InWindowShare != want {
			t.Errorf("%v: in-window share %v, want %d answered in window ÷ %d conversations = %v", policy, res.InWindowShare, res.AnsweredInWindow, res.Conversations, want)
		}
		late := res.FirstResponses - res.AnsweredInWindow
		switch {
		case policy == agents.LateDrop && (late != 0 || res.InWindowShare != res.AnsweredShare || res.DroppedConversations == 0):
			t.Errorf("late replies dropped: %d late first responses, in-window share %v, answered share %v, %d dropped; want 0, equal shares, some dropped",
				late, res.InWindowShare, res.AnsweredShare, res.DroppedConversations)
		case policy == agents.LateUtility && (late <= 0 || res.InWindowShare >= res.AnsweredShare):
			t.Errorf("late replies as utility: %d late first responses, in-window share %v, answered share %v; want some late, the share below the answered",
				late, res.InWindowShare, res.AnsweredShare)
		}
	}
}
