package load

import (
	"fmt"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/dist"
)

// Notification is a stream of templates the business sends on its own initiative, at
// random: order and delivery updates, reminders, one-time codes. Across the customer
// base it is one Poisson process (customers × per_customer_month per 30 days, shaped
// by the profile in the business's zone), each template to a customer drawn uniformly
// among the eligible ones, so the simulation keeps one pending event per stream, not
// one per customer.
type Notification struct {
	Name             string           `yaml:"name"`               // label, [a-z0-9_-], unique among notifications and campaigns; required
	Category         string           `yaml:"category"`           // template category: marketing, utility or authentication; required
	PerCustomerMonth float64          `yaml:"per_customer_month"` // templates per eligible customer per 30 days, > 0
	Profile          `yaml:",inline"` // hour_of_day (24), day_of_week (7): local send-time weights; default flat
	Countries        []string         `yaml:"countries,omitempty"` // only customers in these countries (ISO alpha-2); default all
	Reply            Reply            `yaml:"reply,omitempty"`     // the customer answers the template; default never
}

// Reply is a customer answering a template: a user message, which opens the customer
// service window and starts a conversation the agents handle.
type Reply struct {
	Probability float64   `yaml:"probability"` // chance (0..1) that a delivered template is answered; default 0
	Delay       dist.Spec `yaml:"delay"`       // time from delivery to the answer, seconds; needed when probability > 0
}

// TemplateCategory reads a template category's name (model.ParseCategory); "" names
// none.
func TemplateCategory(s string) (model.Category, bool) {
	c, ok := model.ParseCategory(s)
	return c, ok && c != model.CatNone
}

// categoryList is what a category may be, for errors: "marketing, utility, authentication".
var categoryList = strings.Join(model.CategoryNames(), ", ")

// Validate reports problems, each prefixed by path.
func (n Notification) Validate(path string) []string {
	var errs []string
	if !model.ValidName(n.Name) {
		errs = append(errs, fmt.Sprintf("%s.name: %q must be lower-case letters, digits, - or _", path, n.Name))
	}
	if _, ok := TemplateCategory(n.Category); !ok {
		errs = append(errs, fmt.Sprintf("%s.category: %q is not one of %s", path, n.Category, categoryList))
	}
	if !(n.PerCustomerMonth > 0) {
		errs = append(errs, fmt.Sprintf("%s.per_customer_month: must be > 0 templates per customer per 30 days, got %v", path, n.PerCustomerMonth))
	} else if n.PerCustomerMonth > MaxPerCustomerMonth {
		errs = append(errs, fmt.Sprintf("%s.per_customer_month: must be at most %d templates per customer per 30 days, got %v",
			path, MaxPerCustomerMonth, n.PerCustomerMonth))
	}
	errs = append(errs, n.Profile.Validate(path)...)
	errs = append(errs, validateCountries(path+".countries", n.Countries)...)
	return append(errs, n.Reply.Validate(path+".reply")...)
}

// Validate reports problems, each prefixed by path.
func (r Reply) Validate(path string) []string {
	if r == (Reply{}) {
		return nil
	}
	var errs []string
	if !(r.Probability >= 0 && r.Probability <= 1) {
		errs = append(errs, fmt.Sprintf("%s.probability: must be between 0 and 1, got %v", path, r.Probability))
	}
	if r.Probability > 0 {
		errs = append(errs, r.Delay.Validate(path+".delay")...)
	}
	return errs
}

func validateCountries(path string, cs []string) []string {
	var errs []string
	seen := map[string]bool{}
	for i, c := range cs {
		if msg := countryProblem(c); msg != "" {
			errs = append(errs, fmt.Sprintf("%s[%d]: %s", path, i, msg))
		} else if seen[c] {
			errs = append(errs, fmt.Sprintf("%s[%d]: %s is listed twice", path, i, c))
		}
		seen[c] = true
	}
	return errs
}

// Arrivals is the stream's send times over [from, to) in loc for customers eligible
// customers: rate customers × per_customer_month / 30 days, shaped by the profile and
// scaled by growth like customer arrivals.
func (n Notification) Arrivals(from, to model.Time, loc *time.Location, customers int, growth []Step) *Arrivals {
	ratePerHour := float64(customers) * n.PerCustomerMonth / (30 * 24)
	return NewGrowingArrivals(from, to, loc, ratePerHour, n.Profile, growth)
}
