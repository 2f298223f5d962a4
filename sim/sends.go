package sim

import (
	"slices"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/load"
)

// Sends lists the kinds of business message a run of c sends, each to the countries
// of the customer base it reaches: the agents' replies (free-form, inside the customer
// service window) and, where the window has closed, the late-reply template
// (Staffing.LateReply: utility, marketing, or none when dropped) to every country; each
// notification's and campaign's template to its countries (every country without a
// filter). Each (country, kind, category) once, in the order of c.Countries; what
// billing.Unpriced checks the rate cards price before a run (validate).
func (c *Config) Sends() []billing.Sent {
	var out []billing.Sent
	add := func(country string, kind model.Kind, cat model.Category) {
		s := billing.Sent{Kind: kind, Category: cat}
		copy(s.Country[:], country)
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	late := model.CatNone
	switch LateOutcome(c.Staffing.LateReply) {
	case LateUtility:
		late = model.Utility
	case LateMarketing:
		late = model.Marketing
	}
	reaches := func(filter []string, country string) bool {
		return len(filter) == 0 || slices.Contains(filter, country)
	}
	for _, sh := range c.Countries {
		add(sh.Country, model.Text, model.CatNone)
		if late != model.CatNone {
			add(sh.Country, model.Template, late)
		}
		for _, n := range c.Notifications {
			if cat, ok := load.TemplateCategory(n.Category); ok && reaches(n.Countries, sh.Country) {
				add(sh.Country, model.Template, cat)
			}
		}
		for _, cp := range c.Campaigns {
			if reaches(cp.Countries, sh.Country) {
				add(sh.Country, model.Template, cp.TemplateCategory())
			}
		}
	}
	return out
}
