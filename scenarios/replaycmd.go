package scenarios

import (
	"strconv"

	"github.com/spendsim/spendsim/internal/shellquote"
	"github.com/spendsim/spendsim/model/billing"
)

// ReplayCommand is the replay that bills a generated trace as the run billed it: the
// scenario's era, time zone, currency and business settings, and the rate flags given.
func (sc *Scenario) ReplayCommand(path string, rateArgs []string) string {
	args := []string{"spendsim", "replay", "--trace", path, "--pricing", sc.Pricing, "--timezone", sc.Timezone, "--currency", sc.Currency}
	args = append(args, rateArgs...)
	// The flag's 0 is the scenario's: none; its default is the scenario's too.
	if a := max(sc.Business.ServiceAllowance, 0); a != billing.DefaultServiceAllowancePerNumber {
		args = append(args, "--service-allowance", strconv.Itoa(a))
	}
	if c := sc.Business.PrimaryCountry; c != "" {
		args = append(args, "--primary-country", c)
	}
	if d := sc.Business.AuthIntlFrom; d != "" {
		args = append(args, "--auth-intl-from", d)
	}
	if h := sc.Business.EntryPointHours; h != 0 {
		args = append(args, "--entry-point-hours", strconv.Itoa(h))
	}
	return shellquote.Join(args)
}
