package scenarios

import (
	"fmt"

	"github.com/spendsim/spendsim/model/load"
)

// validateOutbound checks load.notifications, load.campaigns and blocking: each on its
// own, names unique across both lists (they name random streams and report rows), and
// market filters that name only countries of the customer base.
func (s *Scenario) validateOutbound() []string {
	var errs []string
	inBase := map[string]bool{}
	for _, c := range s.Customers.Countries {
		inBase[c.Country] = true
	}
	names := map[string]string{}
	check := func(path, name string, countries []string) {
		if prev, dup := names[name]; dup && name != "" {
			errs = append(errs, fmt.Sprintf("%s.name: %q is already the name of %s; names must be unique among notifications and campaigns", path, name, prev))
		}
		names[name] = path
		for i, c := range countries {
			if len(c) == 2 && !inBase[c] {
				errs = append(errs, fmt.Sprintf("%s.countries[%d]: %s is not in customers.countries, so no customer would get these templates", path, i, c))
			}
		}
	}
	for i, n := range s.Load.Notifications {
		p := fmt.Sprintf("load.notifications[%d]", i)
		errs = append(errs, n.Validate(p)...)
		check(p, n.Name, n.Countries)
	}
	for i, c := range s.Load.Campaigns {
		p := fmt.Sprintf("load.campaigns[%d]", i)
		errs = append(errs, c.Validate(p)...)
		check(p, c.Name, c.Countries)
	}
	return append(errs, s.Blocking.Validate("blocking")...)
}

// cloneOutbound gives c its own copies of s's notification and campaign lists, so a
// sweep setting load.notifications[0].per_customer_month never touches s.
func (c *Scenario) cloneOutbound(s *Scenario) {
	c.Load.Notifications = append([]load.Notification(nil), s.Load.Notifications...)
	for i := range c.Load.Notifications {
		n := &c.Load.Notifications[i]
		n.Hour = append([]float64(nil), n.Hour...)
		n.Weekday = append([]float64(nil), n.Weekday...)
		n.Countries = append([]string(nil), n.Countries...)
	}
	c.Load.Campaigns = append([]load.Campaign(nil), s.Load.Campaigns...)
	for i := range c.Load.Campaigns {
		k := &c.Load.Campaigns[i]
		k.Days = append([]string(nil), k.Days...)
		k.Countries = append([]string(nil), k.Countries...)
	}
}
