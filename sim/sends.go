package sim

import (
	"slices"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/blocking"
	"github.com/spendsim/spendsim/model/load"
)

// Sends lists the kinds of business message a run of c sends, each to the countries
// of the customer base it reaches: the agents' replies (free-form, inside the customer
// service window) and, where the window has closed, the late-reply template
// (Staffing.LateReply: utility, marketing, or none when dropped) to every country; each
// notification's and campaign's template to its countries (every country without a
// filter), Scheduled as the business sends them whatever its customers do. Each
// (country, kind, category) once, in the order of c.Countries; what
// billing.Unpriced checks the rate cards price before a run (validate).
func (c *Config) Sends() []billing.Sent {
	var out []billing.Sent
	add := func(country string, kind model.Kind, cat model.Category, scheduled bool) {
		s := billing.Sent{Kind: kind, Category: cat}
		copy(s.Country[:], country)
		i := slices.IndexFunc(out, func(o billing.Sent) bool { return o.Country == s.Country && o.Kind == kind && o.Category == cat })
		if i < 0 {
			out = append(out, s)
			i = len(out) - 1
		}
		out[i].Scheduled = out[i].Scheduled || scheduled
	}
	late := c.lateCategory()
	reaches := func(filter []string, country string) bool {
		return len(filter) == 0 || slices.Contains(filter, country)
	}
	for _, sh := range c.Countries {
		add(sh.Country, model.Text, model.CatNone, false)
		if late != model.CatNone {
			add(sh.Country, model.Template, late, false)
		}
		for _, n := range c.Notifications {
			if cat, ok := load.TemplateCategory(n.Category); ok && reaches(n.Countries, sh.Country) {
				add(sh.Country, model.Template, cat, n.PerCustomerMonth > 0)
			}
		}
		for _, cp := range c.Campaigns {
			if reaches(cp.Countries, sh.Country) {
				add(sh.Country, model.Template, cp.TemplateCategory(), cp.Audience > 0)
			}
		}
	}
	return out
}

// DrainSends lists, of Sends, the kinds of business message a run of c may send after
// the horizon, in the drain (sim/horizon.go), where no conversation starts and the
// business starts no template of its own: the agents' replies and the late-reply
// template to the conversations still open, and, only where the messaging limit
// delays templates (Blocking.MessagingLimit on, overflow delay), the notifications'
// and campaigns' templates it held back, which go in the drain as it lets them.
func (c *Config) DrainSends() []billing.Sent {
	out := c.Sends()
	lim := c.Blocking.MessagingLimit
	if _, off, _ := lim.Level(); !off && lim.Overflow != blocking.Fail {
		return out
	}
	late := c.lateCategory()
	return slices.DeleteFunc(out, func(s billing.Sent) bool {
		return s.Kind == model.Template && s.Category != late
	})
}

// lateCategory is the category of the late-reply template (Staffing.LateReply), or
// model.CatNone when the late reply is dropped.
func (c *Config) lateCategory() model.Category {
	switch LateOutcome(c.Staffing.LateReply) {
	case LateUtility:
		return model.Utility
	case LateMarketing:
		return model.Marketing
	}
	return model.CatNone
}
