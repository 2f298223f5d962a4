package reconcile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/model/window"
)

// Under CBP Meta charges per conversation, and every status of every message in it
// carries the conversation's pricing: billable true on each message of a billable
// conversation (Meta, *Webhooks*; the shared corpus's probe_cbp_pmp_switch). The
// message whose status first names a conversation.id opened it; the others ride it, and
// their billable marks the conversation billable, not a second charge. Meta's word on
// a rider is priced 0, and compared with whether spendsim's conversation is billable.
// No conversation of Meta's lasts longer than 72 h: a message that names an id opened
// that long before it, or longer, opens a conversation of its own.
// PMP and NBP charge every message, whatever conversation.id their statuses carry.

// metaPair names a (business number, user) pair: a conversation is between the two.
// The same conversation.id on another pair is another conversation: published examples
// share a placeholder id (the corpus's fidelity log has CONVERSATION_ID for four users).
type metaPair struct{ business, user string }

// metaOpening is a CBP conversation Meta's word named: its conversation.id, and the
// line and time (delivery) of the message that opened it.
type metaOpening struct {
	id   string
	line int64
	at   model.Time
}

// metaOpen are the conversations of a pair that a later message may still ride.
type metaOpen struct{ convs []metaOpening }

// metaConversationMax is how long a conversation of Meta's may last, so how long after
// its opening a message may ride it (docs/billing.md, "CBP 2022", "CBP 2023"): 24 h,
// and 72 h for a free entry point. A pair may hold several at once (CBP 2023: one per
// category), so a pair keeps every conversation opened within it, not only its latest.
const metaConversationMax = max(window.Conversation, window.EntryPoint)

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
// riders. A conversation is remembered while it may last (metaConversationMax): memory
// grows with the pairs, not with their conversations, and the strings are copies, not
// the caller's (messages.parquet's are views into a whole batch of rows).
func (r *Reconciler) metaRides(m *Message) metaRide {
	mp := m.Meta
	mdl := mp.PricingModel
	if mdl == "" {
		mdl = m.Model
	}
	if !m.Delivered || mp.ConversationID == "" || mdl != pricing.CBP.String() {
		return metaRide{}
	}
	k := metaPair{m.Business, m.User}
	p := r.metaConvs[k]
	if p == nil {
		p = &metaOpen{}
		r.metaConvs[metaPair{strings.Clone(m.Business), strings.Clone(m.User)}] = p
	}
	// A conversation opened metaConversationMax before m, or longer, has ended.
	p.convs = slices.DeleteFunc(p.convs, func(c metaOpening) bool { return m.At-c.at >= metaConversationMax })
	for _, c := range p.convs {
		if c.id == mp.ConversationID {
			return metaRide{rides: true, opened: c.line}
		}
	}
	p.convs = append(p.convs, metaOpening{id: strings.Clone(mp.ConversationID), line: m.Line, at: m.At})
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
