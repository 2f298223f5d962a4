package reconcile

import (
	"fmt"

	"github.com/spendsim/spendsim/model/pricing"
)

// Under CBP Meta charges per conversation, and every status of every message in it
// carries the conversation's pricing: billable true on each message of a billable
// conversation (Meta, *Webhooks*; the shared corpus's probe_cbp_pmp_switch). The
// message whose status first names a conversation.id opened it; the others ride it, and
// their billable marks the conversation billable, not a second charge. Meta's word on
// a rider is priced 0, and compared with whether spendsim's conversation is billable.
// PMP and NBP charge every message, whatever conversation.id their statuses carry.

// metaConversation is a conversation Meta's word named: a business number and a user
// (a conversation is between the two) and conversation.id. The same id on another pair
// is another conversation: published examples share a placeholder id (the corpus's
// fidelity log has CONVERSATION_ID for four users).
type metaConversation struct{ business, user, id string }

// metaRide says whether a message rides a conversation Meta's word named before it,
// and on which line that conversation was opened.
type metaRide struct {
	rides  bool
	opened int64
}

// metaRides says whether m, a delivered message priced under CBP by Meta's word, rides a
// conversation an earlier message's status named (the first message of each is
// remembered as its opening). Messages must come in delivery order, as
// messages.parquet holds them, for a conversation's first message to come before its
// riders.
func (r *Reconciler) metaRides(m *Message) metaRide {
	mp := m.Meta
	mdl := mp.PricingModel
	if mdl == "" {
		mdl = m.Model
	}
	if !m.Delivered || mp.ConversationID == "" || mdl != pricing.CBP.String() {
		return metaRide{}
	}
	k := metaConversation{m.Business, m.User, mp.ConversationID}
	if line, ok := r.metaConvs[k]; ok {
		return metaRide{rides: true, opened: line}
	}
	r.metaConvs[k] = m.Line
	return metaRide{}
}

// conversationBillable says whether the CBP conversation spendsim has m in is billable:
// its opening message is (at its rate, or at 0 in the month's free tier), its riders
// are of the same pricing type and not billable themselves. A free entry point or
// free service conversation is not.
func conversationBillable(m *Message) bool {
	return m.Model == pricing.CBP.String() && (m.Type == pricing.Regular.String() || m.Type == pricing.FreeTier.String())
}

// opens says how m, which rides Meta's conversation, differs where spendsim opened a
// charged conversation with it; "" where spendsim did not.
func (mr metaRide) opens(m *Message) (Reason, string) {
	if m.Billable {
		return ConversationDiffer, fmt.Sprintf("Meta: it rode conversation %s, opened on line %d; spendsim opened a conversation (%s)",
			m.Meta.ConversationID, mr.opened, m.Type)
	}
	return "", ""
}
