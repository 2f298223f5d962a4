package billing

import (
	"fmt"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
)

// Era is a set of WhatsApp billing rules (BILLING.md). EraAuto bills each message under
// the era in force on its date; any other value bills every message under that era's
// rules (the --pricing counterfactual).
type Era uint8

const (
	EraAuto       Era = iota
	EraNBP2018        // per delivered template outside the CSW, 2018-08-01 to 2022-01-31
	EraCBP2022        // 24 h user-/business-initiated conversations, 2022-02-01 to 2023-05-31
	EraCBP2023        // 24 h conversations per category, 2023-06-01 to 2025-06-30
	EraPMP2025        // per delivered template, 2025-07-01 to 2026-09-30
	EraPMP2026Oct     // per message, service and in-window utility charged, from 2026-10-01
	numEras
)

var eraNames = [...]string{"auto", "nbp-2018", "cbp-2022", "cbp-2023", "pmp-2025", "pmp-2026-10"}

func (e Era) String() string {
	if int(e) < len(eraNames) {
		return eraNames[e]
	}
	return fmt.Sprintf("Era(%d)", uint8(e))
}

// ParseEra reads an era name as the --pricing flag spells it.
func ParseEra(s string) (Era, error) {
	for i, n := range eraNames {
		if strings.EqualFold(strings.TrimSpace(s), n) {
			return Era(i), nil
		}
	}
	return 0, fmt.Errorf("billing: pricing era %q is not one of %s", s, strings.Join(eraNames[:], ", "))
}

// Model is the pricing model whose rate cards the era's rules use.
func (e Era) Model() pricing.Model {
	switch e {
	case EraNBP2018:
		return pricing.NBP
	case EraCBP2022, EraCBP2023:
		return pricing.CBP
	case EraPMP2025, EraPMP2026Oct:
		return pricing.PMP
	}
	return pricing.ModelNone
}

// Dates at which the rules change, as calendar days; each applies from midnight in the
// business account's time zone (BILLING.md, "Always").
type day struct {
	y int
	m time.Month
	d int
}

var (
	dayCBP2022        = day{2022, time.February, 1}
	dayEntryPoint72h  = day{2023, time.March, 1} // CBP v1 free entry point: 24 h before, 72 h from
	dayCBP2023        = day{2023, time.June, 1}
	dayServiceFree    = day{2024, time.November, 1}
	dayUSMarketingOff = day{2025, time.April, 1}
	dayPMP2025        = day{2025, time.July, 1}
	dayPMP2026Oct     = day{2026, time.October, 1}
)

func (d day) at(loc *time.Location) model.Time {
	return model.FromStd(model.DayStart(d.y, d.m, d.d, loc))
}

// EraAt returns the era in force at t on the calendar of loc (nil means UTC). Dates
// before 2018-08-01 report EraNBP2018: there is nothing earlier to bill under.
func EraAt(t model.Time, loc *time.Location) Era {
	if loc == nil {
		loc = time.UTC
	}
	b := newBounds(loc)
	return b.era(t)
}

// bounds are the rule-change instants in one time zone, computed once per Biller so that
// the per-message path compares integers only.
type bounds struct {
	cbp2022, entry72h, cbp2023, serviceFree, usMarketingOff, pmp2025, pmp2026Oct model.Time
}

func newBounds(loc *time.Location) bounds {
	return bounds{
		cbp2022:        dayCBP2022.at(loc),
		entry72h:       dayEntryPoint72h.at(loc),
		cbp2023:        dayCBP2023.at(loc),
		serviceFree:    dayServiceFree.at(loc),
		usMarketingOff: dayUSMarketingOff.at(loc),
		pmp2025:        dayPMP2025.at(loc),
		pmp2026Oct:     dayPMP2026Oct.at(loc),
	}
}

func (b *bounds) era(t model.Time) Era {
	switch {
	case t < b.cbp2022:
		return EraNBP2018
	case t < b.cbp2023:
		return EraCBP2022
	case t < b.pmp2025:
		return EraCBP2023
	case t < b.pmp2026Oct:
		return EraPMP2025
	}
	return EraPMP2026Oct
}
