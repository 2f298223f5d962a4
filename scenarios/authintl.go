package scenarios

import (
	"fmt"
	"math"
)

// AuthIntlNote says, when a sweep point of the scenario gives business.auth_intl_from
// without business.primary_country, what that means: every recipient counts as
// international from that date (Meta bills a business whose primary location is not
// verified so: docs/billing.md, "Authentication-international"), those in the country
// most of the customers are in included, whose share it names. The combination has a
// meaning, so it is not refused; but an author who left the primary country out by
// mistake pays the international rate on every authentication template to a market
// with one, home included, and would not otherwise be told. "" when no point has it.
func (s *Scenario) AuthIntlNote() string {
	points, err := s.Points()
	if err != nil {
		return ""
	}
	for _, p := range points {
		b := p.Scenario.Business
		if b.AuthIntlFrom == "" || b.PrimaryCountry != "" {
			continue
		}
		top, share := "", 0.0
		for _, c := range p.Scenario.Customers.Countries {
			if c.Share > share {
				top, share = c.Country, c.Share
			}
		}
		n := fmt.Sprintf("business.auth_intl_from is %s and business.primary_country is not given: from that date every recipient counts as international", b.AuthIntlFrom)
		if top != "" {
			n += fmt.Sprintf(", those in %s (%s of the customers) too", top, percent(share))
		}
		return n + ", and authentication templates pay the authentication-international rate wherever the market has one; " +
			"set business.primary_country to the country the business is based in to bill its own customers at the domestic rate (docs/billing.md, \"Authentication-international\")"
	}
	return ""
}

// percent writes a share as a percentage, to one decimal where that is not whole.
func percent(share float64) string {
	p := share * 100
	if math.Abs(p-math.Round(p)) < 1e-9 {
		return fmt.Sprintf("%.0f%%", p)
	}
	return fmt.Sprintf("%.1f%%", p)
}
